"""Output formats on real data: ``--output-format jsonl|csv|parquet`` and the default taken from
the inputs (Reuters made into CSV, then Parquet), the same rows in every format, the tools
that read outputs back (report, eval, explain), the umask, and the one-line refusals."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dedupe import Engine, tables
from dedupe.cli import cli
from dedupe.errors import ConfigError
from dedupe.report import load
from dedupe.tables import COLUMNS, read_rows

from .conftest import data_dir, read_jsonl

try:
    import pyarrow  # noqa: F401

    HAVE_PYARROW = True
except ImportError:  # a plain install: the Parquet tests are skipped, the CSV ones run
    HAVE_PYARROW = False
needs_pyarrow = pytest.mark.skipif(not HAVE_PYARROW, reason="pyarrow (the parquet extra) missing")

#: Reuters stories taken (the first ones: 113 clusters, 121 pairs, teasers among them).
REUTERS_DOCS = 3000
FIELDS = ["newid", "date", "title", "body"]
READ_AS = ["--id-field", "newid", "--text-field", "title,body"]
TABLES = ("clusters", "pairs", "dropped")


def invoke(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def reuters_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first Reuters stories as a CSV file (newid, date, title, body), made here."""
    source = data_dir("reuters21578") / "reuters21578_docs.jsonl"
    path = tmp_path_factory.mktemp("reuters") / "reuters.csv"
    with open(source, encoding="utf-8") as f, open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(FIELDS)
        for _, line in zip(range(REUTERS_DOCS), f, strict=False):
            row = json.loads(line)
            writer.writerow(["" if row.get(k) is None else row[k] for k in FIELDS])
    return path


@pytest.fixture(scope="module")
def runs(reuters_csv: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The Reuters CSV run three times: by default, as JSON Lines and (with pyarrow) as
    Parquet."""
    base = tmp_path_factory.mktemp("runs")
    out = {}
    for name, extra in (("default", []), ("jsonl", ["--output-format", "jsonl"])):
        out[name] = base / name
        result = invoke("run", reuters_csv, *READ_AS, *extra, "-o", out[name], "-q")
        assert result.exit_code == 0, result.output
    if HAVE_PYARROW:
        out["parquet"] = base / "parquet"
        result = invoke(
            "run", reuters_csv, *READ_AS, "--output-format", "parquet", "-o", out["parquet"], "-q"
        )
        assert result.exit_code == 0, result.output
    return out


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def report(folder: Path) -> dict:
    return json.loads((folder / "report.json").read_text("utf-8"))


def rows(path: Path) -> list[dict]:
    return [row for _, row in read_rows(path, COLUMNS.get(path.stem, ()))]


def given(path: Path) -> list[dict]:
    """A JSON Lines table's rows as every format holds them (a null field is one not there)."""
    return [{k: v for k, v in row.items() if v is not None} for row in read_jsonl(path)]


def test_csv_in_gives_csv_out_with_the_same_rows_as_json_lines(runs):
    csv_out, jsonl_out = runs["default"], runs["jsonl"]
    assert names(csv_out) == ["clusters.csv", "dropped.csv", "kept.csv", "pairs.csv", "report.json"]
    assert names(jsonl_out) == [
        "clusters.jsonl",
        "dropped.jsonl",
        "kept.jsonl",
        "pairs.jsonl",
        "report.json",
    ]
    assert report(csv_out)["parameters"]["output_format"] == "csv"
    assert report(jsonl_out)["parameters"]["output_format"] == "jsonl"
    for table in TABLES:
        expected = given(jsonl_out / f"{table}.jsonl")
        assert expected, table
        assert rows(csv_out / f"{table}.csv") == expected, table
    pairs = read_jsonl(jsonl_out / "pairs.jsonl")
    assert {p["relation"] for p in pairs} >= {"copy", "teaser"}  # the new fields came through
    with open(csv_out / "clusters.csv", encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    assert "in_index" not in header  # only a run --index has that column


def test_kept_csv_is_the_input_rows_without_the_copies(runs, reuters_csv):
    out = runs["default"]
    with open(reuters_csv, encoding="utf-8", newline="") as f:
        given = list(csv.DictReader(f))
    with open(out / "kept.csv", encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        kept = list(reader)
        assert reader.fieldnames == FIELDS
    dropped = {row["id"] for row in rows(out / "dropped.csv")}
    assert len(dropped) == report(out)["counts"]["duplicates_removed"] > 0
    assert kept == [row for row in given if row["newid"] not in dropped]
    # and JSON Lines output of the same run holds the same records
    as_jsonl = read_jsonl(runs["jsonl"] / "kept.jsonl")
    assert as_jsonl == kept


@needs_pyarrow
def test_parquet_out_holds_the_same_rows_and_parquet_in_gives_parquet_out(runs, tmp_path):
    out = runs["parquet"]
    assert names(out) == [
        "clusters.parquet",
        "dropped.parquet",
        "kept.parquet",
        "pairs.parquet",
        "report.json",
    ]
    import pyarrow.parquet as pq

    clusters = pq.read_table(out / "clusters.parquet")
    assert str(clusters.schema.field("members").type) == "list<element: string>"
    for table in TABLES:
        assert rows(out / f"{table}.parquet") == given(runs["jsonl"] / f"{table}.jsonl")
    kept = pq.read_table(out / "kept.parquet").to_pylist()
    assert kept == read_jsonl(runs["jsonl"] / "kept.jsonl")
    # the kept stories read back: nothing left to remove, and Parquet again by default
    again = tmp_path / "again"
    result = invoke("run", out / "kept.parquet", *READ_AS, "-o", again, "-q")
    assert result.exit_code == 0, result.output
    assert "kept.parquet" in names(again)
    assert report(again)["parameters"]["output_format"] == "parquet"
    assert report(again)["counts"]["documents_read"] == len(kept)


def test_mixed_inputs_and_text_give_json_lines(reuters_csv, tmp_path):
    story = tmp_path / "story.txt"
    story.write_text("A story of its own, in a text file next to the CSV.\n", "utf-8")
    out = tmp_path / "out"
    assert invoke("run", reuters_csv, story, *READ_AS, "-o", out, "-q").exit_code == 0
    assert "clusters.jsonl" in names(out) and "kept.jsonl" in names(out)


def test_report_eval_and_explain_read_every_format(runs, reuters_csv):
    summaries = {name: load(folder) for name, folder in runs.items()}
    base = summaries["jsonl"]
    for name, summary in summaries.items():
        assert summary.problems == [], name
        assert [c.members for c in summary.clusters] == [c.members for c in base.clusters]
        accepted = base.report["counts"]["accepted_pairs"]
        assert summary.dropped == base.dropped and summary.pairs == base.pairs == accepted > 90
    last = "parquet" if HAVE_PYARROW else "default"
    text = invoke("report", runs[last]).output
    assert f"--clusters {tables.find(runs[last], 'clusters')}" in text
    # explain --clusters and --pairs on the CSV and Parquet files say what the JSONL do
    cluster_files = [tables.find(runs[name], "clusters") for name in runs if name != "jsonl"]
    pair_files = [tables.find(runs[name], "pairs") for name in runs]
    assert len(cluster_files) == (2 if HAVE_PYARROW else 1)
    for cluster_file in cluster_files:
        explained = invoke(
            "explain", "-i", reuters_csv, *READ_AS, "--clusters", cluster_file, "--cluster", 0
        )
        expected = invoke(
            "explain",
            "-i",
            reuters_csv,
            *READ_AS,
            "--clusters",
            runs["jsonl"] / "clusters.jsonl",
            "--cluster",
            0,
        )
        assert explained.exit_code == 0 and explained.output == expected.output
    outputs = {
        path.suffix: invoke("explain", "-i", reuters_csv, *READ_AS, "--pairs", path, "--json")
        for path in pair_files
        if path is not None
    }
    assert len(outputs[".jsonl"].output.splitlines()) == summaries["jsonl"].pairs
    for result in outputs.values():
        assert result.exit_code == 0 and result.output == outputs[".jsonl"].output


def test_eval_of_syndication_clusters_in_csv_and_parquet(tmp_path):
    data = data_dir("syndication-dev")
    figures = {}
    for fmt in ("jsonl", "csv", "parquet") if HAVE_PYARROW else ("jsonl", "csv"):
        out = tmp_path / fmt
        run = invoke("run", data / "corpus.jsonl", "--output-format", fmt, "-o", out, "-q")
        assert run.exit_code == 0, run.output
        result = invoke("eval", "--truth", data / "truth.jsonl", out / f"clusters.{fmt}", "--json")
        assert result.exit_code == 0, result.output
        figures[fmt] = json.loads(result.output)
    assert figures["jsonl"]["overall"]["f1"] > 0.9
    assert figures["csv"] == figures["jsonl"] == figures.get("parquet", figures["csv"])


def test_switching_format_leaves_no_stale_outputs(reuters_csv, tmp_path):
    out = tmp_path / "out"
    result = invoke("run", reuters_csv, *READ_AS, "--output-format", "jsonl", "-o", out, "-q")
    assert result.exit_code == 0
    assert "clusters.jsonl" in names(out)
    assert invoke("run", reuters_csv, *READ_AS, "-o", out, "-q").exit_code == 0
    assert names(out) == ["clusters.csv", "dropped.csv", "kept.csv", "pairs.csv", "report.json"]
    assert load(out).problems == []


@pytest.mark.parametrize(
    ("fmt", "umask"),
    [("csv", 0o002), ("csv", 0o077), pytest.param("parquet", 0o077, marks=needs_pyarrow)],
)
def test_outputs_honour_the_umask(reuters_csv, tmp_path, fmt, umask):
    previous = os.umask(umask)
    try:
        engine = Engine(
            load_plugins=False, id_field="newid", text_field="title,body", output_format=fmt
        )
        engine.run([reuters_csv], tmp_path)
    finally:
        os.umask(previous)
    for name in (f"clusters.{fmt}", f"kept.{fmt}", "report.json"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o666 & ~umask, name


def test_parquet_output_without_pyarrow_is_one_line(reuters_csv, tmp_path):
    """pyarrow made unimportable in a fresh process: one line naming the extra, no traceback,
    no output folder."""
    code = (
        "import sys; sys.modules['pyarrow'] = None; from dedupe.cli import main; "
        "sys.argv = ['dedupe'] + sys.argv[1:]; main()"
    )
    out = tmp_path / "out"
    args = [str(reuters_csv), *READ_AS, "--output-format", "parquet", "-o", str(out)]
    done = subprocess.run(
        [sys.executable, "-c", code, "run", *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        "Error: --output-format parquet needs pyarrow: pip install 'dedupe-engine[parquet]'"
    ]
    assert not out.exists()


def test_refusals_are_one_line(reuters_csv, tmp_path):
    with pytest.raises(ConfigError, match="output format must be one of auto, jsonl, csv"):
        Engine(load_plugins=False, output_format="xlsx")
    result = invoke(
        "run", reuters_csv, "--output-format", "csv", "--engine", "dask", "-o", tmp_path
    )
    assert result.exit_code != 0
    assert "--output-format csv works with --engine local only" in result.stderr
    assert "Traceback" not in result.output
    result = invoke("run", reuters_csv, "-o", "")
    assert result.exit_code == 2
    assert "is empty: name a directory" in result.stderr


def test_run_index_writes_its_in_index_column_in_csv(reuters_csv, runs, tmp_path):
    """Reuters' kept stories indexed, then the whole CSV run against the index: the clusters
    reaching the index name their indexed members in an ``in_index`` column, the same rows
    as the JSON Lines of the same run."""
    index = tmp_path / "idx.db"
    assert invoke("index", "create", index, *READ_AS).exit_code == 0
    added = invoke("index", "add", index, runs["default"] / "kept.csv", "-q")
    assert added.exit_code == 0, added.output
    out = {}
    for fmt in ("csv", "jsonl"):
        out[fmt] = tmp_path / fmt
        result = invoke(
            "run", reuters_csv, *READ_AS, "--index", index, "--output-format", fmt, "-o", out[fmt]
        )
        assert result.exit_code == 0, result.output
    clusters = rows(out["csv"] / "clusters.csv")
    assert clusters == given(out["jsonl"] / "clusters.jsonl")
    assert clusters and all(c.get("in_index") for c in clusters)
    with open(out["csv"] / "clusters.csv", encoding="utf-8", newline="") as f:
        assert next(csv.reader(f))[-1] == "in_index"
