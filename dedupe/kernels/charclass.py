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


def _build_lower() -> np.ndarray:
    return np.fromiter(
        (chr(cp).lower() != chr(cp) for cp in range(0x110000)), dtype=np.uint8, count=0x110000
    )


@cache
def spaces() -> np.ndarray:
    """uint8 per code point: 1 where ``str.isspace`` (what ``str.split()`` cuts at: ``\\s``)."""
    return (classes() == SPACE).astype(np.uint8)


@cache
def changes_in_lower() -> np.ndarray:
    """uint8 per code point: 1 where ``str.lower`` changes it (a word with one of these is not
    written in lower case)."""
    return cached_table("lower1", _build_lower)
