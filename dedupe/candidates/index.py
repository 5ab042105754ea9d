"""Candidate rules between new documents and indexed ones: the batch engine's rules, applied
to posting lists looked up in the index instead of a sort of the whole corpus.

- **Bands**: a new document and an indexed one sharing a band key are candidates (a key's
  posting gives at most ``max_bucket`` documents, the first indexed: the batch engine pairs an
  oversized bucket as a star and a chain, linear in its size, for the same reason).
- **Anchors**: they are candidates when they share at least ``min_shared`` anchors and at
  least ``min_ratio`` of the smaller document's anchors, counting only anchors found in at
  most ``max_posting`` indexed documents (more frequent ones are stock phrases).

Within a batch of new documents the batch engine's own functions
(:func:`dedupe.candidates.lsh.candidate_pairs`, :func:`dedupe.candidates.anchors.anchor_pairs`)
are used.
"""

from __future__ import annotations

import numpy as np

from dedupe.candidates.anchors import AnchorSettings, anchor_pairs


def pairs_sharing_anchors(
    values: np.ndarray,
    docs: np.ndarray,
    n_docs: int,
    settings: AnchorSettings,
    rank: np.ndarray | None = None,
) -> np.ndarray:
    """:func:`dedupe.candidates.anchors.anchor_pairs` over a batch's (values, docs) anchors."""
    codes = (values.astype(np.uint64) << np.uint64(32)) | docs.astype(np.uint64)
    return anchor_pairs(codes, n_docs, settings, rank)


def join(
    new_values: np.ndarray, new_docs: np.ndarray, found_values: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For rows ``(value, new_doc)`` and looked-up values: every ``(new_doc, found_row)``
    with equal values."""
    order = np.argsort(new_values, kind="stable")
    values = new_values[order]
    docs = new_docs[order]
    lo = np.searchsorted(values, found_values, side="left")
    hi = np.searchsorted(values, found_values, side="right")
    counts = hi - lo
    total = int(counts.sum())
    found_rows = np.repeat(np.arange(len(found_values)), counts)
    first = np.repeat(lo - (np.cumsum(counts) - counts), counts)
    return docs[first + np.arange(total)], found_rows


#: Pairs are coded ``row << 40 | doc``: a batch of under 2^23 rows, documents under 2^40.
_DOC_BITS = np.int64(40)


def _unique(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct ``(a, b)`` pairs (new row, indexed doc), sorted, and how often each occurs."""
    codes = (a.astype(np.int64) << _DOC_BITS) | b.astype(np.int64)
    unique, counts = np.unique(codes, return_counts=True)
    return unique >> _DOC_BITS, unique & ((np.int64(1) << _DOC_BITS) - 1), counts


def unique_rows(pairs: np.ndarray) -> np.ndarray:
    """Distinct ``(new row, indexed doc)`` rows, sorted."""
    a, b, _ = _unique(pairs[:, 0], pairs[:, 1])
    return np.stack([a, b], axis=1)


def band_candidates(
    new_keys: np.ndarray, found_keys: np.ndarray, found_docs: np.ndarray
) -> np.ndarray:
    """``(new row, indexed doc)`` pairs sharing a band key; ``new_keys`` is ``(n, bands)``."""
    n, bands = new_keys.shape
    rows = np.repeat(np.arange(n, dtype=np.int64), bands)
    new_rows, found = join(new_keys.ravel(), rows, found_keys)
    a, b, _ = _unique(new_rows, found_docs[found])
    return np.stack([a, b], axis=1)


def anchor_candidates(
    new_values: np.ndarray,
    new_docs: np.ndarray,
    n_new: int,
    found_values: np.ndarray,
    found_docs: np.ndarray,
    found_sizes: np.ndarray,
    settings: AnchorSettings,
) -> np.ndarray:
    """``(new row, indexed doc)`` pairs that share enough anchors (see the module doc)."""
    new_rows, found = join(new_values, new_docs, found_values)
    a, b, shared = _unique(new_rows, found_docs[found])
    if len(a) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    sizes_new = np.bincount(new_docs, minlength=n_new)
    size_of = dict(zip(found_docs.tolist(), found_sizes.tolist(), strict=True))
    sizes_found = np.fromiter((size_of[d] for d in b.tolist()), dtype=np.int64, count=len(b))
    smaller = np.minimum(sizes_new[a], sizes_found)
    keep = settings.enough(shared, smaller)
    return np.stack([a[keep], b[keep]], axis=1)
