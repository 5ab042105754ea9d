"""Read stage: discovery, each built-in reader, encodings, and bad input as skipped records."""

from __future__ import annotations

import io
import json
from pathlib import Path

from dedupe import BadRecord, Engine, Record
from dedupe.read import ReadOptions, decode_bytes, discover, read_sources

from .conftest import write_jsonl


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
