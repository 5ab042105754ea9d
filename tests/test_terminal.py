"""Nothing from the data reaches a terminal raw: hostile ids, file names and texts go through
every command's output and error lines (click's CliRunner with colour on, so click strips
nothing, and a real subprocess) and no escape, C1 or bidi control comes out."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dedupe.cli import cli
from dedupe.display import BIDI
from dedupe.progress import Progress

from .conftest import EXAMPLES, write_jsonl
from .test_plugins import make_dist

OSC52 = "\x1b]52;c;Zm9v\x07"  # writes "foo" to the clipboard
CLEAR = "\x1b[2J"  # clears the screen
C1_CSI = "\x9b2J"  # the same, as one C1 character
BIDI_SPOOF = "\u202egpj.exe"  # shows as "exe.jpg"
HOSTILE = (OSC52, CLEAR, C1_CSI, BIDI_SPOOF, "\u2066iso\u2069", "bell\x07", "del\x7f")
#: What must never be printed: C0 controls but tab and newline, DEL, C1, bidi, line separators.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029" + "".join(sorted(BIDI)) + "]")


def assert_clean(result: Result) -> None:
    for stream in (result.stdout, result.stderr):
        found = UNSAFE.search(stream)
        assert found is None, f"raw {found.group()!r} in {stream!r}"


def invoke(*args: object, env: dict[str, str] | None = None) -> Result:
    """The real command line, with colour forced on so click strips no ANSI sequence."""
    runner = CliRunner()
    return runner.invoke(cli, [str(a) for a in args], color=True, catch_exceptions=False, env=env)


#: Real news texts of which none is a copy of another.
DISTINCT = ("earnings", "vendanges", "flood-report-herald", "musee", "transfer", "council-budget")


@pytest.fixture
def news_texts() -> list[str]:
    folder = EXAMPLES / "news"
    return [
        next(p for p in sorted(folder.glob(f"{stem}*.txt"))).read_text("utf-8") for stem in DISTINCT
    ]


@pytest.fixture
def hostile_corpus(tmp_path: Path, news_texts: list[str]) -> Path:
    """Real news texts, each original and its repost under a hostile id, plus hostile lines."""
    flood = (EXAMPLES / "news" / "flood-original.txt").read_text("utf-8")
    repost = (EXAMPLES / "news" / "flood-aggregator-repost.txt").read_text("utf-8")
    rows = [{"id": f"orig{OSC52}", "text": flood}, {"id": f"copy{OSC52}", "text": repost}]
    pairs = zip(HOSTILE[1:], news_texts, strict=True)
    rows += [{"id": f"doc{h}", "text": text + h} for h, text in pairs]
    path = write_jsonl(tmp_path / "hostile.jsonl", rows)
    with path.open("a", encoding="utf-8") as f:
        f.write(f'{{"id": "{CLEAR}broken\n')  # malformed: the reason quotes nothing raw
        f.write(json.dumps({"id": f"notext{OSC52}", "body": "x"}) + "\n")
    return path


def hostile_file(tmp_path: Path, stem: str, data: bytes) -> Path:
    path = tmp_path / f"{stem}{OSC52}{BIDI_SPOOF}.txt"
    path.write_bytes(data)
    return path


def test_run_escapes_skipped_records_summary_and_errors(tmp_path, hostile_corpus):
    binary = hostile_file(tmp_path, "bin", b"\x00\xff\x00")
    missing = tmp_path / f"gone{CLEAR}.txt"
    out = tmp_path / f"out{OSC52}"
    result = invoke("run", hostile_corpus, binary, missing, "-o", out)
    assert result.exit_code == 0, result.output
    assert_clean(result)
    skipped = [line for line in result.stderr.splitlines() if line.startswith("dedupe: skipped")]
    assert len(skipped) == 4  # one line each, whatever the names hold
    assert any("gone\\x1b[2J.txt" in line for line in skipped)
    assert any("bin\\x1b]52;c;Zm9v\\x07<U+202E>gpj.exe.txt" in line for line in skipped)
    assert "1 clusters, 1 copies removed" in result.stdout
    assert "out\\x1b]52;c;Zm9v\\x07/" in result.stdout
    # the outputs keep the ids as they were: escaping is for the terminal only
    cluster = json.loads((out / "clusters.jsonl").read_text("utf-8"))
    assert set(cluster["members"]) == {f"orig{OSC52}", f"copy{OSC52}"}


def test_run_json_output_is_escaped(tmp_path, hostile_corpus):
    result = invoke("run", hostile_corpus, "-o", tmp_path / f"o{BIDI_SPOOF}", "--json", "-q")
    assert result.exit_code == 0
    assert_clean(result)
    assert json.loads(result.stdout)["output_dir"].endswith(f"o{BIDI_SPOOF}")


def test_duplicate_hostile_ids_stop_with_an_escaped_line(tmp_path, news_texts):
    path = write_jsonl(
        tmp_path / "d.jsonl", [{"id": f"a{CLEAR}", "text": t} for t in news_texts[:2]]
    )
    result = invoke("run", path, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert_clean(result)
    assert "duplicate id" in result.stderr and len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["run", "{corpus}", "--format", f"x{CLEAR}"],
        ["run", "{corpus}", "--scorer", f"x{C1_CSI}"],
        ["run", "{corpus}", "--normalise", f"html,{BIDI_SPOOF}"],
        ["run", "{corpus}", "--index", f"{{tmp}}/none{CLEAR}.db"],
        ["run", "{corpus}", "-o", "{file}"],  # a file: click's own error names it
        ["index", "stats", f"{{tmp}}/none{OSC52}.db"],
        ["index", "query", f"{{tmp}}/none{OSC52}.db", "{corpus}"],
        ["eval", "--truth", f"{{tmp}}/none{OSC52}.jsonl", "{corpus}"],
        [f"nosuchcommand{CLEAR}"],
        ["run", "{corpus}", f"--nosuchoption{OSC52}"],
    ],
    ids=[
        "format",
        "scorer",
        "normaliser",
        "index-path",
        "output-is-a-file",
        "index-stats",
        "index-query",
        "eval-path",
        "command",
        "option",
    ],
)
def test_error_lines_are_escaped(tmp_path, hostile_corpus, args):
    file = hostile_file(tmp_path, "file", b"some text")
    filled = [a.format(corpus=hostile_corpus, tmp=tmp_path, file=file) for a in args]
    if args[0] == "run" and "-o" not in args:
        filled += ["-o", str(tmp_path / "out")]
    result = invoke(*filled)
    assert result.exit_code in (1, 2)
    assert_clean(result)
    assert result.stderr.splitlines()[-1].startswith("Error: ")
    shown = ("\\x1b", "\\x9b", "<U+202E>", "\\u202e")  # by safe(), or by repr()
    assert any(escape in result.stderr for escape in shown), result.stderr


def test_eval_escapes_roles(tmp_path):
    truth = write_jsonl(
        tmp_path / "truth.jsonl",
        [
            {"id": "a", "cluster": "c", "role": "original"},
            {"id": "b", "cluster": "c", "role": f"repost{OSC52}"},
            {"id": "d", "cluster": "d", "role": f"x{BIDI_SPOOF}"},
        ],
    )
    clusters = write_jsonl(
        tmp_path / "clusters.jsonl", [{"members": ["a", "b"], "representative": "a"}]
    )
    result = invoke("eval", "--truth", truth, clusters)
    assert result.exit_code == 0, result.output
    assert_clean(result)
    assert "recall of repost\\x1b]52;c;Zm9v\\x07: 1.0000 (1)" in result.stdout
    result = invoke("eval", "--truth", truth, clusters, "--json")
    assert_clean(result)
    assert f"repost{OSC52}" in json.loads(result.stdout)["by_role"]


def test_index_add_summary_and_bad_records_are_escaped(tmp_path, hostile_corpus):
    """(The ids of ``index add``/``query`` lines and ``create``/``stats`` are the index
    helper's: tests/test_index_cli.py.)"""
    db = tmp_path / f"news{OSC52}.db"
    assert invoke("index", "create", db).exit_code == 0
    binary = hostile_file(tmp_path, "bin", b"\x00\x00")
    result = invoke("index", "add", db, binary, "--json")
    assert result.exit_code == 0, result.output
    assert_clean(result)
    assert "dedupe: skipped" in result.stderr
    assert "news\\x1b]52;c;Zm9v\\x07.db holds 0" in result.stderr


HOSTILE_PLUGIN = f"""
    from dedupe import hookimpl, Normaliser

    @hookimpl
    def register_normalisers(register):
        register(Normaliser("tidy", str.strip, description="strips{OSC52!r}"))
"""


def test_plugins_listing_escapes_what_a_plugin_says_of_itself(tmp_path, monkeypatch):
    dist = make_dist(tmp_path, "dedupe-tidy", HOSTILE_PLUGIN)
    metadata = tmp_path / "dedupe_tidy-1.0.dist-info" / "METADATA"
    metadata.write_text(
        f"Metadata-Version: 2.1\nName: dedupe-tidy\nVersion: 1.0{OSC52}{BIDI_SPOOF}\n", "utf-8"
    )
    monkeypatch.syspath_prepend(str(dist))
    monkeypatch.delenv("DEDUPE_LOAD_PLUGINS", raising=False)
    result = invoke("plugins")
    assert result.exit_code == 0, result.output
    assert_clean(result)
    assert "dedupe-tidy from dedupe-tidy 1.0\\x1b]52;c;Zm9v\\x07<U+202E>gpj.exe" in result.stdout
    assert "normaliser: tidy" in result.stdout
    assert_clean(invoke("plugins", "--json"))


def test_a_component_name_with_control_characters_is_refused(tmp_path, monkeypatch):
    source = """
        from dedupe import hookimpl, Normaliser

        @hookimpl
        def register_normalisers(register):
            register(Normaliser("evil\\x1b[2J", str.strip))
    """
    monkeypatch.syspath_prepend(str(make_dist(tmp_path, "dedupe-evil", source)))
    monkeypatch.delenv("DEDUPE_LOAD_PLUGINS", raising=False)
    result = invoke("run", EXAMPLES / "news", "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert_clean(result)
    assert result.stderr.splitlines() == [
        "Error: plugin 'dedupe-evil' registered a normaliser with a bad name 'evil\\x1b[2J'"
    ]


def test_progress_line_is_escaped():
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Tty()
    progress = Progress(stream=stream, mode="log", interval=0)
    progress.stage(f"reading {OSC52}{BIDI_SPOOF}")
    assert UNSAFE.search(stream.getvalue().replace("\r", "")) is None
    assert "reading \\x1b]52;c;Zm9v\\x07<U+202E>gpj.exe" in stream.getvalue()


def test_subprocess_terminal_sees_no_control_sequence(tmp_path, hostile_corpus):
    """The installed entry point, as a shell runs it: click only strips CSI sequences from
    a pipe, so OSC 52, C1 and bidi controls would get through if dedupe let them."""
    binary = hostile_file(tmp_path, "bin", b"\x00\x01")
    out = tmp_path / f"o{C1_CSI}"
    proc = subprocess.run(
        [sys.executable, "-m", "dedupe", "run", str(hostile_corpus), str(binary), "-o", str(out)],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert proc.returncode == 0, proc.stderr
    for stream in (proc.stdout, proc.stderr):
        assert UNSAFE.search(stream) is None, stream
    assert "\\x1b]52;c;Zm9v\\x07<U+202E>gpj.exe.txt" in proc.stderr
    assert "o\\x9b2J/" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_an_unexpected_error_is_one_escaped_line(tmp_path, monkeypatch):
    """A bug nobody foresaw (here a plugin command that raises) is one line and status 1;
    DEDUPE_TRACEBACK=1 shows the traceback."""
    source = textwrap.dedent(
        f"""
        from dedupe import hookimpl
        @hookimpl
        def register_commands(cli):
            @cli.command(name="crash")
            def crash():
                raise RuntimeError({("boom" + OSC52)!r})
        """
    )
    dist = make_dist(tmp_path, "dedupe-crash", source)
    env = {"PYTHONPATH": str(dist), "DEDUPE_LOAD_PLUGINS": "dedupe-crash"}
    run = [sys.executable, "-m", "dedupe", "crash"]
    proc = subprocess.run(run, capture_output=True, text=True, env={**_env(), **env})
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "Error: unexpected RuntimeError: boom\\x1b]52;c;Zm9v\\x07 (a bug: please report it; "
        "DEDUPE_TRACEBACK=1 shows the traceback)"
    ]
    env["DEDUPE_TRACEBACK"] = "1"
    proc = subprocess.run(run, capture_output=True, text=True, env={**_env(), **env})
    assert proc.returncode == 1 and "Traceback" in proc.stderr


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("DEDUPE_")}


def test_a_warning_quoting_the_data_is_one_escaped_line(tmp_path, hostile_corpus):
    """Libraries warn with pieces of the text (markup that looks like a file name...)."""
    source = """
        import warnings
        from dedupe import hookimpl, Normaliser

        def noisy(text):
            warnings.warn("odd text: " + text[-12:])
            return text

        @hookimpl
        def register_normalisers(register):
            register(Normaliser("noisy", noisy))
    """
    dist = make_dist(tmp_path, "dedupe-noisy", source)
    env = {**_env(), "PYTHONPATH": str(dist), "DEDUPE_LOAD_PLUGINS": "dedupe-noisy"}
    args = ["run", str(hostile_corpus), "--normalise", "noisy", "-o", str(tmp_path / "out")]
    proc = subprocess.run(
        [sys.executable, "-m", "dedupe", *args, "-q"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    warned = [line for line in proc.stderr.splitlines() if line.startswith("dedupe: warning:")]
    assert warned and all(
        line.startswith("dedupe: warning: UserWarning: odd text") for line in warned
    )
    assert UNSAFE.search(proc.stderr) is None, proc.stderr
