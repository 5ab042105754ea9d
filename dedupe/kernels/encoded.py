"""The UTF-8 bytes of the last batch a reader of bytes encoded on this thread, reused by the
next encoding of the same text objects.

A normalisation chain encodes a batch twice: ``chrome`` finds its candidate lines in the
batch's bytes and returns text, and the byte normalisers after it encode what the text
normalisers made, most of it the very strings ``chrome`` was given (a ``str`` is immutable:
the same object has the same bytes). :func:`remember` keeps a batch's strings with their
bytes; :func:`reuse` builds the bytes of a later batch from them, encoding only the strings
that are new, and forgets them (the arrays it returns belong to its caller, who may write
to them). Nothing is kept across threads: each thread of pass 1 has its own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import numpy as np

#: A batch shares fewer than this share of its strings with the remembered one: encode it
#: whole (copying many short runs costs what encoding them does).
_MIN_SHARED = 0.5

_local = threading.local()


def remember(texts: Sequence[str], buf: np.ndarray, offsets: np.ndarray) -> None:
    """Keep ``texts`` (the objects themselves) with their bytes for :func:`reuse`; the
    caller only reads ``buf``."""
    _local.last = (list(texts), buf, offsets)


def forget() -> None:
    """Drop what :func:`remember` kept (a batch's bytes are megabytes)."""
    _local.last = None


def reuse(
    texts: Sequence[str], encode: Callable[[Sequence[str]], tuple[np.ndarray, np.ndarray]]
) -> tuple[np.ndarray, np.ndarray] | None:
    """The bytes and offsets of ``texts`` made from the remembered batch where its strings
    are the same objects, in the same places (``encode`` for the others), or None when
    fewer than :data:`_MIN_SHARED` of them are; forgets the remembered batch either way."""
    last = getattr(_local, "last", None)
    _local.last = None
    if last is None:
        return None
    old, buf, offsets = last
    n = len(texts)
    if len(old) != n or n == 0:
        return None
    changed = [k for k, (a, b) in enumerate(zip(texts, old, strict=True)) if a is not b]
    if not changed:
        return buf, offsets
    if len(changed) > (1.0 - _MIN_SHARED) * n:
        return None
    new_buf, new_offsets = encode([texts[k] for k in changed])
    sizes = np.diff(offsets)
    sizes[changed] = np.diff(new_offsets)
    out_offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(sizes, out=out_offsets[1:])
    out = np.empty(int(out_offsets[-1]), dtype=np.uint8)
    bounds = offsets.tolist()
    placed = out_offsets.tolist()
    made = new_offsets.tolist()
    start = 0  # the first document of the run of unchanged ones being copied
    for j, k in enumerate(changed):
        if start < k:
            out[placed[start] : placed[k]] = buf[bounds[start] : bounds[k]]
        out[placed[k] : placed[k + 1]] = new_buf[made[j] : made[j + 1]]
        start = k + 1
    if start < n:
        out[placed[start] : placed[n]] = buf[bounds[start] : bounds[n]]
    return out, out_offsets
