"""Representatives and member roles, one partition of clusters at a time, on the workers.

After the shuffle on the component label, every member of a cluster is in one partition, with
its data. The partition's documents are numbered in run order (:func:`local_context`) and the
local engine's own step, ``Engine._clusters``, names each cluster's representative with the
configured policy, splits the component around it where it is not one coherent cluster (the
component's accepted pairs arrive in the same partition), labels the members' roles and
scores them against the representative.
Clusters are numbered later, once sorted by their first member id across all partitions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dedupe.cluster import Adjacency
from dedupe.distributed.frames import CLUSTERS, KEY, empty_like
from dedupe.distributed.spec import EngineSpec, worker_engine
from dedupe.distributed.verify import local_context


def represent_partition(part: pd.DataFrame, spec: EngineSpec) -> pd.DataFrame:
    """(key, cluster, dropped) for the clusters of a partition of (doc, label, data) rows."""
    if part.empty:
        return empty_like(CLUSTERS)
    engine, _ = worker_engine(spec)
    is_edge = part["doc"].to_numpy() < 0
    edges = part[is_edge]
    part = part[~is_edge].sort_values("doc", kind="stable")
    if part.empty:
        return empty_like(CLUSTERS)
    docs = part["doc"].to_numpy(dtype=np.int64)
    labels = part["label"].to_numpy(dtype=np.int64)
    data = list(part["data"])
    ctx = local_context(engine, docs, data)
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    groups = np.split(order, np.flatnonzero(sorted_labels[1:] != sorted_labels[:-1]) + 1)
    groups = [np.sort(g) for g in groups if len(g) >= 2]
    ids = [d.id for d in data]
    ends = np.searchsorted(docs, edges[["a", "b"]].to_numpy(dtype=np.int64))
    adjacency = Adjacency(len(docs), ends, edges["s0"].to_numpy(dtype=np.float64))
    clusters, dropped = engine._clusters(groups, ctx, ids, len(docs), adjacency)
    first_doc = {min(ids[int(m)] for m in g): g for g in groups}
    rows = []
    for cluster in clusters:
        members = first_doc[cluster.members[0]]
        gone = [int(docs[m]) for m in members.tolist() if dropped[m]]
        rows.append((cluster.members[0], cluster, gone))
    return pd.DataFrame(
        {
            "key": pd.Series([r[0] for r in rows], dtype=KEY),
            "cluster": pd.Series([r[1] for r in rows], dtype=object),
            "dropped": pd.Series([r[2] for r in rows], dtype=object),
        }
    )


def dropped_docs(part: pd.DataFrame) -> pd.DataFrame:
    """The copies (members other than the representative) of a partition of clusters."""
    docs = [doc for gone in part["dropped"] for doc in gone]
    return pd.DataFrame({"doc": np.asarray(docs, dtype=np.int64)})
