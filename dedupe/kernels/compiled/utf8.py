"""UTF-8 in compiled kernels: a code point read from, or written into, a byte buffer."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(inline="always", cache=True)
def _decode(buf, p):
    """(code point, length) of the UTF-8 sequence at ``p`` (surrogates allowed)."""
    c = buf[p]
    if c < 0x80:
        return np.int64(c), 1
    if c < 0xE0:
        return (np.int64(c & 0x1F) << 6) | np.int64(buf[p + 1] & 0x3F), 2
    if c < 0xF0:
        return (
            (np.int64(c & 0x0F) << 12)
            | (np.int64(buf[p + 1] & 0x3F) << 6)
            | np.int64(buf[p + 2] & 0x3F)
        ), 3
    return (
        (np.int64(c & 0x07) << 18)
        | (np.int64(buf[p + 1] & 0x3F) << 12)
        | (np.int64(buf[p + 2] & 0x3F) << 6)
        | np.int64(buf[p + 3] & 0x3F)
    ), 4


@njit(inline="always", cache=True)
def _encode(out, k, cp):
    """Write code point ``cp`` as UTF-8 at ``out[k]``; return the new end."""
    if cp < 0x80:
        out[k] = cp
        return k + 1
    if cp < 0x800:
        out[k] = 0xC0 | (cp >> 6)
        out[k + 1] = 0x80 | (cp & 0x3F)
        return k + 2
    if cp < 0x10000:
        out[k] = 0xE0 | (cp >> 12)
        out[k + 1] = 0x80 | ((cp >> 6) & 0x3F)
        out[k + 2] = 0x80 | (cp & 0x3F)
        return k + 3
    out[k] = 0xF0 | (cp >> 18)
    out[k + 1] = 0x80 | ((cp >> 12) & 0x3F)
    out[k + 2] = 0x80 | ((cp >> 6) & 0x3F)
    out[k + 3] = 0x80 | (cp & 0x3F)
    return k + 4
