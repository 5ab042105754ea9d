"""Pass 1 on forked processes: each chunk read, normalised and signed in a child process.

Pass 1 is Python between its kernels (JSON parsing, chrome and boilerplate lines, encoding):
on threads, the kernels run side by side but the Python of one thread waits for the other's
(the GIL held about three quarters of pass 1's wall time on two cores). Forked after the plan
is learned and its kernels loaded, worker processes see the plan and the corpus as they are
(copy-on-write, nothing pickled to them but a chunk's number and byte range) and send back
each chunk's :class:`~dedupe.pipeline.pass1.SignedChunk` (ids, arrays; shingle sets go to the
spill folder when there is one). A chunk whose process failed or died is signed again here,
so an error of a plugin surfaces in this process with its own message and a killed worker
costs time, never documents. Results come back in chunk order, at most ``workers`` chunks
ahead of the one consumed, as on threads: the output is the same whatever the executor.
Linux only (``fork``), as :mod:`dedupe.executors.forked`.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from dedupe import heap
from dedupe.corpus import Chunk
from dedupe.pipeline.pass1 import SignedChunk

#: The signing function of the processes forked last (a fork copies it: nothing is pickled).
_SIGN: Callable[[Chunk], SignedChunk] | None = None


def _sign(chunk: Chunk) -> SignedChunk:
    """In a worker process: pass 1 over one chunk."""
    assert _SIGN is not None
    return _SIGN(chunk)


def signed(
    sign: Callable[[Chunk], SignedChunk], chunks: Iterable[Chunk], workers: int
) -> Iterator[SignedChunk]:
    """``sign`` of each chunk on ``workers`` forked processes, in chunk order (a chunk whose
    process failed is signed here; once the processes are broken, the rest too)."""
    global _SIGN
    _SIGN = sign
    heap.release_freed()  # (what the children allocate is then theirs, not copied pages)
    try:
        pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("fork")
        )
    except OSError:  # (no more processes or memory)
        pool = None
    pending: deque[tuple[Chunk, Future[SignedChunk] | None]] = deque()
    try:
        for chunk in chunks:
            pending.append((chunk, _submit(pool, chunk)))
            if len(pending) > workers:
                yield _result(sign, *pending.popleft())
        while pending:
            yield _result(sign, *pending.popleft())
    finally:
        for _, future in pending:
            if future is not None:
                future.cancel()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        _SIGN = None


def _submit(pool: ProcessPoolExecutor | None, chunk: Chunk) -> Future[SignedChunk] | None:
    """The chunk handed to a process; None when there is no working pool (signed here)."""
    if pool is None:
        return None
    try:
        return pool.submit(_sign, chunk)
    except (BrokenProcessPool, RuntimeError, OSError):
        return None


def _result(
    sign: Callable[[Chunk], SignedChunk], chunk: Chunk, future: Future[SignedChunk] | None
) -> SignedChunk:
    """What a process made of the chunk, or the chunk signed here when it failed."""
    if future is not None:
        try:
            return future.result()
        except Exception:  # (a plugin's error, a killed process: see the module doc)
            pass
    return sign(chunk)
