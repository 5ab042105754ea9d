"""Built-in scorers: exact Jaccard, containment, the MinHash estimate of Jaccard, and the
``figures`` veto (:mod:`dedupe.default_plugins.figures`)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from dedupe.default_plugins.figures import FIGURES
from dedupe.hookspecs import hookimpl
from dedupe.score import PairContext, Scorer

#: The default threshold of ``containment``. Copies of wire stories (re-sends with edits,
#: corrections, first takes) score down to 0.5 and below; templated stories that differ in
#: their figures score as high, and the ``figures`` veto keeps them apart. Measured on
#: hand-labelled Reuters pairs (benchmarks/QUALITY.md, "Reuters labelled pairs"): at 0.45
#: precision 0.99 and recall 0.95 with ``figures``; at 0.4 precision falls below 0.97 (tables
#: of other days), at 0.5 recall falls below 0.95; the other labelled sets are unchanged or
#: better than at 0.7.
DEFAULT_CONTAINMENT = 0.45

#: Below this many shingles, "contained in" is weak evidence (a title is contained in its
#: article); containment of such a short text counts only as much as its Jaccard similarity.
MIN_CONTAINMENT_SHINGLES = 10


def jaccard(pairs: np.ndarray, ctx: PairContext) -> np.ndarray:
    """|A ∩ B| / |A ∪ B| on the exact shingle sets."""
    a, b = ctx.set_sizes(pairs)
    inter = ctx.intersections(pairs)
    union = a + b - inter
    return np.where(union > 0, inter / np.maximum(union, 1), 1.0)


def containment(pairs: np.ndarray, ctx: PairContext) -> np.ndarray:
    """Share of the smaller document's shingles found in the larger one.

    A copy wrapped in another site's header and footer, or cut to a teaser, keeps a high
    containment while its Jaccard similarity falls. Texts shorter than
    ``MIN_CONTAINMENT_SHINGLES`` shingles score their Jaccard similarity instead, so a title
    is not "contained" in every article that repeats it.
    """
    a, b = ctx.set_sizes(pairs)
    inter = ctx.intersections(pairs)
    smaller = np.minimum(a, b)
    min_size = int(ctx.options.get("min_containment_shingles", MIN_CONTAINMENT_SHINGLES))
    contained = np.where(smaller > 0, inter / np.maximum(smaller, 1), 1.0)
    short = smaller < min_size
    if short.any():
        return np.where(short, jaccard(pairs, ctx), contained)
    return contained


def minhash_jaccard(pairs: np.ndarray, ctx: PairContext) -> np.ndarray:
    """Share of equal signature values: the MinHash estimate of Jaccard similarity."""
    if ctx.signatures is None or len(ctx.signatures) == 0:
        raise ValueError("the minhash scorer needs signatures (needs_signatures=True)")
    sig = ctx.signatures
    return np.asarray((sig[pairs[:, 0]] == sig[pairs[:, 1]]).mean(axis=1), dtype=np.float64)


@hookimpl
def register_scorers(register: Callable[[Scorer], None]) -> None:
    register(
        Scorer(
            "jaccard",
            jaccard,
            0.5,
            True,
            "exact Jaccard similarity of shingle sets",
            needs_text=False,
        )
    )
    register(
        Scorer(
            "containment",
            containment,
            DEFAULT_CONTAINMENT,
            True,
            "share of the shorter document's shingles found in the longer one",
            needs_text=False,
        )
    )
    register(
        Scorer(
            "minhash",
            minhash_jaccard,
            0.5,
            True,
            "Jaccard similarity estimated from MinHash",
            needs_text=False,
            needs_signatures=True,
        )
    )
    register(FIGURES)
