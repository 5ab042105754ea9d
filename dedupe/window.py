"""The date window: documents further apart in ``--date-field`` than ``--window DAYS`` are never
copies.

A media-monitoring feed re-runs templates every day (the Fed's repurchase notice, a gold fix):
on another day the same text is other news. With ``--window`` a pair whose dates are further
apart is rejected in verification, as a veto, so it does not end in one cluster through other
members either. Off by default (``dedupe run --help``). A document without a readable date
passes: the window cannot tell.
"""

from __future__ import annotations

from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import numpy as np

from dedupe.score import PairContext, Scorer

__all__ = ["WINDOW_THRESHOLD", "date_seconds", "window_scorer"]

#: The window scores 1 inside and 0 outside: any threshold between rejects the pairs outside.
WINDOW_THRESHOLD = 0.5
DAY = 86_400.0
#: Date formats beyond ISO 8601 and epoch numbers: wire services (Reuters-21578's
#: "26-FEB-1987 15:01:01.79"), day-first and year-first dates.
_FORMATS = ("%d-%b-%Y %H:%M:%S.%f", "%d-%b-%Y %H:%M:%S", "%d-%b-%Y", "%d/%m/%Y", "%Y/%m/%d")


#: Epoch values above this are milliseconds (10^11 s is the year 5138).
_MILLISECONDS_ABOVE = 1e11


def date_seconds(value: Any) -> float | None:
    """Seconds since the epoch of a date-like value (ISO 8601, epoch seconds or
    milliseconds, RFC 2822 as in RSS, and the formats above; no zone: UTC), or None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
        return number / 1000.0 if abs(number) > _MILLISECONDS_ABOVE else number
    text = str(value).strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        pass
    else:
        return number / 1000.0 if abs(number) > _MILLISECONDS_ABOVE else number
    try:
        iso = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        pass
    else:
        return (iso if iso.tzinfo else iso.replace(tzinfo=timezone.utc)).timestamp()
    for fmt in _FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return parsed.replace(tzinfo=timezone.utc).timestamp()
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp()


def window_scorer(days: float, date_field: str) -> Scorer:
    """A vetoing scorer: 1.0 for a pair at most ``days`` apart in ``date_field`` (or when a
    date is missing), 0.0 for a pair further apart."""
    limit = days * DAY

    def window(pairs: np.ndarray, ctx: PairContext) -> np.ndarray:
        seen: dict[int, float] = ctx.memo.setdefault("window", {})
        for doc in np.unique(pairs).tolist():
            if doc not in seen:
                found = date_seconds(ctx.meta(doc).get(date_field))
                seen[doc] = np.nan if found is None else found
        a = np.array([seen[d] for d in pairs[:, 0].tolist()], dtype=np.float64)
        b = np.array([seen[d] for d in pairs[:, 1].tolist()], dtype=np.float64)
        apart = np.abs(a - b)
        return np.where(np.isnan(apart) | (apart <= limit), 1.0, 0.0)

    return Scorer(
        "window",
        window,
        WINDOW_THRESHOLD,
        True,
        f"dates at most {days:g} days apart (--window; a veto)",
        needs_text=False,
        vetoes=True,
    )
