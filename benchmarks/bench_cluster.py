#!/usr/bin/env python3
"""Connected components of 10^7 accepted pairs: time and peak memory of the cluster stage.

    .venv/bin/python benchmarks/bench_cluster.py [--edges 10000000] [--json PATH]

Three graphs, each with ``--edges`` edges (seeded):

- ``clusters``: many small clusters (2-20 documents, every pair an edge) as a corpus of copies
  gives; nodes = edges / 4;
- ``random``: random edges over edges / 5 nodes (one giant component and dust);
- ``path``: one chain through edges + 1 nodes in shuffled order (the longest diameter: the
  worst case for label propagation).

Each is checked against scipy's ``connected_components`` when scipy is installed.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

import numpy as np

from dedupe.cluster import component_labels, components


def small_clusters(edges: int, rng: np.random.Generator) -> tuple[int, np.ndarray]:
    """Cliques of 2-20 nodes until ``edges`` edges are drawn."""
    pieces = []
    node = 0
    total = 0
    while total < edges:
        size = int(rng.integers(2, 21))
        i, j = np.triu_indices(size, 1)
        pieces.append(np.stack([i + node, j + node], axis=1))
        node += size
        total += len(i)
    out = np.concatenate(pieces)[:edges]
    perm = rng.permutation(node)
    return node, perm[out]


def random_edges(edges: int, rng: np.random.Generator) -> tuple[int, np.ndarray]:
    n = edges // 5
    return n, rng.integers(0, n, size=(edges, 2))


def path(edges: int, rng: np.random.Generator) -> tuple[int, np.ndarray]:
    n = edges + 1
    order = rng.permutation(n)
    return n, np.stack([order[:-1], order[1:]], axis=1)


def check(n: int, edges: np.ndarray, labels: np.ndarray) -> str:
    """Compare with scipy's components: same partition (labels may differ)."""
    try:
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components
    except ImportError:
        return "not checked (no scipy)"
    graph = coo_matrix((np.ones(len(edges), dtype=np.int8), (edges[:, 0], edges[:, 1])), (n, n))
    count, theirs = connected_components(graph, directed=False)
    # Same partition: each of our labels maps to exactly one of theirs and back.
    pairs = np.unique(np.stack([labels, theirs.astype(np.int64)], axis=1), axis=0)
    ok = len(pairs) == count == len(np.unique(labels))
    return f"identical to scipy ({count:,} components)" if ok else "DIFFERENT from scipy"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args()
    rows = []
    ok = True
    for name, make in (("clusters", small_clusters), ("random", random_edges), ("path", path)):
        rng = np.random.default_rng(args.seed)
        n, edges = make(args.edges, rng)
        t0 = time.perf_counter()
        labels = component_labels(n, edges)
        t_labels = time.perf_counter() - t0
        t0 = time.perf_counter()
        groups = components(n, edges)
        t_groups = time.perf_counter() - t0
        verdict = check(n, edges, labels)
        ok &= "DIFFERENT" not in verdict
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rows.append(
            {
                "graph": name,
                "nodes": n,
                "edges": len(edges),
                "labels_s": round(t_labels, 2),
                "components_s": round(t_groups, 2),
                "components": len(groups),
                "peak_rss_mb_so_far": round(rss),
                "check": verdict,
            }
        )
        print(
            f"{name:9} {n:>12,} nodes {len(edges):>12,} edges  labels {t_labels:6.2f} s  "
            f"components (labels + groups) {t_groups:6.2f} s  {len(groups):>10,} clusters  "
            f"peak RSS so far {rss:,.0f} MB  {verdict}",
            flush=True,
        )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"command": " ".join(sys.argv), "rows": rows}, f, indent=1)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
