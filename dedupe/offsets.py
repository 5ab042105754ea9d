"""Where the words of a normalised text are in the text it came from.

Character offsets, in the text as read, of the words a structural normaliser kept, and which
words of a text survive a normaliser that only removes text (chrome, boilerplate).

``dedupe explain`` shows a document as its structural normalisers (``html``) render it, but
reports offsets into the raw text, markup included. The contract with a structural normaliser:
the words it keeps appear in the raw text in the same order, spelled as there up to markup and
HTML character references (``&amp;``, ``&#233;``); it may drop anything (tags, scripts, page
furniture: dropped text a reader would see is reported as chrome) and change whitespace. The
words are found by searching forward in a *view* of the raw text with tags, comments and
scripts deleted and references decoded, which keeps a map back to raw offsets; when a search
jumps over text, the occurrence followed by the next words is preferred, so a word of a dropped
menu is not taken for the article's. A word that cannot be found gets no offsets.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass

import numpy as np

_MARKUP = re.compile(
    r"(?P<drop><(?P<block>script|style|noscript|template)\b[^>]*>.*?</(?P=block)\s*>"
    r"|<!--.*?-->|<!\[CDATA\[.*?\]\]>)"
    r"|(?P<tag></?(?P<name>[A-Za-z][A-Za-z0-9:-]*)(?:\s[^<>]*)?/?>|<![A-Za-z][^<>]*>)"
    r"|(?P<ref>&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?)",
    re.IGNORECASE | re.DOTALL,
)
#: Tags inside a line of text: deleted from the view; any other tag (and a script, style or
#: comment) is a line break there, so text on both sides does not run together.
_INLINE = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "cite",
        "code",
        "data",
        "del",
        "dfn",
        "em",
        "font",
        "i",
        "ins",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
        "wbr",
    ]
)
_TEXT = re.compile(r"\S")
Span = tuple[int, int]
#: How many later occurrences of a word are tried after a jump, and how many following words
#: must come next (separated by whitespace only) for an occurrence to be preferred.
_TRIES = 32
_CONFIRM = 2


@dataclass
class View:
    """The raw text with markup deleted (a line break for a block) and references decoded,
    and the way back.

    ``starts[k]`` is where segment ``k`` begins in the view; ``raw[k]`` where it begins in the
    raw text; ``literal[k]`` says whether it is raw text copied as is (else one decoded
    reference or a tag's line break, all of whose characters map to its whole raw span
    ``raw_end[k]``).
    """

    text: str
    starts: list[int]
    raw: list[int]
    raw_end: list[int]
    literal: list[bool]

    @classmethod
    def of(cls, raw: str) -> View:
        if "<" not in raw and "&" not in raw:
            return cls(raw, [0], [0], [len(raw)], [True])
        parts: list[str] = []
        starts: list[int] = []
        raws: list[int] = []
        ends: list[int] = []
        literal: list[bool] = []
        at = 0  # position in the view
        last = 0  # position in the raw text
        for m in _MARKUP.finditer(raw):
            if m.start() > last:
                parts.append(raw[last : m.start()])
                starts.append(at)
                raws.append(last)
                ends.append(m.start())
                literal.append(True)
                at += m.start() - last
            name = m.group("name")
            if m.group("ref") or not (name and name.lower() in _INLINE):
                decoded = html.unescape(m.group()) if m.group("ref") else "\n"
                parts.append(decoded)
                starts.append(at)
                raws.append(m.start())
                ends.append(m.end())
                literal.append(decoded == m.group())
                at += len(decoded)
            last = m.end()
        parts.append(raw[last:])
        starts.append(at)
        raws.append(last)
        ends.append(len(raw))
        literal.append(True)
        return cls("".join(parts), starts, raws, ends, literal)

    def raw_start(self, pos: int) -> int:
        """Raw offset of the view character at ``pos``."""
        k = bisect.bisect_right(self.starts, pos) - 1
        return self.raw[k] + (pos - self.starts[k]) if self.literal[k] else self.raw[k]

    def raw_stop(self, pos: int) -> int:
        """Raw offset just after the view character before ``pos`` (an exclusive end)."""
        if pos <= 0:
            return self.raw_start(0) if self.text else 0
        k = bisect.bisect_right(self.starts, pos - 1) - 1
        return self.raw[k] + (pos - self.starts[k]) if self.literal[k] else self.raw_end[k]


def _followed(view: str, pos: int, words: list[str]) -> bool:
    """Whether ``words`` come at ``pos`` of ``view``, separated by whitespace only."""
    for w in words:
        while pos < len(view) and view[pos].isspace():
            pos += 1
        if not view.startswith(w, pos):
            return False
        pos += len(w)
    return True


def locate(raw: str, words: list[str]) -> tuple[list[Span | None], list[tuple[int, int, str]]]:
    """Raw ``[start, end)`` of each word (``None`` where it is not found), and the text a
    reader would see that the words skip (what the structural normaliser dropped), as
    ``(start, end, text)``."""
    view = View.of(raw)
    text = view.text
    found: list[Span | None] = []
    cursor = 0
    gaps: list[Span] = []
    for k, w in enumerate(words):
        p = text.find(w, cursor)
        if p < 0:
            found.append(None)
            continue
        if _TEXT.search(text, cursor, p):
            # A jump: prefer a later occurrence that the next words follow.
            following = words[k + 1 : k + 1 + _CONFIRM]
            q, tries = p, 0
            while q >= 0 and tries < _TRIES and following:
                if _followed(text, q + len(w), following):
                    p = q
                    break
                q = text.find(w, q + 1)
                tries += 1
            if _TEXT.search(text, cursor, p):
                gaps.append((cursor, p))
        found.append((p, p + len(w)))
        cursor = p + len(w)
    if _TEXT.search(text, cursor):
        gaps.append((cursor, len(text)))
    spans = [None if f is None else (view.raw_start(f[0]), view.raw_stop(f[1])) for f in found]
    dropped = []
    for s, e in gaps:
        segment = text[s:e]
        s += len(segment) - len(segment.lstrip())
        e -= len(segment) - len(segment.rstrip())
        dropped.append((view.raw_start(s), view.raw_stop(e), text[s:e]))
    return spans, dropped


def surviving(words: list[str], kept: list[str]) -> np.ndarray:
    """Which of ``words`` are the ``kept`` words of a normaliser that removes text (whole
    lines, the tail of a line...): ``kept`` matched in order, after a jump preferring the
    occurrence the next kept words follow. A kept word not found is ignored."""
    where: dict[str, list[int]] = {}
    for k, w in enumerate(words):
        where.setdefault(w, []).append(k)
    out = np.zeros(len(words), dtype=bool)
    j = 0
    for i, w in enumerate(kept):
        places = where.get(w)
        if not places:
            continue
        c = bisect.bisect_left(places, j)
        if c == len(places):
            continue
        p = places[c]
        if p > j:
            following = kept[i + 1 : i + 1 + _CONFIRM]
            for q in places[c : c + _TRIES]:
                if words[q + 1 : q + 1 + len(following)] == following:
                    p = q
                    break
        out[p] = True
        j = p + 1
    return out
