"""Ordered containment: the share of one text's n-grams found in another *in the same order*.

A revision keeps its source's sentences in their order while it swaps words, so the n-grams it
keeps follow the source's sequence; texts on the same topic share phrases too ("information
retrieval", "the vector space model"), but in any order. Containment of shingle sets counts
both alike. Ordered containment counts only the longest common subsequence of the two n-gram
sequences, over the shorter sequence's length: what a light revision keeps scores high, topic
phrases scattered through an independent text do not.

The common subsequence is found by Hunt and Szymanski's reduction to a longest increasing
subsequence: each n-gram of the shorter text is replaced by the positions of its occurrences in
the longer one, in decreasing order, and the longest strictly increasing subsequence of that
list is the longest common subsequence, in ``O(r log n)`` for ``r`` matching occurrences (not
the ``O(n m)`` of the table). An n-gram repeated more than :data:`MAX_OCCURRENCES` times in
the longer text (a refrain, a table's column) contributes only its first occurrences.
"""

from __future__ import annotations

from bisect import bisect_left

import numpy as np

#: An n-gram's occurrences in the longer text beyond this many are not aligned (bounds the work
#: of a pair whose texts repeat a phrase hundreds of times).
MAX_OCCURRENCES = 32

#: Below this many n-grams, "contained in order" is weak evidence (a title and its article):
#: such a text scores its common subsequence over the longer sequence instead.
MIN_NGRAMS = 10


def common_subsequence(x: np.ndarray, y: np.ndarray, max_occurrences: int = MAX_OCCURRENCES) -> int:
    """Length of the longest common subsequence of the hash sequences ``x`` and ``y`` (at most
    ``max_occurrences`` occurrences in ``y`` of each value of ``x`` are aligned)."""
    if len(x) == 0 or len(y) == 0:
        return 0
    order = np.argsort(y, kind="stable")
    sorted_y = y[order]
    lo = np.searchsorted(sorted_y, x, side="left")
    hi = np.minimum(np.searchsorted(sorted_y, x, side="right"), lo + max_occurrences)
    counts = hi - lo
    total = int(counts.sum())
    if total == 0:
        return 0
    # every occurrence of x[k] in y, positions in decreasing order, k by k
    starts = np.repeat(lo, counts)
    within = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    positions = order[starts + within]
    group = np.repeat(np.arange(len(x)), counts)
    positions = positions[np.lexsort((-positions, group))]
    tails: list[int] = []
    for p in positions.tolist():
        at = bisect_left(tails, p)
        if at == len(tails):
            tails.append(p)
        else:
            tails[at] = p
    return len(tails)


def ordered_containment(
    x: np.ndarray,
    y: np.ndarray,
    min_ngrams: int = MIN_NGRAMS,
    max_occurrences: int = MAX_OCCURRENCES,
) -> float:
    """Share of the shorter of two n-gram sequences found in the other in the same order
    (over the longer one's length when the shorter has fewer than ``min_ngrams``)."""
    if len(x) > len(y):
        x, y = y, x
    if len(y) == 0:
        return 1.0
    if len(x) == 0:
        return 0.0
    common = common_subsequence(x, y, max_occurrences)
    return common / (len(x) if len(x) >= min_ngrams else len(y))


def ordered_scores(
    hashes: np.ndarray,
    offsets: np.ndarray,
    pairs: np.ndarray,
    min_ngrams: int = MIN_NGRAMS,
    max_occurrences: int = MAX_OCCURRENCES,
) -> np.ndarray:
    """:func:`ordered_containment` of each pair ``(i, j)`` of documents whose n-gram hashes,
    in text order, are ``hashes[offsets[i]:offsets[i + 1]]`` (CSR)."""
    out = np.zeros(len(pairs), dtype=np.float64)
    for k, (i, j) in enumerate(np.asarray(pairs, dtype=np.int64).reshape(-1, 2).tolist()):
        out[k] = ordered_containment(
            hashes[offsets[i] : offsets[i + 1]],
            hashes[offsets[j] : offsets[j + 1]],
            min_ngrams,
            max_occurrences,
        )
    return out
