"""Compiled text kernels on UTF-8 batches: punctuation to spaces, spaces collapsed, and
per-code-point maps (twins: :mod:`dedupe.kernels.reference.text`)."""

from __future__ import annotations

import numpy as np
from numba import njit

from dedupe.kernels.compiled.loads import (
    _HIGH_BITS64,
    _ascii_run64,
    _load64,
)
from dedupe.kernels.compiled.utf8 import _decode, _encode

#: A carriage return in each byte of a word of eight bytes.
_RETURNS64 = np.uint64(0x0D0D0D0D0D0D0D0D)


# Character classes (see dedupe.kernels.charclass): 0 other, 1 word, 2 space, 3 underscore.
@njit(cache=True, nogil=True)
def punctuation_to_spaces(buf, doc_offsets, classes):
    """Each run of characters that are neither word characters nor spaces becomes one space,
    as does each run of underscores: ``re.sub(r"[^\\w\\s]+|_+", " ", text)`` on UTF-8 bytes."""
    n_docs = doc_offsets.shape[0] - 1
    out = np.empty(doc_offsets[n_docs], dtype=np.uint8)
    offsets = np.zeros(n_docs + 1, dtype=np.int64)
    k = 0
    for d in range(n_docs):
        p = doc_offsets[d]
        end = doc_offsets[d + 1]
        prev = -1  # class of the previous character, or -1
        while p < end:
            cp, size = _decode(buf, p)
            cls = classes[cp]
            if cls == 0 or cls == 3:
                if cls != prev:
                    out[k] = 0x20
                    k += 1
            else:
                for t in range(size):
                    out[k] = buf[p + t]
                    k += 1
            prev = cls
            p += size
        offsets[d + 1] = k
    return out[:k].copy(), offsets


@njit(cache=True, nogil=True)
def collapse_spaces(buf, doc_offsets, classes):
    """Runs of whitespace become one space, none at either end: ``" ".join(text.split())``."""
    n_docs = doc_offsets.shape[0] - 1
    out = np.empty(doc_offsets[n_docs], dtype=np.uint8)
    offsets = np.zeros(n_docs + 1, dtype=np.int64)
    k = 0
    for d in range(n_docs):
        p = doc_offsets[d]
        end = doc_offsets[d + 1]
        start = k
        pending = False
        while p < end:
            cp, size = _decode(buf, p)
            if classes[cp] == 2:
                pending = True
            else:
                if pending and k > start:
                    out[k] = 0x20
                    k += 1
                pending = False
                for t in range(size):
                    out[k] = buf[p + t]
                    k += 1
            p += size
        offsets[d + 1] = k
    return out[:k].copy(), offsets


@njit(cache=True, nogil=True)
def map_codepoints(buf, doc_offsets, single, starts, multi, expansion):
    """Apply a per-code-point mapping (see dedupe.kernels.codepoints) to UTF-8 documents."""
    no_flags = np.zeros(1, dtype=np.uint8)
    every = np.ones(0, dtype=np.bool_)
    out, offsets, _ = _map(
        buf, doc_offsets, single, starts, multi, expansion, no_flags, False, every, False
    )
    return out, offsets


@njit(cache=True, nogil=True)
def map_docs(buf, doc_offsets, single, starts, multi, expansion, mask):
    """Like :func:`map_codepoints` for the documents marked in ``mask``; the others are copied
    as they are."""
    no_flags = np.zeros(1, dtype=np.uint8)
    out, offsets, _ = _map(
        buf, doc_offsets, single, starts, multi, expansion, no_flags, False, mask, True
    )
    return out, offsets


@njit(cache=True, nogil=True)
def docs_to_map(buf, doc_offsets, single, kinds, low1, high1, low2, high2):
    """Which documents a per-code-point mapping changes: a vectorised test of each document's
    bytes against the lead-byte ranges that can start a changed code point, then, for the
    documents that have such a byte, :func:`any_mapped` on them."""
    n_docs = doc_offsets.shape[0] - 1
    mask = np.zeros(n_docs, dtype=np.bool_)
    for d in range(n_docs):
        doc = buf[doc_offsets[d] : doc_offsets[d + 1]]
        if any_byte_in(doc, low1, high1, low2, high2):
            mask[d] = any_mapped(doc, single, kinds)
    return mask


@njit(cache=True, nogil=True)
def map_or_flag(buf, doc_offsets, single, starts, multi, expansion, flagged):
    """Like :func:`map_codepoints`; documents holding a code point marked in ``flagged`` are
    reported (for the caller to handle another way)."""
    every = np.ones(0, dtype=np.bool_)
    return _map(buf, doc_offsets, single, starts, multi, expansion, flagged, True, every, False)


@njit(cache=True, nogil=True)
def _map(buf, doc_offsets, single, starts, multi, expansion, flagged, use_flags, mask, use_mask):
    n_docs = doc_offsets.shape[0] - 1
    out = np.empty(doc_offsets[n_docs] * expansion + 4, dtype=np.uint8)
    offsets = np.zeros(n_docs + 1, dtype=np.int64)
    flags = np.zeros(n_docs, dtype=np.bool_)
    k = 0
    for d in range(n_docs):
        p = doc_offsets[d]
        end = doc_offsets[d + 1]
        if use_mask and not mask[d]:
            out[k : k + end - p] = buf[p:end]
            k += end - p
            offsets[d + 1] = k
            continue
        while p < end:
            c = buf[p]
            if c < 0x80:
                image = single[c]
                if image == c:
                    out[k] = c
                    k += 1
                    p += 1
                    continue
                cp = np.int64(c)
                size = 1
            else:
                cp, size = _decode(buf, p)
                if use_flags and flagged[cp]:
                    flags[d] = True
            image = single[cp]
            if image == cp:
                for t in range(size):
                    out[k + t] = buf[p + t]
                k += size
            elif image >= 0:
                k = _encode(out, k, np.int64(image))
            else:
                index = -image - 1
                for t in range(starts[index], starts[index + 1]):
                    k = _encode(out, k, np.int64(multi[t]))
            p += size
        offsets[d + 1] = k
    return out[:k].copy(), offsets, flags


@njit(cache=True, nogil=True)
def lead_kinds(single):
    """Per byte value, what :func:`any_mapped` does at a UTF-8 sequence starting with it: 0 the
    ASCII byte is changed, 1 the sequence cannot be changed (passed over), 2 decode and look."""
    kinds = np.ones(256, dtype=np.uint8)  # continuation and invalid bytes never lead
    for c in range(128):
        kinds[c] = 0 if single[c] != c else 1
    for lead in range(0xC0, 0xF8):
        if lead < 0xE0:
            first, last = (lead & 0x1F) << 6, ((lead & 0x1F) << 6) | 0x3F
        elif lead < 0xF0:
            first, last = (lead & 0x0F) << 12, ((lead & 0x0F) << 12) | 0xFFF
        else:
            first, last = (lead & 0x07) << 18, ((lead & 0x07) << 18) | 0x3FFFF
        kinds[lead] = 1
        for cp in range(first, min(last + 1, single.shape[0])):
            if single[cp] != cp:
                kinds[lead] = 2
                break
    return kinds


@njit(cache=True, nogil=True)
def any_byte_in(buf, low1, high1, low2, high2):
    """Whether some byte of ``buf`` is in ``[low1, high1]`` or ``[low2, high2]`` (a loop the
    compiler vectorises: several GB/s)."""
    found = np.uint8(0)
    for p in range(buf.shape[0]):
        c = buf[p]
        found |= np.uint8((c >= low1) & (c <= high1)) | np.uint8((c >= low2) & (c <= high2))
    return found != 0


@njit(cache=True, nogil=True)
def any_mapped(buf, single, kinds):
    """Whether a per-code-point mapping (see :func:`map_codepoints`) changes some code point
    of the UTF-8 buffer (``kinds``: its :func:`lead_kinds`). Only sequences whose lead byte can
    start a changed code point are decoded, and where the mapping leaves ASCII alone 8 ASCII
    bytes are passed over at once: text without the mapped characters costs a fraction of a
    byte-by-byte scan."""
    total = buf.shape[0]
    words = buf[: (total // 8) * 8].view(np.uint64)
    n_words = words.shape[0]
    high = np.uint64(0x8080808080808080)
    skip_ascii = kinds[0x20] == 1
    p = 0
    while p < total:
        if skip_ascii and buf[p] < 0x80:
            # Pass over ASCII: 8 bytes at a time, then byte by byte to the next other byte.
            i = p >> 3
            k = p & 7
            if k == 0 and i < n_words:
                w = words[i]
            elif i + 1 < n_words:
                shift = np.uint64(8 * k)
                w = (words[i] >> shift) | (words[i + 1] << (np.uint64(64) - shift))
            else:
                w = high
            if (w & high) == 0:
                p += 8
                continue
            while p < total and buf[p] < 0x80:
                p += 1
            continue
        c = buf[p]
        kind = kinds[c]
        if kind == 1:
            p += 1 if c < 0xC0 else (2 if c < 0xE0 else (3 if c < 0xF0 else 4))
        elif kind == 0:
            return True
        else:
            cp, size = _decode(buf, p)
            if single[cp] != cp:
                return True
            p += size
    return False


#: An ASCII byte without an image of one ASCII byte, in ``fused_map``'s table of 128.
_NO_IMAGE = 0xFF


@njit(inline="always", cache=True)
def _emit(out, k, space, cp):
    """Write code point ``cp`` at ``out[k]`` unless it is a space after a space; return the new
    end and whether it is a space."""
    if cp == 0x20:
        out[k] = 0x20
        return k + np.int64(not space), True
    return _encode(out, k, cp), False


@njit(cache=True, nogil=True)
def fused_map(buf, doc_offsets, single, starts, multi, expansion, flagged):
    """A run of per-code-point normalisers ending in a whitespace collapse, in one pass: each
    code point's image through the whole run (a table from :func:`dedupe.kernels.fuse.compose`,
    0x20 standing for a space), written with runs of spaces as one and none at either end.
    Documents holding a non-ASCII code point marked in ``flagged`` are reported (their output
    is to be replaced by the caller's).

    An ASCII byte whose image is one ASCII byte (most of them) is copied through a table of
    128 without a branch on spaces: every image is written, and the end moves on unless a
    space follows a space (a document's first output counts as following one); a last space
    is taken back at the document's end. When every ASCII byte's image is one, eight ASCII
    bytes (one load tells) are copied so in one unrolled step."""
    n_docs = doc_offsets.shape[0] - 1
    out = np.empty(doc_offsets[n_docs] * expansion + 4, dtype=np.uint8)
    offsets = np.zeros(n_docs + 1, dtype=np.int64)
    flags = np.zeros(n_docs, dtype=np.bool_)
    ascii_image = np.full(128, _NO_IMAGE, dtype=np.uint8)
    for c in range(128):
        if 0 <= single[c] < 0x80:
            ascii_image[c] = single[c]
    # (every ASCII byte's image one ASCII byte: eight ASCII bytes at a time, unrolled)
    plain = not (ascii_image == _NO_IMAGE).any()
    k = 0
    for d in range(n_docs):
        p = doc_offsets[d]
        end = doc_offsets[d + 1]
        start = k
        space = True  # whether the last byte written is a space (or nothing is written yet)
        while p < end:
            if plain and p + 8 <= end and (_load64(buf, p) & _HIGH_BITS64) == 0:
                for t in range(8):
                    byte = ascii_image[buf[p + t]]
                    out[k] = byte
                    is_space = byte == 0x20
                    k += int(not (is_space and space))
                    space = is_space
                p += 8
                continue
            c = buf[p]
            if c < 0x80:
                byte = ascii_image[c]
                if byte != _NO_IMAGE:
                    out[k] = byte
                    is_space = byte == 0x20
                    k += int(not (is_space and space))
                    space = is_space
                    p += 1
                    continue
                image = single[c]
                p += 1
            else:
                cp, size = _decode(buf, p)
                if flagged[cp]:
                    flags[d] = True
                image = single[cp]
                p += size
            if image >= 0:
                k, space = _emit(out, k, space, np.int64(image))
            else:
                index = -image - 1
                for t in range(starts[index], starts[index + 1]):
                    k, space = _emit(out, k, space, np.int64(multi[t]))
        if space and k > start:
            k -= 1
        offsets[d + 1] = k
    return out[:k].copy(), offsets, flags


@njit(cache=True, nogil=True)
def code_points(buf, offsets):
    """The code points of each document of an encoded batch: its bytes that are not UTF-8
    continuation bytes (one pass, no temporary array: pass 1 measures every document's
    length in characters). Each document's bytes are read as a slice: LLVM vectorises that
    count, not one indexed by positions (ten times as long)."""
    n = offsets.shape[0] - 1
    counts = np.zeros(n, dtype=np.int64)
    for d in range(n):
        document = buf[offsets[d] : offsets[d + 1]]
        continuations = 0
        for byte in document:
            continuations += (byte & 0xC0) == 0x80
        counts[d] = document.shape[0] - continuations
    return counts


@njit(cache=True, nogil=True)
def valid_utf8(buf, plain):
    """Whether ``buf`` is UTF-8 as Python's strict codec takes it: no overlong form, no
    surrogate, nothing past U+10FFFF, no sequence cut short; with ``plain``, also without a
    carriage return or a byte order mark (U+FEFF) anywhere (what kept.jsonl copies as read).
    Eight bytes are read at a time (one load), and the ASCII ones before the first that is
    not (or is a carriage return, with ``plain``) passed over at once (most bytes of most
    texts); that byte and its sequence are checked one by one."""
    n = buf.shape[0]
    p = 0
    while p < n:
        if p + 8 <= n:
            v = _load64(buf, p)
            skip = _ascii_run64(v, _RETURNS64) if plain else _ascii_run64(v, _HIGH_BITS64)
            p += skip
            if skip == 8:
                continue
        c = buf[p]
        if c < 0x80:
            if plain and c == 0x0D:
                return False
            p += 1
            continue
        if c < 0xC2 or c > 0xF4:
            return False
        if c < 0xE0:
            size, low, high = 2, 0x80, 0xBF
        elif c < 0xF0:
            size = 3
            low = 0xA0 if c == 0xE0 else 0x80
            high = 0x9F if c == 0xED else 0xBF
        else:
            size = 4
            low = 0x90 if c == 0xF0 else 0x80
            high = 0x8F if c == 0xF4 else 0xBF
        if p + size > n or buf[p + 1] < low or buf[p + 1] > high:
            return False
        for k in range(2, size):
            if buf[p + k] < 0x80 or buf[p + k] > 0xBF:
                return False
        if plain and c == 0xEF and buf[p + 1] == 0xBB and buf[p + 2] == 0xBF:
            return False
        p += size
    return True
