"""Built-in representative policies: the original, the first read, the longest, the earliest."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from functools import total_ordering
from typing import Any

import numpy as np

from dedupe.hookspecs import hookimpl
from dedupe.represent import SAME_TEXT, ClusterView, RepresentativePolicy
from dedupe.score import PairContext

#: A page declares the article it shows when at least this share of its metadata headline's
#: words are in the headline it shows (:mod:`dedupe.default_plugins.page_metadata`).
DECLARES_AT = 0.5


def original(view: ClusterView) -> int:
    """The original: of the members that hold the whole text, the article's own page if one
    declares it, else the one with the least chrome.

    A member holds the whole text when the others are found in it (``covers``: the mean
    share of each other member found in it) to within :data:`~dedupe.represent.SAME_TEXT`
    of the member covering most; a teaser or a copy missing paragraphs does not, however
    clean it is, so the full text is never dropped for a part of it. Among those, a page
    whose own metadata names the article it shows (its ``og:title`` is its headline:
    :data:`DECLARES_AT`) comes first: it is the article's page, where plain text, fragments
    and a page whose metadata names another article (a body put into another site's page)
    declare nothing. Then chrome decides, whatever the markup: the share of each member's
    visible text that was page furniture (what main-content extraction dropped from a page,
    and the ``chrome`` and ``boilerplate`` lines) is taken off its coverage, so a repost
    whose chrome survived in part loses to the clean article. Ties go to the cleanest member
    (its raw text loses least to normalisation), then to the earliest ``--date-field``, then
    to the smallest id (so the choice does not depend on input order).
    """
    c = view.containment
    docs = view.compared
    k = len(docs)
    covers = (c.sum(axis=0) - 1.0) / max(k - 1, 1)
    whole = covers >= SAME_TEXT * covers.max()
    declares = view.declared(docs) >= DECLARES_AT
    score = covers - view.removed_share(docs)
    cleanliness = [view.kept_share(int(d)) for d in docs]
    field = view.options.get("date_field", "date")
    best = max(
        range(k),
        key=lambda i: (
            bool(whole[i]),
            bool(declares[i]),
            round(float(score[i]), 3),
            round(cleanliness[i], 3),
            _negated_date(view.ctx.meta(int(docs[i])).get(field)),
            _Reversed(view.ctx.id(int(docs[i]))),
        ),
    )
    return int(docs[best])


def _round3(values: np.ndarray) -> list[float]:
    """Python's ``round(x, 3)`` on each value (what the one-cluster path compares)."""
    return [round(x, 3) for x in values.tolist()]


def original_pairs(pairs: np.ndarray, ctx: PairContext, options: dict[str, Any]) -> np.ndarray:
    """:func:`original` for many two-member clusters at once (same rule, same tie-breaks)."""
    a, b = pairs[:, 0], pairs[:, 1]
    inter = ctx.pair_intersections(pairs).astype(np.float64)
    covers_a = inter / np.maximum(ctx.sizes(b), 1.0)  # share of b found in a
    covers_b = inter / np.maximum(ctx.sizes(a), 1.0)
    most = np.maximum(covers_a, covers_b)
    whole_a = (covers_a >= SAME_TEXT * most).tolist()
    whole_b = (covers_b >= SAME_TEXT * most).tolist()
    declares_a = (ctx.declared(a) >= DECLARES_AT).tolist()
    declares_b = (ctx.declared(b) >= DECLARES_AT).tolist()
    score_a = _round3(covers_a - ctx.removed_share(a))
    score_b = _round3(covers_b - ctx.removed_share(b))
    clean_a = _round3(ctx.kept_share(a))
    clean_b = _round3(ctx.kept_share(b))
    field = options.get("date_field", "date")
    reps = np.empty(len(pairs), dtype=np.int64)
    for k, (x, y) in enumerate(zip(a.tolist(), b.tolist(), strict=True)):
        key_x: tuple[Any, ...] = (whole_a[k], declares_a[k], score_a[k], clean_a[k])
        key_y: tuple[Any, ...] = (whole_b[k], declares_b[k], score_b[k], clean_b[k])
        if key_x == key_y:
            key_x += (_negated_date(ctx.meta(x).get(field)), _Reversed(ctx.id(x)))
            key_y += (_negated_date(ctx.meta(y).get(field)), _Reversed(ctx.id(y)))
        reps[k] = x if key_x >= key_y else y
    return reps


@total_ordering
class _Reversed:
    """Orders strings backwards, so ``max`` picks the smallest."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value

    def __lt__(self, other: _Reversed) -> bool:
        return self.value > other.value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and self.value == other.value

    def __hash__(self) -> int:
        return hash(self.value)


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
    register(
        RepresentativePolicy(
            "original",
            original,
            "the member the others contain",
            needs_text=False,
            choose_pairs=original_pairs,
        )
    )
    register(RepresentativePolicy("first", first, "the member read first", needs_text=False))
    register(
        RepresentativePolicy(
            "longest", longest, "the member with the longest text", needs_text=False
        )
    )
    register(
        RepresentativePolicy(
            "earliest", earliest, "the member with the earliest --date-field", needs_text=False
        )
    )
