"""A text's words as the ``figures`` veto compares them, by the compiled kernels of
:mod:`dedupe.kernels.compiled.words` (or their twins): the wrappers that give them their
tables."""

from __future__ import annotations

import numpy as np

from dedupe import kernels
from dedupe.kernels.charclass import word_classes
from dedupe.kernels.codepoints import casefold

#: The word hash: a polynomial in this odd base over the code points (modulo 2**64), its length
#: times ``LENGTH`` mixed in. ``SPREAD``: Fibonacci hashing's multiplier, a hash's slot in a
#: table of ``2**bits`` is the top ``bits`` of it times this. (One definition for the kernels
#: and their twins.)
BASE, LENGTH, SPREAD = 0x100000001B3, 0xFF51AFD7ED558CCD, 0x9E3779B97F4A7C15
#: A word's kinds (bits): it has a capital (it changes in lower case), it is a connector, it
#: holds a digit or "%", a run of its letters case-folded is a figure word, a spelling word.
CAPITAL, CONNECTOR, DIGIT, FIGURE, SPELLING = 1, 2, 4, 8, 16


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
    :data:`DIGIT`, :data:`FIGURE`, :data:`SPELLING` found together, and how many
    times each text writes its differing names (see the compiled ``differing``)."""
    fold = casefold()
    found: tuple[int, int, int] = kernels.backend().differing(
        a, b, word_classes(), fold.single, fold.starts, fold.multi, figure_words, spelling_words
    )
    return found
