"""Write stage: outputs are atomic."""

from __future__ import annotations

import json

import pytest

from dedupe import Engine, OutputError, Writer, hookimpl
from dedupe.atomic import atomic_open, check_writable
from dedupe.config import DEFAULT_WRITERS
from dedupe.plugins import PluginInfo, get_plugin_manager

from .conftest import read_jsonl
from .output_tree import tree


class Boom(Exception):
    pass


def failing_writer_engine(**settings) -> Engine:
    class FailingWriter:
        @staticmethod
        @hookimpl
        def register_writers(register):
            def write(result, path):
                path.write_text("half a file")
                raise Boom("disk went away")

            register(Writer("failing", "failing.txt", write))

    pm = get_plugin_manager(load_entrypoints=False)
    pm.add(FailingWriter, PluginInfo("failing"))
    return Engine(plugin_manager=pm, **settings)


def test_an_interrupted_write_leaves_previous_outputs_whole(seeds, tmp_path):
    Engine(load_plugins=False).run([seeds], tmp_path)
    before = tree(tmp_path)
    engine = failing_writer_engine(writers=["clusters", "pairs", "failing", "report"])
    with pytest.raises(Boom):
        engine.run([seeds], tmp_path)
    assert tree(tmp_path) == before  # nothing swapped in, no temporary left behind


def test_atomic_open_replaces_only_on_success(tmp_path):
    target = tmp_path / "f.txt"
    target.write_text("old")
    with pytest.raises(Boom), atomic_open(target) as f:
        f.write("new but broken")
        raise Boom()
    assert target.read_text() == "old"
    with atomic_open(target) as f:
        f.write("new")
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.txt"]


def test_output_dir_that_is_a_file_fails_before_work(tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("a file")
    with pytest.raises(OutputError, match="is not a directory"):
        check_writable(blocker)


@pytest.mark.parametrize("fsync,expected", [(True, True), (False, False)])
def test_fsync_only_when_asked(seeds, tmp_path, monkeypatch, fsync, expected):
    import os as os_module

    calls = []
    real = os_module.fsync
    monkeypatch.setattr(os_module, "fsync", lambda fd: calls.append(fd) or real(fd))
    Engine(load_plugins=False, fsync=fsync).run([seeds], tmp_path)
    assert bool(calls) is expected
    assert (tmp_path / "clusters.jsonl").exists()


def test_dropped_jsonl_is_written_by_default_and_names_the_kept_original(syndication, tmp_path):
    """Every input record is in kept.jsonl, in dropped.jsonl (naming the kept record it
    duplicates, with its score and role) or in the report's skipped records, exactly once."""
    corpus = syndication / "corpus.jsonl"
    result = Engine(load_plugins=False).run([corpus], tmp_path)
    assert "dropped" in DEFAULT_WRITERS
    kept = [r["id"] for r in read_jsonl(tmp_path / "kept.jsonl")]
    dropped = read_jsonl(tmp_path / "dropped.jsonl")
    report = json.loads((tmp_path / "report.json").read_text())
    skipped = [(r["source"], r["line"]) for r in report["skipped"]["records"]]
    assert not report["skipped"]["truncated"]
    every = [json.loads(line)["id"] for line in corpus.read_text("utf-8").splitlines()]
    assert len(kept) + len(dropped) + len(skipped) == len(every)
    assert sorted(kept + [d["id"] for d in dropped]) == sorted(every)  # nothing skipped here
    kept_ids = set(kept)
    clusters = {c.number: c for c in result.clusters}
    assert dropped and len(dropped) == result.counts["duplicates_removed"]
    for line in dropped:
        assert set(line) == {"id", "duplicate_of", "cluster", "scorer", "score", "role"}
        cluster = clusters[line["cluster"]]
        assert line["duplicate_of"] == cluster.representative and line["duplicate_of"] in kept_ids
        assert line["id"] in cluster.members and line["id"] not in kept_ids
        assert line["scorer"] == "containment"
        assert line["score"] == cluster.scores[line["id"]]
        assert line["role"] == cluster.roles[line["id"]] and line["role"] != "original"


def test_the_report_lists_every_skipped_record(tmp_path):
    path = tmp_path / "c.jsonl"
    rows = [
        json.dumps({"id": f"d{k}", "text": f"document {k} with its own words"}) for k in range(5)
    ]
    path.write_text("\n".join(rows + ["not json"] * 1500) + "\n", "utf-8")
    Engine(load_plugins=False).run([path], tmp_path / "out")
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["skipped"]["total"] == 1500
    assert len(report["skipped"]["records"]) == 1500  # was cut at 1,000
    assert report["skipped"]["records"][-1]["line"] == 1505
