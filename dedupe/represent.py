"""Representative stage: pick, in each cluster, the member to keep and name as the original.

A policy sees a :class:`ClusterView` (member numbers plus the run's pair context) and returns
the member it chooses. The view computes containment between members on demand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from dedupe.score import PairContext

#: Members beyond this many are compared with a sample of this size (containment matrix).
MAX_COMPARED = 64


@dataclass
class ClusterView:
    """One cluster: ``members`` (document numbers, sorted) and the context to inspect them."""

    members: np.ndarray
    ctx: PairContext
    options: dict[str, Any]

    @cached_property
    def compared(self) -> np.ndarray:
        """The members that are compared with each other (all, or a deterministic sample)."""
        if len(self.members) <= MAX_COMPARED:
            return self.members
        pick = np.linspace(0, len(self.members) - 1, MAX_COMPARED).round().astype(np.int64)
        return self.members[np.unique(pick)]

    @cached_property
    def containment(self) -> np.ndarray:
        """``C[i, j]``: share of member i's shingles found in member j (over :attr:`compared`)."""
        docs = self.compared
        k = len(docs)
        i, j = np.triu_indices(k, 1)
        pairs = np.stack([docs[i], docs[j]], axis=1)
        inter = self.ctx_intersections(pairs)
        sizes = self.sizes(docs).astype(np.float64)
        c = np.eye(k)
        c[i, j] = inter / np.maximum(sizes[i], 1.0)
        c[j, i] = inter / np.maximum(sizes[j], 1.0)
        return c

    def ctx_intersections(self, pairs: np.ndarray) -> np.ndarray:
        from dedupe import kernels

        store = self.ctx.store
        rows = np.stack([store.rows(pairs[:, 0]), store.rows(pairs[:, 1])], axis=1)
        return kernels.intersections(store.sets.values, store.sets.offsets, rows)

    def sizes(self, docs: np.ndarray) -> np.ndarray:
        store = self.ctx.store
        return store.sets.sizes[store.rows(docs)]

    def text_length(self, doc: int) -> int:
        return len(self.ctx.text(doc))


Choose = Callable[[ClusterView], int]


@dataclass(frozen=True)
class RepresentativePolicy:
    """A named rule ``choose(view) -> member`` for the document each cluster keeps."""

    name: str
    choose: Choose
    description: str = ""

    def __call__(self, view: ClusterView) -> int:
        chosen = int(self.choose(view))
        if chosen not in set(view.members.tolist()):
            raise ValueError(f"representative policy {self.name!r} chose a non-member {chosen}")
        return chosen
