"""Reference text kernels, twins of :mod:`dedupe.kernels.compiled.text`: the same names,
signatures and values, one character at a time over the decoded texts."""

from __future__ import annotations

import codecs

import numpy as np

from dedupe.kernels.reference.utf8 import decode, encode

#: Character classes (see dedupe.kernels.charclass): 0 other, 1 word, 2 space, 3 underscore.
_OTHER, _SPACE, _UNDERSCORE = 0, 2, 3


def punctuation_to_spaces(
    buf: np.ndarray, doc_offsets: np.ndarray, classes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each run of characters that are neither word characters nor spaces becomes one space,
    as does each run of underscores."""
    out = []
    for text in decode(buf, doc_offsets):
        chars: list[str] = []
        prev = -1
        for c in text:
            cls = int(classes[ord(c)])
            if cls in (_OTHER, _UNDERSCORE):
                if cls != prev:
                    chars.append(" ")
            else:
                chars.append(c)
            prev = cls
        out.append("".join(chars))
    return encode(out)


def collapse_spaces(
    buf: np.ndarray, doc_offsets: np.ndarray, classes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Runs of whitespace become one space, none at either end."""
    out = []
    for text in decode(buf, doc_offsets):
        chars: list[str] = []
        pending = False
        for c in text:
            if classes[ord(c)] == _SPACE:
                pending = True
                continue
            if pending and chars:
                chars.append(" ")
            pending = False
            chars.append(c)
        out.append("".join(chars))
    return encode(out)


def _image(c: str, single: np.ndarray, starts: np.ndarray, multi: np.ndarray) -> str:
    """What a per-code-point map makes of one character."""
    cp = ord(c)
    image = int(single[cp])
    if image == cp:
        return c
    if image >= 0:
        return chr(image)
    index = -image - 1
    return "".join(chr(int(m)) for m in multi[starts[index] : starts[index + 1]])


def map_codepoints(
    buf: np.ndarray,
    doc_offsets: np.ndarray,
    single: np.ndarray,
    starts: np.ndarray,
    multi: np.ndarray,
    expansion: int,
) -> tuple[np.ndarray, np.ndarray]:
    """A per-code-point mapping (see dedupe.kernels.codepoints) applied to every document."""
    every = np.ones(len(doc_offsets) - 1, dtype=bool)
    return map_docs(buf, doc_offsets, single, starts, multi, expansion, every)


def map_docs(
    buf: np.ndarray,
    doc_offsets: np.ndarray,
    single: np.ndarray,
    starts: np.ndarray,
    multi: np.ndarray,
    expansion: int,
    mask: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`map_codepoints` on the documents marked in ``mask``; the others as they are."""
    texts = decode(buf, doc_offsets)
    out = [
        "".join(_image(c, single, starts, multi) for c in t) if mask[k] else t
        for k, t in enumerate(texts)
    ]
    return encode(out)


def map_or_flag(
    buf: np.ndarray,
    doc_offsets: np.ndarray,
    single: np.ndarray,
    starts: np.ndarray,
    multi: np.ndarray,
    expansion: int,
    flagged: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`map_codepoints`, and which documents hold a (non-ASCII) code point marked in
    ``flagged``."""
    texts = decode(buf, doc_offsets)
    flags = np.array([any(ord(c) >= 0x80 and flagged[ord(c)] for c in t) for t in texts], bool)
    mapped, offsets = map_codepoints(buf, doc_offsets, single, starts, multi, expansion)
    return mapped, offsets, flags.reshape(len(texts))


def lead_kinds(single: np.ndarray) -> np.ndarray:
    """Per byte value: 0 the ASCII byte is changed, 1 a sequence it leads cannot be changed,
    2 a sequence it leads may be (decode and look)."""
    kinds = np.ones(256, dtype=np.uint8)  # continuation and invalid bytes never lead
    changed = single != np.arange(len(single))
    kinds[:128] = np.where(changed[:128], 0, 1)
    for lead in range(0xC0, 0xF8):
        if lead < 0xE0:
            first, last = (lead & 0x1F) << 6, ((lead & 0x1F) << 6) | 0x3F
        elif lead < 0xF0:
            first, last = (lead & 0x0F) << 12, ((lead & 0x0F) << 12) | 0xFFF
        else:
            first, last = (lead & 0x07) << 18, ((lead & 0x07) << 18) | 0x3FFFF
        if changed[first : min(last + 1, len(single))].any():
            kinds[lead] = 2
    return kinds


def any_byte_in(buf: np.ndarray, low1: int, high1: int, low2: int, high2: int) -> bool:
    """Whether some byte of ``buf`` is in ``[low1, high1]`` or ``[low2, high2]``."""
    b = np.asarray(buf, dtype=np.uint8)
    return bool((((b >= low1) & (b <= high1)) | ((b >= low2) & (b <= high2))).any())


def code_points(buf: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """The code points of each document of an encoded batch: its bytes that are not UTF-8
    continuation bytes, summed per document (``reduceat`` over the non-empty ones; a running
    sum of the whole batch would take 8 bytes per byte)."""
    starts = (np.asarray(buf, dtype=np.uint8) & 0xC0) != 0x80
    counts = np.zeros(len(offsets) - 1, dtype=np.int64)
    filled = np.flatnonzero(np.diff(offsets) > 0)
    if len(filled):
        # Segments run from one non-empty document's start to the next one's (the empty ones
        # between them hold no bytes), the last one to the batch's end.
        counts[filled] = np.add.reduceat(starts, offsets[filled], dtype=np.int64)
    return counts


def valid_utf8(buf: np.ndarray, plain: bool) -> bool:
    """Whether ``buf`` is UTF-8 as Python's strict codec takes it (it is that codec); with
    ``plain``, also without a carriage return or a byte order mark anywhere."""
    data = np.asarray(buf, dtype=np.uint8).tobytes()
    if plain and (b"\r" in data or codecs.BOM_UTF8 in data):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def any_mapped(buf: np.ndarray, single: np.ndarray, kinds: np.ndarray) -> bool:
    """Whether the mapping changes some code point of the buffer (``kinds``: its
    :func:`lead_kinds`). As the compiled kernel does, ASCII is passed over when the mapping
    leaves the space alone (the maps it is used with change no ASCII then)."""
    skip_ascii = kinds[0x20] == 1
    text = np.asarray(buf, dtype=np.uint8).tobytes().decode("utf-8", "surrogatepass")
    return any(int(single[ord(c)]) != ord(c) for c in text if not (skip_ascii and ord(c) < 0x80))


def docs_to_map(
    buf: np.ndarray,
    doc_offsets: np.ndarray,
    single: np.ndarray,
    kinds: np.ndarray,
    low1: int,
    high1: int,
    low2: int,
    high2: int,
) -> np.ndarray:
    """Which documents the mapping changes (those with a byte in the ranges, then
    :func:`any_mapped` on them)."""
    n = len(doc_offsets) - 1
    mask = np.zeros(n, dtype=bool)
    for d in range(n):
        doc = buf[doc_offsets[d] : doc_offsets[d + 1]]
        if any_byte_in(doc, low1, high1, low2, high2):
            mask[d] = any_mapped(doc, single, kinds)
    return mask


def fused_map(
    buf: np.ndarray,
    doc_offsets: np.ndarray,
    single: np.ndarray,
    starts: np.ndarray,
    multi: np.ndarray,
    expansion: int,
    flagged: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each character's image through a composed table (0x20 a space), runs of spaces as one
    and none at either end; and which documents hold a non-ASCII code point in ``flagged``."""
    texts = decode(buf, doc_offsets)
    flags = np.array([any(ord(c) >= 0x80 and flagged[ord(c)] for c in t) for t in texts], bool)
    images = ("".join(_image(c, single, starts, multi) for c in t) for t in texts)
    out = [" ".join(w for w in image.split(" ") if w) for image in images]
    return (*encode(out), flags.reshape(len(texts)))
