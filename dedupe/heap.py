"""How the run uses memory: glibc's heap (the kernels' batch temporaries served from it, one
arena for all threads, what was freed handed back to the system where a stage's peak is over)
and Python's cyclic garbage collector (run less often while a run lasts).

The heap settings are ``mallopt`` or ``malloc_trim`` calls through ctypes; nothing changes
where glibc is not the C library, and ``DEDUPE_KEEP_MALLOC`` leaves glibc's own settings.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
from collections.abc import Iterator

#: Set (to anything) to leave glibc's allocation settings as they are.
KEEP_MALLOC_VAR = "DEDUPE_KEEP_MALLOC"

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD, _M_ARENA_MAX = -1, -3, -8


def _libc(settings: bool = True) -> ctypes.CDLL | None:
    """glibc, or None where it is not the C library (and, for its ``settings``, when
    :data:`KEEP_MALLOC_VAR` is set)."""
    if settings and os.environ.get(KEEP_MALLOC_VAR):
        return None
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


def keep_large_allocations() -> None:
    """Serve the kernels' batch-sized temporaries (a few MB each) from the heap.

    glibc's adaptive threshold may otherwise hand them out as fresh ``mmap`` pages on every
    call, and the page faults then cost a third of the signature stage (measured: 6 faults and
    13 us of system time per document). Fixing the threshold keeps freed blocks for reuse
    (:func:`release_freed` gives them back when a stage's peak is over).
    """
    libc = _libc()
    with contextlib.suppress(AttributeError):
        if libc is not None:
            libc.mallopt(_M_MMAP_THRESHOLD, 256 * 1024 * 1024)
            libc.mallopt(_M_TRIM_THRESHOLD, 512 * 1024 * 1024)


def one_arena() -> None:
    """Let the threads allocate from the main heap (glibc's ``M_ARENA_MAX`` = 1).

    glibc gives each new thread an arena of its own, and with :func:`keep_large_allocations`
    each arena then holds a batch's worth of freed memory: 2 threads measured +240 MB of peak
    RSS and +0.4 s of system time (page faults) at 20k documents; one heap gives a single
    thread's 530 MB. The kernels allocate a few large blocks per batch, so the shared lock
    costs nothing measurable.
    """
    libc = _libc()
    with contextlib.suppress(AttributeError):
        if libc is not None:
            libc.mallopt(_M_ARENA_MAX, 1)


def release_freed() -> None:
    """Hand the heap's free memory back to the system (``malloc_trim``): glibc keeps it for
    reuse (:func:`keep_large_allocations`), so a process holds its last stage's peak
    until told. Called after learning (measured: 90 MB at 20,000 sampled documents) and
    before verification forks (a child's allocations reuse the freed blocks it inherited,
    each page of them then copied: at 100k the tree's PSS 762 -> 578-646 MB). Done whatever
    :data:`KEEP_MALLOC_VAR` says (it changes no setting)."""
    libc = _libc(settings=False)
    with contextlib.suppress(AttributeError):
        if libc is not None:
            libc.malloc_trim(0)


#: Allocations between two collections of the youngest generation while a run lasts
#: (Python's default is 700), and how many of those make one of the next (10 by default).
COLLECT_EVERY = 50_000
COLLECT_OLDER = 20


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Run Python's cyclic garbage collector less often for the ``with`` block, then restore
    the process's thresholds.

    A run allocates millions of small containers (the figures scorer's tokens and sentences,
    records, rows) and makes almost no reference cycles, so the collections its allocations
    trigger find nearly nothing: at 100k documents they took 1.2 s of a one-process run
    (counted with ``gc.callbacks``; forked verifiers inherit the thresholds). Reference
    counting still frees everything that is not in a cycle at once, and the collector still
    runs, every 50,000 allocations.
    """
    before = gc.get_threshold()
    gc.set_threshold(COLLECT_EVERY, COLLECT_OLDER, before[2])
    try:
        yield
    finally:
        gc.set_threshold(*before)
