"""One document cut into passages: shared with the other document, added, or chrome.

Works on a :class:`Words` view of the document (its words, where each sits in the raw text,
which are chrome) and the word ranges it shares; every passage carries ``[start, end)``
character offsets into the text as read, markup included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dedupe.offsets import Span

ADDED, SHARED, CHROME = 0, 1, 2
STATUSES = ("added", "shared", "chrome")


@dataclass
class Words:
    """A document as the words explain shows: ``display`` (the text shown), ``spans`` (display
    ``[start, end)`` per word, an ``(n, 2)`` array), ``raw_spans`` (the same in the raw text,
    ``-1`` for a word not found there), which words are chrome, which have no units to match
    (punctuation)."""

    raw: str
    display: str
    spans: np.ndarray
    raw_spans: np.ndarray
    chrome: np.ndarray
    empty: np.ndarray

    def __post_init__(self) -> None:
        self._start = self.raw_spans[:, 0] if len(self.raw_spans) else np.zeros(0, np.int64)
        self._end = self.raw_spans[:, 1] if len(self.raw_spans) else np.zeros(0, np.int64)

    def __len__(self) -> int:
        return len(self.spans)

    def text(self, w0: int, w1: int) -> str:
        """Display text of words ``w0..w1`` (inclusive)."""
        return self.display[int(self.spans[w0, 0]) : int(self.spans[w1, 1])]

    def raw_span(self, w0: int, w1: int) -> Span | None:
        """Raw ``[start, end)`` of words ``w0..w1`` (inclusive), from the first and last of
        them found in the raw text (found words are in raw-text order)."""
        found = np.flatnonzero(self._start[w0 : w1 + 1] >= 0)
        if not len(found):
            return None
        return int(self._start[w0 + found[0]]), int(self._end[w0 + found[-1]])

    def point_after(self, w: int) -> Span:
        """An empty raw span just after word ``w`` (where an insertion goes)."""
        found = np.flatnonzero(self._end[: w + 1] >= 0)
        if not len(found):
            return 0, 0
        end = int(self._end[found[-1]])
        return end, end


@dataclass
class Edit:
    """A stretch inside a shared passage where the two documents differ."""

    a: Span
    b: Span
    a_text: str
    b_text: str

    def to_dict(self) -> dict[str, Any]:
        return {"a": list(self.a), "b": list(self.b), "a_text": self.a_text, "b_text": self.b_text}


@dataclass
class Passage:
    """A run of words with one status: ``shared``, ``added`` or ``chrome``.

    ``a``/``b`` are ``[start, end)`` offsets in document A/B's raw text (a shared passage has
    both; the reference of a cluster page has no ``b``); ``parts`` is the text cut at the edits
    as ``(own text, the other document's text or None where they agree)``."""

    status: str
    text: str
    words: int
    a: Span | None = None
    b: Span | None = None
    edits: list[Edit] = field(default_factory=list)
    edited: int = 0
    parts: list[tuple[str, str | None]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status}
        if self.a is not None:
            out["a"] = list(self.a)
        if self.b is not None:
            out["b"] = list(self.b)
        out["text"] = self.text
        if self.edits:
            out["edits"] = [e.to_dict() for e in self.edits]
        return out


@dataclass
class Shared:
    """Words ``w0..w1`` of this side shared with ``other`` (raw span in the other document),
    and the word ranges inside that are edits: ``(w0, w1, other span, other text)``, ``w1 <
    w0`` for an empty stretch on this side (inserted after word ``w1``)."""

    w0: int
    w1: int
    other: Span | None
    edits: list[tuple[int, int, Span, str]] = field(default_factory=list)


@dataclass
class Side:
    """One document as explained against another."""

    id: str
    passages: list[Passage]
    shingles: int

    def words(self, status: str) -> int:
        if status == "edited":
            return sum(p.edited for p in self.passages)
        if status == "shared":
            return sum(p.words - p.edited for p in self.passages if p.status == "shared")
        return sum(p.words for p in self.passages if p.status == status)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "shingles": self.shingles,
            "words": {s: self.words(s) for s in ("shared", "edited", "added", "chrome")},
            "passages": [p.to_dict() for p in self.passages],
        }


def _shared_passage(words: Words, s: Shared, own: str) -> Passage:
    span = words.raw_span(s.w0, s.w1)
    text = words.text(s.w0, s.w1)
    edits: list[Edit] = []
    parts: list[tuple[str, str | None]] = []
    cut = int(words.spans[s.w0, 0])
    edited = 0
    for e0, e1, other_span, other_text in s.edits:
        if e1 < e0:  # nothing on this side: the other's text goes after word e1
            here = words.point_after(e1)
            at = int(words.spans[e1, 1])
            mine = ""
        else:
            here = words.raw_span(e0, e1) or words.point_after(e0)
            at = int(words.spans[e0, 0])
            mine = words.text(e0, e1)
            edited += e1 - e0 + 1
        if at > cut:
            parts.append((words.display[cut:at], None))
        parts.append((mine, other_text))
        cut = at + len(mine)
        pair = (here, other_span) if own == "a" else (other_span, here)
        texts = (mine, other_text) if own == "a" else (other_text, mine)
        edits.append(Edit(pair[0], pair[1], texts[0], texts[1]))
    end = int(words.spans[s.w1, 1])
    if end > cut:
        parts.append((words.display[cut:end], None))
    ends = (span, s.other) if own == "a" else (s.other, span)
    return Passage("shared", text, s.w1 - s.w0 + 1, ends[0], ends[1], edits, edited, parts)


def build(words: Words, shared: list[Shared], own: str) -> list[Passage]:
    """The passages of one document, in its order: ``shared`` ranges (non-overlapping, in this
    side's order or any order) and the added and chrome words between them. ``own`` is
    ``"a"`` or ``"b"``: which offsets a passage's own span fills."""
    n = len(words)
    status = np.where(words.chrome, CHROME, ADDED).astype(np.int8)
    owner = np.full(n, -1, dtype=np.int64)
    ranges: list[Shared] = []
    for s in sorted(shared, key=lambda s: s.w0):
        if ranges and s.w0 <= ranges[-1].w1:  # a word split between two passages
            s.w0 = ranges[-1].w1 + 1
            s.edits = [e for e in s.edits if min(e[0], e[1] + 1) >= s.w0]
        if s.w0 <= s.w1:
            ranges.append(s)
    for k, s in enumerate(ranges):
        owner[s.w0 : s.w1 + 1] = k
        status[s.w0 : s.w1 + 1] = SHARED
    # Words without units (a lone dash or quote) between passages follow the word before.
    empty = np.flatnonzero(words.empty & ~words.chrome & (owner < 0))
    for w in empty.tolist():
        if w > 0 and owner[w - 1] < 0:
            status[w] = status[w - 1]
    out: list[Passage] = []
    w = 0
    while w < n:
        if owner[w] >= 0:
            s = ranges[int(owner[w])]
            out.append(_shared_passage(words, s, own))
            w = s.w1 + 1
            continue
        v = w
        while v + 1 < n and owner[v + 1] < 0 and status[v + 1] == status[w]:
            v += 1
        span = words.raw_span(w, v)
        out.append(
            Passage(
                STATUSES[status[w]],
                words.text(w, v),
                v - w + 1,
                span if own == "a" else None,
                span if own == "b" else None,
            )
        )
        w = v + 1
    return out
