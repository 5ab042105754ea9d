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


@njit(cache=True, nogil=True)
def _fmix32(h):
    h ^= h >> np.uint32(16)
    h = np.uint32(h * np.uint32(0x85EBCA6B))
    h ^= h >> np.uint32(13)
    h = np.uint32(h * np.uint32(0xC2B2AE35))
    h ^= h >> np.uint32(16)
    return h


@njit(cache=True, nogil=True)
def sign_batch(hashes, offsets, a, b, doc_numbers, head, head_rate, rate):
    """What pass 1 keeps of a batch, in one kernel: (signatures as :func:`minhash`, anchors
    packed ``mixed << 32 | document`` sorted and distinct (none when ``rate`` is 0), the
    shingle sets as :func:`unique_segments` (values, offsets)).

    One pass per document over its shingle hashes (text order): the fmix32 mix once per
    shingle for both the signature and the anchors (1 in ``head_rate`` of the first ``head``
    shingles, 1 in ``rate`` after), and an LSD radix sort (4 passes of 8 bits) for the set
    instead of a comparison sort.
    """
    n_docs = offsets.shape[0] - 1
    num_perm = a.shape[0]
    sig = np.empty((n_docs, num_perm), dtype=np.uint32)
    values = np.empty(hashes.shape[0], dtype=np.uint32)
    set_offsets = np.zeros(n_docs + 1, dtype=np.int64)
    anchors = np.empty(hashes.shape[0] if rate > 0 else 0, dtype=np.uint64)
    longest = 0
    for d in range(n_docs):
        longest = max(longest, offsets[d + 1] - offsets[d])
    tmp = np.empty(longest, dtype=np.uint32)
    count = np.empty(256, dtype=np.int64)
    na = 0
    k = 0
    for d in range(n_docs):
        lo = offsets[d]
        m = offsets[d + 1] - lo
        row = sig[d]
        for p in range(num_perm):
            row[p] = np.uint32(0xFFFFFFFF)
        dn = np.uint64(doc_numbers[d])
        first = na
        for i in range(m):
            h = _fmix32(hashes[lo + i])
            for p in range(num_perm):
                row[p] = min(row[p], np.uint32(a[p] * h + b[p]))
            if rate > 0:
                r = head_rate if i < head else rate
                if h % np.uint32(r) == 0:
                    anchors[na] = (np.uint64(h) << np.uint64(32)) | dn
                    na += 1
        # The set: radix sort of the raw hashes; an even number of passes ends in `values`.
        src = values[k : k + m]
        for i in range(m):
            src[i] = hashes[lo + i]
        dst = tmp[:m]
        for shift in range(0, 32, 8):
            count[:] = 0
            for i in range(m):
                count[(src[i] >> np.uint32(shift)) & np.uint32(0xFF)] += 1
            s = 0
            for j in range(256):
                c = count[j]
                count[j] = s
                s += c
            for i in range(m):
                v = src[i]
                j = (v >> np.uint32(shift)) & np.uint32(0xFF)
                dst[count[j]] = v
                count[j] += 1
            src, dst = dst, src
        w = k
        for i in range(m):
            v = values[k + i]
            if i == 0 or v != values[w - 1]:
                values[w] = v
                w += 1
        k = w
        set_offsets[d + 1] = k
        # This document's anchors, sorted (insertion sort: a few dozen) and distinct.
        for i in range(first + 1, na):
            x = anchors[i]
            j = i - 1
            while j >= first and anchors[j] > x:
                anchors[j + 1] = anchors[j]
                j -= 1
            anchors[j + 1] = x
        w = first
        for i in range(first, na):
            if i == first or anchors[i] != anchors[w - 1]:
                anchors[w] = anchors[i]
                w += 1
        na = w
    packed = anchors[:na].copy()
    packed.sort()  # by value across documents (what np.unique of the codes gives)
    return sig, packed, values[:k].copy(), set_offsets
