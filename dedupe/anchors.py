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

from dataclasses import dataclass

import numpy as np

from dedupe.kernels.reference import fmix32
from dedupe.lsh import _pairs_in_big_groups, _pairs_in_groups, unique_pairs


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


def select_anchors(
    hashes: np.ndarray, offsets: np.ndarray, doc_numbers: np.ndarray, settings: AnchorSettings
) -> tuple[np.ndarray, np.ndarray]:
    """The distinct anchors of each document of a batch, as parallel (values, docs) arrays.

    ``hashes`` are in text order. Copies that hold part of an original nearly always hold its
    beginning (ledes, teasers, truncations), so the first ``head`` shingles are sampled densely
    and the rest sparsely; memory stays a few dozen anchors per document.
    """
    mixed = fmix32(hashes)
    sizes = np.diff(offsets)
    position = np.arange(len(hashes), dtype=np.int64) - np.repeat(offsets[:-1], sizes)
    rate = np.where(position < settings.head, settings.head_sampling, settings.sampling)
    chosen = (mixed % rate.astype(np.uint32)) == 0
    docs = np.repeat(np.asarray(doc_numbers, dtype=np.int64), sizes)[chosen]
    values = mixed[chosen]
    codes = np.unique((docs << np.int64(32)) | values.astype(np.int64))
    return (codes & np.int64(0xFFFFFFFF)).astype(np.uint32), codes >> np.int64(32)


def anchor_pairs(
    values: np.ndarray,
    docs: np.ndarray,
    n_docs: int,
    settings: AnchorSettings,
    rank: np.ndarray | None = None,
) -> np.ndarray:
    """Pairs (i < j) sharing enough anchors, from the inverted index of all documents' anchors.

    Documents sharing an anchor are ordered by ``rank`` when given (see
    :func:`dedupe.lsh.candidate_pairs`), else by number.
    """
    if len(values) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    order = np.lexsort((docs, values)) if rank is None else np.lexsort((docs, rank[docs], values))
    v = values[order]
    d = docs[order]
    boundaries = np.flatnonzero(v[1:] != v[:-1]) + 1
    starts = np.concatenate([[0], boundaries])
    sizes = np.diff(np.concatenate([starts, [len(v)]]))
    small = (sizes >= 2) & (sizes <= min(settings.max_group, settings.max_posting))
    big = (sizes > settings.max_group) & (sizes <= settings.max_posting)
    parts = [_pairs_in_groups(d, starts[small], sizes[small])]
    if big.any():
        parts.append(_pairs_in_big_groups(d, starts[big], sizes[big]))
    raw = np.concatenate(parts)
    if len(raw) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    raw = np.sort(raw, axis=1)
    codes, shared = np.unique(raw[:, 0] * np.int64(n_docs) + raw[:, 1], return_counts=True)
    pairs = np.stack([codes // n_docs, codes % n_docs], axis=1)
    per_doc = np.bincount(docs, minlength=n_docs)
    smaller = np.minimum(per_doc[pairs[:, 0]], per_doc[pairs[:, 1]])
    keep = (shared >= settings.min_shared) & (shared >= settings.min_ratio * smaller)
    return unique_pairs(pairs[keep], n_docs)
