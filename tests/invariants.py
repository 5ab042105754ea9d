"""The "lose nothing" invariant, checked on a run's outputs.

Every input record is in exactly one of ``kept.jsonl`` or ``dropped.jsonl``, or (bad input
only) in the report's skipped list; every dropped record names a kept record it duplicates,
and that pair was verified: it is an accepted pair and passes the run's scorers when scored
again from the texts.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from dedupe import Engine


def _ids(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [json.loads(line)["id"] for line in path.read_text("utf-8").splitlines() if line]


def check_lose_nothing(
    records: list[dict],
    out: Path,
    engine: Engine | None = None,
    bad_lines: int = 0,
    indexed: list[dict] | None = None,
) -> None:
    """Assert the invariant for JSONL input ``records`` (with ``id`` and ``text``) and the
    outputs in ``out``; ``engine`` (when given) re-scores every dropped/kept pair. With
    ``indexed`` (a run against an index holding those records), a dropped record may name an
    indexed one instead of a kept one."""
    kept = _ids(out / "kept.jsonl")
    dropped_rows = [json.loads(x) for x in (out / "dropped.jsonl").read_text("utf-8").splitlines()]
    dropped = [r["id"] for r in dropped_rows]
    report = json.loads((out / "report.json").read_text("utf-8"))
    skipped = report["skipped"]["total"]
    assert not any("empty after normalisation" in r["reason"] for r in report["skipped"]["records"])
    assert len(kept) == len(set(kept)), "a record is kept twice"
    assert len(dropped) == len(set(dropped)), "a record is dropped twice"
    assert not set(kept) & set(dropped), "a record is both kept and dropped"
    wanted = [r["id"] for r in records]
    assert sorted(kept + dropped) == sorted(wanted), f"records lost or invented: {kept=} {dropped=}"
    assert skipped == bad_lines
    kept_set = set(kept) | {r["id"] for r in indexed or []}
    pairs = {
        tuple(sorted((p["a"], p["b"])))
        for p in map(json.loads, (out / "pairs.jsonl").read_text("utf-8").splitlines())
    }
    for row in dropped_rows:
        assert row["duplicate_of"] in kept_set, f"{row['id']} duplicates a record not kept"
        assert tuple(sorted((row["id"], row["duplicate_of"]))) in pairs, (
            f"{row['id']} was dropped without a verified pair with {row['duplicate_of']}"
        )
    clusters = [json.loads(x) for x in (out / "clusters.jsonl").read_text("utf-8").splitlines()]
    in_index = {r["id"] for r in indexed or []}
    for c in clusters:
        assert c["representative"] in kept_set
        assert set(c["members"]) - {c["representative"]} - in_index <= set(dropped)
    if engine is None or not dropped_rows:
        return
    by_id = {r["id"]: r["text"] for r in [*records, *(indexed or [])]}
    texts = sorted({x for row in dropped_rows for x in (row["id"], row["duplicate_of"])})
    number = {doc: k for k, doc in enumerate(texts)}
    prepared = engine.prepare([(doc, by_id[doc]) for doc in texts])
    pairs_arr = np.array(
        [(number[row["id"]], number[row["duplicate_of"]]) for row in dropped_rows], dtype=np.int64
    )
    scores = engine.score(prepared, prepared, pairs_arr)
    bad = [dropped_rows[k]["id"] for k in np.flatnonzero(scores["accepted"] < 1).tolist()]
    assert not bad, f"dropped records that do not pass the scorers against their original: {bad}"
