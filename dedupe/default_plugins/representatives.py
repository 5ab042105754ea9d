"""Built-in representative policies: the original, the first read, the longest, the earliest."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import numpy as np

from dedupe.hookspecs import hookimpl
from dedupe.represent import ClusterView, RepresentativePolicy

#: Both members hold this share of each other: the same text (give or take edits).
SAME_TEXT = 0.8


def _beats(c: np.ndarray, removed: np.ndarray, a: int, b: int) -> float:
    """1 if member ``a`` is more likely the original than ``b``, 0 if less, 0.5 if undecided.

    ``c[i, j]`` is the share of member i's shingles found in member j. When each holds the
    other (the same text), the one that carried less chrome is the original, else the one
    covering more of the other. When one is a part of the other (a teaser, a copy missing a
    paragraph), the fuller one is the original.
    """
    a_in_b, b_in_a = c[a, b], c[b, a]
    same_text = a_in_b >= SAME_TEXT and b_in_a >= SAME_TEXT
    if same_text and abs(removed[a] - removed[b]) > 1e-6:
        return 1.0 if removed[a] < removed[b] else 0.0
    if abs(b_in_a - a_in_b) > 0.005:
        return 1.0 if b_in_a > a_in_b else 0.0
    return 0.5


def original(view: ClusterView) -> int:
    """The original: the member that wins most comparisons with the others (see ``_beats``).

    Reposts wrap the original in chrome (removed by the ``chrome`` and ``boilerplate``
    normalisers, and counted), teasers and trimmed copies are contained in it. Ties go to the
    member covering most of the others, then the cleanest (the one whose raw text loses least
    to normalisation: no markup), then the earliest ``--date-field``, then the one read first.
    """
    c = view.containment
    docs = view.compared
    k = len(docs)
    removed = view.removed_share(docs)
    wins = np.zeros(k)
    for a in range(k):
        for b in range(a + 1, k):
            w = _beats(c, removed, a, b)
            wins[a] += w
            wins[b] += 1.0 - w
    covers = (c.sum(axis=0) - 1.0) / max(k - 1, 1)
    cleanliness = [view.kept_share(int(d)) for d in docs]
    field = view.options.get("date_field", "date")
    best = max(
        range(k),
        key=lambda i: (
            wins[i],
            round(float(covers[i]), 3),
            round(cleanliness[i], 3),
            _negated_date(view.ctx.meta(int(docs[i])).get(field)),
            -int(docs[i]),
        ),
    )
    return int(docs[best])


def _negated_date(value: Any) -> tuple[int, Any]:
    """A key that is larger for earlier dates (missing dates are smallest)."""
    rank, key = _date_key(value)
    if rank == 0:
        return (2, -key)
    return (1 - rank, key if rank == 1 else 0)


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
