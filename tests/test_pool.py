"""Pass 1 in parallel: on forked processes (threads where the system does not fork), the same
output bytes as one worker; chunks signed in other processes, at most ``workers`` at once; a
chunk whose process died is signed here; an error in a chunk is raised here and stops the
run; no process left behind."""

import fcntl
import os
import threading

import pytest

from dedupe import Engine
from dedupe.executors import forked
from dedupe.pipeline.pass1 import sign_chunk

OUTPUTS = ("clusters.jsonl", "pairs.jsonl", "kept.jsonl", "dropped.jsonl")

needs_fork = pytest.mark.skipif(not forked.available(), reason="pass 1 forks on Linux only")


def engine(workers: int) -> Engine:
    return Engine(load_plugins=False, workers=workers, chunk_mb=0.25, parallel_min_mb=0)


def same_outputs(a, b):
    for name in OUTPUTS:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


class Log:
    """Lines appended by any process (a file, locked): who signed which chunk, and how many
    chunks were being signed at once."""

    def __init__(self, path):
        self.path = path
        path.write_text("")

    def add(self, line):
        with open(self.path, "a") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            f.write(line + "\n")

    def lines(self):
        return [line.split() for line in self.path.read_text().splitlines()]


@needs_fork
def test_processes_give_the_bytes_of_one_worker(syndication, tmp_path, monkeypatch):
    log = Log(tmp_path / "log")

    def watched(*args, **kwargs):
        log.add(f"start {os.getpid()}")
        try:
            return sign_chunk(*args, **kwargs)
        finally:
            log.add(f"end {os.getpid()}")

    corpus = syndication / "corpus.jsonl"
    engine(1).run([corpus], tmp_path / "one")
    monkeypatch.setattr("dedupe.executors.pool.sign_chunk", watched)
    result = engine(3).run([corpus], tmp_path / "three")
    assert result.counts["workers"] == 3 and result.counts["chunks"] > 6
    lines = log.lines()
    pids = {int(pid) for _, pid in lines}
    assert len(pids) > 1 and os.getpid() not in pids
    running = most = 0
    for event, _ in lines:
        running += 1 if event == "start" else -1
        most = max(most, running)
    assert 1 <= most <= 3 and running == 0
    assert sum(event == "start" for event, _ in lines) == result.counts["chunks"]
    same_outputs(tmp_path / "three", tmp_path / "one")
    assert len(result.clusters) > 400
    for pid in pids:  # every worker ended and waited for
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


@needs_fork
def test_a_chunk_whose_process_died_is_signed_here(syndication, tmp_path, monkeypatch):
    parent = os.getpid()
    log = Log(tmp_path / "log")

    def dying(plan, corpus, chunk, **options):
        if chunk.number == 2 and os.getpid() != parent:
            os._exit(9)  # (killed: no result, no exception)
        log.add(f"{chunk.number} {os.getpid()}")
        return sign_chunk(plan, corpus, chunk, **options)

    corpus = syndication / "corpus.jsonl"
    engine(1).run([corpus], tmp_path / "one")
    monkeypatch.setattr("dedupe.executors.pool.sign_chunk", dying)
    result = engine(2).run([corpus], tmp_path / "two")
    same_outputs(tmp_path / "two", tmp_path / "one")
    here = {int(number) for number, pid in log.lines() if int(pid) == parent}
    assert 2 in here  # (and the chunks after it: the processes are broken)
    assert result.counts["documents_read"] > 1000


def test_an_error_in_a_chunk_stops_the_run(syndication, tmp_path, monkeypatch):
    parent = os.getpid()
    raised_in: list[int] = []

    def failing(plan, corpus, chunk, **options):
        if chunk.number == 2:
            if os.getpid() == parent:
                raised_in.append(parent)
            raise OSError("disk gone")
        return sign_chunk(plan, corpus, chunk, **options)

    monkeypatch.setattr("dedupe.executors.pool.sign_chunk", failing)
    with pytest.raises(OSError, match="disk gone"):
        engine(2).run([syndication / "corpus.jsonl"], tmp_path / "out")
    assert raised_in == [parent]  # (raised here with its own traceback, not a child's copy)
    assert not (tmp_path / "out" / "clusters.jsonl").exists()


def test_without_a_fork_pass_1_runs_on_threads(syndication, tmp_path, monkeypatch):
    threads: set[int] = set()
    lock = threading.Lock()

    def watched(*args, **kwargs):
        with lock:
            threads.add(threading.get_ident())
        return sign_chunk(*args, **kwargs)

    corpus = syndication / "corpus.jsonl"
    engine(1).run([corpus], tmp_path / "one")
    monkeypatch.setattr("dedupe.executors.pool.sign_chunk", watched)
    monkeypatch.setattr(forked, "available", lambda: False)
    result = engine(2).run([corpus], tmp_path / "two")
    assert result.counts["workers"] == 2
    assert len(threads) > 1 and threading.get_ident() not in threads
    same_outputs(tmp_path / "two", tmp_path / "one")


WARM_CHECK = """
import json, sys
import numpy as np
import numba.core.dispatcher as dispatcher
from dedupe import Engine, kernels
from dedupe.kernels import compiled
from dedupe.pipeline.pass1 import sign_batch, warm

kernels.BACKEND, kernels._impl = "compiled", compiled
plan = Engine(load_plugins=False).plan
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")][:300]
if sys.argv[2] == "warm":
    warm(plan)
loaded = []
load = dispatcher._DispatcherBase._compile_for_args

def counted(self, *args, **kwargs):
    loaded.append(self.py_func.__name__)
    return load(self, *args, **kwargs)

dispatcher._DispatcherBase._compile_for_args = counted
sign_batch(plan, texts, None, np.arange(len(texts), dtype=np.int64))
print(len(loaded))
"""


def test_warm_loads_pass_1_kernels_before_the_workers_fork(syndication):
    """Pass 1's kernels, run once on made-up texts before the fork, are those real articles
    need: signing them loads no kernel more (a forked worker would load each again)."""
    pytest.importorskip("numba")
    import subprocess
    import sys

    def loads(mode):
        out = subprocess.run(
            [sys.executable, "-c", WARM_CHECK, str(syndication / "corpus.jsonl"), mode],
            capture_output=True,
            text=True,
            check=True,
        )
        return int(out.stdout.split()[-1])

    assert loads("cold") >= 5  # (what a worker loaded before)
    assert loads("warm") == 0
