"""Parts of a run's result, each a :class:`~dedupe.result.RunResult` holding one partition, so
that writers write an executor's shards themselves (:mod:`dedupe.write`), and
:func:`dedupe.testing.check_writer` can hold a writer's shards against its whole file.

A cluster part holds a partition of numbered clusters (and, as ``ids`` and ``dropped``, their
members, the copies marked); a pair part a partition of accepted pairs, in output order; a
kept part one chunk's kept documents, read from the input; the summary the run's settings,
counts, facts, timings and skipped records only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from dedupe.config import Config
from dedupe.corpus import Chunk, Corpus, Location
from dedupe.documents import BadRecord, Record
from dedupe.result import Cluster, RunResult

_NO_PAIRS = np.zeros((0, 2), dtype=np.int64)


def _result(config: Config, **fields: Any) -> RunResult:
    base: dict[str, Any] = {
        "config": config,
        "n_docs": 0,
        "clusters": [],
        "pairs": _NO_PAIRS,
        "pair_scores": {},
        "accepted": np.zeros(0, dtype=bool),
        "ids": [],
        "dropped": np.zeros(0, dtype=bool),
        "bad_records": [],
        "counts": {},
        "timings": {},
        "info": {},
    }
    base.update(fields)
    return RunResult(**base)


def cluster_result(config: Config, clusters: list[Cluster]) -> RunResult:
    """A partition of clusters; ``ids`` are their members, ``dropped`` marks the copies."""
    ids = [m for c in clusters for m in c.members]
    dropped = np.array(
        [m != c.representative for c in clusters for m in c.members], dtype=bool
    ).reshape(-1)
    return _result(config, n_docs=len(ids), clusters=clusters, ids=ids, dropped=dropped)


def pair_result(
    config: Config,
    id_a: list[str],
    id_b: list[str],
    scores: dict[str, np.ndarray],
    via: np.ndarray,
    overlap: np.ndarray | None = None,
) -> RunResult:
    """A partition of accepted pairs in output order: ids (``id_a < id_b``), each scorer's
    scores, whether each was found verifying a member against its representative, and their
    overlap (shared shingles, sizes of the ``id_a`` and ``id_b`` sets: :mod:`dedupe.overlap`)."""
    m = len(id_a)
    ids = [*id_a, *id_b]
    pairs = np.stack([np.arange(m), np.arange(m, 2 * m)], axis=1).astype(np.int64)
    return _result(
        config,
        n_docs=2 * m,
        pairs=pairs.reshape(-1, 2),
        pair_scores=scores,
        accepted=np.ones(m, dtype=bool),
        via_representative=np.asarray(via, dtype=bool),
        pair_overlap=None if overlap is None else np.asarray(overlap, dtype=np.int64),
        ids=ids,
        dropped=np.zeros(2 * m, dtype=bool),
    )


def kept_result(config: Config, corpus: Corpus, chunk: Chunk, keep: set[Location]) -> RunResult:
    """One chunk's kept documents, read again from the input when a writer asks for them."""

    def records() -> Iterator[Record]:
        return (r for r in corpus.read(chunk, keep) if isinstance(r, Record))

    return _result(
        config,
        kept_lines=lambda: corpus.kept_lines(chunk, keep),
        kept_record_reader=records,
        kept_block_reader=lambda: corpus.kept_blocks(chunk, keep),
    )


def summary_result(
    config: Config,
    counts: dict[str, Any],
    timings: dict[str, float],
    info: dict[str, Any],
    bad_records: list[BadRecord],
) -> RunResult:
    """What a summary writer reads (``report.json``): no clusters, pairs or documents."""
    return _result(
        config,
        n_docs=counts["documents_read"],
        bad_records=bad_records,
        counts=counts,
        timings=timings,
        info=info,
    )
