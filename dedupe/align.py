"""Passage alignment of two token sequences: which stretches of B are copied from where in A.

Seed and extend, as text-reuse aligners do: every n-gram B shares with A is a seed; seeds on
one diagonal (``a - b`` constant) at consecutive positions form an exact run; runs are taken
longest first, each token of B at most once (where A repeats a phrase, B's copy of it is
matched to one occurrence; where B repeats one, each of its copies is matched);
runs are then chained in order when the gaps between them, on both sides, are at most ``gap``
tokens (a corrupted or edited word breaks every n-gram over it, so a copy would otherwise come
out in pieces), and a chain that matches fewer than ``min_length`` tokens is dropped (common
phrases shared by unrelated texts). The difference inside a chain's gaps is its edits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

#: A gram found more often than this in A is not used as a seed (runs of one repeated token).
MAX_OCCURRENCES = 64
#: Shortest exact stretch that extends a passage at its ends (shorter than a seed).
EXTEND_MIN = 3
_MUL = np.uint64(0x9E3779B97F4A7C15)


@dataclass
class Alignment:
    """Tokens ``a[a0:a1]`` and ``b[b0:b1]`` are one passage; ``pieces`` are its exact runs
    ``(a0, a1, b0, b1)`` in order, the stretches between them its edits."""

    a0: int
    a1: int
    b0: int
    b1: int
    pieces: list[tuple[int, int, int, int]] = field(default_factory=list)

    @property
    def matched(self) -> int:
        return sum(p[1] - p[0] for p in self.pieces)

    def edits(self) -> list[tuple[int, int, int, int]]:
        """The ``(a0, a1, b0, b1)`` stretches between consecutive pieces that differ."""
        out = []
        for p, q in zip(self.pieces, self.pieces[1:], strict=False):
            if q[0] > p[1] or q[2] > p[3]:
                out.append((p[1], q[0], p[3], q[2]))
        return out


def _keys(ids: np.ndarray, n: int) -> np.ndarray:
    """A 64-bit key per n-gram (a collision is a 2^-64 chance per pair of grams)."""
    count = len(ids) - n + 1
    key = np.zeros(count, dtype=np.uint64)
    for k in range(n):
        key = key * _MUL + ids[k : k + count] + np.uint64(1)
        key ^= key >> np.uint64(29)
    return key


def runs(
    ia: np.ndarray, ib: np.ndarray, n: int, ranked: bool = False
) -> list[tuple[int, int, int]]:
    """Exact runs ``(a0, b0, length)``: maximal diagonal stretches of the n-grams of token ids
    ``ib`` (``uint64``) found in ``ia``. A gram found more than :data:`MAX_OCCURRENCES` times
    in ``ia`` is no seed, or with ``ranked`` pairs its occurrences in order (the k-th in ``ib``
    with the k-th in ``ia``: a table's repeated rows in two texts that keep their order)."""
    if len(ia) < n or len(ib) < n:
        return []
    ka, kb = _keys(ia, n), _keys(ib, n)
    order = np.argsort(ka, kind="stable")
    sa = ka[order]
    lo = np.searchsorted(sa, kb, "left")
    hi = np.searchsorted(sa, kb, "right")
    count = hi - lo
    frequent = count > MAX_OCCURRENCES
    count[frequent] = 0
    total = int(count.sum())
    bi = np.repeat(np.arange(len(kb), dtype=np.int64), count)
    first = np.repeat(lo - (np.cumsum(count) - count), count)
    aj = order[first + np.arange(total, dtype=np.int64)].astype(np.int64)
    if ranked and frequent.any():
        # Rank of each gram of B among B's occurrences of it, paired with A's of that rank.
        by_key = np.argsort(kb, kind="stable")
        sorted_b = kb[by_key]
        rank = np.empty(len(kb), dtype=np.int64)
        rank[by_key] = np.arange(len(kb)) - np.searchsorted(sorted_b, sorted_b, "left")
        pair = np.flatnonzero(frequent & (rank < hi - lo))
        bi = np.concatenate([bi, pair])
        aj = np.concatenate([aj, order[lo[pair] + rank[pair]].astype(np.int64)])
        total = len(bi)
    if not total:
        return []
    diag = aj - bi
    sort = np.lexsort((bi, diag))
    bi, diag = bi[sort], diag[sort]
    new = np.ones(total, dtype=bool)
    new[1:] = (diag[1:] != diag[:-1]) | (bi[1:] != bi[:-1] + 1)
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], total) - 1
    b0 = bi[starts]
    length = bi[ends] - b0 + n
    return list(zip((b0 + diag[starts]).tolist(), b0.tolist(), length.tolist(), strict=True))


def _claim(runs: list[tuple[int, int, int]], nb: int) -> list[tuple[int, ...]]:
    """Longest runs first, each token of B used once: a run overlapping those taken keeps its
    free stretches only. A's tokens may serve several stretches of B (B repeats a title)."""
    taken = np.zeros(nb, dtype=bool)
    pieces: list[tuple[int, ...]] = []
    for a0, b0, length in sorted(runs, key=lambda r: (-r[2], r[1], r[0])):
        busy = taken[b0 : b0 + length]
        if not busy.any():
            stretches = [(0, length)]
        else:
            free = np.concatenate(([False], ~busy, [False]))
            edges = np.flatnonzero(free[1:] != free[:-1])
            stretches = list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))
        for s, e in stretches:
            taken[b0 + s : b0 + e] = True
            pieces.append((a0 + s, a0 + e, b0 + s, b0 + e))
    return pieces


def _chain(pieces: list[tuple[int, ...]], gap: int) -> list[Alignment]:
    """Pieces in B order joined to the open passage they continue within ``gap`` on both
    sides (the nearest one), else starting a new passage."""
    passages: list[Alignment] = []
    open_: list[Alignment] = []
    for a0, a1, b0, b1 in sorted(pieces, key=lambda p: (p[2], p[0])):
        open_ = [p for p in open_ if b0 - p.b1 <= gap]
        best = None
        for p in open_:
            da, db = a0 - p.a1, b0 - p.b1
            if 0 <= da <= gap and 0 <= db <= gap and (best is None or da + db < best[0]):
                best = (da + db, p)
        if best is None:
            new = Alignment(a0, a1, b0, b1, [(a0, a1, b0, b1)])
            passages.append(new)
            open_.append(new)
        else:
            p = best[1]
            p.a1, p.b1 = a1, b1
            p.pieces.append((a0, a1, b0, b1))
    return passages


def _edge(
    ia: np.ndarray, ib: np.ndarray, taken: np.ndarray, j: int, i: int, gap: int, step: int
) -> tuple[int, int, int] | None:
    """The best exact stretch beyond a passage edge at A position ``j``, B position ``i``
    (going left with ``step`` -1, right with +1) after skipping up to ``gap`` tokens on each
    side: ``(skip_a, skip_b, length)`` with length >= :data:`EXTEND_MIN`, or None."""
    best: tuple[int, int, int] | None = None
    na, nb = len(ia), len(ib)
    for sb in range(gap + 1):
        for sa in range(gap + 1):
            x, y = j + step * sa, i + step * sb
            k = 0
            while 0 <= x < na and 0 <= y < nb and k < 64 and not taken[y] and ia[x] == ib[y]:
                k += 1
                x += step
                y += step
            if k >= EXTEND_MIN and (best is None or (k, -sa - sb) > (best[2], -best[0] - best[1])):
                best = (sa, sb, k)
    return best


def _extend(p: Alignment, ia: np.ndarray, ib: np.ndarray, taken: np.ndarray, gap: int) -> None:
    """Grow a passage at both ends by exact stretches shorter than a seed that lie within
    ``gap`` of it (a title before a site name, the words after the last corrupted one)."""
    while (e := _edge(ia, ib, taken, p.a0 - 1, p.b0 - 1, gap, -1)) is not None:
        sa, sb, k = e
        a1, b1 = p.a0 - sa, p.b0 - sb
        p.a0, p.b0 = a1 - k, b1 - k
        p.pieces.insert(0, (p.a0, a1, p.b0, b1))
        taken[p.b0 : b1] = True
    while (e := _edge(ia, ib, taken, p.a1, p.b1, gap, 1)) is not None:
        sa, sb, k = e
        a0, b0 = p.a1 + sa, p.b1 + sb
        p.a1, p.b1 = a0 + k, b0 + k
        p.pieces.append((a0, p.a1, b0, p.b1))
        taken[b0 : p.b1] = True


def token_ids(a: Sequence[str], b: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Two token sequences as integer ids (equal tokens, equal ids), which :func:`align`
    takes."""
    vocab: dict[str, int] = {}
    ia = np.fromiter((vocab.setdefault(t, len(vocab)) for t in a), np.int64, len(a))
    ib = np.fromiter((vocab.setdefault(t, len(vocab)) for t in b), np.int64, len(b))
    return ia, ib


def align(a: np.ndarray, b: np.ndarray, n: int, gap: int, min_length: int) -> list[Alignment]:
    """The passages B shares with A, in B order (see the module docstring); ``a`` and ``b``
    are token ids (:func:`token_ids`). A sequence shorter than ``n`` is seeded with its length;
    against a document shorter than twice ``min_length``, half its length (at least a seed)
    is enough for a passage."""
    if not len(a) or not len(b):
        return []
    shortest = min(len(a), len(b))
    n = max(1, min(n, shortest))
    min_length = max(1, min(min_length, max(n, shortest // 2)))
    ia, ib = np.asarray(a).astype(np.uint64), np.asarray(b).astype(np.uint64)
    pieces = _claim(runs(ia, ib, n), len(b))
    kept = [p for p in _chain(pieces, gap) if p.matched >= min_length]
    taken = np.zeros(len(b), dtype=bool)
    for p in kept:
        for piece in p.pieces:
            taken[piece[2] : piece[3]] = True
    for p in kept:
        _extend(p, ia, ib, taken, gap)
    return kept
