"""Containment candidates: a teaser and a wrapped copy are found though their Jaccard is low."""

from __future__ import annotations

import numpy as np

from dedupe import Engine
from dedupe.candidates.anchors import AnchorSettings, anchor_pairs, select_anchors, split
from dedupe.kernels import word_hashes


def anchors_of(texts, sampling=16, head_sampling=4):
    hashes, offsets = word_hashes(texts, 5)
    settings = AnchorSettings(sampling=sampling, head_sampling=head_sampling)
    return split(select_anchors(hashes, offsets, np.arange(len(texts)), settings))


def pairs_of(values, docs, n, settings):
    codes = (values.astype(np.uint64) << np.uint64(32)) | docs.astype(np.uint64)
    return anchor_pairs(codes, n, settings)


def test_anchors_are_position_independent(seed_texts):
    original = seed_texts["lemonde_original.txt"].lower()
    wrapped = "home news some header words by a wire\n" + original + "\nsource link you may like"
    values, docs = anchors_of([original, wrapped])
    a = set(values[docs == 0].tolist())
    b = set(values[docs == 1].tolist())
    assert a and a <= b


def test_the_head_is_sampled_more_densely(seed_texts):
    text = " ".join(seed_texts["lemonde_original.txt"].lower().split())
    hashes, offsets = word_hashes([text], 5)
    values, _ = split(select_anchors(hashes, offsets, np.arange(1), AnchorSettings()))
    head = set(values.tolist()) & set(
        split(select_anchors(hashes[:64], np.array([0, 64]), np.arange(1), AnchorSettings()))[
            0
        ].tolist()
    )
    assert len(head) / 64 > 1.5 * (len(values) - len(head)) / (len(hashes) - 64)


def test_teaser_becomes_candidate_though_jaccard_is_low(seed_texts):
    original = " ".join(seed_texts["lemonde_original.txt"].lower().split())
    words = original.split()
    teaser = " ".join(words[:60]) + " continue reading"
    others = [
        " ".join(t.lower().split())
        for k, t in seed_texts.items()
        if k.startswith("00") and not k.startswith("003")
    ]
    texts = [original, teaser, *others]
    engine = Engine(load_plugins=False)
    sigs, _ = engine.signatures_of(texts)
    lsh_pairs = engine.candidates(sigs)
    assert [0, 1] not in lsh_pairs.tolist()  # Jaccard banding alone misses it
    values, docs = anchors_of(texts)
    pairs = pairs_of(values, docs, len(texts), AnchorSettings())
    assert pairs.tolist() == [[0, 1]]


def test_boilerplate_anchors_are_ignored():
    chrome = "share this story on facebook and twitter you may also like these articles"
    texts = [
        f"{chrome} unique words number {i} " + " ".join(f"w{i}x{k}" for k in range(15))
        for i in range(30)
    ]
    values, docs = anchors_of(texts, sampling=1, head_sampling=1)
    loose = AnchorSettings(sampling=1, max_posting=1000)
    strict = AnchorSettings(sampling=1, max_posting=10)
    assert len(pairs_of(values, docs, len(texts), loose)) > 0
    assert len(pairs_of(values, docs, len(texts), strict)) == 0


def test_joining_by_value_range_equals_joining_everything(syndication):
    from dedupe.candidates.anchors import partition

    from .conftest import read_jsonl

    texts = [r["text"] for r in read_jsonl(syndication / "corpus.jsonl")]
    engine = Engine(load_plugins=False)
    codes = []
    for start in range(0, len(texts), 500):
        batch = engine.chain(texts[start : start + 500])
        hashes, offsets = word_hashes(batch, 5)
        docs = np.arange(start, start + len(batch))
        codes.append(select_anchors(hashes, offsets, docs, AnchorSettings()))
    whole = anchor_pairs(np.concatenate(codes), len(texts), AnchorSettings())
    ranges: list[list[np.ndarray]] = [[] for _ in range(16)]
    for chunk in codes:
        for k, piece in enumerate(partition(chunk)):
            ranges[k].append(piece)
    assert sum(1 for r in ranges if r) > 8
    split_join = anchor_pairs(ranges, len(texts), AnchorSettings())
    assert np.array_equal(whole, split_join) and len(whole) > 300


def test_summing_in_blocks_equals_summing_at_once(syndication):
    """Anchors shared are summed over value ranges a block of pair codes at a time: the pairs
    are the same for any block size (one pair per block up to one block for all) and equal to
    the rule applied to counts summed in one dictionary."""
    from collections import Counter

    from dedupe.candidates import anchors
    from dedupe.candidates.lsh import _pairs_in_big_groups, _pairs_in_groups

    from .conftest import read_jsonl

    texts = [r["text"] for r in read_jsonl(syndication / "corpus.jsonl")]
    engine = Engine(load_plugins=False)
    batch = engine.chain(texts)
    hashes, offsets = word_hashes(batch, 5)
    codes = select_anchors(hashes, offsets, np.arange(len(texts)), AnchorSettings())
    settings = AnchorSettings(max_group=8)  # oversized groups too (star and chain)
    ranges: list[list[np.ndarray]] = [[] for _ in range(anchors.PARTITIONS)]
    for k, piece in enumerate(anchors.partition(np.sort(codes))):
        ranges[k].append(piece)
    values, docs = split(np.sort(codes))
    shared: Counter[tuple[int, int]] = Counter()
    starts = np.flatnonzero(np.concatenate([[True], values[1:] != values[:-1]]))
    sizes = np.diff(np.concatenate([starts, [len(values)]]))
    small = (sizes >= 2) & (sizes <= 8)
    big = (sizes > 8) & (sizes <= settings.max_posting)
    raw = np.concatenate(
        [
            _pairs_in_groups(docs, starts[small], sizes[small]),
            _pairs_in_big_groups(docs, starts[big], sizes[big]),
        ]
    )
    shared.update((min(a, b), max(a, b)) for a, b in raw.tolist())
    per_doc = np.bincount(docs, minlength=len(texts))
    expected = sorted(
        p
        for p, s in shared.items()
        if settings.enough(np.array([s]), np.array([min(per_doc[p[0]], per_doc[p[1]])]))[0]
    )
    assert len(expected) > 300 and big.any()
    blocks = list(
        anchors._blocks(
            [
                anchors._shared_in_range(np.concatenate(r), len(texts), settings, None)[:2]
                for r in ranges
                if r
            ],
            64,
        )
    )
    assert len(blocks) > 10
    for block_pairs in (1, 64, 5000, anchors.BLOCK_PAIRS):
        got = anchor_pairs(ranges, len(texts), settings, block_pairs=block_pairs)
        assert [tuple(p) for p in got.tolist()] == expected, block_pairs
