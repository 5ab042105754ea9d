"""The built-in ``ordered`` scorer: the share of the shorter text's word n-grams found in the
longer one in the same order (:mod:`dedupe.ordered`). The ``rewrite`` preset
(:mod:`dedupe.presets`) decides with it: a revision keeps its source's phrases in order, an
independent text on the same topic shares phrases in any order."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from dedupe import kernels
from dedupe.hookspecs import hookimpl
from dedupe.ordered import MAX_OCCURRENCES, MIN_NGRAMS, ordered_scores
from dedupe.score import PairContext, Scorer

#: Word bigrams: a light revision swaps one word in three or four and keeps most bigrams of
#: the rest; longer n-grams rarely survive a revision (benchmarks/README.md, "rewrite").
DEFAULT_NGRAM = 2

#: The share of the shorter text found in order in the other that makes a pair a revision
#: (``--preset rewrite`` sets its own, measured on Clough & Stevenson).
DEFAULT_THRESHOLD = 0.25


def _sequences(ctx: PairContext, docs: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The n-gram hashes of each of ``docs``' normalised texts in text order (CSR), computed
    once per document for the run (``ctx.memo``)."""
    memo: dict[int, np.ndarray] = ctx.memo.setdefault(f"ordered:{n}", {})
    todo = [int(d) for d in docs.tolist() if int(d) not in memo]
    if todo:
        hashes, offsets = kernels.auto_hashes([ctx.normalised_text(d) for d in todo], n)
        for k, d in enumerate(todo):
            memo[d] = hashes[offsets[k] : offsets[k + 1]].copy()
    parts = [memo[int(d)] for d in docs.tolist()]
    offsets = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum([len(p) for p in parts], out=offsets[1:])
    values = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint32)
    return values, offsets


def ordered(pairs: np.ndarray, ctx: PairContext) -> np.ndarray:
    """Share of the shorter document's word n-grams (``ordered_ngram``, default 2) found in
    the longer one in the same order: their longest common subsequence over its length."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    if len(pairs) == 0:
        return np.zeros(0, dtype=np.float64)
    options = ctx.options
    docs, local = np.unique(pairs, return_inverse=True)
    hashes, offsets = _sequences(ctx, docs, int(options.get("ordered_ngram", DEFAULT_NGRAM)))
    return ordered_scores(
        hashes,
        offsets,
        local.reshape(-1, 2),
        int(options.get("ordered_min_ngrams", MIN_NGRAMS)),
        int(options.get("ordered_max_occurrences", MAX_OCCURRENCES)),
    )


ORDERED = Scorer(
    "ordered",
    ordered,
    DEFAULT_THRESHOLD,
    True,
    "share of the shorter text's word bigrams found in the longer one in the same order "
    "(revisions keep their source's order; texts on one topic share phrases in any order)",
    pure=True,
)


@hookimpl
def register_scorers(register: Callable[[Scorer], None]) -> None:
    register(ORDERED)
