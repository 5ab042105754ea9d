"""Signature stage: MinHash signatures of shingle hashes, a whole batch per kernel call.

Values equal datasketch 2's ``MinHash(num_perm, seed, hashfunc=xxhash.xxh32_intdigest,
scheme="affine32")`` fed the same shingles as UTF-8 bytes, so signatures can go into
datasketch's own LSH indexes and storage backends (see :meth:`MinHasher.to_datasketch`).
"""

from __future__ import annotations

import numpy as np
import xxhash
from datasketch import MinHash

from dedupe import kernels


class MinHasher:
    """Computes signatures with the permutations datasketch derives from ``seed``."""

    def __init__(self, num_perm: int = 128, seed: int = 1) -> None:
        self.num_perm = num_perm
        self.seed = seed
        # datasketch itself is the source of truth for the permutation parameters.
        template = MinHash(num_perm=num_perm, seed=seed, scheme="affine32")
        a, b = template.permutations
        self.a = np.ascontiguousarray(a, dtype=np.uint32)
        self.b = np.ascontiguousarray(b, dtype=np.uint32)

    def __call__(self, hashes: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """Signatures of a batch: shape (n_docs, num_perm), dtype uint32."""
        return kernels.minhash(hashes, offsets, self.a, self.b)

    def to_datasketch(self, signature: np.ndarray) -> MinHash:
        """The signature as a datasketch ``MinHash`` (affine32, xxh32 hash function)."""
        return MinHash(
            num_perm=self.num_perm,
            seed=self.seed,
            hashfunc=xxhash.xxh32_intdigest,
            hashvalues=np.asarray(signature, dtype=np.uint32),
            permutations=(self.a, self.b),
            scheme="affine32",
        )
