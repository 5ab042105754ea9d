"""Decide stage: which scored pairs are duplicates.

With ``all`` (the default) a pair must pass every scorer's threshold, so a scorer can veto
(e.g. a figures scorer keeping templated stories apart); with ``any`` one scorer suffices.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


def accept(
    scores: Mapping[str, np.ndarray],
    thresholds: Sequence[tuple[str, float]],
    mode: str = "all",
) -> np.ndarray:
    """Boolean mask of accepted pairs."""
    masks = [scores[name] >= threshold for name, threshold in thresholds]
    if not masks:
        raise ValueError("no scorer to decide with")
    if mode == "all":
        return np.logical_and.reduce(masks)
    if mode == "any":
        return np.logical_or.reduce(masks)
    raise ValueError(f"decide mode must be 'all' or 'any', not {mode!r}")
