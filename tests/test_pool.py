"""Pass 1 on threads: the same output bytes as one thread, chunks signed on several threads
(at most ``workers`` at once, none in the calling thread), an error in a chunk stops the run."""

import threading

import pytest

from dedupe import Engine
from dedupe.pipeline.pass1 import sign_chunk

OUTPUTS = ("clusters.jsonl", "pairs.jsonl", "kept.jsonl", "dropped.jsonl")


def engine(workers: int) -> Engine:
    return Engine(load_plugins=False, workers=workers, chunk_mb=0.25, parallel_min_mb=0)


def test_threads_give_the_bytes_of_one_thread(syndication, tmp_path, monkeypatch):
    threads: set[int] = set()
    running = [0, 0]  # now, most at once
    lock = threading.Lock()

    def watched(*args, **kwargs):
        with lock:
            threads.add(threading.get_ident())
            running[0] += 1
            running[1] = max(running)
        try:
            return sign_chunk(*args, **kwargs)
        finally:
            with lock:
                running[0] -= 1

    corpus = syndication / "corpus.jsonl"
    engine(1).run([corpus], tmp_path / "one")
    monkeypatch.setattr("dedupe.executors.pool.sign_chunk", watched)
    result = engine(3).run([corpus], tmp_path / "three")
    assert result.counts["workers"] == 3 and result.counts["chunks"] > 6
    assert len(threads) > 1 and threading.get_ident() not in threads
    assert 1 <= running[1] <= 3
    for name in OUTPUTS:
        assert (tmp_path / "three" / name).read_bytes() == (tmp_path / "one" / name).read_bytes()
    assert len(result.clusters) > 400


def test_an_error_in_a_chunk_stops_the_run(syndication, tmp_path, monkeypatch):
    def failing(plan, corpus, chunk, **options):
        if chunk.number == 2:
            raise OSError("disk gone")
        return sign_chunk(plan, corpus, chunk, **options)

    monkeypatch.setattr("dedupe.executors.pool.sign_chunk", failing)
    with pytest.raises(OSError, match="disk gone"):
        engine(2).run([syndication / "corpus.jsonl"], tmp_path / "out")
    assert not (tmp_path / "out" / "clusters.jsonl").exists()
