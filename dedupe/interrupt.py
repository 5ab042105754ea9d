"""Interruptions: SIGTERM unwinds a run like Ctrl-C does, and a critical step can defer both.

By default SIGTERM ends a process at once, so ``finally`` blocks never run and a killed run
would leave its temporary files behind. While :func:`terminate_unwinds` is active (and only if
nobody else handles SIGTERM), the signal raises :class:`Terminated` in the main thread
instead, so temporaries are removed on the way out; the exit status stays 128 + 15.
:func:`deferred` holds SIGINT and SIGTERM back during a step that must not stop half way
(swapping an output set into place): they take effect when the step is done.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from types import FrameType

HELD = (signal.SIGINT, signal.SIGTERM)


class Terminated(SystemExit):
    """Raised in the main thread by SIGTERM while :func:`terminate_unwinds` is active."""

    def __init__(self) -> None:
        super().__init__(128 + signal.SIGTERM)


@contextlib.contextmanager
def terminate_unwinds() -> Iterator[None]:
    """Turn SIGTERM into :class:`Terminated` for the duration (main thread, default handler
    only; forked worker processes keep the default: they die at once)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)
    if previous is not signal.SIG_DFL:
        yield
        return
    owner = os.getpid()
    fired = False

    def handler(signum: int, frame: FrameType | None) -> None:
        nonlocal fired
        if os.getpid() != owner:  # a forked worker: die as SIGTERM would have it
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        if fired:  # already unwinding: let the clean-up finish
            return
        fired = True
        raise Terminated()

    signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back until the block is done, then act on them as their
    handlers would have. Done with Python-level handlers, which always run in the main thread
    (a signal mask would not do: the kernel may give the signal to another thread)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    previous = {sig: signal.getsignal(sig) for sig in HELD}
    for sig in HELD:
        signal.signal(sig, hold)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        for signum in dict.fromkeys(received):
            signal.raise_signal(signum)
