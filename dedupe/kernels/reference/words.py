"""Reference twins of :mod:`dedupe.kernels.compiled.words`, in numpy and Python (same
values)."""

from __future__ import annotations

import numpy as np

_BASE = 0x100000001B3
_LENGTH = np.uint64(0xFF51AFD7ED558CCD)
_SPREAD = 0x9E3779B97F4A7C15
_MASK = (1 << 64) - 1
CAPITAL, CONNECTOR = 1, 2


def _powers(base: int, n: int) -> np.ndarray:
    out = np.empty(n, dtype=np.uint64)
    value = 1
    for i in range(n):
        out[i] = value
        value = (value * base) & _MASK
    return out


def _slot(h: int, size: int) -> int:
    return ((h * _SPREAD) & _MASK) >> (64 - (size.bit_length() - 1))


def word_table(
    cps: np.ndarray, space: np.ndarray, lower: np.ndarray, connectors: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """See the compiled ``word_table``: the polynomial of a word is the difference of two
    prefix sums of ``cps[i] * base**i`` times ``base**-start`` (modulo 2**64)."""
    n = len(cps)
    is_word = ~space[cps].astype(bool)
    edges = np.flatnonzero(np.diff(is_word.astype(np.int8), prepend=0, append=0))
    starts, ends = edges[::2].astype(np.int64), edges[1::2].astype(np.int64)
    with np.errstate(over="ignore"):
        prefix = np.zeros(n + 1, dtype=np.uint64)
        np.cumsum(cps.astype(np.uint64) * _powers(_BASE, n), out=prefix[1:])
        inverse = _powers(pow(_BASE, -1, 1 << 64), n + 1)
        hashes = (prefix[ends] - prefix[starts]) * inverse[starts]
        hashes ^= (ends - starts).astype(np.uint64) * _LENGTH
    changed = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lower[cps].astype(bool), out=changed[1:])
    capital = (changed[ends] - changed[starts]) > 0
    unique, first, counts = np.unique(hashes, return_index=True, return_counts=True)
    order = np.argsort(first)
    unique, first, counts = unique[order], first[order], counts[order]
    kinds = np.where(capital[first], CAPITAL, 0) | np.where(
        np.isin(unique, connectors), CONNECTOR, 0
    )
    size = 16
    while size < 2 * len(starts):
        size *= 2
    slots = np.full(size, -1, dtype=np.int64)
    for number, h in enumerate(unique.tolist()):
        slot = _slot(h, size)
        while slots[slot] >= 0:
            slot = (slot + 1) & (size - 1)
        slots[slot] = number
    return (
        unique,
        starts[first],
        ends[first],
        counts.astype(np.int64),
        kinds.astype(np.uint8),
        slots,
    )


def missing_from(values: np.ndarray, hashes: np.ndarray, slots: np.ndarray) -> np.ndarray:
    """See the compiled ``missing_from``."""
    return np.flatnonzero(~np.isin(values, hashes)).astype(np.int64)
