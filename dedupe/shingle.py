"""Shingle stage: cut each normalised text into n-grams and hash them to 32-bit integers.

A unit returns the hashes of a whole batch in CSR layout (one flat ``uint32`` array plus
offsets), which is what the signature and scoring kernels consume; no per-shingle Python
object is made on the built-in path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from dedupe import kernels

HashBatch = Callable[[Sequence[str], int], tuple[np.ndarray, np.ndarray]]
HashEncoded = Callable[[np.ndarray, np.ndarray, int], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class ShingleUnit:
    """How a text is cut into shingles.

    ``hash_batch(texts, n)`` returns ``(hashes, offsets)``: document ``i``'s shingle hashes are
    ``hashes[offsets[i]:offsets[i+1]]``. ``shingles(text, n)`` returns the same shingles as
    readable strings (used by ``dedupe explain``), in the same order. ``hash_encoded``, when
    given, does what ``hash_batch`` does on a batch already encoded as UTF-8 bytes.
    """

    name: str
    hash_batch: HashBatch
    shingles: Callable[[str, int], list[str]]
    description: str = ""
    hash_encoded: HashEncoded | None = None


def hash_normalised(
    unit: ShingleUnit, chain: Any, texts: list[str], n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Normalise a batch with ``chain`` and hash its shingles, staying in bytes when both the
    chain's tail and the unit have byte kernels."""
    if unit.hash_encoded is not None:
        buf, offsets = chain.encoded(texts)
        return unit.hash_encoded(buf, offsets, n)
    return unit.hash_batch(chain(texts), n)


def hash_encoded(
    unit: ShingleUnit, buf: np.ndarray, offsets: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Hash the shingles of an encoded, normalised batch (decoding it only for a unit without
    a byte kernel)."""
    from dedupe import kernels

    if unit.hash_encoded is not None:
        return unit.hash_encoded(buf, offsets, n)
    return unit.hash_batch(kernels.decode_batch(buf, offsets), n)


@dataclass(frozen=True)
class ShingleSets:
    """Sorted distinct shingle hashes of several documents (CSR), i.e. their shingle *sets*."""

    values: np.ndarray
    offsets: np.ndarray

    @classmethod
    def from_hashes(cls, hashes: np.ndarray, offsets: np.ndarray) -> ShingleSets:
        values, new_offsets = kernels.unique_segments(hashes, offsets)
        return cls(values, new_offsets)

    @cached_property
    def sizes(self) -> np.ndarray:
        """Each set's size (computed once: per-cluster views ask for a few sizes at a time,
        and a diff of all offsets per ask took 9 s of a 1M run's clustering)."""
        return np.diff(self.offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def get(self, i: int) -> np.ndarray:
        return self.values[self.offsets[i] : self.offsets[i + 1]]

    @classmethod
    def concat(cls, parts: Sequence[ShingleSets]) -> ShingleSets:
        if not parts:
            return cls(np.zeros(0, dtype=np.uint32), np.zeros(1, dtype=np.int64))
        values = np.concatenate([p.values for p in parts])
        sizes = np.concatenate([p.sizes for p in parts])
        offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        return cls(values, offsets)

    def take(self, rows: np.ndarray) -> ShingleSets:
        """The sets of the given rows, in that order."""
        rows = np.asarray(rows, dtype=np.int64)
        sizes = self.sizes[rows]
        offsets = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        if len(rows) == 0:
            return ShingleSets(np.zeros(0, dtype=np.uint32), offsets)
        values = np.concatenate([self.values[self.offsets[r] : self.offsets[r + 1]] for r in rows])
        return ShingleSets(values, offsets)
