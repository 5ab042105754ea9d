"""The figures, names and headline of a text, each figure and name keyed by the words around it.

Templated stories (earnings tables, dividend notices, money-market flashes, price fixes) share
almost every word and differ in the few that carry the news: the figures and the names. Every
figure ("1.20 dlrs", "3.4 mln", "12-1/2 cts", "a six-day operation", "14,5 %", "April 30",
"Monday") and every name ("Federal Reserve", "<ESY>") is recorded under two keys: the two words
before it and the two words after it (figures in those words read as ``#``, names as ``N``, so
one changed slot does not hide its neighbours). Keys found in only one document (a teaser's
missing paragraphs, an edited sentence) say nothing either way; :mod:`dedupe.figures.compare`
compares the values two documents hold under the same key.

A figure written with a scale word keeps the precision it was written with: "3.1 mln" is
3,100,000 give or take 50,000, so it agrees with "3,086,386"; other figures are exact. Numbers
are read by value ("3.4 mln", "3,400,000" and "$3.4m" are one figure; "1,914,388" has thousands
separators, "14,5" a decimal comma), spelled numbers count when a scale or unit follows ("two
billion dlrs", "six pct") or they open a hyphenated measure ("a six-day operation"), and a
month with a day is one date ("April 30", "30 avril", "Pay May One"). A line that is only a
publication stamp ("2018-10-25 10:03:52") is left out: a repost carries its own.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from dedupe.figures import corrections
from dedupe.figures import words as vocab
from dedupe.figures.tokens import (
    FIGURE,
    NAME,
    PAGE,
    UNSPACED,
    Key,
    Tokens,
    Value,
    tokens,
    words_beyond,
)

__all__ = [
    "FIGURE",
    "NAME",
    "PAGE",
    "READ_CHARS",
    "UNSPACED",
    "Slots",
    "Value",
    "beyond_headline",
    "extract",
    "tokens",
]

#: Figures are read from the first this many characters of a document (256 Ki: a long report
#: in full, the start of a book): the work per document is bounded, a 100 MB text costs what
#: its first 256 K characters cost. Two copies agree on their first 256 K characters as they
#: do on the rest.
READ_CHARS = corrections.READ_CHARS


@dataclass(frozen=True)
class Slots:
    """The figures and names of one document by context key, and its headline.

    ``values[key]`` is a sorted tuple of the values found under ``key``; a key is
    ``(side, kind, word, word)`` with ``side`` ``"L"`` (the words before) or ``"R"`` (after)
    and ``kind`` :data:`FIGURE` or :data:`NAME`.
    """

    values: dict[Key, tuple[Value, ...]]
    figures: int
    names: int
    #: ``(company, ticker)`` for each stock ticker of the headline (the first line), with the
    #: words before it ("UNICORP AMERICAN CORP <UAC> SETS QUARTERLY":
    #: ``("unicorp american corp", "uac")``): the company a wire story is about.
    companies: frozenset[tuple[str, str]] = frozenset()
    #: The words of the first line, folded ("<uac>" for a ticker), markers such as
    #: "CORRECTED" or "RPT" left out.
    headline: tuple[str, ...] = ()
    #: Every word of the text, folded (what a headline's subject is looked up in).
    vocabulary: frozenset[str] = field(default=frozenset(), repr=False)
    #: The document says it corrects an earlier one ("CORRECTED - ...", "-- Corrects ...").
    correction: bool = False
    #: Every figure of the document, and every name (a conflicting value found elsewhere in
    #: the other document moved rather than changed).
    all_figures: tuple[Value, ...] = field(default=(), repr=False)
    all_names: frozenset[str] = field(default=frozenset(), repr=False)
    #: The words of :attr:`headline` that may name someone (a subject names someone).
    headline_names: frozenset[str] = field(default=frozenset(), repr=False)
    #: Each figure and name in text order: ``(kind, value, key before, key after)``.
    occurrences: tuple[tuple[str, Value, Key, Key], ...] = field(default=(), repr=False)

    @cached_property
    def _counted(self) -> dict[Key, Counter[Value] | None]:
        return {}

    def exact_counts(self, key: Key) -> Counter[Value] | None:
        """The values under ``key`` counted, when they are all numbers without rounding
        (else None), computed once per document and key: such a key repeated hundreds of
        times (tables, lists) is compared with every other document of its pairs."""
        counted = self._counted
        if key not in counted:
            values = self.values[key]
            exact = all(v[0] == "n" and v[2] == 0.0 for v in values)
            counted[key] = Counter(values) if exact else None
        return counted[key]

    @cached_property
    def widest_rounding(self) -> float:
        """The widest rounding among the numbers of :attr:`all_figures`, computed once per
        document: every unmatched value of every pair looks this document's figures up with
        it (computed per lookup, 2,000 short documents of 300 figures took minutes)."""
        found = self.all_figures
        lo = bisect.bisect_left(found, ("n",))
        hi = bisect.bisect_left(found, ("o",))
        return max((v[2] for v in found[lo:hi]), default=0.0)


def _sequence(toks: Tokens) -> list[tuple[str, str | None, Value | None]]:
    """The document as ``(context word, slot kind or None, value)``, name runs merged."""
    kinds, values, starts, joined = toks.kinds, toks.values, toks.starts, toks.joined
    seq: list[tuple[str, str | None, Value | None]] = []
    i, n = 0, len(kinds)
    while i < n:
        kind = kinds[i]
        if kind == "w":
            seq.append((str(values[i]).casefold(), None, None))
            i += 1
            continue
        if kind == "f":
            seq.append(("#", FIGURE, values[i]))
            i += 1
            continue
        if kind == "n":
            seq.append(("N", NAME, ("N", values[i])))
            i += 1
            continue
        run = [str(values[i])]
        j = i
        while joined[j] and j + 1 < n:
            k = j + 1
            if kinds[k] == "W" and not starts[k]:
                run.append(str(values[k]))
                j = k
            elif (
                kinds[k] == "w"
                and joined[k]
                and k + 1 < n
                and kinds[k + 1] == "W"
                and str(values[k]).casefold() in vocab.CONNECTORS
            ):
                run.extend((str(values[k]), str(values[k + 1])))
                j = k + 1
            else:
                break
        if starts[i] and (len(run) == 1 or run[0].casefold() in vocab.SENTENCE_WORDS):
            seq.append((run[0].casefold(), None, None))
            run = run[1:]
        if run:
            name = " ".join(run).casefold()
            seq.append(("N", NAME, ("N", name[:-2] if name.endswith("'s") else name)))
        i = j + 1
    return seq


#: A first line of more words than this is not a headline (a text on one line, a lead).
HEADLINE_WORDS = 20


def _headline(toks: Tokens) -> tuple[tuple[str, ...], frozenset[str]]:
    """The folded words and tickers of the first line, markers left out (empty when the first
    line is not a headline: the text goes on, on that line, past :data:`HEADLINE_WORDS`), and
    those of them that may name someone: every word of a line in capitals (wire headlines),
    else the capitalised words but the one opening a sentence."""
    out: list[str] = []
    names: list[str] = []
    capitals = True
    for kind, value, line, start in zip(
        toks.kinds, toks.values, toks.lines, toks.starts, strict=True
    ):
        if line > 0:
            break
        if kind == "n":
            out.append(f"<{value}>")
            names.append(out[-1])
        elif kind in "wW":
            written = str(value)
            capitals = capitals and written == written.upper()
            word = written.casefold()
            if word and word not in vocab.HEADLINE_MARKERS:
                out.append(word)
                if kind == "W" and not start:
                    names.append(word)
        if len(out) > HEADLINE_WORDS:
            return (), frozenset()
    return tuple(out), frozenset(out if capitals else names)


#: :func:`beyond_headline` reads at most this many characters of a first line.
_FIRST_LINE_CHARS = 1_000
#: Words of margin :func:`beyond_headline` keeps over :data:`HEADLINE_WORDS` (a spelled number
#: or a month at the end of the line may be read together with the next line's first word).
_MARGIN = 3


def beyond_headline(text: str) -> bool:
    """Whether :func:`extract` finds no headline in ``text`` because its first line runs on
    past :data:`HEADLINE_WORDS` words (a text on one line, a lead): then the first line names
    no subject. Read from the first line alone (at most :data:`_FIRST_LINE_CHARS` characters),
    so a cheap first look (:mod:`dedupe.figures.sketch`) can ask it of any document; False
    when that line may read otherwise in the whole text (markup, an entity, a stamp)."""
    line = text[:_FIRST_LINE_CHARS].split("\n", 1)[0]
    if len(line) == _FIRST_LINE_CHARS:
        line = line.rsplit(" ", 1)[0]  # (a whole word last)
    if "<" in line or "&" in line or not line.strip():
        return False
    if words_beyond(line, vocab.HEADLINE_MARKERS, HEADLINE_WORDS + _MARGIN):
        return True  # (its plain words alone are enough: most first lines of one-line texts)
    toks = Tokens(line)  # (a stamp reads as no words: a stamp line is not the first)
    words = sum(
        1
        for kind, value in zip(toks.kinds, toks.values, strict=True)
        if kind in "wW" and str(value).casefold() not in vocab.HEADLINE_MARKERS
    )
    return words > HEADLINE_WORDS + _MARGIN


def _vocabulary(toks: Tokens) -> frozenset[str]:
    found = {w for w in toks.folded if w is not None}
    for kind, value in zip(toks.kinds, toks.values, strict=True):
        if kind == "n":
            found.add(f"<{value}>")
            found.add(str(value))
    return frozenset(found)


#: Context words that are not words: a figure ``#``, a name ``N``, the start and the end.
_PLACEHOLDERS = frozenset({"#", "N", "^", "$"})


def _placed(key: Key) -> bool:
    """A key places its value in the text only if one of its two context words is a word
    (between two other figures, "# #", a value could be anywhere in a table)."""
    return key[2] not in _PLACEHOLDERS or key[3] not in _PLACEHOLDERS


def extract(text: str, *, whole: bool = True, correction: bool = False) -> Slots:
    """The figures and names of ``text`` under their context keys, and its headline (see the
    module doc), from its first :data:`READ_CHARS` characters. ``whole=False``: the values
    alone (no headline, companies, vocabulary or occurrences), for comparing a few sentences
    (:mod:`dedupe.figures.sketch`). ``correction``: the document says it corrects another
    (:func:`dedupe.figures.corrections.is_correction` of its text as written)."""
    toks = Tokens(text[:READ_CHARS])
    seq = _sequence(toks)
    context = [item[0] for item in seq]
    padded = ["^", "^", *context, "$", "$"]
    found: dict[Key, list[Value]] = {}
    occurrences: list[tuple[str, Value, Key, Key]] = []
    figures = names = 0
    for k, (_, kind, value) in enumerate(seq):
        if kind is None or value is None:
            continue
        if kind == FIGURE:
            figures += 1
        else:
            names += 1
        p = k + 2
        left: Key = ("L", kind, padded[p - 2], padded[p - 1])
        right: Key = ("R", kind, padded[p + 1], padded[p + 2])
        found.setdefault(left, []).append(value)
        found.setdefault(right, []).append(value)
        occurrences.append((kind, value, left, right))
    values = {key: tuple(sorted(v)) for key, v in found.items() if _placed(key)}
    if not whole:
        return Slots(
            values,
            figures,
            names,
            all_figures=tuple(
                sorted({v for _, kind, v in seq if kind == FIGURE and v is not None})
            ),
            all_names=frozenset(v[1] for _, kind, v in seq if kind == NAME and v is not None),
        )
    headline, headline_names = _headline(toks)
    return Slots(
        values,
        figures,
        names,
        toks.companies,
        headline,
        _vocabulary(toks),
        correction,
        all_figures=tuple(sorted({v for _, kind, v in seq if kind == FIGURE and v is not None})),
        all_names=frozenset(v[1] for _, kind, v in seq if kind == NAME and v is not None),
        occurrences=tuple(occurrences),
        headline_names=headline_names,
    )
