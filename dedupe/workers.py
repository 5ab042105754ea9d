"""Running the passes over chunks: in this process, or in worker processes.

Workers are forked after the engine has learned what it learns from the corpus, so they share
its exact normalisers (plugins included) without pickling them. Results come back in chunk
order, which makes the output identical whatever the number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from dedupe.corpus import Chunk, Corpus, Location
from dedupe.documents import Record
from dedupe.passes import LoadedChunk, SignedChunk, load_chunk, read_texts, sign_chunk

if TYPE_CHECKING:
    from dedupe.engine import Engine

_STATE: dict[str, Any] = {}


def _sign(chunk: Chunk) -> SignedChunk:
    return sign_chunk(_STATE["engine"], _STATE["corpus"], chunk)


def _load(job: tuple[Chunk, set[Location]]) -> LoadedChunk:
    return load_chunk(_STATE["engine"], _STATE["corpus"], job[0], job[1])


def _texts(job: tuple[Chunk, set[Location]]) -> list[Record]:
    return read_texts(_STATE["corpus"], job[0], job[1])


def available_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class Executor:
    """Maps the pass functions over chunks, serially or with a pool of forked processes."""

    def __init__(self, engine: Engine, corpus: Corpus, workers: int) -> None:
        self.engine = engine
        self.corpus = corpus
        self.workers = workers
        self.pool: Any = None

    def __enter__(self) -> Executor:
        if self.workers > 1:
            _STATE.update(engine=self.engine, corpus=self.corpus)
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

    def _map(
        self, func: Callable[[Any], Any], serial: Callable[[Any], Any], items: Iterable[Any]
    ) -> Iterator[Any]:
        if self.pool is None:
            return map(serial, items)
        return iter(self.pool.imap(func, items, chunksize=1))

    def sign(self, chunks: Iterable[Chunk]) -> Iterator[SignedChunk]:
        """Pass 1 over the chunks, results in chunk order."""
        return self._map(_sign, lambda c: sign_chunk(self.engine, self.corpus, c), chunks)

    def texts(self, jobs: Iterable[tuple[Chunk, set[Location]]]) -> Iterator[list[Record]]:
        """The raw texts of the wanted documents of each (chunk, locations) job, in order."""
        return self._map(_texts, lambda j: read_texts(self.corpus, j[0], j[1]), jobs)

    def load(self, jobs: Iterable[tuple[Chunk, set[Location]]]) -> Iterator[LoadedChunk]:
        """Pass 2 over (chunk, wanted locations) jobs, results in job order."""
        return self._map(_load, lambda j: load_chunk(self.engine, self.corpus, j[0], j[1]), jobs)
