"""An alignment of two documents' units as word ranges of each: the shared passages of one side,
cut around its chrome, with their edits and the matching offsets in the other document.

Each side is cut on its own: chrome inside a copied stretch of A (a byline between a title and
the body) splits A's passage but not B's, so a copy stays one passage wherever it has no chrome.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np

from dedupe.align import Alignment
from dedupe.offsets import Span
from dedupe.passages import Shared, Words


@dataclass
class Document:
    """A document ready to align: its words, its units (as ids in the explainer's vocabulary)
    and the word each unit belongs to, and its shingle set as sorted hashes (for the
    scores)."""

    id: str
    words: Words
    units: np.ndarray
    owner: np.ndarray
    grams: np.ndarray


def _past_empty(words: Words, w: int, limit: int) -> int:
    """Past the unit-less words (a closing quote, a dash) that follow word ``w``."""
    while w + 1 <= limit and words.empty[w + 1] and not words.chrome[w + 1]:
        w += 1
    return w


def _words(doc: Document, t0: int, t1: int) -> tuple[int, int]:
    """Words of units ``t0..t1-1``; for an empty stretch ``(w + 1, w)``: after word ``w``."""
    if t1 > t0:
        return int(doc.owner[t0]), int(doc.owner[t1 - 1])
    w = int(doc.owner[t0 - 1])
    return w + 1, w


def _stretch(doc: Document, r: tuple[int, int]) -> tuple[Span, str]:
    """Raw span and text of a word range (an empty one: the point after its word)."""
    if r[1] < r[0]:
        return doc.words.point_after(r[1]), ""
    return doc.words.raw_span(*r) or doc.words.point_after(r[0]), doc.words.text(*r)


def _edits(da: Document, db: Document, al: Alignment) -> list[tuple[int, int, int, int]]:
    """The alignment's edits in units, joined where their words touch on either side (a word
    split into several units can hold two)."""
    merged: list[list[int]] = []
    for e in al.edits():
        if merged:
            last = merged[-1]
            if (
                _words(da, e[0], e[1])[0] <= _words(da, last[0], last[1])[1]
                or _words(db, e[2], e[3])[0] <= _words(db, last[2], last[3])[1]
            ):
                last[1], last[3] = e[1], e[3]
                continue
        merged.append(list(e))
    return [(e[0], e[1], e[2], e[3]) for e in merged]


def _cut(
    me: Document,
    other: Document,
    pieces: list[tuple[int, int, int, int]],
    edits: list[tuple[int, int, int, int]],
) -> list[Shared]:
    """One side's shared passages of an alignment: ``pieces`` and ``edits`` are oriented
    ``(mine0, mine1, other0, other1)`` in units."""
    first, last = pieces[0][0], pieces[-1][1] - 1
    starts = [p[0] for p in pieces]
    in_piece = np.zeros(last - first + 1, dtype=bool)
    for p in pieces:
        in_piece[p[0] - first : p[1] - first] = True
    w0, w1 = int(me.owner[first]), int(me.owner[last])
    w1 = _past_empty(me.words, w1, len(me.words) - 1)
    chrome = me.words.chrome[w0 : w1 + 1]
    if chrome.any():
        edges = np.flatnonzero(np.diff(np.concatenate(([1], chrome.astype(np.int8), [1]))))
        pairs = zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True)
        ranges = [(w0 + s, w0 + e - 1) for s, e in pairs]
    else:
        ranges = [(w0, w1)]

    def other_unit(u: int) -> int:
        p = pieces[bisect.bisect_right(starts, u) - 1]
        return p[2] + (u - p[0])

    out = []
    for s0, s1 in ranges:
        u0 = max(first, int(np.searchsorted(me.owner, s0, "left")))
        u1 = min(last, int(np.searchsorted(me.owner, s1, "right")) - 1)
        # A passage starts and ends on matched units: a difference at its edge is added text.
        while u0 <= u1 and not in_piece[u0 - first]:
            u0 += 1
        while u1 >= u0 and not in_piece[u1 - first]:
            u1 -= 1
        if u0 > u1:
            continue
        s0 = int(me.owner[u0])
        s1 = min(s1, _past_empty(me.words, int(me.owner[u1]), s1))
        o0, o1 = other_unit(u0), other_unit(u1)
        ow1 = _past_empty(other.words, int(other.owner[o1]), len(other.words) - 1)
        span = other.words.raw_span(int(other.owner[o0]), ow1)
        mine = []
        for m0, m1, x0, x1 in edits:
            if (m1 > m0 and u0 <= m0 and m1 - 1 <= u1) or (m1 == m0 and u0 < m0 <= u1):
                r = _words(me, m0, m1)
                other_span, other_text = _stretch(other, _words(other, x0, x1))
                mine.append((r[0], r[1], other_span, other_text))
        out.append(Shared(s0, s1, span, mine))
    return out


def shared(da: Document, db: Document, al: Alignment) -> tuple[list[Shared], list[Shared]]:
    """An alignment as shared passages of A and of B."""
    edits = _edits(da, db, al)
    flipped = [(p[2], p[3], p[0], p[1]) for p in al.pieces]
    return (
        _cut(da, db, al.pieces, edits),
        _cut(db, da, flipped, [(e[2], e[3], e[0], e[1]) for e in edits]),
    )
