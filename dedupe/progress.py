"""Progress on stderr for long runs: one line rewritten in place, only on a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from dedupe.display import safe


class Progress:
    """Rate-limited status line; silent when disabled or when the stream is not a tty."""

    def __init__(self, enabled: bool = True, stream: TextIO | None = None, interval: float = 0.2):
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.interval = interval
        self._last = 0.0
        self._stage_start = time.perf_counter()
        self._width = 0

    def stage(self, name: str) -> None:
        self._stage_start = time.perf_counter()
        self.update(name, force=True)

    def update(self, message: str, count: int | None = None, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if not force and now - self._last < self.interval:
            return
        self._last = now
        if count is not None:
            elapsed = max(now - self._stage_start, 1e-9)
            message = f"{message}: {count:,} docs ({count / elapsed:,.0f} docs/s)"
        line = f"dedupe: {safe(message)}"
        pad = max(self._width - len(line), 0)
        self.stream.write("\r" + line + " " * pad)
        self.stream.flush()
        self._width = len(line)

    def done(self) -> None:
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0
