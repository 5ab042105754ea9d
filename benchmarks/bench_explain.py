"""Speed of ``dedupe explain --pairs`` on news-length texts: every (original, copy) pair of
syndication-dev (BBC articles, 2-4 KB, and their aggregator copies) explained in one call.

Reports the wall and CPU time of the whole call (start-up and reading the corpus included), of
a call with one pair (what start-up and reading cost), and the rate of the pairs beyond it, so
the per-pair cost is not hidden by the start-up nor the start-up by the pairs.

    .venv/bin/python benchmarks/bench_explain.py [--corpus DIR] [--json results/explain.json]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data" / "syndication-dev"


def pairs_of(truth: Path) -> list[dict[str, str]]:
    rows = [json.loads(line) for line in truth.read_text("utf-8").splitlines() if line.strip()]
    original = {r["cluster"]: r["id"] for r in rows if r["role"] == "original"}
    return [{"a": original[r["cluster"]], "b": r["id"]} for r in rows if r["role"] != "original"]


def timed(command: list[str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system of the child) and output lines of a command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, len(result.stdout.splitlines())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DATA)
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args()
    pairs = pairs_of(args.corpus / "truth.jsonl")
    corpus = args.corpus / "corpus.jsonl"
    with tempfile.TemporaryDirectory() as tmp:
        all_pairs = Path(tmp) / "pairs.jsonl"
        all_pairs.write_text("".join(json.dumps(p) + "\n" for p in pairs))
        one_pair = Path(tmp) / "one.jsonl"
        one_pair.write_text(json.dumps(pairs[0]) + "\n")
        base = [sys.executable, "-m", "dedupe", "explain", "-i", str(corpus), "--json", "--pairs"]
        wall_1, cpu_1, _ = timed([*base, str(one_pair)])
        wall, cpu, lines = timed([*base, str(all_pairs)])
    assert lines == len(pairs), (lines, len(pairs))
    result = {
        "corpus": str(corpus),
        "pairs": len(pairs),
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "pairs_per_s": round(len(pairs) / wall, 1),
        "one_pair_wall_s": round(wall_1, 2),
        "one_pair_cpu_s": round(cpu_1, 2),
        "pairs_per_s_after_start": round((len(pairs) - 1) / max(wall - wall_1, 1e-9), 1),
        "pairs_per_cpu_s_after_start": round((len(pairs) - 1) / max(cpu - cpu_1, 1e-9), 1),
    }
    print(json.dumps(result, indent=2))
    if args.json:
        sys.path.insert(0, str(REPO / "benchmarks"))
        from provenance import dedupe_source

        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps({"source": dedupe_source(), "results": result}, indent=2) + "\n"
        )


if __name__ == "__main__":
    main()
