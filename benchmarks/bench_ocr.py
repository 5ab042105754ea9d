"""``--preset ocr`` against the default and the issue's best settings: accuracy on reprints read
by OCR, and speed (documents/s) beside the default.

    .venv/bin/python benchmarks/bench_ocr.py quality [--work /tmp/ocr-bench]
    .venv/bin/python benchmarks/bench_ocr.py speed [--corpus CORPUS.jsonl --docs 10000]

``quality`` scores three settings (the default; ``--unit char -n 5 --threshold 0.3 --scorer
containment=0.5``, the best of the issue's table; ``--preset ocr``) on:

- ``ocr-dev`` (``../shared/data``): real reprint pairs of two Swiss papers (1900), read by OCR;
- corpora built by ``benchmarks/ocr_corpus.py`` (English from the BBC articles, French from the
  ELTeC novels, stories printed 2-6 times and read by the OCR model of ``tests/ocr_noise.py``
  at a mean character error rate of 3, 5, 8 and 15% per printing, with unrelated passages and
  formulaic notices, 120 notices on 6 English or 4 French formulas) written under ``--work``.

It prints pairwise precision, recall and ARI, the false pairs between notices and the largest
cluster, and writes ``results/ocr_quality.json``.

``speed`` runs ``dedupe run FILE --preset P -q`` in a subprocess for each preset and corpus
(ocr-dev; the English corpus at 5%; the first ``--docs`` documents of a benchmark corpus made
by ``make_corpus.py``, news-length French prose), one untimed run first (numba's cache), then
``--rounds`` timed runs: the median wall and CPU time (user + system, ``os.wait4``) and
documents/s. Results go to ``results/ocr_speed.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from provenance import dedupe_source  # noqa: E402

from dedupe import Engine  # noqa: E402
from dedupe.evaluate import load_truth, pairwise_scores, predicted_labels  # noqa: E402

SETTINGS: list[tuple[str, dict[str, Any]]] = [
    ("default", {}),
    (
        "--unit char -n 5 --threshold 0.3 --scorer containment=0.5",
        {"unit": "char", "ngram": 5, "threshold": 0.3, "scorers": ["containment=0.5"]},
    ),
    ("--preset ocr", {"preset": "ocr"}),
]
BUILT = [(lang, rate) for lang in ("en", "fr") for rate in (0.03, 0.05, 0.08, 0.15)]


def build(work: Path) -> list[tuple[str, Path]]:
    """ocr-dev and the generated corpora (built once under ``work``)."""
    sets = []
    if (DATA / "ocr-dev").exists():
        sets.append(("ocr-dev (real, French)", DATA / "ocr-dev"))
    for lang, rate in BUILT:
        folder = work / f"{lang}-{rate}"
        if not (folder / "truth.jsonl").exists():
            cmd = [sys.executable, str(HERE / "ocr_corpus.py"), str(folder), "--lang", lang]
            subprocess.run([*cmd, "--rate", str(rate)], check=True, stdout=subprocess.DEVNULL)
        sets.append((f"{lang} printings, {rate:.0%} errors", folder))
    return sets


def quality(work: Path) -> list[dict[str, Any]]:
    rows = []
    for name, folder in build(work):
        truth = load_truth(folder / "truth.jsonl")
        for label, settings in SETTINGS:
            engine = Engine(load_plugins=False, **settings)
            start = time.perf_counter()
            result = engine.run([str(folder / "corpus.jsonl")])
            seconds = time.perf_counter() - start
            clusters = [list(c.members) for c in result.clusters]
            scores = pairwise_scores(
                truth.labels, predicted_labels([{"members": m} for m in clusters], truth.labels)
            )
            notices = sum(
                1
                for members in clusters
                for a, b in combinations(members, 2)
                if truth.roles.get(a) == "notice"
                and truth.roles.get(b) == "notice"
                and truth.labels[a] != truth.labels[b]
            )
            row = {
                "data": name,
                "settings": label,
                "precision": round(scores["precision"], 4),
                "recall": round(scores["recall"], 4),
                "ari": round(scores["ari"], 4),
                "false notice pairs": notices,
                "largest cluster": max((len(m) for m in clusters), default=0),
                "seconds": round(seconds, 2),
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
    return rows


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, children included) of one command."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed")
    return wall, usage.ru_utime + usage.ru_stime


def speed(corpus: Path | None, docs: int, rounds: int, work: Path) -> list[dict[str, Any]]:
    inputs: list[tuple[str, Path]] = []
    if (DATA / "ocr-dev").exists():
        inputs.append(("ocr-dev", DATA / "ocr-dev" / "corpus.jsonl"))
    english = dict(build(work)).get("en printings, 5% errors")
    if english is not None:
        inputs.append(("en printings, 5% errors", english / "corpus.jsonl"))
    if corpus is not None and corpus.exists():
        head = work / f"bench-{docs}.jsonl"
        if not head.exists():
            with open(corpus, encoding="utf-8") as f, open(head, "w", encoding="utf-8") as out:
                for _, line in zip(range(docs), f, strict=False):
                    out.write(line)
        inputs.append((f"{docs:,} news-length French texts (make_corpus.py)", head))
    dedupe = str(Path(sys.executable).parent / "dedupe")
    rows = []
    for name, path in inputs:
        with open(path, encoding="utf-8") as f:
            count = sum(1 for _ in f)
        size = path.stat().st_size / 2**20
        for preset in ("default", "ocr"):
            with tempfile.TemporaryDirectory() as out:
                cmd = [dedupe, "run", str(path), "--preset", preset, "-q", "-o", out]
                timed(cmd)  # warm-up: numba's kernel cache, the page cache
                runs = [timed(cmd) for _ in range(rounds)]
                report = json.loads((Path(out) / "report.json").read_text())
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            row = {
                "data": name,
                "documents": count,
                "MB": round(size, 1),
                "preset": preset,
                "wall_s": round(wall, 2),
                "cpu_s": round(cpu, 2),
                "docs_per_s": round(count / wall),
                "docs_per_cpu_s": round(count / cpu),
                "candidate_pairs": report["counts"].get("candidate_pairs"),
                "stages_s": {k: round(v, 2) for k, v in report["timings"].items()},
                "load_before": round(os.getloadavg()[0], 2),
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=("quality", "speed"))
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "ocr-bench")
    parser.add_argument("--corpus", type=Path, default=Path("/work/bench-data/20000/corpus.jsonl"))
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.what == "quality":
        rows = quality(args.work)
    else:
        rows = speed(args.corpus, args.docs, args.rounds, args.work)
    results = HERE / "results" / f"ocr_{args.what}.json"
    results.write_text(json.dumps({"source": dedupe_source(), "rows": rows}, indent=1) + "\n")
    print(f"-> {results}")


if __name__ == "__main__":
    main()
