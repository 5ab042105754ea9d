"""The scorer contract: one number in [0, 1] per pair, symmetric when it says so, the same
whatever else is scored with it."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from dedupe.engine import Engine
from dedupe.score import PairContext, Scorer
from dedupe.testing.corpus import TINY_CORPUS
from dedupe.testing.engines import pair_context


@dataclass(frozen=True)
class ScorerCheck:
    """What :func:`check_scorer` measured: the pairs (document numbers), their ids and scores."""

    pairs: np.ndarray
    ids: list[str]
    scores: np.ndarray

    def score(self, a: str, b: str) -> float:
        """The score of the pair of documents with ids ``a`` and ``b``."""
        i, j = self.ids.index(a), self.ids.index(b)
        hit = np.flatnonzero((self.pairs[:, 0] == i) & (self.pairs[:, 1] == j))
        if not len(hit):
            raise KeyError(f"pair ({a!r}, {b!r}) was not scored")
        return float(self.scores[hit[0]])


def _raw_scores(scorer: Scorer, pairs: np.ndarray, ctx: PairContext) -> np.ndarray:
    try:
        out = scorer.func(pairs, ctx)
    except Exception as exc:
        raise AssertionError(
            f"scorer {scorer.name!r} raised {type(exc).__name__}: {exc} on {len(pairs)} pairs"
        ) from exc
    scores = np.asarray(out, dtype=np.float64)
    assert scores.shape == (len(pairs),), (
        f"scorer {scorer.name!r} returned shape {scores.shape} for {len(pairs)} pairs"
    )
    bad = ~np.isfinite(scores) | (scores < 0.0) | (scores > 1.0)
    assert not bad.any(), (
        f"scorer {scorer.name!r} returned {scores[bad][:5].tolist()} (not in [0, 1]) for pairs "
        f"{pairs[bad][:5].tolist()}"
    )
    return scores


def check_scorer(
    scorer: Scorer,
    documents: Iterable[tuple[str, str]] | None = None,
    *,
    engine: Engine | None = None,
) -> ScorerCheck:
    """Assert that ``scorer`` keeps the scorer contract on real pairs; return what it scored.

    Every ordered pair of distinct ``documents`` (default: :data:`TINY_CORPUS`) is scored at
    once, through a context built as a run builds it (see :func:`pair_context`). Checked:

    - the result has one finite number in [0, 1] per pair (and none for no pairs);
    - ``scorer.symmetric`` is true to its word: (a, b) scores as (b, a);
    - a pair scores the same alone as in the batch, and the batch order does not matter
      (a scorer that caches per document must not mix documents up);
    - ``default_threshold`` is in [0, 1].
    """
    assert isinstance(scorer, Scorer), f"{scorer!r} is not a dedupe.score.Scorer"
    assert 0.0 <= scorer.default_threshold <= 1.0, (
        f"scorer {scorer.name!r}: default_threshold {scorer.default_threshold} is not in [0, 1]"
    )
    docs = list(TINY_CORPUS if documents is None else documents)
    assert len(docs) >= 2, "check_scorer needs at least two documents"
    ctx, ids = pair_context(docs, engine)
    n = len(ids)
    pairs = np.array([(i, j) for i in range(n) for j in range(n) if i != j], dtype=np.int64)

    empty = _raw_scores(scorer, np.zeros((0, 2), dtype=np.int64), ctx)
    assert empty.shape == (0,)
    scores = _raw_scores(scorer, pairs, ctx)

    if scorer.symmetric:
        index = {(int(a), int(b)): k for k, (a, b) in enumerate(pairs)}
        for k, (a, b) in enumerate(pairs):
            other = scores[index[(int(b), int(a))]]
            assert math.isclose(scores[k], other, rel_tol=1e-9, abs_tol=1e-9), (
                f"scorer {scorer.name!r} claims to be symmetric but scores ({ids[a]!r}, "
                f"{ids[b]!r}) {scores[k]:.6f} and the reverse {other:.6f}"
            )

    fresh, _ = pair_context(docs, engine)
    order = np.random.default_rng(0).permutation(len(pairs))
    shuffled = _raw_scores(scorer, pairs[order], fresh)
    assert np.allclose(shuffled, scores[order], rtol=1e-9, atol=1e-9), (
        f"scorer {scorer.name!r} gives different scores when the pairs come in another order"
    )
    for k in (0, len(pairs) // 2, len(pairs) - 1):
        alone, _ = pair_context(docs, engine)
        one = _raw_scores(scorer, pairs[k : k + 1], alone)[0]
        assert math.isclose(one, scores[k], rel_tol=1e-9, abs_tol=1e-9), (
            f"scorer {scorer.name!r} scores ({ids[pairs[k][0]]!r}, {ids[pairs[k][1]]!r}) "
            f"{one:.6f} alone but {scores[k]:.6f} in a batch"
        )
    return ScorerCheck(pairs, ids, scores)
