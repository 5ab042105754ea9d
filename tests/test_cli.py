"""The command line end to end: outputs, bad input, bad options, stdin, python -m."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from dedupe.cli import cli

from .conftest import read_jsonl, write_jsonl


def invoke(*args, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)


def test_run_writes_the_five_outputs(seeds, tmp_path):
    out = tmp_path / "out"
    result = invoke("run", seeds, "-o", out)
    assert result.exit_code == 0, result.output
    assert "1 clusters, 1 copies removed" in result.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "clusters.jsonl",
        "dropped.jsonl",
        "kept.jsonl",
        "pairs.jsonl",
        "report.json",
    ]
    (cluster,) = read_jsonl(out / "clusters.jsonl")
    assert cluster["representative"] == "lemonde_original.txt"
    assert cluster["members"] == ["003_63ffa25ad3faf19a.txt", "lemonde_original.txt"]
    assert cluster["scores"]["003_63ffa25ad3faf19a.txt"] >= 0.7
    (pair,) = read_jsonl(out / "pairs.jsonl")
    assert {pair["a"], pair["b"]} == set(cluster["members"])
    assert pair["scorer"] == "containment" and pair["score"] >= 0.7
    assert len(read_jsonl(out / "kept.jsonl")) == 6
    assert json.loads((out / "report.json").read_text())["counts"]["clusters"] == 1
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_bad_input_lines_and_the_run_goes_on(tmp_path, seeds):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": "fine words here"}\nnot json\n{"id": "y"}\n')
    (tmp_path / "bin.txt").write_bytes(b"\x00\xff\x00")
    result = invoke(
        "run", seeds, bad, tmp_path / "bin.txt", tmp_path / "gone.txt", "-o", tmp_path / "out"
    )
    assert result.exit_code == 0
    lines = [line for line in result.stderr.splitlines() if line.startswith("dedupe: skipped")]
    assert lines == [
        f"dedupe: skipped {tmp_path / 'gone.txt'}: no such file or directory",
        f"dedupe: skipped {bad}:2: malformed JSON: Expecting value at column 1",
        f"dedupe: skipped {bad}:3: missing text field 'text': the record's fields are id "
        "(set --text-field)",
        f"dedupe: skipped {tmp_path / 'bin.txt'}: binary file (contains NUL bytes), not text",
    ]
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["counts"]["documents_read"] == 8
    assert report["skipped"]["total"] == 4


def test_nothing_readable_is_an_error(tmp_path):
    result = invoke("run", tmp_path / "gone", "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "Error: no document could be read" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "args,message",
    [
        (["--scorer", "nope"], "unknown scorer 'nope'"),
        (["--normalise", "html,nope"], "unknown normaliser 'nope'"),
        (["--unit", "sentence"], "unknown shingle unit 'sentence'"),
        (["--representative", "best"], "unknown representative policy 'best'"),
        (["--bands", "20", "--rows", "10"], "exceeds num-perm"),
        (["--bands", "20"], "give both --bands and --rows"),
        (["--threshold", "1.5"], "1.5 is not in the range"),
        (["--scorer", "containment=abc"], "scorer threshold must be a number"),
        (["--scorer", "containment=2"], "scorer threshold must be in [0, 1]"),
        (["--format", "pdf"], "unknown reader 'pdf'"),
        (["--writers", "clusters,xml"], "unknown writer 'xml'"),
    ],
)
def test_bad_options_fail_before_any_work(args, message, tmp_path):
    out = tmp_path / "out"
    result = invoke("run", tmp_path / "does-not-matter", "-o", out, *args)
    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()


def test_stdin_jsonl(tmp_path, syndication):
    rows = read_jsonl(syndication / "corpus.jsonl")[:200]
    data = "".join(json.dumps(r) + "\n" for r in rows)
    result = invoke("run", "-", "-o", tmp_path / "out", "--json", input=data)
    assert result.exit_code == 0
    counts = json.loads(result.stdout)["counts"]
    assert counts["documents_read"] == 200


def test_explicit_options_reach_the_engine(tmp_path):
    path = write_jsonl(
        tmp_path / "c.jsonl",
        [
            {"url": "u1", "body": "the quick brown fox jumps over the lazy dog " * 5},
            {"url": "u2", "body": "the quick brown fox jumps over the lazy dog " * 5},
        ],
    )
    result = invoke(
        "run",
        path,
        "-o",
        tmp_path / "out",
        "--id-field",
        "url",
        "--text-field",
        "body",
        "--unit",
        "char",
        "-n",
        "4",
        "--scorer",
        "jaccard=0.9",
        "--representative",
        "first",
        "--writers",
        "clusters,report",
    )
    assert result.exit_code == 0, result.output
    (cluster,) = read_jsonl(tmp_path / "out" / "clusters.jsonl")
    assert cluster["representative"] == "u1" and cluster["scorer"] == "jaccard"
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["parameters"]["unit"] == "char" and report["parameters"]["ngram"] == 4
    assert not (tmp_path / "out" / "kept.jsonl").exists()


def test_python_dash_m_and_version(seeds, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "dedupe", "run", str(seeds), "-o", str(tmp_path / "o"), "-q"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert (tmp_path / "o" / "clusters.jsonl").exists()
    proc = subprocess.run(
        [sys.executable, "-m", "dedupe", "--version"], capture_output=True, text=True
    )
    assert proc.stdout.startswith("dedupe, version ")


def test_duplicate_ids_stop_the_run_or_are_renamed(tmp_path):
    path = write_jsonl(
        tmp_path / "d.jsonl", [{"id": "a", "text": "one text"}, {"id": "a", "text": "another text"}]
    )
    result = invoke("run", path, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert f"{path}:2: duplicate id 'a' (first seen at {path}:1)" in result.output
    assert not (tmp_path / "out" / "clusters.jsonl").exists()
    result = invoke("run", path, "-o", tmp_path / "out", "--rename-duplicate-ids")
    assert result.exit_code == 0
