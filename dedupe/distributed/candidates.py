"""Candidate pairs from shuffled LSH buckets and anchor postings.

After the shuffle on the band key, every row of a bucket is in one partition, so the local
executor's own function, :func:`dedupe.candidates.lsh.candidate_pairs`, pairs each band's
buckets there (oversized buckets as a star and a chain, documents ordered by id rank, then
number). After the shuffle on the anchor value, every posting list is in one partition and is
paired by the rules of :func:`dedupe.candidates.anchors.anchor_pairs`; how many anchors two
documents share is only known once all their raw pairs meet, which the last shuffle on
``(a, b)`` does: there a pair is kept when LSH found it or its shared anchors pass the one
acceptance rule (:meth:`dedupe.candidates.anchors.AnchorSettings.enough`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dedupe.candidates.anchors import AnchorSettings
from dedupe.candidates.lsh import _pairs_in_big_groups, _pairs_in_groups, candidate_pairs
from dedupe.distributed.frames import CANDIDATES, RAW_PAIRS, empty_like


def _raw(a: np.ndarray, b: np.ndarray, lsh: int, ca: np.ndarray, cb: np.ndarray) -> pd.DataFrame:
    swap = a > b
    return pd.DataFrame(
        {
            "a": np.where(swap, b, a).astype(np.int64),
            "b": np.where(swap, a, b).astype(np.int64),
            "lsh": np.full(len(a), lsh, dtype=np.int8),
            "anchor": np.full(len(a), 1 - lsh, dtype=np.int64),
            "ca": np.where(swap, cb, ca).astype(np.int64),
            "cb": np.where(swap, ca, cb).astype(np.int64),
        }
    )


def bucket_pairs(part: pd.DataFrame, max_bucket: int) -> pd.DataFrame:
    """The pairs of every bucket in a partition of (band, key, doc, rank) rows."""
    if part.empty:
        return empty_like(RAW_PAIRS)
    part = part.sort_values(["band", "doc"], kind="stable")
    found = []
    for _, rows in part.groupby("band", sort=True):
        keys = rows["key"].to_numpy(dtype=np.uint64)[:, None]
        local = candidate_pairs(keys, max_bucket, rows["rank"].to_numpy(dtype=np.uint64))
        if len(local):
            found.append(rows["doc"].to_numpy(dtype=np.int64)[local])
    if not found:
        return empty_like(RAW_PAIRS)
    pairs = np.concatenate(found)
    zeros = np.zeros(len(pairs), dtype=np.int64)
    return _raw(pairs[:, 0], pairs[:, 1], 1, zeros, zeros)


def anchor_raw_pairs(part: pd.DataFrame, settings: AnchorSettings) -> pd.DataFrame:
    """The raw pairs of every posting list in a partition of (value, doc, rank, count) rows, one
    row per shared anchor (a pair twice in a star-and-chain counts twice, as in
    :func:`dedupe.candidates.anchors.anchor_pairs`)."""
    if part.empty:
        return empty_like(RAW_PAIRS)
    values = part["value"].to_numpy(dtype=np.uint32)
    docs = part["doc"].to_numpy(dtype=np.int64)
    order = np.lexsort((docs, part["rank"].to_numpy(dtype=np.uint64), values))
    v = values[order]
    d = docs[order]
    c = part["count"].to_numpy(dtype=np.int64)[order]
    starts = np.concatenate([[0], np.flatnonzero(v[1:] != v[:-1]) + 1])
    sizes = np.diff(np.concatenate([starts, [len(v)]]))
    small = (sizes >= 2) & (sizes <= min(settings.max_group, settings.max_posting))
    big = (sizes > settings.max_group) & (sizes <= settings.max_posting)
    positions = np.arange(len(v), dtype=np.int64)
    parts = [_pairs_in_groups(positions, starts[small], sizes[small])]
    if big.any():
        parts.append(_pairs_in_big_groups(positions, starts[big], sizes[big]))
    raw = np.concatenate(parts)
    if len(raw) == 0:
        return empty_like(RAW_PAIRS)
    i, j = raw[:, 0], raw[:, 1]
    return _raw(d[i], d[j], 0, c[i], c[j])


def select_candidates(part: pd.DataFrame, settings: AnchorSettings | None) -> pd.DataFrame:
    """Distinct pairs of a partition holding every raw row of its pairs: those LSH found, and
    those sharing enough anchors (at least ``min_shared``, and ``min_ratio`` of the smaller
    document's anchors)."""
    if part.empty:
        return empty_like(CANDIDATES)
    g = part.groupby(["a", "b"], sort=True).agg(
        lsh=("lsh", "max"), shared=("anchor", "sum"), ca=("ca", "max"), cb=("cb", "max")
    )
    lsh = g["lsh"].to_numpy() > 0
    keep = lsh
    if settings is not None:
        shared = g["shared"].to_numpy(dtype=np.int64)
        smaller = np.minimum(g["ca"].to_numpy(dtype=np.int64), g["cb"].to_numpy(dtype=np.int64))
        anchored = settings.enough(shared, smaller)
        keep = lsh | anchored
    kept = g.index[keep]
    return pd.DataFrame(
        {
            "a": kept.get_level_values(0).to_numpy(dtype=np.int64),
            "b": kept.get_level_values(1).to_numpy(dtype=np.int64),
            "lsh": lsh[keep].astype(np.int8),
        }
    )
