"""LSH stage: band the signatures and pair the documents that share a band.

With ``b`` bands of ``r`` rows, two documents of Jaccard similarity ``s`` share at least one
band with probability ``1 - (1 - s**r)**b``, an S-curve whose steep part sits near
``(1/b)**(1/r)``. :func:`optimal_params` picks ``(b, r)`` for a threshold the way datasketch's
``MinHashLSH`` does: it minimises the (equally weighted) area under the curve below the
threshold (false positives) plus the area above it that the curve misses (false negatives).

Candidates are found by sorting one integer key per band and document; no per-pair Python
object is created. Every candidate is verified by the scorers afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import xxhash

#: Gauss-Legendre nodes: exact for the polynomials 1-(1-s^r)^b of degree <= num_perm <= 4096
#: would need many nodes; 256 keep the error below 1e-12 for the smooth integrands used here.
GAUSS_NODES = 256


@lru_cache(maxsize=1)
def _gauss_legendre() -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights, as ``numpy.polynomial.legendre.leggauss`` gives them
    (to 1e-15) without its eigenproblem: under load its threaded LAPACK call took seconds of
    every run's start. Newton's method on the Legendre recurrence from the classic first
    guess, then leggauss's own last steps (one Newton step, weights from the derivative)."""
    deg = GAUSS_NODES
    x = np.cos(np.pi * (np.arange(deg, 0, -1) - 0.25) / (deg + 0.5))
    for _ in range(100):
        p0, p1 = np.ones_like(x), x.copy()
        for n in range(2, deg + 1):
            p0, p1 = p1, ((2 * n - 1) * x * p1 - (n - 1) * p0) / n
        step = p1 / (deg * (x * p1 - p0) / (x * x - 1.0))
        x = x - step
        if np.abs(step).max() < 1e-16:
            break
    legendre = np.polynomial.legendre
    c = np.zeros(deg + 1)
    c[-1] = 1.0
    df = legendre.legval(x, legendre.legder(c))
    x = x - legendre.legval(x, c) / df
    fm = legendre.legval(x, c[1:])
    fm /= np.abs(fm).max()
    df /= np.abs(df).max()
    w = 1.0 / (fm * df)
    w = (w + w[::-1]) / 2.0
    x = (x - x[::-1]) / 2.0
    w *= 2.0 / w.sum()
    return x, w


def _integrate(f_values_at: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Integrals over [lo, hi] of the functions whose values at the mapped nodes are given."""
    return (hi - lo) / 2.0 * (f_values_at @ _gauss_legendre()[1])


@lru_cache(maxsize=256)
def optimal_params(
    threshold: float,
    num_perm: int,
    false_positive_weight: float = 0.5,
    false_negative_weight: float = 0.5,
) -> tuple[int, int]:
    """(bands, rows) minimising the weighted false positive and negative probabilities."""
    nodes = _gauss_legendre()[0]
    lo_nodes = (nodes + 1.0) * threshold / 2.0
    hi_nodes = threshold + (nodes + 1.0) * (1.0 - threshold) / 2.0
    best = (0, 0)
    best_error = float("inf")
    for b in range(1, num_perm + 1):
        rs = np.arange(1, num_perm // b + 1, dtype=np.float64)[:, None]
        fp_curve = 1.0 - (1.0 - lo_nodes[None, :] ** rs) ** b
        fn_curve = (1.0 - hi_nodes[None, :] ** rs) ** b
        fp = _integrate(fp_curve, 0.0, threshold)
        fn = _integrate(fn_curve, threshold, 1.0)
        error = fp * false_positive_weight + fn * false_negative_weight
        k = int(np.argmin(error))
        if error[k] < best_error:
            best_error = float(error[k])
            best = (b, k + 1)
    return best


def candidate_probability(similarity: float, bands: int, rows: int) -> float:
    """Probability that two documents of this Jaccard similarity become candidates."""
    return float(1.0 - (1.0 - similarity**rows) ** bands)


@dataclass(frozen=True)
class Banding:
    """How signatures are cut into bands."""

    bands: int
    rows: int

    @classmethod
    def for_threshold(cls, threshold: float, num_perm: int) -> Banding:
        return cls(*optimal_params(threshold, num_perm))


_K1 = np.uint64(0x9E3779B97F4A7C15)
_K2 = np.uint64(0xBF58476D1CE4E5B9)


def band_keys(signatures: np.ndarray, banding: Banding) -> np.ndarray:
    """One 64-bit key per document and band: equal rows give equal keys (collisions ~2^-64).

    All bands at once, one numpy operation per row (the engine calls it per batch)."""
    n = signatures.shape[0]
    sig = signatures[:, : banding.bands * banding.rows].astype(np.uint64)
    sig = sig.reshape(n, banding.bands, banding.rows)
    start = np.arange(1, banding.bands + 1, dtype=np.uint64) * _K1
    keys = np.repeat(start[None, :], n, axis=0)
    with np.errstate(over="ignore"):
        for row in range(banding.rows):
            keys ^= sig[:, :, row]
            keys *= _K2
            keys ^= keys >> np.uint64(31)
    return keys


def _pairs_in_groups(order: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """All pairs inside each group of ``order[start:start+size]``, vectorised per group size."""
    out = []
    for size in np.unique(sizes):
        group_starts = starts[sizes == size]
        members = order[group_starts[:, None] + np.arange(size)[None, :]]
        i, j = np.triu_indices(int(size), 1)
        out.append(np.stack([members[:, i].ravel(), members[:, j].ravel()], axis=1))
    return np.concatenate(out) if out else np.zeros((0, 2), dtype=np.int64)


def _pairs_in_big_groups(order: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """For buckets too big to pair exhaustively: a star from the first member plus a chain.

    Big buckets hold near-identical documents (or templated ones); the star and chain connect
    them all with a linear number of pairs, each still verified by the scorers.
    """
    out = []
    for start, size in zip(starts, sizes, strict=True):
        members = order[start : start + size]
        star = np.stack([np.full(size - 1, members[0]), members[1:]], axis=1)
        chain = np.stack([members[:-1], members[1:]], axis=1)
        out.extend([star, chain])
    return np.concatenate(out) if out else np.zeros((0, 2), dtype=np.int64)


def order_by_rank(
    members: np.ndarray, starts: np.ndarray, sizes: np.ndarray, rank: np.ndarray | None
) -> None:
    """Reorder each group ``members[start:start+size]`` in place by ``rank`` (then number), or
    by number without ``rank``."""
    for start, size in zip(starts.tolist(), sizes.tolist(), strict=True):
        group = members[start : start + size]
        if rank is None:
            group.sort()
        else:
            members[start : start + size] = group[np.lexsort((group, rank[group]))]


def candidate_pairs(
    keys: np.ndarray, max_bucket: int = 500, rank: np.ndarray | None = None
) -> np.ndarray:
    """Distinct pairs ``(i, j)``, ``i < j``, of documents sharing at least one band key.

    Inside a bucket, documents are ordered by ``rank`` (e.g. a hash of their ids) when given,
    else by number, so the pairs chosen for oversized buckets do not depend on the order of
    the input. Each band's keys are sorted by numpy's default (vectorised, not stable) sort:
    the pairs of a bucket paired exhaustively are the same in any order, and an oversized
    bucket is put in order before it is paired. Pairs are kept as one code each (``i * n +
    j``), 8 bytes a pair until the last sort.
    """
    n, n_bands = keys.shape
    found = []
    for band in range(n_bands):
        column = np.ascontiguousarray(keys[:, band])
        order = np.argsort(column)
        sorted_keys = column[order]
        del column
        boundaries = np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1
        del sorted_keys
        starts = np.concatenate([[0], boundaries])
        sizes = np.diff(np.concatenate([starts, [n]]))
        multi = sizes >= 2
        if not multi.any():
            continue
        small = multi & (sizes <= max_bucket)
        big = sizes > max_bucket
        found.append(_codes(_pairs_in_groups(order, starts[small], sizes[small]), n))
        if big.any():
            order_by_rank(order, starts[big], sizes[big], rank)
            found.append(_codes(_pairs_in_big_groups(order, starts[big], sizes[big]), n))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    codes = np.unique(np.concatenate(found))
    return np.stack([codes // n, codes % n], axis=1)


def _codes(pairs: np.ndarray, n: int) -> np.ndarray:
    """Pairs of distinct documents as codes ``min * n + max`` (int64)."""
    a, b = pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64)
    return np.minimum(a, b) * np.int64(n) + np.maximum(a, b)


def unique_pairs(pairs: np.ndarray, n: int) -> np.ndarray:
    """Sort each pair to ``i < j``, drop self-pairs and repeats; rows sorted by (i, j)."""
    if len(pairs) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.sort(pairs.astype(np.int64), axis=1)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    codes = np.unique(pairs[:, 0] * np.int64(n) + pairs[:, 1])
    return np.stack([codes // n, codes % n], axis=1)


def id_ranks(ids: list[str]) -> np.ndarray:
    """A stable pseudo-random order of documents by id (xxh64), independent of input order."""
    h = xxhash.xxh64_intdigest
    return np.fromiter(
        (h(i.encode("utf-8", "surrogatepass")) for i in ids), dtype=np.uint64, count=len(ids)
    )


def candidates_from_keys(
    keys: np.ndarray,
    max_bucket: int,
    skipped: np.ndarray | None = None,
    rank: np.ndarray | None = None,
) -> np.ndarray:
    """Candidate pairs (i < j) of documents sharing a band key (``keys``: n x bands), those
    marked ``skipped`` left out."""
    if len(keys) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    if skipped is None or not skipped.any():  # no copy of the keys (200 MB at 1M documents)
        return candidate_pairs(keys, max_bucket, rank)
    usable = np.flatnonzero(~skipped)
    local = candidate_pairs(keys[usable], max_bucket, None if rank is None else rank[usable])
    return usable[local] if len(local) else local
