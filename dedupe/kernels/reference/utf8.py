"""Batches of texts as UTF-8 bytes and back, for the reference twins of the byte kernels."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def decode(buf: np.ndarray, offsets: np.ndarray) -> list[str]:
    """Texts from a batch buffer and its document offsets (lone surrogates pass through)."""
    data = np.asarray(buf, dtype=np.uint8).tobytes()
    bounds = np.asarray(offsets).tolist()
    return [
        data[bounds[i] : bounds[i + 1]].decode("utf-8", "surrogatepass")
        for i in range(len(bounds) - 1)
    ]


def encode(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """A batch of texts as one UTF-8 buffer and document offsets."""
    parts = [t.encode("utf-8", "surrogatepass") for t in texts]
    offsets = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum([len(p) for p in parts], out=offsets[1:])
    return np.frombuffer(b"".join(parts), dtype=np.uint8).copy(), offsets
