"""The local executor's workers: a step mapped over chunks in this process or in forked ones.

Workers are forked after the plan has learned what it learns from the corpus, so they share
its exact normalisers (plugins included) without pickling them. Results come back in chunk
order, which makes the output identical whatever the number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from dedupe.corpus import Chunk, Corpus, Location
from dedupe.documents import Record
from dedupe.pipeline.pass1 import SignedChunk, sign_chunk
from dedupe.pipeline.pass2 import read_texts
from dedupe.plan import RunPlan

_STATE: dict[str, Any] = {}


def _sign(chunk: Chunk) -> SignedChunk:
    pool: Pool = _STATE["pool"]
    return pool.sign_here(chunk)


def _texts(job: tuple[Chunk, set[Location]]) -> list[Record]:
    return read_texts(_STATE["corpus"], job[0], job[1])


def available_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class Pool:
    """Maps the pass steps over chunks, serially or with a pool of forked processes.

    ``spill_dir``, ``keep_signatures`` and ``batch_done`` (in this process only) are passed
    on to :func:`sign_chunk`; the forked
    workers find the pool itself (plan, corpus and these) in the memory they inherit."""

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
        self.batch_done = batch_done if workers == 1 else None  # documents signed here
        self.pool: Any = None

    def __enter__(self) -> Pool:
        if self.workers > 1:
            _STATE.update(pool=self, corpus=self.corpus)
            self.pool = multiprocessing.get_context("fork").Pool(self.workers)
        return self

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        if self.pool is not None:
            if kind is None:
                self.pool.close()
            else:
                self.pool.terminate()
            self.pool.join()
            self.pool = None
        _STATE.clear()

    def stop(self) -> None:
        """End the worker processes now (their memory is freed while the run goes on); what
        is mapped later runs in this process."""
        self.__exit__(None, None, None)

    def _map(
        self, func: Callable[[Any], Any], serial: Callable[[Any], Any], items: Iterable[Any]
    ) -> Iterator[Any]:
        if self.pool is None:
            return map(serial, items)
        return iter(self.pool.imap(func, items, chunksize=1))

    def sign_here(self, chunk: Chunk) -> SignedChunk:
        """Pass 1 over one chunk, in this process."""
        return sign_chunk(
            self.plan,
            self.corpus,
            chunk,
            spill_dir=self.spill_dir,
            keep_signatures=self.keep_signatures,
            batch_done=self.batch_done,
        )

    def sign(self, chunks: Iterable[Chunk]) -> Iterator[SignedChunk]:
        """Pass 1 over the chunks, results in chunk order."""
        return self._map(_sign, self.sign_here, chunks)

    def texts(self, jobs: Iterable[tuple[Chunk, set[Location]]]) -> Iterator[list[Record]]:
        """The raw texts of the wanted documents of each (chunk, locations) job, in order."""
        return self._map(_texts, lambda j: read_texts(self.corpus, j[0], j[1]), jobs)
