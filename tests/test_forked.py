"""Verification on forked processes (dedupe.executors.forked): the same scores and outputs as
one process on real wire copy and syndicated articles, chunks of a child that fails or dies
scored again here, a scorer's error raised here, no process left behind."""

import csv
import os
import signal

import numpy as np
import pytest

from dedupe import Engine
from dedupe.executors import forked
from dedupe.score import Scorer

from .conftest import REPO, reuters_wire

OUTPUTS = ("clusters.jsonl", "pairs.jsonl", "kept.jsonl", "dropped.jsonl")

pytestmark = pytest.mark.skipif(not forked.available(), reason="scoring forks on Linux only")


@pytest.fixture(scope="module")
def wire_pairs():
    """The hand-labelled Reuters pairs (templated notices and copies) and their texts."""
    texts = reuters_wire("\n\n")
    with open(REPO / "benchmarks" / "reuters_pairs.tsv", encoding="utf-8") as f:
        rows = [(r["a"], r["b"]) for r in csv.DictReader(f, delimiter="\t")]
    ids = sorted({d for pair in rows for d in pair}, key=int)
    number = {d: k for k, d in enumerate(ids)}
    pairs = np.array([sorted((number[a], number[b])) for a, b in rows], dtype=np.int64)
    return [(d, texts[d]) for d in ids], pairs


FORKED: list[int] = []


def _no_children_left():
    """Every process forked for scoring has ended and been waited for."""
    assert FORKED
    for pid in FORKED:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


@pytest.fixture
def small_chunks(monkeypatch):
    """Fork for any number of pairs, in chunks of a few pairs; count the chunks that came
    back from children."""
    monkeypatch.setattr(forked, "MIN_PAIRS", 1)
    monkeypatch.setattr(forked, "CHUNK_PAIRS", 4)
    from_children: list[int] = []
    results = forked._Child.results

    def counted(self, cut):
        found = results(self, cut)
        from_children.append(len(found))
        return found

    monkeypatch.setattr(forked._Child, "results", counted)
    fork = forked._fork

    def recorded(*args):
        child = fork(*args)
        FORKED.append(child.pid)
        return child

    FORKED.clear()
    monkeypatch.setattr(forked, "_fork", recorded)
    return from_children


def test_forked_figures_score_as_one_process(wire_pairs, small_chunks):
    documents, pairs = wire_pairs
    engine = Engine(load_plugins=False)
    figures = engine.registry.get("scorer", "figures")
    alone = figures(pairs, engine.pair_context(documents))
    ctx = engine.pair_context(documents)
    ctx.split_scoring = forked.ForkedScoring(3)
    spread = figures(pairs, ctx)
    assert (alone < 0.7).sum() > 20 and (alone >= 0.7).sum() > 20  # vetoes and passes
    np.testing.assert_array_equal(spread, alone)
    assert len(small_chunks) == 2 and all(n > 0 for n in small_chunks)
    # asked again (clusters, representatives): the scores kept, nothing forked
    again = figures(pairs[::-1], ctx)
    np.testing.assert_array_equal(again, alone[::-1])
    assert len(small_chunks) == 2
    _no_children_left()


def test_runs_on_two_processes_write_the_bytes_of_one(syndication, tmp_path, small_chunks):
    corpus = syndication / "corpus.jsonl"
    one = Engine(load_plugins=False, workers=1).run([corpus], tmp_path / "one")
    two = Engine(load_plugins=False, workers=2).run([corpus], tmp_path / "two")
    assert one.counts["candidate_pairs"] > 100 and sum(small_chunks) > 5
    for name in OUTPUTS:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    assert two.counts["duplicates_removed"] == one.counts["duplicates_removed"] > 0
    _no_children_left()


def _text_length_score(pairs, ctx):
    """A pure scorer: the shorter text's length over the longer one's."""
    lengths = np.array([[len(ctx.text(a)), len(ctx.text(b))] for a, b in pairs.tolist()])
    return lengths.min(axis=1) / np.maximum(lengths.max(axis=1), 1)


def _scorer(func):
    return Scorer("lengths", func, 0.5, pure=True)


def test_chunks_of_a_child_that_dies_are_scored_here(wire_pairs, small_chunks):
    documents, pairs = wire_pairs
    engine = Engine(load_plugins=False)
    here = os.getpid()

    def dies_in_children(pairs, ctx):
        if os.getpid() != here:
            os.kill(os.getpid(), signal.SIGKILL)
        return _text_length_score(pairs, ctx)

    def fails_in_children(pairs, ctx):
        if os.getpid() != here:
            raise RuntimeError("lost")
        return _text_length_score(pairs, ctx)

    expected = _text_length_score(pairs, engine.pair_context(documents))
    for func in (dies_in_children, fails_in_children):
        ctx = engine.pair_context(documents)
        ctx.split_scoring = forked.ForkedScoring(2)
        np.testing.assert_array_equal(_scorer(func)(pairs, ctx), expected)
        _no_children_left()
    assert small_chunks == [0, 0]


def test_without_a_fork_the_pairs_are_scored_here(wire_pairs, small_chunks, monkeypatch):
    documents, pairs = wire_pairs
    engine = Engine(load_plugins=False)
    expected = _text_length_score(pairs, engine.pair_context(documents))

    def no_fork():
        raise BlockingIOError("Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    ctx = engine.pair_context(documents)
    ctx.split_scoring = forked.ForkedScoring(2)
    np.testing.assert_array_equal(_scorer(_text_length_score)(pairs, ctx), expected)
    assert small_chunks == [] and FORKED == []


def test_an_error_of_the_scorer_is_raised_here(wire_pairs, small_chunks):
    documents, pairs = wire_pairs
    ctx = Engine(load_plugins=False).pair_context(documents)
    ctx.split_scoring = forked.ForkedScoring(2)

    def broken(pairs, ctx):
        raise ValueError("no score for you")

    with pytest.raises(ValueError, match="no score for you"):
        _scorer(broken)(pairs, ctx)
    _no_children_left()
    with pytest.raises(Exception, match=r"returned shape \(1,\)"):
        _scorer(lambda pairs, ctx: [0.5])(pairs, ctx)
    _no_children_left()


def test_chunks_hold_whole_components_once(wire_pairs):
    _, pairs = wire_pairs
    for size in (1, 4, 50, 10_000):
        cut = forked.chunks(pairs, size)
        together = np.sort(np.concatenate(cut))
        np.testing.assert_array_equal(together, np.arange(len(pairs)))
        chunk_of_doc: dict[int, int] = {}
        for k, part in enumerate(cut):
            for doc in np.unique(pairs[part]).tolist():
                assert chunk_of_doc.setdefault(doc, k) == k  # a document in one chunk only
        assert all(len(part) >= size for part in cut[:-1])
    assert forked.chunks(np.zeros((0, 2), dtype=np.int64), 4) == []
