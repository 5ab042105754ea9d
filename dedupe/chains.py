"""The built-in normaliser chains by name, in a leaf module: the settings (:mod:`dedupe.config`)
and the presets (:mod:`dedupe.presets`) both derive from them without importing each other."""

from __future__ import annotations

#: The default chain: page text, site furniture, then the per-code-point folds.
DEFAULT_NORMALISERS: tuple[str, ...] = (
    "html",
    "chrome",
    "boilerplate",
    "nfkc",
    "quotes",
    "scripts",
    "casefold",
    "punctuation",
    "whitespace",
)

#: The ``ocr`` preset's chain: the default one with every space removed (after
#: ``whitespace``), so that a word OCR broke in two or ran into the next, or that a column broke
#: at a line end, gives the same character n-grams (``hyphenation`` would change none of them;
#: the ``aligned`` scorer applies it to read names whole).
OCR_NORMALISERS: tuple[str, ...] = (*DEFAULT_NORMALISERS, "nospace")
