#!/usr/bin/env python3
"""Check a corpus from make_corpus.py: unrelated documents must not look alike.

    python benchmarks/check_corpus.py OUT_DIR [--sample 4000] [--passages 30] [--seed 1]

Takes a random sample of documents plus every reuse of a few base passages (the documents most
likely to look alike), computes exact word 5-gram sets (``text.lower().split()``), finds every
pair that shares a 5-gram through an inverted index and prints the Jaccard similarity of the
pairs from different truth clusters (must stay < 0.1) and, for information, the Jaccard and
containment of copies with their originals per operation. Exit status 1 when a non-copy pair
reaches 0.1.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from collections import Counter, defaultdict
from pathlib import Path


def shingles(text: str, n: int = 5) -> set[int]:
    words = text.lower().split()
    return {hash(" ".join(words[i : i + n])) for i in range(max(1, len(words) - n + 1))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--sample", type=int, default=4000, help="random documents (4000)")
    ap.add_argument(
        "--passages", type=int, default=30, help="base passages whose every reuse is added (30)"
    )
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)

    with open(args.out_dir / "truth.jsonl", encoding="utf-8") as f:
        truth = [json.loads(line) for line in f]
    n = len(truth)
    chosen = set(rng.sample(range(n), min(args.sample, n)))
    by_passage: dict[str, list[int]] = defaultdict(list)
    for i, t in enumerate(truth):
        if t["role"] == "original":
            by_passage[t["source"].rsplit("/", 1)[0]].append(i)
    reused = [p for p, docs in by_passage.items() if len(docs) > 1]
    for p in rng.sample(reused, min(args.passages, len(reused))):
        chosen.update(by_passage[p])
    # the originals of the sampled copies, for the copy figures
    index_of = {t["id"]: i for i, t in enumerate(truth)}
    for i in list(chosen):
        if truth[i]["role"] != "original":
            chosen.add(index_of[truth[i]["source"]])

    sets: dict[int, set[int]] = {}
    with open(args.out_dir / "corpus.jsonl", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i in chosen:
                sets[i] = shingles(json.loads(line)["text"])
    postings: dict[int, list[int]] = defaultdict(list)
    for i, s in sets.items():
        for h in s:
            postings[h].append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for docs in postings.values():
        if 1 < len(docs) < 500:
            for a in range(len(docs)):
                for b in range(a + 1, len(docs)):
                    shared[(docs[a], docs[b])] += 1

    unrelated: list[float] = []
    copies: dict[str, list[tuple[float, float]]] = defaultdict(list)
    worst = (0.0, -1, -1)
    for (a, b), inter in shared.items():
        jac = inter / (len(sets[a]) + len(sets[b]) - inter)
        if truth[a]["cluster"] != truth[b]["cluster"]:
            unrelated.append(jac)
            worst = max(worst, (jac, a, b))
        else:
            copy = b if truth[a]["role"] == "original" else a
            orig = a if copy == b else b
            if truth[orig]["role"] == "original":
                cont = inter / min(len(sets[a]), len(sets[b]))
                copies[truth[copy]["ops"]].append((jac, cont))

    n_docs = len(sets)
    total_pairs = n_docs * (n_docs - 1) // 2
    print(
        f"{args.out_dir}: {n} documents; checked {n_docs} "
        f"({len(chosen & set(range(n)))} chosen: {args.sample} random + every reuse of "
        f"{min(args.passages, len(reused))} passages + originals of sampled copies)"
    )
    print(
        f"pairs of different clusters sharing at least one 5-gram: {len(unrelated):,} "
        f"of {total_pairs:,}"
    )
    if unrelated:
        q = sorted(unrelated)
        print(
            f"  their Jaccard: median {statistics.median(q):.4f}, 99th pct "
            f"{q[int(len(q) * 0.99)]:.4f}, max {worst[0]:.4f} "
            f"({truth[worst[1]]['id']} {truth[worst[1]]['source']} vs "
            f"{truth[worst[2]]['id']} {truth[worst[2]]['source']})"
        )
        print(f"  at or above 0.1: {sum(j >= 0.1 for j in unrelated)}")
    print("copies against their original (Jaccard / containment of the shorter), median:")
    for ops, vals in sorted(copies.items()):
        j = statistics.median(v[0] for v in vals)
        c = statistics.median(v[1] for v in vals)
        print(f"  {ops:20s} n={len(vals):4d}  Jaccard {j:.2f}  containment {c:.2f}")
    return 1 if worst[0] >= 0.1 else 0


if __name__ == "__main__":
    sys.exit(main())
