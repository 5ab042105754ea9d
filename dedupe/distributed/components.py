"""Connected components of the accepted pairs, as Dask dataframes (no graph on the client).

Min-label propagation, one round per Dask computation. The adjacency (each edge in both
directions) and the labels are hash-partitioned alike by node, so a round is one partition-wise
step and one shuffle of the messages:

* in each partition, the local engine's :func:`dedupe.cluster.component_labels` finds the
  components of the partition's own edges, and every node they touch (neighbours held by other
  partitions included) is sent the smallest label known there;
* the messages are shuffled by node, and each node keeps the smallest it receives (its own
  label among them).

Labels are always nodes of the same component and only decrease, so a round that leaves their
sum unchanged leaves them all unchanged: then every edge's ends agree, and each component is
labelled by its smallest node. Rounds grow with a component's diameter counted in partition
hops; clusters of copies are shallow (a few rounds).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from dedupe.cluster import component_labels as local_components
from dedupe.distributed.frames import LABELS, empty_like

#: Rounds before giving up (a chain of copies this long would be a bug, not a corpus).
MAX_ROUNDS = 10_000
_NO_LABEL = np.iinfo(np.int64).max

ADJACENCY = pd.DataFrame({"doc": pd.Series([], dtype="int64"), "nb": pd.Series([], dtype="int64")})


def _start(adjacency: pd.DataFrame) -> pd.DataFrame:
    """Every node of a partition labelled with itself."""
    docs = np.unique(adjacency["doc"].to_numpy(dtype=np.int64))
    return pd.DataFrame({"doc": docs, "label": docs})


def _messages(labels: pd.DataFrame, adjacency: pd.DataFrame) -> pd.DataFrame:
    """(node, label) proposals from one partition's labels and edges."""
    if adjacency.empty:
        return empty_like(LABELS)
    u = adjacency["doc"].to_numpy(dtype=np.int64)
    v = adjacency["nb"].to_numpy(dtype=np.int64)
    nodes = np.unique(np.concatenate([u, v]))
    known = np.full(len(nodes), _NO_LABEL, dtype=np.int64)
    known[np.searchsorted(nodes, labels["doc"].to_numpy(dtype=np.int64))] = labels["label"]
    edges = np.stack([np.searchsorted(nodes, u), np.searchsorted(nodes, v)], axis=1)
    comp = local_components(len(nodes), edges)
    smallest = np.full(len(nodes), _NO_LABEL, dtype=np.int64)
    np.minimum.at(smallest, comp, known)
    proposal = smallest[comp]
    sent = proposal != _NO_LABEL
    return pd.DataFrame({"doc": nodes[sent], "label": proposal[sent]})


def _smallest(part: pd.DataFrame) -> pd.DataFrame:
    """The smallest proposal of each node of a partition (all its proposals are here)."""
    if part.empty:
        return empty_like(LABELS)
    out = part.groupby("doc", sort=True)["label"].min().reset_index()
    return out.astype({"doc": np.int64, "label": np.int64})


def component_labels(edges: Any, client: Any, partitions: int) -> Any:
    """(doc, label) for every node of ``edges`` (a Dask dataframe of (a, b) rows), ``label``
    the smallest node of its component; persisted on the cluster, hash-partitioned by doc into
    ``partitions`` partitions."""
    import dask.dataframe as dd

    both = dd.concat(
        [
            edges.rename(columns={"a": "doc", "b": "nb"}),
            edges.rename(columns={"b": "doc", "a": "nb"})[["doc", "nb"]],
        ]
    )
    adjacency = client.persist(both.shuffle(on="doc", npartitions=partitions))
    labels = client.persist(adjacency.map_partitions(_start, meta=LABELS))
    previous = None
    for _ in range(MAX_ROUNDS):
        messages = dd.map_partitions(
            _messages, labels, adjacency, meta=LABELS, align_dataframes=False
        )
        hooked = messages.shuffle(on="doc", npartitions=partitions)
        labels = client.persist(hooked.map_partitions(_smallest, meta=LABELS))
        total = int(labels["label"].sum().compute())
        if total == previous:
            return labels
        previous = total
    raise RuntimeError("connected components did not converge")  # pragma: no cover
