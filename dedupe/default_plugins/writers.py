"""Built-in writers: clusters.jsonl, pairs.jsonl, kept.jsonl, dropped.jsonl and report.json."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from dedupe.hookspecs import hookimpl
from dedupe.result import RunResult
from dedupe.write import Writer


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


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


def write_dropped(result: RunResult, path: Path) -> None:
    """Why each removed document was removed: its cluster, original and score."""
    gone = {result.ids[k] for k in np.flatnonzero(result.dropped[: result.n_docs]).tolist()}
    with open(path, "w", encoding="utf-8") as f:
        for cluster in result.clusters:
            for member in cluster.members:
                if member == cluster.representative or member not in gone:
                    continue  # members held elsewhere (an index) are not dropped by the run
                f.write(
                    _dumps(
                        {
                            "id": member,
                            "duplicate_of": cluster.representative,
                            "cluster": cluster.number,
                            "score": cluster.scores.get(member),
                            "role": cluster.roles.get(member, "copy"),
                        }
                    )
                    + "\n"
                )


def write_report(result: RunResult, path: Path) -> None:
    """Parameters, counts, skipped records and timings of the run."""
    skipped: dict[str, int] = {}
    for bad in result.bad_records:
        key = bad.reason.split(":")[0]
        skipped[key] = skipped.get(key, 0) + 1
    report = {
        **result.info,
        "parameters": result.config.to_dict(),
        "counts": result.counts,
        "skipped": {
            "total": len(result.bad_records),
            "by_reason": dict(sorted(skipped.items())),
            "records": [
                {"source": b.source, "line": b.line, "reason": b.reason}
                for b in result.bad_records[:1000]
            ],
        },
        "timings": {k: round(v, 4) for k, v in result.timings.items()},
    }
    with open(path, "w", encoding="utf-8") as f:
        json.dump(report, f, ensure_ascii=False, indent=2)
        f.write("\n")


@hookimpl
def register_writers(register: Callable[[Writer], None]) -> None:
    register(Writer("clusters", "clusters.jsonl", write_clusters, "clusters of copies"))
    register(Writer("pairs", "pairs.jsonl", write_pairs, "accepted pairs with scores"))
    register(Writer("kept", "kept.jsonl", write_kept, "the corpus with copies removed"))
    register(Writer("dropped", "dropped.jsonl", write_dropped, "removed copies and why"))
    register(Writer("report", "report.json", write_report, "parameters, counts, timings"))
