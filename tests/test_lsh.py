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
