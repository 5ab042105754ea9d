"""Reference set kernels in numpy, twins of :mod:`dedupe.kernels.compiled.sets` (same names,
same signatures, same values): MinHash signatures, shingle sets, intersections of pairs."""

from __future__ import annotations

import numpy as np

U32 = np.uint32
MAX_HASH = np.uint32(0xFFFFFFFF)


def fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, the pre-mix of datasketch's affine32 scheme."""
    h = h.astype(np.uint32, copy=True)
    h ^= h >> U32(16)
    h *= U32(0x85EBCA6B)
    h ^= h >> U32(13)
    h *= U32(0xC2B2AE35)
    h ^= h >> U32(16)
    return h


def minhash(hashes: np.ndarray, offsets: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Signatures (n_docs, num_perm) uint32: min over shingles of ``a*fmix(h)+b`` mod 2^32.

    One numpy pass per permutation over the whole batch, reduced per document with
    ``minimum.reduceat``; documents without shingles keep the empty value 2^32-1.
    """
    n_docs = len(offsets) - 1
    sig = np.full((n_docs, len(a)), MAX_HASH, dtype=np.uint32)
    if n_docs == 0 or len(hashes) == 0:
        return sig
    mixed = fmix32(hashes)
    starts = offsets[:-1]
    nonempty = offsets[1:] > starts
    idx = starts[nonempty]
    with np.errstate(over="ignore"):
        for k in range(len(a)):
            v = mixed * a[k] + b[k]
            sig[nonempty, k] = np.minimum.reduceat(v, idx)
    return sig


def unique_segments(hashes: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort and deduplicate each document's hashes: the shingle *set* of each document."""
    out: list[np.ndarray] = []
    counts = np.zeros(len(offsets) - 1, dtype=np.int64)
    for d in range(len(offsets) - 1):
        u = np.unique(hashes[offsets[d] : offsets[d + 1]])
        out.append(u)
        counts[d] = len(u)
    new_offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=new_offsets[1:])
    values = np.concatenate(out) if out else np.zeros(0, dtype=np.uint32)
    return values.astype(np.uint32, copy=False), new_offsets


def intersections(values: np.ndarray, offsets: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Size of the intersection of the sorted sets of each pair (rows of ``pairs``)."""
    out = np.zeros(len(pairs), dtype=np.int64)
    for p, (i, j) in enumerate(pairs):
        a = values[offsets[i] : offsets[i + 1]]
        b = values[offsets[j] : offsets[j + 1]]
        out[p] = len(np.intersect1d(a, b, assume_unique=True))
    return out


def sign_batch(
    hashes: np.ndarray,
    offsets: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    doc_numbers: np.ndarray,
    head: int,
    head_rate: int,
    rate: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(signatures, anchors packed ``mixed << 32 | document`` sorted and distinct, set values,
    set offsets) of a batch: :func:`minhash`, the anchor sample (1 in ``head_rate`` of the
    first ``head`` shingles of each document, 1 in ``rate`` after; none when ``rate`` is 0)
    and :func:`unique_segments`."""
    sig = minhash(hashes, offsets, a, b)
    if rate > 0:
        mixed = fmix32(hashes)
        sizes = np.diff(offsets)
        position = np.arange(len(hashes), dtype=np.int64) - np.repeat(offsets[:-1], sizes)
        rates = np.where(position < head, head_rate, rate).astype(np.uint32)
        chosen = (mixed % rates) == 0
        docs = np.repeat(np.asarray(doc_numbers, dtype=np.uint64), sizes)[chosen]
        packed = np.unique((mixed[chosen].astype(np.uint64) << np.uint64(32)) | docs)
    else:
        packed = np.zeros(0, dtype=np.uint64)
    values, set_offsets = unique_segments(hashes, offsets)
    return sig, packed, values, set_offsets
