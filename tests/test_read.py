"""Read stage: discovery, each built-in reader, encodings, and bad input as skipped records."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from dedupe import BadRecord, Engine, Record
from dedupe.discover import discover
from dedupe.read import ReadOptions, decode_bytes, read_sources

from .conftest import read_jsonl, write_jsonl


def items(engine: Engine, inputs, **options):
    found = discover([str(p) for p in inputs], engine.readers, **options)
    got = list(found.bad) + list(read_sources(found.sources, engine.readers, engine.read_options))
    found.cleanup()
    return got


def good(got):
    return [g for g in got if isinstance(g, Record)]


def bad(got):
    return [g for g in got if isinstance(g, BadRecord)]


def test_directory_is_read_recursively_with_relative_ids(tmp_path, engine):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text("first text here", "utf-8")
    (tmp_path / "b.md").write_text("# markdown text", "utf-8")
    (tmp_path / "c.html").write_text("<p>html page</p>", "utf-8")
    (tmp_path / "skip.bin").write_bytes(b"whatever")
    (tmp_path / ".hidden.txt").write_text("hidden", "utf-8")
    got = good(items(engine, [tmp_path]))
    assert [r.id for r in got] == ["a/one.txt", "b.md", "c.html"]
    assert got[0].text == "first text here"


def test_seeds_folder_ids_are_file_names(seeds, engine):
    ids = [r.id for r in good(items(engine, [seeds]))]
    assert "003_63ffa25ad3faf19a.txt" in ids and "lemonde_original.txt" in ids
    assert "README.md" in ids  # markdown is text too


def test_encodings_fall_back_and_are_recorded(tmp_path, engine):
    (tmp_path / "utf8.txt").write_text("café déjà", "utf-8")
    (tmp_path / "cp1252.txt").write_bytes("“quoted” café".encode("cp1252"))
    (tmp_path / "bom.txt").write_bytes("\ufeffwith bom".encode())
    got = {r.id: r for r in good(items(engine, [tmp_path]))}
    assert got["utf8.txt"].meta["encoding"] == "utf-8"
    assert got["cp1252.txt"].text == "“quoted” café"
    assert got["cp1252.txt"].meta["encoding"] == "cp1252"
    assert got["bom.txt"].text == "with bom"


def test_decode_latin1_last_resort():
    # 0x81 is undefined in cp1252, so only latin-1 can decode it.
    assert decode_bytes(b"a\x81b") == ("a\x81b", "latin-1")


def test_clough_stevenson_mixed_encodings_all_read(engine):
    from .conftest import data_dir

    folder = data_dir("clough-stevenson") / "corpus-20090418"
    got = items(engine, [folder])
    assert len(good(got)) == 100 and not bad(got)
    encodings = {r.meta["encoding"] for r in good(got)}
    assert "utf-8" in encodings and encodings & {"cp1252", "latin-1"}


def test_bad_inputs_are_reported_one_line_each(tmp_path, engine):
    (tmp_path / "ok.txt").write_text("a good document", "utf-8")
    (tmp_path / "empty.txt").write_text("  \n ", "utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02 PNG")
    jl = tmp_path / "c.jsonl"
    jl.write_text(
        '{"id": 1, "text": "fine"}\n'
        '{"id": 2, "text": "broken"\n'
        "\n"
        '["not", "an", "object"]\n'
        '{"text": "no id"}\n'
        '{"id": 5}\n'
        '{"id": 6, "text": 7}\n'
        '{"id": 7, "text": ""}\n'
        '{"id": 8, "text": "last without newline"}',
        "utf-8",
    )
    got = items(engine, [tmp_path, tmp_path / "missing.txt"])
    # empty documents are records (kept by a run: copies of nothing), not bad input
    assert [r.id for r in good(got)] == ["1", "7", "8", "empty.txt", "ok.txt"]
    reasons = {str(b) for b in bad(got)}
    assert f"{tmp_path / 'missing.txt'}: no such file or directory" in reasons
    assert f"{tmp_path / 'binary.txt'}: binary file (contains NUL bytes), not text" in reasons
    assert any(r.startswith(f"{jl}:2: malformed JSON") for r in reasons)
    assert f"{jl}:4: expected a JSON object, got a list" in reasons
    assert any(r.startswith(f"{jl}:5: missing id field 'id'") for r in reasons)
    assert any(r.startswith(f"{jl}:6: missing text field 'text'") for r in reasons)
    assert f"{jl}:7: text field 'text' is a int, not a string" in reasons
    assert not any("empty" in r for r in reasons)
    assert all("\n" not in r for r in reasons)


def test_unreadable_file_is_skipped(tmp_path, engine, monkeypatch):
    path = tmp_path / "locked.txt"
    path.write_text("secret", "utf-8")
    real_open = open

    def fake_open(file, *args, **kwargs):
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", fake_open)
    got = items(engine, [path])
    assert [str(b) for b in bad(got)] == [f"{path}: cannot read: Permission denied"]


def test_jsonl_fields_and_line_ids(tmp_path):
    path = write_jsonl(
        tmp_path / "r.jsonl",
        [
            {"newid": 7, "title": "Title", "body": "Body text", "date": "2020-01-01"},
        ],
    )
    engine = Engine(load_plugins=False, id_field="newid", text_field="title,body")
    (record,) = good(items(engine, [path]))
    assert record.id == "7" and record.text == "Title\n\nBody text"
    assert record.meta == {"date": "2020-01-01"}
    engine = Engine(load_plugins=False, id_field="", text_field="body")
    (record,) = good(items(engine, [path]))
    assert record.id == f"{path}:1"


def test_csv_and_tsv(tmp_path, engine):
    (tmp_path / "a.csv").write_text('id,text\n1,"multi\nline"\n2,plain\n3\n', "utf-8")
    (tmp_path / "b.tsv").write_text("id\ttext\nx\ttabbed\n", "utf-8")
    got = items(engine, [tmp_path])
    assert [(r.id, r.text, r.line) for r in good(got)] == [
        ("1", "multi\nline", 2),
        ("2", "plain", 4),
        ("x", "tabbed", 2),
    ]
    assert [str(b) for b in bad(got)] == [f"{tmp_path / 'a.csv'}:5: expected 2 fields, found 1"]


def test_csv_with_carriage_returns_only(tmp_path):
    """Excel's "CSV (Macintosh)" ends lines with a carriage return alone."""
    (tmp_path / "mac.csv").write_bytes(
        b'id,text\r1,"multi\rline"\r2,plain\r3,"' + b"w " * 40 + b'"\r4,last\r'
    )
    got = items(Engine(load_plugins=False, max_doc_bytes=50), [tmp_path])
    assert [(r.id, r.text, r.line) for r in good(got)] == [
        ("1", "multi\rline", 2),
        ("2", "plain", 4),
        ("4", "last", 6),
    ]
    assert [(b.line, b.reason.split(":")[0]) for b in bad(got)] == [
        (5, "document larger than --max-doc-bytes")
    ]


def test_stdin_is_jsonl_and_can_be_read_twice(engine):
    stream = io.BytesIO(b'{"id": "a", "text": "one"}\n{"id": "b", "text": "two"}\n')
    found = discover(["-"], engine.readers, stdin=stream)
    first = [r.id for r in read_sources(found.sources, engine.readers, ReadOptions())]
    second = [r.id for r in read_sources(found.sources, engine.readers, ReadOptions())]
    assert first == second == ["a", "b"]
    assert found.sources[0].label == "<stdin>"
    spooled = found.temp_files[0]
    found.cleanup()
    assert not Path(spooled).exists()


def test_unknown_suffix_in_a_folder_is_ignored_but_a_named_file_is_text(tmp_path, engine):
    (tmp_path / "notes.log").write_text("log text", "utf-8")
    assert good(items(engine, [tmp_path])) == []
    assert [r.text for r in good(items(engine, [tmp_path / "notes.log"]))] == ["log text"]
    assert good(items(engine, [tmp_path], format="text"))[0].id == "notes.log"


def test_max_doc_bytes_in_every_format(tmp_path):
    """A document over the limit is one bad record ``FILE:LINE: document larger than
    --max-doc-bytes``, in each format; the documents around it are read."""
    (tmp_path / "big.txt").write_text("x " * 100, "utf-8")
    (tmp_path / "big.html").write_text("<p>" + "x " * 100 + "</p>", "utf-8")
    (tmp_path / "small.txt").write_text("small", "utf-8")
    write_jsonl(tmp_path / "j.jsonl", [{"id": 1, "text": "y " * 100}, {"id": 2, "text": "ok"}])
    (tmp_path / "c.csv").write_text(
        'id,text\nc1,"' + "z " * 30 + "\n" + "z " * 30 + '"\nc2,fine\n', "utf-8"
    )
    (tmp_path / "t.tsv").write_text("id\ttext\nt1\t" + "w " * 60 + "\nt2\tfine too\n", "utf-8")
    engine = Engine(load_plugins=False, max_doc_bytes=50)
    got = items(engine, [tmp_path])
    assert sorted(r.id for r in good(got)) == ["2", "c2", "small.txt", "t2"]
    assert sorted((Path(b.source).name, b.line) for b in bad(got)) == [
        ("big.html", None),
        ("big.txt", None),
        ("c.csv", 2),
        ("j.jsonl", 1),
        ("t.tsv", 2),
    ]
    for b in bad(got):
        assert b.reason.startswith("document larger than --max-doc-bytes: "), b
    csv_bad = next(b for b in bad(got) if b.source.endswith("c.csv"))
    assert str(csv_bad) == f"{tmp_path / 'c.csv'}:2: " + csv_bad.reason
    assert {r.id: r.line for r in good(got)}["c2"] == 4  # after the two lines of c1


def test_jsonl_keeps_the_raw_line_for_kept_output(tmp_path, engine):
    row = {"id": "x", "text": "é text", "extra": [1, 2]}
    path = write_jsonl(tmp_path / "r.jsonl", [row])
    (record,) = good(items(engine, [path]))
    assert json.loads(record.raw) == row


def run_in_child(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """A real ``dedupe run`` (a hang fails the test instead of stopping the suite)."""
    command = [sys.executable, "-m", "dedupe", "run", *args, "-q", "--workers", "1"]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


def test_special_files_in_a_folder_are_skipped_with_one_line(tmp_path):
    """A FIFO would block the run forever, /dev/zero never ends, a socket cannot be read:
    each is one line, and the other files are read."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "ok.txt").write_text("a good document in the folder", "utf-8")
    os.mkfifo(data / "pipe.jsonl")
    (data / "zero.txt").symlink_to("/dev/zero")
    (data / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(data / "sock.jsonl"))
    try:
        ran = run_in_child(str(data), "-o", str(tmp_path / "out"))
    finally:
        server.close()
    assert ran.returncode == 0, ran.stderr
    lines = sorted(ran.stderr.splitlines())
    assert lines == [
        f"dedupe: skipped {data / 'dangling.txt'}: cannot read: No such file or directory",
        f"dedupe: skipped {data / 'pipe.jsonl'}: not a regular file (a FIFO), skipped",
        f"dedupe: skipped {data / 'sock.jsonl'}: not a regular file (a socket), skipped",
        f"dedupe: skipped {data / 'zero.txt'}: not a regular file (a character device), skipped",
    ]
    kept = read_jsonl(tmp_path / "out" / "kept.jsonl")
    assert [r["id"] for r in kept] == ["ok.txt"]


def test_a_device_named_directly_is_skipped(tmp_path, engine):
    (tmp_path / "zero.jsonl").symlink_to("/dev/zero")
    got = items(engine, ["/dev/zero", tmp_path / "zero.jsonl"])
    assert [str(b) for b in bad(got)] == [
        "/dev/zero: not a regular file (a character device), skipped",
        f"{tmp_path / 'zero.jsonl'}: not a regular file (a character device), skipped",
    ]


def test_a_file_that_turns_into_a_fifo_after_discovery_does_not_hang(tmp_path, engine):
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": "a", "text": "words"}\n', "utf-8")
    found = discover([str(path)], engine.readers)
    path.unlink()
    os.mkfifo(path)  # nobody writes to it: opening it to read would block forever
    got = list(read_sources(found.sources, engine.readers, engine.read_options))
    assert [str(b) for b in bad(got)] == [f"{path}: not a regular file (a FIFO), skipped"]


def test_a_named_pipe_given_by_name_is_read_like_stdin(tmp_path, engine):
    """``dedupe run <(zcat corpus.jsonl.gz)``: a pipe named on the command line is spooled."""
    pipe = tmp_path / "corpus.jsonl"
    os.mkfifo(pipe)

    def feed() -> None:
        with open(pipe, "wb") as f:
            f.write(b'{"id": "a", "text": "one"}\n{"id": "b", "text": "two"}\n')

    writer = threading.Thread(target=feed)
    writer.start()
    found = discover([str(pipe)], engine.readers)
    writer.join()
    try:
        got = list(read_sources(found.sources, engine.readers, engine.read_options))
        assert [r.id for r in good(got)] == ["a", "b"]
        assert good(got)[0].source == str(pipe)
        spooled = found.temp_files[0]
    finally:
        found.cleanup()
    assert not Path(spooled).exists()


def test_stdin_is_spooled_into_the_output_folder(tmp_path, engine):
    stream = io.BytesIO(b'{"id": "a", "text": "one"}\n')
    found = discover(["-"], engine.readers, stdin=stream, output_dir=tmp_path)
    try:
        (spooled,) = found.temp_files
        assert Path(spooled).parent == tmp_path and Path(spooled).name.startswith(".dedupe-stdin")
    finally:
        found.cleanup()
    assert list(tmp_path.iterdir()) == []


def test_a_failure_while_spooling_removes_the_spool(tmp_path, engine):
    class Broken(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        discover(["-"], engine.readers, stdin=Broken(), output_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "row_id", ["\ud800x", "caf\udce9"], ids=["lone-surrogate", "surrogate-escape"]
)
def test_ids_with_lone_surrogates_are_written_and_read_back(tmp_path, engine, row_id):
    """A JSON id ``"\\ud800x"`` (or one made of bytes that are not UTF-8) does not stop the
    writers: the lines holding it are written with ``\\u`` escapes, valid UTF-8, and the id
    reads back the same."""
    text = "the same story told twice with all of its words in the same order"
    path = tmp_path / "c.jsonl"
    path.write_text(
        json.dumps({"id": row_id, "text": text}) + "\n" + json.dumps({"id": "b", "text": text}),
        "utf-8",
    )
    engine.run([path], tmp_path / "out")
    out = tmp_path / "out"
    for name in ("clusters.jsonl", "pairs.jsonl", "dropped.jsonl", "kept.jsonl", "report.json"):
        (out / name).read_bytes().decode("utf-8")  # valid UTF-8
    (cluster,) = read_jsonl(out / "clusters.jsonl")
    assert sorted(cluster["members"]) == sorted([row_id, "b"])
    (pair,) = read_jsonl(out / "pairs.jsonl")
    assert {pair["a"], pair["b"]} == {row_id, "b"}
    ids = {r["id"] for r in read_jsonl(out / "kept.jsonl")} | {
        r["id"] for r in read_jsonl(out / "dropped.jsonl")
    }
    assert ids == {row_id, "b"}


def test_file_names_that_are_not_utf8_round_trip_as_ids(tmp_path, engine):
    text = "a story that two files of this folder both hold word for word, twice over"
    data = tmp_path / "data"
    data.mkdir()
    odd = os.fsencode(data) + b"/caf\xe9.txt"  # latin-1 bytes: not UTF-8
    with open(odd, "wb") as f:
        f.write(text.encode())
    (data / "plain.txt").write_text(text, "utf-8")
    engine.run([data], tmp_path / "out")
    (cluster,) = read_jsonl(tmp_path / "out" / "clusters.jsonl")
    assert sorted(os.fsencode(m) for m in cluster["members"]) == [b"caf\xe9.txt", b"plain.txt"]
    report = json.loads((tmp_path / "out" / "report.json").read_bytes().decode("utf-8"))
    assert report["counts"]["documents_read"] == 2


def test_jsonl_lines_msgspec_refuses_read_as_json_reads_them(tmp_path, engine):
    """The msgspec fast path and json's path give the same records: lines msgspec refuses (a
    BOM, cp1252 bytes, NaN, a lone surrogate, bad JSON) take json's path, one by one."""
    lines = [
        b'{"id": "a", "text": "plain \\u00e9t\\u00e9 \xc3\xa9"}',
        b'\xef\xbb\xbf{"id": "b", "text": "after a BOM"}',
        b'{"id": "c", "text": "caf\xe9 in cp1252"}',
        b'{"id": NaN, "text": "a NaN id"}',
        b'{"id": "e", "text": "lone \\ud800 surrogate"}',
        b'{"id": "f", "text": "bad", }',
        b'{"id": 7, "id": 8, "text": "last key wins", "extra": {"x": [1, 2]}}',
        b'["not", "an", "object"]',
        b'{"id": 1e400, "text": "an infinite id"}',
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\r\n".join(lines) + b"\n")
    got = items(engine, [path])
    assert [(r.id, r.text, r.meta.get("encoding")) for r in good(got)] == [
        ("a", "plain été é", None),
        ("b", "after a BOM", None),
        ("c", "café in cp1252", "cp1252"),
        ("nan", "a NaN id", None),
        ("e", "lone \ud800 surrogate", None),
        ("8", "last key wins", None),
        ("inf", "an infinite id", None),
    ]
    reasons = {b.line: b.reason for b in bad(got)}
    assert reasons[6].startswith("malformed JSON: ") and "column" in reasons[6]
    assert reasons[8] == "expected a JSON object, got a list"
    assert json.loads(good(got)[0].raw) == json.loads(lines[0])
