"""Errors a newcomer meets first, on real data: wrong field names (Reuters has ``newid``,
``title``, ``body``), a mistyped input among several (``--strict``), and ``dedupe eval``
against the clusters of another corpus."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dedupe.cli import cli
from dedupe.evaluate import ForeignClusters, Truth, check_same_corpus

from .conftest import EXAMPLES, data_dir, read_jsonl, write_jsonl


def invoke(*args: object, input: bytes | None = None) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)


@pytest.fixture
def reuters() -> Path:
    return data_dir("reuters21578") / "reuters21578_docs.jsonl"


def skipped_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("dedupe: skipped")]


def test_wrong_fields_on_reuters_are_said_once_with_the_fields_the_records_have(reuters, tmp_path):
    """21,578 records without ``id`` or ``text``: one line naming their fields and the
    options to set, one line counting them, one error; not 50 identical lines."""
    result = invoke("run", reuters, "-o", tmp_path / "out")
    assert result.exit_code == 1
    lines = skipped_lines(result)
    assert lines == [
        f"dedupe: skipped {reuters}:1: missing id field 'id' and text field 'text': the "
        "record's fields are newid, oldid, date, lewissplit, topics, title, dateline, body, "
        "file (set --id-field newid and --text-field title,body, or --id-field '' to number "
        "records by line)",
        "dedupe: skipped 21,578 in all (21,578 missing id field 'id' and text field 'text')",
    ]
    assert result.stderr.splitlines()[-1].startswith("Error: no document could be read")
    assert not (tmp_path / "out" / "report.json").exists()  # nothing written, nothing claimed


def test_the_suggested_fields_read_reuters(reuters, tmp_path):
    """What the line suggests works: every record read (empty stories too) and none skipped."""
    rows = read_jsonl(reuters)[:400]
    corpus = write_jsonl(tmp_path / "r.jsonl", rows)
    out = tmp_path / "out"
    result = invoke("run", corpus, "-o", out, "--id-field", "newid", "--text-field", "title,body")
    assert result.exit_code == 0, result.stderr
    counts = json.loads((out / "report.json").read_text())["counts"]
    assert counts["documents_read"] == 400 and counts["documents_skipped"] == 0


def test_every_record_is_accounted_for_when_most_lack_the_fields(reuters, tmp_path):
    """Reuters records mixed with good ones: each bad one is in report.json with its line,
    counted under one reason; the good ones are kept or dropped; stderr says it in two lines."""
    records = read_jsonl(reuters)
    rows = records[:300]
    good = [
        {"id": f"r{r['newid']}", "text": f"{r['title']}\n\n{r['body']}"} for r in records[300:340]
    ]
    mixed = [x for pair in itertools.zip_longest(rows, good) for x in pair if x is not None]
    corpus = write_jsonl(tmp_path / "mixed.jsonl", mixed)
    out = tmp_path / "out"
    result = invoke("run", corpus, "-o", out)
    assert result.exit_code == 0, result.stderr
    lines = skipped_lines(result)
    kind = "missing id field 'id' and text field 'text'"
    assert len(lines) == 2 and lines[-1] == f"dedupe: skipped 300 in all (300 {kind}); " + (
        "report.json lists every one"
    )
    report = json.loads((out / "report.json").read_text())
    assert report["skipped"]["by_reason"] == {kind: 300}
    bad_lines = [r["line"] for r in report["skipped"]["records"]]
    reuters_lines = [k + 1 for k, row in enumerate(mixed) if "newid" in row]
    assert bad_lines == reuters_lines
    kept = read_jsonl(out / "kept.jsonl")
    dropped = read_jsonl(out / "dropped.jsonl")
    assert len(kept) + len(dropped) == len(good) == report["counts"]["documents_read"]


def test_malformed_lines_are_shown_a_few_times_then_counted(tmp_path):
    """Different reasons of one kind: three shown (their lines differ), the rest counted."""
    rows = [f'{{"id": "{k}", "text": "w"{" " * k}!}}' for k in range(40)]  # ! at column 24+k
    corpus = tmp_path / "broken.jsonl"
    corpus.write_text("\n".join(rows) + "\n", "utf-8")
    result = invoke("run", corpus, "-o", tmp_path / "out")
    lines = skipped_lines(result)
    assert len(lines) == 4 and all("malformed JSON" in line for line in lines[:3])
    assert lines[-1] == "dedupe: skipped 40 in all (40 malformed JSON)"


@pytest.fixture
def previous(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    """An output folder of a real run on the shipped news example, and its bytes."""
    out = tmp_path / "out"
    assert invoke("run", EXAMPLES / "news", "-o", out, "-q").exit_code == 0
    return out, {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}


def test_strict_fails_on_a_missing_input_and_leaves_the_outputs(previous, tmp_path):
    out, before = previous
    gone = tmp_path / "gone.jsonl"
    loose = invoke("run", EXAMPLES / "news", gone, "-o", tmp_path / "loose", "-q")
    assert loose.exit_code == 0  # without --strict: one line, and the run goes on
    assert skipped_lines(loose) == [f"dedupe: skipped {gone}: no such file or directory"]

    strict = invoke("run", EXAMPLES / "news", gone, "-o", out, "--strict")
    assert strict.exit_code == 1
    assert strict.stderr.splitlines() == [
        f"Error: {gone}: no such file or directory; stopped by --strict "
        f"(the outputs in {out} are unchanged)"
    ]
    after = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
    assert after == before


def test_strict_fails_on_a_bad_record_too(previous, tmp_path):
    out, before = previous
    bad = tmp_path / "more.jsonl"
    bad.write_text('{"id": "x", "text": "fine words here"}\nnot json\n', "utf-8")
    result = invoke("run", EXAMPLES / "news", bad, "-o", out, "--strict")
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"Error: {bad}:2: malformed JSON") and "stopped by --strict" in line
    assert {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")} == before
    fine = invoke("run", EXAMPLES / "news", "-o", tmp_path / "fine", "--strict", "-q")
    assert fine.exit_code == 0  # nothing skipped: --strict changes nothing


def test_eval_refuses_the_clusters_of_another_corpus(previous, syndication):
    """Clusters of examples/news scored against syndication-dev's truth: one line, exit 2
    (was: recall 0.0 and exit 0)."""
    out, _ = previous
    clusters = out / "clusters.jsonl"
    n_ids = sum(len(c["members"]) for c in read_jsonl(clusters))
    result = invoke("eval", "--truth", syndication / "truth.jsonl", clusters)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Error: {clusters}: only 0 of the {n_ids} ids in the clusters are in the truth: the "
        "clusters are of another corpus, or the run read other ids (--id-field)"
    ]
    own = invoke("eval", "--truth", EXAMPLES / "expected_clusters.json", clusters)
    assert own.exit_code == 0 and "precision" in own.stdout


def test_half_the_ids_known_is_scored_less_is_refused():
    truth = Truth({"a": "1", "b": "1", "c": "2"})
    check_same_corpus(truth, [{"members": ["a", "x"]}])  # half: scored
    check_same_corpus(truth, [])  # a run that found no cluster: scored (recall 0 is true)
    check_same_corpus(truth, [{"members": ["dir/a", "dir/b"]}])  # ids as paths: matched
    with pytest.raises(ForeignClusters, match="only 1 of the 3 ids"):
        check_same_corpus(truth, [{"members": ["a", "x", "y"]}])
