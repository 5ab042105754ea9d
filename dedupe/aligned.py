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
the other prints in digits: that is not another figure). The score is the share of the
shorter text that the kept passages cover, times the share of its names and figures inside
them that agree. A misread letter of a reprint changes less than half of a name; editors
reword sentences but keep names and figures; a notice on the same formula changes most of
its names and figures.

:mod:`dedupe.default_plugins.ocr` makes this the ``aligned`` scorer. The same Python code runs
compiled by numba when the compiled kernels are in use (identical values), else as Python.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import chain

import numpy as np

from dedupe import kernels

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

#: The code point bits of a character code; the bits above them mark a letter of a name and a
#: digit of a figure.
CODE = 0x1FFFFF
NAME = 0x200000
FIGURE = 0x400000
#: Marks the first character of every word (words are compared one by one).
START = 0x800000


def _edit_distance(ca, a0, a1, cb, b0, b1):
    """Levenshtein distance of ``ca[a0:a1]`` and ``cb[b0:b1]`` (short strings: a gap)."""
    nb = b1 - b0
    prev = np.arange(nb + 1, dtype=np.int64)
    cur = np.empty(nb + 1, dtype=np.int64)
    for i in range(1, a1 - a0 + 1):
        cur[0] = i
        x = ca[a0 + i - 1] & CODE
        for j in range(1, nb + 1):
            best = prev[j - 1] + (0 if x == (cb[b0 + j - 1] & CODE) else 1)
            if prev[j] + 1 < best:
                best = prev[j] + 1
            if cur[j - 1] + 1 < best:
                best = cur[j - 1] + 1
            cur[j] = best
        for j in range(nb + 1):
            prev[j] = cur[j]
    return prev[nb]


def _misread_figure(ca, a0, a1, cb, b0, b1):
    """Whether two gaps of one length differ only where one holds a digit OCR takes for the
    other (3 and 8, 6 and 8, 5 and 6, 0 and 8, 0 and 6, 0 and 9, 1 and 7, 3 and 5, 8 and 9)."""
    if a1 - a0 != b1 - b0:
        return False
    for k in range(a1 - a0):
        x = ca[a0 + k] & CODE
        y = cb[b0 + k] & CODE
        if x == y:
            continue
        if not (48 <= x <= 57 and 48 <= y <= 57):
            return False
        lo = min(x, y) - 48
        hi = max(x, y) - 48
        pair = lo * 10 + hi
        if not (
            pair == 38
            or pair == 68
            or pair == 56
            or pair == 8
            or pair == 6
            or pair == 9
            or pair == 17
            or pair == 35
            or pair == 89
        ):
            return False
    return True


def _slot(ca, a0, a1, cb, b0, b1):
    """Whether the gap ``ca[a0:a1]`` / ``cb[b0:b1]`` between two aligned pieces holds another
    figure (digits of figures on both sides, not only misread) or another name (letters of
    names on both sides, three or more characters each, differing in more than half of them)."""
    if a1 == a0 or b1 == b0:
        return False
    digit_a = False
    spelled_a = False
    name_a = False
    for i in range(a0, a1):
        if ca[i] & FIGURE:
            c = ca[i] & CODE
            digit_a = digit_a or 48 <= c <= 57
            spelled_a = spelled_a or not 48 <= c <= 57
        name_a = name_a or (ca[i] & NAME) != 0
    digit_b = False
    spelled_b = False
    name_b = False
    for i in range(b0, b1):
        if cb[i] & FIGURE:
            c = cb[i] & CODE
            digit_b = digit_b or 48 <= c <= 57
            spelled_b = spelled_b or not 48 <= c <= 57
        name_b = name_b or (cb[i] & NAME) != 0
    # Figures in digits on both sides, or in words on both sides (one paper may spell out
    # what the other prints in digits: that is no other figure).
    if digit_a and digit_b:
        return not _misread_figure(ca, a0, a1, cb, b0, b1)
    if spelled_a and spelled_b:
        return 2 * _edit_distance(ca, a0, a1, cb, b0, b1) > max(a1 - a0, b1 - b0)
    if not (name_a and name_b) or a1 - a0 < 3 or b1 - b0 < 3:
        return False
    return 2 * _edit_distance(ca, a0, a1, cb, b0, b1) > max(a1 - a0, b1 - b0)


def _pieces(ha, pa, hb, n, nb, max_occ):
    """Exact runs of shared seeds claimed longest first, each character of B once: arrays
    ``(a0, b0, length)`` of the pieces (in characters) and their number."""
    m = len(hb)
    pa0 = np.empty(nb + 1, dtype=np.int64)
    pb0 = np.empty(nb + 1, dtype=np.int64)
    plen = np.empty(nb + 1, dtype=np.int64)
    if m == 0 or len(ha) == 0:
        return pa0, pb0, plen, 0
    lo = np.searchsorted(ha, hb, side="left")
    hi = np.searchsorted(ha, hb, side="right")
    total = 0
    for j in range(m):
        if hi[j] - lo[j] <= max_occ:
            total += hi[j] - lo[j]
    mi = np.empty(total, dtype=np.int64)
    mj = np.empty(total, dtype=np.int64)
    k = 0
    for j in range(m):
        if hi[j] - lo[j] <= max_occ:
            for q in range(lo[j], hi[j]):
                mi[k] = pa[q]
                mj[k] = j
                k += 1
    # Exact runs: consecutive seeds on one diagonal.
    diag = mi - mj
    order = np.argsort(diag * np.int64(m + 1) + mj, kind="mergesort")
    ra = np.empty(total, dtype=np.int64)
    rb = np.empty(total, dtype=np.int64)
    rl = np.empty(total, dtype=np.int64)
    runs = 0
    for t in range(total):
        s = order[t]
        if (
            runs > 0
            and diag[s] == ra[runs - 1] - rb[runs - 1]
            and mj[s] == rb[runs - 1] + rl[runs - 1]
        ):
            rl[runs - 1] += 1
        else:
            ra[runs] = mi[s]
            rb[runs] = mj[s]
            rl[runs] = 1
            runs += 1
    # Claim runs longest first; a run overlapping those taken keeps its free stretches.
    lengths = rl[:runs] + (n - 1)
    claim = np.argsort(-lengths * np.int64(m + 1) + rb[:runs], kind="mergesort")
    taken = np.zeros(nb + 1, dtype=np.bool_)
    pieces = 0
    for t in range(runs):
        r = claim[t]
        start = -1
        for x in range(lengths[r] + 1):
            if x < lengths[r] and not taken[rb[r] + x]:
                if start < 0:
                    start = x
            elif start >= 0:
                pa0[pieces] = ra[r] + start
                pb0[pieces] = rb[r] + start
                plen[pieces] = x - start
                pieces += 1
                for y in range(start, x):
                    taken[rb[r] + y] = True
                start = -1
    return pa0, pb0, plen, pieces


def _score(ha, pa, hb, ca, cb, n, gap, slot, min_length, max_occ):
    """Covered characters of B (code points ``cb``, positional seed hashes ``hb``) in
    passages aligned with A (code points ``ca``; seed hashes sorted, ``ha``, at positions
    ``pa``), and the names and figures of B in those passages that agree and that differ."""
    nb = len(cb)
    pa0, pb0, plen, pieces = _pieces(ha, pa, hb, n, nb, max_occ)
    # Chain the pieces in B order (no two start at one character of B): a piece continues
    # the nearest open passage ending within ``slot`` characters on both sides, over a gap of
    # at most ``gap`` that is not a slot, or over a slot (then remembered).
    border = np.argsort(pb0[:pieces], kind="mergesort")
    sa1 = np.empty(pieces, dtype=np.int64)
    sb0 = np.empty(pieces, dtype=np.int64)
    sb1 = np.empty(pieces, dtype=np.int64)
    matched = np.empty(pieces, dtype=np.int64)
    open_ = np.empty(pieces, dtype=np.int64)
    slot_of = np.empty(pieces, dtype=np.int64)
    slot_b0 = np.empty(pieces, dtype=np.int64)
    slot_b1 = np.empty(pieces, dtype=np.int64)
    owner = np.empty(pieces, dtype=np.int64)
    passages = 0
    slots = 0
    n_open = 0
    for t in range(pieces):
        p = border[t]
        a0 = pa0[p]
        b0 = pb0[p]
        best = -1
        best_cost = np.int64(1 << 62)
        keep = 0
        for u in range(n_open):
            q = open_[u]
            if b0 - sb1[q] > slot:
                continue
            open_[keep] = q
            keep += 1
            da = a0 - sa1[q]
            db = b0 - sb1[q]
            if 0 <= da <= slot and db <= slot and da + db < best_cost:
                best_cost = da + db
                best = q
        n_open = keep
        join = False
        if best >= 0:
            if _slot(ca, sa1[best], a0, cb, sb1[best], b0):
                slot_of[slots] = best
                slot_b0[slots] = sb1[best]
                slot_b1[slots] = b0
                slots += 1
                join = True
            else:
                join = a0 - sa1[best] <= gap and b0 - sb1[best] <= gap
        if join:
            sa1[best] = a0 + plen[p]
            sb1[best] = b0 + plen[p]
            matched[best] += plen[p]
            owner[p] = best
        else:
            owner[p] = passages
            sb0[passages] = b0
            sa1[passages] = a0 + plen[p]
            sb1[passages] = b0 + plen[p]
            matched[passages] = plen[p]
            open_[n_open] = passages
            n_open += 1
            passages += 1
    # What the kept passages cover, less their slots (0: not covered, 1: inside a passage,
    # 2: in a slot, 3: in an exact piece of a passage).
    state = np.zeros(nb, dtype=np.int8)
    for q in range(passages):
        if matched[q] >= min_length:
            state[sb0[q] : sb1[q]] = 1
    for p in range(pieces):
        if matched[owner[p]] >= min_length:
            state[pb0[p] : pb0[p] + plen[p]] = 3
    for s in range(slots):
        if matched[slot_of[s]] >= min_length:
            state[slot_b0[s] : slot_b1[s]] = 2
    covered = 0
    for i in range(nb):
        if state[i] == 1 or state[i] == 3:
            covered += 1
    # B's names and figures, word by word: one in a slot differs; one outside the kept
    # passages is not compared (a cut or a line lost); one inside agrees when at least half of
    # it lies in exact pieces, else it differs (read as something else than A's).
    agree = 0
    differ = 0
    i = 0
    while i < nb:
        kind = cb[i] & (NAME | FIGURE)
        if kind == 0:
            i += 1
            continue
        j = i + 1
        while j < nb and (cb[j] & (NAME | FIGURE)) == kind and (cb[j] & START) == 0:
            j += 1
        exact = 0
        slotted = False
        outside = False
        for x in range(i, j):
            exact += state[x] == 3
            slotted = slotted or state[x] == 2
            outside = outside or state[x] == 0
        if slotted:
            differ += 1
        elif outside:
            pass
        elif 2 * exact >= j - i:
            agree += 1
        else:
            differ += 1
        i = j
    return covered, agree, differ


def _score_pairs(
    hashes,
    offsets,
    sorted_hashes,
    positions,
    codes,
    starts,
    pairs,
    n,
    gap,
    slot,
    min_length,
    max_occ,
    floor,
):
    """The score of each pair (see the module docstring), the shorter text as B; a tie of
    lengths takes the larger of both ways."""
    out = np.zeros(len(pairs), dtype=np.float64)
    for k in range(len(pairs)):
        x = pairs[k, 0]
        y = pairs[k, 1]
        nx = starts[x + 1] - starts[x]
        ny = starts[y + 1] - starts[y]
        if nx > ny:
            x, y = y, x
            nx, ny = ny, nx
        if nx == 0 or nx < n:
            # Too short to seed anything: a copy only if the very same.
            same = nx == ny
            for i in range(nx):
                same = same and (codes[starts[x] + i] & CODE) == (codes[starts[y] + i] & CODE)
            out[k] = 1.0 if same else 0.0
            continue
        # Against a text shorter than twice ``min_length``, half of it makes a passage.
        shortest = max(n, min(min_length, nx // 2))
        best = 0.0
        for turn in range(2 if nx == ny and x != y else 1):
            b, a = (x, y) if turn == 0 else (y, x)
            covered, agree, differ = _score(
                sorted_hashes[offsets[a] : offsets[a + 1]],
                positions[offsets[a] : offsets[a + 1]],
                hashes[offsets[b] : offsets[b + 1]],
                codes[starts[a] : starts[a + 1]],
                codes[starts[b] : starts[b + 1]],
                n,
                gap,
                slot,
                shortest,
                max_occ,
            )
            # A short text counts over ``floor`` characters (or the other text's length).
            value = covered / max(nx, min(floor, ny))
            if differ > 0:
                value *= agree / (agree + differ)
            best = max(best, min(1.0, value))
        out[k] = best
    return out


if kernels.BACKEND == "compiled":
    from numba import njit

    _edit_distance = njit(cache=True, nogil=True)(_edit_distance)
    _misread_figure = njit(cache=True, nogil=True)(_misread_figure)
    _slot = njit(cache=True, nogil=True)(_slot)
    _pieces = njit(cache=True, nogil=True)(_pieces)
    _score = njit(cache=True, nogil=True)(_score)
    _score_pairs = njit(cache=True, nogil=True)(_score_pairs)


_WORD = re.compile(r"[^\W_]+")
#: What between two words starts a sentence (so the capital of the second says nothing).
_SENTENCE = re.compile(r"[.!?:;\u00ab\u00bb\u201c\u201d\"]|\s[-\u2013\u2014]|[-\u2013\u2014]\s")


#: Numbers written as words (English, French, German; not the articles "one", "un", "ein"):
#: figures too ("five cts" is not "17-1/2 cts").
_NUMBERS = """
two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty sixty
seventy eighty ninety hundred thousand million billion
deux trois quatre cinq sept huit neuf dix onze douze vingt trente quarante cinquante soixante
cent cents mille million millions milliard milliards
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
    result: np.ndarray = _score_pairs(
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
    return result


def text_score(a: str, b: str, **options: int) -> float:
    """The aligned score of two texts (see :func:`scores`)."""
    return float(scores(Seeds([a, b]), np.array([[0, 1]]), **options)[0])
