"""Cluster stage: coherent clusters of the accepted pairs.

Connected components come first: labels are found by vectorised min-label propagation with
pointer jumping (a union-find in numpy): each round is a few array operations over all edges,
and the number of rounds grows with the logarithm of component diameter, so 10^7 edges take
seconds, not Python loops. A component is a cluster only when its representative has an
accepted pair with every other member; otherwise :func:`split_around_centres` splits it, so
that every document removed is a verified copy of the one kept in its place.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def component_labels(n: int, edges: np.ndarray) -> np.ndarray:
    """Label of each of ``n`` nodes: the smallest node number in its component."""
    labels = np.arange(n, dtype=np.int64)
    if len(edges) == 0:
        return labels
    u = edges[:, 0].astype(np.int64)
    v = edges[:, 1].astype(np.int64)
    while True:
        lu = labels[u]
        lv = labels[v]
        low = np.minimum(lu, lv)
        before = labels.copy()
        # Hook each endpoint's root onto the smaller label, then compress paths.
        np.minimum.at(labels, lu, low)
        np.minimum.at(labels, lv, low)
        while True:
            jumped = labels[labels]
            if np.array_equal(jumped, labels):
                break
            labels = jumped
        if np.array_equal(labels, before):
            return labels


def label_groups(labels: np.ndarray) -> list[np.ndarray]:
    """The positions of ``labels`` grouped by label: groups in label order, positions
    ascending in each."""
    if not len(labels):
        return []
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    boundaries = np.flatnonzero(sorted_labels[1:] != sorted_labels[:-1]) + 1
    return np.split(order, boundaries)


def components(n: int, edges: np.ndarray) -> list[np.ndarray]:
    """Components of two or more nodes, each as sorted node numbers, ordered by smallest node."""
    return [g for g in label_groups(component_labels(n, edges)) if len(g) >= 2]


class Adjacency:
    """The accepted pairs as neighbour lists (CSR): each node's neighbours and edge scores.

    Built once per run; a cluster is split around its representative by looking up the
    representative's neighbours and the edges left among the other members.
    """

    def __init__(self, n: int, edges: np.ndarray, scores: np.ndarray) -> None:
        edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
        scores = np.asarray(scores, dtype=np.float64)
        src = np.concatenate([edges[:, 0], edges[:, 1]])
        dst = np.concatenate([edges[:, 1], edges[:, 0]])
        both = np.concatenate([scores, scores])
        order = np.lexsort((dst, src))
        self.indices = dst[order]
        self.scores = both[order]
        self.indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(src, minlength=n), out=self.indptr[1:])

    def neighbours(self, node: int) -> tuple[np.ndarray, np.ndarray]:
        """The node's neighbours (sorted) and the scores of its edges to them."""
        lo, hi = int(self.indptr[node]), int(self.indptr[node + 1])
        return self.indices[lo:hi], self.scores[lo:hi]

    def edges_within(self, nodes: np.ndarray) -> np.ndarray:
        """The edges whose two ends are both in ``nodes`` (sorted node numbers)."""
        starts, ends = self.indptr[nodes], self.indptr[nodes + 1]
        counts = ends - starts
        src = np.repeat(nodes, counts)
        at = np.repeat(starts - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
        dst = self.indices[np.arange(len(src)) + at]
        keep = (src < dst) & np.isin(dst, nodes, assume_unique=False)
        return np.stack([src[keep], dst[keep]], axis=1)


def _is_linked(links: set[tuple[int, int]], a: int, b: int) -> bool:
    return (min(a, b), max(a, b)) in links


#: Scores pairs ``(centre, member)``: which pass the scorers, and their primary score.
Verify = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]


def split_around_centres(
    members: np.ndarray,
    adjacency: Adjacency,
    choose: Callable[[np.ndarray], int],
    rank: np.ndarray,
    verify: Verify | None = None,
    cannot: set[tuple[int, int]] | None = None,
    centre: int | None = None,
) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """Split one connected group into coherent clusters: ``(centre, members, scores)`` each
    (``scores[k]``: member k's score against the centre, 1.0 for the centre itself).

    Connected components chain documents that share nothing (A copies part of B, B of C). Here
    ``choose`` names the centre of the group (the representative policy) and the centre keeps
    the members it has an accepted pair with; ``verify`` scores the centre against the other
    members too, since candidate generation proposes only some pairs of a big group of copies.
    What is left is split into its own connected groups and treated the same way. Every member
    of a cluster is therefore a verified copy of its centre. Members are admitted best score
    first (ties by ``rank``, an order of ids, so the result does not depend on input order); a
    member with a ``cannot`` link (a pair a scorer vetoed) to one already admitted waits for a
    later cluster. ``centre``, when given, is the centre already chosen for the whole group.
    """
    out: list[tuple[int, np.ndarray, np.ndarray]] = []
    work = [np.sort(np.asarray(members, dtype=np.int64))]
    while work:
        group = work.pop()
        centre = int(choose(group)) if centre is None else centre
        near, scores = adjacency.neighbours(centre)
        inside = np.isin(near, group)
        near, scores = near[inside], scores[inside]
        others = np.setdiff1d(group, np.concatenate([[centre], near]), assume_unique=True)
        if verify is not None and len(others):
            passed, more = verify(np.stack([np.full(len(others), centre), others], axis=1))
            near = np.concatenate([near, others[passed]])
            scores = np.concatenate([scores, more[passed]])
        if cannot:
            order = np.lexsort((rank[near], -scores))
            admitted: list[int] = []  # positions in near
            taken: list[int] = []  # the members admitted (node numbers)
            for k in order.tolist():
                m = int(near[k])
                if not _is_linked(cannot, centre, m) and not any(
                    _is_linked(cannot, m, a) for a in taken
                ):
                    admitted.append(k)
                    taken.append(m)
            near, scores = near[admitted], scores[admitted]
        star = np.concatenate([[centre], near]).astype(np.int64)
        star_scores = np.concatenate([[1.0], scores]).astype(np.float64)
        order = np.argsort(star, kind="stable")
        out.append((centre, star[order], star_scores[order]))
        centre = None
        rest = np.setdiff1d(group, star)
        if len(rest) < 2:
            continue
        edges = adjacency.edges_within(rest)
        if len(edges) == 0:
            continue
        local = np.searchsorted(rest, edges)
        for sub in components(len(rest), local):
            work.append(rest[sub])
    return out
