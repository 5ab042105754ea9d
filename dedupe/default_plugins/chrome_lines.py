"""The lines of a batch that can be chrome, found by a byte kernel, so that ``chrome``'s rules
(regular expressions, in :mod:`dedupe.default_plugins.chrome`) run on those lines only.

Most lines of a page are its text: every short line paid a first-word match, a case fold and
three substring tests, and every document a search for a CJK or Arabic character. The kernel
(:func:`dedupe.kernels.chrome_candidates`) reads the batch's UTF-8 bytes once and keeps a
superset of the lines any rule can drop or trim (the first word of a rule, and its second
for the first words of prose such as "La" or "De": ``chrome.SECOND_WORDS``; a leading digit
or "©", "ts reserv" of "all rights reserved", a title's site separator or a breadcrumb among
the first lines, an editorial note); a document with none is returned as it is. A document holding a
character of the scripts with their own rules (Chinese, Japanese, Arabic, Hebrew), or one that
a case-insensitive rule matches where the case fold differs (a multi-letter fold such as "ß",
the dotless "ı"), goes to :func:`~dedupe.default_plugins.chrome.strip_chrome` whole. The
output is ``strip_chrome``'s, text for text.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np

from dedupe import kernels
from dedupe.default_plugins.chrome_scripts import _SCRIPT_CHAR
from dedupe.kernels.tablecache import cached_table

#: Words whose editorial notes may be longer than a short line (see ``chrome._NOTE``).
NOTE_WORDS = ("correction", "clarification", "editor", "rectificatif", "erratum")
#: Lines with "all rights reserved" are at most this long (see ``chrome._chrome_kind``).
RESERVED_LINE = 120
_M64 = (1 << 64) - 1
#: Mixes a first word's hash into a pair's (the kernel's ``_MIX``).
_MIX = 0x9E3779B97F4A7C15


def word_hash(word: str) -> int:
    """FNV-1a (64 bits) over the code points of a case-folded word, as the kernel hashes a
    line's first word."""
    h = 0xCBF29CE484222325
    for c in word:
        h = ((h ^ ord(c)) * 0x100000001B3) & _M64
    return h


#: Bumped whenever the kinds change (names the table cached on disk).
VERSION = 1


def _build_kinds() -> np.ndarray:
    from dedupe.kernels.charclass import SPACE, classes
    from dedupe.kernels.codepoints import SIZE, casefold

    everything = "".join(map(chr, range(SIZE)))
    kind = np.zeros(SIZE, dtype=np.uint8)
    for m in re.finditer(r"[^\W\d_]+", everything):
        kind[m.start() : m.end()] = 1
    kind[classes() == SPACE] = 2
    for m in _SCRIPT_CHAR.finditer(everything):
        kind[m.start()] = 4
    kind[casefold().single < 0] = 4
    kind[ord("ı")] = 4  # IGNORECASE matches it to "i", its fold does not
    return kind


@cache
def kinds() -> np.ndarray:
    r"""Per code point: 1 a letter of a first word (``[^\W\d_]``), 2 whitespace, 4 its
    document goes whole to ``strip_chrome`` (a character of the scripts with their own rules,
    a multi-letter case fold, the dotless "ı" that IGNORECASE matches to "i"), else 0. Built
    once per Unicode version (a tenth of a second) and cached on disk when possible."""
    return cached_table(f"chrome-kinds{VERSION}", _build_kinds)


def pair_hash(first: str, second: str) -> int:
    """A first word and the second word after it, as the kernel hashes the pair."""
    return ((word_hash(first) * _MIX) & _M64) ^ word_hash(second)


@cache
def tables(
    first_words: tuple[str, ...], second_words: tuple[tuple[str, tuple[str, ...]], ...] = ()
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int, np.ndarray, np.ndarray]:
    """The kernel's tables: :func:`kinds`; the one-code-point case fold of each code point
    (-1 for a multi-letter one); the sorted hashes of the rules' ``first_words`` and of the
    note words; the longest first word; the sorted hashes of the first words that the rules
    follow with one space and one of a few words (``second_words``: each such first word
    with those words), and of those pairs."""
    from dedupe.kernels.codepoints import casefold

    fold = casefold().single.copy()
    fold[fold < 0] = -1
    keys = [k for k in first_words if k != "#"]
    key_hashes = np.array(sorted({word_hash(k) for k in keys}), dtype=np.uint64)
    note_hashes = np.array(sorted({word_hash(k) for k in NOTE_WORDS}), dtype=np.uint64)
    needy = np.array(sorted({word_hash(w) for w, _ in second_words}), dtype=np.uint64)
    pairs = sorted({pair_hash(w, s) for w, seconds in second_words for s in seconds})
    return (
        kinds(),
        fold,
        key_hashes,
        note_hashes,
        max(map(len, keys)),
        needy,
        np.array(pairs, dtype=np.uint64),
    )


def candidates(
    texts: list[str],
    first_words: tuple[str, ...],
    short: int,
    second_words: tuple[tuple[str, tuple[str, ...]], ...] = (),
) -> tuple[np.ndarray, list[int], list[int], list[int]]:
    """Per text whether it goes whole to ``strip_chrome``; else the numbers of its lines that
    can be chrome (at most ``short`` characters and starting with one of ``first_words``, and
    for those of ``second_words``, one space and one of its words; or one of the other cases
    of :func:`dedupe.kernels.chrome_candidates`) and the number of non-blank lines before
    each, by text (``bounds[d]:bounds[d + 1]``)."""
    # (remembered: the byte normalisers after chrome encode the texts it leaves as they were)
    buf, offsets = kernels.encode_batch(texts, remember=True)
    full, lines, before, bounds = kernels.chrome_candidates(
        buf, offsets, tables(first_words, second_words), short, RESERVED_LINE
    )
    return full, lines.tolist(), before.tolist(), bounds.tolist()
