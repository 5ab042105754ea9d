"""Interrupted runs: no partial outputs, and ``--resume`` continues from checkpointed chunks
with identical results."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

import dedupe.pipeline.pass1
from dedupe import Engine
from dedupe.atomic import LOCK
from dedupe.engine import CHECKPOINT_DIR

from .output_tree import outputs


def small_chunks(**settings):
    return Engine(load_plugins=False, chunk_mb=1, parallel_min_mb=0, workers=1, **settings)


def test_interrupt_leaves_no_output_and_resume_reads_only_the_rest(
    syndication, tmp_path, monkeypatch
):
    corpus = syndication / "corpus.jsonl"
    fresh = tmp_path / "fresh"
    small_chunks().run([corpus], fresh)

    out = tmp_path / "out"
    real = dedupe.pipeline.pass1.sign_chunk
    calls: list[int] = []

    def interrupted(plan, corpus_, chunk, **options):
        if chunk.number == 3:
            raise KeyboardInterrupt
        calls.append(chunk.number)
        return real(plan, corpus_, chunk, **options)

    monkeypatch.setattr("dedupe.executors.pool.sign_chunk", interrupted)
    with pytest.raises(KeyboardInterrupt):
        small_chunks().run([corpus], out)
    # no output file at all (the lock file only marks the folder as an output folder)
    assert sorted(p.name for p in out.iterdir() if p.name != LOCK) == [CHECKPOINT_DIR]
    shards = list((out / CHECKPOINT_DIR).rglob("chunk-*.npz"))
    assert len(shards) == 3

    calls.clear()
    monkeypatch.setattr(
        "dedupe.executors.pool.sign_chunk",
        lambda e, c, ch, **o: calls.append(ch.number) or real(e, c, ch, **o),
    )
    result = small_chunks().run([corpus], out, resume=True)
    assert 0 not in calls and 3 in calls  # the first three chunks came from the checkpoint
    assert result.counts["chunks"] == len(calls) + 3
    for name in ("clusters.jsonl", "pairs.jsonl", "kept.jsonl"):
        assert (out / name).read_bytes() == (fresh / name).read_bytes()
    assert not (out / CHECKPOINT_DIR).exists()  # removed after success


def test_checkpoints_of_other_settings_are_not_used(syndication, tmp_path, monkeypatch):
    corpus = syndication / "corpus.jsonl"
    out = tmp_path / "out"
    real = dedupe.pipeline.pass1.sign_chunk

    def interrupted(plan, corpus_, chunk, **options):
        if chunk.number == 2:
            raise KeyboardInterrupt
        return real(plan, corpus_, chunk, **options)

    monkeypatch.setattr("dedupe.executors.pool.sign_chunk", interrupted)
    with pytest.raises(KeyboardInterrupt):
        small_chunks().run([corpus], out)
    calls: list[int] = []
    monkeypatch.setattr(
        "dedupe.executors.pool.sign_chunk",
        lambda e, c, ch, **o: calls.append(ch.number) or real(e, c, ch, **o),
    )
    small_chunks(ngram=4).run([corpus], out, resume=True)
    assert 0 in calls  # other settings: everything is computed again


def test_killed_cli_run_leaves_previous_or_new_outputs_whole(syndication, tmp_path):
    """SIGKILL during a real run over an output directory holding a finished run: every
    output file is afterwards either the old one or the new one, whole, never a mix."""
    corpus = syndication / "corpus.jsonl"
    out = tmp_path / "out"
    new = tmp_path / "new"
    command = [sys.executable, "-m", "dedupe", "run", str(corpus), "-q"]
    subprocess.run([*command, "-o", str(out)], check=True)
    subprocess.run([*command, "-o", str(new), "-n", "4"], check=True)
    old_files = outputs(out)
    new_files = outputs(new)
    for delay in (0.5, 1.0, 1.5, 2.0, 2.5):
        proc = subprocess.Popen([*command, "-o", str(out), "-n", "4"])
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        for name in ("clusters.jsonl", "pairs.jsonl", "kept.jsonl"):
            data = (out / name).read_bytes()
            assert data in (old_files[name], new_files[name]), (delay, name)
        if all((out / n).read_bytes() == new_files[n] for n in ("clusters.jsonl",)):
            subprocess.run([*command, "-o", str(out)], check=True)  # back to the old state
            old_files = outputs(out)
