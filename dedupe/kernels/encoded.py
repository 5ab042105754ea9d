"""The UTF-8 bytes of the last batch a reader of bytes encoded on this thread, reused by the
next encoding of the same text objects.

A normalisation chain encodes a batch twice: ``chrome`` finds its candidate lines in the
batch's bytes and returns text, and the byte normalisers after it encode what the text
normalisers made, most of it the very strings ``chrome`` was given (a ``str`` is immutable:
the same object has the same bytes). :func:`remember` keeps a batch's strings with their
bytes; :func:`reuse` builds the bytes of a later batch from them, encoding only the strings
that are new, and forgets them (the arrays it returns belong to its caller; the buffer is
read-only, as :func:`dedupe.kernels.encode_batch`'s). Nothing is kept across threads: each
thread of pass 1 has its own.
"""

from __future__ import annotations

import operator
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
    are the same objects, anywhere in it (``encode`` for the others; pass 1 normalises the
    documents learning did not prepare apart from those it did), or None when fewer than
    :data:`_MIN_SHARED` of them are; forgets the remembered batch either way."""
    last = getattr(_local, "last", None)
    _local.last = None
    if last is None or not texts:
        return None
    old, buf, offsets = last
    n = len(texts)
    if len(old) == n and all(map(operator.is_, texts, old)):
        return buf, offsets
    # (both batches hold their strings: one id is one object)
    index = {id(t): k for k, t in enumerate(old)}
    where = [index.get(id(t), -1) for t in texts]
    fresh = [k for k, w in enumerate(where) if w < 0]
    if len(fresh) > (1.0 - _MIN_SHARED) * n:
        return None
    sizes = np.diff(offsets)
    made_buf, made_offsets = encode([texts[k] for k in fresh])
    made = made_offsets.tolist()
    positions = np.asarray(where, dtype=np.int64)
    shared = np.flatnonzero(positions >= 0)
    new_sizes = np.zeros(n, dtype=np.int64)
    new_sizes[shared] = sizes[positions[shared]]
    new_sizes[fresh] = np.diff(made_offsets)
    out_offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(new_sizes, out=out_offsets[1:])
    out = np.empty(int(out_offsets[-1]), dtype=np.uint8)
    bounds, placed = offsets.tolist(), out_offsets.tolist()
    k = j = 0
    while k < n:
        w = where[k]
        end = k + 1
        if w < 0:
            out[placed[k] : placed[k + 1]] = made_buf[made[j] : made[j + 1]]
            j += 1
        else:  # a run of documents side by side in both batches, copied at once
            while end < n and where[end] == w + end - k:
                end += 1
            out[placed[k] : placed[end]] = buf[bounds[w] : bounds[w + end - k]]
        k = end
    # (read-only, as the bytes :func:`dedupe.kernels.encode_batch` makes: a kernel given a
    # writable buffer would be another specialisation, compiled and loaded once more)
    out.flags.writeable = False
    return out, out_offsets
