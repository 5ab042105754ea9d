"""Cluster stage: connected components of the accepted pairs.

Labels are found by vectorised min-label propagation with pointer jumping (a union-find in
numpy): each round is a few array operations over all edges, and the number of rounds grows
with the logarithm of component diameter, so 10^7 edges take seconds, not Python loops.
"""

from __future__ import annotations

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


def components(n: int, edges: np.ndarray) -> list[np.ndarray]:
    """Components of two or more nodes, each as sorted node numbers, ordered by smallest node."""
    labels = component_labels(n, edges)
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    boundaries = np.flatnonzero(sorted_labels[1:] != sorted_labels[:-1]) + 1
    groups = np.split(order, boundaries)
    return [g for g in groups if len(g) >= 2]
