"""The words two texts do not share, for the ``figures`` veto's first look: copies edited
throughout (a word changed in most sentences, the text reflowed) have no sentence left in
common, yet their figures and names are the same.

A figure or a name that differs between two documents is written differently in one of them:
a number, a percentage, a month, a weekday or a scale word ("mln") among the words one text
has and the other lacks, or a spelled figure ("two billion", "six pct", "first quarter",
"six-day") counted differently. When none of the words the two texts do not share (counted as
written, whitespace aside: a reflowed text is the same text) makes a figure, no figure or date
can conflict. Names are capitalised words or are joined by connectors ("Bank of England"):
when the differing words hold few of them against those both texts hold (at most one in
:data:`NAMES_SHARE`), the names cannot conflict in the share that vetoes a pair either.
Otherwise the sentences are compared, then the documents read in full
(:mod:`dedupe.figures.sketch`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from dedupe.figures import words as vocab

__all__ = ["NAMES_SHARE", "Words", "same_figures"]

#: Differing words with a capital may be at most this share of the capitalised words the two
#: texts share: a name conflict needs a differing name, and a pair is vetoed from 3 conflicts
#: in 10 compared values.
NAMES_SHARE = 0.1

#: Words that are a figure by themselves: months (not "may", "mars": words too), weekdays,
#: scales.
_FIGURE_WORDS = (
    frozenset(w.casefold() for w in (*vocab.MONTHS, *vocab.WEEKDAYS)) - vocab.AMBIGUOUS_MONTHS
) | frozenset(vocab.SCALES)
_NUMBER_WORDS = frozenset(vocab.NUMBER_WORDS)
_AFTER_NUMBERS = vocab.UNITS | frozenset(vocab.SCALES)
_ORDINAL_WORDS = frozenset(vocab.ORDINAL_WORDS)
_LETTERS = re.compile(r"[^\W\d_]+")
_DIGITS = re.compile(r"[\d%]")


#: Words that make a figure with a number word, or are one: a spelled figure may differ only
#: where one of them does.
_SPELLING_WORDS = _NUMBER_WORDS | _AFTER_NUMBERS | _ORDINAL_WORDS | frozenset(vocab.ORDINAL_OF)


def _figure_words(differing: Iterable[str]) -> tuple[bool, bool]:
    """Whether any of these words as written holds a number, a percentage or a figure word;
    and, when none does, whether any holds a word of a spelled figure ("two", "billion",
    "pct"; False when one holds a number, where :func:`same_figures` does not ask). The
    words (split at whitespace) are read joined by spaces: one search, one fold, one split
    of their letters for all (the same runs of letters as word by word)."""
    joined = " ".join(differing)
    if _DIGITS.search(joined):
        return True, False
    letters = set(_LETTERS.findall(joined.casefold()))
    return not _FIGURE_WORDS.isdisjoint(letters), not _SPELLING_WORDS.isdisjoint(letters)


def _name(word: str) -> bool:
    """Whether a word as written has a capital or is a connector of names ("of", "de")."""
    lower = word.lower()
    return word != lower or lower in vocab.CONNECTORS


def _alternatives(words: frozenset[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


#: A spelled figure in a casefolded text: a number word before a unit or scale ("two
#: billion", "six pct", "trois ans", "seventy-five pct"), an ordinal before what it counts
#: ("first quarter"), a
#: number word opening a hyphenated measure ("six-day").
_SPELLED = re.compile(
    rf"(?<![^\W\d_])(?:(?:{_alternatives(_NUMBER_WORDS)})(?:-[^\W\d_]+)*[^\w-]+"
    rf"(?:{_alternatives(_AFTER_NUMBERS)})"
    rf"|(?:{_alternatives(_ORDINAL_WORDS)})[^\w-]+(?:{_alternatives(frozenset(vocab.ORDINAL_OF))})"
    rf"|(?:{_alternatives(_NUMBER_WORDS)})-[^\W\d_]+)(?![^\W\d_])"
)


class Words:
    """A text's words as written (split at whitespace), and, made on first use (when words
    with a capital differ), the words counted and how many of them have a capital or are
    connectors; its spelled figures counted on first use too.

    Each word once is enough: a figure or a name found anywhere in the other document is
    moved, not changed, for the full comparison too (:mod:`dedupe.figures.compare`).
    """

    __slots__ = ("_counted", "_names", "_spelled", "_text", "_words", "written")

    def __init__(self, text: str) -> None:
        self._text = text
        self._words = text.split()  # (kept for the counts: most pairs never ask for them)
        self.written = frozenset(self._words)
        self._counted: Counter[str] | None = None
        self._names: int | None = None
        self._spelled: Counter[str] | None = None

    @property
    def counted(self) -> Counter[str]:
        """How many times each word is written."""
        if self._counted is None:
            self._counted = Counter(self._words)
        return self._counted

    @property
    def names(self) -> int:
        """How many of its words have a capital or are connectors (:func:`_name`)."""
        if self._names is None:
            written = self._words
            # :func:`_name` of each word, counted with map over C functions (a word has a
            # capital when it differs from itself in lower case)
            capitals = len(written) - sum(map(str.__eq__, written, self._text.lower().split()))
            self._names = capitals + sum(map(vocab.CONNECTORS.__contains__, written))
        return self._names

    def spelled(self) -> Counter[str]:
        """The spelled figures ("two billion", "first quarter", "six-day"), counted."""
        if self._spelled is None:
            self._spelled = Counter(_SPELLED.findall(self._text.casefold()))
        return self._spelled


def same_figures(a: Words, b: Words, *, names: bool) -> bool:
    """Whether the words the two texts do not share make no figure (and, with ``names``,
    hold few names against those they share): then nothing can conflict (see the module
    doc)."""
    only_a, only_b = a.written - b.written, b.written - a.written
    differing = only_a | only_b
    figure, spelling = _figure_words(differing)
    if figure or (spelling and a.spelled() != b.spelled()):
        return False
    if not names:
        return True
    named_a, named_b = [w for w in only_a if _name(w)], [w for w in only_b if _name(w)]
    if not named_a and not named_b:
        return True  # (no name differs: the names they share need not be counted)
    differing_a = sum(a.counted[w] for w in named_a)
    differing_b = sum(b.counted[w] for w in named_b)
    shared = a.names - differing_a
    return differing_a + differing_b <= NAMES_SHARE * shared
