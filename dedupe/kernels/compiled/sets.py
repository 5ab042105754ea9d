"""Compiled set kernels: MinHash signatures, shingle sets, and the intersections of pairs of
sets (twins: :mod:`dedupe.kernels.reference.sets`)."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def minhash(hashes, offsets, a, b):
    """MinHash signatures in datasketch's affine32 scheme: min of ``a*fmix32(h)+b`` mod 2^32."""
    n_docs = offsets.shape[0] - 1
    num_perm = a.shape[0]
    sig = np.empty((n_docs, num_perm), dtype=np.uint32)
    for d in range(n_docs):
        row = sig[d]
        for p in range(num_perm):
            row[p] = np.uint32(0xFFFFFFFF)
        for i in range(offsets[d], offsets[d + 1]):
            h = hashes[i]
            h ^= h >> np.uint32(16)
            h = np.uint32(h * np.uint32(0x85EBCA6B))
            h ^= h >> np.uint32(13)
            h = np.uint32(h * np.uint32(0xC2B2AE35))
            h ^= h >> np.uint32(16)
            for p in range(num_perm):
                row[p] = min(row[p], np.uint32(a[p] * h + b[p]))
    return sig


@njit(cache=True, nogil=True)
def unique_segments(hashes, offsets):
    """Sorted, deduplicated hashes per document (the shingle set), CSR layout."""
    n_docs = offsets.shape[0] - 1
    out = np.empty(hashes.shape[0], dtype=np.uint32)
    new_offsets = np.zeros(n_docs + 1, dtype=np.int64)
    k = 0
    for d in range(n_docs):
        seg = np.sort(hashes[offsets[d] : offsets[d + 1]])
        for i in range(seg.shape[0]):
            if i == 0 or seg[i] != seg[i - 1]:
                out[k] = seg[i]
                k += 1
        new_offsets[d + 1] = k
    return out[:k].copy(), new_offsets


@njit(cache=True, nogil=True)
def intersections(values, offsets, pairs):
    """Intersection size of the sorted sets of each pair, by a linear merge."""
    m = pairs.shape[0]
    out = np.zeros(m, dtype=np.int64)
    for p in range(m):
        i = pairs[p, 0]
        j = pairs[p, 1]
        x = offsets[i]
        xe = offsets[i + 1]
        y = offsets[j]
        ye = offsets[j + 1]
        c = 0
        while x < xe and y < ye:
            vx = values[x]
            vy = values[y]
            if vx == vy:
                c += 1
                x += 1
                y += 1
            elif vx < vy:
                x += 1
            else:
                y += 1
        out[p] = c
    return out
