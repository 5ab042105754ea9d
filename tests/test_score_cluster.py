"""Score, decide and cluster stages on real documents and random graphs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedupe import PluginError, Scorer
from dedupe.cluster import component_labels, components
from dedupe.decide import accept
from dedupe.kernels.reference import word_shingles


@pytest.fixture
def scored(engine, seed_texts):
    texts = list(seed_texts.values())
    ctx = engine.pair_context([(f"d{i}", t) for i, t in enumerate(texts)])
    n = len(texts)
    pairs = np.array([(i, j) for i in range(n) for j in range(i + 1, n)])
    sets = [set(word_shingles(engine.chain.one(t), 5)) for t in texts]
    return engine, ctx, pairs, sets


def test_jaccard_and_containment_are_exact(scored):
    engine, ctx, pairs, sets = scored
    j = engine.registry.get("scorer", "jaccard")(pairs, ctx)
    c = engine.registry.get("scorer", "containment")(pairs, ctx)
    for k, (a, b) in enumerate(pairs):
        inter = len(sets[a] & sets[b])
        assert j[k] == pytest.approx(inter / len(sets[a] | sets[b]))
        assert c[k] == pytest.approx(inter / min(len(sets[a]), len(sets[b])))


def test_minhash_estimate_is_close_to_jaccard(scored):
    engine, ctx, pairs, _ = scored
    j = engine.registry.get("scorer", "jaccard")(pairs, ctx)
    m = engine.registry.get("scorer", "minhash")(pairs, ctx)
    assert np.abs(j - m).max() < 0.15


def test_only_the_repost_pair_passes_containment(scored, seed_texts):
    engine, ctx, pairs, _ = scored
    names = list(seed_texts)
    c = engine.registry.get("scorer", "containment")(pairs, ctx)
    passed = {
        tuple(sorted((names[a], names[b]))) for (a, b), s in zip(pairs, c, strict=True) if s >= 0.7
    }
    assert passed == {("003_63ffa25ad3faf19a.txt", "lemonde_original.txt")}


def test_short_texts_need_jaccard_not_just_containment(engine):
    title = "kim jong un arrive en russie"
    article = title + " " + " ".join(f"mot{k}" for k in range(200))
    ctx = engine.pair_context([("title", title), ("article", article)])
    c = engine.registry.get("scorer", "containment")(np.array([[0, 1]]), ctx)
    assert c[0] < 0.1


def test_scorer_output_is_checked(scored):
    _, ctx, pairs, _ = scored
    with pytest.raises(PluginError, match="outside"):
        Scorer("bad", lambda p, c: np.full(len(p), 2.0), 0.5)(pairs, ctx)
    with pytest.raises(PluginError, match="shape"):
        Scorer("bad", lambda p, c: np.zeros(1), 0.5)(pairs, ctx)


def test_decide_all_and_any():
    scores = {"a": np.array([0.9, 0.9, 0.1]), "b": np.array([0.9, 0.1, 0.1])}
    assert accept(scores, [("a", 0.5), ("b", 0.5)], "all").tolist() == [True, False, False]
    assert accept(scores, [("a", 0.5), ("b", 0.5)], "any").tolist() == [True, True, False]


def reference_components(n, edges):
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups = {}
    for x in range(n):
        groups.setdefault(find(x), []).append(x)
    return sorted(g for g in groups.values() if len(g) > 1)


@given(
    st.integers(1, 60).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=80),
        )
    )
)
def test_components_equal_union_find(case):
    n, edges = case
    arr = np.array(edges, dtype=np.int64).reshape(-1, 2)
    got = sorted(g.tolist() for g in components(n, arr))
    assert got == reference_components(n, edges)


def test_long_chain_component():
    n = 100_000
    edges = np.stack([np.arange(n - 1), np.arange(1, n)], axis=1)[::-1]
    labels = component_labels(n, edges)
    assert (labels == 0).all()


def test_later_scorers_see_only_undecided_pairs():
    from dedupe.decide import score_and_decide

    seen: dict[str, int] = {}

    def counting(name, values):
        def func(pairs, ctx):
            seen[name] = len(pairs)
            return np.asarray(values, dtype=float)[pairs[:, 0]]

        return Scorer(name, func, 0.5)

    pairs = np.array([[0, 9], [1, 9], [2, 9], [3, 9]])
    first = counting("first", [0.9, 0.1, 0.9, 0.1])
    second = counting("second", [0.9, 0.9, 0.1, 0.9])
    scores, accepted = score_and_decide(pairs, [(first, 0.5), (second, 0.5)], None, "all")
    assert accepted.tolist() == [True, False, False, False]
    assert seen == {"first": 4, "second": 2}
    assert np.isnan(scores["second"][1]) and scores["second"][0] == 0.9
    scores, accepted = score_and_decide(pairs, [(first, 0.5), (second, 0.5)], None, "any")
    assert accepted.tolist() == [True, True, True, True]
    assert seen["second"] == 2
