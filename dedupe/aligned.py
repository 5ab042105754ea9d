"""Aligned coverage: how much of the shorter text lies in passages aligned with the other, and
whether the names and figures inside them agree.

A reprint read by OCR twice differs from its source by a few characters in every line, so few
of its word n-grams and only some of its character n-grams survive; yet the two texts still
align, passage by passage, as passim and other text-reuse aligners find them. Here the texts are
compared with their whitespace removed (a broken or run-together word changes nothing): seeds
are character n-grams; seeds on one diagonal at consecutive positions form an exact run; runs
are claimed longest first (each character of the shorter text once); runs in order with a gap
of at most ``gap`` characters on both sides form one passage (an OCR error breaks a run, the
passage goes on over it); passages matching fewer than ``min_length`` characters are dropped
(stock phrases shared by unrelated texts; against a text shorter than twice that, half of it
is enough).

Two notices on one formula (a sale, a death, market prices) align just as well: they differ
only in slots, each a name, a place or a figure. A gap of at most ``slot`` characters on both
sides holding another figure (digits of numbers on both sides, not only digits OCR confuses)
or another name (names on both sides, more than half their characters different) is such a
slot: the passage goes on over it, the slot is not covered, and the figure or name counts as
differing. A name is a word with a capital and then small letters, not at the start of a
sentence (words in capitals are headings and display type, which OCR reads worst); a figure
is a word at least half digits, or a number written in words (one paper may spell out what
the other prints in digits: that is not another figure, and a gap holding one against the
other is covered and compares neither). A notice's address or signature comes last, with
nothing aligned after it: where both texts end (or begin) within two slots of the last
(first) kept passage, B's names and figures there are looked for in A's; two or more missing
make them differing (one alone is a reworded lead or a line of the next column). The score is
the share of the shorter text that the kept passages cover, times the share of its names and
figures compared that agree. A misread letter of a reprint changes less than half of a name;
editors reword sentences but keep names and figures; a notice on the same formula changes most
of its names and figures.

:mod:`dedupe.default_plugins.ocr` makes this the ``aligned`` scorer. The alignment itself is a
kernel (``kernels.aligned_scores``: :mod:`dedupe.kernels.reference.align` in Python, compiled
by numba from the same code in :mod:`dedupe.kernels.compiled.align`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import chain

import numpy as np

from dedupe import kernels

# The marks of names, figures and word starts above a character's code point bits.
from dedupe.kernels.align_codes import FIGURE, NAME, START

#: Seed length in characters: the shortest exact stretch that starts a run.
SEED = 4
#: Differing characters, on each side, that a passage goes on over (misread letters).
GAP = 12
#: A gap of at most this many characters on both sides holding another name or figure is a
#: slot of a formula: the passage goes on over it and the name or figure differs.
SLOT = 32
#: A passage matching fewer characters is not counted (common phrases).
MIN_LENGTH = 24
#: A seed found more often than this in the other text is not used (repeated syllables).
MAX_OCCURRENCES = 16
#: Texts shorter than this many characters are measured over this length (a title is not
#: "covered" by every article that repeats it), unless the other text is as short.
MIN_CHARS = 100

_WORD = re.compile(r"[^\W_]+")
#: What between two words starts a sentence (so the capital of the second says nothing).
_SENTENCE = re.compile(r"[.!?:;\u00ab\u00bb\u201c\u201d\"]|\s[-\u2013\u2014]|[-\u2013\u2014]\s")


#: Numbers written as words (English, French, German; not the articles "one", "un", "ein"):
#: figures too ("five cts" is not "17-1/2 cts").
_NUMBERS = """
two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred
thousand million billion
deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize vingt
trente quarante cinquante soixante cent cents mille million millions milliard milliards
zwei drei vier fünf sechs sieben acht neun zehn elf zwölf zwanzig hundert tausend
"""
NUMBER_WORDS = frozenset(_NUMBERS.split())


def _title(word: str) -> bool:
    return word[:1].isupper() and word[1:].islower()


def _words(text: str) -> tuple[str, list[int], list[int]]:
    """The letters and digits of the text lower-cased, its words' lengths, and what each word
    is: 1 a name, written with a capital and then small letters (words in capitals are
    headings and display type, which OCR reads worst), not at the start of a sentence ("M.",
    "Mr." and other short capitalised abbreviations end no sentence); 2 a number written in
    words (:data:`NUMBER_WORDS`); else 0."""
    words = _WORD.findall(text)
    if not words:
        return "", [], []
    between = _WORD.split(text)  # what precedes each word (and what follows the last)
    low = "".join(words).lower()
    lengths = list(map(len, words))
    kinds = list(map(_title, words))
    ends = list(map(_SENTENCE.search, between[1:-1]))
    for k in range(1, len(words)):
        if kinds[k] and ends[k - 1] is not None:
            # After "M." or "Mr." a name goes on; after another sentence end it starts one.
            previous = words[k - 1]
            kinds[k] = len(previous) <= 3 and previous[0].isupper() and between[k][:1] == "."
    kinds[0] = False
    out = list(map(int, kinds))
    lowered = [w.lower() for w in words]
    if not NUMBER_WORDS.isdisjoint(lowered):
        for k, word in enumerate(lowered):
            if word in NUMBER_WORDS:
                out[k] = 2
    return low, lengths, out


class Seeds:
    """Texts prepared for alignment, letters and digits only, lower-cased: their character
    codes (code points, :data:`NAME` or :data:`FIGURE` set on the characters of names and
    figures; CSR by ``starts``), the positional hashes of their seed n-grams (CSR by
    ``offsets``), and those sorted within each text with their positions."""

    @staticmethod
    def _marks(
        codes: np.ndarray, chars: np.ndarray, folded: list[tuple[str, list[int], list[int]]]
    ) -> np.ndarray:
        """:data:`NAME` on the letters of names, :data:`FIGURE` on the digits of figures (words
        at least half digits, as 1900 or 15th: a digit inside a word is a misread letter)."""
        lengths = np.fromiter(chain.from_iterable(ls for _, ls, _ in folded), np.int64)
        kinds = np.fromiter(chain.from_iterable(fs for _, _, fs in folded), np.int64, len(lengths))
        names = kinds == 1
        # Texts that lower-casing made longer or shorter get no marks.
        kept = np.fromiter((sum(ls) == len(low) for low, ls, _ in folded), bool, len(folded))
        per_text = np.fromiter((len(ls) for _, ls, _ in folded), np.int64, len(folded))
        word_kept = np.repeat(kept, per_text)
        marks = np.zeros(len(codes), dtype=np.int64)
        if not len(lengths) or not word_kept.any():
            return marks
        lengths = np.where(word_kept, lengths, 0)
        digit = (codes >= 48) & (codes <= 57)
        char_kept = np.repeat(kept, chars)
        digit &= char_kept
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        nonempty = lengths > 0
        digits = np.zeros(len(lengths), dtype=np.int64)
        if nonempty.any():
            at = starts[nonempty]
            digits[nonempty] = np.add.reduceat(digit[char_kept].astype(np.int64), at)
        figure = (digits > 0) & (2 * digits >= lengths)
        spelled = kinds == 2
        word_mark = np.where(figure, FIGURE, np.where(names, NAME, 0))
        word_mark = np.where(spelled & ~figure, FIGURE, word_mark)
        inside = np.repeat(word_mark, lengths)
        # The digits of a figure written with digits; every letter of one written in words.
        digit_figure = np.repeat(figure, lengths)
        inside = np.where(digit_figure & ~digit[char_kept], 0, inside)
        inside[starts[nonempty]] |= START
        marks[char_kept] = inside
        return marks

    def __init__(self, texts: Sequence[str], n: int = SEED) -> None:
        folded = [_words(t) for t in texts]
        squeezed = [low for low, _, _ in folded]
        self.n = n
        chars = np.fromiter(map(len, squeezed), np.int64, len(squeezed))
        self.starts = np.zeros(len(squeezed) + 1, dtype=np.int64)
        np.cumsum(chars, out=self.starts[1:])
        codes = np.frombuffer(
            "".join(squeezed).encode("utf-32-le", "surrogatepass"), np.uint32
        ).astype(np.int64)
        self.codes = codes | self._marks(codes, chars, folded)
        hashes, offsets = kernels.char_hashes(squeezed, n)
        # A text shorter than n has one seed (itself), which cannot start a run: none.
        short = chars < n
        if short.any():
            hashes = hashes[np.repeat(~short, np.diff(offsets))]
            sizes = np.where(short, 0, np.diff(offsets))
            offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
            np.cumsum(sizes, out=offsets[1:])
        self.hashes = np.ascontiguousarray(hashes, dtype=np.uint32)
        self.offsets = offsets
        sizes = np.diff(offsets)
        doc = np.repeat(np.arange(len(squeezed), dtype=np.uint64), sizes)
        position = np.arange(len(hashes), dtype=np.int64) - np.repeat(offsets[:-1], sizes)
        # By text, then by hash; a stable sort keeps positions in order within a hash.
        key = (doc << np.uint64(32)) | self.hashes.astype(np.uint64)
        order = np.argsort(key, kind="stable")
        self.sorted_hashes = self.hashes[order]
        self.positions = position[order]


def scores(
    seeds: Seeds,
    pairs: np.ndarray,
    *,
    gap: int = GAP,
    slot: int = SLOT,
    min_length: int = MIN_LENGTH,
    max_occurrences: int = MAX_OCCURRENCES,
    floor: int = MIN_CHARS,
) -> np.ndarray:
    """The aligned score of each pair of texts (rows of ``pairs`` index the texts of
    ``seeds``), in [0, 1]: the share of the shorter text inside passages aligned with the
    other, times the share of its names and figures there that agree (see the module
    docstring)."""
    pairs = np.ascontiguousarray(np.asarray(pairs, dtype=np.int64).reshape(-1, 2))
    if len(pairs) == 0:
        return np.zeros(0, dtype=np.float64)
    return kernels.aligned_scores(
        seeds.hashes,
        seeds.offsets,
        seeds.sorted_hashes,
        seeds.positions,
        seeds.codes,
        seeds.starts,
        pairs,
        seeds.n,
        gap,
        slot,
        min_length,
        max_occurrences,
        floor,
    )


def text_score(a: str, b: str, **options: int) -> float:
    """The aligned score of two texts (see :func:`scores`)."""
    return float(scores(Seeds([a, b]), np.array([[0, 1]]), **options)[0])
