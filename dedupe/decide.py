"""Decide stage: which scored pairs are duplicates, and which pairs may never share a cluster.

With ``all`` (the default) a pair must pass every scorer's threshold; with ``any`` one scorer
suffices, except that a scorer that ``vetoes`` (``figures``, ``window``) must pass in both
modes. A pair a vetoing scorer rejects is a *cannot-link*: :func:`cannot_links` checks every
pair inside each group of accepted pairs, so that two templated stories joined through a third
that shares only a rate with each are kept apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

#: Groups of accepted pairs up to this size have every pair of members checked by the vetoing
#: scorers; in bigger ones (thousands of copies of one text) only the candidate pairs are.
MAX_CHECKED_GROUP = 64


def accept(
    scores: Mapping[str, np.ndarray],
    thresholds: Sequence[tuple[str, float]],
    mode: str = "all",
    vetoing: Sequence[str] = (),
) -> np.ndarray:
    """Boolean mask of accepted pairs (``vetoing``: names of scorers that must pass in
    ``any`` mode too)."""
    masks = [scores[name] >= threshold for name, threshold in thresholds]
    if not masks:
        raise ValueError("no scorer to decide with")
    if mode == "all":
        return np.logical_and.reduce(masks)
    if mode == "any":
        vetoes = [m for m, (name, _) in zip(masks, thresholds, strict=True) if name in vetoing]
        others = [m for m, (name, _) in zip(masks, thresholds, strict=True) if name not in vetoing]
        passed = np.logical_or.reduce(others) if others else np.ones_like(masks[0])
        return np.logical_and.reduce([passed, *vetoes]) if vetoes else passed
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
    not scored further, and the vetoing scorers then see only the accepted pairs. Scores not
    computed are NaN.
    """
    if mode not in ("all", "any"):
        raise ValueError(f"decide mode must be 'all' or 'any', not {mode!r}")
    scores: dict[str, np.ndarray] = {}
    undecided = np.ones(len(pairs), dtype=bool)
    accepted = np.full(len(pairs), mode == "all")
    if mode == "any":
        acceptors = [(s, t) for s, t in scorers if not getattr(s, "vetoes", False)]
        vetoing = [(s, t) for s, t in scorers if getattr(s, "vetoes", False)]
        if not acceptors:
            accepted[:] = True
    for scorer, threshold in scorers if mode == "all" else acceptors:
        values = np.full(len(pairs), np.nan)
        if undecided.any():
            values[undecided] = scorer(pairs[undecided], ctx)
        scores[scorer.name] = values
        passed = values >= threshold
        if mode == "all":
            accepted &= passed
            undecided &= passed
        else:
            accepted |= passed
            undecided &= ~passed
    if mode == "any":
        for scorer, threshold in vetoing:
            values = np.full(len(pairs), np.nan)
            if accepted.any():
                values[accepted] = scorer(pairs[accepted], ctx)
            scores[scorer.name] = values
            accepted &= ~(values < threshold)
        scores = {s.name: scores[s.name] for s, _ in scorers}
    return scores, accepted


def vetoed(scores: Mapping[str, np.ndarray], scorers: Sequence[tuple[Any, float]]) -> np.ndarray:
    """Which pairs a vetoing scorer rejected (scored and below its threshold)."""
    n = len(next(iter(scores.values()))) if scores else 0
    out = np.zeros(n, dtype=bool)
    for scorer, threshold in scorers:
        if getattr(scorer, "vetoes", False) and scorer.name in scores:
            values = scores[scorer.name]
            out |= ~np.isnan(values) & (values < threshold)
    return out


def _pair_set(pairs: np.ndarray) -> set[tuple[int, int]]:
    ordered = np.sort(np.asarray(pairs, dtype=np.int64).reshape(-1, 2), axis=1)
    return {(int(a), int(b)) for a, b in ordered.tolist()}


def cannot_links(
    groups: Sequence[np.ndarray],
    scorers: Sequence[tuple[Any, float]],
    ctx: Any,
    into: set[tuple[int, int]] | None = None,
    max_group: int = MAX_CHECKED_GROUP,
) -> set[tuple[int, int]]:
    """The pairs ``(a, b)``, ``a < b``, that may never end in one cluster: every pair of
    members of a group of accepted pairs (a connected component of three to ``max_group``
    members) that a vetoing scorer rejects, added to ``into`` (the set a :class:`Verifier`
    fills with the pairs it vetoes) and returned. Two stories that both pass against a third
    are checked against each other here, whether or not they were a candidate pair; pairs in
    different groups never meet, and in a bigger group (thousands of copies of one text) the
    centre's checks suffice. Only the groups are needed, so the local and distributed engines
    find the same links.
    """
    cannot = into if into is not None else set()
    vetoing = [(s, t) for s, t in scorers if getattr(s, "vetoes", False)]
    wanted = []
    for members in groups:
        if vetoing and 3 <= len(members) <= max_group:
            i, j = np.triu_indices(len(members), 1)
            wanted.append(np.stack([members[i], members[j]], axis=1))
    if not wanted:
        return cannot
    todo = np.sort(np.concatenate(wanted).astype(np.int64), axis=1)
    rejected = np.zeros(len(todo), dtype=bool)
    for scorer, threshold in vetoing:
        open_ = ~rejected
        if open_.any():
            rejected[open_] = scorer(todo[open_], ctx) < threshold
    cannot |= _pair_set(todo[rejected])
    return cannot


class Verifier:
    """Scores pairs that candidate generation did not propose (a member of a big group of
    copies against the group's representative) and keeps them, accepted or not, so that they
    are reported with the other verified pairs.

    Called with pairs ``(centre, member)``, it returns which pass and their primary score.
    Pairs a vetoing scorer rejects are added to ``cannot`` (the run's cannot-links).
    """

    def __init__(
        self,
        scorers: Sequence[tuple[Any, float]],
        ctx: Any,
        mode: str = "all",
        cannot: set[tuple[int, int]] | None = None,
    ):
        self.scorers = scorers
        self.ctx = ctx
        self.mode = mode
        self.cannot = cannot if cannot is not None else set()
        self.pairs: list[np.ndarray] = []
        self.scores: list[dict[str, np.ndarray]] = []
        self.accepted: list[np.ndarray] = []

    def __call__(self, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        scores, accepted = score_and_decide(pairs, self.scorers, self.ctx, self.mode)
        self.pairs.append(pairs)
        self.scores.append(scores)
        self.accepted.append(accepted)
        self.cannot |= _pair_set(pairs[vetoed(scores, self.scorers)])
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
