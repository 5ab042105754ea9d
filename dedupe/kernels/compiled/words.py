"""A text's words (runs of non-whitespace, as ``str.split()`` cuts them) as a table: each
distinct word's hash, first place, count and kind, and a hash table of them. The ``figures``
veto compares two documents' words by these (:mod:`dedupe.figures.edits`) instead of sets of
strings: a document's ~600 words made into Python strings cost more than the comparisons."""

from __future__ import annotations

import numpy as np
from numba import njit

#: The word hash: a polynomial in this odd base over the code points (modulo 2**64), its length
#: times :data:`_LENGTH` mixed in (the reference twin computes it with prefix sums).
_BASE = np.uint64(0x100000001B3)
_LENGTH = np.uint64(0xFF51AFD7ED558CCD)
#: Fibonacci hashing's multiplier: a hash's slot is the top bits of it times this.
_SPREAD = np.uint64(0x9E3779B97F4A7C15)
#: A word's kinds (bits): it has a capital (it changes in lower case), it is a connector.
CAPITAL, CONNECTOR = 1, 2


@njit(cache=True, nogil=True)
def _shift(size):
    """What a hash times :data:`_SPREAD` is shifted right by for its slot of ``size`` (a
    power of two)."""
    bits = 0
    while (1 << bits) < size:
        bits += 1
    return np.uint64(64 - bits)


@njit(cache=True, nogil=True)
def word_table(cps, space, lower, connectors):
    """Per distinct word of the code points ``cps``, in order of first occurrence: its hash,
    the character range of that occurrence, its count and kinds (:data:`CAPITAL`: one of its
    code points is flagged in ``lower``, those ``str.lower`` changes; :data:`CONNECTOR`: its
    hash is in ``connectors``, sorted); and the open-addressing table of their numbers by
    hash (``slots``, -1 for none, a power of two at least twice their number). ``space``
    flags the code points of ``str.isspace``."""
    n = cps.shape[0]
    cap = n // 2 + 1
    hashes = np.empty(cap, dtype=np.uint64)
    starts = np.empty(cap, dtype=np.int64)
    ends = np.empty(cap, dtype=np.int64)
    capital = np.zeros(cap, dtype=np.bool_)
    k = 0
    i = 0
    while i < n:
        if space[cps[i]]:
            i += 1
            continue
        s = i
        h = np.uint64(0)
        power = np.uint64(1)
        upper = False
        while i < n and not space[cps[i]]:
            h += np.uint64(cps[i]) * power
            power *= _BASE
            if lower[cps[i]]:
                upper = True
            i += 1
        hashes[k] = h ^ (np.uint64(i - s) * _LENGTH)
        starts[k] = s
        ends[k] = i
        capital[k] = upper
        k += 1
    size = 16
    while size < 2 * k:
        size *= 2
    slots = np.full(size, -1, dtype=np.int64)
    shift = _shift(size)
    u_hashes = np.empty(k, dtype=np.uint64)
    u_starts = np.empty(k, dtype=np.int64)
    u_ends = np.empty(k, dtype=np.int64)
    counts = np.zeros(k, dtype=np.int64)
    kinds = np.zeros(k, dtype=np.uint8)
    out = 0
    for t in range(k):
        h = hashes[t]
        slot = np.int64((h * _SPREAD) >> shift)
        while slots[slot] >= 0 and u_hashes[slots[slot]] != h:
            slot = (slot + 1) & (size - 1)
        if slots[slot] < 0:
            slots[slot] = out
            u_hashes[out] = h
            u_starts[out] = starts[t]
            u_ends[out] = ends[t]
            kind = CAPITAL if capital[t] else 0
            at = np.searchsorted(connectors, h)
            if at < connectors.shape[0] and connectors[at] == h:
                kind |= CONNECTOR
            kinds[out] = kind
            out += 1
        counts[slots[slot]] += 1
    return u_hashes[:out], u_starts[:out], u_ends[:out], counts[:out], kinds[:out], slots


@njit(cache=True, nogil=True)
def missing_from(values, hashes, slots):
    """The positions of the hashes ``values`` that the table ``hashes``/``slots`` (a
    ``word_table``'s) lacks."""
    out = np.empty(values.shape[0], dtype=np.int64)
    size = slots.shape[0]
    shift = _shift(size)
    k = 0
    for i in range(values.shape[0]):
        h = values[i]
        slot = np.int64((h * _SPREAD) >> shift)
        while slots[slot] >= 0 and hashes[slots[slot]] != h:
            slot = (slot + 1) & (size - 1)
        if slots[slot] < 0:
            out[k] = i
            k += 1
    return out[:k]
