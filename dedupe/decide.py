"""Decide stage: which scored pairs are duplicates.

With ``all`` (the default) a pair must pass every scorer's threshold, so a scorer can veto
(e.g. a figures scorer keeping templated stories apart); with ``any`` one scorer suffices.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

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


def score_and_decide(
    pairs: np.ndarray,
    scorers: Sequence[tuple[Any, float]],
    ctx: Any,
    mode: str = "all",
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Score pairs scorer by scorer, each one only on the pairs still undecided, and decide.

    With ``all`` a pair rejected by one scorer is not shown to the next (an expensive scorer
    such as a figures check then runs on few pairs); with ``any`` a pair accepted by one is
    not scored further. Scores not computed are NaN.
    """
    scores: dict[str, np.ndarray] = {}
    undecided = np.ones(len(pairs), dtype=bool)
    accepted = np.full(len(pairs), mode == "all")
    for scorer, threshold in scorers:
        values = np.full(len(pairs), np.nan)
        if undecided.any():
            values[undecided] = scorer(pairs[undecided], ctx)
        scores[scorer.name] = values
        passed = values >= threshold
        if mode == "all":
            accepted &= passed
            undecided &= passed
        elif mode == "any":
            accepted |= passed
            undecided &= ~passed
        else:
            raise ValueError(f"decide mode must be 'all' or 'any', not {mode!r}")
    return scores, accepted
