"""LSH stage: banding chosen as datasketch chooses it, and candidates equal a brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from datasketch.lsh import _optimal_param

from dedupe import Engine
from dedupe.candidates.lsh import (
    Banding,
    band_keys,
    candidate_pairs,
    candidate_probability,
    optimal_params,
)


@pytest.mark.parametrize("threshold", [0.1, 0.3, 0.5, 0.65, 0.8, 0.9])
@pytest.mark.parametrize("num_perm", [32, 128, 256])
def test_banding_matches_datasketch(threshold, num_perm):
    assert optimal_params(threshold, num_perm) == _optimal_param(threshold, num_perm, 0.5, 0.5)


def test_s_curve():
    assert candidate_probability(0.9, 25, 5) > 0.99
    assert candidate_probability(0.1, 25, 5) < 0.01


def brute_force(signatures: np.ndarray, banding: Banding) -> set[tuple[int, int]]:
    out = set()
    for i, j in itertools.combinations(range(len(signatures)), 2):
        for b in range(banding.bands):
            s = slice(b * banding.rows, (b + 1) * banding.rows)
            if np.array_equal(signatures[i, s], signatures[j, s]):
                out.add((i, j))
                break
    return out


def test_candidates_equal_brute_force_on_real_signatures(syndication):
    from .conftest import read_jsonl

    rows = read_jsonl(syndication / "corpus.jsonl")[:300]
    engine = Engine(load_plugins=False)
    sigs, _ = engine.signatures_of([r["text"] for r in rows])
    banding = Banding(25, 5)
    pairs = candidate_pairs(band_keys(sigs, banding))
    assert {tuple(p) for p in pairs.tolist()} == brute_force(sigs, banding)
    assert len(pairs) > 0


def test_big_buckets_are_linked_without_all_pairs():
    sigs = np.zeros((50, 8), dtype=np.uint32)  # 50 identical documents
    pairs = candidate_pairs(band_keys(sigs, Banding(2, 4)), max_bucket=10)
    assert len(pairs) < 50 * 49 // 2
    from dedupe.cluster import components

    (component,) = components(50, pairs)
    assert len(component) == 50


def test_threshold_sets_banding_and_explicit_bands_win():
    assert Engine(load_plugins=False, threshold=0.8).banding == Banding(9, 13)
    assert Engine(load_plugins=False, bands=16, rows=8).banding == Banding(16, 8)


def test_gauss_legendre_nodes_are_leggauss_and_choose_the_same_bands(monkeypatch):
    """The nodes computed without an eigenproblem are numpy's leggauss to 1e-15, and the
    banding chosen with them is the one chosen with leggauss's, on a grid of settings."""
    from dedupe.candidates import lsh

    x, w = lsh._gauss_legendre()
    x1, w1 = np.polynomial.legendre.leggauss(lsh.GAUSS_NODES)
    assert np.abs(x - x1).max() < 1e-15 and np.abs(w - w1).max() < 1e-14
    grid = [(t / 20, n) for t in range(1, 20) for n in (16, 64, 128, 256)]
    ours = {k: lsh.optimal_params.__wrapped__(*k) for k in grid}
    monkeypatch.setattr(lsh, "_gauss_legendre", lambda: (x1, w1))
    assert ours == {k: lsh.optimal_params.__wrapped__(*k) for k in grid}


def bucket_rule(keys: np.ndarray, max_bucket: int, rank: np.ndarray | None) -> set:
    """The bucket rule written plainly: documents of a band key, in order of (rank, number)
    or of number; all pairs of a bucket up to ``max_bucket``, else a star from the first
    plus a chain."""
    out = set()
    for band in range(keys.shape[1]):
        buckets: dict[int, list[int]] = {}
        for doc, key in enumerate(keys[:, band].tolist()):
            buckets.setdefault(key, []).append(doc)
        for members in buckets.values():
            if rank is not None:
                members.sort(key=lambda d: (int(rank[d]), d))
            if len(members) <= max_bucket:
                out.update(itertools.combinations(sorted(members), 2))
            else:
                out.update((min(members[0], m), max(members[0], m)) for m in members[1:])
                out.update((min(a, b), max(a, b)) for a, b in itertools.pairwise(members))
    return out


@pytest.mark.parametrize("with_rank", [False, True])
def test_oversized_buckets_pair_the_same_documents_whatever_the_sort(syndication, with_rank):
    """Band keys are sorted without a stable sort: on real signatures with buckets cut small
    (many oversized), the pairs are those of the plain rule, documents ordered by rank or
    number, and the same for the corpus given in reverse order."""
    from dedupe.candidates.lsh import id_ranks

    from .conftest import read_jsonl

    rows = read_jsonl(syndication / "corpus.jsonl")[:400]
    engine = Engine(load_plugins=False)
    sigs, _ = engine.signatures_of([r["text"] for r in rows])
    keys = band_keys(sigs, Banding(25, 5))
    rank = id_ranks([r["id"] for r in rows]) if with_rank else None
    pairs = candidate_pairs(keys, max_bucket=3, rank=rank)
    expected = bucket_rule(keys, 3, rank)
    assert {tuple(p) for p in pairs.tolist()} == expected
    assert len(expected) > 50
    if with_rank:  # reversed input: the same pairs of the same documents
        back = candidate_pairs(keys[::-1], max_bucket=3, rank=rank[::-1])
        n = len(rows)
        assert {tuple(sorted((n - 1 - i, n - 1 - j))) for i, j in back.tolist()} == expected


def test_an_oversized_bucket_is_a_star_and_a_chain_in_number_order():
    sigs = np.zeros((30, 8), dtype=np.uint32)  # one bucket of 30 identical documents per band
    pairs = candidate_pairs(band_keys(sigs, Banding(2, 4)), max_bucket=10)
    star = {(0, j) for j in range(1, 30)}
    chain = {(j, j + 1) for j in range(29)}
    assert {tuple(p) for p in pairs.tolist()} == star | chain


def test_big_oversized_buckets_keep_number_order():
    """20,000 documents in 40 buckets per band: big enough for the sort to move equal keys
    around; the star and chain of each bucket still follow document numbers."""
    rng = np.random.default_rng(7)
    keys = rng.integers(0, 40, size=(20_000, 2)).astype(np.uint64)
    pairs = candidate_pairs(keys, max_bucket=100)
    assert {tuple(p) for p in pairs.tolist()} == bucket_rule(keys, 100, None)
