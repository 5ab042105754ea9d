"""The terminal display of a run's progress: one row per stage, drawn live with rich.

rich (rather than a hand-drawn line) redraws from its own thread, so a spinner and the clocks
move during a stage that reports nothing for a while (learning, verifying, writing); it sizes
rows to the terminal, and prints lines above the rows without tearing them. Rows: a spinner
(a tick once done), the stage, a bar (pulsing when the total is unknown), the percentage, what
is done of the total with its rate and the documents counted, the time left, the time spent.
The rows are cleared when the run ends, so the terminal keeps only the run's summary.
"""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING, Any, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    ProgressColumn,
    SpinnerColumn,
    TaskID,
    TaskProgressColumn,
    TextColumn,
)
from rich.progress import Progress as RichProgress
from rich.text import Text

from dedupe.progress_units import bytes_of, clock, human_bytes

if TYPE_CHECKING:
    from rich.progress import Task

    from dedupe.progress import Progress

#: Redraws a second: smooth enough for a spinner, cheap for the run.
REFRESH_PER_SECOND = 8


def average_speed(task: Task) -> float | None:
    """Units a second since the stage began: the engine reports whole chunks, some at once,
    which rich's windowed estimate would take for bursts of speed."""
    if not task.completed or not task.elapsed:
        return None
    return task.completed / task.elapsed


class DetailColumn(ProgressColumn):
    """What is done of the total (bytes), its rate, and the documents counted so far."""

    def render(self, task: Task) -> Text:
        parts = []
        unit = task.fields.get("unit", "")
        if unit == "bytes" and task.total:
            parts.append(bytes_of(task.completed, task.total))
            speed = average_speed(task)
            if speed and not task.finished:
                parts.append(f"{human_bytes(speed)}/s")
        count = task.fields.get("count")
        if count is not None:
            parts.append(f"{count:,} docs")
        return Text("  ".join(parts), style="progress.download", no_wrap=True)


class TimeColumn(ProgressColumn):
    """Time spent, and the time left of a running stage whose total is known."""

    max_refresh = 0.5

    def render(self, task: Task) -> Text:
        if task.finished:
            return Text(f"{task.finished_time or 0:.1f} s", style="progress.elapsed")
        text = Text(clock(task.elapsed or 0), style="progress.elapsed")
        speed = average_speed(task)
        if task.total is not None and speed:
            left = max(task.total - task.completed, 0) / speed
            text.append(f" ETA {clock(left)}", style="progress.remaining")
        return text


class BarDisplay:
    """A rich live display of :class:`dedupe.progress.Progress` on a terminal ``stream``."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.console = Console(
            file=stream,
            force_terminal=True,
            highlight=False,
            emoji=False,
            markup=False,
            stderr=stream is sys.stderr,
        )
        tick = "✓" if (self.console.encoding or "").lower().startswith("utf") else "*"
        self.rich = RichProgress(
            SpinnerColumn(finished_text=Text(tick, style="green")),
            TextColumn("{task.description}", markup=False),
            BarColumn(bar_width=20),
            TaskProgressColumn(),
            DetailColumn(),
            TimeColumn(),
            console=self.console,
            transient=True,
            refresh_per_second=REFRESH_PER_SECOND,
            # Stray lines written to sys.stderr (a warning) go above the rows, not through them.
            redirect_stderr=stream is sys.stderr,
            redirect_stdout=False,
        )
        # The live display's own lock: its refresh thread holds it while it draws, so holding
        # it across a fork means no write is half done (see dedupe.progress._before_fork).
        self.lock: threading.RLock = self.rich.live._lock
        self.tasks: list[TaskID] = []
        self.alive = True
        self.started = False

    def show(self, progress: Progress) -> None:
        with self.lock:
            if not self.alive:
                return
            if not self.started:
                self.rich.start()
                self.started = True
            for k, stage in enumerate(progress.stages):
                fields: dict[str, Any] = {"unit": stage.unit, "count": stage.count}
                if k == len(self.tasks):
                    self.tasks.append(
                        self.rich.add_task(
                            progress.label(stage), total=stage.total, completed=0, **fields
                        )
                    )
                task = self.tasks[k]
                if stage.finished is not None:
                    total = stage.total or max(stage.completed, 1)
                    self.rich.update(task, total=total, completed=total, **fields)
                    self.rich.stop_task(task)
                else:
                    self.rich.update(task, completed=stage.completed, **fields)

    def echo(self, line: str) -> None:
        with self.lock:
            if self.alive and self.started:
                self.console.print(Text(line), soft_wrap=True)
            else:
                self.stream.write(line + "\n")
                self.stream.flush()

    def close(self, progress: Progress, stopped: bool) -> None:
        with self.lock:
            if self.alive and self.started:
                self.rich.stop()
            self.alive = False

    def forked(self) -> None:
        """In a forked worker: no drawing, the stream as it was before the redirection."""
        self.lock = threading.RLock()
        self.alive = False
        proxied = getattr(sys.stderr, "rich_proxied_file", None)
        if proxied is not None:
            sys.stderr = proxied
