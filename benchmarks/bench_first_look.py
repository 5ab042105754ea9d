#!/usr/bin/env python3
"""The ``figures`` veto's first look (``dedupe/figures/sketch.py``) on the pairs of a run.

    python benchmarks/bench_first_look.py CORPUS.jsonl PAIRS.jsonl [--rounds 5]

``PAIRS.jsonl`` is a run's ``pairs.jsonl`` (its ``a`` and ``b`` ids); the texts are the
corpus's ``text`` fields cut at ``READ_CHARS`` (the first look reads no more). Times, best of
the rounds: making the documents' sketches, ``agree`` on every pair (sketch words made on first
use, as in a run), and ``same_figures`` alone on words already made. Prints a checksum of the
decisions, so that two trees can be compared for the same answers as well as for time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time

import msgspec

from dedupe.figures.edits import Words, same_figures
from dedupe.figures.extract import READ_CHARS
from dedupe.figures.sketch import Sketch, agree


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("pairs")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    decode = msgspec.json.Decoder().decode
    with open(args.pairs, "rb") as f:
        pairs = [(row["a"], row["b"]) for row in map(decode, f)]
    wanted = {d for pair in pairs for d in pair}
    texts = {}
    with open(args.corpus, "rb") as f:
        for line in f:
            row = decode(line)
            if row["id"] in wanted:
                texts[row["id"]] = row["text"][:READ_CHARS]
    docs = sorted(wanted)
    best: dict[str, float] = {}
    answers = None
    for _ in range(args.rounds):
        start = time.perf_counter()
        sketches = {d: Sketch(texts[d]) for d in docs}
        made = time.perf_counter()
        agreed = [agree(sketches[a], sketches[b], names=True, read={}) for a, b in pairs]
        looked = time.perf_counter()
        words = {d: Words(texts[d]) for d in docs}
        counted = time.perf_counter()
        same = [same_figures(words[a], words[b], names=True) for a, b in pairs]
        compared = time.perf_counter()
        times = {
            "sketches": made - start,
            "agree": looked - made,
            "Words": counted - looked,
            "same_figures": compared - counted,
        }
        for name, value in times.items():
            best[name] = min(best.get(name, value), value)
        answers = (agreed, same)
    digest = hashlib.sha256(json.dumps(answers).encode()).hexdigest()[:16]
    print(
        json.dumps(
            {
                "pairs": len(pairs),
                "documents": len(docs),
                **{f"{k}_s": round(v, 3) for k, v in best.items()},
                "agree_true": sum(answers[0]) if answers else 0,
                "decisions_sha256": digest,
            }
        )
    )


if __name__ == "__main__":
    main()
