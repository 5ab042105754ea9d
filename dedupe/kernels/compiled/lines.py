"""Compiled line kernels on UTF-8 batches: the key of every line (boilerplate learning) and the
lines that can be chrome (twins: :mod:`dedupe.kernels.reference.lines`)."""

from __future__ import annotations

import numpy as np
from numba import njit

from dedupe.kernels.compiled.loads import _ascii_run64, _load64, _store64
from dedupe.kernels.compiled.loads import leading_zeros as _leading_zeros
from dedupe.kernels.compiled.utf8 import _decode, _encode

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_SPACE = 2
#: The line keys' hashes (:func:`_key_hashes`): seeds and multipliers (xxh64's primes).
_KEY_SEED1 = np.uint64(0x27D4EB2F165667C5)
_KEY_SEED2 = np.uint64(0x165667B19E3779F9)
_KEY_P1 = np.uint64(0x9E3779B185EBCA87)
_KEY_P2 = np.uint64(0xC2B2AE3D27D4EB4F)
_SHIFT2 = np.uint64(2)
#: Bytes a character's fold takes at most (three code points of four bytes).
_KEY_BYTES = 12
_SHIFT29 = np.uint64(29)
#: Words of eight bytes: each byte's high bit, a space in each, and what added to a byte from
#: " " to "~" sets its high bit from "A" on, from "[" on (the capitals lie between).
_HIGH64 = np.uint64(0x8080808080808080)
_SPACES64 = np.uint64(0x2020202020202020)
_BELOW_A = np.uint64(0x3F3F3F3F3F3F3F3F)
_BELOW_BRACKET = np.uint64(0x2525252525252525)
_LOW7 = np.uint64(0x7F7F7F7F7F7F7F7F)


@njit(inline="always", cache=True)
def _zero_bytes64(x):
    """The high bit of each zero byte of ``x``, of those alone."""
    y = (x & _LOW7) + _LOW7
    return ~(y | x | _LOW7)


@njit(inline="always", cache=True)
def _rotl64(x, r):
    return (x << np.uint64(r)) | (x >> np.uint64(64 - r))


@njit(inline="always", cache=True)
def _fmix64(h):
    """xxh64's avalanche."""
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC2B2AE3D27D4EB4F)
    h ^= h >> np.uint64(29)
    h *= np.uint64(0x165667B19E3779F9)
    h ^= h >> np.uint64(32)
    return h


#: A line feed in each byte of a word of eight bytes.
_LINE_FEEDS64 = np.uint64(0x0A0A0A0A0A0A0A0A)


@njit(cache=True, nogil=True)
def _newlines(buf):
    n = 0
    for p in range(buf.shape[0]):
        if buf[p] == 0x0A:
            n += 1
    return n


@njit(inline="always", cache=True)
def _key_hashes(scratch, length):
    """The two 64-bit hashes of the key ``scratch[:length]`` (its UTF-8 bytes), eight bytes
    at a time (:func:`dedupe.kernels.reference.lines.key_hashes` is the definition)."""
    h1 = _KEY_SEED1
    h2 = _KEY_SEED2
    i = 0
    while i + 8 <= length:
        x = _load64(scratch, i)
        h1 = _rotl64(h1 ^ (x * _KEY_P2), 31) * _KEY_P1
        h2 = (h2 + x) * _MIX
        h2 ^= h2 >> _SHIFT29
        i += 8
    if i < length:
        x = np.uint64(0)
        for t in range(length - i):
            x |= np.uint64(scratch[i + t]) << np.uint64(8 * t)
        h1 = _rotl64(h1 ^ (x * _KEY_P2), 31) * _KEY_P1
        h2 = (h2 + x) * _MIX
        h2 ^= h2 >> _SHIFT29
    n = np.uint64(length)
    return _fmix64(h1 ^ n), _fmix64(h2 + n * _KEY_P1)


@njit(cache=True, nogil=True)
def line_keys(buf, doc_offsets, classes, single, starts, multi):
    """Per non-blank line (split at "\\n") of each document: the document, two 64-bit hashes
    and the length in characters of its key ``line.strip().casefold()`` (``classes``: 2 for
    the whitespace ``strip`` removes; ``single``/``starts``/``multi``: the case-folding
    table), and the stripped line's range in characters of its document.

    Each line's key is written folded, as UTF-8, into a scratch buffer (eight ASCII bytes
    from a space to "~" at a time, lowered with word arithmetic: most bytes of most lines;
    other characters one by one through the table), then hashed eight bytes at a time."""
    n_docs = doc_offsets.shape[0] - 1
    cap = _newlines(buf[doc_offsets[0] : doc_offsets[n_docs]]) + n_docs
    docs = np.empty(cap, dtype=np.int64)
    first = np.empty(cap, dtype=np.uint64)
    second = np.empty(cap, dtype=np.uint64)
    weights = np.empty(cap, dtype=np.int64)
    begin = np.empty(cap, dtype=np.int64)
    stop = np.empty(cap, dtype=np.int64)
    scratch = np.empty(4096, dtype=np.uint8)
    k = 0
    for d in range(n_docs):
        p = doc_offsets[d]
        end = doc_offsets[d + 1]
        ch = 0  # characters of the document before ``q``
        if _KEY_BYTES * (end - p) + 16 > scratch.shape[0]:
            # (room for any line of the document's folded: grown here, not in the loops
            # below, where a buffer that may change made each character several times dearer)
            scratch = np.empty(_KEY_BYTES * (end - p) + 16, dtype=np.uint8)
        while p <= end:
            # One line [p, q): its key written from its first non-space character; the
            # key's bytes and characters as they stood after its last non-space one.
            w = 0  # characters written
            used = 0  # bytes written
            a = -1
            b = -1
            key_w = 0
            key_used = 0
            q = p
            while q < end:
                if a >= 0 and q + 8 <= end:
                    v = _load64(buf, q)
                    if (v & _HIGH64) == 0 and ((v - _SPACES64) & ~v & _HIGH64) == 0:
                        # eight ASCII bytes from " " on (no line feed, no other whitespace)
                        upper = (v + _BELOW_A) & ~(v + _BELOW_BRACKET) & _HIGH64
                        _store64(scratch, used, v | (upper >> _SHIFT2))
                        non_space = ~_zero_bytes64(v ^ _SPACES64) & _HIGH64
                        if non_space:
                            last = 7 - (int(_leading_zeros(non_space)) >> 3)
                            b = ch + last + 1
                            key_w = w + last + 1
                            key_used = used + last + 1
                        used += 8
                        w += 8
                        ch += 8
                        q += 8
                        continue
                c = buf[q]
                if c == 0x0A:
                    break
                if c < 0x80:
                    cp = np.int64(c)
                    size = 1
                else:
                    cp, size = _decode(buf, q)
                if classes[cp] != _SPACE or a >= 0:
                    image = single[cp]
                    if image >= 0:
                        used = _encode(scratch, used, np.int64(image))
                        w += 1
                    else:
                        m = -image - 1
                        for t in range(starts[m], starts[m + 1]):
                            used = _encode(scratch, used, np.int64(multi[t]))
                            w += 1
                    if classes[cp] != _SPACE:
                        if a < 0:
                            a = ch
                        b = ch + 1
                        key_w = w
                        key_used = used
                q += size
                ch += 1
            ch += 1  # the line end
            if a >= 0:
                docs[k] = d
                first[k], second[k] = _key_hashes(scratch, key_used)
                weights[k] = key_w
                begin[k] = a
                stop[k] = b
                k += 1
            p = q + 1
    return docs[:k], first[:k], second[:k], weights[:k], begin[:k], stop[:k]


@njit(cache=True, nogil=True)
def _in_sorted(values, x):
    i = np.searchsorted(values, x)
    return i < values.shape[0] and values[i] == x


@njit(cache=True, nogil=True)
def _first_word(buf, a, b, kind, fold):
    """(FNV-1a hash of the folded letters, their number, the first code point) of the word
    that starts the stripped line ``buf[a:b]``, and the position after it."""
    h = _FNV_OFFSET
    n = 0
    first = -1
    p = a
    while p < b:
        cp, size = _decode(buf, p)
        if first < 0:
            first = cp
        if kind[cp] != 1:
            break
        h = (h ^ np.uint64(fold[cp])) * _FNV_PRIME
        n += 1
        p += size
    return h, n, first, p


_HOME = np.array([0x68, 0x6F, 0x6D, 0x65])
#: What "all rights reserved", "tous droits réservés" and "tous droits reserves" hold, folded:
#: "ts reserv", the "e" an "e" or an "é" (:data:`_E_OR_E_ACUTE`).
_E_OR_E_ACUTE = -2
_RESERVED_TAIL = np.array([0x74, 0x73, 0x20, 0x72, _E_OR_E_ACUTE, 0x73, 0x65, 0x72, 0x76])
_ACCUEIL = np.array([0x61, 0x63, 0x63, 0x75, 0x65, 0x69, 0x6C])


@njit(cache=True, nogil=True)
def _starts_with(buf, a, b, fold, word):
    p = a
    for t in range(word.shape[0]):
        if p >= b:
            return False
        cp, size = _decode(buf, p)
        if fold[cp] != word[t]:
            return False
        p += size
    return True


@njit(cache=True, nogil=True)
def _keyed(buf, b, h, after, kind, fold, needy, pairs):
    """Whether a line whose first word (hash ``h``, ending at ``after``) is a rule's can
    match one: always, unless the word is ``needy``, when one space and a second word of
    its ``pairs`` must follow."""
    if not _in_sorted(needy, h):
        return True
    if after >= b or buf[after] != 0x20:
        return False
    second, n, _, _ = _first_word(buf, after + 1, b, kind, fold)
    return n > 0 and _in_sorted(pairs, (h * _MIX) ^ second)


@njit(cache=True, nogil=True)
def _reserved(buf, a, b, fold):
    """Whether ``buf[a:b]`` holds "ts reserv" or "ts réserv" case-folded. Only the bytes
    "erv" in any case fold to "erv": lines without them (most) are not decoded."""
    p = a
    while p + 2 < b:
        if (buf[p] | 0x20) == 0x65 and (buf[p + 1] | 0x20) == 0x72 and (buf[p + 2] | 0x20) == 0x76:
            break
        p += 1
    else:
        return False
    matched = 0  # the characters of :data:`_RESERVED_TAIL` matched so far
    p = a
    while p < b:
        cp, width = _decode(buf, p)
        f = fold[cp]
        want = _RESERVED_TAIL[matched]
        if f == want or (want == _E_OR_E_ACUTE and (f == 0x65 or f == 0xE9)):
            matched += 1
            if matched == _RESERVED_TAIL.shape[0]:
                return True
        else:
            matched = 1 if f == 0x74 else 0  # (only its first letter is a "t")
        p += width
    return False


@njit(cache=True, nogil=True)
def _short_line(buf, a, b, size, kind, fold, keys, longest, needy, pairs, window, reserved):
    """Whether the stripped line ``buf[a:b]`` of ``size`` characters (at most ``short``) can
    be chrome (see :func:`chrome_candidates`)."""
    h, n, first, after = _first_word(buf, a, b, kind, fold)
    if (
        0 < n <= longest
        and _in_sorted(keys, h)
        and _keyed(buf, b, h, after, kind, fold, needy, pairs)
    ):
        return True
    if n == 0 and (first == 0x28 or first == 0xA9 or 0x30 <= first <= 0x39):
        return True
    if window and n >= 4 and (_starts_with(buf, a, b, fold, _HOME)):
        return True
    if window and n >= 7 and (_starts_with(buf, a, b, fold, _ACCUEIL)):
        return True
    if size <= reserved and _reserved(buf, a, b, fold):
        return True
    if not window:
        return False
    sep = 0  # 1 after a space, 2 after a space and a separator
    p = a
    while p < b:
        cp, width = _decode(buf, p)
        if kind[cp] == 2:
            if sep == 2:
                return True
            sep = 1
        elif sep == 1 and (cp == 0x7C or cp == 0x2013 or cp == 0x2014 or cp == 0x2D):
            sep = 2
        else:
            sep = 0
        p += width
    return False


@njit(cache=True, nogil=True)
def chrome_candidates(
    buf, doc_offsets, kind, fold, keys, notes, longest, needy, pairs, short, reserved
):
    """Per document, whether it goes to ``strip_chrome`` whole (``full``: it holds a
    character of ``kind`` 4), else the lines of it that can be chrome, with the number of
    non-blank lines before each (CSR by document: ``counts``).

    ``kind``: 1 a letter of a first word, 2 whitespace, 4 send the document whole; ``fold``:
    the one-code-point case fold; ``keys``/``notes``: sorted FNV-1a hashes of the folded first
    words of the rules and of the editorial notes; ``needy``: those of the keys the rules
    follow with one space and a second word, whose pairs (first word's hash times ``_MIX``,
    xor the second's) are ``pairs`` (see :mod:`dedupe.default_plugins.chrome_lines`). A
    stripped line can be chrome when it is at most ``short`` characters and its first word is
    a key (and its second word one of its pairs, for a needy key), or it starts with "(", "©" or a
    digit, or (while it may be among the first three content lines) it starts with "home" or
    "accueil" or holds a separator between spaces, or it is at most ``reserved`` characters
    and holds "ts reserv" or "ts réserv" (all rights reserved, tous droits réservés); or it is
    longer and starts with a note word."""
    n_docs = doc_offsets.shape[0] - 1
    cap = _newlines(buf[doc_offsets[0] : doc_offsets[n_docs]]) + n_docs
    full = np.zeros(n_docs, dtype=np.bool_)
    lines = np.empty(cap, dtype=np.int64)
    before = np.empty(cap, dtype=np.int64)
    counts = np.zeros(n_docs + 1, dtype=np.int64)
    nc = 0
    for d in range(n_docs):
        p = doc_offsets[d]
        end = doc_offsets[d + 1]
        first_nc = nc
        line = 0
        nonempty = 0
        found = 0
        while p <= end:
            # The line [p, q): its characters, and whether one sends the document whole.
            q = p
            chars = 0
            while q < end:
                # eight ASCII bytes, none a line feed, at a time (most bytes of most texts),
                # else the ASCII bytes before the first that is not, then one character
                if q + 8 <= end:
                    skip = _ascii_run64(_load64(buf, q), _LINE_FEEDS64)
                    chars += skip
                    q += skip
                    if skip == 8:
                        continue
                c = buf[q]
                if c == 0x0A:
                    break
                chars += 1
                if c < 0x80:
                    q += 1
                    continue
                cp, width = _decode(buf, q)
                if kind[cp] == 4:
                    full[d] = True
                    break
                q += width
            if full[d]:
                break
            # Stripped: [a, b) of ``size`` characters.
            a = p
            size = chars
            while a < q:
                cp, width = _decode(buf, a)
                if kind[cp] != 2:
                    break
                a += width
                size -= 1
            if a < q:
                b = q
                while True:
                    r = b - 1
                    while (buf[r] & 0xC0) == 0x80:
                        r -= 1
                    cp, _ = _decode(buf, r)
                    if kind[cp] != 2:
                        break
                    b = r
                    size -= 1
                if size <= short:
                    window = nonempty - found < 3
                    cand = _short_line(
                        buf, a, b, size, kind, fold, keys, longest, needy, pairs, window, reserved
                    )
                else:
                    h, n, _, _ = _first_word(buf, a, b, kind, fold)
                    cand = n > 0 and _in_sorted(notes, h)
                if cand:
                    lines[nc] = line
                    before[nc] = nonempty
                    nc += 1
                    found += 1
                nonempty += 1
            line += 1
            p = q + 1
        if full[d]:
            nc = first_nc
        counts[d + 1] = nc
    return full, lines[:nc].copy(), before[:nc].copy(), counts
