"""Built-in writers: clusters.jsonl, pairs.jsonl, kept.jsonl, dropped.jsonl and report.json."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from dedupe.hookspecs import hookimpl
from dedupe.result import Cluster, RunResult
from dedupe.write import Writer, dumps_line

#: Every line is one JSON object; non-ASCII text is written as is, except in a line with a
#: lone surrogate (see :func:`dedupe.write.dumps_line`), so ids read back the same.
_dumps = dumps_line


def write_clusters(result: RunResult, path: Path) -> None:
    """One object per cluster of two or more documents, representative named."""
    with open(path, "w", encoding="utf-8") as f:
        for cluster in result.clusters:
            f.write(_dumps(cluster.to_dict(result.primary_scorer)) + "\n")


def write_pairs(result: RunResult, path: Path) -> None:
    """Every accepted pair with the score given by each scorer."""
    scorer = result.primary_scorer
    with open(path, "w", encoding="utf-8") as f:
        for a, b, scores, via in result.accepted_rows():
            row = {"a": a, "b": b, "scorer": scorer, "score": scores[scorer], "scores": scores}
            if via:  # not a candidate pair: a member scored against its representative
                row["via"] = "representative"
            f.write(_dumps(row) + "\n")


def write_kept(result: RunResult, path: Path) -> None:
    """The corpus without its copies: JSON records as they were read, other files as
    ``{"id", "text"}``, in input order."""
    with open(path, "wb") as f:
        for block in result.kept_bytes():
            f.write(block)


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
    and role (every dropped document is on one line; with kept.jsonl and the report's
    skipped records, every input record is accounted for). Members held elsewhere (an index)
    are not dropped by the run and not listed."""
    gone = {result.ids[k] for k in np.flatnonzero(result.dropped[: result.n_docs]).tolist()}
    scorer = result.primary_scorer
    with open(path, "w", encoding="utf-8") as f:
        for cluster in result.clusters:
            for line in dropped_lines(cluster, scorer):
                if line["id"] in gone:
                    f.write(_dumps(line) + "\n")


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
    register(Writer("clusters", "clusters.jsonl", write_clusters, "clusters of copies", "clusters"))
    register(Writer("pairs", "pairs.jsonl", write_pairs, "accepted pairs with scores", "pairs"))
    register(
        Writer(
            "kept", "kept.jsonl", write_kept, "the corpus with copies removed", "kept", join=False
        )
    )
    register(
        Writer("dropped", "dropped.jsonl", write_dropped, "removed copies and why", "clusters")
    )
    register(
        Writer("report", "report.json", write_report, "parameters, counts, timings", summary=True)
    )
