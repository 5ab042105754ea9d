"""Character classes of every code point as Python's own ``re`` sees them (``\\w``, ``\\s``,
``_``), so compiled normalisers split text exactly where the regex versions do; combining
marks (which ``\\w`` leaves out, though a Devanagari vowel sign or a Thai tone mark is part of
its word) are a class of their own.

Built once per Unicode version (a quarter of a second) and cached on disk when possible.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import numpy as np

from dedupe.kernels.tablecache import cached_table

OTHER, WORD, SPACE, UNDERSCORE, MARK = 0, 1, 2, 3, 4

#: Bumped whenever the classes change (names the table cached on disk).
VERSION = 2


def _build() -> np.ndarray:
    everything = "".join(map(chr, range(0x110000)))
    classes = np.zeros(0x110000, dtype=np.uint8)
    for m in re.finditer(r"\w+", everything):
        classes[m.start() : m.end()] = WORD
    for m in re.finditer(r"\s+", everything):
        classes[m.start() : m.end()] = SPACE
    classes[ord("_")] = UNDERSCORE
    for cp in np.flatnonzero(classes == OTHER).tolist():
        if unicodedata.category(chr(cp))[0] == "M":
            classes[cp] = MARK
    return classes


@cache
def classes() -> np.ndarray:
    """uint8 class per code point: 0 other, 1 word, 2 space, 3 underscore, 4 combining mark."""
    return cached_table(f"charclass{VERSION}", _build)


#: Bits of :func:`word_classes`: ``str.isspace``; changed by ``str.lower``; a decimal digit
#: (``\\d``) or "%"; a letter (``[^\\W\\d_]``).
W_SPACE, W_UPPER, W_DIGIT, W_LETTER = 1, 2, 4, 8


def _build_word_classes() -> np.ndarray:
    table = np.where(classes() == SPACE, W_SPACE, 0).astype(np.uint8)
    decimal = np.fromiter(
        (chr(cp).isdecimal() for cp in range(0x110000)), dtype=bool, count=0x110000
    )
    lower = np.fromiter(
        (chr(cp).lower() != chr(cp) for cp in range(0x110000)), dtype=bool, count=0x110000
    )
    table[lower] |= W_UPPER
    table[decimal] |= W_DIGIT
    table[ord("%")] |= W_DIGIT
    table[(classes() == WORD) & ~decimal] |= W_LETTER
    return table


@cache
def word_classes() -> np.ndarray:
    """uint8 bits per code point for reading words as ``str.split()`` cuts them and as the
    figures veto looks at them (:data:`W_SPACE`, :data:`W_UPPER`, :data:`W_DIGIT`,
    :data:`W_LETTER`)."""
    return cached_table("wordclass1", _build_word_classes)
