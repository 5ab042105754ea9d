"""Figure-aware verification: templated stories that differ in their figures, dates or subject
are not copies, and a correction stays with the story it corrects.

:mod:`dedupe.figures.extract` reads a document's figures and names under the words around them
and its headline; :mod:`dedupe.figures.compare` says whether two documents agree where their
text is shared; :mod:`dedupe.figures.corrections` tells a correction by its marker. The
``figures`` scorer (:mod:`dedupe.default_plugins.figures`) puts them together.
"""

from __future__ import annotations

from dedupe.figures.compare import changed_share, different_subjects, score
from dedupe.figures.corrections import is_correction
from dedupe.figures.extract import Slots, extract

__all__ = ["Slots", "changed_share", "different_subjects", "extract", "is_correction", "score"]
