"""Lose nothing: a document leaves the corpus only as a verified copy of one that stays.

Named tests for each way a document used to be lost (issue 13), and the invariant as a
property over random corpora with planted copies, chains and empty documents.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedupe import Engine

from .conftest import EXAMPLES, write_jsonl
from .invariants import check_lose_nothing


def example_words() -> list[str]:
    """The words of the bundled example articles, in order (real prose, always present)."""
    text = " ".join(p.read_text("utf-8") for p in sorted((EXAMPLES / "news").glob("*.txt")))
    return re.findall(r"\S+", text)


def run(records: list[dict], out: Path, **settings) -> Engine:
    engine = Engine(
        load_plugins=False, writers=["clusters", "pairs", "kept", "dropped", "report"], **settings
    )
    source = write_jsonl(out.parent / f"{out.name}-input.jsonl", records)
    engine.run([source], out)
    return engine


def test_a_chain_of_sliding_windows_is_split_into_verified_clusters(tmp_path):
    # 1,500 windows of 200 words sliding by one word: neighbours are copies, the ends of the
    # chain share nothing. Connected components made one cluster of them all.
    words = example_words()
    records = [{"id": f"w{k:05d}", "text": " ".join(words[k : k + 200])} for k in range(1500)]
    engine = run(records, tmp_path / "out")
    check_lose_nothing(records, tmp_path / "out", engine)
    clusters = [json.loads(x) for x in (tmp_path / "out" / "clusters.jsonl").open()]
    assert len(clusters) > 10
    threshold = engine.scorers[0][1]  # the default containment threshold
    for cluster in clusters:
        assert min(cluster["scores"].values()) >= threshold


@pytest.mark.parametrize(
    "text",
    ["😀😀🎉", "!!! ??? ...", "", "   ", "Share on Facebook", "© 2024", "…"],
    ids=["emoji", "punctuation", "empty", "spaces", "chrome", "copyright", "ellipsis"],
)
def test_documents_that_normalise_to_nothing_are_kept(tmp_path, text):
    words = example_words()
    records = [
        {"id": "article", "text": " ".join(words[:300])},
        {"id": "nothing-1", "text": text},
        {"id": "nothing-2", "text": text},
    ]
    engine = run(records, tmp_path / "out")
    check_lose_nothing(records, tmp_path / "out", engine)


# -- the invariant as a property --------------------------------------------------------------

CHROME = ["Home » News » World", "Share on Facebook | Share on Twitter", "Source link", "Read more"]


@st.composite
def corpora(draw: st.DrawFn) -> list[dict]:
    """Articles cut from the example prose, with planted copies (exact, wrapped in chrome,
    teasers, edited words), a chain of sliding windows, and documents with no words."""
    words = example_words()
    records: list[dict] = []
    n_articles = draw(st.integers(2, 8))
    for a in range(n_articles):
        start = draw(st.integers(0, len(words) - 400))
        size = draw(st.integers(30, 300))
        text = " ".join(words[start : start + size])
        records.append({"id": f"a{a}", "text": text})
        for c in range(draw(st.integers(0, 3))):
            kind = draw(st.sampled_from(["exact", "chrome", "teaser", "edit"]))
            copy = text
            if kind == "chrome":
                copy = "\n".join([CHROME[0], text, CHROME[1], CHROME[2]])
            elif kind == "teaser":
                copy = " ".join(text.split()[: max(1, size // 2)]) + "\n" + CHROME[3]
            elif kind == "edit":
                toks = text.split()
                for _ in range(draw(st.integers(1, 4))):
                    toks[draw(st.integers(0, len(toks) - 1))] = "changed"
                copy = " ".join(toks)
            records.append({"id": f"a{a}-{kind}{c}", "text": copy})
    if draw(st.booleans()):
        start = draw(st.integers(0, len(words) - 800))
        step = draw(st.integers(1, 40))
        for k in range(draw(st.integers(3, 40))):
            at = start + k * step
            records.append({"id": f"chain{k}", "text": " ".join(words[at : at + 150])})
    for k in range(draw(st.integers(0, 3))):
        records.append({"id": f"empty{k}", "text": draw(st.sampled_from(["😀", "?!", ""]))})
    order = draw(st.permutations(range(len(records))))
    return [records[k] for k in order]


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=corpora(), workers=st.sampled_from([1, 2]))
def test_every_record_is_kept_or_dropped_as_a_verified_copy(tmp_path_factory, records, workers):
    out = tmp_path_factory.mktemp("run") / "out"
    # parallel_min_mb=0 makes even a small input go through the worker processes.
    engine = run(records, out, workers=workers, parallel_min_mb=0, chunk_mb=0.004)
    check_lose_nothing(records, out, engine)


@settings(max_examples=8, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=corpora(), split=st.floats(0.2, 0.8), keep_text=st.booleans())
def test_a_run_against_an_index_drops_only_verified_copies(
    tmp_path_factory, records, split, keep_text
):
    from dedupe.index.batch import run_with_index
    from dedupe.index.index import Index

    folder = tmp_path_factory.mktemp("indexed")
    cut = int(len(records) * split)
    old, new = records[:cut], records[cut:]
    db = str(folder / "news.db")
    with Index.create(db, load_plugins=False, keep_text=keep_text) as index:
        index.add(old)
        held = set(index.ids())
    out = folder / "out"
    writers = ["clusters", "pairs", "kept", "dropped", "report"]
    source = write_jsonl(folder / "new.jsonl", new)
    result = run_with_index(db, {"writers": writers}, set(), [source], out)
    assert result.n_docs == len(new)
    indexed = [r for r in old if r["id"] in held]
    # verified with the index's settings (with texts the default scorers, figures among them;
    # without: containment alone, dedupe.index.settings.TEXT_FREE_SCORERS)
    with Index.open(db, load_plugins=False, read_only=True) as index:
        engine = index.engine
    check_lose_nothing(new, out, engine, indexed=indexed)
