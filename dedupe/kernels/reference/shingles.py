"""Reference shingle kernels, twins of :mod:`dedupe.kernels.compiled.shingles`: the same names,
signatures and values, computed from the decoded texts by the string definitions of
:mod:`dedupe.kernels.reference.strings`."""

from __future__ import annotations

import numpy as np
import xxhash

from dedupe.kernels.reference import strings
from dedupe.kernels.reference.utf8 import decode


def xxh32(buf: np.ndarray, start: int, length: int) -> int:
    """xxh32 (seed 0) of ``length`` bytes of ``buf`` from ``start``."""
    return int(xxhash.xxh32_intdigest(np.asarray(buf[start : start + length]).tobytes()))


def word_hashes(buf: np.ndarray, doc_offsets: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """xxh32 of every word n-gram of each document of the encoded batch."""
    return strings.word_hashes(decode(buf, doc_offsets), n)


def char_hashes(buf: np.ndarray, doc_offsets: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """xxh32 of every character n-gram of each document of the encoded batch."""
    return strings.char_hashes(decode(buf, doc_offsets), n)


def auto_hashes(
    buf: np.ndarray, doc_offsets: np.ndarray, n: int, classes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """xxh32 of every ``auto`` n-gram of each document (``classes``: the token classes the
    compiled kernel reads; here :func:`strings.auto_tokens` finds the same tokens)."""
    return strings.auto_hashes(decode(buf, doc_offsets), n)


def has_character_tokens(buf: np.ndarray, classes: np.ndarray, lowest_lead: int) -> bool:
    """Whether the buffer holds a character that is a token of its own (class 2), looking at
    the characters whose UTF-8 lead byte is ``lowest_lead`` or more."""
    lowest = _lowest_code_point(lowest_lead)
    text = np.asarray(buf, dtype=np.uint8).tobytes().decode("utf-8", "surrogatepass")
    return any(ord(c) >= lowest and classes[ord(c)] == 2 for c in text)


def _lowest_code_point(lead: int) -> int:
    """The smallest code point whose UTF-8 form begins with ``lead`` or a larger byte."""
    if lead < 0xC0:
        return 0x80
    if lead < 0xE0:
        return (lead & 0x1F) << 6
    if lead < 0xF0:
        return (lead & 0x0F) << 12
    return (lead & 0x07) << 18
