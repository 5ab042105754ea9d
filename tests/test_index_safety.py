"""Opening an index runs no code from it, and a damaged or unusable index is one line and a
non-zero exit, never a traceback: crafted learned state, lone surrogates and NULs in ids, a
file corrupted past its header, a truncated file, read-only and unreadable files and folders.
Ids in the tab-separated output are escaped, so an id cannot forge fields or lines."""

from __future__ import annotations

import base64
import json
import os
import pickle
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from dedupe.cli import cli
from dedupe.index import Index
from dedupe.index.escape import MARK, from_store, to_store

from .conftest import REPO, read_jsonl, write_jsonl


def dedupe(*args: object) -> tuple[int, str, str]:
    """Run the CLI here; a traceback (an exception other than the exit) fails the test."""
    result = CliRunner().invoke(cli, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def one_line_error(code: int, err: str) -> str:
    """The single error line of a failed command (usage lines aside)."""
    assert code != 0
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, err
    return errors[0]


def code_payload(target: Path) -> bytes:
    """A pickle that runs ``touch target`` when loaded. It reaches ``os.system`` through a
    dedupe module (protocol 4 resolves dotted names), so an unpickler that checks only the top
    package of what it loads lets it through: the index's old loader did."""

    def text(value: str) -> bytes:
        data = value.encode()
        return pickle.SHORT_BINUNICODE + bytes([len(data)]) + data

    return (
        b"\x80\x04"
        + text("dedupe.checkpoint")
        + text("os.system")
        + pickle.STACK_GLOBAL
        + text(f"touch {target}")
        + pickle.TUPLE1
        + pickle.REDUCE
        + pickle.STOP
    )


def set_meta(db: Path, **values: str) -> None:
    with sqlite3.connect(db) as con:
        for key, value in values.items():
            con.execute("UPDATE meta SET value = ? WHERE key = ?", (value, key))


@pytest.fixture
def learned_index(syndication: Path, tmp_path: Path) -> tuple[Path, Path]:
    """An index whose boilerplate learned lines from syndication-dev, and 40 documents."""
    corpus = syndication / "corpus.jsonl"
    docs = write_jsonl(tmp_path / "docs.jsonl", read_jsonl(corpus)[:40])
    db = tmp_path / "news.db"
    code, out, _ = dedupe("index", "create", db, "--learn-from", corpus)
    assert code == 0 and "boilerplate: 3 lines learned" in out
    return db, docs


def test_learned_state_is_stored_as_json_and_restored(learned_index):
    db, _ = learned_index
    with sqlite3.connect(db) as con:
        stored = dict(con.execute("SELECT key, value FROM meta"))
    learned = json.loads(stored["learned"])
    assert set(learned) == {"boilerplate"}
    lines = learned["boilerplate"]["lines"]
    assert len(lines) == 3 and all(isinstance(x, str) for x in lines)
    with Index.open(db, read_only=True, load_plugins=False) as index:
        (boilerplate,) = [n for n in index.engine.chain.normalisers if n.name == "boilerplate"]
        assert boilerplate.learn is None and sorted(boilerplate.state["lines"]) == lines
        # what it learned is removed: a text made of a learned line and a story keeps the story
        # (a story longer than the line: no more than half of a document is ever removed)
        story = "The story, told at length, goes on past the learned line. " * 3
        assert boilerplate.one(f"{lines[0]}\n{story}") == story


@pytest.mark.parametrize("form", ["pickle", "old-format pickle"])
@pytest.mark.parametrize("command", ["stats", "add", "query"])
def test_a_crafted_index_runs_no_code(learned_index, tmp_path, form, command):
    db, docs = learned_index
    target = tmp_path / "PWNED"
    payload = base64.b64encode(code_payload(target)).decode()
    if form == "pickle":
        set_meta(db, learned=payload)
    else:
        set_meta(db, learned=payload, format="dedupe-index/1")
    args = [command, db] + ([docs] if command != "stats" else [])
    code, _, err = dedupe("index", *args)
    line = one_line_error(code, err)
    assert not target.exists()
    if form == "pickle":
        assert "its stored settings are damaged ('learned')" in line
    else:
        assert "format 'dedupe-index/1'" in line and "create a new index" in line


def test_a_stored_state_the_normaliser_refuses_is_one_line(learned_index):
    db, docs = learned_index
    set_meta(db, learned=json.dumps({"boilerplate": {"lines": 5}}))
    code, _, err = dedupe("index", "add", db, docs)
    line = one_line_error(code, err)
    assert "state of normaliser 'boilerplate' cannot be restored" in line
    assert "'lines' must be a list of strings" in line
    set_meta(db, learned="{}", config="{not json")
    code, _, err = dedupe("index", "stats", db)
    assert "stored settings are damaged" in one_line_error(code, err)


# -- ids ------------------------------------------------------------------------------------------

TEXT = "Eleven members of the council voted for the plan to close the bridge on Friday night"


def test_escaping_is_one_to_one():
    for value in ["plain", "", "a\x00b", "x\ud800", "\udfff", MARK, MARK + "plain", '"\\']:
        stored = to_store(value)
        assert from_store(stored) == value
        assert "\x00" not in stored and not any(0xD800 <= ord(c) <= 0xDFFF for c in stored)
        stored.encode("utf-8")  # storable in SQLite and Redis
    assert to_store("plain") == "plain" and to_store("é") == "é"


def test_a_lone_surrogate_in_an_id_is_indexed_and_found(tmp_path):
    db = tmp_path / "s.db"
    docs = tmp_path / "docs.jsonl"
    docs.write_text(json.dumps({"id": "x\ud800", "text": TEXT}) + "\n", "utf-8")
    dedupe("index", "create", db)
    code, out, err = dedupe("index", "add", db, docs)
    assert code == 0, err
    assert out.splitlines() == ["x\\ud800\tadded"]  # escaped on the terminal
    code, out, _ = dedupe("index", "query", db, docs, "--json")
    (row,) = [json.loads(line) for line in out.splitlines()]
    assert row["status"] == "duplicate" and row["duplicates"][0]["id"] == "x\ud800"
    assert "\ud800" not in out  # the JSON line holds the escape, not the raw surrogate
    with Index.open(db, load_plugins=False) as index:
        assert list(index.ids()) == ["x\ud800"] and "x\ud800" in index
        assert index.remove(["x\ud800"]) == ["x\ud800"] and len(index) == 0


def test_a_nul_id_added_twice_exists_the_second_time(tmp_path):
    db = tmp_path / "n.db"
    docs = tmp_path / "docs.jsonl"
    docs.write_text(json.dumps({"id": "a\x00b", "text": TEXT}) + "\n", "utf-8")
    dedupe("index", "create", db)
    code, out, _ = dedupe("index", "add", db, docs)
    assert code == 0 and out.splitlines() == ["a\\x00b\tadded"]
    code, out, err = dedupe("index", "add", db, docs)  # was: sqlite3.IntegrityError
    assert code == 0 and out.splitlines() == ["a\\x00b\texists"], err
    with Index.open(db, read_only=True, load_plugins=False) as index:
        assert list(index.ids()) == ["a\x00b"]


def test_ids_cannot_forge_fields_or_lines(tmp_path):
    db = tmp_path / "t.db"
    forged = "evil\tadded\nvictim"
    rows = [{"id": forged, "text": TEXT}, {"id": "plain", "text": TEXT}]
    docs = write_jsonl(tmp_path / "docs.jsonl", rows)
    dedupe("index", "create", db)
    code, out, _ = dedupe("index", "add", db, docs)
    assert code == 0
    lines = out.splitlines()
    assert lines == [
        "evil\\tadded\\nvictim\tadded",
        "plain\tadded\tevil\\tadded\\nvictim 1.000 copy 1.000 1.000",
    ]
    code, out, _ = dedupe("index", "query", db, docs)
    assert [line.split("\t")[0] for line in out.splitlines()] == ["evil\\tadded\\nvictim", "plain"]


# -- damaged files --------------------------------------------------------------------------------


@pytest.fixture
def filled_index(syndication: Path, tmp_path: Path) -> tuple[Path, Path]:
    """An index of 300 documents (texts kept: a file of over a megabyte) and the documents."""
    docs = write_jsonl(tmp_path / "docs.jsonl", read_jsonl(syndication / "corpus.jsonl")[:300])
    db = tmp_path / "news.db"
    dedupe("index", "create", db, "--keep-text")
    assert dedupe("index", "add", db, docs, "-q")[0] == 0
    return db, docs


def test_an_index_corrupted_past_its_header_is_one_line(filled_index):
    db, docs = filled_index
    data = bytearray(db.read_bytes())
    assert len(data) > 1_000_000 and not Path(f"{db}-wal").exists()
    rng = random.Random(13)
    for k in range(len(data) // 2, len(data)):  # the header and first pages stay intact
        data[k] = rng.randrange(256)
    db.write_bytes(bytes(data))
    for args in (["query", db, docs], ["remove", db, "d00001", "d00299"]):
        code, _, err = dedupe("index", *args)
        line = one_line_error(code, err)
        assert f"index {db} is damaged" in line and "restore it from a backup" in line


def test_a_truncated_index_is_one_line(filled_index):
    db, docs = filled_index
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])
    for args in (["stats", db], ["add", db, docs], ["query", db, docs]):
        code, _, err = dedupe("index", *args)
        assert f"index {db} is damaged" in one_line_error(code, err)


def test_a_file_that_is_not_an_index_is_refused_and_not_touched(tmp_path):
    text_file = tmp_path / "notes.db"
    text_file.write_text("not a database\n" * 100, "utf-8")
    code, _, err = dedupe("index", "stats", text_file)
    assert "not a dedupe index (not SQLite)" in one_line_error(code, err)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as con:
        con.execute("CREATE TABLE mine (x)")
    before = other.read_bytes()
    code, _, err = dedupe("index", "create", other)
    assert "an SQLite database but not an index" in one_line_error(code, err)
    assert other.read_bytes() == before


# -- permissions ----------------------------------------------------------------------------------


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder every user may enter (pytest's own are private to their owner)."""
    path = Path(tempfile.mkdtemp(prefix="dedupe-perm-"))
    path.chmod(0o777)
    yield path
    for root, dirs, _ in os.walk(path):
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o777)
    shutil.rmtree(path, ignore_errors=True)


def as_user(shared: Path, *args: object) -> tuple[int, str]:
    """Run the CLI in a process without root's powers (root reads and writes anything), so a
    permission is what a user meets. Returns the exit code and stderr."""
    env = {
        **os.environ,
        "NUMBA_CACHE_DIR": str(shared / ".numba"),
        "PYTHONPATH": str(REPO),
        "HOME": str(shared),
    }
    command = [sys.executable, "-m", "dedupe", "index", *map(str, args)]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: no way to drop root's permissions")
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    proc = subprocess.run(command, capture_output=True, text=True, env=env, cwd=shared, timeout=300)
    return proc.returncode, proc.stderr


@pytest.fixture
def world(shared_dir: Path) -> tuple[Path, Path]:
    (shared_dir / ".numba").mkdir(mode=0o777)
    os.chmod(shared_dir / ".numba", 0o777)
    docs = shared_dir / "docs.jsonl"
    docs.write_text(json.dumps({"id": "a", "text": TEXT}) + "\n", "utf-8")
    docs.chmod(0o644)
    return shared_dir, docs


def make_index(path: Path) -> Path:
    Index.create(path, load_plugins=False).close()
    return path


def test_a_read_only_index_file_is_one_line(world):
    shared, docs = world
    db = make_index(shared / "ro.db")
    db.chmod(0o444)
    code, err = as_user(shared, "add", db, docs)
    assert "cannot write index" in one_line_error(code, err) and "the file is read-only" in err
    code, err = as_user(shared, "query", db, docs)  # reading it is fine
    assert code == 0, err


def test_an_index_in_a_read_only_folder_is_one_line(world):
    shared, docs = world
    folder = shared / "ro"
    folder.mkdir()
    db = make_index(folder / "x.db")
    db.chmod(0o666)
    folder.chmod(0o555)
    code, err = as_user(shared, "add", db, docs)
    assert f"its folder {folder} is read-only" in one_line_error(code, err)
    code, err = as_user(shared, "query", db, docs)
    line = one_line_error(code, err)
    assert "cannot read index" in line and "copy the index to a writable folder" in line
    code, err = as_user(shared, "create", folder / "new.db")
    assert "cannot open index" in one_line_error(code, err) and "read-only" in err


def test_an_unreadable_index_is_one_line(world):
    shared, docs = world
    db = make_index(shared / "secret.db")
    db.chmod(0o000 if os.geteuid() != 0 else 0o600)  # root's file, 0600: others cannot read it
    for args in (["stats", db], ["add", db, docs]):
        code, err = as_user(shared, *args)
        line = one_line_error(code, err)
        assert "cannot open index" in line and "not readable (permission denied)" in line
