"""Draw the random sample of Reuters-21578 candidate pairs that was then read and labelled by hand.

The pool is every candidate pair (LSH or containment anchors, not pairs verified later against
a representative) of a run with low thresholds: LSH tuned for Jaccard 0.3 and pairs kept from
containment 0.3 up, so that copies the default settings miss are in the pool too. Pairs are
drawn uniformly from it with a fixed seed and written, ids only, to
``benchmarks/reuters_pairs.tsv`` (``a, b, containment`` at draw time and an empty ``label``
column that was filled in by reading both texts; see ``reuters_pairs_score.py``).

    .venv/bin/python benchmarks/reuters_pairs_draw.py [--size 300] [--seed 16]

The held-out sample, drawn after the figure rules were written and labelled the same way:

    .venv/bin/python benchmarks/reuters_pairs_draw.py --size 100 --seed 17 \
        --exclude benchmarks/reuters_pairs.tsv --out benchmarks/reuters_pairs_heldout.tsv

The file in the repository holds the labels: re-drawing overwrites it only with ``--force``.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

from dedupe import Engine

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data" / "reuters21578"
OUT = HERE / "reuters_pairs.tsv"
#: The low thresholds of the run whose candidates are the pool.
POOL_SETTINGS = {
    "id_field": "newid",
    "text_field": "title,body",
    "threshold": 0.3,
    "scorers": ["containment=0.3"],
}


def pool() -> list[tuple[str, str, float]]:
    """Every candidate pair of the low-threshold run with containment >= 0.3, sorted by ids."""
    engine = Engine(load_plugins=False, **POOL_SETTINGS)
    result = engine.run([str(DATA / "reuters21578_docs.jsonl")])
    via = result.via_representative
    rows = []
    for k, (a, b) in enumerate(result.pairs.tolist()):
        if not result.accepted[k] or (via is not None and via[k]):
            continue
        x, y = sorted((result.ids[a], result.ids[b]), key=int)
        rows.append((x, y, float(result.pair_scores["containment"][k])))
    return sorted(rows, key=lambda r: (int(r[0]), int(r[1])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=300)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--force", action="store_true", help="overwrite the labelled file")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--exclude", type=Path, help="leave out the pairs of this file (a held-out sample)"
    )
    args = parser.parse_args()
    if args.out.exists() and not args.force:
        sys.exit(f"{args.out} exists (it holds the labels); pass --force to draw again")
    rows = pool()
    if args.exclude:
        with open(args.exclude, encoding="utf-8") as f:
            taken = {(r["a"], r["b"]) for r in csv.DictReader(f, delimiter="\t")}
        rows = [r for r in rows if (r[0], r[1]) not in taken]
    drawn = sorted(random.Random(args.seed).sample(rows, args.size), key=lambda r: int(r[0]))
    with open(args.out, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, delimiter="\t", lineterminator="\n")
        out.writerow(["a", "b", "containment", "label", "kind"])
        for a, b, score in drawn:
            out.writerow([a, b, f"{score:.3f}", "", ""])
    print(f"{len(rows)} candidate pairs in the pool; {len(drawn)} drawn -> {args.out}")


if __name__ == "__main__":
    main()
