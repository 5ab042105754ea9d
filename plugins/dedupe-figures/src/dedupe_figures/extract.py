"""The figure reader now lives in dedupe itself: :mod:`dedupe.figures.extract` (kept here so
that ``from dedupe_figures.extract import extract`` still works)."""

from __future__ import annotations

from dedupe.figures.compare import agreement, changed_share, same_company
from dedupe.figures.extract import FIGURE, NAME, Slots, extract, tokens

__all__ = [
    "FIGURE",
    "NAME",
    "Slots",
    "agreement",
    "changed_share",
    "extract",
    "same_company",
    "tokens",
]
