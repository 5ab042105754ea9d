"""dedupe-figures: a scorer that keeps templated stories apart when their figures or names differ.

Wire services publish from templates: "Shr 81 cts vs 57 cts / Net 3,660,273 vs 2,437,914",
"Qtly div 12-1/2 cts vs 12-1/2 cts prior / Pay April 30 / Record April 15", "The Federal
Reserve ... arrange 1.5 billion dlrs of customer repurchase agreements". Two such stories share
most of their shingles, so containment calls them copies; they are different news. A copy, a
teaser or a corrected re-run keeps the figures and names in the places the template puts them.

``figures`` scores a pair by how the figures and names found in the same context agree
(see :mod:`dedupe_figures.extract`): agreeing values / compared values, separately for figures
and for names, the lower of the two. A pair with nothing to compare (too few figures, or none
in a shared context) scores a neutral 1.0, so the scorer only ever vetoes. Use it together
with a text scorer::

    dedupe run reuters.jsonl --id-field newid --text-field title,body \\
        --scorer containment --scorer figures

``numbers`` is the same on figures alone (names ignored).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable

import numpy as np

from dedupe import PairContext, Scorer, hookimpl
from dedupe_figures.extract import Slots, changed_share, extract

__all__ = ["DEFAULT_THRESHOLD", "extract", "figures", "numbers", "register_scorers"]

#: A pair passes when at least this share of the compared figures (and of the names) agree:
#: one corrected figure in four passes, one of two (a different day's rate) does not.
DEFAULT_THRESHOLD = 0.7

# -- start figures-scorer --
# Figures are extracted once per document per run: the scorer sees every candidate pair at
# once, and again for the members of each cluster; the context lives as long as the run.
_SLOTS: weakref.WeakKeyDictionary[PairContext, dict[int, Slots]] = weakref.WeakKeyDictionary()


def slots_of(ctx: PairContext, docs: Iterable[int]) -> dict[int, Slots]:
    """The slots of each document, extracted from its raw text on first use in this run."""
    cache = _SLOTS.setdefault(ctx, {})
    for doc in docs:
        if doc not in cache:
            cache[doc] = extract(ctx.text(doc))
    return cache


def _scores(pairs: np.ndarray, ctx: PairContext, with_names: bool) -> np.ndarray:
    out = np.ones(len(pairs), dtype=np.float64)
    if not len(pairs):
        return out
    slots = slots_of(ctx, np.unique(pairs).tolist())
    for k, (a, b) in enumerate(pairs.tolist()):
        out[k] = 1.0 - changed_share(slots[a], slots[b], names=with_names)
    return out


def figures(pairs: np.ndarray, ctx: PairContext) -> np.ndarray:
    """Agreement of the figures and of the names the two texts hold in the same places."""
    return _scores(pairs, ctx, with_names=True)


def numbers(pairs: np.ndarray, ctx: PairContext) -> np.ndarray:
    """Agreement of the figures alone."""
    return _scores(pairs, ctx, with_names=False)


# -- end figures-scorer --


# -- start register_scorers --
@hookimpl
def register_scorers(register: Callable[[Scorer], None]) -> None:
    """Contribute the ``figures`` and ``numbers`` scorers."""
    register(
        Scorer(
            "figures",
            figures,
            DEFAULT_THRESHOLD,
            True,
            "figures and names in the same places agree (keeps templated stories apart)",
        )
    )
    register(
        Scorer(
            "numbers",
            numbers,
            DEFAULT_THRESHOLD,
            True,
            "figures in the same places agree (names ignored)",
        )
    )


# -- end register_scorers --
