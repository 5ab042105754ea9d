"""The persistent index (dedupe.index) on real data: it reports the pairs a batch run accepts,
its settings are fixed at creation, documents come and go, and its blobs round-trip."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedupe import Engine, Scorer, hookimpl
from dedupe.candidates.lsh import Banding, band_keys
from dedupe.candidates.lsh import band_keys as lsh_band_keys
from dedupe.config import DEFAULT_NORMALISERS
from dedupe.errors import ConfigError
from dedupe.index import Index, StorageError
from dedupe.index.codec import decode_set, decode_signature, encode_set, encode_signature
from dedupe.index.prepare import prepare
from dedupe.plugins import PluginInfo, get_plugin_manager

from .conftest import read_jsonl

#: The default chain without its learning normaliser: what an index without --learn-from does.
NO_BOILERPLATE = ",".join(n for n in DEFAULT_NORMALISERS if n != "boilerplate")


@pytest.fixture(scope="module")
def corpus(request: pytest.FixtureRequest) -> Path:
    from .conftest import DATA

    path = DATA / "syndication-dev" / "corpus.jsonl"
    if not path.exists():
        pytest.skip(f"{path} is not here (the shared data sits beside the checkout)")
    return path


@pytest.fixture(scope="module")
def docs(corpus: Path) -> list[dict]:
    return read_jsonl(corpus)


@pytest.fixture(scope="module")
def batch_pairs(corpus: Path) -> set[tuple[str, str]]:
    """Accepted pairs of a batch run with default settings (boilerplate learned)."""
    result = Engine(load_plugins=False).run([corpus])
    return {(a, b) for a, b, _ in result.accepted_pairs()}


@pytest.fixture(scope="module")
def full_index(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    """The whole corpus added (3 batches of 1,000), boilerplate learned from the corpus."""
    path = tmp_path_factory.mktemp("index") / "news.db"
    with Index.create(path, learn_from=[corpus], load_plugins=False) as index:
        outcomes = index.add(read_jsonl(corpus))
    return path, outcomes


def reported_pairs(outcomes: list) -> set[tuple[str, str]]:
    return {tuple(sorted((o.id, m.id))) for o in outcomes for m in o.duplicates}  # type: ignore[misc]


# -- the same duplicates as a batch run ---------------------------------------------------------


def test_adding_reports_the_pairs_a_batch_run_accepts(full_index, batch_pairs):
    _, outcomes = full_index
    assert {o.status for o in outcomes} == {"added"}
    assert len(batch_pairs) > 1500
    assert reported_pairs(outcomes) == batch_pairs
    # the same pairs with the same scores
    by_pair = {tuple(sorted((o.id, m.id))): m.score for o in outcomes for m in o.duplicates}
    assert all(0.7 <= s <= 1.0 for s in by_pair.values())


def test_querying_every_document_gives_the_batch_duplicates(full_index, docs, batch_pairs):
    path, _ = full_index
    with Index.open(path, read_only=True, load_plugins=False) as index:
        outcomes = index.query(docs)
    found = set()
    for outcome in outcomes:
        own = [m for m in outcome.duplicates if m.id == outcome.id]
        assert len(own) == 1 and own[0].score == 1.0, outcome  # it has been seen: itself
        found |= {
            tuple(sorted((outcome.id, m.id))) for m in outcome.duplicates if m.id != outcome.id
        }
    assert found == batch_pairs


@pytest.mark.parametrize("batch_size", [1, 250])
def test_the_pairs_do_not_depend_on_the_batch_size(corpus, docs, tmp_path, batch_size):
    sample = docs[:400]
    with Index.create(tmp_path / "a.db", load_plugins=False, normalise=NO_BOILERPLATE) as index:
        whole = reported_pairs(index.add(sample))
    with Index.create(
        tmp_path / "b.db", load_plugins=False, normalise=NO_BOILERPLATE, batch_size=batch_size
    ) as index:
        assert reported_pairs(index.add(sample)) == whole
    assert len(whole) > 50


def test_without_learn_from_boilerplate_learns_nothing(corpus, docs, tmp_path):
    """Like with like: an index whose boilerplate learned nothing finds what a run without
    the boilerplate normaliser finds."""
    with Index.create(tmp_path / "i.db", load_plugins=False) as index:
        (boilerplate,) = [n for n in index.engine.chain.normalisers if n.name == "boilerplate"]
        assert not boilerplate.func.lines and boilerplate.learn is None
        pairs = reported_pairs(index.add(docs))
    result = Engine(load_plugins=False, normalise=NO_BOILERPLATE).run([corpus])
    assert pairs == {(a, b) for a, b, _ in result.accepted_pairs()}


def test_the_learned_model_is_stored_and_reused(full_index, corpus):
    path, _ = full_index
    fitted = Engine(load_plugins=False).learn(Engine(load_plugins=False).open_files([corpus]))
    (expected,) = [n.func.lines for n in fitted.normalisers if n.name == "boilerplate"]
    assert expected  # syndication-dev has lines to learn
    with Index.open(path, read_only=True, load_plugins=False) as index:
        (model,) = [n for n in index.engine.chain.normalisers if n.name == "boilerplate"]
        assert model.func.lines == expected
        assert "learned from 2154 documents" in index.stats()["learned"]["boilerplate"]


# -- what the index computes ---------------------------------------------------------------------


def test_prepare_equals_engine_prepare(docs):
    engine = Engine(load_plugins=False)
    sample = [(d["id"], d["text"]) for d in docs[:300]]
    theirs = engine.prepare(sample)
    records = [
        r for r in engine.open_documents(sample).read(engine.open_documents(sample).chunks(1)[0])
    ]
    ours, empty = prepare(engine, records)  # type: ignore[arg-type]
    assert len(empty) == 0 and ours.ids == theirs.ids
    assert ours.normalised == theirs.normalised
    np.testing.assert_array_equal(ours.signatures, theirs.signatures)
    np.testing.assert_array_equal(ours.band_keys, theirs.band_keys)
    np.testing.assert_array_equal(ours.sets.values, theirs.sets.values)
    np.testing.assert_array_equal(ours.sets.offsets, theirs.sets.offsets)
    np.testing.assert_allclose(ours.removed_share, theirs.removed_share)
    mine = sorted(zip(ours.anchor_docs.tolist(), ours.anchor_values.tolist(), strict=True))
    engine_anchors = sorted(
        zip(theirs.anchor_docs.tolist(), theirs.anchor_values.tolist(), strict=True)
    )
    assert mine == engine_anchors


@pytest.mark.parametrize(("bands", "rows"), [(25, 5), (9, 13), (1, 1), (32, 4)])
def test_vectorised_band_keys_equal_the_lsh_stage(bands, rows):
    signatures = np.random.default_rng(bands).integers(0, 2**32, (50, 128), dtype=np.uint32)
    banding = Banding(bands, rows)
    np.testing.assert_array_equal(
        band_keys(signatures, banding), lsh_band_keys(signatures, banding)
    )


@given(st.lists(st.integers(0, 2**32 - 1), max_size=3000))
def test_shingle_sets_round_trip(values):
    array = np.unique(np.array(values, dtype=np.uint64)).astype(np.uint32)
    decoded = decode_set(encode_set(array))
    assert decoded.dtype == np.uint32
    np.testing.assert_array_equal(decoded, array)


def test_encoded_sets_are_smaller_than_raw_on_real_documents(docs):
    engine = Engine(load_plugins=False)
    prepared = engine.prepare([(d["id"], d["text"]) for d in docs[:200]])
    raw = prepared.sets.values.nbytes
    encoded = sum(len(encode_set(prepared.sets.get(i))) for i in range(len(prepared)))
    assert encoded < 0.85 * raw
    signature = prepared.signatures[0]
    np.testing.assert_array_equal(decode_signature(encode_signature(signature)), signature)


# -- settings fixed at creation -------------------------------------------------------------------


def test_other_signature_settings_are_refused(full_index):
    path, _ = full_index
    with pytest.raises(ConfigError, match="created with --num-perm 128, not 64"):
        Index.open(path, read_only=True, load_plugins=False, num_perm=64)
    with pytest.raises(ConfigError, match=r"--scorer containment=0\.7, not containment=0\.9"):
        Index.open(path, read_only=True, load_plugins=False, scorers=["containment=0.9"])
    with pytest.raises(ConfigError, match="--normalise"):
        Index.open(path, read_only=True, load_plugins=False, normalise="casefold")
    # the same values spelt out, and reading options, are fine
    same = Index.open(
        path, read_only=True, load_plugins=False, scorers=["containment=0.7"], id_field="url"
    )
    with same:
        assert same.engine.config.id_field == "url" and same.engine.config.num_perm == 128


def test_creating_over_an_index_or_opening_a_non_index_fails(full_index, tmp_path):
    path, _ = full_index
    with pytest.raises(ConfigError, match="already exists"):
        Index.create(path, load_plugins=False)
    with pytest.raises(ConfigError, match="no index at"):
        Index.open(tmp_path / "missing.db", read_only=True, load_plugins=False)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StorageError, match="not a dedupe index"):
        Index.open(junk, load_plugins=False)


class TextScorerPlugin:
    """A scorer that reads texts: needs an index that keeps them."""

    __name__ = "length-scorer"

    @staticmethod
    @hookimpl
    def register_scorers(register: Callable[[Scorer], None]) -> None:
        def same_length(pairs: np.ndarray, ctx) -> np.ndarray:
            return np.array(
                [
                    min(len(ctx.text(a)), len(ctx.text(b)))
                    / max(len(ctx.text(a)), len(ctx.text(b)), 1)
                    for a, b in pairs.tolist()
                ]
            )

        register(Scorer("same-length", same_length, 0.5))


def test_scorers_that_read_texts_need_keep_text(docs, tmp_path):
    pm = get_plugin_manager(load_entrypoints=False)
    pm.add(TextScorerPlugin(), PluginInfo("length-scorer"))
    settings = {"scorers": ["containment", "same-length"], "plugin_manager": pm}
    with pytest.raises(ConfigError, match="create it with --keep-text"):
        Index.create(tmp_path / "a.db", **settings)
    with Index.create(tmp_path / "b.db", keep_text=True, **settings) as index:
        index.add(docs[:300])
        copy = {"id": "copy", "text": docs[0]["text"]}
        (outcome,) = index.query([copy])
    assert [m.id for m in outcome.duplicates] == [docs[0]["id"]]
    assert outcome.duplicates[0].scores == {"containment": 1.0, "same-length": 1.0}


# -- documents come and go ------------------------------------------------------------------------


def test_adding_again_does_nothing_and_empty_documents_are_reported(docs, tmp_path):
    with Index.create(tmp_path / "i.db", load_plugins=False) as index:
        first = index.add(docs[:50])
        again = index.add([*docs[:50], {"id": "blank", "text": "!!! ??? ..."}])
        assert len(index) == 50
    assert {o.status for o in first} == {"added"}
    assert [o.status for o in again] == ["exists"] * 50 + ["empty"]


def test_removed_documents_are_gone_with_their_postings(docs, tmp_path):
    path = tmp_path / "i.db"
    with Index.create(path, load_plugins=False) as index:
        index.add(docs[:200])
        source = docs[0]
        assert [m.id for m in index.query([source])[0].duplicates][:1] == [source["id"]]
        assert index.remove([source["id"], "not-there"]) == [source["id"]]
        assert source["id"] not in index and len(index) == 199
        assert source["id"] not in {m.id for m in index.query([source])[0].duplicates}
        assert index.remove(list(index.ids())) and len(index) == 0
    db = sqlite3.connect(path)
    assert [
        db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("bands", "anchors")
    ] == [
        0,
        0,
    ]


def test_max_age_evicts_by_the_date_field_or_the_added_time(docs, tmp_path):
    dated = [
        {**d, "date": f"2024-05-{day:02d}T08:00:00Z"}
        for day, d in zip(range(1, 21), docs[:20], strict=False)
    ]
    undated = docs[20:30]
    with Index.create(tmp_path / "i.db", load_plugins=False) as index:
        index.add(dated + undated)
        # ten days back from 2024-05-21: days 1-10 go; undated ones were added now and stay
        gone = index.evict(10, now=1716278400.0)
        assert sorted(gone) == sorted(d["id"] for d in dated[:10])
        assert len(index) == 20
        # a new document older than max-age is compared but not stored
        old = {"id": "old", "text": docs[40]["text"], "date": "2024-01-01"}
        (outcome,) = index.add([old], max_age=10, now=1716278400.0)
        assert outcome.status == "expired" and "old" not in index
        # adding with max-age evicts what has become too old
        (fresh,) = index.add([{**docs[41], "date": "2024-05-30"}], max_age=3, now=1717027200.0)
        assert fresh.status == "added"
        assert sorted(index.ids()) == sorted([docs[41]["id"], *(d["id"] for d in undated)])


MAY_1 = 1714521600.0


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("2024-05-01", MAY_1),
        ("2024-05-01T08:00:00Z", MAY_1 + 8 * 3600),
        ("2024-05-01T10:00:00+02:00", MAY_1 + 8 * 3600),
        (MAY_1, MAY_1),
        ("1714521600", MAY_1),
        (1714521600000, MAY_1),  # milliseconds
        ("yesterday", None),
        ("", None),
        (None, None),
        (True, None),
    ],
    ids=["date", "utc", "offset", "number", "numeric-text", "ms", "words", "empty", "none", "bool"],
)
def test_dates_for_eviction(value, seconds):
    from dedupe.index.dates import epoch_seconds

    assert epoch_seconds(value) == seconds
