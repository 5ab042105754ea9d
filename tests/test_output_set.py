"""Outputs as one set: a real ``dedupe run`` killed (SIGTERM, SIGKILL) at every moment of
writing and swapping leaves exactly the previous set or exactly the new one, a failed run
leaves the previous outputs byte-identical, and the next run removes every temporary."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from dedupe import Engine, OutputError
from dedupe.atomic import PAUSE_ENV, OutputSet, locked
from dedupe.cli import cli
from dedupe.discover import sweep_spools

from .output_tree import leftovers, outputs, tree

OLD = ["--writers", "clusters,pairs,kept,report", "-n", "5"]  # the previous run: no dropped
NEW = ["-n", "4"]  # the new run: other settings, and dropped.jsonl (a name the old set lacks)


def dedupe(*args: object, env: dict[str, str] | None = None, **kwargs) -> subprocess.Popen:
    command = [sys.executable, "-m", "dedupe", "run", *map(str, args), "-q", "--workers", "1"]
    return subprocess.Popen(command, env={**os.environ, **(env or {})}, **kwargs)


def finished(*args: object) -> None:
    proc = dedupe(*args)
    assert proc.wait(timeout=120) == 0


def wait_for(path: Path, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, f"the run ended ({proc.returncode}) before {path.name}"
        assert time.monotonic() < deadline, f"no {path.name} after {timeout} s"
        time.sleep(0.02)


def same_as_new(found: dict[str, bytes], new: dict[str, bytes]) -> bool:
    """The outputs of the new run: byte-identical but for the report, which is the new run's
    (its timings differ from run to run)."""
    if sorted(found) != sorted(new):
        return False
    report = json.loads(found["report.json"])
    return report["parameters"]["ngram"] == 4 and all(
        found[name] == new[name] for name in new if name != "report.json"
    )


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """A finished previous run and the outputs of the new run, made once (both runs take a
    few seconds, and the new run's outputs do not depend on what the folder held)."""
    from .conftest import data_dir

    seeds = data_dir("seeds")
    base = tmp_path_factory.mktemp("prepared")
    finished(seeds, "-o", base / "old", *OLD)
    finished(seeds, "-o", base / "reference", *NEW)
    return base / "old", outputs(base / "reference")


@pytest.fixture
def old_and_new(prepared, tmp_path):
    """An output folder holding a finished run (its tree and its outputs), and the outputs
    the new run writes."""
    old_folder, new = prepared
    out = tmp_path / "out"
    shutil.copytree(old_folder, out, symlinks=True)
    return out, tree(out), outputs(out), new


# The moment, and whether SIGTERM there still ends with the new set: from the links on,
# the swap is finished first (signals are held back), before the run stops.
MOMENTS = [("writing", False), ("staged", False), ("linked", True), ("swapped", True)]


@pytest.mark.parametrize("moment,term_finishes", MOMENTS, ids=[m for m, _ in MOMENTS])
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["TERM", "KILL"])
def test_a_killed_run_leaves_exactly_the_old_or_the_new_set(
    seeds, tmp_path, old_and_new, moment, term_finishes, sig
):
    out, before, old, new = old_and_new
    flag = tmp_path / "paused"
    proc = dedupe(seeds, "-o", out, *NEW, env={PAUSE_ENV: f"{moment}:{flag}"})
    wait_for(flag, proc)
    os.kill(proc.pid, sig)
    if sig == signal.SIGKILL:
        proc.wait(timeout=60)
        flag.unlink()
    else:
        flag.unlink()  # lets a held-back SIGTERM take effect once the swap is done
        assert proc.wait(timeout=60) == 128 + signal.SIGTERM
    found = outputs(out)
    becomes_new = moment == "swapped" or (sig == signal.SIGTERM and term_finishes)
    if becomes_new:
        assert same_as_new(found, new)
    else:
        assert found == old
        if sig == signal.SIGTERM:
            assert tree(out) == before  # cleaned on the way out: not a byte more
    if sig == signal.SIGTERM:
        assert leftovers(out) == []
    finished(seeds, "-o", out, *NEW)  # the next run
    assert same_as_new(outputs(out), new)
    assert leftovers(out) == []
    sets = [p.name for p in out.iterdir() if p.name.startswith(".dedupe-output-")]
    assert sets == [os.readlink(out / ".dedupe-current")]


def test_sigterm_while_reading_stdin_removes_the_spool(seeds, tmp_path, old_and_new):
    out, before, _old, _new = old_and_new
    proc = dedupe("-", "-o", out, stdin=subprocess.PIPE)
    assert proc.stdin is not None
    proc.stdin.write(b'{"id": "x", "text": "some words on stdin"}\n')
    proc.stdin.flush()
    deadline = time.monotonic() + 60
    while not any(p.name.startswith(".dedupe-stdin-") for p in out.iterdir()):
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGTERM)
    assert proc.wait(timeout=60) == 128 + signal.SIGTERM
    proc.stdin.close()
    assert tree(out) == before and leftovers(out) == []


def test_a_spool_left_by_sigkill_is_removed_by_the_next_run(seeds, tmp_path, old_and_new):
    out, _before, old, _new = old_and_new
    proc = dedupe("-", "-o", out, stdin=subprocess.PIPE)
    assert proc.stdin is not None
    proc.stdin.write(b'{"id": "x", "text": "some words on stdin"}\n')
    proc.stdin.flush()
    deadline = time.monotonic() + 60
    while not any(p.name.startswith(".dedupe-stdin-") for p in out.iterdir()):
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    proc.stdin.close()
    assert leftovers(out) != []  # the spool is still there
    assert outputs(out) == old
    finished(seeds, "-o", out, *OLD)
    assert leftovers(out) == []


def test_spools_of_dead_runs_are_swept_from_the_temporary_folder(tmp_path):
    """Without an output folder stdin is spooled in the temporary folder; a spool whose run
    is gone (its lock free) is removed, a live one stays."""
    dead = tmp_path / "dedupe-stdin-dead.jsonl"
    live = tmp_path / "dedupe-stdin-live.jsonl"
    dead.write_text("{}")
    live.write_text("{}")
    with open(live, "rb") as holder:
        fcntl.flock(holder.fileno(), fcntl.LOCK_EX)
        sweep_spools(str(tmp_path))
        assert not dead.exists() and live.exists()
    sweep_spools(str(tmp_path))
    assert not live.exists()


def test_a_failed_run_leaves_the_previous_outputs_byte_identical(seeds, tmp_path, old_and_new):
    out, before, _old, _new = old_and_new
    result = CliRunner().invoke(cli, ["run", str(tmp_path / "mistyped"), "-o", str(out), "-q"])
    assert result.exit_code == 1
    assert "no document could be read" in result.output
    assert tree(out) == before
    empty = tmp_path / "empty.jsonl"
    empty.write_text("not json\n")
    result = CliRunner().invoke(cli, ["run", str(empty), "-o", str(out), "-q"])
    assert result.exit_code == 1 and tree(out) == before


def test_a_second_run_into_a_busy_folder_stops_with_one_line(seeds, tmp_path, old_and_new):
    out, _before, _old, _new = old_and_new
    flag = tmp_path / "paused"
    proc = dedupe(seeds, "-o", out, env={PAUSE_ENV: f"staged:{flag}"})
    try:
        wait_for(flag, proc)
        result = CliRunner().invoke(cli, ["run", str(seeds), "-o", str(out), "-q"])
        assert result.exit_code == 1
        (line,) = result.output.splitlines()
        assert line == (
            f"Error: {out} is in use by another dedupe run (pid {proc.pid}); wait for it or "
            "choose another --output-dir"
        )
    finally:
        flag.unlink()
        assert proc.wait(timeout=60) == 0
    assert leftovers(out) == []


def test_one_folder_is_written_by_one_thread_at_a_time(tmp_path):
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with locked(tmp_path):
            held.set()
            release.wait(30)

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(30)
    try:
        with pytest.raises(OutputError, match="in use by another run in this process"):
            OutputSet(tmp_path)
    finally:
        release.set()
        thread.join()
    with locked(tmp_path), locked(tmp_path):  # the same thread may nest (run, then write)
        pass


def test_old_plain_outputs_are_adopted_and_replaced_whole(seeds, tmp_path):
    """A folder written by an older version (plain files, temporaries of its own) becomes
    one set: the plain files are replaced by the new set, its temporaries removed."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "clusters.jsonl").write_text("old clusters\n")
    (out / "report.json").write_text("{}\n")
    (out / ".kept.jsonl.abc123.tmp").write_text("half a file")
    (out / "notes.txt").write_text("the user's own file")
    Engine(load_plugins=False).run([seeds], out)
    assert (out / "clusters.jsonl").is_symlink()
    assert (out / "clusters.jsonl").read_text() != "old clusters\n"
    assert (out / "notes.txt").read_text() == "the user's own file"
    assert leftovers(out) == []


def test_outputs_have_the_usual_permissions(seeds, tmp_path):
    umask = os.umask(0o022)
    os.umask(umask)
    Engine(load_plugins=False).run([seeds], tmp_path)
    for name in ("clusters.jsonl", "kept.jsonl", "report.json"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o666 & ~umask


def test_a_run_with_fewer_outputs_removes_the_names_it_does_not_write(seeds, tmp_path):
    Engine(load_plugins=False).run([seeds], tmp_path)
    assert (tmp_path / "dropped.jsonl").is_file()
    Engine(load_plugins=False, writers=["clusters", "report"]).run([seeds], tmp_path)
    assert sorted(outputs(tmp_path)) == ["clusters.jsonl", "report.json"]
    assert leftovers(tmp_path) == []


def test_kept_blocks_are_written_in_order_on_a_thread_and_a_failed_write_fails_the_run(
    syndication, tmp_path, monkeypatch
):
    """kept.jsonl is written on a thread a batch of blocks at a time: the same bytes for any
    batch size, and a write that fails (a full disk) fails the run, the old outputs kept."""
    from dedupe.default_plugins import writers

    corpus = syndication / "corpus.jsonl"
    Engine(load_plugins=False).run([corpus], tmp_path / "whole")
    monkeypatch.setattr(writers, "_BATCH_BYTES", 4096)  # (hundreds of batches)
    Engine(load_plugins=False).run([corpus], tmp_path / "small")
    kept = (tmp_path / "whole" / "kept.jsonl").read_bytes()
    assert kept == (tmp_path / "small" / "kept.jsonl").read_bytes() and kept.count(b"\n") > 1000

    from concurrent.futures import ThreadPoolExecutor

    batches = [0]

    class FullDisk(ThreadPoolExecutor):
        """The writing thread, whose fifth batch meets a full disk."""

        def submit(self, fn, *args, **kwargs):
            batches[0] += 1
            if batches[0] == 5:

                def full(*_):
                    raise OSError(28, "No space left on device")

                return super().submit(full, *args)
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(writers, "ThreadPoolExecutor", FullDisk)
    with pytest.raises(OutputError, match="No space left"):
        Engine(load_plugins=False).run([corpus], tmp_path / "whole")
    assert (tmp_path / "whole" / "kept.jsonl").read_bytes() == kept
