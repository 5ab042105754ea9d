"""Every reference twin of a compiled kernel, under the compiled kernel's name: the kernels the
reference backend runs (``DEDUPE_KERNELS=reference``)."""

from __future__ import annotations

from dedupe.kernels.reference.sets import intersections, minhash, unique_segments
from dedupe.kernels.reference.shingles import (
    auto_hashes,
    char_hashes,
    has_character_tokens,
    word_hashes,
    xxh32,
)
from dedupe.kernels.reference.text import (
    any_byte_in,
    any_mapped,
    collapse_spaces,
    docs_to_map,
    lead_kinds,
    map_codepoints,
    map_docs,
    map_or_flag,
    punctuation_to_spaces,
)

__all__ = [
    "any_byte_in",
    "any_mapped",
    "auto_hashes",
    "char_hashes",
    "collapse_spaces",
    "docs_to_map",
    "has_character_tokens",
    "intersections",
    "lead_kinds",
    "map_codepoints",
    "map_docs",
    "map_or_flag",
    "minhash",
    "punctuation_to_spaces",
    "unique_segments",
    "word_hashes",
    "xxh32",
]
