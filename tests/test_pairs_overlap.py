"""``pairs.jsonl`` says which document contains which: containment both ways, Jaccard, the
relation (copy, teaser, extended) and the container, on syndication-dev's real teasers and
copies; measured from the shingle sets verification already has (``dedupe.overlap``)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from dedupe import Engine
from dedupe.overlap import overlap_fields, relation, sets_overlap

from .conftest import read_jsonl


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict]]:
    """A real run on syndication-dev with a second scorer that accepts everything (its score,
    exact Jaccard, is then in every pair) and the truth by id."""
    from .conftest import data_dir

    data = data_dir("syndication-dev")
    out = tmp_path_factory.mktemp("synd")
    Engine(load_plugins=False, scorers=["containment", "jaccard=0"]).run(
        [data / "corpus.jsonl"], out
    )
    truth = {row["id"]: row for row in read_jsonl(data / "truth.jsonl")}
    return out, truth


def test_every_pair_has_both_containments_and_jaccard(run):
    out, _ = run
    pairs = read_jsonl(out / "pairs.jsonl")
    assert len(pairs) > 1000
    for p in pairs:
        assert p["jaccard"] == p["scores"]["jaccard"]  # the exact Jaccard, as the scorer's
        # containment scores the smaller side: the larger of the two shares
        assert p["score"] == max(p["a_in_b"], p["b_in_a"])
        assert p["jaccard"] <= min(p["a_in_b"], p["b_in_a"])
        assert p["relation"] in ("copy", "teaser", "extended")
        assert (p["container"] is None) == (p["relation"] == "copy")
        if p["container"] is not None:  # the container holds more of the other
            other = "b" if p["container"] == "a" else "a"
            assert p[f"{other}_in_{p['container']}"] >= p[f"{p['container']}_in_{other}"]


def test_teasers_are_contained_in_their_originals(run):
    """Truth teasers (an article's lead) paired with their original: the original is the
    container, and the pair is a teaser for nearly all (was: one score, no direction)."""
    out, truth = run
    seen: Counter[str] = Counter()
    for p in read_jsonl(out / "pairs.jsonl"):
        roles = {truth[p["a"]]["role"]: "a", truth[p["b"]]["role"]: "b"}
        if set(roles) != {"original", "teaser"}:
            continue
        assert p["container"] == roles["original"]
        seen[p["relation"]] += 1
    assert sum(seen.values()) > 100
    assert seen["teaser"] >= 0.95 * sum(seen.values())


def test_relation_agrees_with_the_roles_of_clusters(run):
    """A member named teaser in clusters.jsonl is, in its pair with the representative, the
    contained side of a teaser pair (the same thresholds)."""
    out, _ = run
    pairs = {(p["a"], p["b"]): p for p in read_jsonl(out / "pairs.jsonl")}
    checked = 0
    for cluster in read_jsonl(out / "clusters.jsonl"):
        rep = cluster["representative"]
        for member, role in cluster["roles"].items():
            key = (min(member, rep), max(member, rep))
            if role != "teaser" or key not in pairs:
                continue
            p = pairs[key]
            assert p["relation"] == "teaser"
            assert p["container"] == ("a" if key[0] == rep else "b")
            checked += 1
    assert checked > 100


def test_relation_thresholds():
    assert relation(1.0, 0.1) == ("teaser", "b")
    assert relation(0.1, 1.0) == ("teaser", "a")
    assert relation(0.95, 0.6) == ("extended", "b")  # b is a plus a third more
    assert relation(0.9, 0.85) == ("copy", None)
    assert relation(0.75, 0.7) == ("copy", None)  # an edited copy: neither holds the other
    assert overlap_fields(-1, 3, 4) == {}  # not measured: no fields
    assert overlap_fields(10, 10, 40) == {
        "a_in_b": 1.0,
        "b_in_a": 0.25,
        "jaccard": 0.25,
        "relation": "teaser",
        "container": "b",
    }


def test_sets_overlap_counts_the_shared_shingles(engine, seed_texts):
    """Against numpy's own set intersection, on the seeds' real texts."""
    names = sorted(seed_texts)
    prepared = engine.prepare([(n, seed_texts[n]) for n in names])
    sets = prepared.sets
    rows = np.array([(i, j) for i in range(len(names)) for j in range(len(names))])
    got = sets_overlap(sets, rows[:, 0], sets, rows[:, 1])
    for (i, j), (shared, size_a, size_b) in zip(rows.tolist(), got.tolist(), strict=True):
        a, b = sets.get(i), sets.get(j)
        assert (shared, size_a, size_b) == (len(np.intersect1d(a, b)), len(a), len(b))


def test_pairs_jsonl_keys_in_order(run):
    out, _ = run
    first = json.loads((out / "pairs.jsonl").read_text("utf-8").splitlines()[0])
    assert list(first)[:9] == [
        "a",
        "b",
        "scorer",
        "score",
        "scores",
        "a_in_b",
        "b_in_a",
        "jaccard",
        "relation",
    ]
