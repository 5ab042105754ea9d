"""``dedupe index`` and ``dedupe run --index`` on real data, through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dedupe import Engine
from dedupe.cli import cli

from .conftest import read_jsonl, write_jsonl


def dedupe(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def halves(syndication: Path, tmp_path: Path) -> tuple[Path, Path, Path]:
    """The first 1,000 documents of syndication-dev, the rest, and the whole corpus."""
    corpus = syndication / "corpus.jsonl"
    rows = read_jsonl(corpus)
    first = write_jsonl(tmp_path / "first.jsonl", rows[:1000])
    rest = write_jsonl(tmp_path / "rest.jsonl", rows[1000:])
    return first, rest, corpus


def test_create_add_query_remove_stats(halves, tmp_path):
    first, rest, corpus = halves
    db = tmp_path / "news.db"
    code, out, _ = dedupe("index", "create", db, "--learn-from", corpus)
    assert code == 0 and "learned boilerplate: 3 lines learned from 2154 documents" in out

    code, out, err = dedupe("index", "add", db, first)
    assert code == 0
    lines = [line.split("\t") for line in out.splitlines()]
    assert len(lines) == 1000 and {line[1] for line in lines} == {"added"}
    with_dups = [line for line in lines if len(line) > 2]
    assert with_dups and all(
        0.7 <= float(item.split(" ")[1]) <= 1.0 for line in with_dups for item in line[2:]
    )
    assert "1,000 added" in err and "holds 1,000" in err

    code, out, _ = dedupe("index", "add", db, rest, "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 1154 and {r["status"] for r in rows} == {"added"}
    assert any(m["in_index"] for r in rows for m in r["duplicates"])
    assert any(not m["in_index"] for r in rows for m in r["duplicates"])

    code, out, _ = dedupe("index", "query", db, first)
    assert code == 0
    lines = [line.split("\t") for line in out.splitlines()]
    # each indexed document is its own copy: score 1, role copy, contained both ways
    assert all(
        line[1] == "duplicate" and f"{line[0]} 1.000 copy 1.000 1.000" in line[2:] for line in lines
    )

    ids = [line[0] for line in lines[:3]]
    code, out, _ = dedupe("index", "remove", db, *ids, "never-added")
    assert out.strip() == "removed 3; 1 not in the index; 2,151 left"

    code, out, _ = dedupe("index", "stats", db, "--json")
    facts = json.loads(out)
    assert facts["documents"] == 2151 and facts["storage"]["backend"] == "sqlite"
    assert facts["settings"]["num_perm"] == 128 and facts["banding"] == {"bands": 25, "rows": 5}
    assert 1000 < facts["bytes_per_document"] < 20000


def test_conflicting_settings_and_missing_index_are_one_line_errors(halves, tmp_path):
    first, _, _ = halves
    db = tmp_path / "news.db"
    dedupe("index", "create", db, "--num-perm", "64", "--scorer", "jaccard=0.5")
    for args in (["--num-perm", "128"], ["--scorer", "containment"], ["-n", "3"]):
        code, _, err = dedupe("index", "add", db, first, *args)
        assert code == 2
        assert err.splitlines()[-1].startswith(f"Error: index {db} was created with")
    code, _, _ = dedupe("index", "add", db, first, "--num-perm", "64", "-q")
    assert code == 0
    code, _, err = dedupe("index", "query", tmp_path / "none.db", first)
    assert code != 0 and "no index at" in err.splitlines()[-1]


def test_evict_by_date_field(tmp_path, syndication):
    rows = read_jsonl(syndication / "corpus.jsonl")[:30]
    dated = [{**r, "published": f"2024-05-{k + 1:02d}"} for k, r in enumerate(rows)]
    feed = write_jsonl(tmp_path / "feed.jsonl", dated)
    db = tmp_path / "feed.db"
    dedupe("index", "create", db, "--date-field", "published")
    code, _, err = dedupe("index", "add", db, feed, "--max-age", "20", "--now", "2024-05-31")
    # days 1-10 are older than 20 days on May 31: compared, not stored
    assert code == 0 and "10 expired" in err and "holds 20" in err
    code, out, _ = dedupe("index", "evict", db, "--max-age", "5", "--now", "2024-05-31")
    assert out.strip() == "evicted 15; 5 left"


def test_run_against_an_index(halves, tmp_path):
    """The batch's pairs plus its pairs with the index are those of a run over everything,
    minus the pairs inside the index; batch copies of indexed documents are not kept."""
    first, rest, corpus = halves
    db = tmp_path / "news.db"
    dedupe("index", "create", db, "--learn-from", corpus)
    dedupe("index", "add", db, first, "-q")
    out = tmp_path / "out"
    code, _, err = dedupe("run", rest, "--index", db, "-o", out, "-q")
    assert code == 0, err

    first_ids = {r["id"] for r in read_jsonl(first)}
    engine = Engine(load_plugins=False)
    whole = engine.run([corpus])  # boilerplate learned from the corpus, as the index's
    expected = {
        (a, b)
        for a, b, _ in whole.accepted_pairs(candidates_only=True)
        if not (a in first_ids and b in first_ids)
    }
    # pairs verified against a cluster's representative depend on the clusters, which
    # differ (a cluster reaching the index takes an indexed centre)
    got = {(p["a"], p["b"]) for p in read_jsonl(out / "pairs.jsonl") if "via" not in p}
    assert got == expected

    clusters = read_jsonl(out / "clusters.jsonl")
    with_index = [c for c in clusters if c.get("in_index")]
    assert with_index and all(set(c["in_index"]) <= first_ids for c in with_index)
    assert all(set(c["in_index"]) < set(c["members"]) for c in with_index)
    kept = {r["id"] for r in read_jsonl(out / "kept.jsonl")}
    in_clusters_with_index = {m for c in with_index for m in c["members"]}
    assert not kept & first_ids and not kept & in_clusters_with_index
    # every batch document either is kept, or is in a cluster (with the index or a copy)
    rest_ids = {r["id"] for r in read_jsonl(rest)}
    in_clusters = {m for c in clusters for m in c["members"]}
    assert rest_ids - kept <= in_clusters
    report = json.loads((out / "report.json").read_text("utf-8"))
    assert report["counts"]["kept"] == len(kept)
    assert report["counts"]["index"]["batch_documents_in_index"] > 400

    code, _, err = dedupe("run", rest, "--index", db, "-o", out, "--ngram", "3")
    assert code == 2 and "created with --ngram 5, not 3" in err


def test_run_against_an_index_reads_the_batch_once(halves, tmp_path, monkeypatch):
    """``run --index`` joins the batch with the index on what pass 1 kept: with scorers and a
    policy that read no text, every batch record is read once (no second read, normalising
    and signing of the whole batch after the run)."""
    from dedupe.default_plugins import readers

    first, rest, corpus = halves
    db = tmp_path / "news.db"
    dedupe("index", "create", db, "--learn-from", corpus)
    dedupe("index", "add", db, first, "-q")
    real = readers.read_jsonl
    reads: dict[int, int] = {}

    def counting(source, options):
        for item in real(source, options):
            reads[item.line] = reads.get(item.line, 0) + 1
            yield item

    monkeypatch.setattr(readers, "read_jsonl", counting)
    code, _, err = dedupe("run", rest, "--index", db, "-o", tmp_path / "out", "-q")
    assert code == 0, err
    lines = len(read_jsonl(rest))
    assert sorted(reads) == list(range(1, lines + 1))
    assert set(reads.values()) == {1}
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["counts"]["index"]["batch_documents_in_index"] > 400
