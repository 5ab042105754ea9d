"""``dedupe run --index PATH``: deduplicate a batch against itself and an existing index.

Candidates are the batch's own (a normal run, with the index's settings and learned
normalisers) plus every batch document's matches in the index (``Index.query``'s rules, read
only). Clusters are the connected components of all accepted pairs: a cluster that reaches an
indexed document lists it among its members and in ``in_index``, its representative is chosen
by the policy among all members (indexed documents count as read first), and every batch
document in it is dropped from ``kept.jsonl``: the index already holds that story. Clusters
of batch documents only are those of the plain run. The index is not changed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from dedupe.cluster import components
from dedupe.documents import BadRecord
from dedupe.errors import ConfigError
from dedupe.index.index import Index, Match
from dedupe.index.prepare import take
from dedupe.index.settings import FIXED, check_text_free
from dedupe.progress import Progress
from dedupe.represent import ClusterView, roles
from dedupe.result import Cluster, RunResult
from dedupe.store import Prepared


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
    """
    per_run = {k: v for k, v in settings.items() if k not in FIXED or k in given}
    with Index.open(location, read_only=True, **per_run) as index:
        engine = index.engine
        check_text_free(engine, index.keep_text, ("scorer", "representative policy"))
        corpus = engine.open_files(list(inputs))
        try:
            result = engine.run_corpus(corpus, None, on_bad=on_bad, progress=progress)
            if progress is not None:
                progress.stage("comparing with the index")
            _join_index(index, corpus, result)
            if output_dir is not None:
                engine.write(result, Path(output_dir))
        finally:
            corpus.close()
    return result


def _join_index(index: Index, corpus: Any, result: RunResult) -> None:
    """Add the batch's matches in the index to ``result`` (clusters, pairs, kept, counts)."""
    n = result.n_docs
    in_pairs = set(np.unique(result.pairs[result.accepted]).tolist())
    matches: dict[int, list[Match]] = {}
    kept_rows: list[Prepared] = []
    kept_docs: list[int] = []
    start = 0
    for records, prepared, empty in index.prepared_batches(corpus):
        positions = np.setdiff1d(np.arange(len(records)), empty)
        with index.storage.snapshot():
            found = index.matches_in_index(prepared)
        rows = []
        for row, position in enumerate(positions.tolist()):
            doc = start + position
            if row in found:
                matches[doc] = found[row]
            if row in found or doc in in_pairs:
                rows.append(row)
                kept_docs.append(doc)
        kept_rows.append(take(prepared, np.asarray(rows, dtype=np.int64)))
        start += len(records)
    if start != n:
        raise ConfigError("the input changed while it was read (documents differ in number)")
    if not matches:
        result.counts["index"] = {"location": index.location, "batch_documents_in_index": 0}
        return
    index_ids = sorted({m.id for found in matches.values() for m in found})
    node_of = {doc_id: n + k for k, doc_id in enumerate(index_ids)}
    cross = np.array(
        [(doc, node_of[m.id]) for doc, found in matches.items() for m in found], dtype=np.int64
    )
    edges = np.concatenate([result.pairs[result.accepted], cross])
    groups = [g for g in components(n + len(index_ids), edges) if g.max() >= n]
    _replace_clusters(index, result, groups, index_ids, kept_rows, kept_docs)
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


def _replace_clusters(
    index: Index,
    result: RunResult,
    groups: list[np.ndarray],
    index_ids: list[str],
    kept_rows: list[Prepared],
    kept_docs: list[int],
) -> None:
    """Clusters reaching the index replace the batch clusters they contain."""
    engine = index.engine
    n = result.n_docs
    stored = index.storage.fetch(sorted(index.storage.docs_by_id(index_ids).values()))
    indexed = index.as_prepared(sorted(stored, key=lambda d: d.id))
    both = Prepared.concat([indexed, *kept_rows])
    ctx = both.context(**engine.config.extra.get("scorer_options", {}))
    # context numbers: index documents first (0..m-1), then the kept batch documents
    number = {n + k: k for k in range(len(index_ids))}
    number.update({doc: len(index_ids) + k for k, doc in enumerate(kept_docs)})
    replaced = {int(d) for g in groups for d in g.tolist() if d < n}
    replaced_ids = {result.ids[d] for d in replaced}
    clusters = [c for c in result.clusters if replaced_ids.isdisjoint(c.members)]
    primary = engine.scorers[0][0]
    options = {"date_field": engine.config.date_field}
    for group in groups:
        members = np.sort(np.array([number[int(d)] for d in group.tolist()], dtype=np.int64))
        view = ClusterView(members, ctx, options)
        rep = engine.policy(view)
        others = np.array([m for m in members.tolist() if m != rep], dtype=np.int64)
        pairs = np.stack([np.full(len(others), rep), others], axis=1)
        scores = primary(pairs, ctx) if len(pairs) else np.zeros(0)
        member_scores = {both.ids[rep]: 1.0}
        member_scores.update(
            {both.ids[m]: round(float(s), 6) for m, s in zip(others.tolist(), scores, strict=True)}
        )
        clusters.append(
            IndexedCluster(
                0,
                both.ids[rep],
                sorted(both.ids[m] for m in members.tolist()),
                dict(sorted(member_scores.items())),
                {both.ids[m]: r for m, r in sorted(roles(view, rep).items(), key=lambda x: x[0])},
                in_index=sorted(index_ids[int(d) - n] for d in group.tolist() if d >= n),
            )
        )
    result.dropped[np.array(sorted(replaced), dtype=np.int64)] = True
    clusters.sort(key=lambda c: c.members[0])
    for k, cluster in enumerate(clusters):
        cluster.number = k
    result.clusters = clusters


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
    result.accepted = np.concatenate([result.accepted, np.ones(len(rows), dtype=bool)])
    for name in list(result.pair_scores):
        more = np.array([m.scores.get(name, np.nan) for _, _, m in rows], dtype=np.float64)
        result.pair_scores[name] = np.concatenate([result.pair_scores[name], more])
