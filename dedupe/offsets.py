"""Where the words of a normalised text are in the text it came from.

``dedupe explain`` reports character offsets into the raw text, markup included. A document a
structural normaliser (``html``) changes is shown as the text a reader sees in it: the words of
its *view* (the raw text with tags, comments and scripts deleted, a block tag a line break,
character references decoded; the view keeps a map back to raw offsets), each with its raw
offsets, so any run of them has exact ones. Which of those words the normaliser kept is found
by aligning its output with them (:func:`place`), which asks of the normaliser only that the
words it keeps be spelled as in the raw text up to markup and references: it may drop anything
and keep text in any order (a main-content extractor moves a date or a title, keeps a heading
far from its paragraph). Exact runs of words are placed longest first, and among runs of one
length the nearest to the words already placed first (a headline repeated in the page's title
or in a related-links box is left there, the one above the article taken); the few words
left between (a one-word heading, words the normaliser joined or split) are looked for in a
window of the view around their placed neighbours. A word of the output that is not in the raw
text (a list bullet the extractor adds) is not shown; a view word no output word is placed on
is what the normaliser dropped (chrome).

Also: which words of a text survive a normaliser that only removes text (chrome, boilerplate).
"""

from __future__ import annotations

import bisect
import html
import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import pairwise

import numpy as np

from dedupe.align import runs, token_ids

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
Span = tuple[int, int]
#: After a jump, how many later occurrences of a surviving word are tried, and how many of the
#: next words must follow one for it to be preferred.
_TRIES = 32
_CONFIRM = 2
#: Shortest exact run of words that places output words.
SEED = 3
#: View words searched beyond a placed neighbour for the output words left between.
WINDOW = 64
#: Most word pairs compared in one window (longer stretches are left unplaced).
_COMPARE = 1_000_000
_ALNUM = re.compile(r"\w")


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

    def raw_spans(self, spans: np.ndarray) -> np.ndarray:
        """Raw ``[start, end)`` of view spans (an ``(n, 2)`` array of non-empty spans): a
        character of a decoded reference maps to the whole reference."""
        out = np.zeros((len(spans), 2), dtype=np.int64)
        if not len(spans):
            return out
        starts = np.asarray(self.starts, dtype=np.int64)
        raw = np.asarray(self.raw, dtype=np.int64)
        literal = np.asarray(self.literal, dtype=bool)
        k = np.searchsorted(starts, spans[:, 0], "right") - 1
        out[:, 0] = np.where(literal[k], raw[k] + spans[:, 0] - starts[k], raw[k])
        k = np.searchsorted(starts, spans[:, 1] - 1, "right") - 1
        raw_end = np.asarray(self.raw_end, dtype=np.int64)
        out[:, 1] = np.where(literal[k], raw[k] + spans[:, 1] - starts[k], raw_end[k])
        return out


@dataclass
class Placed:
    """A raw text's view as ``dedupe explain`` shows it: ``text``, its words with one space
    between (one line break where the view breaks a line, nothing where they touch); each
    word's ``spans`` in ``text`` and ``raw_spans`` in the raw text (``(n, 2)`` arrays); and
    ``source``, the word of the normalised text it is (``-1``: one the normaliser dropped)."""

    text: str
    spans: np.ndarray
    raw_spans: np.ndarray
    source: np.ndarray


def place(raw: str, normalised: str, pattern: re.Pattern[str], chars: bool = False) -> Placed:
    """The view of ``raw`` cut into words by ``pattern``, each with the word of ``normalised``
    (cut the same way) placed on it; with ``chars``, each word's characters one by one, with
    their word's source."""
    view = View.of(raw)
    found = list(pattern.finditer(view.text))
    spans = np.array([m.span() for m in found], dtype=np.int64).reshape(-1, 2)
    source = _match([m.group() for m in found], [m.group() for m in pattern.finditer(normalised)])
    if chars and len(spans):
        lengths = spans[:, 1] - spans[:, 0]
        word = np.repeat(np.arange(len(spans)), lengths)
        first = np.repeat(np.cumsum(lengths) - lengths, lengths)
        starts = spans[word, 0] + np.arange(len(word)) - first
        spans, source = np.stack([starts, starts + 1], axis=1), source[word]
    text, shown = _compact(view.text, spans)
    return Placed(text, shown, view.raw_spans(spans), source)


def _compact(text: str, spans: np.ndarray) -> tuple[str, np.ndarray]:
    """The pieces of ``text`` at ``spans`` joined by one space, by a line break where the text
    between holds one, by nothing where they touch; and their spans in the result."""
    parts: list[str] = []
    starts: list[int] = []
    at = prev = 0
    for s, e in spans.tolist():
        if parts:
            gap = text[prev:s]
            sep = "\n" if "\n" in gap else " " if gap else ""
            parts.append(sep)
            at += len(sep)
        parts.append(text[s:e])
        starts.append(at)
        at += e - s
        prev = e
    begin = np.array(starts, dtype=np.int64)
    lengths = spans[:, 1] - spans[:, 0] if len(spans) else np.zeros(0, np.int64)
    return "".join(parts), np.stack([begin, begin + lengths], axis=1).reshape(-1, 2)


def _match(view: list[str], out: list[str]) -> np.ndarray:
    """For each view word, the output word placed on it (``-1``: none); see the module
    docstring."""
    of_view = np.full(len(view), -1, dtype=np.int64)
    of_out = np.full(len(out), -1, dtype=np.int64)
    if not view or not out:
        return of_view
    view, out = _nfc(view), _nfc(out)
    iv, io = token_ids(view, out)
    seed = min(SEED, len(view), len(out))
    found = runs(iv.astype(np.uint64), io.astype(np.uint64), seed, ranked=True)
    found.sort(key=_longest)
    start = 0
    while start < len(found):  # runs of one length: the nearest to those placed first
        end = start + 1
        while end < len(found) and found[end][2] == found[start][2]:
            end += 1
        group = found[start:end]
        if len(group) > 1 and _overlap(group):
            group = [group[k] for k in np.argsort(_distance(of_out, group), kind="stable")]
        for run in group:
            _claim(of_view, of_out, *run)
        start = end
    _fill(view, out, of_view, of_out)
    _rejoin(view, out, of_view, of_out)
    _unique(view, out, of_view, of_out)
    return of_view


def _nfc(words: list[str]) -> list[str]:
    """Words in Unicode NFC (an extractor may compose what the page decomposes: ü, é)."""
    return [
        w if w.isascii() or unicodedata.is_normalized("NFC", w) else unicodedata.normalize("NFC", w)
        for w in words
    ]


def _longest(run: tuple[int, int, int]) -> tuple[int, int, int]:
    return -run[2], run[1], run[0]


def _claim(of_view: np.ndarray, of_out: np.ndarray, a0: int, b0: int, length: int) -> None:
    """Place output words ``b0..`` on view words ``a0..`` (an exact run of ``length``) where
    neither is placed yet, in stretches of at least a seed."""
    free = (of_view[a0 : a0 + length] < 0) & (of_out[b0 : b0 + length] < 0)
    if free.all():
        stretches = [(0, length)]
    else:
        edges = np.flatnonzero(np.diff(np.concatenate(([0], free.astype(np.int8), [0]))))
        stretches = list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))
    least = min(SEED, length)
    for s, e in stretches:
        if e - s >= least:
            of_view[a0 + s : a0 + e] = np.arange(b0 + s, b0 + e)
            of_out[b0 + s : b0 + e] = np.arange(a0 + s, a0 + e)


def _overlap(group: list[tuple[int, int, int]]) -> bool:
    """Whether runs ``(a0, b0, length)`` of one length compete for words (of either text)."""
    length = group[0][2]
    for side in (0, 1):
        starts = sorted(r[side] for r in group)
        if any(q - p < length for p, q in pairwise(starts)):
            return True
    return False


def _distance(of_out: np.ndarray, group: list[tuple[int, int, int]]) -> np.ndarray:
    """Per run ``(a0, b0, length)``: how far ``a0`` is from where the placed output words
    nearest before and after it put it (very far when none is placed)."""
    n = len(of_out)
    far = np.iinfo(np.int64).max // 4
    at = np.arange(n, dtype=np.int64)
    placed = of_out >= 0
    before = np.maximum.accumulate(np.where(placed, at, -1))
    after = np.minimum.accumulate(np.where(placed, at, n)[::-1])[::-1]
    a0, b0, length = (np.array(x, dtype=np.int64) for x in zip(*group, strict=True))
    left = np.where(b0 > 0, before[np.maximum(b0 - 1, 0)], -1)
    from_left = of_out[np.maximum(left, 0)] + (b0 - left)
    right = np.where(b0 + length < n, after[np.minimum(b0 + length, n - 1)], n)
    from_right = of_out[np.minimum(right, n - 1)] - (right - b0)
    d_left = np.where(left >= 0, np.abs(a0 - from_left), far)
    d_right = np.where(right < n, np.abs(a0 - from_right), far)
    result: np.ndarray = np.minimum(d_left, d_right)
    return result


def _gaps(of_out: np.ndarray) -> list[tuple[int, int]]:
    """The maximal stretches ``[i0, i1)`` of output words not placed."""
    free = np.concatenate(([0], (of_out < 0).astype(np.int8), [0]))
    edges = np.flatnonzero(np.diff(free))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def _fill(view: list[str], out: list[str], of_view: np.ndarray, of_out: np.ndarray) -> None:
    """Output words left between placed ones, looked for in the view beyond their placed
    neighbours (between them when those are in order and near): equal words in the same
    order, a lone word only when it has a letter or digit."""
    for i0, i1 in _gaps(of_out):
        p = int(of_out[i0 - 1]) if i0 else None
        q = int(of_out[i1]) if i1 < len(out) else None
        size = i1 - i0
        if p is not None and q is not None and p < q <= p + 1 + size + 2 * WINDOW:
            windows = [(p + 1, q)]
        else:
            windows = []
            if p is not None:
                windows.append((p + 1, min(len(view), p + 1 + size + WINDOW)))
            if q is not None:
                windows.append((max(0, q - size - WINDOW), q))
        for lo, hi in windows:
            if hi <= lo or size * (hi - lo) > _COMPARE:
                continue
            matcher = SequenceMatcher(None, out[i0:i1], view[lo:hi], autojunk=False)
            for i, j, k in matcher.get_matching_blocks():
                for t in range(k):
                    o, v = i0 + i + t, lo + j + t
                    if of_out[o] < 0 and of_view[v] < 0 and (k > 1 or _ALNUM.search(out[o])):
                        of_out[o], of_view[v] = v, o


def _rejoin(view: list[str], out: list[str], of_view: np.ndarray, of_out: np.ndarray) -> None:
    """Words the normaliser joined or split: output words left between two placed ones whose
    characters are those of the view words left between them."""
    for i0, i1 in _gaps(of_out):
        if not i0 or i1 >= len(out):
            continue
        p, q = int(of_out[i0 - 1]), int(of_out[i1])
        if not p + 1 < q <= p + 1 + WINDOW or (of_view[p + 1 : q] >= 0).any():
            continue
        if "".join(out[i0:i1]) != "".join(view[p + 1 : q]):
            continue
        ends = np.cumsum([len(w) for w in out[i0:i1]])
        at = 0
        for v in range(p + 1, q):
            o = i0 + int(np.searchsorted(ends, at, "right"))
            of_view[v] = o
            if of_out[o] < 0:
                of_out[o] = v
            at += len(view[v])


def _unique(view: list[str], out: list[str], of_view: np.ndarray, of_out: np.ndarray) -> None:
    """Output words still left between placed ones, as a whole, where the view has them once
    among its words not placed (a lone word only when it has a letter or digit)."""
    gaps = [g for g in _gaps(of_out) if g[1] - g[0] <= WINDOW]
    if not gaps:
        return
    wanted = {out[i0] for i0, i1 in gaps}
    free: dict[str, list[int]] = {}
    for v in np.flatnonzero(of_view < 0).tolist():
        if view[v] in wanted:
            free.setdefault(view[v], []).append(v)
    for i0, i1 in gaps:
        if i1 - i0 == 1 and not _ALNUM.search(out[i0]):
            continue
        size = i1 - i0
        found = [
            v
            for v in free.get(out[i0], [])
            if view[v : v + size] == out[i0:i1] and (of_view[v : v + size] < 0).all()
        ]
        if len(found) == 1:
            of_view[found[0] : found[0] + size] = np.arange(i0, i1)
            of_out[i0:i1] = np.arange(found[0], found[0] + size)


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
