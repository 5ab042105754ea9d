"""Built-in writers: clusters, pairs, kept and dropped (tables, in the run's output format:
``clusters.jsonl``, ``.csv`` or ``.parquet``, see :mod:`dedupe.tables`) and report.json."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from dedupe.hookspecs import hookimpl
from dedupe.overlap import overlap_fields
from dedupe.result import Cluster, RunResult
from dedupe.tables import COLUMNS, format_of, record_columns, write_rows
from dedupe.write import Writer


def write_clusters(result: RunResult, path: Path) -> None:
    """One row per cluster of two or more documents, representative named."""
    scorer = result.primary_scorer
    rows = (cluster.to_dict(scorer) for cluster in result.clusters)
    columns = COLUMNS["clusters"]
    if not any(hasattr(c, "in_index") for c in result.clusters):  # not a run --index
        columns = tuple(c for c in columns if c[0] != "in_index")
    write_rows(path, rows, columns)


def pair_line(
    a: str,
    b: str,
    scorer: str,
    scores: dict[str, float | None],
    overlap: tuple[int, int, int] | None,
    via: bool,
) -> dict[str, Any]:
    """One line of ``pairs.jsonl``: ids, the primary scorer's score and every scorer's, the
    overlap (containment both ways, Jaccard, relation and container:
    :func:`dedupe.overlap.overlap_fields`) and ``via``."""
    row: dict[str, Any] = {"a": a, "b": b, "scorer": scorer, "score": scores[scorer]}
    row["scores"] = scores
    if overlap is not None:
        row.update(overlap_fields(*overlap))
    if via:  # not a candidate pair: a member scored against its representative
        row["via"] = "representative"
    return row


def write_pairs(result: RunResult, path: Path) -> None:
    """Every accepted pair with the score given by each scorer and how the two overlap."""
    scorer = result.primary_scorer
    rows = (pair_line(p.a, p.b, scorer, p.scores, p.overlap, p.via) for p in result.pair_rows())
    write_rows(path, rows, COLUMNS["pairs"])


def write_kept(result: RunResult, path: Path) -> None:
    """The corpus without its copies, in input order: as JSON Lines, JSON records as they
    were read and other records as ``{"id", "text"}``; as CSV or Parquet, the same records
    with a column per field (every field any of them has: read twice, once for the columns)."""
    if format_of(path) == "jsonl":
        with open(path, "wb") as f:
            _write_blocks(f, result.kept_bytes())
        return
    columns = record_columns(_kept_rows(result))
    write_rows(path, _kept_rows(result), columns or [("id", "str"), ("text", "str")])


#: Bytes of kept blocks handed to the writing thread at a time, and such batches waiting at most.
_BATCH_BYTES = 4 << 20
_WAITING = 2


def _write_blocks(f: BinaryIO, blocks: Iterable[bytes]) -> None:
    """Write the blocks in order, on a thread while the next ones are read and checked (a
    write to the page cache releases the GIL, as the UTF-8 check does): at most
    :data:`_WAITING` batches of about :data:`_BATCH_BYTES` wait; a write's error is raised
    here (the staged output set is then dropped), and the batches not begun are not written."""
    pending: deque[Future[None]] = deque()
    batch: list[bytes] = []
    size = 0
    with ThreadPoolExecutor(1, thread_name_prefix="dedupe-kept") as writer:
        try:
            for block in blocks:
                batch.append(block)
                size += len(block)
                if size >= _BATCH_BYTES:
                    pending.append(writer.submit(f.writelines, batch))
                    batch, size = [], 0
                    if len(pending) > _WAITING:
                        pending.popleft().result()
            if batch:
                pending.append(writer.submit(f.writelines, batch))
            while pending:
                pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def _kept_rows(result: RunResult) -> Iterator[dict[str, Any]]:
    """Each kept record as the mapping it was read as (a JSON object, a CSV row, a Parquet
    row), or ``{"id", "text"}`` for a record read from text."""
    for record in result.kept_records():
        raw = record.raw
        if isinstance(raw, str):
            try:
                raw = json.loads(raw)
            except ValueError:
                raw = None
        yield raw if isinstance(raw, dict) else {"id": record.id, "text": record.text}


def dropped_lines(cluster: Cluster, scorer: str) -> Iterator[dict[str, Any]]:
    """One object per dropped member of a cluster: its id, the id of the kept representative
    it duplicates, the cluster, its score against the representative (by ``scorer``, the
    first scorer) and its role. The distributed engine writes the same lines."""
    for member in cluster.members:
        if member == cluster.representative:
            continue
        yield {
            "id": member,
            "duplicate_of": cluster.representative,
            "cluster": cluster.number,
            "scorer": scorer,
            "score": cluster.scores.get(member),
            "role": cluster.roles.get(member, "copy"),
        }


def write_dropped(result: RunResult, path: Path) -> None:
    """Why each removed document was removed: the kept document it duplicates, the score
    and role (every dropped document is on one row; with the kept records and the report's
    skipped records, every input record is accounted for). Members held elsewhere (an index)
    are not dropped by the run and not listed."""
    gone = {result.ids[k] for k in np.flatnonzero(result.dropped[: result.n_docs]).tolist()}
    scorer = result.primary_scorer
    rows = (
        line
        for cluster in result.clusters
        for line in dropped_lines(cluster, scorer)
        if line["id"] in gone
    )
    write_rows(path, rows, COLUMNS["dropped"])


def write_report(result: RunResult, path: Path) -> None:
    """Parameters, counts, skipped records and timings of the run. ``skipped.records`` lists
    every skipped record the run kept (all of them up to the engine's limit; ``truncated``
    says when more were skipped than listed)."""
    by_reason: dict[str, int] = {}
    for bad in result.bad_records:
        key = bad.reason.split(":")[0]
        by_reason[key] = by_reason.get(key, 0) + 1
    total = max(int(result.counts.get("documents_skipped", 0)), len(result.bad_records))
    counted = result.counts.get("skipped_by_reason")
    report = {
        **result.info,
        "parameters": result.config.to_dict(),
        "counts": result.counts,
        "skipped": {
            "total": total,
            "by_reason": dict(sorted((counted or by_reason).items())),
            "records": [
                {"source": b.source, "line": b.line, "reason": b.reason} for b in result.bad_records
            ],
            "truncated": total > len(result.bad_records),
        },
        "timings": {k: round(v, 4) for k, v in result.timings.items()},
    }
    text = json.dumps(report, ensure_ascii=False, indent=2)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a file name that is not UTF-8: escaped, read back the same
        text = json.dumps(report, indent=2)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + "\n")


@hookimpl
def register_writers(register: Callable[[Writer], None]) -> None:
    for name, filename, write, what, shards, join in (
        ("clusters", "clusters.jsonl", write_clusters, "clusters of copies", "clusters", True),
        (
            "pairs",
            "pairs.jsonl",
            write_pairs,
            "accepted pairs: scores, containment, relation",
            "pairs",
            True,
        ),
        ("kept", "kept.jsonl", write_kept, "the corpus with copies removed", "kept", False),
        ("dropped", "dropped.jsonl", write_dropped, "removed copies and why", "clusters", True),
    ):
        register(Writer(name, filename, write, what, shards, join=join, tabular=True))
    register(
        Writer("report", "report.json", write_report, "parameters, counts, timings", summary=True)
    )
