#!/usr/bin/env python3
"""The issue-18 table from runs of the peer harness (``../shared/tools/peers/run_all.py``).

    python benchmarks/peers_table.py RESULTS_DIR [RESULTS_DIR...] [--label DIR=NAME]

Each RESULTS_DIR holds a ``results.json`` written by ``run_all.py`` (end-to-end and/or
signature mode). Rows are grouped by corpus size, tool and variant; with several runs of the
same row (rounds taken alternately), the median of each column is printed, with the number of
runs. ``--label DIR=NAME`` renames the tool of every row of one directory (e.g. the same
``dedupe`` adapter run on another commit: ``--label e2e-20000-r2-main=dedupe@main``).
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections import defaultdict
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dirs", nargs="+", type=Path)
    parser.add_argument("--label", action="append", default=[])
    args = parser.parse_args()
    labels = dict(item.split("=", 1) for item in args.label)
    e2e: dict[tuple[int, str, str], list[dict]] = defaultdict(list)
    sig: dict[tuple[str, str], list[float]] = defaultdict(list)
    for folder in args.dirs:
        data = json.loads((folder / "results.json").read_text())
        docs = int(data["docs"])
        for row in data.get("e2e") or []:
            if row.get("rc") == 0:
                tool = labels.get(folder.name, row["tool"])
                e2e[(docs, tool, row["variant"])].append(row)
        for row in data.get("sig") or []:
            value = row.get("cpu_docs_per_s") or row.get("docs_per_s_cpu")
            if value:
                sig[(row["tool"], row["variant"])].append(float(value))
    if e2e:
        print(
            "| documents | tool | variant | runs | CPU s | wall s | peak RSS MB (tree) "
            "| recall | copy recall |"
        )
        print("|---:|---|---|---:|---:|---:|---:|---:|---:|")
        for (docs, tool, variant), rows in sorted(e2e.items()):

            def med(key: str, rows: list[dict] = rows) -> float:
                return statistics.median(float(r[key]) for r in rows)

            truth = rows[0].get("truth") or {}
            print(
                f"| {docs:,} | {tool} | {variant} | {len(rows)} | {med('cpu_s'):.2f} "
                f"| {med('wall_s'):.2f} | {med('peak_rss_mb'):,.0f} "
                f"| {truth.get('recall', float('nan')):.3f} "
                f"| {rows[0].get('copy_recall', float('nan')):.3f} |"
            )
    if sig:
        print("\n| tool | variant | runs | signatures/s, one core (CPU) |")
        print("|---|---|---:|---:|")
        for (tool, variant), values in sorted(sig.items()):
            print(f"| {tool} | {variant} | {len(values)} | {statistics.median(values):,.0f} |")


if __name__ == "__main__":
    main()
