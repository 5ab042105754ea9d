"""Measured runs behind the README's reliability table: peak memory and time of real `dedupe run`
processes on the hard cases (a 100 MB document, a chain of sliding windows, thousands of
identical documents).

    .venv/bin/python benchmarks/reliability.py [--json benchmarks/results/reliability.json]

Each case is one child process timed with ``os.wait4`` (its own peak resident memory, not this
script's), on inputs written to a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent / "examples" / "news"


def run(args: list[str]) -> dict[str, float]:
    """Peak RSS (MB) and wall seconds of one ``dedupe run`` child."""
    command = [sys.executable, "-m", "dedupe", "run", *args, "-q", "--workers", "1"]
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"dedupe run failed: {err}")
    return {
        "peak_mb": round(usage.ru_maxrss / 1024, 1),
        "seconds": round(time.perf_counter() - started, 2),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
    }


def counts(out: Path) -> dict[str, int]:
    report = json.loads((out / "report.json").read_text("utf-8"))
    c = report["counts"]
    return {k: c[k] for k in ("documents_read", "clusters", "duplicates_removed", "kept")}


def huge_document(folder: Path) -> dict[str, object]:
    """One 100 MB document among 2,000 small ones, whole and with --max-doc-bytes."""
    path = folder / "huge.jsonl"
    words = [f"mot{k}" for k in range(5000)]
    with open(path, "w", encoding="utf-8") as f:
        line = " ".join(words[k % 5000] for k in range(20_000))
        big = "\n".join([line] * (100_000_000 // len(line) + 1))
        f.write(json.dumps({"id": "huge", "text": big}) + "\n")
        del big
        for k in range(2000):
            text = " ".join(words[(k * 7 + j) % 5000] for j in range(k % 50, k % 50 + 300))
            f.write(json.dumps({"id": f"s{k}", "text": f"{k} {text}"}) + "\n")
    whole = run([str(path), "-o", str(folder / "whole")])
    capped = run([str(path), "-o", str(folder / "capped"), "--max-doc-bytes", "1000000"])
    return {
        "input_mb": round(path.stat().st_size / 2**20, 1),
        "whole": {**whole, **counts(folder / "whole")},
        "capped": {**capped, **counts(folder / "capped")},
    }


def prose() -> list[str]:
    text = " ".join(p.read_text("utf-8") for p in sorted(EXAMPLES.glob("*.txt")))
    return re.findall(r"\S+", text)


def chain(folder: Path, n: int = 4000) -> dict[str, object]:
    """``n`` windows of 200 words sliding by one word over the example prose (repeated)."""
    words = prose()
    while len(words) < n + 200:
        words = words + words
    path = folder / "chain.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for k in range(n):
            f.write(json.dumps({"id": f"w{k:06d}", "text": " ".join(words[k : k + 200])}) + "\n")
    out = folder / "chain"
    measured = run([str(path), "-o", str(out)])
    dropped = [json.loads(x) for x in (out / "dropped.jsonl").read_text("utf-8").splitlines()]
    return {
        "windows": n,
        **measured,
        **counts(out),
        "lowest_score_of_a_dropped_window": min((d["score"] for d in dropped), default=None),
    }


def identical(folder: Path, n: int = 5000) -> dict[str, object]:
    """``n`` identical hard-wrapped documents: one is kept."""
    text = "\n".join(" ".join(prose()[k : k + 10]) for k in range(0, 300, 10))
    path = folder / "same.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for k in range(n):
            f.write(json.dumps({"id": f"d{k}", "text": text}) + "\n")
    out = folder / "same"
    return {"documents": n, **run([str(path), "-o", str(out)]), **counts(out)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        results = {
            "identical": identical(folder),
            "chain": chain(folder),
            "huge_document": huge_document(folder),
        }
    print(json.dumps(results, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
