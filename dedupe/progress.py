"""Progress of a run as the engine reports it (stages, counts, totals), shown by a display.

The engine calls :meth:`Progress.stage`, :meth:`Progress.update` and :meth:`Progress.done`;
``Progress`` keeps the state (which stage, how far towards what total, since when) and hands it
to a display chosen by ``mode``: a live multi-line bar on a terminal
(:mod:`dedupe.progress_bar`, drawn with rich), plain log lines every few seconds when stderr is
a pipe, a file or a notebook (:mod:`dedupe.progress_log`), or nothing. A display is imported
only when one is shown, so importing this module costs nothing at start-up.

Both displays redraw from a thread of their own (a spinner and clocks that move during a long
stage that reports nothing); forked worker processes never draw: the display's lock is held
across ``fork`` and the child drops the display (see :func:`_before_fork`).
"""

from __future__ import annotations

import os
import sys
import threading
import time
import weakref
from dataclasses import dataclass, field
from typing import Any, Protocol, TextIO

from dedupe.display import safe

#: Values of ``--progress``: ``auto`` is ``bar`` on a terminal and ``log`` elsewhere.
MODES = ("auto", "bar", "log", "none")
#: Seconds between two log lines of a running stage (``--progress log``).
LOG_INTERVAL = 10.0
#: Environment variable giving the seconds between log lines (e.g. 60 for a cron job's mail).
INTERVAL_VAR = "DEDUPE_PROGRESS_INTERVAL"
#: Seconds of a run before its first log line: a run shorter than that prints none.
LOG_DELAY = 3.0


@dataclass
class Stage:
    """One stage of a run: its name, how far it is towards its total, and when it ran."""

    name: str
    #: Units of work the stage has in all (``unit``: ``"bytes"`` of input), when known.
    total: int | None = None
    unit: str = ""
    completed: int = 0
    #: Documents handled so far, when the stage counts them.
    count: int | None = None
    started: float = field(default_factory=time.perf_counter)
    finished: float | None = None

    def elapsed(self, now: float | None = None) -> float:
        end = self.finished if self.finished is not None else now or time.perf_counter()
        return max(end - self.started, 0.0)

    def fraction(self) -> float | None:
        """Share of the total done (0..1), when the total is known."""
        if not self.total:
            return None
        return min(self.completed / self.total, 1.0)

    def rate(self, now: float | None = None) -> float | None:
        """Units per second so far (bytes/s), once some are done."""
        elapsed = self.elapsed(now)
        if not self.completed or elapsed <= 0:
            return None
        return self.completed / elapsed

    def eta(self, now: float | None = None) -> float | None:
        """Seconds left at the rate so far, when the total is known and work has started."""
        rate = self.rate(now)
        if self.total is None or rate is None:
            return None
        return max(self.total - self.completed, 0) / rate


class Display(Protocol):
    """What shows a :class:`Progress`: told when its state changed, prints lines above
    itself, and holds ``lock`` whenever it writes."""

    lock: threading.RLock

    def show(self, progress: Progress) -> None: ...

    def echo(self, line: str) -> None: ...

    def close(self, progress: Progress, stopped: bool) -> None: ...

    def forked(self) -> None:
        """Called in a forked child: never draw again there."""


class Progress:
    """Stages of a run with their totals and counts, shown on ``stream`` (stderr) by the
    display ``mode`` names (``auto``: see :func:`auto_mode`; ``enabled`` false is ``none``).
    ``interval``: seconds between log lines (``LOG_INTERVAL``; 0: a line at every update).

    Use it as a context manager (or call :meth:`done`) so the display is cleared before an
    error or an interruption is printed."""

    def __init__(
        self,
        enabled: bool = True,
        stream: TextIO | None = None,
        interval: float | None = None,
        mode: str = "auto",
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"progress mode must be one of {', '.join(MODES)}, not {mode!r}")
        self.stream = stream if stream is not None else sys.stderr
        if not enabled:
            mode = "none"
        elif mode == "auto":
            mode = auto_mode(self.stream)
        self.mode = mode
        self.enabled = mode != "none"
        self.interval = interval_from_env() if interval is None else interval
        self.started = time.perf_counter()
        self.stages: list[Stage] = []
        self._display: Display | None = None
        self._closed = False

    # -- what the engine calls ------------------------------------------------------------------
    def stage(self, name: str, total: int | None = None, unit: str = "") -> None:
        """A new stage begins (the one before it ends): ``total`` units of ``unit`` to do,
        when known (e.g. the input's size in bytes)."""
        now = time.perf_counter()
        if self.stages and self.stages[-1].finished is None:
            self.stages[-1].finished = now
        self.stages.append(Stage(name, total, unit, started=now))
        self._show()

    def update(
        self,
        message: str,
        count: int | None = None,
        force: bool = False,
        advance: int = 0,
    ) -> None:
        """The stage ``message`` has handled ``count`` documents so far and done ``advance``
        more units of its total (a ``message`` other than the current stage's starts it)."""
        current = self.current
        if current is None or current.name != message or current.finished is not None:
            self.stage(message)
            current = self.stages[-1]
        if count is not None:
            current.count = count
        current.completed += advance
        self._show()

    def tick(self, documents: int) -> None:
        """The current stage handled ``documents`` more (between two :meth:`update` calls,
        which give the count so far)."""
        current = self.current
        if current is None or current.finished is not None:
            return
        current.count = (current.count or 0) + documents
        self._show()

    def done(self, stopped: bool = False) -> None:
        """The run is over (``stopped``: by an error or an interruption): end the last stage
        and clear the display."""
        if self.stages and self.stages[-1].finished is None:
            self.stages[-1].finished = time.perf_counter()
        if self._closed:
            return
        self._closed = True
        if self._display is not None:
            self._display.close(self, stopped)
            _ACTIVE.discard(self._display)
            self._display = None

    # -- for the command line -------------------------------------------------------------------
    def echo(self, line: str) -> None:
        """Print one line (already escaped) on the stream, above the display."""
        if self._display is not None:
            self._display.echo(line)
            return
        self.stream.write(line + "\n")
        self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        self.done(stopped=kind is not None)

    @property
    def current(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    def durations(self) -> list[tuple[str, float]]:
        """(stage name, seconds) of every stage so far."""
        return [(s.name, s.elapsed()) for s in self.stages]

    def label(self, stage: Stage) -> str:
        """A stage's name as displays show it: escaped (names may quote the data)."""
        return safe(stage.name)

    def _show(self) -> None:
        if not self.enabled or self._closed:
            return
        if self._display is None:
            self._display = self._make_display()
            _ACTIVE.add(self._display)
        self._display.show(self)

    def _make_display(self) -> Display:
        if self.mode == "bar":
            from dedupe.progress_bar import BarDisplay

            return BarDisplay(self.stream)
        from dedupe.progress_log import LogDisplay

        return LogDisplay(self.stream, self.interval, min(LOG_DELAY, self.interval))


def interval_from_env() -> float:
    """Seconds between log lines: ``DEDUPE_PROGRESS_INTERVAL`` when it is a number of
    seconds, else :data:`LOG_INTERVAL`."""
    try:
        value = float(os.environ.get(INTERVAL_VAR, ""))
    except ValueError:
        return LOG_INTERVAL
    return value if 0 < value < float("inf") else LOG_INTERVAL


def auto_mode(stream: Any) -> str:
    """``bar`` on a terminal; ``log`` on a pipe or a file (a cron job, CI, ``2> log``) and in
    a notebook; ``none`` on a stream with no file descriptor (a program capturing the output
    in memory, as test runners do)."""
    if _isatty(stream):
        return "bar"
    if "ipykernel" in sys.modules:
        return "log"
    try:
        stream.fileno()
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is an OSError
        return "none"
    return "log"


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


#: Displays now showing, for the fork hooks (weak: a dropped Progress takes its display away).
_ACTIVE: weakref.WeakSet[Any] = weakref.WeakSet()


def _before_fork() -> None:
    """Take every display's lock, so no drawing thread is half way through a write (of the
    stream's buffer, whose lock the child would inherit taken) when the process forks."""
    for display in list(_ACTIVE):
        display.lock.acquire()


def _after_fork_in_parent() -> None:
    for display in list(_ACTIVE):
        display.lock.release()


def _after_fork_in_child() -> None:
    """A forked worker does not draw: its copy of each display is dropped."""
    for display in list(_ACTIVE):
        display.forked()
    _ACTIVE.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(
        before=_before_fork,
        after_in_parent=_after_fork_in_parent,
        after_in_child=_after_fork_in_child,
    )
