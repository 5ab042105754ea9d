"""A third-party normaliser that learns from the corpus works like ``boilerplate`` everywhere
what it learned is kept or shipped: its ``state`` is checked by ``dedupe.testing``, keys
``--resume`` checkpoints, is stored in an index and is sent to Dask workers, always as JSON
data and rebuilt with its ``restore`` (never a pickled object)."""

from __future__ import annotations

import importlib
import json
import pickle
import shutil
import sqlite3
import sys

import pytest
from click.testing import CliRunner

from dedupe import Engine, make_config
from dedupe.cli import cli
from dedupe.distributed.spec import PlanSpec, build_plan
from dedupe.engine import CHECKPOINT_DIR
from dedupe.index import Index
from dedupe.normalise import Normaliser
from dedupe.pipeline.pass1 import sign_chunk
from dedupe.testing import check_normaliser, check_plugin

from .conftest import read_jsonl, write_jsonl
from .test_plugins import make_dist

#: Learns the most frequent words of the sample (how many: $FREQUENT_TOP, default 5) and removes
#: them; its state is the sorted words.
FREQUENT = """
    import os
    from collections import Counter
    from dedupe import Normaliser, hookimpl

    def fitted(words):
        drop = frozenset(words)

        def remove(text):
            return " ".join(w for w in text.split(" ") if w.casefold() not in drop)

        return Normaliser(
            "frequent",
            remove,
            description=f"{len(drop)} frequent words learned",
            state={"words": sorted(drop)},
            restore=restore,
        )

    def restore(state):
        words = state.get("words")
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise ValueError("frequent state: 'words' must be a list of strings")
        return fitted(words)

    def learn(batches):
        counts = Counter()
        for texts in batches:
            for text in texts:
                counts.update(w.casefold() for w in text.split(" ") if w)
        top = int(os.environ.get("FREQUENT_TOP", "5"))
        return fitted(w for w, _ in counts.most_common(top))

    @hookimpl
    def register_normalisers(register):
        register(
            Normaliser(
                "frequent",
                lambda text: text,
                description="remove the corpus's most frequent words (learned per run)",
                learn=learn,
                restore=restore,
            )
        )
"""
CHAIN = "html,frequent,nfkc,casefold,punctuation,whitespace"


@pytest.fixture
def frequent_plugin(tmp_path, monkeypatch):
    """The plugin installed (an entry point on sys.path) for this process and its children."""
    folder = tmp_path / "plugin"
    folder.mkdir()
    path = make_dist(folder, "dedupe-frequent", FREQUENT)
    monkeypatch.syspath_prepend(str(path))
    monkeypatch.setenv("PYTHONPATH", str(path))
    monkeypatch.delenv("DEDUPE_LOAD_PLUGINS", raising=False)
    monkeypatch.delenv("DEDUPE_DISABLE_PLUGINS", raising=False)
    monkeypatch.delenv("FREQUENT_TOP", raising=False)
    yield importlib.import_module("dedupe_frequent")
    sys.modules.pop("dedupe_frequent", None)


def dedupe(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, (SystemExit, KeyboardInterrupt)):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_the_contract_check_covers_restore(frequent_plugin):
    assert check_plugin(frequent_plugin, max_examples=20) == {"normaliser": ["frequent"]}


def test_the_contract_check_catches_a_learner_without_state_or_a_lossy_restore():
    def bare(batches):
        return Normaliser("bare", str.strip)

    with pytest.raises(AssertionError, match="declares no state"):
        check_normaliser(Normaliser("bare", str.strip, learn=bare), max_examples=5)

    def lossy_restore(state):
        return Normaliser("lossy", str.lower, state={}, restore=lossy_restore)

    def lossy(batches):
        return Normaliser("lossy", str.strip, state={"n": 1}, restore=lossy_restore)

    with pytest.raises(AssertionError, match="restore"):
        check_normaliser(
            Normaliser("lossy", str.strip, learn=lossy, restore=lossy_restore), max_examples=5
        )


def small_chunks() -> Engine:
    """An engine with the plugin's normaliser in its chain and 1 MB chunks (syndication-dev
    is then five chunks)."""
    return Engine(normalise=CHAIN.split(","), chunk_mb=1, parallel_min_mb=0, workers=1)


def test_resume_uses_the_plugins_learned_state(frequent_plugin, syndication, tmp_path, monkeypatch):
    """A resumed run (``--resume``) reuses the chunks an interrupted run checkpointed, with the
    same outputs as an uninterrupted run, only while the plugin learned the same thing."""
    corpus = syndication / "corpus.jsonl"
    fresh = tmp_path / "fresh"
    small_chunks().run([corpus], fresh)
    report = json.loads((fresh / "report.json").read_text("utf-8"))
    assert report["learned"] == {"frequent": "5 frequent words learned"}

    real = sign_chunk
    calls: list[int] = []

    def interrupted(plan, corpus_, chunk, **options):
        if chunk.number == 2:
            raise KeyboardInterrupt
        calls.append(chunk.number)
        return real(plan, corpus_, chunk, **options)

    def counting(plan, corpus_, chunk, **options):
        calls.append(chunk.number)
        return real(plan, corpus_, chunk, **options)

    out = tmp_path / "out"
    monkeypatch.setattr("dedupe.executors.pool.sign_chunk", interrupted)
    with pytest.raises(KeyboardInterrupt):
        small_chunks().run([corpus], out, resume=True)
    assert calls == [0, 1] and len(list((out / CHECKPOINT_DIR).rglob("chunk-*.npz"))) == 2
    saved = tmp_path / "saved"
    shutil.copytree(out / CHECKPOINT_DIR, saved)

    monkeypatch.setattr("dedupe.executors.pool.sign_chunk", counting)
    monkeypatch.setenv("FREQUENT_TOP", "6")  # it learns one word more: the shards are not its
    calls.clear()
    small_chunks().run([corpus], out, resume=True)
    assert calls == [0, 1, 2, 3, 4]

    monkeypatch.delenv("FREQUENT_TOP")  # as when interrupted: chunks 0 and 1 are reused
    shutil.copytree(saved, out / CHECKPOINT_DIR)
    calls.clear()
    small_chunks().run([corpus], out, resume=True)
    assert calls == [2, 3, 4]
    for name in ("clusters.jsonl", "pairs.jsonl", "kept.jsonl"):
        assert (out / name).read_bytes() == (fresh / name).read_bytes()


def test_an_index_stores_and_restores_the_plugins_state(frequent_plugin, syndication, tmp_path):
    corpus = syndication / "corpus.jsonl"
    docs = write_jsonl(tmp_path / "docs.jsonl", read_jsonl(corpus)[:200])
    db = tmp_path / "news.db"
    code, out, err = dedupe("index", "create", db, "--normalise", CHAIN, "--learn-from", corpus)
    assert code == 0 and "frequent: 5 frequent words learned" in out, err
    with sqlite3.connect(db) as con:
        (stored,) = con.execute("SELECT value FROM meta WHERE key = 'learned'").fetchone()
    words = json.loads(stored)["frequent"]["words"]
    learned = Engine(make_config(normalise=CHAIN.split(",")))
    fitted = learned.learn(learned.open_files([corpus]))
    assert words == fitted.normalisers[1].state["words"] and "the" in words

    code, out, err = dedupe("index", "add", db, docs)
    assert code == 0 and "200 added" in err
    with Index.open(db, read_only=True) as index:
        restored = index.engine.chain.normalisers[1]
        assert restored.name == "frequent" and restored.state == {"words": words}
        text = read_jsonl(docs)[0]["text"]
        assert index.engine.chain.one(text) == fitted.one(text)
        assert index.stats()["learned"] == {"frequent": "5 frequent words learned"}
        # every document is found again (its own copy in the index)
        outcomes = index.query([(f"q{k}", r["text"]) for k, r in enumerate(read_jsonl(docs))])
        assert all(o.status == "duplicate" for o in outcomes)


def test_dask_workers_get_the_state_as_json_and_rebuild_it(frequent_plugin, syndication):
    engine = Engine(make_config(normalise=CHAIN.split(",")))
    engine.chain = engine.learn(engine.open_files([syndication / "corpus.jsonl"]))
    spec = PlanSpec.of(engine.plan)
    ((position, name, state),) = spec.learned
    assert (position, name) == (1, "frequent") and isinstance(state, str)
    assert json.loads(state) == engine.chain.normalisers[1].state
    shipped = pickle.dumps(spec)
    assert b"dedupe_frequent" not in shipped and b"dedupe.normalise" not in shipped
    worker = build_plan(pickle.loads(shipped))
    assert worker.chain.normalisers[1].state == engine.chain.normalisers[1].state
    text = "The story of the plan, and the vote on the bridge"
    assert (
        worker.chain.one(text)
        == engine.chain.one(text)
        != Engine(make_config(normalise=CHAIN.split(","))).chain.one(text)
    )
    assert worker.learned == {"frequent": "5 frequent words learned"}


def test_a_dask_run_with_the_plugin_gives_the_local_outputs(frequent_plugin, syndication, tmp_path):
    pytest.importorskip("distributed", reason="dask.distributed is not installed")
    import distributed

    from .test_distributed import local_cluster, run_both

    with local_cluster() as cluster, distributed.Client(cluster) as client:
        local, dask_out, result = run_both(
            client, [syndication / "corpus.jsonl"], tmp_path, normalise=CHAIN.split(",")
        )
    assert result.counts["accepted_pairs"] > 1000
    report = json.loads((dask_out / "report.json").read_text("utf-8"))
    assert "5 frequent words learned" in json.dumps(report)
    for name in ("clusters.jsonl", "pairs.jsonl"):
        assert (local / name).read_bytes() == (dask_out / name).read_bytes()


def test_index_add_query_and_run_against_it_use_the_stored_state(
    frequent_plugin, syndication, tmp_path, monkeypatch
):
    """What ``index create --learn-from`` stored is what ``index add``, ``index query`` and
    ``run --index`` normalise with, rebuilt by the plugin's ``restore``: none of them learns
    again (the plugin, now set to learn a single word, would), and a batch's matches in the
    index are the same whether asked with ``index query`` or found by ``run --index``."""
    corpus = syndication / "corpus.jsonl"
    records = read_jsonl(corpus)
    first = write_jsonl(tmp_path / "first.jsonl", records[: len(records) // 2])
    rest = write_jsonl(tmp_path / "rest.jsonl", records[len(records) // 2 :])
    db = tmp_path / "news.db"
    code, out, err = dedupe("index", "create", db, "--normalise", CHAIN, "--learn-from", corpus)
    assert code == 0 and "frequent: 5 frequent words learned" in out, err
    with Index.open(db, read_only=True) as index:
        words = index.engine.chain.normalisers[1].state["words"]
    assert len(words) == 5 and "the" in words

    monkeypatch.setenv("FREQUENT_TOP", "1")  # what the plugin would learn now
    relearned = Engine(make_config(normalise=CHAIN.split(",")))
    one = relearned.learn(relearned.open_files([corpus])).normalisers[1].state["words"]
    assert len(one) == 1 and one != words

    code, _, err = dedupe("index", "add", db, first, "-q")
    assert code == 0, err
    with Index.open(db, read_only=True) as index:
        assert index.engine.chain.normalisers[1].state == {"words": words}
        assert index.stats()["learned"] == {"frequent": "5 frequent words learned"}
        assert index.stats()["documents"] == len(records) // 2

    code, out, err = dedupe("index", "query", db, rest, "--json")
    assert code == 0, err
    outcomes = [json.loads(line) for line in out.splitlines()]
    assert len(outcomes) == len(records) - len(records) // 2
    queried = {(o["id"], m["id"]) for o in outcomes for m in o["duplicates"]}
    assert len(queried) > 200

    result = tmp_path / "out"
    code, _, err = dedupe("run", rest, "--index", db, "-o", result, "-q")
    assert code == 0, err
    report = json.loads((result / "report.json").read_text("utf-8"))
    assert report["learned"] == {"frequent": "5 frequent words learned"}
    first_ids = {r["id"] for r in read_jsonl(first)}
    # the run's pairs of a batch document with an indexed one (not those verified against a
    # cluster's representative, which depend on the clusters)
    crossed = {
        (p["a"], p["b"]) if p["b"] in first_ids else (p["b"], p["a"])
        for p in read_jsonl(result / "pairs.jsonl")
        if "via" not in p and (p["a"] in first_ids) != (p["b"] in first_ids)
    }
    assert crossed == queried
    assert report["counts"]["index"]["batch_documents_in_index"] == len({a for a, _ in queried})
