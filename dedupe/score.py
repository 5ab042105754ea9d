"""Score stage: every candidate pair from LSH is verified by the chosen scorers.

A scorer maps an array of pairs (``(m, 2)`` document numbers) to ``m`` scores in [0, 1]. It
reads what it needs from a :class:`PairContext`: exact shingle sets, signatures, texts. Shared
work (set intersections) is computed once per run and reused by every scorer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from dedupe import kernels
from dedupe.errors import PluginError
from dedupe.store import DocStore

if TYPE_CHECKING:
    from dedupe.normalise import Chain

ScoreFunction = Callable[[np.ndarray, "PairContext"], np.ndarray]


@dataclass(frozen=True)
class Scorer:
    """A named pair score.

    ``func(pairs, ctx)`` returns one float in [0, 1] per pair; a pair passes this scorer when
    its score is at least the threshold (``default_threshold`` unless the user gives one).
    ``symmetric`` says the score of (a, b) equals that of (b, a). ``needs_text`` says the
    scorer reads texts (``ctx.text``, ``ctx.normalised_text``): they are then read again for the
    documents of candidate pairs; a scorer of shingle sets or signatures alone sets it False.
    ``needs_signatures`` says it reads ``ctx.signatures`` (kept in memory only then).
    ``vetoes`` says a pair it rejects is not a copy whatever the other scorers say (with
    ``--decide any`` too) and never ends in one cluster, through other members neither (a
    cannot-link): a scorer that only ever rejects, such as ``figures``, sets it.
    ``pure`` says a pair's score depends on its two documents alone, never on the pairs scored
    with it or before it (what it keeps in ``ctx.memo`` only saves work): an executor may then
    score parts of the pairs elsewhere (the local one on forked processes,
    :mod:`dedupe.executors.forked`), with the same scores.
    """

    name: str
    func: ScoreFunction
    default_threshold: float
    symmetric: bool = True
    description: str = ""
    needs_text: bool = True
    needs_signatures: bool = False
    vetoes: bool = False
    pure: bool = False

    def __call__(self, pairs: np.ndarray, ctx: PairContext) -> np.ndarray:
        split = getattr(ctx, "split_scoring", None) if self.pure else None
        found = split(self, pairs, ctx) if split is not None else self.func(pairs, ctx)
        scores = np.asarray(found, dtype=np.float64)
        if scores.shape != (len(pairs),):
            raise PluginError(
                f"scorer {self.name!r} returned shape {scores.shape} for {len(pairs)} pairs"
            )
        if len(scores) and (np.isnan(scores).any() or scores.min() < 0.0 or scores.max() > 1.0):
            raise PluginError(f"scorer {self.name!r} returned scores outside [0, 1]")
        return scores


class PairContext:
    """Everything a scorer or a representative policy may look at, for the documents of the
    candidate pairs, by document number: texts, normalised texts, ids, metadata, shingle set
    sizes and intersections, signatures, the per-document numbers of pass 1, and ``options``.
    ``store`` is how the context holds them (a :class:`~dedupe.store.DocStore`): a plugin
    reads them through the methods here, which every executor provides alike."""

    def __init__(self, store: DocStore, signatures: np.ndarray | None = None, **options: Any):
        self.store = store
        self.signatures = signatures
        self.options = options
        self._inter_key: bytes | None = None
        self._inter: np.ndarray | None = None
        self._known: tuple[np.ndarray, np.ndarray] | None = None
        #: What scorers derive from documents, kept for the run (by scorer, then document).
        self.memo: dict[str, Any] = {}
        #: How an executor scores a ``pure`` scorer's pairs, ``(scorer, pairs, ctx) ->
        #: scores``, when not all in this process by ``scorer.func`` (None).
        self.split_scoring: Callable[[Scorer, np.ndarray, PairContext], Any] | None = None

    def sizes(self, docs: np.ndarray) -> np.ndarray:
        """Number of distinct shingles of each document."""
        return self.store.sets.sizes[self.store.rows(docs)]

    def removed_share(self, docs: np.ndarray) -> np.ndarray:
        """Share of each document's text that normalisers removed as page furniture."""
        return self.store.removed_share[self.store.rows(docs)]

    def kept_share(self, docs: np.ndarray) -> np.ndarray:
        """Characters of each normalised text over those of the text as read."""
        return self.store.kept_share[self.store.rows(docs)]

    def declared(self, docs: np.ndarray) -> np.ndarray:
        """How far each document's own metadata names the article it shows, in [0, 1] (a
        page's ``og:title`` against its headline; 0 for texts without metadata, and where the
        store does not know)."""
        if len(self.store.declared) != len(self.store.docs):
            return np.zeros(len(docs))
        return np.asarray(self.store.declared[self.store.rows(docs)])

    def set_sizes(self, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Number of distinct shingles of each side of each pair."""
        sizes = self.store.sets.sizes
        return sizes[self.store.rows(pairs[:, 0])], sizes[self.store.rows(pairs[:, 1])]

    def intersections(self, pairs: np.ndarray) -> np.ndarray:
        """Shingles shared by each pair (computed once for the same pairs)."""
        key = pairs.tobytes()
        if self._inter is None or key != self._inter_key:
            rows = np.stack([self.store.rows(pairs[:, 0]), self.store.rows(pairs[:, 1])], axis=1)
            sets = self.store.sets
            self._inter = kernels.intersections(sets.values, sets.offsets, rows)
            self._inter_key = key
        return self._inter

    def prefetch_intersections(self, pairs: np.ndarray) -> None:
        """Compute the intersections of many pairs in one kernel call and keep them for
        :meth:`pair_intersections` (the representative stage asks for every cluster's pairs)."""
        if len(pairs) == 0:
            return
        pairs = np.sort(np.asarray(pairs, dtype=np.int64), axis=1)
        n = len(self.store.row_of)
        codes, index = np.unique(pairs[:, 0] * n + pairs[:, 1], return_index=True)
        rows = np.stack([self.store.rows(pairs[index, 0]), self.store.rows(pairs[index, 1])], 1)
        sets = self.store.sets
        self._known = (codes, kernels.intersections(sets.values, sets.offsets, rows))

    def pair_intersections(self, pairs: np.ndarray) -> np.ndarray:
        """Intersection sizes of any pairs, from the prefetched ones where possible."""
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        ordered = np.sort(pairs, axis=1)
        out = np.full(len(pairs), -1, dtype=np.int64)
        if self._known is not None and len(pairs):
            codes, values = self._known
            wanted = ordered[:, 0] * len(self.store.row_of) + ordered[:, 1]
            at = np.minimum(np.searchsorted(codes, wanted), max(len(codes) - 1, 0))
            hit = codes[at] == wanted if len(codes) else np.zeros(len(pairs), dtype=bool)
            out[hit] = values[at[hit]]
        missing = out < 0
        if missing.any():
            rows = np.stack(
                [self.store.rows(pairs[missing, 0]), self.store.rows(pairs[missing, 1])], axis=1
            )
            sets = self.store.sets
            out[missing] = kernels.intersections(sets.values, sets.offsets, rows)
        return out

    def text(self, doc: int) -> str:
        """The document's text as read."""
        return self.store.text(doc)

    def same_text(self, a: int, b: int) -> bool:
        """Whether two documents' texts as read are the same (told without decoding them
        where the store keeps them encoded)."""
        return self.store.same_text(a, b)

    def normalised_text(self, doc: int) -> str:
        """The document's text after the normaliser chain."""
        return self.store.normalised_text(doc)

    def chain(self) -> Chain | None:
        """The run's normaliser chain (a :class:`~dedupe.normalise.Chain`), or None where the
        context does not know it: a scorer that reads texts at another point of the chain
        (before case folding, say) makes its own from it."""
        chain: Chain | None = self.store.normalise
        return chain

    def id(self, doc: int) -> str:
        return self.store.id(doc)

    def meta(self, doc: int) -> dict[str, Any]:
        return self.store.meta[self.store.row(doc)]


def score_pairs(
    pairs: np.ndarray, scorers: list[Scorer], ctx: PairContext
) -> dict[str, np.ndarray]:
    """Scores of every pair by every scorer, by scorer name."""
    return {scorer.name: scorer(pairs, ctx) for scorer in scorers}
