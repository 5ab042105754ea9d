"""``dedupe run --index PATH``: deduplicate a batch against itself and an existing index.

Candidates are the batch's own (a normal run, with the index's settings and learned
normalisers) plus every batch document's matches in the index (``Index.query``'s rules, read
only). Clusters are made from all accepted pairs as a run makes them: a cluster that reaches an
indexed document lists it among its members and in ``in_index``, its representative is chosen
by the policy among its indexed members (the index already holds that story), and every batch
document verified against it is dropped from ``kept.jsonl``. Clusters
of batch documents only are those of the plain run. The index is not changed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dedupe.candidates.anchors import split
from dedupe.cluster import Adjacency, components
from dedupe.decide import Verifier, accept
from dedupe.documents import BadRecord
from dedupe.executors import local
from dedupe.executors.pool import Pool
from dedupe.index.index import Index
from dedupe.index.outcome import Match, matches_of
from dedupe.index.settings import FIXED, check_text_free
from dedupe.overlap import SHARED, SIZE_A, SIZE_B, extended, pair_overlap
from dedupe.pipeline import steps
from dedupe.pipeline.pass2 import candidate_store
from dedupe.pipeline.signed import Signed
from dedupe.plan import RunPlan
from dedupe.progress import Progress
from dedupe.represent import ClusterView, RepresentativePolicy
from dedupe.result import Cluster, RunResult
from dedupe.score import PairContext, score_pairs
from dedupe.store import DocStore, Prepared


@dataclass
class IndexedCluster(Cluster):
    """A cluster that includes indexed documents, named in ``in_index``."""

    in_index: list[str] = field(default_factory=list)

    def to_dict(self, scorer: str) -> dict[str, Any]:
        out = super().to_dict(scorer)
        out["in_index"] = self.in_index
        return out


def run_with_index(
    location: str,
    settings: dict[str, Any],
    given: set[str],
    inputs: Sequence[str | os.PathLike[str]],
    output_dir: str | os.PathLike[str] | None,
    *,
    on_bad: Callable[[BadRecord], None] | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Run over ``inputs`` against the index at ``location``. ``settings`` are the run's;
    the fixed ones (:data:`dedupe.index.settings.FIXED`) are taken from the index unless in
    ``given`` (the options the user typed), where another value than the stored one is refused.
    The run is the local executor's, with one more step after clustering:
    :func:`join_index`, on what pass 1 kept (nothing is read again but the documents that
    match indexed ones, and only when a scorer or the policy reads texts)."""
    per_run = {k: v for k, v in settings.items() if k not in FIXED or k in given}
    with Index.open(location, read_only=True, **per_run) as index:
        check_text_free(index.engine.plan, index.keep_text, ("scorer", "representative policy"))

        def joined(plan: RunPlan, first: Signed, pool: Pool, result: RunResult) -> None:
            if progress is not None:
                progress.stage("comparing with the index")
            join_index(index, plan, first, pool, result)

        return local.run_files(
            index.engine.plan,
            list(inputs),
            output_dir,
            on_bad=on_bad,
            progress=progress,
            extend=joined,
        )


def join_index(index: Index, plan: RunPlan, first: Signed, pool: Pool, result: RunResult) -> None:
    """Add the batch's matches in the index to ``result`` (clusters, pairs, kept, counts):
    candidates by the batch rules from pass 1's band keys and anchors, verified by every
    scorer (an index reports them all), then the clusters they reach made again."""
    n = result.n_docs
    in_pairs = np.unique(result.pairs[result.accepted]).astype(np.int64)
    with index.storage.snapshot():
        pairs = _candidates(index, plan, first)
        stored = index.storage.fetch(np.unique(pairs[:, 1]).tolist()) if len(pairs) else []
        found = {d.doc: k for k, d in enumerate(stored)}
        pairs = pairs[np.isin(pairs[:, 1], np.fromiter(found, np.int64, len(found)))]
        indexed = index.as_prepared(stored)
        docs = np.union1d(pairs[:, 0], in_pairs).astype(np.int64)
        batch = candidate_store(plan, first, docs, pool.texts if plan.needs_text else None)
        matches = _verified(index, plan, first, pairs, found, indexed, batch)
    if not matches:
        result.counts["index"] = {"location": index.location, "batch_documents_in_index": 0}
        return
    kept_docs = np.union1d(np.fromiter(matches, np.int64, len(matches)), in_pairs)
    index_ids = sorted({m.id for found in matches.values() for m in found})
    node_of = {doc_id: n + k for k, doc_id in enumerate(index_ids)}
    cross = np.array(
        [(doc, node_of[m.id]) for doc, found in matches.items() for m in found], dtype=np.int64
    )
    edges = np.concatenate([result.pairs[result.accepted], cross])
    groups = [g for g in components(n + len(index_ids), edges) if g.max() >= n]
    primary = plan.primary
    cross_scores = np.array(
        [m.scores.get(primary, m.score) for found in matches.values() for m in found],
        dtype=np.float64,
    )
    kept = batch.take(kept_docs)
    signatures = first.signatures[kept_docs] if plan.needs_signatures else None
    _replace_clusters(
        index, result, groups, index_ids, kept, signatures, kept_docs, cross, cross_scores
    )
    _add_pairs(index, result, matches, node_of, index_ids)
    touched = sum(int((g < n).sum()) for g in groups)
    dropped = int(result.dropped.sum())
    result.counts.update(
        clusters=len(result.clusters),
        documents_in_clusters=int(sum(len(c.members) for c in result.clusters)),
        duplicates_removed=dropped,
        kept=int(n - dropped),
        index={
            "location": index.location,
            "batch_documents_in_index": len(matches),
            "batch_documents_in_clusters_with_index": touched,
            "index_documents_matched": len(index_ids),
        },
    )


def _candidates(index: Index, plan: RunPlan, first: Signed) -> np.ndarray:
    """Candidate pairs ``(batch document, indexed document)``, sorted, from pass 1's band keys
    and anchors of the batch's documents with shingles, a batch of them at a time."""
    rows = np.setdiff1d(np.arange(len(first.ids)), first.empty).astype(np.int64)
    values, owners = split(first.anchor_codes)
    order = np.argsort(owners, kind="stable")
    values, owners = values[order], owners[order]
    found = []
    step = plan.config.batch_size
    for start in range(0, len(rows), step):
        block = rows[start : start + step]
        lo, hi = np.searchsorted(owners, [block[0], block[-1] + 1])
        local = np.searchsorted(block, owners[lo:hi])
        pairs = index.candidates_in_index(first.band_keys[block], values[lo:hi], local, len(block))
        found.append(np.stack([block[pairs[:, 0]], pairs[:, 1]], axis=1))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    return np.concatenate(found).astype(np.int64)


def _verified(
    index: Index,
    plan: RunPlan,
    first: Signed,
    pairs: np.ndarray,
    found: dict[int, int],
    indexed: Prepared,
    batch: DocStore,
) -> dict[int, list[Match]]:
    """The accepted pairs among ``pairs`` (batch document, indexed document), as each batch
    document's matches: every scorer scores every pair, as :meth:`Index.add` does."""
    if len(pairs) == 0:
        return {}
    m = len(indexed)
    ctx_store = DocStore.concat([indexed.store(), batch])
    signatures = None
    if plan.needs_signatures:
        signatures = np.concatenate([indexed.signatures, first.signatures[batch.docs]])
    ctx = PairContext(ctx_store, signatures, **plan.scorer_options)
    index_rows = np.fromiter((found[d] for d in pairs[:, 1].tolist()), np.int64, len(pairs))
    local = np.stack([index_rows, m + batch.rows(pairs[:, 0])], axis=1)
    scores = score_pairs(local, [s for s, _ in plan.scorers], ctx)
    scores["accepted"] = accept(
        scores,
        [(s.name, t) for s, t in plan.scorers],
        plan.config.decide,
        [s.name for s, _ in plan.scorers if s.vetoes],
    ).astype(np.float64)

    def measure(k: np.ndarray) -> np.ndarray:  # (shared, the batch document's, the indexed)
        return pair_overlap(ctx, local[k])[:, [SHARED, SIZE_B, SIZE_A]]

    names = [s.name for s, _ in plan.scorers]
    return matches_of(scores, names, pairs[:, 0], index_rows, indexed.ids, True, measure)


def _replace_clusters(
    index: Index,
    result: RunResult,
    groups: list[np.ndarray],
    index_ids: list[str],
    kept: DocStore,
    kept_signatures: np.ndarray | None,
    kept_docs: np.ndarray,
    cross: np.ndarray,
    cross_scores: np.ndarray,
) -> None:
    """Clusters reaching the index replace the batch clusters they contain.

    They are made as a run makes clusters (:func:`dedupe.represent.clusters`): each group is
    split around centres so that every dropped batch document was verified against the
    document kept in its place; a group that holds indexed documents takes its centre among
    them (the index already holds that story).
    """
    engine = index.engine
    n = result.n_docs
    stored = index.storage.fetch(sorted(index.storage.docs_by_id(index_ids).values()))
    indexed = index.as_prepared(sorted(stored, key=lambda d: d.id))
    both = DocStore.concat([indexed.store(), kept])
    signatures = None
    if kept_signatures is not None:
        signatures = np.concatenate([indexed.signatures, kept_signatures])
    ctx = PairContext(both, signatures, **engine.plan.scorer_options)
    m = len(index_ids)
    # context numbers: index documents first (0..m-1), then the kept batch documents
    number = np.full(n + m, -1, dtype=np.int64)
    number[n + np.arange(m)] = np.arange(m)
    number[np.asarray(kept_docs, dtype=np.int64)] = m + np.arange(len(kept_docs))
    replaced = {int(d) for g in groups for d in g.tolist() if d < n}
    replaced_ids = {result.ids[d] for d in replaced}
    clusters = [c for c in result.clusters if replaced_ids.isdisjoint(c.members)]
    primary = engine.scorers[0][0].name
    batch_edges = result.pairs[result.accepted]
    edges = np.concatenate([batch_edges, cross]).reshape(-1, 2)
    edge_scores = np.concatenate([result.pair_scores[primary][result.accepted], cross_scores])
    inside = (number[edges[:, 0]] >= 0) & (number[edges[:, 1]] >= 0)
    local_edges = number[edges[inside]]
    adjacency = Adjacency(len(both.ids), local_edges, edge_scores[inside])
    local_groups = [np.sort(number[g]) for g in groups]
    verifier = Verifier(engine.scorers, ctx, engine.config.decide)
    made, gone = steps.represent(
        engine.plan,
        local_groups,
        ctx,
        both.ids,
        len(both.ids),
        adjacency,
        verifier,
        _index_first(engine.policy, m),
    )
    in_index = set(index_ids)
    for cluster in made:
        clusters.append(
            IndexedCluster(
                0,
                cluster.representative,
                cluster.members,
                cluster.scores,
                cluster.roles,
                in_index=sorted(set(cluster.members) & in_index),
            )
        )
    batch_of = {int(local): doc for doc, local in enumerate(number.tolist()) if local >= 0}
    dropped = [batch_of[k] for k in np.flatnonzero(gone).tolist() if batch_of[k] < n]
    # the batch clusters these replace dropped their own copies: decided again here
    result.dropped[np.array(sorted(replaced), dtype=np.int64)] = False
    result.dropped[np.array(sorted(dropped), dtype=np.int64)] = True
    more, more_scores = verifier.accepted_pairs()
    if len(more):  # pairs verified against a centre join pairs.jsonl
        to_run = np.full(len(both.ids), -1, dtype=np.int64)
        for row, doc in batch_of.items():
            to_run[row] = doc
        before = len(result.pairs)
        via = result.via_representative
        via = np.zeros(before, dtype=bool) if via is None else via
        result.via_representative = np.concatenate([via, np.ones(len(more), dtype=bool)])
        result.pairs = np.concatenate([result.pairs, to_run[more]])
        result.pair_overlap = extended(result.pair_overlap, pair_overlap(ctx, more))
        result.accepted = np.concatenate([result.accepted, np.ones(len(more), dtype=bool)])
        for name in list(result.pair_scores):
            result.pair_scores[name] = np.concatenate([result.pair_scores[name], more_scores[name]])
    clusters.sort(key=lambda c: c.members[0])
    for k, cluster in enumerate(clusters):
        cluster.number = k
    result.clusters = clusters


def _index_first(policy: RepresentativePolicy, m: int) -> RepresentativePolicy:
    """``policy`` choosing among the indexed members (numbers below ``m``) when there are any."""

    def choose(view: ClusterView) -> int:
        indexed = view.members[view.members < m]
        if len(indexed) and len(indexed) < len(view.members):
            view = ClusterView(indexed, view.ctx, view.options)
        return policy(view)

    return RepresentativePolicy(policy.name, choose, policy.description, policy.needs_text)


def _add_pairs(
    index: Index,
    result: RunResult,
    matches: dict[int, list[Match]],
    node_of: dict[str, int],
    index_ids: list[str],
) -> None:
    """Batch-index pairs join ``pairs.jsonl`` (indexed ids after the batch's in ``ids``)."""
    rows = [(doc, node_of[m.id], m) for doc, found in matches.items() for m in found]
    result.ids = list(result.ids[: result.n_docs]) + index_ids
    pairs = np.array([(a, b) for a, b, _ in rows], dtype=np.int64)
    result.pairs = np.concatenate([result.pairs, pairs])
    result.pair_overlap = extended(result.pair_overlap, [m.overlap for _, _, m in rows])
    result.accepted = np.concatenate([result.accepted, np.ones(len(rows), dtype=bool)])
    for name in list(result.pair_scores):
        more = np.array([m.scores.get(name, np.nan) for _, _, m in rows], dtype=np.float64)
        result.pair_scores[name] = np.concatenate([result.pair_scores[name], more])
