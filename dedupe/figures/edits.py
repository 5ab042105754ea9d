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
from functools import cache

import numpy as np

from dedupe.figures import words as vocab
from dedupe.kernels import words as kernels

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


#: Words that make a figure with a number word, or are one: a spelled figure may differ only
#: where one of them does.
_SPELLING_WORDS = _NUMBER_WORDS | _AFTER_NUMBERS | _ORDINAL_WORDS | frozenset(vocab.ORDINAL_OF)


def _alternatives(words: frozenset[str]) -> str:
    """A pattern of these words, the longer tried first (``a|ab`` would never match "ab" in
    "abc"), as a prefix tree: ``re`` tries the branches of an alternation one by one at each
    position, so one branch per first letter costs a fraction of one per word. Of the words
    that match at one place each is a prefix of the longer ones, so trying the deeper branch of
    the tree first is trying the longer word first: the same matches."""
    tree: dict[str, dict] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # (a word ends here)

    def branches(node: dict[str, dict]) -> str:
        parts = [re.escape(char) + branches(child) for char, child in sorted(node.items()) if char]
        if not parts:
            return ""
        body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
        if "" not in node:
            return body
        return f"(?:{body})?" if len(parts) == 1 else body + "?"

    return branches(tree)


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


def _hashes(words: Iterable[str]) -> np.ndarray:
    """The sorted hashes of these words (each one word: a word with whitespace in it is no
    word of a text, nor a run of letters, and is left out)."""
    none = np.zeros(0, dtype=np.uint64)
    found = set()
    for word in words:
        if word.split() == [word]:
            found.add(int(kernels.word_table(word, none)[0][0]))
    return np.array(sorted(found), dtype=np.uint64)


@cache
def _vocabulary() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sorted hashes of the connectors as written (a word without a capital is a name
    when it is one), of :data:`_FIGURE_WORDS` and of :data:`_SPELLING_WORDS`."""
    return _hashes(vocab.CONNECTORS), _hashes(_FIGURE_WORDS), _hashes(_SPELLING_WORDS)


class Words:
    """A text's words as written (split at whitespace) as a table: each distinct word's
    hash, place, count and whether it is a name (has a capital, or is a connector as
    written), made in one compiled pass without a string per word (a document's
    hundreds of words made into strings and sets cost more than comparing two documents by
    their hashes); its spelled figures counted on first use.

    Each word once is enough: a figure or a name found anywhere in the other document is
    moved, not changed, for the full comparison too (:mod:`dedupe.figures.compare`).
    """

    __slots__ = ("_spelled", "_text", "names", "table")

    def __init__(self, text: str) -> None:
        self._text = text
        #: The table of :func:`dedupe.kernels.word_table` (hashes, places, counts, kinds, hash
        #: table, code points).
        self.table = kernels.word_table(text, _vocabulary()[0])
        counts, kinds = self.table[3], self.table[4]
        #: How many of its words have a capital, and how many are connectors as written.
        capital, connector = (kinds & kernels.CAPITAL) != 0, (kinds & kernels.CONNECTOR) != 0
        self.names = int(counts[capital].sum()) + int(counts[connector].sum())
        self._spelled: Counter[str] | None = None

    def spelled(self) -> Counter[str]:
        """The spelled figures ("two billion", "first quarter", "six-day"), counted."""
        if self._spelled is None:
            self._spelled = Counter(_SPELLED.findall(self._text.casefold()))
        return self._spelled


def same_figures(a: Words, b: Words, *, names: bool) -> bool:
    """Whether the words the two texts do not share make no figure (and, with ``names``,
    hold few names against those they share): then nothing can conflict (see the module
    doc)."""
    _, figures, spellings = _vocabulary()
    # (whether a differing word holds a digit or "%", a figure word or a word of a spelled
    # figure among its runs of letters case-folded, and how often the differing names, words
    # with a capital or connectors, are written)
    kinds, differing_a, differing_b = kernels.differing(a.table, b.table, figures, spellings)
    figure = bool(kinds & (kernels.DIGIT | kernels.FIGURE))
    spelling = bool(kinds & kernels.SPELLING)
    if figure or (spelling and a.spelled() != b.spelled()):
        return False
    if not names:
        return True
    if not differing_a and not differing_b:
        return True  # (no name differs: the names they share need not be counted)
    shared = a.names - differing_a
    return differing_a + differing_b <= NAMES_SHARE * shared
