"""Builds a noisy reprint corpus: clean stories printed several times and each printing read by
OCR (``tests/ocr_noise.py``), with unrelated passages and formulaic notices.

    .venv/bin/python benchmarks/ocr_corpus.py OUT --lang en --rate 0.08 [--clusters 150]

- **Stories**: English from the BBC articles (``../shared/data/bbc``), French from the ELTeC
  novels (``../shared/data/eltec-fra``): passages of consecutive paragraphs, 250-3,000
  characters.
- **Reprint clusters** of 2-6 printings (2 most often). Each printing may be cut by its editor
  (a third of them keep 55-95% of the sentences from the start or drop one sentence), then is
  set in a column and read by OCR at its own character error rate (the corpus ``--rate``
  times a log-normal factor, sigma 0.35: some papers are read much worse than others).
- **Unrelated passages**: one printing each, same sources (same topics).
- **Notices** (``tests/ocr_formulas.py``): formulaic texts, a fifth of them printed twice.
  Notices on one formula with other names and figures are different news.

Writes ``corpus.jsonl`` (``id``, ``text``) and ``truth.jsonl`` (``id``, ``cluster``, ``role``:
``reprint``, ``unrelated``, ``notice``; ``rate``: the printing's error rate).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
sys.path.insert(0, str(REPO))

from tests.ocr_formulas import ENGLISH, FRENCH, notice  # noqa: E402
from tests.ocr_noise import Noise, ocr_copy  # noqa: E402


def english_passages(rng: random.Random, count: int) -> list[str]:
    """Passages of BBC articles (their bodies, without the title line)."""
    files = sorted((DATA / "bbc" / "bbc").glob("*/*.txt"))
    rng.shuffle(files)
    out = []
    for path in files:
        paragraphs = [p.strip() for p in path.read_text("latin-1").split("\n") if p.strip()][1:]
        passage = _passage(paragraphs, rng)
        if passage:
            out.append(passage)
        if len(out) == count:
            break
    return out


def french_passages(rng: random.Random, count: int) -> list[str]:
    """Passages of the ELTeC novels (a few from each novel)."""
    files = sorted((DATA / "eltec-fra" / "plain1").glob("*.txt"))
    out: list[str] = []
    while len(out) < count:
        path = rng.choice(files)
        paragraphs = [p.strip() for p in path.read_text("utf-8").split("\n") if len(p) > 40]
        if len(paragraphs) < 10:
            continue
        start = rng.randrange(len(paragraphs) - 8)
        passage = _passage(paragraphs[start : start + 8], rng)
        if passage:
            out.append(passage)
    return out


def _passage(paragraphs: list[str], rng: random.Random) -> str:
    """Consecutive paragraphs from a random one, 250-3,000 characters (or '')."""
    if not paragraphs:
        return ""
    target = int(math.exp(rng.uniform(math.log(250), math.log(3000))))
    start = rng.randrange(len(paragraphs))
    text = ""
    for p in paragraphs[start:]:
        if len(text) >= target:
            break
        text = f"{text}\n{p}" if text else p
    if len(text) < 250:
        return ""
    return text[:3000]


def distinct(passages: list[str]) -> list[str]:
    """The passages without any that shares a sentence with one before it (BBC repeats some
    articles; two passages of one novel may overlap)."""
    seen: set[str] = set()
    out = []
    for passage in passages:
        sentences = {s for s in re.split(r"(?<=[.!?])\s+", passage) if len(s) > 30}
        if sentences & seen:
            continue
        seen |= sentences
        out.append(passage)
    return out


def edit(text: str, rng: random.Random) -> str:
    """What an editor may do to a reprint: keep the first 55-95% of the sentences, or drop
    one sentence, or nothing (two thirds of the time)."""
    sentences = re.split(r"(?<=[.!?])\s+", text)
    roll = rng.random()
    if len(sentences) >= 4 and roll < 0.17:
        keep = max(2, round(len(sentences) * rng.uniform(0.55, 0.95)))
        return " ".join(sentences[:keep])
    if len(sentences) >= 4 and roll < 0.33:
        k = rng.randrange(1, len(sentences) - 1)
        return " ".join(sentences[:k] + sentences[k + 1 :])
    return text


def printing(text: str, rate: float, rng: random.Random, bleed: str) -> tuple[str, float]:
    copy_rate = min(0.4, rate * math.exp(rng.gauss(0.0, 0.35)))
    noise = Noise(rate=copy_rate, width=rng.randint(32, 46))
    return ocr_copy(text, rng.randrange(2**31), noise, bleed_from=bleed), copy_rate


def build(lang: str, rate: float, clusters: int, unrelated: int, notices: int, seed: int):
    rng = random.Random(seed)
    get = english_passages if lang == "en" else french_passages
    stories = distinct(get(rng, 2 * (clusters + unrelated)))[: clusters + unrelated]
    docs: list[dict] = []
    truth: list[dict] = []

    def add(text: str, cluster: str, role: str, r: float) -> None:
        doc_id = f"{lang}{len(docs):05d}"
        docs.append({"id": doc_id, "text": text})
        truth.append({"id": doc_id, "cluster": cluster, "role": role, "rate": round(r, 4)})

    for c, story in enumerate(stories[:clusters]):
        size = min(6, 2 + int(rng.expovariate(1.0)))
        for _ in range(size):
            text, r = printing(edit(story, rng), rate, rng, rng.choice(stories))
            add(text, f"story{c}", "reprint", r)
    for u, story in enumerate(stories[clusters:]):
        text, r = printing(story, rate, rng, rng.choice(stories))
        add(text, f"alone{u}", "unrelated", r)
    formulas = len(ENGLISH if lang == "en" else FRENCH)
    for k in range(notices):
        text = notice(lang, k % formulas, seed * 100_003 + k)
        for _ in range(2 if rng.random() < 0.2 else 1):
            noisy, r = printing(text, rate, rng, "")
            add(noisy, f"notice{k}", "notice", r)
    order = list(range(len(docs)))
    rng.shuffle(order)
    return [docs[i] for i in order], [truth[i] for i in order]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--lang", choices=("en", "fr"), default="en")
    parser.add_argument("--rate", type=float, default=0.08, help="mean character error rate")
    parser.add_argument("--clusters", type=int, default=150)
    parser.add_argument("--unrelated", type=int, default=150)
    parser.add_argument("--notices", type=int, default=120)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    docs, truth = build(
        args.lang, args.rate, args.clusters, args.unrelated, args.notices, args.seed
    )
    args.out.mkdir(parents=True, exist_ok=True)
    for name, rows in (("corpus.jsonl", docs), ("truth.jsonl", truth)):
        with open(args.out / name, "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(docs)} documents, {len({t['cluster'] for t in truth})} clusters -> {args.out}")


if __name__ == "__main__":
    main()
