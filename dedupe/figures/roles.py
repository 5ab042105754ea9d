"""The ``correction`` role: a cluster member that says it corrects the story it is kept with.

The ``figures`` scorer reads each document it compares and notes which say they correct another
(:func:`dedupe.figures.is_correction`); after clustering, such a member is labelled
``correction`` in ``clusters.jsonl`` (instead of ``copy``, or of ``original`` when it is the
representative: the ``original`` policy usually keeps the correction, which holds the story and
its note), so a reader sees which version of a story corrects the others.
"""

from __future__ import annotations

from typing import Any

__all__ = ["MEMO", "label_corrections"]

#: Where the ``figures`` scorer keeps what it read, on the run's pair context (``ctx.memo``).
MEMO = "figures"


def label_corrections(clusters: list[Any], ctx: Any, ids: list[str]) -> None:
    """Label ``correction`` every member of a cluster that says it corrects (its cluster holds
    the story it corrects)."""
    read = getattr(ctx, "memo", {}).get(MEMO)
    if not read:
        return
    corrected = {ids[doc] for doc, slots in read.items() if slots.correction}
    if not corrected:
        return
    for cluster in clusters:
        for member in corrected.intersection(cluster.members):
            if cluster.roles:
                cluster.roles[member] = "correction"
