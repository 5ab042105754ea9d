"""Checkpoints are data, never code: a shard round-trips exactly through ``.npz`` + JSON; a
crafted, damaged or foreign shard is ignored with one line and its chunk computed again (the
outputs those of an uninterrupted run); the run key covers every setting (``--max-doc-bytes``
included) and what the normalisers learned (their ``state``)."""

from __future__ import annotations

import dataclasses
import os
import pickle
from pathlib import Path

import numpy as np
import pytest

from dedupe import Engine, make_config
from dedupe.checkpoint import Checkpoint, learned_state, run_key, run_settings
from dedupe.documents import BadRecord
from dedupe.engine import CHECKPOINT_DIR
from dedupe.pipeline.pass1 import sign_chunk

from .test_index_safety import code_payload


def small_chunks(**settings) -> Engine:
    return Engine(load_plugins=False, chunk_mb=1, parallel_min_mb=0, workers=1, **settings)


@pytest.fixture
def interrupted(syndication, tmp_path, monkeypatch):
    """A run over syndication-dev interrupted at chunk 3 (chunks 0-2 checkpointed), the
    outputs of an uninterrupted run, and the list that records which chunks get computed."""
    corpus = syndication / "corpus.jsonl"
    fresh = tmp_path / "fresh"
    small_chunks().run([corpus], fresh)
    calls: list[int] = []

    def stop_at_3(plan, corpus_, chunk, **options):
        if chunk.number == 3:
            raise KeyboardInterrupt
        return sign_chunk(plan, corpus_, chunk, **options)

    out = tmp_path / "out"
    monkeypatch.setattr("dedupe.executors.pool.sign_chunk", stop_at_3)
    with pytest.raises(KeyboardInterrupt):
        small_chunks().run([corpus], out)
    monkeypatch.setattr(
        "dedupe.executors.pool.sign_chunk",
        lambda e, c, ch, **o: calls.append(ch.number) or sign_chunk(e, c, ch, **o),
    )
    (directory,) = (out / CHECKPOINT_DIR).iterdir()
    assert sorted(p.name for p in directory.glob("chunk-*")) == [
        f"chunk-{k:06d}.npz" for k in range(3)
    ]
    return corpus, fresh, out, directory, calls


def resume_and_compare(corpus, fresh, out, capsys) -> list[str]:
    """Resume; assert the outputs are the uninterrupted run's; return the stderr lines."""
    capsys.readouterr()
    small_chunks().run([corpus], out, resume=True)
    err = capsys.readouterr().err.splitlines()
    for name in ("clusters.jsonl", "pairs.jsonl", "kept.jsonl"):
        assert (out / name).read_bytes() == (fresh / name).read_bytes()
    return err


def test_a_shard_round_trips_exactly(syndication, tmp_path):
    engine = small_chunks()
    corpus = engine.open_files([syndication / "corpus.jsonl"])
    engine.chain = engine.learn(corpus)
    chunk = corpus.chunks(1 << 20)[1]
    checkpoint = Checkpoint(tmp_path, "k", num_perm=128, bands=engine.banding.bands)
    checkpoint.start(False)
    signed = sign_chunk(engine.plan, corpus, chunk, spill_dir=str(checkpoint.directory))
    signed.dates[0] = "2024-05-01"
    signed.bad.append(BadRecord("corpus.jsonl", 7, "no text field"))
    checkpoint.save(signed)
    loaded = checkpoint.load(chunk.number)
    assert loaded is not None
    for f in dataclasses.fields(signed):
        a, b = getattr(signed, f.name), getattr(loaded, f.name)
        if isinstance(a, np.ndarray):
            assert a.dtype == b.dtype and np.array_equal(a, b), f.name
        elif isinstance(a, list) and a and isinstance(a[0], np.ndarray):
            assert len(a) == len(b) and all(
                x.dtype == y.dtype and np.array_equal(x, y) for x, y in zip(a, b, strict=True)
            ), f.name
        else:
            assert a == b, f.name
    # kept in memory (no spill directory) round-trips as well
    in_memory = sign_chunk(engine.plan, corpus, chunk)
    checkpoint.save(in_memory)
    again = checkpoint.load(chunk.number)
    assert again is not None and again.set_file is None
    assert np.array_equal(again.set_values, in_memory.set_values)


class Touch:
    """Pickled, runs ``touch target`` when loaded."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self):
        return (os.system, (f"touch {self.target}",))


def test_a_crafted_checkpoint_runs_no_code(interrupted, tmp_path, capsys):
    """Shards holding a pickle that would create a file: under the old name (``.pkl``, which
    was ``pickle.load``-ed) and the new one, raw and as an object array inside an ``.npz``."""
    corpus, fresh, out, directory, calls = interrupted
    targets = [tmp_path / "PWNED-0", tmp_path / "PWNED-1"]
    (directory / "chunk-000000.pkl").write_bytes(code_payload(targets[0]))
    (directory / "chunk-000000.npz").write_bytes(code_payload(targets[0]))
    with open(directory / "chunk-000001.npz", "wb") as f:  # an object array: a pickle inside
        np.savez(f, meta=np.array([Touch(targets[1])], dtype=object))
    err = resume_and_compare(corpus, fresh, out, capsys)
    assert not any(t.exists() for t in targets)
    ignored = [line for line in err if "ignored checkpoint" in line]
    assert len(ignored) == 2 and all("is computed again" in line for line in ignored)
    assert "chunk-000000.npz" in ignored[0] and "chunk-000001.npz" in ignored[1]
    assert calls[:2] == [0, 1] and 2 not in calls  # chunk 2's shard was still good


def test_damaged_and_foreign_shards_are_recomputed_with_one_line(interrupted, capsys):
    corpus, fresh, out, directory, calls = interrupted
    shard0 = directory / "chunk-000000.npz"
    shard1 = directory / "chunk-000001.npz"
    data = shard0.read_bytes()
    shard0.write_bytes(data[: len(data) // 2])  # truncated
    shard1.write_bytes((directory / "chunk-000002.npz").read_bytes())  # another chunk's
    sets = directory / "sets-000002.npy"
    sets.write_bytes(sets.read_bytes()[:-4])  # its shingle sets one value short
    err = resume_and_compare(corpus, fresh, out, capsys)
    ignored = [line for line in err if "ignored checkpoint" in line]
    assert len(ignored) == 3
    assert "holds chunk 2, not 1" in ignored[1] and "truncated" in ignored[2]
    assert sorted(calls)[:3] == [0, 1, 2]


def test_a_shard_of_other_shapes_is_not_trusted(syndication, tmp_path, capsys):
    engine = small_chunks()
    corpus = engine.open_files([syndication / "corpus.jsonl"])
    chunk = corpus.chunks(1 << 20)[0]
    signed = sign_chunk(engine.plan, corpus, chunk)
    mine = Checkpoint(tmp_path, "k", num_perm=128, bands=engine.banding.bands)
    mine.start(False)
    bad = [
        dataclasses.replace(signed, label_of=signed.label_of + 5),
        dataclasses.replace(signed, lines=signed.lines[:-1]),
        dataclasses.replace(signed, signatures=[s[:, :64] for s in signed.signatures]),
        dataclasses.replace(signed, ids=signed.ids[:-1]),
        dataclasses.replace(signed, empty=[len(signed.ids)]),
    ]
    reasons = []
    for shard in bad:
        mine.save(shard)
        assert mine.load(chunk.number) is None
        reasons.append(capsys.readouterr().err.strip())
    assert all(r.count("\n") == 0 and "ignored checkpoint" in r for r in reasons)
    assert "label numbers out of range" in reasons[0] and "lines is int64[" in reasons[1]
    assert "signatures of another shape" in reasons[2] and "label_of is int32[" in reasons[3]
    assert "empty documents out of range" in reasons[4]
    mine.save(signed)
    assert mine.load(chunk.number) is not None  # the same shard, whole, is fine
    foreign = Checkpoint(tmp_path, "other", num_perm=128, bands=engine.banding.bands)
    foreign.directory.mkdir()
    name = f"chunk-{chunk.number:06d}.npz"
    (foreign.directory / name).write_bytes((mine.directory / name).read_bytes())
    assert foreign.load(chunk.number) is None  # another run's shard, copied in
    assert "written by another run" in capsys.readouterr().err


def test_the_run_key_covers_max_doc_bytes_and_the_learned_state(syndication):
    engine = small_chunks()
    corpus = engine.open_files([syndication / "corpus.jsonl"])
    chunks = corpus.chunks(1 << 20)
    fitted = engine.learn(corpus)
    learned = learned_state(engine.base_chain, fitted)
    assert learned is not None and len(learned["boilerplate"]["lines"]) == 3
    key = run_key(run_settings(engine.config), learned, chunks)
    assert key == run_key(run_settings(small_chunks().config), learned, chunks)
    capped = small_chunks(max_doc_bytes=10_000).config
    assert run_settings(capped)["max_doc_bytes"] == 10_000
    assert run_key(run_settings(capped), learned, chunks) != key
    lines = learned["boilerplate"]["lines"]
    other = {"boilerplate": {**learned["boilerplate"], "lines": lines[1:]}}
    assert run_key(run_settings(engine.config), other, chunks) != key
    # a learning normaliser without state cannot key a checkpoint
    stateless = type(fitted)([dataclasses.replace(n, state=None) for n in fitted.normalisers])
    assert learned_state(engine.base_chain, stateless) is None


def test_resume_with_another_max_doc_bytes_computes_everything(interrupted, capsys):
    corpus, _, out, _, calls = interrupted
    small_chunks(max_doc_bytes=3_000).run([corpus], out, resume=True)
    assert calls[:3] == [0, 1, 2]
    capped = make_config(max_doc_bytes=3_000)
    assert capped.max_doc_bytes == 3_000


def test_a_pickled_checkpoint_from_the_old_format_is_never_loaded(interrupted, tmp_path):
    """Shards of the old format (``chunk-N.pkl``, loaded with ``pickle.load``) are not read."""
    corpus, _, out, directory, calls = interrupted
    target = tmp_path / "PWNED"
    for k in range(3):
        (directory / f"chunk-{k:06d}.npz").unlink()
        (directory / f"chunk-{k:06d}.pkl").write_bytes(code_payload(target))
    small_chunks().run([corpus], out, resume=True)
    assert not target.exists() and calls[:3] == [0, 1, 2]


def test_code_payload_is_real(tmp_path):
    """The payloads the tests plant do create their file when unpickled (so its absence
    above means they were never unpickled)."""
    made = [tmp_path / "made-1", tmp_path / "made-2"]
    pickle.loads(code_payload(made[0]))
    pickle.loads(pickle.dumps(Touch(made[1])))
    assert all(t.exists() for t in made)


def test_stderr_line_names_the_file_escaped(tmp_path, capsys):
    checkpoint = Checkpoint(tmp_path / "odd\x1b[2Jdir", "k", num_perm=8, bands=2)
    checkpoint.start(False)
    (checkpoint.directory / "chunk-000000.npz").write_bytes(b"junk")
    assert checkpoint.load(0) is None
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "\x1b" not in err and "odd\\x1b[2Jdir" in err
    assert Path(checkpoint.directory).exists()
