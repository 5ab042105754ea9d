"""Candidates stage: the pairs of documents worth verifying, from their signatures and anchors.

Two sources, one rule each: LSH (:mod:`.lsh`: documents sharing a band of their MinHash
signatures are candidates, the banding tuned for a Jaccard threshold) and containment anchors
(:mod:`.anchors`: documents sharing enough sampled shingles, whatever their sizes, so that a
teaser or a copy drowned in chrome is found; the acceptance rule is
:meth:`.anchors.AnchorSettings.enough`). :func:`find` applies both to a whole run; the Dask
executor applies the same functions to shuffled buckets, and an index (:mod:`.index`) to
posting lists it looks up. Every candidate is verified by the scorers afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from dedupe.candidates.anchors import AnchorSettings, anchor_pairs
from dedupe.candidates.lsh import candidates_from_keys, id_ranks, unique_pairs


def find(
    band_keys: np.ndarray,
    anchor_parts: Sequence[Sequence[np.ndarray]],
    ids: list[str],
    empty: np.ndarray,
    max_bucket: int,
    anchors: AnchorSettings | None,
    side_by_side: bool = False,
) -> tuple[np.ndarray, int]:
    """Candidate pairs (i < j) of documents numbered 0..len(ids)-1, and how many of them LSH
    found: documents sharing a band key (``band_keys``: n x bands) and, with ``anchors``,
    documents sharing enough anchors (``anchor_parts``: packed anchors by value range);
    documents without shingles (``empty``) are candidates of nothing. Inside oversized groups
    documents are ordered by a hash of their ids, so the pairs do not depend on input order.
    ``side_by_side``: the anchors' pairs found on a thread while LSH's are (both are mostly
    numpy sorts, which release the GIL; the same pairs, on two cores)."""
    n = len(ids)
    skipped = np.zeros(n, dtype=bool)
    skipped[empty] = True
    rank = id_ranks(ids)
    if anchors is None or not any(anchor_parts):
        pairs = candidates_from_keys(band_keys, max_bucket, skipped, rank)
        return pairs, len(pairs)
    if side_by_side:
        with ThreadPoolExecutor(1) as other:
            more = other.submit(anchor_pairs, anchor_parts, n, anchors, rank)
            pairs = candidates_from_keys(band_keys, max_bucket, skipped, rank)
            found = more.result()
    else:
        pairs = candidates_from_keys(band_keys, max_bucket, skipped, rank)
        found = anchor_pairs(anchor_parts, n, anchors, rank)
    return unique_pairs(np.concatenate([pairs, found]), max(n, 1)), len(pairs)
