"""A cheap first look at a pair for the ``figures`` veto: most candidate pairs are copies whose
figures agree, and for them the full reading of both documents is not needed.

Two copies share most of their sentences; what one has and the other lacks is an added header
or footer, a dropped paragraph, a few edited words. A sentence found in both documents holds
the same figures under the same words in both, so a conflict (:mod:`dedupe.figures.compare`:
different values under the same context) needs a sentence of each that the other lacks: when
one document's sentences are all in the other (a teaser, a truncated copy), nothing conflicts;
otherwise only those sentences are read (:func:`dedupe.figures.extract.extract`) and compared,
every value found in them taken as not found elsewhere (so a value moved to a shared sentence
still counts as a conflict here: a conflict sends the pair to the full reading, never to a
veto). The headlines must not name different subjects either: the same first line, or each
word of one first line found in the other document, no ticker in either. When all of that
holds the pair agrees (score 1.0); otherwise :mod:`dedupe.default_plugins.figures` reads both
documents in full and scores them exactly.
"""

from __future__ import annotations

import re

from dedupe.figures import words as vocab
from dedupe.figures.compare import agreement
from dedupe.figures.extract import FIGURE, NAME, extract
from dedupe.figures.tokens import _stamp

__all__ = ["Sketch", "agree", "sketch"]

#: What ends a sentence: these followed by a space (cut there and at each line break).
_ENDS = (". ", "? ", "! ", "… ")
#: What copies retype, each mapped to one form ("«\xa0" and "“", "’" and "'", "—" and "-").
_RETYPED = (
    ("\xa0", ""),
    ("\u202f", ""),
    ("’", "'"),
    ("‘", "'"),
    ("“", '"'),
    ("”", '"'),
    ("«", '"'),
    ("»", '"'),
    ("„", '"'),
    ("—", "-"),
    ("–", "-"),
    ("…", "..."),
)
#: A sentence ends with these (what :mod:`dedupe.figures.tokens` takes for a boundary).
_CLOSES = frozenset('.!?…:;«»"“”')
_WORDS = re.compile(r"[^\W\d_]+")
#: Numbers with their separators ("1,914,388", "12-1/2") and words.
_TOKENS = re.compile(r"\d(?:[\d,./-]*\d)?|[^\W\d_]+")
#: Words that may carry a figure though written in lower case.
_VOCABULARY = frozenset(
    w.casefold()
    for w in (
        *vocab.NUMBER_WORDS,
        *vocab.ORDINAL_WORDS,
        *vocab.MONTHS,
        *vocab.WEEKDAYS,
        *vocab.SCALES,
    )
)


class Sketch:
    """A document's sentences and first line, as the first look compares them."""

    __slots__ = ("_folded", "_retyped", "head", "opens", "sentences", "text", "unique")

    def __init__(self, text: str) -> None:
        #: The text as the figures scorer reads it.
        self.text = text
        cut = text
        for stop in _ENDS:
            if stop in cut:
                cut = cut.replace(stop, stop[0] + "\n")
        #: Its sentences in order, and as a set.
        self.sentences = [s for s in map(str.strip, cut.split("\n")) if s]
        self.unique = frozenset(self.sentences)
        #: Whether each sentence opens one (the text's start, or after a sentence's end).
        self.opens = [True, *(s[-1] in _CLOSES for s in self.sentences[:-1])]
        #: Its first line, casefolded.
        first = text.lstrip()
        end = first.find("\n")
        self.head = (first if end < 0 else first[:end]).casefold()
        self._folded: str | None = None
        self._retyped: tuple[list[str], frozenset[str]] | None = None

    def folded(self) -> str:
        """The text casefolded (made on first use: when two first lines differ)."""
        if self._folded is None:
            self._folded = self.text.casefold()
        return self._folded

    def retyped(self) -> tuple[list[str], frozenset[str]]:
        """The sentences with quotes, apostrophes and dashes in one form each, and as a set
        (made on first use: most pairs share their sentences as written)."""
        if self._retyped is None:
            joined = "\x02".join(self.sentences)
            for old, new in _RETYPED:
                if old in joined:
                    joined = joined.replace(old, new)
            keys = joined.split("\x02")
            self._retyped = (keys, frozenset(keys))
        return self._retyped


def sketch(text: str) -> Sketch:
    """The sentences and first line of a text (see the module doc)."""
    return Sketch(text)


def _same_subject(a: Sketch, b: Sketch) -> bool:
    """Whether the two headlines cannot name different subjects: the same first line, or
    the words of one first line all found in the other text, no ticker in either."""
    if a.head == b.head:
        return True
    if "<" in a.head or "<" in b.head:
        return False
    return all(w in b.folded() for w in _WORDS.findall(a.head)) or all(
        w in a.folded() for w in _WORDS.findall(b.head)
    )


def _is_slot(token: str) -> bool:
    """Whether a token may carry a figure or a name: a number, a word with a capital, a
    number, calendar or scale word."""
    return token[0].isdigit() or not token.islower() or token in _VOCABULARY


def _differing(a: Sketch, b: Sketch) -> tuple[list[int], list[int]]:
    """The sentences of each document that the other lacks (as written, else retyped), by
    their numbers."""
    only_a = [k for k, s in enumerate(a.sentences) if s not in b.unique]
    only_b = [k for k, s in enumerate(b.sentences) if s not in a.unique]
    if not only_a or not only_b:
        return only_a, only_b
    keys_a, unique_a = a.retyped()
    keys_b, unique_b = b.retyped()
    only_a = [k for k in only_a if keys_a[k] not in unique_b]
    only_b = [k for k in only_b if keys_b[k] not in unique_a]
    return only_a, only_b


def _slots(doc: Sketch, numbers: list[int]) -> set[str]:
    """The slot tokens of these sentences; a sentence's first word is not one when it only
    has a capital for opening the sentence (as :mod:`dedupe.figures.extract` reads it)."""
    found: set[str] = set()
    for k in numbers:
        sentence = doc.sentences[k]
        tokens = _TOKENS.findall(sentence)
        if not tokens or _stamp(sentence):  # (extract leaves publication stamps out)
            continue
        first = tokens[0]
        if (
            doc.opens[k]
            and first[0].isupper()
            and (len(first) == 1 or first[1:].islower())
            and first.casefold() not in _VOCABULARY
            and (len(tokens) < 2 or not _is_slot(tokens[1]))
        ):
            tokens = tokens[1:]  # a capital for opening the sentence
        found.update(t for t in tokens if _is_slot(t))
    return found


def _conflict_free(a: Sketch, b: Sketch, names: bool) -> bool:
    only_a, only_b = _differing(a, b)
    if not only_a or not only_b:
        return True
    slots_a, slots_b = _slots(a, only_a), _slots(b, only_b)
    # a conflict is two values in the same context: one side without any has none, the
    # same values on both sides moved or stand in new contexts
    if not slots_a or not slots_b or slots_a == slots_b:
        return True
    text_a = "\n".join(a.sentences[k] for k in only_a)
    text_b = "\n".join(b.sentences[k] for k in only_b)
    counts = agreement(extract(text_a), extract(text_b))
    if counts["dates"][1] or counts[FIGURE][1]:
        return False
    return not (names and counts[NAME][1])


def agree(a: Sketch, b: Sketch, *, names: bool = True) -> bool:
    """Whether the two documents' figures (and, with ``names``, names and subjects) agree
    by their differing sentences alone; False means: read both in full."""
    if a.text == b.text:
        return True
    if names and not _same_subject(a, b):
        return False
    return _conflict_free(a, b, names)
