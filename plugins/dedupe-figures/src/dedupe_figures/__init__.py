"""dedupe-figures: the ``numbers`` scorer, figure agreement alone (names and subjects ignored).

This package introduced the ``figures`` scorer, which keeps templated stories apart when their
figures or names differ; it is now built into dedupe (``dedupe.figures``, one of the default
scorers). What is left here is its variant on figures alone, for corpora whose names are noisy
(OCR, machine translation) or where one template is used for many subjects on purpose::

    dedupe run reuters.jsonl --id-field newid --text-field title,body \\
        --scorer containment --scorer numbers

and the plugin guide's example of a scorer (``docs/plugins.md``).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable

import numpy as np

from dedupe import PairContext, Scorer, hookimpl
from dedupe.figures import Slots, score
from dedupe_figures.extract import extract  # the built-in reader (the old import path)

__all__ = ["DEFAULT_THRESHOLD", "extract", "numbers", "register_scorers"]

#: A pair passes when at least this share of the compared figures agree: one corrected
#: figure in four passes, one of two (a different day's rate) does not.
DEFAULT_THRESHOLD = 0.7

# -- start figures-scorer --
# Figures are extracted once per document per run: the scorer sees every candidate pair at
# once, and again for the members of each cluster; the context lives as long as the run.
_SLOTS: weakref.WeakKeyDictionary[PairContext, dict[int, Slots]] = weakref.WeakKeyDictionary()


def slots_of(ctx: PairContext, docs: Iterable[int]) -> dict[int, Slots]:
    """The figures of each document, read from its raw text on first use in this run."""
    cache = _SLOTS.setdefault(ctx, {})
    for doc in docs:
        if doc not in cache:
            cache[doc] = extract(ctx.text(doc))
    return cache


def numbers(pairs: np.ndarray, ctx: PairContext) -> np.ndarray:
    """Agreement of the figures the two texts hold in the same places (1.0: nothing differs
    or nothing to compare)."""
    out = np.ones(len(pairs), dtype=np.float64)
    if not len(pairs):
        return out
    slots = slots_of(ctx, np.unique(pairs).tolist())
    for k, (a, b) in enumerate(pairs.tolist()):
        out[k] = score(slots[a], slots[b], names=False)
    return out


# -- end figures-scorer --


# -- start register_scorers --
@hookimpl
def register_scorers(register: Callable[[Scorer], None]) -> None:
    """Contribute the ``numbers`` scorer: a veto (a pair it rejects never shares a cluster)."""
    register(
        Scorer(
            "numbers",
            numbers,
            DEFAULT_THRESHOLD,
            True,
            "figures in the same places agree (names ignored; a veto)",
            vetoes=True,
            pure=True,
        )
    )


# -- end register_scorers --
