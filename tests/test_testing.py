"""dedupe.testing: the contract checks hold for every built-in and catch broken components;
the fixtures work when a plugin's test suite loads the module as a pytest plugin."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from dedupe import Normaliser, Scorer, hookimpl
from dedupe.default_plugins.chrome import strip_chrome
from dedupe.testing import (
    TINY_CLUSTERS,
    TINY_CORPUS,
    TINY_ORIGINALS,
    check_normaliser,
    check_plugin,
    check_scorer,
    isolated_engine,
    pair_context,
    score_texts,
)

from .test_plugins import make_dist

BUILTINS = isolated_engine().registry


@pytest.mark.parametrize("name", BUILTINS.names("normaliser"))
def test_builtin_normaliser_keeps_the_contract(name):
    check_normaliser(BUILTINS.get("normaliser", name), max_examples=300)


# check_normaliser found this one in the built-in chrome (fixed since): a byline with a site
# suffix lost the suffix in the first pass and the byline in the second.
@pytest.mark.parametrize(
    "text",
    ["Par Jean Dupont - Le Monde\nCorps du texte.", "By Jane Doeson | Daily Wire\nBody text."],
)
def test_chrome_is_idempotent_on_bylines_with_a_site_suffix(text):
    once = strip_chrome(text)
    assert strip_chrome(once) == once


@pytest.mark.parametrize("name", BUILTINS.names("scorer"))
def test_builtin_scorer_keeps_the_contract(name):
    scorer = BUILTINS.get("scorer", name)
    result = check_scorer(scorer)
    if scorer.vetoes:
        # A veto (figures) ranks nothing: it passes a copy whole and rejects only what
        # conflicts; the same-topic report is the overlap scorers' to keep apart.
        assert result.score("flood-original", "flood-repost") == 1.0
        return
    # The copies of the tiny corpus score higher than the same-topic report.
    assert result.score("flood-original", "flood-repost") > result.score(
        "flood-original", "flood-other-report"
    )


def test_tiny_corpus_has_the_clusters_it_claims(dedupe_engine_default):
    result = dedupe_engine_default.run_documents(list(TINY_CORPUS))
    found = {tuple(c.members): c.representative for c in result.clusters}
    assert set(found) == set(TINY_CLUSTERS)
    for members, representative in found.items():
        assert TINY_ORIGINALS[members[0]] == representative


@pytest.fixture
def dedupe_engine_default():
    return isolated_engine()


# -- the checks catch what they claim to catch --------------------------------------------------


def test_check_normaliser_catches_a_normaliser_that_is_not_idempotent():
    with pytest.raises(AssertionError, match="'bang' is not idempotent"):
        check_normaliser(Normaliser("bang", lambda t: t + "!"), max_examples=20)


def test_check_normaliser_catches_a_normaliser_that_is_not_total():
    def picky(text: str) -> str:
        if "\x00" in text or "<" in text:
            raise ValueError("unexpected character")
        return text

    with pytest.raises(AssertionError, match="'picky' is not total: ValueError"):
        check_normaliser(Normaliser("picky", picky), max_examples=200)


def test_check_normaliser_catches_a_batch_of_the_wrong_length():
    with pytest.raises(AssertionError, match="returned 0 texts"):
        check_normaliser(Normaliser("drop", lambda texts: [], batch=True), max_examples=5)


def test_check_normaliser_fits_a_learning_normaliser_first():
    seen = []

    def restore(state):
        return Normaliser("learner", str.strip, state=state, restore=restore)

    def learn(batches):
        for batch in batches:
            seen.extend(batch)
        return restore({"seen": len(seen)})

    check_normaliser(
        Normaliser("learner", lambda t: t + "unfitted", learn=learn, restore=restore),
        samples=["extra sample"],
        max_examples=20,
    )
    assert "extra sample" in seen and len(seen) == len(TINY_CORPUS) + 1


def _sizes(pairs, ctx):
    return ctx.set_sizes(pairs)


def test_check_scorer_catches_a_false_claim_of_symmetry():
    def left_share(pairs, ctx):
        a, b = _sizes(pairs, ctx)
        return a / np.maximum(a + b, 1)

    with pytest.raises(AssertionError, match="claims to be symmetric"):
        check_scorer(Scorer("left", left_share, 0.5, symmetric=True))
    check_scorer(Scorer("left", left_share, 0.5, symmetric=False))


def test_check_scorer_catches_scores_outside_0_1_and_wrong_shapes():
    with pytest.raises(AssertionError, match=r"not in \[0, 1\]"):
        check_scorer(Scorer("big", lambda pairs, ctx: np.full(len(pairs), 2.0), 0.5))
    with pytest.raises(AssertionError, match="returned shape"):
        check_scorer(Scorer("flat", lambda pairs, ctx: np.ones(3), 0.5))
    with pytest.raises(AssertionError, match="default_threshold"):
        check_scorer(Scorer("t", lambda pairs, ctx: np.ones(len(pairs)), 1.5))


def test_check_scorer_catches_a_cache_that_mixes_documents_up():
    cache: dict[int, float] = {}

    def by_position(pairs, ctx):
        # Bug on purpose: caches by position in the batch, not by document.
        out = []
        for k in range(len(pairs)):
            cache.setdefault(k, float(ctx.set_sizes(pairs[k : k + 1])[0][0] % 7) / 7)
            out.append(cache[k])
        return np.array(out)

    with pytest.raises(AssertionError, match=r"another order|alone"):
        check_scorer(Scorer("cached", by_position, 0.5, symmetric=False))


def test_pair_context_and_score_texts_score_chosen_texts():
    containment = BUILTINS.get("scorer", "containment")
    original, teaser = TINY_CORPUS[0][1], TINY_CORPUS[2][1]
    assert score_texts(containment, original, teaser) == 1.0
    ctx, ids = pair_context(TINY_CORPUS[:2])
    assert ids == ["flood-original", "flood-repost"]
    assert ctx.text(1).startswith("Home » News")
    assert "source link" not in ctx.normalised_text(1)


PLUGIN = textwrap.dedent(
    """
    import numpy as np
    from dedupe import Normaliser, Scorer, hookimpl

    @hookimpl
    def register_normalisers(register):
        register(Normaliser("squash", lambda t: " ".join(t.split())))

    @hookimpl
    def register_scorers(register):
        register(Scorer("same-length", lambda pairs, ctx: np.array(
            [float(len(ctx.text(a)) == len(ctx.text(b))) for a, b in pairs]), 0.5))
    """
)


def test_check_plugin_checks_everything_a_plugin_registers(tmp_path, monkeypatch):
    (tmp_path / "squash_plugin.py").write_text(PLUGIN, "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    import squash_plugin

    assert check_plugin(squash_plugin, max_examples=20) == {
        "normaliser": ["squash"],
        "scorer": ["same-length"],
    }


def test_check_plugin_refuses_a_plugin_that_registers_nothing_or_misspells_a_hook():
    class Empty:
        __name__ = "empty"

    with pytest.raises(AssertionError, match="registered nothing"):
        check_plugin(Empty())

    class Typo:
        __name__ = "typo"

        @staticmethod
        @hookimpl
        def register_normaliser(register):
            pass

    with pytest.raises(Exception, match="register_normaliser"):
        check_plugin(Typo())


def test_isolated_engine_ignores_installed_plugins(tmp_path, monkeypatch):
    source = """
        from dedupe import hookimpl, Normaliser
        @hookimpl
        def register_normalisers(register):
            register(Normaliser("installed-only", str.lower))
    """
    monkeypatch.syspath_prepend(str(make_dist(tmp_path, "dedupe-installed", source)))
    monkeypatch.delenv("DEDUPE_LOAD_PLUGINS", raising=False)
    assert "installed-only" not in isolated_engine().registry.names("normaliser")

    class Extra:
        __name__ = "extra"

        @staticmethod
        @hookimpl
        def register_normalisers(register):
            register(Normaliser("extra", str.upper))

    engine = isolated_engine(Extra(), normalise="extra")
    assert engine.chain.one("abc") == "ABC"


def test_fixtures_work_as_a_pytest_plugin(tmp_path):
    """What a plugin author writes: ``pytest_plugins = ["dedupe.testing"]`` in conftest.py."""
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["dedupe.testing"]\n', "utf-8")
    (tmp_path / "test_author.py").write_text(
        textwrap.dedent(
            """
            import json
            from dedupe.testing import TINY_CLUSTERS

            def test_fixtures(dedupe_engine, dedupe_engine_factory, tiny_corpus,
                              tiny_corpus_file):
                result = dedupe_engine.run_documents(tiny_corpus)
                assert {tuple(c.members) for c in result.clusters} == set(TINY_CLUSTERS)
                rows = [json.loads(l) for l in tiny_corpus_file.read_text("utf-8").splitlines()]
                assert [r["id"] for r in rows] == [i for i, _ in tiny_corpus]
                strict = dedupe_engine_factory(scorers=["jaccard=0.9"])
                members = {m for c in strict.run(tiny_corpus_file).clusters for m in c.members}
                assert "flood-repost" in members and "flood-teaser" not in members
            """
        ),
        "utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


# -- the contracts of the other component kinds, on every built-in ------------------------------


def _sample_file(tmp_path, reader):
    """A small file of each built-in reader's format, with a few records."""
    import json

    rows = [{"id": f"d{k}", "text": text} for k, (_, text) in enumerate(TINY_CORPUS)]
    if reader == "jsonl":
        path = tmp_path / "s.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    elif reader in ("csv", "tsv"):
        import csv

        path = tmp_path / f"s.{reader}"
        with open(path, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, delimiter="," if reader == "csv" else "\t")
            writer.writerow(["id", "text"])
            writer.writerows([r["id"], r["text"].replace("\n", " ")] for r in rows)
    elif reader == "parquet":
        pa = pytest.importorskip("pyarrow", reason="pyarrow (the parquet extra) is missing")
        import pyarrow.parquet as pq

        path = tmp_path / "s.parquet"
        pq.write_table(pa.Table.from_pylist(rows), path)
    else:
        path = tmp_path / f"s.{reader}"
        path.write_text(TINY_CORPUS[0][1], "utf-8")
    return path


@pytest.mark.parametrize("name", BUILTINS.names("reader"))
def test_builtin_reader_keeps_the_contract(name, tmp_path):
    from dedupe.testing import check_reader

    records = check_reader(BUILTINS.get("reader", name), _sample_file(tmp_path, name))
    assert records


@pytest.mark.parametrize("name", BUILTINS.names("shingle unit"))
def test_builtin_shingle_unit_keeps_the_contract(name):
    from dedupe.testing import check_shingle_unit

    check_shingle_unit(BUILTINS.get("shingle unit", name))


@pytest.mark.parametrize("name", BUILTINS.names("representative policy"))
def test_builtin_policy_keeps_the_contract(name):
    from dedupe.testing import check_policy

    check_policy(BUILTINS.get("representative policy", name))


@pytest.mark.parametrize("name", BUILTINS.names("writer"))
def test_builtin_writer_keeps_the_contract(name, tmp_path):
    from dedupe.testing import check_writer

    check_writer(BUILTINS.get("writer", name), folder=tmp_path)


def test_builtin_sqlite_backend_keeps_the_contract(tmp_path):
    from dedupe.testing import check_storage_backend

    check_storage_backend(BUILTINS.get("storage backend", "sqlite"), str(tmp_path / "i.db"))


def test_the_local_executor_keeps_the_contract(tmp_path):
    from dedupe.testing import check_executor

    check_executor(BUILTINS.get("executor", "local"), folder=tmp_path)


def test_the_contracts_catch_broken_components(tmp_path):
    """A writer whose shards do not make its file, a policy choosing a non-member, a shingle
    unit whose hashes are not its shingles', and an executor that loses pairs all fail."""
    import dataclasses

    from dedupe import Writer
    from dedupe.testing import check_executor, check_policy, check_shingle_unit, check_writer

    def numbered(result, path):  # counts from 0 in every shard: not its whole file
        with open(path, "w") as f:
            for k, _ in enumerate(result.clusters):
                f.write(f"{k}\n")

    with pytest.raises(AssertionError, match="shards, joined"):
        check_writer(Writer("n", "n.txt", numbered, shards="clusters"), folder=tmp_path)
    first = BUILTINS.get("representative policy", "first")
    with pytest.raises((AssertionError, ValueError)):
        check_policy(dataclasses.replace(first, choose=lambda view: -1))
    word = BUILTINS.get("shingle unit", "word")
    with pytest.raises(AssertionError, match="xxh32"):
        check_shingle_unit(dataclasses.replace(word, shingles=lambda t, n: t.split()))
    local = BUILTINS.get("executor", "local")

    def lossy(job):
        plan = dataclasses.replace(job.plan, writers=job.plan.writers)
        summary = local.run(dataclasses.replace(job, plan=plan))
        (Path(job.output_dir) / "pairs.jsonl").write_text("")
        return summary

    from pathlib import Path

    with pytest.raises(AssertionError, match=r"another pairs\.jsonl"):
        check_executor(dataclasses.replace(local, name="lossy", run=lossy), folder=tmp_path)
