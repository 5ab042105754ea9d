"""Reference kernels in Python and numpy: always available, and the definition the compiled
kernels are tested against.

:mod:`.strings` holds the shingles as strings (what ``dedupe explain`` shows) and their hashes
from texts; each compiled kernel has a twin of the same name and signature in the module of
its family (:mod:`.shingles`, :mod:`.sets`, :mod:`.text`), gathered in :mod:`.twins`.
"""

from __future__ import annotations

from dedupe.kernels.reference.sets import (
    MAX_HASH,
    U32,
    fmix32,
    intersections,
    minhash,
    unique_segments,
)
from dedupe.kernels.reference.strings import (
    PUNCTUATION,
    auto_hashes,
    auto_shingles,
    auto_tokens,
    char_hashes,
    char_shingles,
    encode,
    word_hashes,
    word_shingles,
)

__all__ = [
    "MAX_HASH",
    "PUNCTUATION",
    "U32",
    "auto_hashes",
    "auto_shingles",
    "auto_tokens",
    "char_hashes",
    "char_shingles",
    "encode",
    "fmix32",
    "intersections",
    "minhash",
    "unique_segments",
    "word_hashes",
    "word_shingles",
]
