"""A text's words as the ``figures`` veto compares them, by the compiled kernels of
:mod:`dedupe.kernels.compiled.words` (or their twins): the wrappers that give them their
tables."""

from __future__ import annotations

import numpy as np

from dedupe import kernels
from dedupe.kernels.charclass import word_classes
from dedupe.kernels.codepoints import casefold


def word_table(
    text: str, connectors: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per distinct word of ``text`` (``str.split()``'s), in order of first occurrence: a
    64-bit hash, the character range of that occurrence, its count and kinds (a capital, one
    of the sorted hashes ``connectors``), a hash table of them (see the compiled
    ``word_table``); and the text's code points (for :func:`differing`)."""
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    result: tuple[np.ndarray, ...] = kernels.backend().word_table(cps, word_classes(), connectors)
    return (*result, cps)  # type: ignore[return-value]


def differing(
    a: tuple[np.ndarray, ...],
    b: tuple[np.ndarray, ...],
    figure_words: np.ndarray,
    spelling_words: np.ndarray,
) -> tuple[int, int, int]:
    """Of the words of each of two :func:`word_table` results that the other lacks: the kinds
    "a digit", "a figure word", "a spelling word" (4, 8, 16) found together, and how many
    times each text writes its differing names (see the compiled ``differing``)."""
    fold = casefold()
    found: tuple[int, int, int] = kernels.backend().differing(
        a, b, word_classes(), fold.single, fold.starts, fold.multi, figure_words, spelling_words
    )
    return found
