"""Bad input and hostile conditions: any bytes, any Unicode, huge documents, full disks,
unwritable directories. Never a traceback: a record-level error or a result."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedupe import BadRecord, Engine, OutputError, Record, Writer, hookimpl
from dedupe.cli import cli
from dedupe.plugins import PluginInfo, get_plugin_manager

from .conftest import write_jsonl
from .output_tree import tree

ENGINE = Engine(load_plugins=False)
LINE_ENDINGS = st.sampled_from(["\n", "\r\n", ""])


def read_all(path: Path, **options) -> list[Record | BadRecord]:
    engine = Engine(load_plugins=False, **options) if options else ENGINE
    corpus = engine.open_files([str(path)])
    try:
        return [item for c in corpus.chunks(1 << 20) for item in corpus.read(c)]
    finally:
        corpus.close()


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".tsv", ".txt", ".html"])
@given(data=st.binary(max_size=3000))
@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_bytes_give_records_or_bad_records(tmp_path, suffix, data):
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    items = read_all(path)
    assert all(isinstance(i, (Record, BadRecord)) for i in items)
    for item in items:
        if isinstance(item, Record):
            assert isinstance(item.text, str)
        else:
            assert "\n" not in str(item)


@given(
    texts=st.lists(st.text(max_size=300), min_size=1, max_size=20),
    ending=LINE_ENDINGS,
    bom=st.booleans(),
)
@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_unicode_jsonl_runs_end_to_end(tmp_path, texts, ending, bom):
    rows = [json.dumps({"id": f"d{k}", "text": t}) for k, t in enumerate(texts)]
    data = ("\ufeff" if bom else "") + "\n".join(rows) + ending
    path = tmp_path / "c.jsonl"
    path.write_text(data, "utf-8")
    result = ENGINE.run([path], tmp_path / "out")
    good = [t for t in texts if t.strip()]
    skipped = result.counts["documents_skipped"]
    assert result.counts["documents_read"] + skipped >= len(good)
    assert result.counts["kept"] + result.counts["duplicates_removed"] == len(texts)
    for name in ("clusters.jsonl", "pairs.jsonl", "kept.jsonl", "dropped.jsonl"):
        for line in (tmp_path / "out" / name).read_text("utf-8").splitlines():
            json.loads(line)


def test_crlf_nul_bom_and_no_final_newline(tmp_path):
    path = tmp_path / "odd.jsonl"
    path.write_bytes(
        b'\xef\xbb\xbf{"id": "a", "text": "bom first line"}\r\n'
        b'{"id": "b", "text": "nul \\u0000 inside"}\r\n'
        b'{"id": "c", "text": "lone surrogate \\ud800 here"}\r\n'
        b'{"id": "d", "text": "no newline at the end"}'
    )
    ids = [i.id for i in read_all(path) if isinstance(i, Record)]
    assert ids == ["a", "b", "c", "d"]
    (tmp_path / "nul.txt").write_bytes(b"text\x00with a NUL byte")
    (bad,) = read_all(tmp_path / "nul.txt")
    assert isinstance(bad, BadRecord) and "binary" in bad.reason
    result = ENGINE.run([path], tmp_path / "out")
    assert result.counts["documents_read"] == 4


def test_disk_full_while_writing_is_one_clear_error(seeds, tmp_path):
    class FullDisk:
        @staticmethod
        @hookimpl
        def register_writers(register):
            def write(result, path):
                raise OSError(errno.ENOSPC, "No space left on device", str(path))

            register(Writer("full", "full.txt", write))

    Engine(load_plugins=False).run([seeds], tmp_path)
    before = tree(tmp_path)
    pm = get_plugin_manager(load_entrypoints=False)
    pm.add(FullDisk, PluginInfo("full"))
    engine = Engine(plugin_manager=pm, writers=["clusters", "full"])
    with pytest.raises(OutputError, match=r"No space left on device.*unchanged") as info:
        engine.run([seeds], tmp_path)
    assert "\n" not in str(info.value)
    assert tree(tmp_path) == before


def test_unwritable_output_directory_fails_before_any_work(seeds, tmp_path, monkeypatch):
    import tempfile

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    calls = []
    monkeypatch.setattr("dedupe.executors.pool.sign_chunk", lambda *a, **k: calls.append(a))
    result = CliRunner().invoke(cli, ["run", str(seeds), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "Error: cannot write to output directory" in result.output
    assert "Permission denied" in result.output and "Traceback" not in result.output
    assert calls == []  # nothing was read


_REPORT_PEAK = """
import atexit, runpy, sys

def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            sys.stderr.write("PEAK_KB " + line.split()[1] + "\\n")

atexit.register(peak)
sys.argv = ["dedupe", *sys.argv[1:]]
runpy.run_module("dedupe", run_name="__main__")
"""


def _peak_rss_mb(args: list[str]) -> float:
    """Peak resident memory of one dedupe run, measured inside it (VmHWM of its own address
    space: what the test process had at fork time does not count). Runs with one worker, so
    the whole run is that one process."""
    proc = subprocess.run(
        [sys.executable, "-c", _REPORT_PEAK, *args, "--workers", "1"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    (line,) = [x for x in proc.stderr.splitlines() if x.startswith("PEAK_KB ")]
    return int(line.split()[1]) / 1024


@pytest.mark.slow
def test_one_100_mb_document_among_many_small_ones(tmp_path):
    """The 100 MB record: processed whole by default, skipped without being held in memory
    with --max-doc-bytes; the small documents are never lost."""
    path = tmp_path / "huge.jsonl"
    words = [f"mot{k}" for k in range(5000)]
    with open(path, "w", encoding="utf-8") as f:
        line = " ".join(words[k % 5000] for k in range(20_000))
        big = "\n".join([line] * (100_000_000 // len(line) + 1))
        f.write(json.dumps({"id": "huge", "text": big}) + "\n")
        for k in range(2000):
            text = " ".join(words[(k * 7 + j) % 5000] for j in range(k % 50, k % 50 + 300))
            f.write(json.dumps({"id": f"s{k}", "text": f"{k} {text}"}) + "\n")
    del big
    assert path.stat().st_size > 100_000_000
    capped = _peak_rss_mb(
        ["run", str(path), "-o", str(tmp_path / "a"), "-q", "--max-doc-bytes", "1000000"]
    )
    report = json.loads((tmp_path / "a" / "report.json").read_text())
    assert report["counts"]["documents_read"] == 2000
    assert report["skipped"]["records"][0]["line"] == 1
    assert capped < 700, capped
    whole = _peak_rss_mb(["run", str(path), "-o", str(tmp_path / "b"), "-q"])
    report = json.loads((tmp_path / "b" / "report.json").read_text())
    assert report["counts"]["documents_read"] == 2001
    assert whole < 4000, whole
    os.remove(path)


def _write_huge(path: Path, head: str, tail: str, size: int) -> None:
    """A file whose one record is ``size`` bytes of words, written piece by piece."""
    piece = "mot " * 250_000
    with open(path, "w", encoding="utf-8") as f:
        f.write(head)
        for _ in range(size // len(piece)):
            f.write(piece)
        f.write(tail)


@pytest.mark.slow
def test_a_line_of_hundreds_of_mb_is_skipped_without_being_held(tmp_path):
    """With --max-doc-bytes, one 256 MB record in each format (JSON Lines, CSV, TSV, text,
    HTML) is skipped as it is read: the run's peak memory grows by far less than the record
    (compared with the same folder whose records over the limit are 2 MB: the same run but
    for their size); the small records are kept."""
    size = 256 * 1024 * 1024
    small = tmp_path / "small"
    small.mkdir()
    for k in range(5):
        write_jsonl(small / f"s{k}.jsonl", [{"id": f"j{k}", "text": f"small record {k} words"}])
    (small / "c.csv").write_text("id,text\ncsv1,a small row\n", "utf-8")
    (small / "t.tsv").write_text("id\ttext\ntsv1\tanother small row\n", "utf-8")
    huge, over = tmp_path / "huge", tmp_path / "over"
    try:
        for folder, record in ((huge, size), (over, 2 * 1024 * 1024)):
            shutil.copytree(small, folder)
            after_json = '"}\n{"id": "after", "text": "x y"}\n'
            _write_huge(folder / "big.jsonl", '{"id": "big", "text": "', after_json, record)
            _write_huge(
                folder / "big.csv", 'id,text\nbig,"', '"\nafter_csv,the row after\n', record
            )
            after_tsv = "\nafter_tsv\tthe tab separated row after it\n"
            _write_huge(folder / "big.tsv", "id\ttext\nbig_tsv\t", after_tsv, record)
            _write_huge(folder / "big.txt", "", "", record)
            _write_huge(folder / "big.html", "<html><body><p>", "</p></body></html>", record)
        limit = ["-q", "--max-doc-bytes", "1000000"]
        base = _peak_rss_mb(["run", str(over), "-o", str(tmp_path / "a"), *limit])
        peak = _peak_rss_mb(["run", str(huge), "-o", str(tmp_path / "b"), *limit])
        assert peak - base < size / 4 / 2**20, (base, peak)
        report = json.loads((tmp_path / "b" / "report.json").read_text())
        skipped = {(Path(r["source"]).name, r["line"]) for r in report["skipped"]["records"]}
        assert skipped == {
            ("big.jsonl", 1),
            ("big.csv", 2),
            ("big.tsv", 2),
            ("big.txt", None),
            ("big.html", None),
        }
        assert all(
            r["reason"].startswith("document larger than --max-doc-bytes")
            for r in report["skipped"]["records"]
        )
        kept = {json.loads(line)["id"] for line in (tmp_path / "b" / "kept.jsonl").open()}
        assert {"after", "after_csv", "after_tsv", "j0", "csv1", "tsv1"} <= kept
    finally:  # (1.3 GB: not left for the rest of the run, passed or failed)
        shutil.rmtree(huge, ignore_errors=True)
        shutil.rmtree(over, ignore_errors=True)
