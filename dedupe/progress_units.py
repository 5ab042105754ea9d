"""How progress shows amounts and times (``21.3 MB``, ``12.0/21.3 MB``, ``1:05``), for every
progress display."""

from __future__ import annotations


def human_bytes(n: float) -> str:
    """Bytes in decimal units (``21.3 MB``), as file sizes are shown."""
    for unit in ("B", "kB", "MB", "GB"):
        if abs(n) < 1000 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1000
    return f"{n:,.1f} TB"  # pragma: no cover - the loop returns


def bytes_of(done: float, total: float) -> str:
    """``12.0/21.3 MB``: what is done of a total, both in the total's unit."""
    scale, unit = next(
        ((s, u) for s, u in ((10**9, "GB"), (10**6, "MB"), (10**3, "kB")) if total >= s),
        (1, "B"),
    )
    if unit == "B":
        return f"{done:,.0f}/{total:,.0f} B"
    return f"{done / scale:,.1f}/{total / scale:,.1f} {unit}"


def clock(seconds: float) -> str:
    """``1:05`` for 65 seconds, ``1:01:05`` past an hour."""
    minutes, secs = divmod(max(0, int(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
