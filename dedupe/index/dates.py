"""Document dates for eviction: a date field's value as seconds since the epoch.

ISO 8601 dates and times (``2024-05-01``, ``2024-05-01T08:00:00Z``), and numbers (seconds since
the epoch, or milliseconds when larger than 10^11) are understood; dates without a time zone
are taken as UTC so an index evicts the same documents on every machine. Anything else is
"no date", and the index uses the time the document was added instead.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
#: Epoch values above this are milliseconds (10^11 s is the year 5138).
_MILLISECONDS_ABOVE = 1e11


def epoch_seconds(value: Any) -> float | None:
    """Seconds since the epoch of a date-like value, or ``None``."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = str(value).strip()
        if not text:
            return None
        if _NUMBER.match(text):
            number = float(text)
        else:
            return _iso_seconds(text)
    return number / 1000.0 if abs(number) > _MILLISECONDS_ABOVE else number


def _iso_seconds(text: str) -> float | None:
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp()


def parse_now(value: str | float | None, default: float) -> float:
    """The reference time for ``--max-age``: a date, seconds, or ``default`` (the clock)."""
    if value is None:
        return default
    seconds = epoch_seconds(value)
    if seconds is None:
        from dedupe.errors import ConfigError

        raise ConfigError(f"--now must be an ISO date or seconds since the epoch, not {value!r}")
    return seconds
