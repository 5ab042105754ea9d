"""Verification on every core: a pure scorer's pairs split over forked processes.

The ``figures`` veto reads texts in Python, one document after another; on a crawl with many
copies it is most of a run's time, on one core while the others wait. A scorer that declares
itself ``pure`` (a pair's score depends on its two documents alone) can score any part of the
pairs anywhere, so the local executor forks ``workers - 1`` processes after the candidates'
store is read: they see the store as it is (copy-on-write, nothing pickled or read again),
take chunks of the pairs (whole components of the pairs' graph: a document's readings are
made once, in one process) from a shared queue, and send their scores back over a pipe as
raw float64 (the only thing that comes back; the chunks of a process that fails or dies are
scored here again, so an error of the scorer surfaces in this process with its own message).
Scores found in other processes are kept for the run: the pairs inside clusters and around
representatives are asked for again later. Linux only (``fork`` where threads may run is
safe there for what a child does: Python code over the inherited store, then ``_exit``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import struct
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np

from dedupe import heap
from dedupe.cluster import component_labels, label_groups
from dedupe.errors import PluginError

#: Fewer pairs to score than this are scored here: a fork and its pipe cost milliseconds, a
#: pair of the ``figures`` veto about 0.1-1 ms.
MIN_PAIRS = 512
#: Pairs per chunk taken at a time (at least; whole components), and chunks at most (their
#: numbers must fit in a pipe's buffer, 64 KiB on Linux, before any process reads).
CHUNK_PAIRS = 64
MAX_CHUNKS = 8_192
_TASK = struct.Struct("<I")
_KNOWN = "forked.scores."


def available() -> bool:
    """Whether scoring can be forked here (Linux, ``os.fork``)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def chunks(pairs: np.ndarray, size: int) -> list[np.ndarray]:
    """The indices of ``pairs`` in chunks of whole components of their graph, the biggest
    components first, packed into chunks of at least ``size`` pairs (the last may be short)."""
    edges = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    if not len(edges):
        return []
    _, local = np.unique(edges, return_inverse=True)
    local = local.reshape(-1, 2)
    components = label_groups(component_labels(int(local.max()) + 1, local)[local[:, 0]])
    components.sort(key=len, reverse=True)  # (stable: equal sizes keep label order)
    out: list[np.ndarray] = []
    current: list[np.ndarray] = []
    held = 0
    for members in components:
        current.append(members)
        held += len(members)
        if held >= size:
            out.append(np.sort(np.concatenate(current)))
            current, held = [], 0
    if current:
        out.append(np.sort(np.concatenate(current)))
    return out


class ForkedScoring:
    """``ctx.split_scoring`` for the local executor: scores a pure scorer's pairs on
    ``workers`` processes (this one and forked children), keeping the scores for the run.

    The pairs are cut into :func:`chunks`, whose numbers wait in a pipe: each process takes
    the next (a read of 4 bytes from a pipe is atomic), so a process given costly documents
    takes fewer chunks and all end together. A child sends its chunks' scores when the pipe is
    empty; chunks of a child that failed are scored here afterwards."""

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def __call__(self, scorer: Any, pairs: np.ndarray, ctx: Any) -> np.ndarray:
        known: dict[tuple[int, int], float] = ctx.memo.setdefault(_KNOWN + scorer.name, {})
        listed = [(a, b) for a, b in np.asarray(pairs).reshape(-1, 2).tolist()]
        out = np.empty(len(listed), dtype=np.float64)
        todo = []
        for k, pair in enumerate(listed):
            found = known.get(pair)
            if found is None:
                todo.append(k)
            else:
                out[k] = found
        wanted = np.asarray(pairs).reshape(-1, 2)[todo]
        if len(todo) < MIN_PAIRS or self.workers < 2:
            if len(todo):
                out[todo] = _checked(scorer, scorer.func(wanted, ctx), len(todo))
            return out
        scores = _scored_on_all(scorer, wanted, ctx, self.workers)
        for (a, b), value in zip(wanted.tolist(), scores.tolist(), strict=True):
            known[a, b] = value
        out[todo] = scores
        return out


def _scored_on_all(scorer: Any, pairs: np.ndarray, ctx: Any, workers: int) -> np.ndarray:
    """The scores of ``pairs`` found by this process and ``workers - 1`` forked ones."""
    cut = chunks(pairs, max(CHUNK_PAIRS, -(-len(pairs) // MAX_CHUNKS)))
    tasks, feed = os.pipe()
    try:
        os.write(feed, b"".join(_TASK.pack(k) for k in range(len(cut))))
    finally:
        os.close(feed)  # (readers see the numbers, then the end)
    scores = np.full(len(pairs), np.nan)
    done = np.zeros(len(cut), dtype=bool)
    children: list[_Child] = []
    heap.release_freed()  # (what the children allocate is then theirs, not copied pages)
    try:
        for _ in range(workers - 1):
            try:
                children.append(_fork(scorer, pairs, cut, tasks, ctx))
            except OSError:  # (no more processes or memory: the chunks left are scored here)
                break
        for k, values in _take(scorer, pairs, cut, tasks, ctx):
            scores[cut[k]] = values
            done[k] = True
        for child in children:
            for k, values in child.results(cut):
                scores[cut[k]] = values
                done[k] = True
    finally:
        os.close(tasks)
        for child in children:
            child.close()
    for k in np.flatnonzero(~done).tolist():  # a child's that failed or died
        scores[cut[k]] = _checked(scorer, scorer.func(pairs[cut[k]], ctx), len(cut[k]))
    return scores


def _take(
    scorer: Any, pairs: np.ndarray, cut: list[np.ndarray], tasks: int, ctx: Any
) -> Iterator[tuple[int, np.ndarray]]:
    """(chunk number, its scores) for each chunk this process takes from the pipe."""
    while True:
        data = os.read(tasks, _TASK.size)
        if not data:
            return
        (k,) = _TASK.unpack(data)
        yield k, _checked(scorer, scorer.func(pairs[cut[k]], ctx), len(cut[k]))


def _checked(scorer: Any, values: Any, n: int) -> np.ndarray:
    """The scorer's values for ``n`` pairs as float64, or the error :class:`~dedupe.score.Scorer`
    raises for a wrong shape (its range is checked there, on all of them)."""
    found = np.asarray(values, dtype=np.float64)
    if found.shape != (n,):
        raise PluginError(f"scorer {scorer.name!r} returned shape {found.shape} for {n} pairs")
    return found


class _Child:
    """A forked scoring process and the read end of the pipe it sends its scores on."""

    def __init__(self, pid: int, fd: int) -> None:
        self.pid, self.fd = pid, fd

    def results(self, cut: list[np.ndarray]) -> list[tuple[int, np.ndarray]]:
        """(chunk number, scores) of the chunks it scored: none when it failed or died, or
        sent something else than scores of chunks."""
        parts = []
        while True:
            data = os.read(self.fd, 1 << 20)
            if not data:
                break
            parts.append(data)
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            return []
        data = b"".join(parts)
        found, at = [], 0
        while at < len(data):
            if at + _TASK.size > len(data):
                return []
            (k,) = _TASK.unpack_from(data, at)
            at += _TASK.size
            n = len(cut[k]) if k < len(cut) else -1
            if n < 0 or at + 8 * n > len(data):
                return []
            found.append((k, np.frombuffer(data, np.float64, n, at).copy()))
            at += 8 * n
        return found

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)
        if self.pid:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(self.pid, 0)
            self.pid = 0


def _fork(scorer: Any, pairs: np.ndarray, cut: list[np.ndarray], tasks: int, ctx: Any) -> _Child:
    """Fork a process that scores the chunks it takes from ``tasks``, then writes their
    numbers and scores to a pipe and exits (``os._exit``: no cleanup, flush or exit handler
    of this process runs twice)."""
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        raise
    if pid:
        os.close(write_end)
        return _Child(pid, read_end)
    code = 1
    try:
        os.close(read_end)
        for signum in (signal.SIGINT, signal.SIGTERM):  # (die with the run, at once)
            signal.signal(signum, signal.SIG_DFL)
        # (held until the pipe is empty: a child writing meanwhile would wait for this
        # process to read, and take no more chunks)
        found = [
            _TASK.pack(k) + values.tobytes() for k, values in _take(scorer, pairs, cut, tasks, ctx)
        ]
        view = memoryview(b"".join(found))
        while view:
            view = view[os.write(write_end, view) :]
        code = 0
    finally:
        os._exit(code)
