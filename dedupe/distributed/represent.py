"""Representatives and member roles, one partition of clusters at a time, on the workers.

After the shuffle on the component label, every member of a cluster is in one partition, with
its data. The partition's documents are numbered in run order (:func:`local_context`) and the
step every executor runs, :func:`dedupe.pipeline.steps.represent`, names each cluster's
representative with the configured policy, splits the component around it where it is not
one coherent cluster (the component's accepted pairs arrive in the same partition), labels
the members' roles and scores them against the representative.
Clusters are numbered later, once sorted by their first member id across all partitions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dedupe.cluster import Adjacency
from dedupe.decide import Verifier
from dedupe.distributed.frames import CLUSTERS, KEY, empty_like, scored
from dedupe.distributed.spec import PlanSpec, worker_plan
from dedupe.distributed.verify import local_context, scored_frame
from dedupe.overlap import pair_overlap
from dedupe.pipeline import steps


def represent_partition(part: pd.DataFrame, spec: PlanSpec) -> pd.DataFrame:
    """(key, cluster, dropped, verified, checked) for the clusters of a partition of members
    (doc, label, data) and their accepted pairs (a, b, s0). ``verified`` holds the accepted
    pairs found while splitting a component around its representative (as scored rows) and
    ``checked`` how many pairs were scored to find them, on the partition's first cluster."""
    if part.empty:
        return empty_like(CLUSTERS)
    plan, _ = worker_plan(spec)
    is_edge = part["doc"].to_numpy() < 0
    edges = part[is_edge]
    part = part[~is_edge].sort_values("doc", kind="stable")
    if part.empty:
        return empty_like(CLUSTERS)
    docs = part["doc"].to_numpy(dtype=np.int64)
    labels = part["label"].to_numpy(dtype=np.int64)
    data = list(part["data"])
    ctx = local_context(plan, docs, data)
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    groups = np.split(order, np.flatnonzero(sorted_labels[1:] != sorted_labels[:-1]) + 1)
    groups = [np.sort(g) for g in groups if len(g) >= 2]
    ids = [d.id for d in data]
    ends = np.searchsorted(docs, edges[["a", "b"]].to_numpy(dtype=np.int64))
    adjacency = Adjacency(len(docs), ends, edges["s0"].to_numpy(dtype=np.float64))
    verifier = Verifier(plan.scorers, ctx, plan.config.decide)
    clusters, _ = steps.represent(plan, groups, ctx, ids, len(docs), adjacency, verifier)
    local_of = {doc_id: k for k, doc_id in enumerate(ids)}
    more, scores = verifier.accepted_pairs()
    verified = scored_frame(
        docs[more[:, 0]],
        docs[more[:, 1]],
        [ids[k] for k in more[:, 0].tolist()],
        [ids[k] for k in more[:, 1].tolist()],
        [scores[s.name] for s, _ in plan.scorers],
        np.ones(len(more), dtype=bool),
        pair_overlap(ctx, more),
        via=True,
    )
    rows = []
    for k, cluster in enumerate(clusters):
        gone = [int(docs[local_of[m]]) for m in cluster.members if m != cluster.representative]
        first = k == 0
        rows.append(
            (cluster.members[0], cluster, gone, verified if first else None, verifier.count * first)
        )
    return pd.DataFrame(
        {
            "key": pd.Series([r[0] for r in rows], dtype=KEY),
            "cluster": pd.Series([r[1] for r in rows], dtype=object),
            "dropped": pd.Series([r[2] for r in rows], dtype=object),
            "verified": pd.Series([r[3] for r in rows], dtype=object),
            "checked": pd.Series([r[4] for r in rows], dtype="int64"),
        }
    )


def verified_pairs(part: pd.DataFrame, n_scorers: int) -> pd.DataFrame:
    """The accepted pairs found by :func:`represent_partition`, as scored rows."""
    frames = [v for v in part["verified"] if v is not None and len(v)]
    return pd.concat(frames, ignore_index=True) if frames else empty_like(scored(n_scorers))


def dropped_docs(part: pd.DataFrame) -> pd.DataFrame:
    """The copies (members other than the representative) of a partition of clusters."""
    docs = [doc for gone in part["dropped"] for doc in gone]
    return pd.DataFrame({"doc": np.asarray(docs, dtype=np.int64)})
