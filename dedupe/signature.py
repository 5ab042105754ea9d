"""Signature stage: MinHash signatures of shingle hashes, a whole batch per kernel call.

Values equal datasketch 2's ``MinHash(num_perm, seed, hashfunc=xxhash.xxh32_intdigest,
scheme="affine32")`` fed the same shingles as UTF-8 bytes, so signatures can go into
datasketch's own LSH indexes and storage backends (see :meth:`MinHasher.to_datasketch`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from dedupe import kernels

if TYPE_CHECKING:
    from datasketch import MinHash


def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch 2's affine32 permutation parameters ``(a, b)`` for ``seed``: ``a`` odd, drawn
    as ``MinHash._init_permutations`` draws them (tested equal to datasketch's own), so a run
    does not import datasketch (and scipy) to sign."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return np.ascontiguousarray(a, dtype=np.uint32), np.ascontiguousarray(b, dtype=np.uint32)


class MinHasher:
    """Computes signatures with the permutations datasketch derives from ``seed``."""

    def __init__(self, num_perm: int = 128, seed: int = 1) -> None:
        self.num_perm = num_perm
        self.seed = seed
        self.a, self.b = permutations(num_perm, seed)

    def __call__(self, hashes: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """Signatures of a batch: shape (n_docs, num_perm), dtype uint32."""
        return kernels.minhash(hashes, offsets, self.a, self.b)

    def to_datasketch(self, signature: np.ndarray) -> MinHash:
        """The signature as a datasketch ``MinHash`` (affine32, xxh32 hash function)."""
        import xxhash
        from datasketch import MinHash

        return MinHash(
            num_perm=self.num_perm,
            seed=self.seed,
            hashfunc=xxhash.xxh32_intdigest,
            hashvalues=np.asarray(signature, dtype=np.uint32),
            permutations=(self.a, self.b),
            scheme="affine32",
        )
