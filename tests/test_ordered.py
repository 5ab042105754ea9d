"""The ``ordered`` scorer: n-grams shared in the same order, on real revised answers."""

from __future__ import annotations

import random

import numpy as np

from dedupe import Engine, kernels
from dedupe.default_plugins import rewrite
from dedupe.ordered import MAX_OCCURRENCES, common_subsequence, ordered_containment
from dedupe.testing import check_scorer, pair_context

from .conftest import data_dir


def _table_lcs(a: list[int], b: list[int]) -> int:
    """The textbook O(n m) table, to hold the Hunt-Szymanski reduction to."""
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0] * (len(b) + 1)
        for j, y in enumerate(b):
            cur[j + 1] = prev[j] + 1 if x == y else max(prev[j + 1], cur[j])
        prev = cur
    return prev[-1]


def test_the_common_subsequence_is_the_longest_one():
    rng = random.Random(16)
    for _ in range(500):
        a = [rng.randrange(6) for _ in range(rng.randrange(30))]
        b = [rng.randrange(6) for _ in range(rng.randrange(30))]
        got = common_subsequence(np.array(a, dtype=np.uint32), np.array(b, dtype=np.uint32))
        assert got == _table_lcs(a, b), (a, b)


def test_a_phrase_repeated_past_the_cap_is_aligned_only_so_often():
    x = np.full(50, 7, dtype=np.uint32)
    assert common_subsequence(x, x, max_occurrences=64) == 50
    assert common_subsequence(x, x) == MAX_OCCURRENCES == 32


def _texts() -> dict[str, str]:
    folder = data_dir("clough-stevenson") / "corpus-20090418"
    names = ("orig_taska.txt", "g0pE_taska.txt", "g4pC_taska.txt")
    return {n: (folder / n).read_bytes().decode("utf-8", "replace") for n in names}


def _bigrams(text: str) -> np.ndarray:
    hashes, _ = kernels.auto_hashes([" ".join(text.casefold().split())], 2)
    return hashes


def test_a_revision_shuffled_keeps_its_bigrams_but_not_their_order():
    texts = _texts()
    source = _bigrams(texts["orig_taska.txt"])
    revision = texts["g0pE_taska.txt"]  # a light revision of the source
    sentences = [s for s in revision.replace("\n", " ").split(". ") if s.strip()]
    shuffled = ". ".join(sentences[::2] + sentences[1::2][::-1])
    in_order = ordered_containment(_bigrams(revision), source)
    out_of_order = ordered_containment(_bigrams(shuffled), source)
    # the same sentences, hence nearly the same bigram set: only their order differs
    kept = set(_bigrams(shuffled).tolist())
    assert len(kept & set(source.tolist())) / len(kept) >= 0.9
    assert in_order >= 0.9
    assert out_of_order < in_order - 0.25


def test_the_scorer_in_a_run_scores_revisions_above_answers_of_their_own():
    folder = data_dir("clough-stevenson") / "corpus-20090418"
    # the source, a near copy, a light revision, and two answers written without the source
    names = ["orig_taskc.txt", "g0pB_taskc.txt", "g2pA_taskc.txt", "g0pC_taskc.txt"]
    names.append("g1pD_taskc.txt")
    docs = [(n, (folder / n).read_bytes().decode("cp1252")) for n in names]
    ctx, _ = pair_context(docs, Engine(load_plugins=False, ngram=2, scorers=["ordered"]))
    pairs = np.array([[0, 1], [0, 2], [0, 3], [0, 4]])
    near, light, own_a, own_b = rewrite.ordered(pairs, ctx).tolist()
    assert near > light > 0.5
    assert max(own_a, own_b) < 0.15


def test_the_ordered_scorer_keeps_the_scorer_contract():
    check_scorer(rewrite.ORDERED)
