"""``dedupe index``: what a match is (role and containment both ways, not just 1.000), and
``add --only-new``, which keeps one document of each story. On syndication-dev's originals,
their copies and their teasers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dedupe.cli import cli
from dedupe.index import Index

from .conftest import read_jsonl, write_jsonl


def dedupe(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def stories(syndication: Path, tmp_path: Path) -> tuple[list[dict], list[dict], dict[str, dict]]:
    """The originals of 40 truth clusters that have a teaser and a copy, the other members of
    those clusters, and the truth by id."""
    truth = {row["id"]: row for row in read_jsonl(syndication / "truth.jsonl")}
    rows = {row["id"]: row for row in read_jsonl(syndication / "corpus.jsonl")}
    clusters: dict[str, list[dict]] = {}
    for row in truth.values():
        clusters.setdefault(row["cluster"], []).append(row)
    chosen = [
        members
        for _, members in sorted(clusters.items())
        if {"original", "copy", "teaser"} <= {m["role"] for m in members}
    ][:40]
    originals = [rows[m["id"]] for c in chosen for m in c if m["role"] == "original"]
    others = [rows[m["id"]] for c in chosen for m in c if m["role"] != "original"]
    return originals, others, truth


def test_query_names_the_role_and_containment_both_ways(stories, tmp_path):
    originals, others, truth = stories
    db = tmp_path / "news.db"
    dedupe("index", "create", db)
    dedupe("index", "add", db, write_jsonl(tmp_path / "originals.jsonl", originals), "-q")
    code, out, _ = dedupe("index", "query", db, write_jsonl(tmp_path / "q.jsonl", others), "--json")
    assert code == 0
    by_role: dict[str, list[dict]] = {"teaser": [], "copy": []}
    for row in map(json.loads, out.splitlines()):
        story = truth[row["id"]]["cluster"]
        original = next((m for m in row["duplicates"] if truth[m["id"]]["cluster"] == story), None)
        if original is not None:
            by_role[truth[row["id"]]["role"]].append(original)
    teasers, copies = by_role["teaser"], by_role["copy"]
    assert len(teasers) >= 35 and len(copies) >= 35
    # a teaser and a full copy both score 1.000 by containment: the role tells them apart
    # (a truth teaser holding more than half of its original is named a copy, as in clusters)
    assert sum(m["role"] == "teaser" for m in teasers) >= 0.95 * len(teasers)
    assert all(m["doc_in_match"] >= 0.8 > m["match_in_doc"] for m in teasers)
    assert all(m["match_in_doc"] < 0.5 for m in teasers if m["role"] == "teaser")
    assert sum(m["role"] == "copy" for m in copies) >= 0.8 * len(copies)
    assert all(m["jaccard"] <= min(m["doc_in_match"], m["match_in_doc"]) for m in copies)

    code, out, _ = dedupe("index", "query", db, tmp_path / "q.jsonl")
    fields = [f.split(" ") for line in out.splitlines() for f in line.split("\t")[2:]]
    assert fields and all(len(f) == 5 and f[2] in ("copy", "teaser", "extended") for f in fields)


def test_add_only_new_keeps_one_of_each_story(stories, tmp_path):
    originals, others, truth = stories
    db = tmp_path / "news.db"
    dedupe("index", "create", db)
    dedupe("index", "add", db, write_jsonl(tmp_path / "originals.jsonl", originals), "-q")
    code, out, err = dedupe(
        "index", "add", db, write_jsonl(tmp_path / "more.jsonl", others), "--only-new", "--json"
    )
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    duplicates = [r for r in rows if r["status"] == "duplicate"]
    added = [r for r in rows if r["status"] == "added"]
    assert len(duplicates) + len(added) == len(others)
    assert len(duplicates) >= 0.95 * len(others)
    # each duplicate says what it duplicates, in the index, of its own story
    for r in duplicates:
        assert r["duplicates"] and all(m["in_index"] for m in r["duplicates"])
        assert truth[r["duplicates"][0]["id"]]["cluster"] == truth[r["id"]]["cluster"]
    assert f"holds {len(originals) + len(added):,}" in err
    with Index.open(db, read_only=True) as index:
        assert set(index.ids()) == {r["id"] for r in originals} | {r["id"] for r in added}


def test_only_new_in_one_call_is_adding_one_by_one(stories, tmp_path):
    """Within one call, a document matching an earlier one that was added is not added; one
    matching an earlier one that was not added is judged on its own: as if added one by one."""
    originals, others, _ = stories
    docs = [(r["id"], r["text"]) for r in (others[:40] + originals[:15] + others[40:80])]
    with Index.create(tmp_path / "batch.db", load_plugins=False, batch_size=1000) as index:
        outcomes = index.add(docs, only_new=True)
        in_batch = set(index.ids())
    with Index.create(tmp_path / "one.db", load_plugins=False) as index:
        for doc in docs:
            index.add([doc], only_new=True)
        one_by_one = set(index.ids())
    assert in_batch == one_by_one
    assert in_batch == {o.id for o in outcomes if o.status == "added"}
    assert 0 < len(in_batch) < len(docs)
    for outcome in outcomes:
        if outcome.status == "duplicate":  # it names an added document, none that was not
            assert outcome.duplicates and {m.id for m in outcome.duplicates} <= in_batch
