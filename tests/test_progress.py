"""Progress of a run: the live display as a terminal shows it (a real run in a pty, its output
read by a terminal emulator), log lines on a pipe, and Ctrl-C sent to a real process group."""

from __future__ import annotations

import fcntl
import io
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from dedupe.cli.interrupt import INTERRUPTED_EXIT
from dedupe.progress import Progress, auto_mode
from dedupe.progress_units import bytes_of
from tests.conftest import data_dir

# Wide enough that no line wraps (the paths of tmp_path are long).
ROWS, COLS = 40, 400
LOG_LINE = re.compile(r"^dedupe: \d+:\d\d ")
REUTERS_FIELDS = ["--id-field", "newid", "--text-field", "title,body"]


def reuters() -> Path:
    return data_dir("reuters21578") / "reuters21578_docs.jsonl"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    env.pop("DEDUPE_PROGRESS_INTERVAL", None)
    env.update(TERM="xterm-256color", **extra)
    return env


def dedupe(*args: object) -> list[str]:
    return [sys.executable, "-m", "dedupe", *map(str, args)]


def in_pty(command: list[str], timeout: float = 300) -> tuple[int, bytes]:
    """Run ``command`` with a terminal (a pty of ROWS x COLS) as stdin, stdout and stderr;
    its exit status and every byte it wrote."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    proc = subprocess.Popen(
        command, stdin=slave, stdout=slave, stderr=slave, env=_env(), start_new_session=True
    )
    os.close(slave)
    out = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every writer of the pty has gone
                break
            if not data:
                break
            out += data
        else:
            proc.kill()
            pytest.fail(f"{command} ran past {timeout} s")
        return proc.wait(timeout=60), bytes(out)
    finally:
        os.close(master)


def screen_after(raw: bytes) -> list[str]:
    """The lines a terminal shows once ``raw`` has been written to it (empty ones dropped)."""
    pyte = pytest.importorskip("pyte", reason="pip install pyte (the test extra)")
    screen = pyte.Screen(COLS, ROWS)
    pyte.ByteStream(screen).feed(raw)
    return [line.rstrip() for line in screen.display if line.strip()]


@pytest.fixture
def reuters_with_bad_lines(tmp_path: Path) -> Path:
    """The Reuters corpus with two bad lines in the middle (one quoting a control sequence),
    so the run prints "skipped" lines while the display is up."""
    lines = reuters().read_bytes().splitlines(keepends=True)
    path = tmp_path / "reuters.jsonl"
    with open(path, "wb") as f:
        f.writelines(lines[:12000])
        f.write(b'{"newid": 99999, "body": "cut short\n')
        f.write(b"not json \x1b]52;c;Zm9v\x07\n")
        f.writelines(lines[12000:])
    return path


# -- the display chosen, and what it says ---------------------------------------------------------
class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_display_follows_the_stream():
    assert auto_mode(FakeTTY()) == "bar"
    read, write = os.pipe()
    with os.fdopen(read) as r, os.fdopen(write, "w") as w:
        assert auto_mode(w) == "log"  # a cron job, CI, `2> log`
        assert r.readable()
    assert auto_mode(io.StringIO()) == "none"  # output captured in memory
    assert Progress(enabled=False, stream=FakeTTY()).mode == "none"
    with pytest.raises(ValueError, match="auto, bar, log, none"):
        Progress(mode="fancy")
    quiet = FakeTTY()
    with Progress(enabled=False, stream=quiet) as progress:
        progress.update("reading", 5)
    assert quiet.getvalue() == ""


def test_log_lines_tell_how_far_each_stage_is():
    stream = io.StringIO()
    with Progress(stream=stream, mode="log", interval=0) as progress:
        progress.stage("learning boilerplate")
        progress.stage("reading and signing", 2_000_000, "bytes")
        progress.tick(300)
        progress.update("reading and signing", 1000, advance=1_000_000)
        progress.echo("dedupe: skipped a.jsonl:3: malformed JSON")
        progress.stage("clustering")
    lines = stream.getvalue().splitlines()
    assert all(LOG_LINE.match(line) for line in lines if "skipped" not in line), lines
    assert lines[0].endswith(" learning boilerplate")
    assert lines[1].endswith(" reading and signing: 0% of 2.0 MB")
    assert lines[2].endswith(" reading and signing: 0% of 2.0 MB; 300 docs")
    assert re.search(
        r"reading and signing: 50% of 2\.0 MB, [\d.,]+ [kMG]?B/s, ETA \d+:\d\d; "
        r"1,000 docs$",
        lines[3],
    ), lines[3]
    assert lines[4] == "dedupe: skipped a.jsonl:3: malformed JSON"
    assert lines[5].endswith(" clustering")
    done = lines[-1]
    assert re.search(
        r" done \(learning boilerplate [\d.]+ s, reading and signing [\d.]+ s, "
        r"clustering [\d.]+ s\)$",
        done,
    )
    assert [name for name, _ in progress.durations()] == [
        "learning boilerplate",
        "reading and signing",
        "clustering",
    ]


def test_a_short_run_logs_nothing_and_a_stopped_one_says_so():
    stream = io.StringIO()
    with Progress(stream=stream, mode="log", interval=10) as progress:
        progress.stage("learning boilerplate")
        progress.update("learning boilerplate", 10)
    assert stream.getvalue() == ""  # the first line comes after a few seconds
    stream = io.StringIO()
    with (
        pytest.raises(KeyboardInterrupt),
        Progress(stream=stream, mode="log", interval=0) as progress,
    ):
        progress.stage("reading and signing")
        raise KeyboardInterrupt
    assert re.search(r" stopped \(reading and signing [\d.]+ s\)$", stream.getvalue().strip())


def test_bytes_are_shown_in_the_unit_of_the_total():
    assert bytes_of(16_800_000, 21_335_180) == "16.8/21.3 MB"
    assert bytes_of(0, 2_500) == "0.0/2.5 kB"
    assert bytes_of(12, 300) == "12/300 B"
    assert bytes_of(3_000_000_000, 4_200_000_000) == "3.0/4.2 GB"


# -- a terminal ----------------------------------------------------------------------------------
def test_a_terminal_shows_every_stage_with_the_total_and_keeps_only_lines(
    reuters_with_bad_lines, tmp_path
):
    """The run as a person at a terminal sees it: rows per stage from the start (before any
    document is read), the input's size as the total, percent, rate and time left while it
    reads; the skipped lines above the rows, whole; at the end only those lines and the
    summary stay on the screen."""
    status, raw = in_pty(
        dedupe("run", reuters_with_bad_lines, *REUTERS_FIELDS, "-o", tmp_path / "out")
    )
    text = raw.decode("utf-8", "replace")
    assert status == 0, text[-2000:]
    size = reuters_with_bad_lines.stat().st_size
    # Rows appear from the first stage on, in order, before the reading one.
    order = [text.find(s) for s in ("opening the inputs", "learning boilerplate", "reading and")]
    assert -1 not in order and order == sorted(order)
    assert text.find("learning boilerplate") < text.find("finding candidates")
    # While reading: what is done of the input's size, percent, rate, time left, documents.
    assert f"/{size / 1e6:.1f} MB" in text
    assert re.search(r"\b\d{1,3}%", text)
    assert re.search(r"[\d.]+ MB/s", text) and "ETA " in text
    assert re.search(r"[\d,]+ docs", text)
    # Nothing from the data reaches the terminal raw (the bad line quotes OSC 52).
    assert b"\x1b]52" not in raw
    screen = screen_after(raw)
    assert len(screen) == 3, screen
    assert screen[0].startswith(f"dedupe: skipped {reuters_with_bad_lines}:12001: malformed JSON")
    assert screen[1].startswith(f"dedupe: skipped {reuters_with_bad_lines}:12002: malformed JSON")
    assert screen[2].startswith("read 21,578 documents (2 skipped) in ")
    assert (tmp_path / "out" / "clusters.jsonl").stat().st_size > 0


def test_an_error_clears_the_display_before_its_line(tmp_path):
    corpus = data_dir("syndication-dev") / "corpus.jsonl"
    lines = corpus.read_bytes().splitlines(keepends=True)
    doubled = tmp_path / "doubled.jsonl"
    doubled.write_bytes(b"".join(lines) + lines[0])  # the first id again, on the last line
    status, raw = in_pty(dedupe("run", doubled, "-o", tmp_path / "out"))
    text = raw.decode("utf-8", "replace")
    assert status == 1, text[-2000:]
    assert "reading and signing" in text  # the display was up when the error came
    screen = screen_after(raw)
    assert len(screen) == 1, screen
    assert screen[0].startswith("Error: ") and "d00000" in screen[0]


# -- a pipe --------------------------------------------------------------------------------------
def test_a_pipe_gets_log_lines_and_quiet_gets_none(tmp_path):
    """stderr to a pipe (a cron job, a CI log): plain lines with the time since the start,
    one per stage and one every DEDUPE_PROGRESS_INTERVAL seconds, the last with every stage's
    time; no control sequence. -q and --progress none print nothing on stderr."""
    source = reuters()
    done = subprocess.run(
        dedupe("run", source, *REUTERS_FIELDS, "-o", tmp_path / "out"),
        capture_output=True,
        text=True,
        env=_env(DEDUPE_PROGRESS_INTERVAL="0.3"),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert lines and all(LOG_LINE.match(line) for line in lines), lines
    assert "\x1b" not in done.stderr
    total = f"of {source.stat().st_size / 1e6:.1f} MB"
    reading = [line for line in lines if " reading and signing: " in line]
    assert reading and all(re.search(r": \d{1,3}% " + total, line) for line in reading)
    for stage in ("learning boilerplate", "finding candidates", "clustering", "writing"):
        assert any(line.endswith(f" {stage}") for line in lines), (stage, lines)
    assert re.search(
        r" done \(opening the inputs [\d.]+ s, learning boilerplate .* writing [\d.]+ s\)$",
        lines[-1],
    )
    assert done.stdout.startswith("read 21,578 documents")
    for quiet in (["-q"], ["--progress", "none"]):
        out = tmp_path / f"out{len(quiet)}"
        done = subprocess.run(
            dedupe("run", data_dir("syndication-dev") / "corpus.jsonl", "-o", out, *quiet),
            capture_output=True,
            text=True,
            env=_env(DEDUPE_PROGRESS_INTERVAL="0.1"),
            timeout=300,
        )
        assert done.returncode == 0 and done.stderr == "", (quiet, done.stderr)


# -- Ctrl-C --------------------------------------------------------------------------------------
def _start(command: list[str], **env: str) -> subprocess.Popen[str]:
    """A run in a process group of its own, as a shell starts a foreground job."""
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(**env),
        start_new_session=True,
    )


def _ctrl_c(proc: subprocess.Popen[str]) -> tuple[str, str]:
    """Ctrl-C as a terminal sends it: SIGINT to the whole group, workers included."""
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    return out, err


def test_ctrl_c_is_one_line_without_checkpoints(tmp_path):
    out = tmp_path / "out"
    proc = _start(
        dedupe("run", reuters(), *REUTERS_FIELDS, "-o", out, "--progress", "log"),
        DEDUPE_PROGRESS_INTERVAL="0.2",
    )
    assert proc.stderr is not None
    seen = []
    for line in proc.stderr:  # wait until it is reading
        seen.append(line)
        if " reading and signing" in line:
            break
    _, rest = _ctrl_c(proc)
    err = "".join(seen) + rest
    assert proc.returncode == INTERRUPTED_EXIT, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    lines = err.splitlines()
    assert lines[-1] == "dedupe: interrupted"  # an input this small is not checkpointed
    assert re.search(r" stopped \(.*reading and signing [\d.]+ s\)$", lines[-2])
    assert not (out / "clusters.jsonl").exists()


@pytest.mark.slow
def test_ctrl_c_with_workers_names_resume_and_resume_finishes(tmp_path):
    """A big input (two copies of Reuters: 42.7 MB, past the size where workers start and
    checkpoints are kept): Ctrl-C once a chunk is checkpointed. No worker prints a traceback;
    the one line says how many chunks are saved and to run again with --resume, which
    finishes the run."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.jsonl", "b.jsonl"):
        (folder / name).write_bytes(reuters().read_bytes())
    out = tmp_path / "out"
    command = dedupe(
        "run", folder, *REUTERS_FIELDS, "--rename-duplicate-ids", "--workers", "2", "-o", out
    )
    proc = _start(command)
    deadline = time.monotonic() + 240
    while not list(out.glob(".dedupe-checkpoint/*/chunk-*.npz")):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no chunk was checkpointed"
        time.sleep(0.1)
    _, err = _ctrl_c(proc)
    assert proc.returncode == INTERRUPTED_EXIT, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    last = err.splitlines()[-1]
    assert re.fullmatch(
        rf"dedupe: interrupted; \d chunks? of the input (is|are) checkpointed in "
        rf"{re.escape(str(out))}/: "
        r"run the same command with --resume to continue from them",
        last,
    ), last
    resumed = subprocess.run(
        [*command, "--resume"], capture_output=True, text=True, env=_env(), timeout=300
    )
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout.startswith("read 43,156 documents (0 skipped)")
    assert not (out / ".dedupe-checkpoint").exists()
