"""The ``correction`` role: a cluster member that says it corrects the story it is kept with.

The ``figures`` scorer reads each document it compares and notes which say they correct another
(:func:`dedupe.figures.is_correction`); after clustering, such a member is labelled
``correction`` in ``clusters.jsonl`` (instead of ``copy``, or of ``original`` when it is the
representative: the ``original`` policy usually keeps the correction, which holds the story and
its note), so a reader sees which version of a story corrects the others.
"""

from __future__ import annotations

from typing import Any

from dedupe.figures.corrections import is_correction

__all__ = ["MEMO", "label_corrections"]

#: Where the ``figures`` scorer keeps what it read, on the run's pair context (``ctx.memo``).
MEMO = "figures"


def label_corrections(clusters: list[Any], ctx: Any, ids: list[str]) -> None:
    """Label ``correction`` every member of a cluster that says it corrects (its cluster holds
    the story it corrects). What the ``figures`` scorer read in this context is used as it is;
    other members (a pair scored in another process: Dask) are read here."""
    if not clusters:
        return
    read = getattr(ctx, "memo", {}).get(MEMO, {})
    number = {doc_id: k for k, doc_id in enumerate(ids)}
    for cluster in clusters:
        if not cluster.roles:
            continue
        for member in cluster.members:
            doc = number[member]
            slots = read.get(doc)
            said = slots.correction if slots is not None else is_correction(ctx.text(doc))
            if said:
                cluster.roles[member] = "correction"
