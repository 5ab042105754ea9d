"""What a run reports about itself, built in one place for every executor: the skipped records
(counted by reason, the first :data:`MAX_KEPT_BAD_RECORDS` kept), the counts and the facts of
``report.json``."""

from __future__ import annotations

import platform
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from dedupe import kernels
from dedupe.documents import BadRecord
from dedupe.plan import RunPlan
from dedupe.read import Discovery
from dedupe.version import __version__

#: Skipped records kept for the report (all are counted).
MAX_KEPT_BAD_RECORDS = 10_000


class BadRecords:
    """Skipped records of a run: each counted by reason, the first ones kept, and handed to
    ``on_bad`` (one line on stderr from the command line)."""

    def __init__(self, on_bad: Callable[[BadRecord], None] | None = None) -> None:
        self.on_bad = on_bad
        self.kept: list[BadRecord] = []
        self.by_reason: Counter[str] = Counter()

    def __call__(self, bad: BadRecord, counted: bool = False) -> None:
        """Record one skipped record (``counted``: already in :attr:`by_reason`)."""
        if not counted:
            self.by_reason[reason_of(bad)] += 1
        if len(self.kept) < MAX_KEPT_BAD_RECORDS:
            self.kept.append(bad)
        if self.on_bad is not None:
            self.on_bad(bad)

    @property
    def total(self) -> int:
        return sum(self.by_reason.values())

    def sorted_reasons(self) -> dict[str, int]:
        return dict(sorted(self.by_reason.items()))


def reason_of(bad: BadRecord) -> str:
    """What a skipped record is counted under: its reason up to the first colon."""
    return bad.reason.split(":")[0]


def run_counts(
    *,
    n_docs: int,
    bad: BadRecords,
    empty: int,
    candidates: int,
    verified: int,
    lsh: int,
    candidate_docs: int,
    accepted: int,
    clusters: int,
    in_clusters: int,
    kept: int,
    encodings: Mapping[str, int],
    renamed: int,
    chunks: int,
    workers: int,
    discovery: Discovery | None,
) -> dict[str, Any]:
    """The counts of ``report.json``, in their order."""
    counts: dict[str, Any] = {
        "documents_read": n_docs,
        "documents_skipped": bad.total,
        "empty_after_normalisation": empty,
        "candidate_pairs": candidates,
        "representative_pairs_verified": verified,
        "candidate_pairs_lsh": lsh,
        "candidate_documents": candidate_docs,
        "accepted_pairs": accepted,
        "clusters": clusters,
        "documents_in_clusters": in_clusters,
        "duplicates_removed": in_clusters - clusters,
        "kept": kept,
        "encodings": dict(sorted(encodings.items())),
        "skipped_by_reason": bad.sorted_reasons(),
        "renamed_ids": renamed,
        "chunks": chunks,
        "workers": workers,
    }
    if discovery is not None:
        counts["input_files"] = len(discovery.sources)
        counts["ignored_files"] = discovery.ignored
    return counts


def run_info(plan: RunPlan, inputs: list[str], **executor: Any) -> dict[str, Any]:
    """The facts of ``report.json``: versions, inputs, kernels, banding, plugins, what the
    normalisers learned, and the executor's own (``executor``: e.g. its name, its workers)."""
    return {
        "dedupe_version": __version__,
        **executor,
        "inputs": inputs,
        "kernels": kernels.active(),
        "banding": {"bands": plan.banding.bands, "rows": plan.banding.rows},
        "plugins": list(plan.plugins),
        "learned": dict(plan.learned),
        "python": platform.python_version(),
    }
