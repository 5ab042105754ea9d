"""No tracebacks from the command line: each bad input is one clear line naming the file (and
line) and a non-zero exit status, or the run goes on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedupe.cli import cli
from dedupe.evaluate import evaluate, load_clusters, load_truth

from .conftest import EXAMPLES, read_jsonl, write_jsonl


def invoke(*args: object) -> Result:
    """The command line in-process; any exception other than click's exit is raised."""
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def one_error_line(result: Result) -> str:
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    return lines[0]


@pytest.fixture
def news_run(tmp_path: Path) -> Path:
    """clusters.jsonl of a real run on the shipped news example."""
    out = tmp_path / "run"
    assert invoke("run", EXAMPLES / "news", "-o", out, "-q").exit_code == 0
    return out / "clusters.jsonl"


# -- dedupe eval --------------------------------------------------------------------------------


def test_eval_scores_a_real_run_against_the_shipped_truth(news_run):
    result = invoke("eval", "--truth", EXAMPLES / "expected_clusters.json", news_run, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["documents"] == 12 and report["overall"]["f1"] == 1.0
    assert report["original_named"]["share"] == 1.0


def test_eval_truth_that_is_a_binary_file(tmp_path, news_run):
    truth = tmp_path / "truth.jsonl"
    truth.write_bytes(b'{"id": "a", "cluster": "c"}\n\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR')
    result = invoke("eval", "--truth", truth, news_run)
    assert result.exit_code == 1
    assert one_error_line(result) == (
        f"Error: {truth}:4: binary file (contains NUL bytes), not a truth file"
    )


MALFORMED_TRUTH = {
    "not-utf8.jsonl": (
        b'{"id": "a", "cluster": "caf\xe9"}\n',
        ":1: not UTF-8 (byte 0xe9 at column",
    ),
    "not-json.jsonl": (b'{"id": "a", "cluster": "c"}\n{"id": "b",\n', ":2: malformed JSON"),
    "not-object.jsonl": (b'["a", "c"]\n', ":1: truth lines are objects with id and cluster"),
    "no-cluster.jsonl": (b'{"id": "a"}\n', ":1: truth lines are objects with id and cluster"),
    "null-id.jsonl": (b'{"id": null, "cluster": "c"}\n', ":1: id must be a string or an integer"),
    "list-role.jsonl": (
        b'{"id": "a", "cluster": "c", "role": ["x"]}\n',
        ":1: role must be a string, not a list",
    ),
    "twice.jsonl": (
        b'{"id": "a", "cluster": "c"}\n{"id": "a", "cluster": "d"}\n',
        ":2: id 'a' is given twice (first at line 1)",
    ),
    "empty.jsonl": (b"\n\n", ": the truth names no documents"),
    "truncated.json": (b'{"clusters": [["a", "b"]', ":1: malformed JSON"),
    "clusters-not-lists.json": (
        b'{"clusters": [5]}',
        ": clusters[0] must be a list, not an integer",
    ),
    "unknown-original.json": (
        b'{"clusters": [["a", "b"]], "original": {"z": "a"}}',
        ": original names 'z', which is in no cluster",
    ),
    "original-elsewhere.json": (
        b'{"clusters": [["a", "b"], ["c", "d"]], "original": {"a": "c"}}',
        ": original of 'a' is 'c', in another cluster",
    ),
    "named-twice.json": (b'{"clusters": [["a", "b"]], "singletons": ["a"]}', ": id 'a' is named"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED_TRUTH))
def test_eval_malformed_truth_is_one_line(tmp_path, news_run, name):
    data, expected = MALFORMED_TRUTH[name]
    truth = tmp_path / name
    truth.write_bytes(data)
    result = invoke("eval", "--truth", truth, news_run)
    assert result.exit_code == 1
    assert one_error_line(result).startswith(f"Error: {truth}{expected}")


MALFORMED_CLUSTERS = {
    "binary": (b"\x00\x01", ":1: binary file (contains NUL bytes), not a clusters file"),
    "members-a-string": (b'{"members": "abc"}\n', ":1: cluster lines are objects with a list"),
    "no-members": (b'{"members": []}\n', ":1: a cluster has at least one member"),
    "member-object": (b'{"members": [{"a": 1}]}\n', ":1: each member must be a string or an"),
    "representative-list": (
        b'{"members": ["a"], "representative": ["a"]}\n',
        ":1: representative must be a string or an integer, not a list",
    ),
    "deep": (b"[" * 100_000 + b"\n", ":1: "),
}


@pytest.mark.parametrize("name", sorted(MALFORMED_CLUSTERS))
def test_eval_malformed_clusters_are_one_line(tmp_path, name):
    data, expected = MALFORMED_CLUSTERS[name]
    clusters = tmp_path / "clusters.jsonl"
    clusters.write_bytes(data)
    result = invoke("eval", "--truth", EXAMPLES / "expected_clusters.json", clusters)
    assert result.exit_code == 1
    assert one_error_line(result).startswith(f"Error: {clusters}{expected}")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["id", "cluster", "role", "members", "representative"]),
            children,
            max_size=5,
        )
    ),
    max_leaves=12,
)


def _score(truth_bytes: bytes, clusters_bytes: bytes, truth_name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        truth, clusters = Path(tmp) / truth_name, Path(tmp) / "clusters.jsonl"
        truth.write_bytes(truth_bytes)
        clusters.write_bytes(clusters_bytes)
        result = invoke("eval", "--truth", truth, clusters, "--json")
        if result.exit_code == 0:
            assert json.loads(result.stdout)["documents"] > 0
        else:
            assert result.exit_code == 1
            assert one_error_line(result).startswith(f"Error: {tmp}")


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(json_values, max_size=6),
    st.lists(json_values, max_size=6),
    st.sampled_from(["truth.jsonl", "truth.json"]),
)
def test_eval_on_any_json_lines_scores_or_says_why(truth_rows, cluster_rows, truth_name):
    def lines(rows: list[object]) -> bytes:
        return "".join(json.dumps(r) + "\n" for r in rows).encode("utf-8")

    truth = lines(truth_rows)
    if truth_name == "truth.json" and truth_rows and isinstance(truth_rows[0], dict):
        truth = json.dumps({"clusters": truth_rows[0].get("members", []), **truth_rows[0]})
        truth = truth.encode("utf-8")
    _score(truth, lines(cluster_rows), truth_name)


@settings(max_examples=100)
@given(st.binary(max_size=200), st.binary(max_size=200))
def test_eval_on_any_bytes_scores_or_says_why(truth_bytes, clusters_bytes):
    _score(truth_bytes, clusters_bytes, "truth.jsonl")


def test_loaded_truth_and_clusters_always_evaluate(tmp_path, news_run):
    """What the loaders accept, evaluate() can score: on a real truth and a real run."""
    truth = load_truth(EXAMPLES / "expected_clusters.json")
    rows = load_clusters(news_run)
    assert evaluate(truth, rows)["overall"]["precision"] == 1.0
    renumbered = write_jsonl(
        tmp_path / "c.jsonl", [{"members": [1, 2], "representative": 1}, *read_jsonl(news_run)]
    )
    assert evaluate(truth, load_clusters(renumbered))["clusters"] == len(rows) + 1


# -- dedupe explain --html ----------------------------------------------------------------------


def test_explain_html_into_a_missing_folder(tmp_path):
    """(The explain helper words the line; here: one line naming the folder, status 1.)"""
    news = EXAMPLES / "news"
    folder = tmp_path / "no" / "such" / "folder"
    result = invoke(
        "explain",
        news / "flood-original.txt",
        news / "flood-aggregator-repost.txt",
        "--html",
        folder / "page.html",
    )
    assert result.exit_code == 1
    assert str(folder) in one_error_line(result)
    assert not (tmp_path / "no").exists()


# -- dedupe run ---------------------------------------------------------------------------------


def test_run_with_an_empty_output_dir_writes_nothing_here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("run", EXAMPLES / "news", "-o", "")
    assert result.exit_code == 2
    assert "'-o' / '--output-dir': is empty: name a directory" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "make_input",
    [
        lambda tmp: tmp / "empty.jsonl",
        lambda tmp: tmp / "folder",
        lambda tmp: tmp / "loop",
    ],
    ids=["empty-file", "empty-folder", "symlink-loop"],
)
def test_run_on_inputs_with_nothing_in_them(tmp_path, make_input):
    (tmp_path / "empty.jsonl").write_bytes(b"")
    (tmp_path / "folder").mkdir()
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    result = invoke("run", make_input(tmp_path), EXAMPLES / "news", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "4 clusters" in result.stdout


def test_run_output_dir_under_a_file_is_one_line(tmp_path):
    (tmp_path / "file").write_text("x")
    result = invoke("run", EXAMPLES / "news", "-o", tmp_path / "file" / "out")
    assert result.exit_code == 1
    assert one_error_line(result) == (
        f"Error: cannot create output directory {tmp_path / 'file' / 'out'}: Not a directory"
    )


# -- --engine dask without the extra ------------------------------------------------------------

#: Run the CLI as if the dask extra (dask, distributed, pandas) were not installed.
NO_DASK = textwrap.dedent(
    """
    import importlib.abc, sys

    class NotInstalled(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name.partition(".")[0] in {"dask", "distributed", "pandas"}:
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, NotInstalled())
    from dedupe.cli import main
    main()
    """
)


def test_engine_dask_without_the_extra_is_the_install_hint(tmp_path):
    out = str(tmp_path / "out")
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            NO_DASK,
            "run",
            str(EXAMPLES / "news"),
            "--engine",
            "dask",
            "-o",
            out,
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines() == [
        "Error: --engine dask needs dask.distributed (dask is not installed): "
        "pip install 'dedupe-engine[dask]'"
    ]
    assert not (tmp_path / "out").exists()
    # the rest of the command line does not need the extra
    proc = subprocess.run(
        [sys.executable, "-c", NO_DASK, "run", str(EXAMPLES / "news"), "-o", str(tmp_path / "o")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr


# -- --scheduler FILE.json ----------------------------------------------------------------------


def test_a_scheduler_file_that_never_comes_is_one_line(tmp_path, monkeypatch):
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    from dedupe.distributed import connect

    monkeypatch.setattr(connect, "SCHEDULER_FILE_WAIT", 0.3)
    started = time.monotonic()
    missing = tmp_path / "scheduler.json"
    result = invoke("run", EXAMPLES / "news", "--engine", "dask", "--scheduler", missing)
    assert time.monotonic() - started < 20  # dask alone waits for ever
    assert result.exit_code == 1
    assert one_error_line(result) == f"Error: no Dask scheduler file at {missing}"
    missing.write_text("{}")
    result = invoke("run", EXAMPLES / "news", "--engine", "dask", "--scheduler", missing)
    assert one_error_line(result).endswith("is not a Dask scheduler file (JSON with an address)")


def test_a_scheduler_file_written_while_waiting_is_read(tmp_path):
    from dedupe.distributed.connect import address_in_file

    path = tmp_path / "scheduler.json"
    writer = threading.Timer(0.3, lambda: path.write_text('{"address": "tcp://10.0.0.1:8786"}'))
    writer.start()
    try:
        assert address_in_file(os.fspath(path), wait=10) == "tcp://10.0.0.1:8786"
    finally:
        writer.cancel()


@pytest.mark.parametrize(
    "option", ["--ngram", "--containment-sampling", "--max-doc-bytes"], ids=str.lstrip
)
def test_numbers_beyond_what_the_kernels_take_are_usage_errors(tmp_path, option):
    """20 digits used to fail deep in the run (numba TypingError, OverflowError)."""
    huge = "99999999999999999999"
    result = invoke("run", EXAMPLES / "news", "-o", tmp_path / "out", option, huge)
    assert result.exit_code == 2
    assert f"'{option}': {huge} is not in the range" in result.stderr
    assert not (tmp_path / "out").exists()
    if option != "--max-doc-bytes":
        result = invoke("index", "create", tmp_path / "i.db", option, huge)
        assert result.exit_code == 2 and "is not in the range" in result.stderr
