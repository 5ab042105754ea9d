"""Every reference twin of a compiled kernel, under the compiled kernel's name: the kernels the
reference backend runs (``DEDUPE_KERNELS=reference``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dedupe.kernels.reference.lines import chrome_candidates, line_keys
from dedupe.kernels.reference.sets import intersections, minhash, sign_batch, unique_segments
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
    code_points,
    collapse_spaces,
    docs_to_map,
    fused_map,
    lead_kinds,
    map_codepoints,
    map_docs,
    map_or_flag,
    punctuation_to_spaces,
    valid_utf8,
)
from dedupe.kernels.reference.words import differing, word_table

if TYPE_CHECKING:
    from dedupe.kernels.reference.align import aligned_scores


def __getattr__(name: str) -> Any:
    """``aligned_scores``, imported on first use: its module imports numba (to mark the helpers
    its compiled twin inlines), which ``dedupe --help`` and small runs must not wait for."""
    if name == "aligned_scores":
        from dedupe.kernels.reference.align import aligned_scores

        return aligned_scores
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "aligned_scores",
    "any_byte_in",
    "any_mapped",
    "auto_hashes",
    "char_hashes",
    "chrome_candidates",
    "code_points",
    "collapse_spaces",
    "differing",
    "docs_to_map",
    "fused_map",
    "has_character_tokens",
    "intersections",
    "lead_kinds",
    "line_keys",
    "map_codepoints",
    "map_docs",
    "map_or_flag",
    "minhash",
    "punctuation_to_spaces",
    "sign_batch",
    "unique_segments",
    "valid_utf8",
    "word_hashes",
    "word_table",
    "xxh32",
]
