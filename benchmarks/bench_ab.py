"""Speed and peak memory of ``dedupe run`` with the code of a git ref (A) against this tree (B).

A shared machine's load changes from minute to minute, so the two are run alternately, A B A B
..., in the same conditions, each on the same corpus with the same options; per side the
median and the spread of wall time, CPU time (user + system of the process tree, from
``os.wait4``) and peak RSS (sampled process-tree sum, as ``bench_e2e.py`` measures it) are
printed, and the stage timings of ``report.json``::

    .venv/bin/python benchmarks/bench_ab.py /work/bench-data/100000/corpus.jsonl --rounds 3
    .venv/bin/python benchmarks/bench_ab.py CORPUS --ref main -- --workers 1

Both sides run after one untimed run each on 200 documents (numba's kernel cache warm).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_e2e import measure  # noqa: E402
from check_identical import REPO, export  # noqa: E402


def command(code: Path, corpus: Path, out: Path, options: list[str]) -> list[str]:
    """``dedupe run`` with the package at ``code`` first on the path (whatever the working
    directory, which ``python -m`` would put first)."""
    start = f"import sys; sys.path.insert(0, {str(code)!r}); from dedupe.cli import main; main()"
    return [sys.executable, "-c", start, "run", str(corpus), "-o", str(out), "-q", *options]


def run_once(code: Path, corpus: Path, out: Path, options: list[str], log: Path) -> dict[str, Any]:
    os.environ["DEDUPE_LOAD_PLUGINS"] = ""
    row = measure(command(code, corpus, out, options), 3600, log)
    if row["returncode"] != 0:
        raise SystemExit(f"run failed ({code}); see {log}")
    report = json.loads((out / "report.json").read_text())
    row["stages"] = report.get("timings", {})
    return row


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("wall_s", "cpu_s", "peak_rss_mb"):
        values = [r[key] for r in rows]
        out[key] = {
            "median": round(statistics.median(values), 2),
            "min": round(min(values), 2),
            "max": round(max(values), 2),
        }
    stages = sorted({k for r in rows for k in r["stages"]})
    out["stages_median_s"] = {
        k: round(statistics.median(r["stages"].get(k, 0.0) for r in rows), 2) for k in stages
    }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--ref", default="main")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--store", type=Path, default=Path("/work/baseline-14"))
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("options", nargs="*", help="dedupe run options (after --)")
    args = parser.parse_args()
    corpus = args.corpus.resolve()
    sha, tree = export(args.ref, args.store.resolve())
    work = Path(tempfile.mkdtemp(prefix="bench-ab-"))
    sides = {"A": tree, "B": REPO}
    rows: dict[str, list[dict[str, Any]]] = {"A": [], "B": []}
    try:
        tiny = work / "tiny.jsonl"
        with open(corpus, encoding="utf-8") as f, open(tiny, "w", encoding="utf-8") as g:
            for k, line in enumerate(f):
                if k >= 200:
                    break
                g.write(line)
        for side, code in sides.items():
            run_once(code, tiny, work / f"warm-{side}", args.options, work / "warm.log")
        for k in range(args.rounds):
            for side, code in sides.items():
                out = work / f"out-{side}"
                shutil.rmtree(out, ignore_errors=True)
                row = run_once(code, corpus, out, args.options, work / f"{side}.log")
                rows[side].append(row)
                print(
                    f"round {k + 1} {side}: wall {row['wall_s']:.1f} s, cpu {row['cpu_s']:.1f} s, "
                    f"peak {row['peak_rss_mb']:.0f} MB",
                    flush=True,
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = {
        "corpus": str(corpus),
        "options": args.options,
        "A": {"ref": args.ref, "commit": sha, **summary(rows["A"])},
        "B": {"tree": str(REPO), **summary(rows["B"])},
        "load_average": os.getloadavg(),
    }
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
