"""A lock on an output folder, so that one run at a time writes into it.

A POSIX record lock (``lockf``) on a file in the folder: the kernel releases it when the
process ends, SIGKILL included, and forked worker processes do not inherit it (a worker that
outlives a killed run does not keep the folder locked). It is re-entrant within one thread
(a run holds it, then its write stage takes it again) and refused to another thread.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from dedupe.errors import OutputError

_HELD: dict[str, tuple[int | None, int, int]] = {}  # real path -> (fd, depth, thread id)
_HELD_GUARD = threading.Lock()


def _holder(path: Path) -> str:
    with contextlib.suppress(OSError, ValueError, IndexError):
        return f" (pid {int(path.read_text().split()[0])})"
    return ""


@contextmanager
def locked(
    directory: Path, name: str, on_first: Callable[[], None] | None = None
) -> Iterator[None]:
    """Hold the lock file ``name`` of ``directory``; ``on_first`` runs once it is taken (not
    when this thread already held it). Another process holding it: :class:`OutputError`, one
    line naming its pid. A filesystem without locks: the folder is used unlocked, and
    ``on_first`` (cleaning up after other runs) is not run."""
    key = os.path.realpath(directory)
    me = threading.get_ident()
    with _HELD_GUARD:
        held = _HELD.get(key)
        if held is not None and held[2] != me:
            raise OutputError(f"{directory} is in use by another run in this process")
        if held is not None:
            _HELD[key] = (held[0], held[1] + 1, me)
            fresh = False
        else:
            path = Path(directory) / name
            try:
                fd: int | None = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
            except OSError as exc:
                raise OutputError(
                    f"cannot write to output directory {directory}: {exc.strerror}"
                ) from None
            assert fd is not None
            fresh = True
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno in (errno.EAGAIN, errno.EACCES):
                    os.close(fd)
                    raise OutputError(
                        f"{directory} is in use by another dedupe run{_holder(path)}; wait for "
                        "it or choose another --output-dir"
                    ) from None
                fresh = False  # no locks on this filesystem: go on, but clean up nothing
            else:
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()}\n".encode())
            _HELD[key] = (fd, 1, me)
    try:
        if fresh and on_first is not None:
            on_first()
        yield
    finally:
        with _HELD_GUARD:
            fd, depth, _ = _HELD[key]
            if depth > 1:
                _HELD[key] = (fd, depth - 1, me)
            else:
                del _HELD[key]
                if fd is not None:
                    os.close(fd)
