"""The engine end to end on real data: the must-show results and the Python API."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dedupe import Engine
from dedupe.evaluate import evaluate, load_clusters, load_truth

from .conftest import read_jsonl, write_jsonl


def test_seeds_one_cluster_repost_with_original_as_representative(seeds, engine, tmp_path):
    result = engine.run([seeds], tmp_path)
    assert len(result.clusters) == 1
    (cluster,) = result.clusters
    assert cluster.members == ["003_63ffa25ad3faf19a.txt", "lemonde_original.txt"]
    assert cluster.representative == "lemonde_original.txt"
    truth = json.loads((seeds / "truth.json").read_text("utf-8"))
    clustered = set(cluster.members)
    assert not clustered & set(truth["singletons"])
    kept = {r["id"] for r in read_jsonl(tmp_path / "kept.jsonl")}
    assert "lemonde_original.txt" in kept and "003_63ffa25ad3faf19a.txt" not in kept
    assert set(truth["singletons"]) <= kept


def test_syndication_dev_default_settings(syndication, engine, tmp_path):
    result = engine.run([syndication / "corpus.jsonl"], tmp_path)
    report = evaluate(
        load_truth(syndication / "truth.jsonl"), load_clusters(tmp_path / "clusters.jsonl")
    )
    overall = report["overall"]
    assert overall["precision"] >= 0.99, overall
    assert overall["ari"] >= 0.95, overall
    assert result.counts["documents_read"] == 2154


def test_scores_match_the_shared_scoring_tool(syndication, engine, tmp_path):
    import importlib.util

    from .conftest import DATA

    spec = importlib.util.spec_from_file_location("score_tool", DATA.parent / "tools" / "score.py")
    if spec is None or spec.loader is None:
        pytest.skip("../shared/tools/score.py is not here")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    engine.run([syndication / "corpus.jsonl"], tmp_path)
    truth = tool.load_truth(str(syndication / "truth.jsonl"))
    theirs = tool.score(truth, tool.load_pred(str(tmp_path / "clusters.jsonl"), truth))
    ours = evaluate(
        load_truth(syndication / "truth.jsonl"), load_clusters(tmp_path / "clusters.jsonl")
    )
    for key in ("precision", "recall", "f1", "ari"):
        assert round(ours["overall"][key], 4) == theirs[key]


def test_python_api_on_in_memory_documents(seed_texts):
    engine = Engine(load_plugins=False)
    docs = [{"id": name, "text": text} for name, text in seed_texts.items()]
    docs.append({"id": "blank", "text": "   "})
    result = engine.run_documents(docs)
    assert [c.representative for c in result.clusters] == ["lemonde_original.txt"]
    assert result.bad_records == []  # a blank document is kept, not skipped
    assert result.counts["documents_read"] == len(seed_texts) + 1
    assert result.counts["kept"] == len(seed_texts)


@pytest.mark.parametrize("workers", [2, 3])
def test_worker_processes_give_identical_outputs(syndication, tmp_path, workers):
    serial = Engine(load_plugins=False, workers=1)
    parallel = Engine(load_plugins=False, workers=workers, chunk_mb=1, parallel_min_mb=0)
    a = serial.run([syndication / "corpus.jsonl"], tmp_path / "a")
    b = parallel.run([syndication / "corpus.jsonl"], tmp_path / "b")
    assert a.counts["workers"] == 1 and b.counts["workers"] == workers
    assert b.counts["chunks"] >= 4
    for name in ("clusters.jsonl", "pairs.jsonl", "kept.jsonl"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    drop = ("workers", "chunks")
    assert {k: v for k, v in a.counts.items() if k not in drop} == {
        k: v for k, v in b.counts.items() if k not in drop
    }


def test_kept_copies_jsonl_lines_as_read(syndication, tmp_path):
    result = Engine(load_plugins=False).run([syndication / "corpus.jsonl"], tmp_path)
    source_lines = (syndication / "corpus.jsonl").read_text("utf-8").splitlines()
    kept = (tmp_path / "kept.jsonl").read_text("utf-8").splitlines()
    assert len(kept) == result.counts["kept"]
    assert set(kept) <= set(source_lines)
    dropped = {m for c in result.clusters for m in c.members if m != c.representative}
    assert {json.loads(line)["id"] for line in kept}.isdisjoint(dropped)


def test_outputs_do_not_depend_on_input_order(syndication, tmp_path):
    rows = read_jsonl(syndication / "corpus.jsonl")
    write_jsonl(tmp_path / "reversed.jsonl", rows[::-1])
    writers = ["clusters", "pairs", "dropped"]
    Engine(load_plugins=False, writers=writers).run([syndication / "corpus.jsonl"], tmp_path / "a")
    Engine(load_plugins=False, writers=writers).run([tmp_path / "reversed.jsonl"], tmp_path / "b")
    for name in ("clusters.jsonl", "pairs.jsonl", "dropped.jsonl"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    members = [
        json.loads(line)["members"]
        for line in (tmp_path / "a" / "clusters.jsonl").read_text().splitlines()
    ]
    assert members == sorted(members) and all(m == sorted(m) for m in members)


def test_shards_in_any_order_give_identical_outputs(syndication, tmp_path):
    rows = read_jsonl(syndication / "corpus.jsonl")
    shards = [write_jsonl(tmp_path / f"part-{k}.jsonl", rows[k::3]) for k in range(3)]
    Engine(load_plugins=False).run(shards, tmp_path / "a")
    Engine(load_plugins=False).run(shards[::-1], tmp_path / "b")
    for name in ("clusters.jsonl", "pairs.jsonl", "kept.jsonl"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


@pytest.mark.parametrize(
    "policy,expected", [("first", "b"), ("longest", "c"), ("earliest", "a"), ("original", "b")]
)
def test_representative_policies(policy, expected, seed_texts):
    body = seed_texts["lemonde_original.txt"]
    docs = [
        {"id": "b", "text": body, "date": "2023-09-12T10:00:00"},
        {
            "id": "c",
            "text": "Home » Monde\nBy Jane Roe\n" + body + "\nSource link\nYou may also like\n"
            "Another story entirely, on a different subject\nA third headline here",
            "date": "2023-09-13",
        },
        {
            "id": "a",
            "text": "BREAKING\n" + body + "\nRead more at the source.",
            "date": "2023-09-11",
        },
    ]
    result = Engine(load_plugins=False, representative=policy).run_documents(docs)
    (cluster,) = result.clusters
    assert cluster.representative == expected


def test_report_counts_and_parameters(seeds, engine, tmp_path):
    (tmp_path / "in").mkdir()
    for p in seeds.glob("*.txt"):
        (tmp_path / "in" / p.name).write_bytes(p.read_bytes())
    (tmp_path / "in" / "empty.txt").write_text("")
    engine.run([tmp_path / "in", tmp_path / "nope"], tmp_path / "out")
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["counts"]["documents_read"] == 7  # the empty file is a document, kept
    assert report["counts"]["kept"] == 6
    assert report["skipped"]["total"] == 1
    assert report["skipped"]["by_reason"] == {"no such file or directory": 1}
    assert report["parameters"]["num_perm"] == 128
    assert report["banding"] == {"bands": 25, "rows": 5}
    assert set(report["timings"]) >= {"read+signatures", "lsh", "total"}


def test_documents_empty_after_normalisation_are_kept(engine):
    result = engine.run_documents([("a", "!!! ???"), ("b", "!!! ???"), ("c", "real words")])
    assert result.clusters == []
    assert result.bad_records == []
    assert result.counts["kept"] == 3 and result.counts["empty_after_normalisation"] == 2


def test_prepare_and_score_for_incremental_use(seed_texts):
    engine = Engine(load_plugins=False)
    indexed = engine.prepare(
        [(k, v) for k, v in seed_texts.items() if k != "003_63ffa25ad3faf19a.txt"]
    )
    query = engine.prepare([("repost", seed_texts["003_63ffa25ad3faf19a.txt"])])
    assert indexed.band_keys.shape == (len(indexed), engine.banding.bands)
    assert len(indexed.anchor_values) == len(indexed.anchor_docs) > 0
    shared = set(query.band_keys[0].tolist())
    hits = [i for i in range(len(indexed)) if shared & set(indexed.band_keys[i].tolist())]
    assert [indexed.ids[i] for i in hits] == ["lemonde_original.txt"]
    pairs = np.array([[i, 0] for i in range(len(indexed))])
    scores = engine.score(indexed, query, pairs)
    accepted = [indexed.ids[i] for i in np.flatnonzero(scores["accepted"])]
    assert accepted == ["lemonde_original.txt"]


def test_signatures_are_kept_for_a_scorer_that_reads_them(syndication, tmp_path):
    engine = Engine(
        load_plugins=False, scorers=["minhash=0.5"], workers=2, chunk_mb=1, parallel_min_mb=0
    )
    result = engine.run([syndication / "corpus.jsonl"], tmp_path)
    assert result.counts["workers"] == 2 and len(result.clusters) > 400
    assert all(s["minhash"] >= 0.5 for *_, s in result.accepted_pairs())


def test_two_member_clusters_in_bulk_equal_one_by_one(syndication, tmp_path):
    import dataclasses

    bulk = Engine(load_plugins=False)
    one_by_one = Engine(load_plugins=False)
    one_by_one.plan = dataclasses.replace(
        one_by_one.plan, policy=dataclasses.replace(one_by_one.policy, choose_pairs=None)
    )
    assert bulk.policy.choose_pairs is not None
    bulk.run([syndication / "corpus.jsonl"], tmp_path / "a")
    one_by_one.run([syndication / "corpus.jsonl"], tmp_path / "b")
    a = (tmp_path / "a" / "clusters.jsonl").read_bytes()
    assert a == (tmp_path / "b" / "clusters.jsonl").read_bytes()
    assert a.count(b'"size": 2') > 200


def test_two_member_clusters_in_bulk_despite_cannot_links(syndication, tmp_path, monkeypatch):
    """A cannot-link (here one put inside a bigger group and one on a two-member group's pair)
    sends only the groups it touches one by one: the other two-member clusters are still
    decided in bulk, and the clusters are those of the one-by-one path."""
    import dataclasses

    from dedupe.pipeline import steps

    real = steps.cannot_links

    def with_links(groups, *args, **kwargs):
        cannot = real(groups, *args, **kwargs)
        big = next(g for g in groups if len(g) >= 3)
        two = next(g for g in groups if len(g) == 2)
        cannot |= {(int(big[0]), int(big[1])), (int(two[0]), int(two[1]))}
        return cannot

    monkeypatch.setattr(steps, "cannot_links", with_links)
    rows: list[int] = []
    bulk = Engine(load_plugins=False)
    choose_pairs = bulk.policy.choose_pairs
    assert choose_pairs is not None

    def counted(pairs, ctx, options):
        rows.append(len(pairs))
        return choose_pairs(pairs, ctx, options)

    bulk.plan = dataclasses.replace(
        bulk.plan, policy=dataclasses.replace(bulk.policy, choose_pairs=counted)
    )
    one_by_one = Engine(load_plugins=False)
    one_by_one.plan = dataclasses.replace(
        one_by_one.plan, policy=dataclasses.replace(one_by_one.policy, choose_pairs=None)
    )
    bulk.run([syndication / "corpus.jsonl"], tmp_path / "a")
    one_by_one.run([syndication / "corpus.jsonl"], tmp_path / "b")
    a = (tmp_path / "a" / "clusters.jsonl").read_bytes()
    assert a == (tmp_path / "b" / "clusters.jsonl").read_bytes()
    assert rows and rows[0] > 200 and a.count(b'"size": 2') > rows[0]


def test_an_unknown_setting_is_refused_with_its_name():
    from dedupe import ConfigError, make_config

    with pytest.raises(ConfigError, match="unknown setting 'treshold' \\(did you mean 'threshold'"):
        Engine(load_plugins=False, treshold=0.5)
    with pytest.raises(ConfigError, match="unknown setting 'extra'"):
        make_config(extra={"max_doc_bytes": 10})
    with pytest.raises(ConfigError, match="unknown setting 'treshold'"):
        make_config().with_changes(treshold=0.5)


def test_every_setting_counts_in_equality_and_in_the_report(seeds, tmp_path):
    """The settings once kept apart (max doc bytes, duplicate ids, fsync, learn sample,
    scorer options) are fields: they change equality and are written in report.json."""
    from dedupe import make_config

    base = make_config()
    for change in (
        {"max_doc_bytes": 10_000},
        {"duplicate_ids": "rename"},
        {"fsync": True},
        {"learn_sample": 100},
        {"scorer_options": {"min_containment_shingles": 3}},
    ):
        assert make_config(**change) != base, change
    assert hash(make_config(scorer_options={"a": 1})) == hash(make_config(scorer_options={"a": 1}))
    engine = Engine(load_plugins=False, max_doc_bytes=1_000_000, duplicate_ids="rename")
    engine.run([seeds], tmp_path / "out")
    parameters = json.loads((tmp_path / "out" / "report.json").read_text())["parameters"]
    assert parameters["max_doc_bytes"] == 1_000_000
    assert parameters["duplicate_ids"] == "rename"
    assert parameters["scorer_options"] == {} and parameters["learn_sample"] == 20_000
