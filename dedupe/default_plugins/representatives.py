"""Built-in representative policies: the original, the first read, the longest, the earliest."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import numpy as np

from dedupe.hookspecs import hookimpl
from dedupe.represent import ClusterView, RepresentativePolicy

#: Scores within this margin count as a tie (MinHash-free, but texts differ by a word or two).
TIE = 0.02


def original(view: ClusterView) -> int:
    """The member whose text the others contain: a repost wraps the original in its own header
    and footer, so the original's shingles are found in the copies, not the other way round.

    Each member scores the mean share of its shingles found in each other member; ties go to
    the member with fewer shingles (less added text), then to the one read first.
    """
    c = view.containment
    k = len(view.compared)
    contained_in_others = (c.sum(axis=1) - 1.0) / max(k - 1, 1)
    best = contained_in_others.max()
    tied = np.flatnonzero(contained_in_others >= best - TIE)
    docs = view.compared[tied]
    sizes = view.sizes(docs)
    order = np.lexsort((docs, sizes))
    return int(docs[order[0]])


def first(view: ClusterView) -> int:
    """The member read first."""
    return int(view.members.min())


def longest(view: ClusterView) -> int:
    """The member with the longest text (ties: read first)."""
    lengths = [view.text_length(int(d)) for d in view.members]
    return int(view.members[int(np.argmax(lengths))])


_NUMERIC = re.compile(r"^-?\d+(\.\d+)?$")


def _date_key(value: Any) -> tuple[int, Any]:
    """Sortable key of a date-like value; unparseable or missing values sort last."""
    if value is None:
        return (2, 0)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, float(value))
    text = str(value).strip()
    if _NUMERIC.match(text):
        return (0, float(text))
    for candidate in (text, text.replace("Z", "+00:00")):
        try:
            parsed = datetime.fromisoformat(candidate)
        except ValueError:
            continue
        return (0, parsed.timestamp() if parsed.tzinfo else parsed.replace().timestamp())
    for fmt in ("%d-%b-%Y %H:%M:%S.%f", "%d-%b-%Y %H:%M:%S", "%d-%b-%Y", "%d/%m/%Y", "%Y/%m/%d"):
        try:
            return (0, datetime.strptime(text, fmt).timestamp())
        except ValueError:
            continue
    return (1, text)


def earliest(view: ClusterView) -> int:
    """The member with the earliest value of the date field (``--date-field``, default
    ``date``); members without one come last, ties go to the member read first."""
    field = view.options.get("date_field", "date")
    keys = [(_date_key(view.ctx.meta(int(d)).get(field)), int(d)) for d in view.members]
    return min(keys)[1]


@hookimpl
def register_representative_policies(register: Callable[[RepresentativePolicy], None]) -> None:
    register(RepresentativePolicy("original", original, "the member the others contain"))
    register(RepresentativePolicy("first", first, "the member read first"))
    register(RepresentativePolicy("longest", longest, "the member with the longest text"))
    register(
        RepresentativePolicy("earliest", earliest, "the member with the earliest --date-field")
    )
