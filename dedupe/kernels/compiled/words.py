"""A text's words (runs of non-whitespace, as ``str.split()`` cuts them) as a table: each
distinct word's hash, first place, count and kinds, and a hash table of them. The ``figures``
veto compares two documents' words by these (:mod:`dedupe.figures.edits`) instead of sets of
strings: a document's ~600 words made into Python strings cost more than the comparisons."""

from __future__ import annotations

import numpy as np
from numba import njit

from dedupe.kernels import words as _words
from dedupe.kernels.charclass import W_DIGIT as _DIGIT
from dedupe.kernels.charclass import W_LETTER as _LETTER
from dedupe.kernels.charclass import W_SPACE as _SPACE
from dedupe.kernels.charclass import W_UPPER as _UPPER
from dedupe.kernels.words import CAPITAL, CONNECTOR, DIGIT, FIGURE, SPELLING

_BASE, _LENGTH, _SPREAD = (np.uint64(c) for c in (_words.BASE, _words.LENGTH, _words.SPREAD))


@njit(cache=True, nogil=True)
def _shift(size):
    """What a hash times :data:`_SPREAD` is shifted right by for its slot of ``size`` (a
    power of two)."""
    bits = 0
    while (1 << bits) < size:
        bits += 1
    return np.uint64(64 - bits)


@njit(cache=True, nogil=True)
def _probe(h, hashes, slots, shift):
    """The slot of the table ``hashes``/``slots`` that holds the hash ``h``, or the empty
    one where it would go (linear probing)."""
    size = slots.shape[0]
    slot = np.int64((h * _SPREAD) >> shift)
    while slots[slot] >= 0 and hashes[slots[slot]] != h:
        slot = (slot + 1) & (size - 1)
    return slot


@njit(cache=True, nogil=True)
def _has(values, h):
    at = np.searchsorted(values, h)
    return at < values.shape[0] and values[at] == h


@njit(cache=True, nogil=True)
def _run_kinds(h, n, figure_words, spelling_words):
    """The kinds of a run of ``n`` case-folded letters of hash ``h`` (before the length)."""
    if n == 0:
        return 0
    h ^= np.uint64(n) * _LENGTH
    kinds = 0
    if _has(figure_words, h):
        kinds |= FIGURE
    if _has(spelling_words, h):
        kinds |= SPELLING
    return kinds


@njit(cache=True, nogil=True)
def _folded(f, h, power, n, kinds, classes, figure_words, spelling_words):
    """One case-folded code point ``f`` read into the run of letters (hash ``h``, next
    ``power``, ``n`` letters), or ending it; the run and the word's kinds after it."""
    if classes[f] & _LETTER:
        return h + np.uint64(f) * power, power * _BASE, n + 1, kinds
    kinds |= _run_kinds(h, n, figure_words, spelling_words)
    return np.uint64(0), np.uint64(1), 0, kinds


@njit(cache=True, nogil=True)
def _word_kinds(cps, s, e, classes, single, starts, multi, figure_words, spelling_words):
    """:data:`DIGIT`, :data:`FIGURE` and :data:`SPELLING` of the word ``cps[s:e]``."""
    kinds = 0
    h = np.uint64(0)
    power = np.uint64(1)
    n = 0
    for i in range(s, e):
        cp = cps[i]
        if classes[cp] & _DIGIT:
            kinds |= DIGIT
        image = single[cp]
        if image >= 0:
            h, power, n, kinds = _folded(
                np.int64(image), h, power, n, kinds, classes, figure_words, spelling_words
            )
        else:
            for t in range(starts[-image - 1], starts[-image]):
                h, power, n, kinds = _folded(
                    np.int64(multi[t]),
                    h,
                    power,
                    n,
                    kinds,
                    classes,
                    figure_words,
                    spelling_words,
                )
    return kinds | _run_kinds(h, n, figure_words, spelling_words)


@njit(cache=True, nogil=True)
def word_table(cps, classes, connectors):
    """Per distinct word of the code points ``cps``, in order of first occurrence: its hash,
    the character range of that occurrence, its count and kinds (:data:`CAPITAL`: a code
    point ``str.lower`` changes; :data:`CONNECTOR`: its hash is in ``connectors``, sorted);
    and the open-addressing table of their numbers by hash (``slots``, -1 for none, a power
    of two at least twice the number of words). ``classes``:
    :func:`dedupe.kernels.charclass.word_classes`."""
    n = cps.shape[0]
    cap = n // 2 + 1
    hashes = np.empty(cap, dtype=np.uint64)
    begins = np.empty(cap, dtype=np.int64)
    ends = np.empty(cap, dtype=np.int64)
    capital = np.zeros(cap, dtype=np.bool_)
    k = 0
    i = 0
    while i < n:
        if classes[cps[i]] & _SPACE:
            i += 1
            continue
        s = i
        h = np.uint64(0)
        power = np.uint64(1)
        upper = False
        while i < n and not classes[cps[i]] & _SPACE:
            h += np.uint64(cps[i]) * power
            power *= _BASE
            if classes[cps[i]] & _UPPER:
                upper = True
            i += 1
        hashes[k] = h ^ (np.uint64(i - s) * _LENGTH)
        begins[k] = s
        ends[k] = i
        capital[k] = upper
        k += 1
    size = 16
    while size < 2 * k:
        size *= 2
    slots = np.full(size, -1, dtype=np.int64)
    shift = _shift(size)
    u_hashes = np.empty(k, dtype=np.uint64)
    u_begins = np.empty(k, dtype=np.int64)
    u_ends = np.empty(k, dtype=np.int64)
    counts = np.zeros(k, dtype=np.int64)
    kinds = np.zeros(k, dtype=np.uint8)
    out = 0
    for t in range(k):
        h = hashes[t]
        slot = _probe(h, u_hashes, slots, shift)
        if slots[slot] < 0:
            slots[slot] = out
            u_hashes[out] = h
            u_begins[out] = begins[t]
            u_ends[out] = ends[t]
            kind = CAPITAL if capital[t] else 0
            if _has(connectors, h):
                kind |= CONNECTOR
            kinds[out] = kind
            out += 1
        counts[slots[slot]] += 1
    return u_hashes[:out], u_begins[:out], u_ends[:out], counts[:out], kinds[:out], slots


@njit(cache=True, nogil=True)
def _side(x, y_hashes, y_slots, classes, single, starts, multi, figure_words, spelling_words):
    """The kinds found in the words of ``x`` (a ``word_table`` and its code points) that the
    other table lacks, and how many times those that are names are written."""
    hashes, begins, ends, counts, kinds, _, cps = x
    shift = _shift(y_slots.shape[0])
    found = 0
    named = 0
    for i in range(hashes.shape[0]):
        if y_slots[_probe(hashes[i], y_hashes, y_slots, shift)] >= 0:
            continue  # (the other text has it)
        if kinds[i] & (CAPITAL | CONNECTOR):
            named += counts[i]
        if not found & (DIGIT | FIGURE):  # (else the answer is known: a figure differs)
            found |= _word_kinds(
                cps,
                begins[i],
                ends[i],
                classes,
                single,
                starts,
                multi,
                figure_words,
                spelling_words,
            )
    return found, named


@njit(cache=True, nogil=True)
def differing(a, b, classes, single, starts, multi, figure_words, spelling_words):
    """What the words of each of two texts that the other lacks hold (``a``, ``b``: their
    ``word_table`` with their code points, a tuple): the kinds :data:`DIGIT`,
    :data:`FIGURE` and :data:`SPELLING` found together (a digit or "%" as written, a run of
    letters case-folded by ``single``/``starts``/``multi`` whose hash is in
    ``figure_words``/``spelling_words``, sorted; once a digit or a figure word is found the
    others are not looked for), and for each text how many times its differing names
    (:data:`CAPITAL` or :data:`CONNECTOR`) are written."""
    kinds_a, named_a = _side(
        a, b[0], b[5], classes, single, starts, multi, figure_words, spelling_words
    )
    kinds_b, named_b = _side(
        b, a[0], a[5], classes, single, starts, multi, figure_words, spelling_words
    )
    return kinds_a | kinds_b, named_a, named_b
