"""How many of Reuters-21578's silver exact-duplicate clusters a run's clusters.jsonl holds whole.

    .venv/bin/python benchmarks/reuters_silver.py OUT/clusters.jsonl

(run first: ``dedupe run ../shared/data/reuters21578/reuters21578_docs.jsonl --id-field newid
--text-field title,body -o OUT``). A silver cluster is found when all its members are in one
predicted cluster.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import defaultdict
from pathlib import Path

SILVER = (
    Path(__file__).resolve().parents[2]
    / "shared/data/reuters21578/silver_exact_duplicate_clusters.tsv"
)


def main(clusters: str) -> None:
    silver: dict[str, list[str]] = defaultdict(list)
    with open(SILVER, encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            silver[row["cluster_id"]].append(row["newid"])
    label: dict[str, int] = {}
    with open(clusters, encoding="utf-8") as f:
        for line in f:
            c = json.loads(line)
            for m in c["members"]:
                label[m] = c["cluster"]
    found = sum(1 for ms in silver.values() if len({label.get(m, ("s", m)) for m in ms}) == 1)
    print(f"{found}/{len(silver)} silver clusters found whole")


if __name__ == "__main__":
    main(sys.argv[1])
