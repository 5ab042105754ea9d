"""Progress as plain log lines, for stderr that is not a terminal (a cron job, a notebook, CI).

Nothing for the first seconds (a short run prints only its summary); then one line when a stage
begins and one every ``interval`` seconds while it runs (from a thread of its own, so a long
stage that reports nothing still shows signs of life), and a last line with the time of every
stage. Lines carry the time since the start of the run::

    dedupe: 0:00:03 reading and signing: 38% of 21.3 MB, 2.7 MB/s, ETA 0:00:05; 8,000 docs
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, TextIO

from dedupe.progress_units import clock, human_bytes

if TYPE_CHECKING:
    from dedupe.progress import Progress, Stage


def describe(progress: Progress, stage: Stage, now: float) -> str:
    """One log line for ``stage``: the time since the run began, how far the stage is."""
    line = f"dedupe: {clock(now - progress.started)} {progress.label(stage)}"
    parts = []
    fraction = stage.fraction()
    if fraction is not None and stage.unit == "bytes" and stage.total:
        part = f"{fraction:.0%} of {human_bytes(stage.total)}"
        rate = stage.rate(now)
        eta = stage.eta(now)
        if rate is not None:
            part += f", {human_bytes(rate)}/s"
        if eta is not None:
            part += f", ETA {clock(eta)}"
        parts.append(part)
    elif fraction is not None:
        parts.append(f"{fraction:.0%}")
    if stage.count is not None:
        parts.append(f"{stage.count:,} docs")
    if stage.elapsed(now) >= 1 and not parts:
        parts.append(f"running for {clock(stage.elapsed(now))}")
    return line + (": " + "; ".join(parts) if parts else "")


class LogDisplay:
    """Writes :func:`describe` lines to ``stream``: none in the first ``delay`` seconds (a
    short run stays quiet), then one at each new stage and every ``interval`` seconds (with
    ``interval`` 0: at every update, from the start)."""

    def __init__(self, stream: TextIO, interval: float, delay: float) -> None:
        self.stream = stream
        self.interval = interval
        self.delay = delay if interval > 0 else 0.0
        self.lock = threading.RLock()
        self.alive = True
        self._progress: Progress | None = None
        self._logged_stages = 0
        self._last = 0.0
        self._begun = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def show(self, progress: Progress) -> None:
        with self.lock:
            if not self.alive:
                return
            self._progress = progress
            now = time.perf_counter()
            if not self._begun and now - progress.started >= self.delay:
                self._begun = True
            if self._begun and (len(progress.stages) > self._logged_stages or self.interval <= 0):
                self._logged_stages = len(progress.stages)
                self._write(describe(progress, progress.stages[-1], now), now)
            if self._thread is None and self.interval > 0:
                self._thread = threading.Thread(
                    target=self._tick, name="dedupe-progress-log", daemon=True
                )
                self._thread.start()

    def _tick(self) -> None:
        """The first line once ``delay`` has passed, then one every ``interval`` seconds for
        the running stage (unless one was just written)."""
        while not self._stop.wait(min(self.interval / 4, 0.5)):
            with self.lock:
                progress = self._progress
                if not self.alive or progress is None:
                    continue
                now = time.perf_counter()
                if not self._begun:
                    if now - progress.started < self.delay:
                        continue
                    self._begun = True
                elif now - self._last < self.interval:
                    continue
                stage = progress.current
                self._logged_stages = len(progress.stages)
                if stage is not None and stage.finished is None:
                    self._write(describe(progress, stage, now), now)

    def _write(self, line: str, now: float) -> None:
        self._last = now
        self.stream.write(line + "\n")
        self.stream.flush()

    def echo(self, line: str) -> None:
        with self.lock:
            self.stream.write(line + "\n")
            self.stream.flush()

    def close(self, progress: Progress, stopped: bool) -> None:
        self._stop.set()
        with self.lock:
            if not self.alive:
                return
            self.alive = False
            if self._begun and progress.stages:
                now = time.perf_counter()
                stages = ", ".join(
                    f"{progress.label(s)} {s.elapsed():.1f} s" for s in progress.stages
                )
                end = "stopped" if stopped else "done"
                self._write(f"dedupe: {clock(now - progress.started)} {end} ({stages})", now)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=1)

    def forked(self) -> None:
        """In a forked worker: no thread there, and no more lines."""
        self.lock = threading.RLock()
        self.alive = False
