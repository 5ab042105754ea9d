#!/usr/bin/env python3
"""End-to-end near-duplicate clustering with datasketch or rensa, as a user would write it.

    python benchmarks/peers.py {datasketch,rensa} CORPUS.jsonl OUT_DIR [--threshold 0.5]

Reads the JSONL corpus (``id``, ``text``) line by line with the standard ``json`` module,
computes a MinHash per document from the word 5-grams of ``text.lower().split()`` (128
permutations, seed 1), queries an LSH index with it and then inserts it (so every pair of
documents that share a band is found once, without keeping the MinHash objects), joins the
candidate pairs with a union-find, and writes ``OUT_DIR/clusters.jsonl`` (``{"members": [...]}``
for every group of two or more) and ``OUT_DIR/stats.json``. No pair is verified: the LSH
candidates are the answer, as in the usual MinHashLSH recipe.

* ``datasketch``: ``MinHash(num_perm=128, seed=1, hashfunc=xxhash.xxh32_intdigest)`` as a
  template copied per document (what ``MinHash.generator``/``bulk`` do, the fastest documented
  way), ``update_batch`` of the UTF-8 shingles; ``MinHashLSH(threshold=0.5, num_perm=128)``
  (25 bands of 5 rows).
* ``rensa``: ``RMinHash(num_perm=128, seed=1)`` per document, ``update`` with the list of shingle
  strings; ``RMinHashLSH(threshold, 128, num_bands)``: rensa needs bands that divide 128, so the
  divisor with the smallest false positive + false negative area for the threshold (the
  criterion of datasketch's ``_optimal_param``) is used: 32 bands of 4 rows for 0.5.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

NUM_PERM, SEED, NGRAM = 128, 1, 5


def shingles(text: str) -> list[str]:
    w = text.lower().split()
    return [" ".join(w[i : i + NGRAM]) for i in range(max(1, len(w) - NGRAM + 1))]


class UnionFind:
    def __init__(self) -> None:
        self.parent: list[int] = []

    def add(self) -> int:
        self.parent.append(len(self.parent))
        return len(self.parent) - 1

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _integrate(f: Callable[[float], float], a: float, b: float, n: int = 200) -> float:
    step = (b - a) / n
    return sum(f(a + (k + 0.5) * step) for k in range(n)) * step


def best_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """Bands b dividing num_perm (rows r = num_perm / b) with the least FP + FN area."""
    best = None
    for b in range(1, num_perm + 1):
        if num_perm % b:
            continue
        r = num_perm // b

        def candidate(s: float, b: int = b, r: int = r) -> float:
            return float(1 - (1 - s**r) ** b)

        fp = _integrate(candidate, 0.0, threshold)
        fn = _integrate(lambda s: 1 - candidate(s), threshold, 1.0)
        if best is None or fp + fn < best[0]:
            best = (fp + fn, b, r)
    assert best is not None
    return best[1], best[2]


def run(tool: str, corpus: Path, out_dir: Path, threshold: float) -> dict[str, object]:
    t0 = time.perf_counter()
    uf = UnionFind()
    ids: list[str] = []
    n_pairs = 0
    t_sig = t_lsh = 0.0
    pc = time.perf_counter
    if tool == "datasketch":
        import xxhash
        from datasketch import MinHash, MinHashLSH

        template = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=xxhash.xxh32_intdigest)
        lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        bands = (lsh.b, lsh.r)
        with open(corpus, encoding="utf-8") as f:
            for line in f:
                a = pc()
                rec = json.loads(line)
                m = template.copy()
                m.update_batch([s.encode("utf-8") for s in shingles(rec["text"])])
                b = pc()
                k = uf.add()
                ids.append(str(rec["id"]))
                for other in lsh.query(m):
                    uf.union(k, other)
                    n_pairs += 1
                lsh.insert(k, m, check_duplication=False)
                t_sig += b - a
                t_lsh += pc() - b
    elif tool == "rensa":
        from rensa import RMinHash, RMinHashLSH

        bands = best_bands(threshold, NUM_PERM)
        lsh = RMinHashLSH(threshold, NUM_PERM, bands[0])
        with open(corpus, encoding="utf-8") as f:
            for line in f:
                a = pc()
                rec = json.loads(line)
                m = RMinHash(NUM_PERM, SEED)
                m.update(shingles(rec["text"]))
                b = pc()
                k = uf.add()
                ids.append(str(rec["id"]))
                for other in lsh.query(m):
                    uf.union(k, other)
                    n_pairs += 1
                lsh.insert(k, m)
                t_sig += b - a
                t_lsh += pc() - b
    else:
        raise SystemExit(f"unknown tool {tool!r}")
    a = pc()
    groups: dict[int, list[str]] = {}
    for k, doc in enumerate(ids):
        groups.setdefault(uf.find(k), []).append(doc)
    out_dir.mkdir(parents=True, exist_ok=True)
    n_clusters = 0
    with open(out_dir / "clusters.jsonl", "w", encoding="utf-8") as f:
        for members in groups.values():
            if len(members) > 1:
                n_clusters += 1
                f.write(json.dumps({"members": members}) + "\n")
    stats = {
        "tool": tool,
        "documents": len(ids),
        "bands_rows": list(bands),
        "candidate_pairs": n_pairs,
        "clusters": n_clusters,
        "timings": {
            "read+signatures": round(t_sig, 2),
            "lsh": round(t_lsh, 2),
            "cluster+write": round(pc() - a, 2),
            "total": round(pc() - t0, 2),
        },
    }
    (out_dir / "stats.json").write_text(json.dumps(stats, indent=1) + "\n")
    return stats


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("tool", choices=["datasketch", "rensa"])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--threshold", type=float, default=0.5)
    args = ap.parse_args(argv)
    print(json.dumps(run(args.tool, args.corpus, args.out_dir, args.threshold)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
