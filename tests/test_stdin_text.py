"""Plain text piped into ``dedupe run -``: with ``--format text`` one document per line (what
``sort -u`` and ``uniq`` read; a single document could be a copy of nothing), and a hint
about ``--format`` when stdin is not JSON Lines. The ``lines`` reader does the same for files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dedupe import Engine
from dedupe.cli import cli

from .conftest import data_dir, read_jsonl


def invoke(*args: object, input: bytes | None = None) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)


@pytest.fixture
def novel() -> Path:
    """A real French novel, one paragraph a line (eltec-fra)."""
    return data_dir("eltec-fra") / "plain1" / "FRA00101_Adam.txt"


def reposted(novel: Path, tmp_path: Path) -> tuple[bytes, dict[int, int]]:
    """The novel's lines, then 20 of its long paragraphs again (as a feed re-running them):
    the bytes, and each repeated line's number -> the number of the line it repeats."""
    lines = novel.read_bytes().split(b"\n")
    long = [k for k, line in enumerate(lines) if len(line.split()) >= 80][:20]
    extra = [lines[k] for k in long]
    text = b"\n".join(lines + extra) + b"\n"
    first_extra = len(lines) + 1
    return text, {first_extra + i: k + 1 for i, k in enumerate(long)}


def test_format_text_on_stdin_is_one_document_per_line(novel, tmp_path):
    text, repeats = reposted(novel, tmp_path)
    out = tmp_path / "out"
    result = invoke("run", "-", "--format", "text", "-o", out, "-q", input=text)
    assert result.exit_code == 0, result.stderr
    counts = json.loads((out / "report.json").read_text())["counts"]
    non_blank = sum(1 for line in text.split(b"\n") if line.strip())
    assert counts["documents_read"] == non_blank and counts["documents_skipped"] == 0
    member_of = {m: c["cluster"] for c in read_jsonl(out / "clusters.jsonl") for m in c["members"]}
    for again, first in repeats.items():
        assert member_of[f"-:{again}"] == member_of[f"-:{first}"]
    # kept.jsonl holds each kept line as a record, its text the line as read
    lines = text.decode("utf-8").split("\n")
    for row in read_jsonl(out / "kept.jsonl")[:50]:
        assert row["text"] == lines[int(row["id"].split(":")[1]) - 1]


def test_plain_text_on_stdin_without_format_says_how(novel, tmp_path):
    text = novel.read_bytes()
    result = invoke("run", "-", "-o", tmp_path / "out", input=text)
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    line = next(k for k, row in enumerate(text.split(b"\n"), start=1) if row.strip())
    assert first.startswith(f"dedupe: skipped <stdin>:{line}: malformed JSON")
    assert first.endswith(
        "stdin is read as JSON Lines: for plain text give --format text (one document per "
        "line), for CSV --format csv"
    )
    assert sum("--format text" in line for line in result.stderr.splitlines()) == 1


def test_json_lines_on_stdin_still_read_as_before(tmp_path):
    rows = b'{"id": "a", "text": "one two three four five six"}\n{"id": "b", "text": "x"}\n'
    out = tmp_path / "out"
    assert invoke("run", "-", "-o", out, "-q", input=rows).exit_code == 0
    assert json.loads((out / "report.json").read_text())["counts"]["documents_read"] == 2


def test_lines_cut_into_chunks_give_the_same_clusters(novel, tmp_path):
    """The lines reader honours byte ranges: a small chunk size cuts the file at line starts
    (many chunks) and finds the same clusters, ids and kept lines as one chunk."""
    text, _ = reposted(novel, tmp_path)
    path = tmp_path / "feed.txt"
    path.write_bytes(text)
    whole = Engine(load_plugins=False, format="lines").run([path], tmp_path / "whole")
    cut = Engine(load_plugins=False, format="lines", chunk_mb=0.01).run([path], tmp_path / "cut")
    assert cut.counts["chunks"] > 5 and whole.counts["chunks"] == 1
    for name in ("clusters.jsonl", "pairs.jsonl", "dropped.jsonl", "kept.jsonl"):
        assert (tmp_path / "cut" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes()
    ids = [m for c in whole.clusters for m in c.members]
    assert ids and all(m.startswith(f"{path}:") for m in ids)


def test_lines_reader_bad_input(tmp_path):
    """A binary file is skipped whole; a line over --max-doc-bytes is skipped alone."""
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"\x00\x01 not text\n")
    long = tmp_path / "l.txt"
    long.write_text("short line one here\n" + "word " * 300 + "\nshort line two\n", "utf-8")
    engine = Engine(load_plugins=False, format="lines", max_doc_bytes=200)
    result = engine.run([binary, long])
    reasons = [str(b) for b in result.bad_records]
    assert f"{binary}: binary file (contains NUL bytes), not text" in reasons
    assert any(r.startswith(f"{long}:2: document larger than --max-doc-bytes") for r in reasons)
    assert result.counts["documents_read"] == 2
