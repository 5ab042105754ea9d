"""Inputs and outputs never meet: a run that would overwrite its input is refused before any
work, an output folder inside an input folder is not read back, and each real file is read
once whatever paths lead to it."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from dedupe import Engine
from dedupe.cli import cli

from .conftest import read_jsonl, write_jsonl
from .output_tree import leftovers, tree

ROWS = [
    {"id": "a", "text": "the quick brown fox jumps over the lazy dog near the river bank"},
    {"id": "b", "text": "the quick brown fox jumps over the lazy dog near the river bank!"},
    {"id": "c", "text": "a completely different story about markets and prices this week"},
]


def run_cli(*args: object):
    return CliRunner().invoke(cli, ["run", *map(str, args), "-q"])


def forbid_work(monkeypatch) -> list[object]:
    """From now on, record every chunk a run starts to read (a refused run reads none)."""
    calls: list[object] = []
    monkeypatch.setattr("dedupe.executors.pool.sign_chunk", lambda *a, **k: calls.append(a))
    return calls


def test_an_output_that_is_an_input_is_refused_before_any_work(tmp_path, monkeypatch):
    out = tmp_path / "out"
    corpus = write_jsonl(tmp_path / "c.jsonl", ROWS)
    Engine(load_plugins=False).run([corpus], out)
    before = tree(out)
    no_work = forbid_work(monkeypatch)
    (tmp_path / "link.jsonl").symlink_to(out / "kept.jsonl")
    os.link(out / ".dedupe-current" / "kept.jsonl", tmp_path / "hard.jsonl")
    for given in (out / "kept.jsonl", tmp_path / "link.jsonl", tmp_path / "hard.jsonl"):
        result = run_cli(given, "-o", out)
        assert result.exit_code == 1, result.output
        (line,) = result.output.splitlines()
        assert line == f"Error: input {given} would be overwritten by the outputs in {out}; " + (
            "choose another --output-dir"
        )
    assert no_work == []
    assert tree(out) == before


def test_an_output_folder_that_is_an_input_folder_is_refused(tmp_path, monkeypatch):
    no_work = forbid_work(monkeypatch)
    data = tmp_path / "data"
    data.mkdir()
    write_jsonl(data / "c.jsonl", ROWS)
    for out in (data, tmp_path / "." / "data"):
        result = run_cli(data, "-o", out)
        assert result.exit_code == 1
        assert "is the output folder: the outputs would be read back" in result.output
    assert no_work == []
    assert sorted(p.name for p in data.iterdir()) == ["c.jsonl"]  # nothing created


def test_an_input_inside_dedupe_own_files_is_refused(tmp_path):
    out = tmp_path / "out"
    Engine(load_plugins=False).run([write_jsonl(tmp_path / "c.jsonl", ROWS)], out)
    inside = out / ".dedupe-current" / "clusters.jsonl"
    result = run_cli(inside, "-o", out, "--writers", "kept")
    assert result.exit_code == 1 and "inside dedupe's own files" in result.output


def test_an_output_folder_inside_an_input_folder_is_not_read_back(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    write_jsonl(data / "c.jsonl", ROWS)
    (data / "note.txt").write_text("a plain text note about something else entirely", "utf-8")
    first = Engine(load_plugins=False).run([data], data / "out")
    assert first.counts["documents_read"] == 4
    kept = (data / "out" / "kept.jsonl").read_bytes()
    # again into the same folder, and into a second one: neither reads any output folder
    again = Engine(load_plugins=False).run([data], data / "out")
    other = Engine(load_plugins=False).run([data], data / "out2")
    for result in (again, other):
        assert result.counts["documents_read"] == 4
        assert result.counts["documents_skipped"] == 0
    assert (data / "out" / "kept.jsonl").read_bytes() == kept
    assert (data / "out2" / "kept.jsonl").read_bytes() == kept
    assert leftovers(data / "out") == [] and leftovers(data / "out2") == []


def test_each_real_file_is_read_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_jsonl(tmp_path / "a.jsonl", ROWS)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "t.txt").write_text("a text file that is only here once", "utf-8")
    (tmp_path / "sub" / "again.jsonl").symlink_to(tmp_path / "a.jsonl")
    os.link(tmp_path / "a.jsonl", tmp_path / "hard.jsonl")
    engine = Engine(load_plugins=False)
    for inputs in (
        ["a.jsonl", "./a.jsonl"],
        [".", "a.jsonl"],
        ["a.jsonl", "sub/again.jsonl", "hard.jsonl"],
        ["sub", "sub/t.txt", str(tmp_path / "sub")],
    ):
        corpus = engine.open_files(inputs)
        try:
            paths = [os.path.realpath(s.path) for s in corpus.discovery.sources]
        finally:
            corpus.close()
        assert len(paths) == len(set(paths)), inputs
    result = engine.run([".", "a.jsonl", "sub/again.jsonl"], tmp_path / "out")
    assert result.counts["documents_read"] == 4  # no "duplicate id": a.jsonl was read once
    kept = read_jsonl(tmp_path / "out" / "kept.jsonl")
    assert sorted(r["id"] for r in kept) == ["a", "c", "sub/t.txt"]


def test_named_paths_of_one_file_read_first_in_path_order(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_jsonl(tmp_path / "a.jsonl", ROWS)
    corpus = Engine(load_plugins=False).open_files(["a.jsonl", "./a.jsonl"])
    try:
        assert [s.path for s in corpus.discovery.sources] == ["./a.jsonl"]
        assert corpus.discovery.repeated == 1
    finally:
        corpus.close()


def test_the_run_own_output_folder_is_skipped_even_without_marks(tmp_path):
    """An output folder of an older version (plain files, no lock) is skipped as the run's
    own output folder, and its plain files are adopted by the new output set."""
    data = tmp_path / "data"
    (data / "out").mkdir(parents=True)
    write_jsonl(data / "c.jsonl", ROWS)
    write_jsonl(data / "out" / "kept.jsonl", ROWS)  # as an older version would have left it
    result = Engine(load_plugins=False).run([data], data / "out")
    assert result.counts["documents_read"] == 3
    assert (data / "out" / "kept.jsonl").is_symlink()
    assert leftovers(data / "out") == []


def test_outputs_found_under_other_names_are_not_confused_with_inputs(tmp_path):
    """An input file in the output folder that no output is named after is read and kept."""
    out = tmp_path / "out"
    out.mkdir()
    mine = write_jsonl(out / "mine.jsonl", ROWS)
    Engine(load_plugins=False).run([mine], out)
    assert Path(mine).is_file() and not Path(mine).is_symlink()
    assert read_jsonl(mine) == ROWS
