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

from dedupe.cluster import Adjacency, Verify, split_around_centres
from dedupe.result import Cluster
from dedupe.score import PairContext

#: Members beyond this many are compared with a sample of this size (containment matrix).
MAX_COMPARED = 64


def compared_members(members: np.ndarray) -> np.ndarray:
    """All members, or for a big cluster a deterministic sample of :data:`MAX_COMPARED`."""
    if len(members) <= MAX_COMPARED:
        return members
    pick = np.linspace(0, len(members) - 1, MAX_COMPARED).round().astype(np.int64)
    return members[np.unique(pick)]


def within_pairs(groups: list[np.ndarray]) -> np.ndarray:
    """Every pair of compared members of every cluster (what the views will ask for), in no
    particular order: those of two-member clusters (most) first, made in one array."""
    two = [members for members in groups if len(members) == 2]
    parts = [np.asarray(two, dtype=np.int64).reshape(-1, 2)] if two else []
    for members in groups:
        if len(members) <= 2:
            continue
        docs = compared_members(members)
        i, j = np.triu_indices(len(docs), 1)
        parts.append(np.stack([docs[i], docs[j]], axis=1))
    return np.concatenate(parts) if parts else np.zeros((0, 2), dtype=np.int64)


@dataclass
class ClusterView:
    """One cluster: ``members`` (document numbers, sorted) and the context to inspect them."""

    members: np.ndarray
    ctx: PairContext
    options: dict[str, Any]

    @cached_property
    def compared(self) -> np.ndarray:
        """The members that are compared with each other (all, or a deterministic sample)."""
        return compared_members(self.members)

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
        """Shingles shared by each pair of members (prefetched by the engine for a run)."""
        return self.ctx.pair_intersections(pairs)

    def sizes(self, docs: np.ndarray) -> np.ndarray:
        store = self.ctx.store
        return store.sets.sizes[store.rows(docs)]

    def text_length(self, doc: int) -> int:
        """Characters of the document's text as read."""
        store = self.ctx.store
        if len(store.text_length):
            return int(store.text_length[store.row(doc)])
        return len(self.ctx.text(doc))

    def kept_share(self, doc: int) -> float:
        """Length of the normalised text over the raw text's (lower: more markup, chrome)."""
        store = self.ctx.store
        if len(store.kept_share):
            return float(store.kept_share[store.row(doc)])
        raw = len(self.ctx.text(doc))
        return len(self.ctx.normalised_text(doc)) / raw if raw else 1.0

    def removed_share(self, docs: np.ndarray) -> np.ndarray:
        """Share of each document's words that were page furniture (chrome, boilerplate)."""
        store = self.ctx.store
        if len(store.removed_share) == 0:
            return np.zeros(len(docs))
        return np.asarray(store.removed_share[store.rows(docs)])

    def declared(self, docs: np.ndarray) -> np.ndarray:
        """How far each document's own metadata names the article it shows, in [0, 1]."""
        return self.ctx.declared(docs)

    def containment_with(self, rep: int) -> tuple[np.ndarray, np.ndarray]:
        """For every member m: (share of m found in ``rep``, share of ``rep`` found in m)."""
        pairs = np.stack([self.members, np.full(len(self.members), rep)], axis=1)
        inter = self.ctx_intersections(pairs).astype(np.float64)
        sizes = self.sizes(self.members).astype(np.float64)
        rep_size = float(self.sizes(np.array([rep]))[0])
        return inter / np.maximum(sizes, 1.0), inter / max(rep_size, 1.0)


#: Containment (both ways) above which two members hold the same text.
SAME_TEXT = 0.8
#: A member holding less than this share of the original is a teaser (an excerpt).
TEASER_BELOW = 0.5


def role_of(inside_rep: float, rep_inside: float) -> str:
    """A member's role from the share of it found in the representative and the share of
    the representative found in it."""
    if inside_rep >= SAME_TEXT and rep_inside < TEASER_BELOW:
        return "teaser"
    if rep_inside >= SAME_TEXT and inside_rep < SAME_TEXT:
        return "extended"
    return "copy"


def pair_roles(pairs: np.ndarray, reps: np.ndarray, ctx: PairContext) -> list[str]:
    """The role of the non-representative member of each two-member cluster."""
    others = np.where(pairs[:, 0] == reps, pairs[:, 1], pairs[:, 0])
    inter = ctx.pair_intersections(pairs).astype(np.float64)
    sizes = ctx.store.sets.sizes
    inside_rep = inter / np.maximum(sizes[ctx.store.rows(others)], 1.0)
    rep_inside = inter / np.maximum(sizes[ctx.store.rows(reps)], 1.0)
    return [role_of(x, y) for x, y in zip(inside_rep.tolist(), rep_inside.tolist(), strict=True)]


def roles(view: ClusterView, rep: int) -> dict[int, str]:
    """Each member's relation to the representative, from containment in both directions:
    ``original`` (the representative), ``copy`` (the same text, give or take chrome and edits),
    ``teaser`` (a part of the original) or ``extended`` (the original plus added text)."""
    inside_rep, rep_inside = view.containment_with(rep)
    out: dict[int, str] = {}
    for m, a, b in zip(view.members.tolist(), inside_rep, rep_inside, strict=True):
        out[m] = "original" if m == rep else role_of(a, b)
    return out


Choose = Callable[[ClusterView], int]
ChoosePairs = Callable[[np.ndarray, PairContext, dict[str, Any]], np.ndarray]


@dataclass(frozen=True)
class RepresentativePolicy:
    """A named rule ``choose(view) -> member`` for the document each cluster keeps.

    ``needs_text`` says the policy reads texts (``view.ctx.text``); the built-in policies use
    only shingle sets, lengths, chrome shares and metadata. ``choose_pairs(pairs, ctx,
    options)``, when given, makes the same choice for many two-member clusters at once (most
    clusters), returning one member per row.
    """

    name: str
    choose: Choose
    description: str = ""
    needs_text: bool = True
    choose_pairs: ChoosePairs | None = None

    def __call__(self, view: ClusterView) -> int:
        chosen = int(self.choose(view))
        if chosen not in set(view.members.tolist()):
            raise ValueError(f"representative policy {self.name!r} chose a non-member {chosen}")
        return chosen


def _id_rank(ids: list[str], n: int) -> np.ndarray:
    """Each document's position in id order (ties between equal scores go by id, so clusters
    do not depend on the order of the input)."""
    order = sorted(range(n), key=ids.__getitem__)
    rank = np.empty(n, dtype=np.int64)
    rank[np.asarray(order, dtype=np.int64)] = np.arange(n)
    return rank


def _adjacent_scores(adjacency: Adjacency, rep: int, members: np.ndarray) -> np.ndarray:
    """Each member's score against ``rep`` from the accepted pairs (1.0 for ``rep``)."""
    near, edge_scores = adjacency.neighbours(rep)
    at = np.minimum(np.searchsorted(near, members), max(len(near) - 1, 0))
    return np.where(members == rep, 1.0, edge_scores[at] if len(near) else 0.0)


def clusters(
    groups: list[np.ndarray],
    ctx: PairContext,
    ids: list[str],
    n: int,
    adjacency: Adjacency,
    policy: RepresentativePolicy,
    options: dict[str, Any],
    verify: Verify | None = None,
    cannot: set[tuple[int, int]] | None = None,
) -> tuple[list[Cluster], np.ndarray]:
    """Coherent clusters of connected ``groups``: each with its representative (chosen by the
    policy), its members' roles and their scores against it; and which documents are dropped.

    A group whose representative has an accepted pair with every other member is one cluster
    (the common case: copies of one article). In any other group the representative is scored
    against the members it has no pair with (``verify``); those that fail are split off
    around centres of their own (:func:`dedupe.cluster.split_around_centres`), so that every
    dropped document names a kept one it was verified against. Two-member groups are decided
    in bulk when the policy can.
    """
    dropped = np.zeros(n, dtype=bool)
    ctx.prefetch_intersections(within_pairs(groups))
    rank: np.ndarray | None = None
    stars: list[tuple[int, np.ndarray, np.ndarray, dict[int, str]]] = []
    # Two members: a star, decided in bulk unless cannot-linked (links are found in groups of
    # three or more, so never; checked as the one-by-one path checks them all the same).
    bulk = policy.choose_pairs is not None and len(ctx.store.kept_share) > 0
    two = [g for g in groups if len(g) == 2 and not _has_link(cannot or set(), g)]
    if bulk and two:
        pairs = np.stack(two)
        chosen = np.asarray(policy.choose_pairs(pairs, ctx, options), dtype=np.int64)  # type: ignore[misc]
        for members, rep, other_role in zip(
            two, chosen.tolist(), pair_roles(pairs, chosen, ctx), strict=True
        ):
            other = int(members[1] if members[0] == rep else members[0])
            scores = _adjacent_scores(adjacency, rep, members)
            stars.append((rep, members, scores, {rep: "original", other: other_role}))
    in_bulk = {int(g[0]) for g in two} if bulk else set()
    for members in groups:
        if len(members) == 2 and int(members[0]) in in_bulk:
            continue
        view = ClusterView(members, ctx, options)
        rep = policy(view)
        near = adjacency.neighbours(rep)[0]
        star = np.isin(members, near).sum() == len(members) - 1
        if star and not (cannot and _has_link(cannot, members)):
            scores = _adjacent_scores(adjacency, rep, members)
            stars.append((rep, members, scores, roles(view, rep)))
            continue
        if rank is None:
            rank = _id_rank(ids, n)

        def choose(group: np.ndarray) -> int:
            return policy(ClusterView(group, ctx, options))

        for centre, part, scores in split_around_centres(
            members, adjacency, choose, rank, verify, cannot, rep
        ):
            if len(part) < 2:
                continue
            part_view = view if len(part) == len(members) else ClusterView(part, ctx, options)
            stars.append((centre, part, scores, roles(part_view, centre)))
    out: list[Cluster] = []
    for rep, members, member_scores, role in stars:
        by_id = {ids[rep]: 1.0}
        for m, score in zip(members.tolist(), member_scores.tolist(), strict=True):
            if m != rep:
                by_id[ids[m]] = round(float(score), 6)
                dropped[m] = True
        out.append(
            Cluster(
                0,
                ids[rep],
                sorted(ids[m] for m in members.tolist()),
                dict(sorted(by_id.items())),
                {ids[d]: r for d, r in sorted(role.items(), key=lambda x: ids[x[0]])},
            )
        )
    out.sort(key=lambda c: c.members[0])
    for number, cluster in enumerate(out):
        cluster.number = number
    return out, dropped


def _has_link(cannot: set[tuple[int, int]], members: np.ndarray) -> bool:
    """Whether any two members are cannot-linked."""
    if len(members) == 2:
        a, b = sorted(members.tolist())
        return (a, b) in cannot
    inside = set(members.tolist())
    return any(a in inside and b in inside for a, b in cannot)
