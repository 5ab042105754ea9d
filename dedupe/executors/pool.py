"""The local executor's workers: pass 1 on forked processes, the second read on threads.

Pass 1 (:func:`~dedupe.pipeline.pass1.sign_chunk`) is Python between its kernels, so on
threads most of it waited for the GIL: it runs on forked processes
(:mod:`dedupe.executors.processes`), forked once the plan is learned and its kernels loaded,
so nothing is compiled or loaded again (on 100,000 documents, 2 cores: pass 1 6.8-6.9 s
instead of 10.4-10.6 s on threads). The second read (the candidate documents' raw texts) is
file reading and decoding, on threads sharing the corpus. Results come back in chunk order,
with at most ``workers`` chunks ahead of the one consumed, which makes the output identical
whatever the number of workers and keeps memory flat.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from dedupe import heap
from dedupe.config import Config
from dedupe.corpus import Chunk, Corpus, Location
from dedupe.documents import Record
from dedupe.executors import forked, processes
from dedupe.pipeline.pass1 import SignedChunk, sign_chunk, warm
from dedupe.pipeline.pass2 import read_texts
from dedupe.plan import RunPlan


def available_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def cores_for(config: Config) -> int:
    """The processes or threads a run may use: ``workers``, or all cores when it is 0."""
    return config.workers or available_cores()


class Pool:
    """Maps the pass steps over chunks, serially or on ``workers`` processes (pass 1) and
    threads (the second read).

    ``spill_dir``, ``keep_signatures`` and ``batch_done`` are passed on to :func:`sign_chunk`
    (``batch_done`` only when signing serially: in parallel, progress moves as chunks are
    merged, in order)."""

    def __init__(
        self,
        plan: RunPlan,
        corpus: Corpus,
        workers: int,
        *,
        spill_dir: str | None = None,
        keep_signatures: bool = True,
        batch_done: Callable[[int], None] | None = None,
    ) -> None:
        self.plan = plan
        self.corpus = corpus
        self.workers = workers
        self.spill_dir = spill_dir
        self.keep_signatures = keep_signatures
        self.batch_done = batch_done if workers == 1 else None
        self.threads: ThreadPoolExecutor | None = None

    def __enter__(self) -> Pool:
        if self.workers > 1:
            heap.one_arena()
            self.threads = ThreadPoolExecutor(self.workers, thread_name_prefix="dedupe-pass")
        return self

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        if self.threads is not None:
            # On an error, chunks not started are dropped; those running end with their chunk.
            self.threads.shutdown(wait=True, cancel_futures=kind is not None)
            self.threads = None

    def stop(self) -> None:
        """End the threads now; what is mapped later runs in this thread."""
        self.__exit__(None, None, None)

    def _map(self, func: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        """``func`` over ``items``, results in order; on threads, at most ``workers`` items
        ahead of the one consumed (their results wait in memory)."""
        threads = self.threads
        if threads is None:
            yield from map(func, items)
            return
        pending: deque[Future[Any]] = deque()
        try:
            for item in items:
                pending.append(threads.submit(func, item))
                if len(pending) > self.workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()

    def sign_here(self, chunk: Chunk) -> SignedChunk:
        """Pass 1 over one chunk, in the calling thread."""
        return sign_chunk(
            self.plan,
            self.corpus,
            chunk,
            spill_dir=self.spill_dir,
            keep_signatures=self.keep_signatures,
            batch_done=self.batch_done,
        )

    def sign(self, chunks: Iterable[Chunk]) -> Iterator[SignedChunk]:
        """Pass 1 over the chunks, results in chunk order: on ``workers`` forked processes
        where the system forks, else on the threads."""
        if self.workers > 1 and forked.available():
            warm(self.plan)  # (the kernels loaded once, before the fork)
            return processes.signed(self.sign_here, chunks, self.workers)
        return self._map(self.sign_here, chunks)

    def texts(self, jobs: Iterable[tuple[Chunk, set[Location]]]) -> Iterator[list[Record]]:
        """The raw texts of the wanted documents of each (chunk, locations) job, in order."""
        return self._map(lambda job: read_texts(self.corpus, job[0], job[1]), jobs)
