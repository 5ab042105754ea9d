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


class Verifier:
    """Scores pairs that candidate generation did not propose (a member of a big group of
    copies against the group's representative) and keeps them, accepted or not, so that they
    are reported with the other verified pairs.

    Called with pairs ``(centre, member)``, it returns which pass and their primary score.
    """

    def __init__(self, scorers: Sequence[tuple[Any, float]], ctx: Any, mode: str = "all"):
        self.scorers = scorers
        self.ctx = ctx
        self.mode = mode
        self.pairs: list[np.ndarray] = []
        self.scores: list[dict[str, np.ndarray]] = []
        self.accepted: list[np.ndarray] = []

    def __call__(self, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        scores, accepted = score_and_decide(pairs, self.scorers, self.ctx, self.mode)
        self.pairs.append(pairs)
        self.scores.append(scores)
        self.accepted.append(accepted)
        return accepted, scores[self.scorers[0][0].name]

    @property
    def count(self) -> int:
        """How many pairs were verified here."""
        return int(sum(len(p) for p in self.pairs))

    def accepted_pairs(self) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The pairs verified here that passed, and their scores by scorer."""
        if not self.pairs:
            names = [scorer.name for scorer, _ in self.scorers]
            return np.zeros((0, 2), dtype=np.int64), {name: np.zeros(0) for name in names}
        passed = np.concatenate(self.accepted)
        scores = {
            name: np.concatenate([s[name] for s in self.scores])[passed] for name in self.scores[0]
        }
        return np.concatenate(self.pairs)[passed], scores

    def extend(
        self, pairs: np.ndarray, scores: dict[str, np.ndarray], accepted: np.ndarray
    ) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
        """``pairs``, ``scores`` and ``accepted`` with the pairs that passed here appended."""
        more, more_scores = self.accepted_pairs()
        if len(more) == 0:
            return pairs, scores, accepted
        return (
            np.concatenate([pairs, more]),
            {name: np.concatenate([values, more_scores[name]]) for name, values in scores.items()},
            np.concatenate([accepted, np.ones(len(more), dtype=bool)]),
        )
