"""Compiled shingle kernels: the hashes of every word, character or ``auto`` n-gram of a batch.

The word kernel splits UTF-8 bytes exactly where ``str.split()`` splits (the 29 code points
for which ``str.isspace()`` is true), builds each n-gram joined by one space and hashes it with
xxh32, so no Python string is ever made per word or per shingle. Each kernel has a reference
twin of the same signature in :mod:`dedupe.kernels.reference.shingles`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from dedupe.kernels.compiled.loads import _load32
from dedupe.kernels.compiled.utf8 import _decode

_P1 = np.uint64(2654435761)
_P2 = np.uint64(2246822519)
_P3 = np.uint64(3266489917)
_P4 = np.uint64(668265263)
_P5 = np.uint64(374761393)
_M32 = np.uint64(0xFFFFFFFF)


@njit(inline="always", cache=True)
def _rotl(x, r):
    return ((x << np.uint64(r)) | (x >> np.uint64(32 - r))) & _M32


@njit(inline="always", cache=True)
def _read32(buf, p):
    return (
        np.uint64(buf[p])
        | (np.uint64(buf[p + 1]) << np.uint64(8))
        | (np.uint64(buf[p + 2]) << np.uint64(16))
        | (np.uint64(buf[p + 3]) << np.uint64(24))
    )


@njit(cache=True, nogil=True)
def xxh32(buf, start, length):
    """xxHash32 (seed 0) of ``buf[start:start+length]``, equal to ``xxhash.xxh32_intdigest``."""
    p = start
    end = start + length
    if length >= 16:
        v1 = (_P1 + _P2) & _M32
        v2 = _P2
        v3 = np.uint64(0)
        v4 = (np.uint64(0x100000000) - _P1) & _M32
        limit = end - 16
        while p <= limit:
            v1 = (_rotl((v1 + _read32(buf, p) * _P2) & _M32, 13) * _P1) & _M32
            v2 = (_rotl((v2 + _read32(buf, p + 4) * _P2) & _M32, 13) * _P1) & _M32
            v3 = (_rotl((v3 + _read32(buf, p + 8) * _P2) & _M32, 13) * _P1) & _M32
            v4 = (_rotl((v4 + _read32(buf, p + 12) * _P2) & _M32, 13) * _P1) & _M32
            p += 16
        h = (_rotl(v1, 1) + _rotl(v2, 7) + _rotl(v3, 12) + _rotl(v4, 18)) & _M32
    else:
        h = _P5
    h = (h + np.uint64(length)) & _M32
    while p + 4 <= end:
        h = (h + _read32(buf, p) * _P3) & _M32
        h = (_rotl(h, 17) * _P4) & _M32
        p += 4
    while p < end:
        h = (h + np.uint64(buf[p]) * _P5) & _M32
        h = (_rotl(h, 11) * _P1) & _M32
        p += 1
    h ^= h >> np.uint64(15)
    h = (h * _P2) & _M32
    h ^= h >> np.uint64(13)
    h = (h * _P3) & _M32
    h ^= h >> np.uint64(16)
    return np.uint32(h)


@njit(inline="always", cache=True)
def _xxh32_at(buf, start, length):
    """:func:`xxh32`, each 4-byte lane read with one unaligned load
    (:mod:`dedupe.kernels.compiled.loads`) instead of four byte loads."""
    p = start
    end = start + length
    if length >= 16:
        v1 = (_P1 + _P2) & _M32
        v2 = _P2
        v3 = np.uint64(0)
        v4 = (np.uint64(0x100000000) - _P1) & _M32
        limit = end - 16
        while p <= limit:
            v1 = (_rotl((v1 + np.uint64(_load32(buf, p)) * _P2) & _M32, 13) * _P1) & _M32
            v2 = (_rotl((v2 + np.uint64(_load32(buf, p + 4)) * _P2) & _M32, 13) * _P1) & _M32
            v3 = (_rotl((v3 + np.uint64(_load32(buf, p + 8)) * _P2) & _M32, 13) * _P1) & _M32
            v4 = (_rotl((v4 + np.uint64(_load32(buf, p + 12)) * _P2) & _M32, 13) * _P1) & _M32
            p += 16
        h = (_rotl(v1, 1) + _rotl(v2, 7) + _rotl(v3, 12) + _rotl(v4, 18)) & _M32
    else:
        h = _P5
    h = (h + np.uint64(length)) & _M32
    while p + 4 <= end:
        h = (h + np.uint64(_load32(buf, p)) * _P3) & _M32
        h = (_rotl(h, 17) * _P4) & _M32
        p += 4
    while p < end:
        h = (h + np.uint64(buf[p]) * _P5) & _M32
        h = (_rotl(h, 11) * _P1) & _M32
        p += 1
    h ^= h >> np.uint64(15)
    h = (h * _P2) & _M32
    h ^= h >> np.uint64(13)
    h = (h * _P3) & _M32
    h ^= h >> np.uint64(16)
    return np.uint32(h)


# Byte classes for the word splitter: 0 part of a word, 1 ASCII space, 2 first byte of a
# multi-byte sequence that may be a Unicode space (checked with _space_len).
_BYTE_CLASS = np.zeros(256, dtype=np.uint8)
for _c in b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f":
    _BYTE_CLASS[_c] = 1
for _c in (0xC2, 0xE1, 0xE2, 0xE3):
    _BYTE_CLASS[_c] = 2


@njit(inline="always", cache=True)
def _space_len(buf, p, end):
    """Length in bytes of the whitespace code point at ``p`` (as ``str.isspace``), else 0."""
    c = buf[p]
    if c < 0x80:
        if c == 0x20 or (0x09 <= c <= 0x0D) or (0x1C <= c <= 0x1F):
            return 1
        return 0
    if c == 0xC2:
        if p + 1 < end and (buf[p + 1] == 0x85 or buf[p + 1] == 0xA0):
            return 2
        return 0
    if c == 0xE1:
        if p + 2 < end and buf[p + 1] == 0x9A and buf[p + 2] == 0x80:
            return 3
        return 0
    if c == 0xE2:
        if p + 2 < end:
            c1 = buf[p + 1]
            c2 = buf[p + 2]
            if c1 == 0x80 and ((0x80 <= c2 <= 0x8A) or c2 == 0xA8 or c2 == 0xA9 or c2 == 0xAF):
                return 3
            if c1 == 0x81 and c2 == 0x9F:
                return 3
        return 0
    if c == 0xE3:
        if p + 2 < end and buf[p + 1] == 0x80 and buf[p + 2] == 0x80:
            return 3
        return 0
    return 0


@njit(cache=True, nogil=True)
def _split_words(buf, doc_offsets):
    """The batch's words joined by single spaces (one buffer), where each word starts and
    ends in it, and how many words each document has. Splits exactly where ``str.split()``
    does."""
    n_docs = doc_offsets.shape[0] - 1
    total = doc_offsets[n_docs]
    clean = np.empty(total + 1, dtype=np.uint8)
    starts = np.empty(total // 2 + n_docs + 1, dtype=np.int64)
    ends = np.empty(total // 2 + n_docs + 1, dtype=np.int64)
    counts = np.zeros(n_docs + 1, dtype=np.int64)
    q = 0
    nw = 0
    for d in range(n_docs):
        p = doc_offsets[d]
        end = doc_offsets[d + 1]
        first = True
        while p < end:
            cls = _BYTE_CLASS[buf[p]]
            if cls == 1:
                p += 1
                continue
            if cls == 2:
                s = _space_len(buf, p, end)
                if s > 0:
                    p += s
                    continue
            if not first:
                clean[q] = 0x20
                q += 1
            first = False
            starts[nw] = q
            clean[q] = buf[p]
            q += 1
            p += 1
            while p < end:
                cls = _BYTE_CLASS[buf[p]]
                if cls == 1 or (cls == 2 and _space_len(buf, p, end) > 0):
                    break
                clean[q] = buf[p]
                q += 1
                p += 1
            ends[nw] = q
            nw += 1
        counts[d + 1] = nw
    return clean[:q], starts[:nw], ends[:nw], counts


#: The bytes that may start whitespace other than an ASCII space: those below 0x20 and the
#: lead bytes of the multi-byte spaces.
_ODD_BYTES = np.zeros(256, dtype=np.uint8)
_ODD_BYTES[:0x20] = 1
for _c in (0xC2, 0xE1, 0xE2, 0xE3):
    _ODD_BYTES[_c] = 1


@njit(cache=True, nogil=True)
def _spaces(buf, start, stop):
    """The positions of the ASCII spaces in ``buf[start:stop]``, and whether a byte there may
    start other whitespace (:data:`_ODD_BYTES`): one pass without a branch (each position is
    written, the count moves on at a space), as fast as numpy's compare and ``flatnonzero``
    alone."""
    part = buf[start:stop]  # (read as a slice: a quarter faster than indexed by position)
    out = np.empty(part.shape[0] + 1, dtype=np.int64)
    n = 0
    odd = np.uint8(0)
    for i in range(part.shape[0]):
        c = part[i]
        out[n] = start + i
        n += int(c == 0x20)
        odd |= _ODD_BYTES[c]
    return out[:n], odd != 0


@njit(cache=True, nogil=True)
def _split_single_spaced(buf, doc_offsets, spaces, odd):
    """Like :func:`_split_words` for text already made of words joined by single ASCII spaces
    (what the ``whitespace`` normaliser leaves), without copying it, given the positions of
    the batch's spaces and whether a byte may start other whitespace (:func:`_spaces`); ``ok``
    is False, and nothing else meaningful, when some document is not like that. Such a
    document has one word more than it has spaces. Where ``odd``, the other whitespace is
    looked for byte by byte."""
    n_docs = doc_offsets.shape[0] - 1
    total = doc_offsets[n_docs]
    capacity = spaces.shape[0] + n_docs + 1
    starts = np.empty(capacity, dtype=np.int64)
    ends = np.empty(capacity, dtype=np.int64)
    counts = np.zeros(n_docs + 1, dtype=np.int64)
    if odd:
        for p in range(doc_offsets[0], total):
            c = buf[p]
            cls = _BYTE_CLASS[c]
            if (cls == 1 and c != 0x20) or (cls == 2 and _space_len(buf, p, total) > 0):
                return False, starts, ends, counts
    nw = 0
    k = 0
    for d in range(n_docs):
        p = doc_offsets[d]
        end = doc_offsets[d + 1]
        word = p
        while k < spaces.shape[0] and spaces[k] < end:
            at = spaces[k]
            if at == word:  # a leading space, or two side by side
                return False, starts, ends, counts
            starts[nw] = word
            ends[nw] = at
            nw += 1
            word = at + 1
            k += 1
        if end > p:
            if word == end:  # a trailing space
                return False, starts, ends, counts
            starts[nw] = word
            ends[nw] = end
            nw += 1
        counts[d + 1] = nw
    return True, starts[:nw], ends[:nw], counts


@njit(cache=True, nogil=True)
def _hash_tokens(clean, starts, ends, counts, n):
    """xxh32 of each document's token n-grams, each a contiguous slice of ``clean`` (tokens
    laid out with their separators); a document with fewer than ``n`` tokens gives one shingle
    of all of them, one without tokens none."""
    n_docs = counts.shape[0] - 1
    out = np.empty(starts.shape[0] + n_docs, dtype=np.uint32)
    offsets = np.zeros(n_docs + 1, dtype=np.int64)
    k = 0
    for d in range(n_docs):
        first = counts[d]
        nw = counts[d + 1] - first
        if nw > 0:
            m = nw - n + 1 if nw > n else 1
            span = n if nw > n else nw
            for i in range(first, first + m):
                out[k] = _xxh32_at(clean, starts[i], ends[i + span - 1] - starts[i])
                k += 1
        offsets[d + 1] = k
    return out[:k].copy(), offsets


@njit(cache=True, nogil=True)
def word_hashes(buf, doc_offsets, n):
    """xxh32 of the word n-grams of each document in ``buf`` (UTF-8, CSR by ``doc_offsets``).

    Returns (hashes, offsets). A document with fewer than ``n`` words gives one shingle of all
    its words; one without words gives none. Unless the text already is words joined by single
    spaces, the words are first laid out that way, so every shingle is a contiguous slice
    hashed in place.
    """
    spaces, odd = _spaces(buf, doc_offsets[0], doc_offsets[doc_offsets.shape[0] - 1])
    ok, starts, ends, counts = _split_single_spaced(buf, doc_offsets, spaces, odd)
    if ok:
        return _hash_tokens(buf, starts, ends, counts, n)
    clean, starts, ends, counts = _split_words(buf, doc_offsets)
    return _hash_tokens(clean, starts, ends, counts, n)


# Token classes (see dedupe.kernels.scripts): 0 word, 1 space, 2 character token, 3 mark.
@njit(cache=True, nogil=True)
def has_character_tokens(buf, classes, lowest_lead):
    """Whether the UTF-8 buffer holds a character that is a token of its own. Only a lead byte
    of ``lowest_lead`` (0x80 or more) or more can start one: 8 bytes at a time are tested for
    such a byte with word arithmetic (SWAR), and only those bytes decoded."""
    total = buf.shape[0]
    n_words = total // 8
    words = buf[: n_words * 8].view(np.uint64)
    ones = np.uint64(0x0101010101010101)
    high = np.uint64(0x8080808080808080)
    low7 = np.uint64(0x7F7F7F7F7F7F7F7F)
    bias = np.uint64(0x80 - (lowest_lead & 0x7F)) * ones
    for i in range(n_words):
        x = words[i]
        # High bit of each byte b: b >= 0x80 and (b & 0x7F) + bias >= 0x80, i.e. b >= lowest.
        if (x & high) & (((x & low7) + bias) & high):
            for q in range(i * 8, i * 8 + 8):
                if buf[q] >= lowest_lead:
                    cp, _ = _decode(buf, q)
                    if classes[cp] == 2:
                        return True
    for q in range(n_words * 8, total):
        if buf[q] >= lowest_lead:
            cp, _ = _decode(buf, q)
            if classes[cp] == 2:
                return True
    return False


@njit(cache=True, nogil=True)
def _split_tokens(buf, doc_offsets, classes):
    """The ``auto`` unit's tokens of each document laid out in one buffer: words separated by
    one space, character tokens (with their combining marks) joined to a neighbouring one
    directly and to a word by one space. Returns (buffer, token starts, token ends, tokens
    per document, cumulative)."""
    n_docs = doc_offsets.shape[0] - 1
    total = doc_offsets[n_docs]
    clean = np.empty(2 * total + 1, dtype=np.uint8)
    starts = np.empty(total // 2 + n_docs + 1, dtype=np.int64)
    ends = np.empty(total // 2 + n_docs + 1, dtype=np.int64)
    counts = np.zeros(n_docs + 1, dtype=np.int64)
    q = 0
    nt = 0
    for d in range(n_docs):
        p = doc_offsets[d]
        end = doc_offsets[d + 1]
        cur = 0  # kind of the open token: 0 none, 1 word, 2 character
        prev = 0  # kind of the document's previous token, 0 before the first
        while p < end:
            c = buf[p]
            if c < 0x80:
                cls = classes[c]
                size = 1
            else:
                cp, size = _decode(buf, p)
                cls = classes[cp]
            if cls == 1:
                if cur != 0:
                    ends[nt - 1] = q
                    cur = 0
                p += size
                continue
            if cur == 0 or cls == 2 or (cur == 2 and cls == 0):
                # A new token: a character token always, a word after a space or after a
                # character token, a mark only where no token is open.
                if cur != 0:
                    ends[nt - 1] = q
                kind = 2 if cls == 2 else 1
                if prev != 0 and not (prev == 2 and kind == 2):
                    clean[q] = 0x20
                    q += 1
                starts[nt] = q
                nt += 1
                cur = kind
                prev = kind
            for t in range(size):
                clean[q + t] = buf[p + t]
            q += size
            p += size
        if cur != 0:
            ends[nt - 1] = q
        counts[d + 1] = nt
    return clean[:q], starts[:nt], ends[:nt], counts


@njit(cache=True, nogil=True)
def auto_hashes(buf, doc_offsets, n, classes):
    """xxh32 of the ``auto`` unit's token n-grams (see :func:`_split_tokens`)."""
    clean, starts, ends, counts = _split_tokens(buf, doc_offsets, classes)
    return _hash_tokens(clean, starts, ends, counts, n)


@njit(cache=True, nogil=True)
def char_hashes(buf, doc_offsets, n):
    """xxh32 of the character (code point) n-grams of each document, as UTF-8 bytes."""
    n_docs = doc_offsets.shape[0] - 1
    total = doc_offsets[n_docs]
    out = np.empty(total + n_docs + 1, dtype=np.uint32)
    offsets = np.zeros(n_docs + 1, dtype=np.int64)
    max_doc = 0
    for d in range(n_docs):
        max_doc = max(max_doc, doc_offsets[d + 1] - doc_offsets[d])
    cps = np.empty(max_doc + 1, dtype=np.int64)
    k = 0
    for d in range(n_docs):
        start = doc_offsets[d]
        end = doc_offsets[d + 1]
        nc = 0
        for p in range(start, end):
            if (buf[p] & 0xC0) != 0x80:
                cps[nc] = p
                nc += 1
        cps[nc] = end
        if nc > 0:
            if nc <= n:
                out[k] = _xxh32_at(buf, start, end - start)
                k += 1
            else:
                for i in range(nc - n + 1):
                    out[k] = _xxh32_at(buf, cps[i], cps[i + n] - cps[i])
                    k += 1
        offsets[d + 1] = k
    return out[:k].copy(), offsets
