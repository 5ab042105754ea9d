"""Shingles as strings, and their hashes from texts: the definition the kernels are held to.

Every function works on a whole batch. Texts are shingled exactly as a user of datasketch
would do it by hand: ``text.split()`` for words, ``text[i:i+n]`` for characters, each shingle
encoded as UTF-8 and hashed with ``xxhash.xxh32_intdigest``; the ``auto`` unit's tokens are
found with one regular expression (:func:`auto_tokens`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from itertools import pairwise

import numpy as np
import xxhash


def _punctuation() -> re.Pattern[str]:
    from dedupe.kernels.charclass import MARK, classes

    return re.compile(r"[^\w\s" + _char_class(classes(), MARK) + r"]+|_+")


def word_shingles(text: str, n: int) -> list[str]:
    """Word n-grams of ``text.split()`` joined by one space; a text shorter than ``n`` words
    gives one shingle of all its words, an empty text none."""
    words = text.split()
    if not words:
        return []
    if len(words) <= n:
        return [" ".join(words)]
    return [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]


def char_shingles(text: str, n: int) -> list[str]:
    """Character n-grams (by code point); a text shorter than ``n`` gives itself."""
    if not text:
        return []
    if len(text) <= n:
        return [text]
    return [text[i : i + n] for i in range(len(text) - n + 1)]


def _char_class(table: np.ndarray, value: int) -> str:
    """A regex character-class body for the code points where ``table == value``."""
    hits = np.flatnonzero(table == value)
    if len(hits) == 0:
        return ""
    breaks = np.flatnonzero(np.diff(hits) != 1)
    firsts = np.concatenate([hits[:1], hits[breaks + 1]]).tolist()
    lasts = np.concatenate([hits[breaks], hits[-1:]]).tolist()
    return "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in zip(firsts, lasts, strict=True))


@cache
def _token_pattern() -> re.Pattern[str]:
    from dedupe.kernels.scripts import CHARACTER, MARK, SPACE, token_classes

    table = token_classes()
    character = _char_class(table, CHARACTER)
    mark = _char_class(table, MARK)
    space = _char_class(table, SPACE)
    return re.compile(f"(?P<c>[{character}][{mark}]*)|[^{space}{character}]+")


def auto_tokens(text: str) -> list[tuple[str, bool]]:
    """The ``auto`` unit's tokens of ``text``, each with whether it is a character token.

    A character of a script written without spaces, or of Arabic, Hebrew or Syriac (see
    :mod:`dedupe.kernels.scripts`), with the combining marks after it, is a token of its own;
    any other run of non-space characters is a word, as ``str.split()`` would cut it.
    """
    return [(m.group(), m.lastgroup == "c") for m in _token_pattern().finditer(text)]


def auto_shingles(text: str, n: int) -> list[str]:
    """N-grams of :func:`auto_tokens`: words joined by one space, character tokens joined to
    each other directly ("東京 2020年" has tokens 東, 京, 2020, 年 and is the 4-gram
    ``"東京 2020 年"``). Fewer than ``n`` tokens give one shingle, none none."""
    tokens = auto_tokens(text)
    if not tokens:
        return []
    joined = [tokens[0][0]]
    for (_, before), (token, now) in pairwise(tokens):
        joined.append(token if before and now else " " + token)
    if len(tokens) <= n:
        return ["".join(joined)]
    return [tokens[i][0] + "".join(joined[i + 1 : i + n]) for i in range(len(tokens) - n + 1)]


#: What the ``punctuation`` normaliser replaces with one space: runs of characters that are
#: neither word characters, nor spaces, nor combining marks (``[^\w\s]+`` but for the marks),
#: and runs of underscores.
PUNCTUATION = _punctuation()


def encode(shingle: str) -> bytes:
    """UTF-8 bytes of a shingle; lone surrogates (possible in JSON input) pass through."""
    return shingle.encode("utf-8", "surrogatepass")


def _hash_batch(shingle_lists: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
    counts = np.fromiter((len(s) for s in shingle_lists), dtype=np.int64, count=len(shingle_lists))
    offsets = np.zeros(len(shingle_lists) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    h = xxhash.xxh32_intdigest
    hashes = np.fromiter(
        (h(encode(s)) for shingles in shingle_lists for s in shingles),
        dtype=np.uint32,
        count=int(offsets[-1]),
    )
    return hashes, offsets


def word_hashes(texts: Sequence[str], n: int) -> tuple[np.ndarray, np.ndarray]:
    """xxh32 of every word n-gram of every text: (hashes, offsets) in CSR layout."""
    return _hash_batch([word_shingles(t, n) for t in texts])


def char_hashes(texts: Sequence[str], n: int) -> tuple[np.ndarray, np.ndarray]:
    """xxh32 of every character n-gram of every text: (hashes, offsets) in CSR layout."""
    return _hash_batch([char_shingles(t, n) for t in texts])


def auto_hashes(texts: Sequence[str], n: int) -> tuple[np.ndarray, np.ndarray]:
    """xxh32 of every ``auto`` n-gram (:func:`auto_shingles`) of every text, CSR layout."""
    return _hash_batch([auto_shingles(t, n) for t in texts])
