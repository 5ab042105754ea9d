"""Ctrl-C during ``dedupe run``: one line, no traceback, and the ``--resume`` hint when useful.

A terminal sends SIGINT to every process of the foreground group, forked workers included: each
would print its own ``KeyboardInterrupt`` traceback. While :func:`clean_interrupt` is active,
SIGINT raises ``KeyboardInterrupt`` in the main process only; a forked worker ignores it (the
main process, unwinding, terminates the pool). The run then ends with one line on stderr and
exit status 130 (128 + SIGINT, as a shell reports it), after the progress display was cleared.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import click

from dedupe.display import safe

#: Exit status of a run stopped by Ctrl-C.
INTERRUPTED_EXIT = 128 + signal.SIGINT


def checkpointed_chunks(output_dir: str | os.PathLike[str] | None) -> int:
    """How many chunks an interrupted run left checkpointed in ``output_dir``."""
    if output_dir is None:
        return 0
    from dedupe.engine import CHECKPOINT_DIR

    root = Path(output_dir) / CHECKPOINT_DIR
    try:
        return sum(1 for _ in root.rglob("*.npz"))
    except OSError:
        return 0


def interrupted_line(output_dir: str | os.PathLike[str] | None, resumable: bool) -> str:
    """``dedupe: interrupted``, with how to continue when checkpoints make it worth it."""
    saved = checkpointed_chunks(output_dir) if resumable else 0
    if not saved:
        return "dedupe: interrupted"
    chunks = "chunk of the input is" if saved == 1 else "chunks of the input are"
    return (
        f"dedupe: interrupted; {saved:,} {chunks} checkpointed in "
        f"{safe(output_dir)}/: run the same command with --resume to continue from them"
    )


@contextmanager
def workers_ignore_sigint() -> Iterator[None]:
    """SIGINT raises ``KeyboardInterrupt`` in this process only: processes forked meanwhile
    ignore it (unless this one is gone), so Ctrl-C prints no traceback per worker."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    owner = os.getpid()

    def handler(signum: int, frame: FrameType | None) -> None:
        if os.getpid() != owner and os.getppid() == owner:
            return  # a forked worker: the main process stops it
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def clean_interrupt(output_dir: str | os.PathLike[str] | None, resumable: bool) -> Iterator[None]:
    """Ctrl-C in the block ends the command with :func:`interrupted_line` and exit status
    130 (``resumable``: the engine can continue from checkpoints)."""
    try:
        with workers_ignore_sigint():
            yield
    except KeyboardInterrupt:
        click.echo(interrupted_line(output_dir, resumable), err=True)
        raise SystemExit(INTERRUPTED_EXIT) from None
