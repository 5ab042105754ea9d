"""Compiled (numba) kernels: the values of :mod:`dedupe.kernels.reference`, many times faster.

One module per family, each kernel with a Python twin of the same signature in the reference
package (tested equal in ``tests/test_kernels.py``): shingle hashes (:mod:`.shingles`), sets
and signatures (:mod:`.sets`), text on UTF-8 bytes (:mod:`.text`), the aligned score of text
pairs (:mod:`.align`). Kernels release the GIL
(``nogil=True``) so threads can run them side by side. Importing this package needs numba.
"""

from __future__ import annotations

from dedupe.kernels.compiled.align import aligned_scores
from dedupe.kernels.compiled.lines import chrome_candidates, line_keys
from dedupe.kernels.compiled.sets import intersections, minhash, sign_batch, unique_segments
from dedupe.kernels.compiled.shingles import (
    auto_hashes,
    char_hashes,
    has_character_tokens,
    word_hashes,
    xxh32,
)
from dedupe.kernels.compiled.text import (
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
from dedupe.kernels.compiled.words import differing, word_table

#: The kernels, by family (each has a reference twin of the same name and signature).
FAMILIES: dict[str, tuple[str, ...]] = {
    "shingles": (
        "xxh32",
        "word_hashes",
        "char_hashes",
        "auto_hashes",
        "has_character_tokens",
    ),
    "sets": ("minhash", "unique_segments", "intersections", "sign_batch"),
    "text": (
        "punctuation_to_spaces",
        "collapse_spaces",
        "map_codepoints",
        "map_docs",
        "docs_to_map",
        "map_or_flag",
        "lead_kinds",
        "any_byte_in",
        "any_mapped",
        "fused_map",
        "valid_utf8",
        "code_points",
    ),
    "align": ("aligned_scores",),
    "lines": ("line_keys", "chrome_candidates"),
    "words": ("word_table", "differing"),
}

__all__ = [
    "FAMILIES",
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
