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
veto). Copies edited throughout share no sentence: for them the words the two texts do not
share are looked at first (:mod:`dedupe.figures.edits`). The headlines must not name
different subjects either: the same first line, or each word of one first line found in the
other document, no ticker in either. When all of that holds the pair agrees (score 1.0);
otherwise :mod:`dedupe.default_plugins.figures` reads both documents in full and scores them
exactly.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import MutableMapping

from dedupe.figures import words as vocab
from dedupe.figures.compare import agreement
from dedupe.figures.edits import Words, same_figures
from dedupe.figures.extract import (
    FIGURE,
    HEADLINE_WORDS,
    NAME,
    Slots,
    beyond_headline,
    extract,
)
from dedupe.figures.tokens import _stamp

__all__ = ["Sketch", "agree", "sketch"]

#: What ends a sentence: these followed by a space (cut there and at each line break).
_ENDS = (". ", "? ", "! ", "… ")
#: What copies retype, each mapped to one form ("«\xa0" and "“", "’" and "'", "—" and "-").
_RETYPED = (
    (" ", ""),
    ("\t", ""),
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
#: The words of a context key as :mod:`dedupe.figures.tokens` reads them ("u.s", "l'original").
_CONTEXT_WORDS = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_](?![^\W\d_])|[^\W\d_]+(?:['-][^\W\d_]+)*")
#: What a key holds for a figure, a name, the start and the end.
_PLACEHOLDERS = frozenset({"#", "N", "^", "$"})
#: Words taken from the sentences around a differing one (a key has two words each side).
_AROUND = 3
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

    __slots__ = (
        "_cut_lines",
        "_folded",
        "_head_words",
        "_long_head",
        "_opens",
        "_retyped",
        "_words",
        "head",
        "sentences",
        "text",
        "unique",
    )

    def __init__(self, text: str) -> None:
        #: The text as the figures scorer reads it.
        self.text = text
        # (its lines cut at sentence ends, kept for :attr:`opens`: the stripped sentences
        # are mostly these very strings)
        self._cut_lines = _cut(text).split("\n")
        #: Its sentences in order, and as a set.
        self.sentences = [s for s in map(str.strip, self._cut_lines) if s]
        self.unique = frozenset(self.sentences)
        #: Its first line, casefolded.
        first = text.lstrip()
        end = first.find("\n")
        self.head = (first if end < 0 else first[:end]).casefold()
        self._head_words: list[str] | None = None
        self._opens: list[bool] | None = None
        self._folded: str | None = None
        self._long_head: bool | None = None
        self._words: Words | None = None
        self._retyped: tuple[list[str], frozenset[str]] | None = None

    @property
    def head_words(self) -> list[str]:
        """The runs of letters of the first line (made on first use: when two first lines
        differ)."""
        if self._head_words is None:
            self._head_words = _WORDS.findall(self.head)
        return self._head_words

    @property
    def opens(self) -> list[bool]:
        """Whether each sentence opens one as :mod:`dedupe.figures.tokens` reads it: at the
        start, after a sentence's end, a blank line or an indented line (made on first use:
        when the sentences that differ are read)."""
        if self._opens is None:
            opens: list[bool] = []
            after = True
            for line in self._cut_lines:
                sentence = line.strip()
                if not sentence:
                    after = True
                    continue
                opens.append(after or len(line) - len(line.lstrip(" \t")) >= 2)
                after = sentence[-1] in _CLOSES
            self._opens = opens
        return self._opens

    def folded(self) -> str:
        """The text casefolded (made on first use: when two first lines differ)."""
        if self._folded is None:
            self._folded = self.text.casefold()
        return self._folded

    def words(self) -> Words:
        """Its words counted (made on first use: when sentences differ)."""
        if self._words is None:
            self._words = Words(self.text)
        return self._words

    def long_head(self) -> bool:
        """Whether the first line is too long to be read as a headline (made on first use:
        when two first lines differ)."""
        if self._long_head is None:
            # (each word of a reading holds a run of letters: few runs, no long line; the
            # runs are counted only as far as needed, a text on one line has hundreds)
            runs = itertools.islice(_WORDS.finditer(self.head), HEADLINE_WORDS + 1)
            long = sum(1 for _ in runs) > HEADLINE_WORDS
            self._long_head = long and beyond_headline(self.text)
        return self._long_head

    def retyped(self) -> tuple[list[str], frozenset[str]]:
        """The sentences with quotes, apostrophes and dashes in one form each, and as a set
        (made on first use: most pairs share their sentences as written)."""
        if self._retyped is None:
            joined = "\x02".join(self.sentences)
            for old, new in _RETYPED:
                joined = joined.replace(old, new)  # (the same string when there is none)
            keys = joined.split("\x02")
            self._retyped = (keys, frozenset(keys))
        return self._retyped


def _cut(text: str) -> str:
    """The text with a line break after each sentence's end (:data:`_ENDS`)."""
    for stop in _ENDS:
        text = text.replace(stop, stop[0] + "\n")  # (the same string when there is none)
    return text


def sketch(text: str) -> Sketch:
    """The sentences and first line of a text (see the module doc)."""
    return Sketch(text)


def _same_subject(a: Sketch, b: Sketch) -> bool:
    """Whether the two headlines cannot name different subjects: the same first line, or
    the words of one first line all found in the other text, no ticker in either, or one
    first line too long to be a headline (a text on one line: the full reading finds no
    headline there either)."""
    if a.head == b.head:
        return True
    if "<" in a.head or "<" in b.head:
        return False
    if a.long_head() or b.long_head():
        return True  # (first: a long first line's words are many to look up)
    folded = b.folded()
    if all(w in folded for w in a.head_words):
        return True
    folded = a.folded()
    return all(w in folded for w in b.head_words)


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


#: Differing sentences holding more than this share of each document's characters (most of
#: them: notices of one template) are read with the whole documents: reading them would cost
#: most of what the whole costs, and a whole document is read once for all its pairs.
_DENSE = 0.5


def _dense(doc: Sketch, numbers: list[int]) -> bool:
    """Whether these sentences hold more than :data:`_DENSE` of the document's text."""
    sentences = doc.sentences
    differing = sum(len(sentences[k]) for k in numbers)
    return differing > _DENSE * sum(map(len, sentences))


def _slots(doc: Sketch, numbers: list[int]) -> set[str]:
    """The slot tokens of these sentences; a sentence's first word is not one when it only
    has a capital for opening the sentence (as :mod:`dedupe.figures.extract` reads it)."""
    found: set[str] = set()
    sentences, opens = doc.sentences, doc.opens
    for k in numbers:
        sentence = sentences[k]
        if _stamp(sentence):  # (extract leaves publication stamps out)
            continue
        tokens = _TOKENS.findall(sentence)
        if not tokens:
            continue
        first = tokens[0]
        if (
            opens[k]
            and first[0].isupper()
            and (len(first) == 1 or first[1:].islower())
            and first.casefold() not in _VOCABULARY
            and (len(tokens) < 2 or not _is_slot(tokens[1]))
        ):
            found.update(itertools.islice(tokens, 1, None))  # a capital for opening it
        else:
            found.update(tokens)
    return _slot_tokens(found)


def _slot_tokens(tokens: set[str]) -> set[str]:
    """The tokens that :func:`_is_slot` takes, tested as a set (a few set operations in C
    instead of a call per token: the differing sentences of edited copies hold thousands)."""
    lowered = set(filter(str.islower, tokens))
    found = (tokens - lowered) | (lowered & _VOCABULARY)
    # (a letter of a run may be a digit that is no decimal, "²": such a run opens with it)
    if lowered and not "".join(lowered).isalpha():
        found.update(t for t in lowered if t[0].isdigit())
    return found


def _unmatched(slots: set[str], other: set[str], doc: Sketch, numbers: list[int]) -> bool:
    """Whether a slot token is missing from the other side's, not even as a word written
    in lower case in its sentences (a capital added or dropped makes a word a name or not a
    name, in one document only: no value to compare)."""
    missing = slots - other
    if not missing:
        return False
    words = set(_TOKENS.findall("\n".join(doc.sentences[k] for k in numbers).casefold()))
    return any(t.casefold() not in words for t in missing)


def _could_share(slots: Slots, text: str) -> bool:
    """Whether ``text`` may hold a figure or a name under one of the context keys of
    ``slots``: the key's two words stand side by side in it (or its one word, the other a
    figure, a name or an end)."""
    words = _CONTEXT_WORDS.findall(text.casefold().replace("’", "'").replace("%", " pct "))
    single = set(words)
    pairs = set(itertools.pairwise(words))
    for key in slots.values:
        first, second = key[2], key[3]
        if first in _PLACEHOLDERS:
            if second in _PLACEHOLDERS or second in single:
                return True
        elif second in _PLACEHOLDERS:
            if first in single:
                return True
        elif (first, second) in pairs:
            return True
    return False


def _text(doc: Sketch, numbers: list[int]) -> str:
    """These sentences as one text, with the last words of the sentence before each and the
    first words of the sentence after (the words around a figure may come from there; a
    sentence between two of them whole); each sentence that opens one after a blank line,
    so it is read as opening one."""
    sentences, opens = doc.sentences, doc.opens
    chosen = set(numbers)
    around = {j for k in numbers for j in (k - 1, k + 1) if 0 <= j < len(sentences)} - chosen
    parts = []
    for k in sorted(chosen | around):
        sentence = sentences[k]
        if k in around and not (k - 1 in chosen and k + 1 in chosen):
            words = sentence.split()
            sentence = " ".join(words[:_AROUND] if k - 1 in chosen else words[-_AROUND:])
        parts.append(("\n\n" if opens[k] else "\n") + sentence)
    return "".join(parts)


def _read(text: str, read: MutableMapping[str, Slots] | None) -> Slots:
    """The values of a few sentences, kept in ``read`` by their text when given."""
    if read is None:
        return extract(text, whole=False)
    found = read.get(text)
    if found is None:
        found = read[text] = extract(text, whole=False)
    return found


def _conflict_free(
    a: Sketch, b: Sketch, names: bool, read: MutableMapping[str, Slots] | None
) -> bool:
    only_a, only_b = _differing(a, b)
    if not only_a or not only_b:
        return True
    if same_figures(a.words(), b.words(), names=names):
        return True  # no differing word makes a figure (copies edited throughout)
    if _dense(a, only_a) and _dense(b, only_b):
        return False  # much differs (notices of one template, edits throughout): read in full
    slots_a, slots_b = _slots(a, only_a), _slots(b, only_b)
    # a conflict is two values in the same context: one side without any has none, the
    # same values on both sides moved or stand in new contexts
    if not slots_a or not slots_b:
        return True
    if not _unmatched(slots_a, slots_b, b, only_b) and not _unmatched(slots_b, slots_a, a, only_a):
        return True
    text_a, text_b = _text(a, only_a), _text(b, only_b)
    if len(text_a) > len(text_b):
        text_a, text_b = text_b, text_a
    small = _read(text_a, read)  # the shorter side first: a header, a footer
    if not _could_share(small, text_b):
        return True
    counts = agreement(small, _read(text_b, read))
    if counts["dates"][1] or counts[FIGURE][1]:
        return False
    return not (names and counts[NAME][1])


def agree(
    a: Sketch, b: Sketch, *, names: bool = True, read: MutableMapping[str, Slots] | None = None
) -> bool:
    """Whether the two documents' figures (and, with ``names``, names and subjects) agree
    by the words and sentences they do not share; False means: read both in full. ``read`` keeps the
    values of differing sentences by their text across calls (the answer is the same)."""
    if a.text == b.text:
        return True
    if names and not _same_subject(a, b):
        return False
    return _conflict_free(a, b, names, read)
