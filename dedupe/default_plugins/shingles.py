"""Built-in shingle units: script-aware n-grams (default: words, and characters of scripts
written without spaces), word n-grams and character n-grams."""

from __future__ import annotations

from collections.abc import Callable

from dedupe import kernels
from dedupe.hookspecs import hookimpl
from dedupe.kernels import reference
from dedupe.shingle import ShingleUnit


@hookimpl
def register_shingle_units(register: Callable[[ShingleUnit], None]) -> None:
    compiled = kernels.BACKEND == "compiled"
    register(
        ShingleUnit(
            "auto",
            kernels.auto_hashes,
            reference.auto_shingles,
            "n-grams of words, where a character of a script written without spaces (Chinese, "
            "Japanese, Thai...) or of Arabic, Hebrew, Syriac counts as a word",
            kernels.auto_hashes_encoded if compiled else None,
        )
    )
    register(
        ShingleUnit(
            "word",
            kernels.word_hashes,
            reference.word_shingles,
            "word n-grams of the whitespace-split text, joined by one space",
            kernels.word_hashes_encoded if compiled else None,
        )
    )
    register(
        ShingleUnit(
            "char",
            kernels.char_hashes,
            reference.char_shingles,
            "character n-grams (Unicode code points)",
            kernels.char_hashes_encoded if compiled else None,
        )
    )
