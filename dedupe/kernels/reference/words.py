"""Reference twins of :mod:`dedupe.kernels.compiled.words`, in Python (same values)."""

from __future__ import annotations

import numpy as np

from dedupe.kernels.charclass import W_DIGIT as _DIGIT
from dedupe.kernels.charclass import W_LETTER as _LETTER
from dedupe.kernels.charclass import W_SPACE as _SPACE
from dedupe.kernels.charclass import W_UPPER as _UPPER
from dedupe.kernels.words import BASE as _BASE
from dedupe.kernels.words import CAPITAL, CONNECTOR, DIGIT, FIGURE, SPELLING
from dedupe.kernels.words import LENGTH as _LENGTH
from dedupe.kernels.words import SPREAD as _SPREAD

_MASK = (1 << 64) - 1


def _hash(cps: list[int]) -> int:
    h, power = 0, 1
    for cp in cps:
        h = (h + cp * power) & _MASK
        power = (power * _BASE) & _MASK
    return h ^ ((len(cps) * _LENGTH) & _MASK)


def _kinds(
    word: list[int],
    classes: np.ndarray,
    fold: tuple[np.ndarray, np.ndarray, np.ndarray],
    figure_words: set[int],
    spelling_words: set[int],
) -> int:
    single, starts, multi = fold
    kinds = DIGIT if any(classes[cp] & _DIGIT for cp in word) else 0
    folded: list[int] = []
    for cp in word:
        image = int(single[cp])
        if image >= 0:
            folded.append(image)
        else:
            folded += multi[starts[-image - 1] : starts[-image]].tolist()
    run: list[int] = []
    for f in [*folded, -1]:
        if f >= 0 and classes[f] & _LETTER:
            run.append(f)
            continue
        if run:
            h = _hash(run)
            kinds |= (FIGURE if h in figure_words else 0) | (SPELLING if h in spelling_words else 0)
        run = []
    return kinds


def word_table(
    cps: np.ndarray, classes: np.ndarray, connectors: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """See the compiled ``word_table``."""
    points = cps.tolist()
    words: list[tuple[int, int]] = []
    i = 0
    while i < len(points):
        if classes[points[i]] & _SPACE:
            i += 1
            continue
        s = i
        while i < len(points) and not classes[points[i]] & _SPACE:
            i += 1
        words.append((s, i))
    number: dict[int, int] = {}
    rows: list[list[int]] = []  # hash, start, end, count, kinds
    joined = set(connectors.tolist())
    for s, e in words:
        h = _hash(points[s:e])
        if h in number:
            rows[number[h]][3] += 1
            continue
        number[h] = len(rows)
        kinds = CAPITAL if any(classes[cp] & _UPPER for cp in points[s:e]) else 0
        kinds |= CONNECTOR if h in joined else 0
        rows.append([h, s, e, 1, kinds])
    size = 16
    while size < 2 * len(words):
        size *= 2
    slots = np.full(size, -1, dtype=np.int64)
    shift = 64 - (size.bit_length() - 1)
    for k, row in enumerate(rows):
        slot = ((row[0] * _SPREAD) & _MASK) >> shift
        while slots[slot] >= 0:
            slot = (slot + 1) & (size - 1)
        slots[slot] = k
    columns = list(zip(*rows, strict=True)) if rows else [(), (), (), (), ()]
    return (
        np.array(columns[0], dtype=np.uint64),
        np.array(columns[1], dtype=np.int64),
        np.array(columns[2], dtype=np.int64),
        np.array(columns[3], dtype=np.int64),
        np.array(columns[4], dtype=np.uint8),
        slots,
    )


def differing(
    a: tuple[np.ndarray, ...],
    b: tuple[np.ndarray, ...],
    classes: np.ndarray,
    single: np.ndarray,
    starts: np.ndarray,
    multi: np.ndarray,
    figure_words: np.ndarray,
    spelling_words: np.ndarray,
) -> tuple[int, int, int]:
    """See the compiled ``differing``."""
    figures, spellings = set(figure_words.tolist()), set(spelling_words.tolist())

    def side(x: tuple[np.ndarray, ...], other: np.ndarray) -> tuple[int, int]:
        hashes, begins, ends, counts, kinds, _, cps = x
        present = set(other.tolist())
        points = cps.tolist()
        found = named = 0
        for i, h in enumerate(hashes.tolist()):
            if h in present:
                continue
            if kinds[i] & (CAPITAL | CONNECTOR):
                named += int(counts[i])
            if not found & (DIGIT | FIGURE):
                word = points[int(begins[i]) : int(ends[i])]
                found |= _kinds(word, classes, (single, starts, multi), figures, spellings)
        return found, named

    kinds_a, named_a = side(a, b[0])
    kinds_b, named_b = side(b, a[0])
    return kinds_a | kinds_b, named_a, named_b
