"""Containment candidates: documents that share a passage, whatever their sizes.

Jaccard banding misses a teaser (a fifth of its original) or a copy drowned in chrome: their
Jaccard similarity is low although one text contains the other. Here each document keeps the
shingles whose mixed hash is 0 modulo a sampling rate ("anchors"): 1 in 4 over its first 64
shingles, 1 in 16 after.
Anchors depend only on the shingle itself, not on its position, so a passage shared by two
documents yields the same anchors in both (Broder's mod-m sampling). An inverted index from
anchor to documents then pairs documents that share at least ``min_shared`` anchors, and at
least ``min_ratio`` of the smaller one's anchors. Anchors found in more than ``max_posting``
documents are boilerplate or stock phrases and are ignored. Every pair is verified later.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from dedupe.candidates.lsh import (
    _pairs_in_big_groups,
    _pairs_in_groups,
    order_by_rank,
    unique_pairs,
)
from dedupe.kernels.reference import fmix32


@dataclass(frozen=True)
class AnchorSettings:
    """How anchors are sampled and joined: 1 in ``head_sampling`` of the first ``head``
    shingles of a document, 1 in ``sampling`` of the rest."""

    sampling: int = 16
    head: int = 64
    head_sampling: int = 4
    min_shared: int = 1
    min_ratio: float = 0.25
    max_group: int = 64
    max_posting: int = 1000

    def enough(self, shared: np.ndarray, smaller: np.ndarray) -> np.ndarray:
        """The acceptance rule of anchor candidates, the one every executor and the index
        apply: pairs sharing at least ``min_shared`` anchors and at least ``min_ratio`` of the
        anchors of the pair's smaller document (``smaller``: its number of anchors)."""
        return (shared > 0) & (shared >= self.min_shared) & (shared >= self.min_ratio * smaller)


def select_anchors(
    hashes: np.ndarray, offsets: np.ndarray, doc_numbers: np.ndarray, settings: AnchorSettings
) -> np.ndarray:
    """The distinct anchors of each document of a batch, packed as ``value << 32 | document``
    (uint64, so that sorting groups documents by anchor; see :func:`split`).

    ``hashes`` are in text order. Copies that hold part of an original nearly always hold its
    beginning (ledes, teasers, truncations), so the first ``head`` shingles are sampled densely
    and the rest sparsely; memory stays a few dozen anchors per document.
    """
    mixed = fmix32(hashes)
    sizes = np.diff(offsets)
    position = np.arange(len(hashes), dtype=np.int64) - np.repeat(offsets[:-1], sizes)
    rate = np.where(position < settings.head, settings.head_sampling, settings.sampling)
    chosen = (mixed % rate.astype(np.uint32)) == 0
    docs = np.repeat(np.asarray(doc_numbers, dtype=np.uint64), sizes)[chosen]
    return np.unique((mixed[chosen].astype(np.uint64) << np.uint64(32)) | docs)


def split(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Packed anchors as (values uint32, documents int64)."""
    return (codes >> np.uint64(32)).astype(np.uint32), (codes & _LOW).astype(np.int64)


_LOW = np.uint64(0xFFFFFFFF)


#: Anchors are joined in this many value ranges, one at a time, to bound memory.
PARTITIONS = 16
_PARTITION_BOUNDS = (np.arange(1, PARTITIONS, dtype=np.uint64) << np.uint64(60)).astype(np.uint64)


def partition(codes: np.ndarray) -> list[np.ndarray]:
    """Sorted packed anchors split by value range into :data:`PARTITIONS` views."""
    return np.split(codes, np.searchsorted(codes, _PARTITION_BOUNDS))


#: The pairs of all value ranges are summed about this many rows at a time: memory holds each
#: range's distinct pairs (12 bytes each) and one block's sort, where one sort of all of them
#: took 1.2 GB at 1M documents (13M rows).
BLOCK_PAIRS = 1 << 21


def anchor_pairs(
    codes: np.ndarray | Sequence[Sequence[np.ndarray]],
    n_docs: int,
    settings: AnchorSettings,
    rank: np.ndarray | None = None,
    block_pairs: int = BLOCK_PAIRS,
) -> np.ndarray:
    """Pairs (i < j) sharing enough anchors, from the packed anchors of all documents.

    ``codes`` is one array, or the anchors already split by value range (a list of pieces per
    range, see :func:`partition`): ranges are joined one at a time and the anchors two
    documents share are summed over ranges, ``block_pairs`` pairs at a time (the result does
    not depend on it). Inside an oversized group documents are ordered by ``rank`` when given
    (see :func:`dedupe.candidates.lsh.candidate_pairs`), else by number.
    """
    ranges = [[codes]] if isinstance(codes, np.ndarray) else codes
    per_doc = np.zeros(n_docs, dtype=np.int64)
    found: list[tuple[np.ndarray, np.ndarray]] = []
    for pieces in ranges:
        if not len(pieces):
            continue
        part = np.concatenate(list(pieces)) if len(pieces) != 1 else np.array(pieces[0])
        if len(part) == 0:
            continue
        pair_codes, shared, docs = _shared_in_range(part, n_docs, settings, rank)
        del part
        per_doc += np.bincount(docs, minlength=n_docs)
        if len(pair_codes):
            found.append((pair_codes, shared))
    kept = [
        _enough_in_block(codes, shared, per_doc, n_docs, settings)
        for codes, shared in (_blocks(found, block_pairs) if found else ())
    ]
    if not kept:
        return np.zeros((0, 2), dtype=np.int64)
    return unique_pairs(np.concatenate(kept), n_docs)


def _blocks(
    found: list[tuple[np.ndarray, np.ndarray]], block_pairs: int
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Distinct pair codes and the anchors they share, summed over the ranges' rows ``found``
    (each range's codes sorted), one block of codes at a time in increasing order. A block is
    a slice of every range, between bounds taken from a sample of all codes so that it holds
    about ``block_pairs`` rows; the rows of one pair all fall in the same block."""
    per_bound = min(64, block_pairs)
    stride = max(1, block_pairs // per_bound)
    sample = np.unique(np.concatenate([c[stride - 1 :: stride] for c, _ in found]))
    bounds = sample[per_bound - 1 :: per_bound].tolist()
    lo = [0] * len(found)
    for k in range(len(bounds) + 1):
        hi = [len(c) if k == len(bounds) else int(np.searchsorted(c, bounds[k])) for c, _ in found]
        rows = [(c[a:b], s[a:b]) for (c, s), a, b in zip(found, lo, hi, strict=True) if b > a]
        lo = hi
        if not rows:
            continue
        codes = np.concatenate([c for c, _ in rows])
        order = np.argsort(codes, kind="stable")  # a merge of sorted runs
        codes = codes[order]
        starts = np.flatnonzero(np.concatenate([[True], codes[1:] != codes[:-1]]))
        shared = np.concatenate([s for _, s in rows])[order]
        yield codes[starts], np.add.reduceat(shared, starts, dtype=np.int64)


def _enough_in_block(
    codes: np.ndarray,
    shared: np.ndarray,
    per_doc: np.ndarray,
    n_docs: int,
    settings: AnchorSettings,
) -> np.ndarray:
    """The pairs of these distinct codes that share enough anchors (``settings.enough``)."""
    pairs = np.stack([codes // n_docs, codes % n_docs], axis=1)
    smaller = np.minimum(per_doc[pairs[:, 0]], per_doc[pairs[:, 1]])
    return pairs[settings.enough(shared, smaller)]


def _shared_in_range(
    codes: np.ndarray, n_docs: int, settings: AnchorSettings, rank: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(pair codes sorted, anchors shared as int32, the documents of all anchors) for one value
    range (int32: a pair shares at most twice the anchors of one of its documents)."""
    codes.sort()
    values = codes >> np.uint64(32)
    boundaries = np.flatnonzero(values[1:] != values[:-1]) + 1
    del values
    d = (codes & _LOW).astype(np.int64)
    starts = np.concatenate([[0], boundaries])
    sizes = np.diff(np.concatenate([starts, [len(d)]]))
    small = (sizes >= 2) & (sizes <= min(settings.max_group, settings.max_posting))
    big = (sizes > settings.max_group) & (sizes <= settings.max_posting)
    parts = [_pairs_in_groups(d, starts[small], sizes[small])]
    if big.any():
        if rank is not None:
            order_by_rank(d, starts[big], sizes[big], rank)
        parts.append(_pairs_in_big_groups(d, starts[big], sizes[big]))
    raw = np.concatenate(parts)
    if len(raw) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32), d
    raw.sort(axis=1)
    pair_codes, shared = np.unique(raw[:, 0] * np.int64(n_docs) + raw[:, 1], return_counts=True)
    return pair_codes, shared.astype(np.int32), d
