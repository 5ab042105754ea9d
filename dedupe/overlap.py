"""How the two documents of an accepted pair overlap: containment both ways, Jaccard, relation.

Everything comes from three integers per pair, the shingles the two exact sets share and the
size of each set, which verification already has at hand: scoring computed the intersections
of the candidate pairs, and the representative stage prefetched those of every pair inside a
cluster (:meth:`dedupe.score.PairContext.pair_intersections` looks them up), so measuring the
accepted pairs costs a lookup, not a second pass over their sets. Both engines write
``pairs.jsonl``'s overlap fields with :func:`overlap_fields`, so their bytes are the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from dedupe import kernels
from dedupe.represent import SAME_TEXT, TEASER_BELOW
from dedupe.score import PairContext
from dedupe.shingle import ShingleSets

#: Columns of an overlap array: shared shingles, shingles of the first side, of the second.
SHARED, SIZE_A, SIZE_B = 0, 1, 2


def pair_overlap(ctx: PairContext, pairs: np.ndarray) -> np.ndarray:
    """``(m, 3)`` integers for the pairs: shared shingles and each side's set size."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    if len(pairs) == 0:
        return np.zeros((0, 3), dtype=np.int64)
    shared = ctx.pair_intersections(pairs)
    size_a, size_b = ctx.set_sizes(pairs)
    return np.stack([shared, size_a, size_b], axis=1).astype(np.int64)


def sets_overlap(
    sets_a: ShingleSets, rows_a: np.ndarray, sets_b: ShingleSets, rows_b: np.ndarray
) -> np.ndarray:
    """:func:`pair_overlap` of pairs (row ``rows_a[k]`` of ``sets_a``, row ``rows_b[k]`` of
    ``sets_b``) of two collections of shingle sets (an index's and a batch's)."""
    rows_a = np.asarray(rows_a, dtype=np.int64)
    rows_b = np.asarray(rows_b, dtype=np.int64)
    if len(rows_a) == 0:
        return np.zeros((0, 3), dtype=np.int64)
    if sets_a is sets_b:
        both, shift = sets_a, 0
    else:
        both, shift = ShingleSets.concat([sets_a, sets_b]), len(sets_a)
    rows = np.stack([rows_a, rows_b + shift], axis=1)
    shared = kernels.intersections(both.values, both.offsets, rows)
    sizes = both.sizes
    return np.stack([shared, sizes[rows[:, 0]], sizes[rows[:, 1]]], axis=1).astype(np.int64)


def accepted_overlap(ctx: PairContext, pairs: np.ndarray, accepted: np.ndarray) -> np.ndarray:
    """:func:`pair_overlap` of the accepted pairs, ``-1`` in the rows of the others."""
    out = np.full((len(pairs), 3), -1, dtype=np.int64)
    rows = np.flatnonzero(accepted)
    out[rows] = pair_overlap(ctx, pairs[rows])
    return out


def extended(
    overlap: np.ndarray | None, more: np.ndarray | Sequence[tuple[int, int, int] | None]
) -> np.ndarray | None:
    """``overlap`` with rows appended for pairs appended to a run's pairs (a row that is None:
    not measured); None stays None (the engine measured nothing)."""
    if overlap is None:
        return None
    rows = [(-1, -1, -1) if r is None else tuple(r) for r in more]
    added = np.array(rows, dtype=np.int64).reshape(-1, 3)
    return np.concatenate([overlap, added])


def relation(a_in_b: float, b_in_a: float) -> tuple[str, str | None]:
    """What the pair is, and which side (``"a"`` or ``"b"``) contains the other.

    ``teaser``: one side holds the other (at least :data:`SAME_TEXT` of it) and the other is
    less than :data:`TEASER_BELOW` of it; ``extended``: the container holds the other plus
    added text, the other being at least that share of it; ``copy``: otherwise (each holds
    most of the other, or neither holds the other whole: an edited copy). The same thresholds
    as the roles of ``clusters.jsonl`` (:func:`dedupe.represent.role_of`)."""
    if a_in_b >= b_in_a:
        inside, outside, container = a_in_b, b_in_a, "b"
    else:
        inside, outside, container = b_in_a, a_in_b, "a"
    if inside >= SAME_TEXT and outside < SAME_TEXT:
        return ("teaser" if outside < TEASER_BELOW else "extended"), container
    return "copy", None


def share(shared: int, size: int) -> float:
    return shared / size if size > 0 else 1.0


def overlap_fields(shared: int, size_a: int, size_b: int) -> dict[str, Any]:
    """``pairs.jsonl``'s fields for a pair: ``a_in_b`` (share of a's shingles found in b),
    ``b_in_a``, ``jaccard``, ``relation`` and ``container`` (``"a"``, ``"b"`` or null for a
    copy); nothing when the pair was not measured (``shared`` is -1)."""
    if shared < 0:
        return {}
    a_in_b, b_in_a = share(shared, size_a), share(shared, size_b)
    union = size_a + size_b - shared
    what, container = relation(a_in_b, b_in_a)
    return {
        "a_in_b": round(a_in_b, 6),
        "b_in_a": round(b_in_a, 6),
        "jaccard": round(shared / union, 6) if union > 0 else 1.0,
        "relation": what,
        "container": container,
    }
