"""Texts kept as UTF-8 come back as they went in, in less memory than strings."""

from __future__ import annotations

import sys

from dedupe.texts import EncodedTexts


def test_texts_come_back_unchanged(syndication):
    from .conftest import read_jsonl

    texts = [r["text"] for r in read_jsonl(syndication / "corpus.jsonl")][:300]
    odd = ["", "caf\u00e9 \u2019quoted\u2019", "lone \ud800 surrogate", "\U0001f600 emo", "\x00"]
    kept = EncodedTexts([*texts, *odd])
    assert len(kept) == len(texts) + len(odd)
    assert list(kept) == [*texts, *odd]
    assert kept[-3] == "lone \ud800 surrogate" and kept[1:3] == texts[1:3]
    filled = EncodedTexts.blank(3)
    for k in (2, 0, 1):
        filled.put(k, odd[k + 1])
    assert list(filled) == odd[1:4]
    filled.put(0, "replaced")  # after a read: the text kept decoded is replaced too
    assert filled[0] == "replaced" and filled[-3] == "replaced"


def test_texts_read_again_after_many_others_are_the_same():
    from dedupe import texts

    kept = EncodedTexts(f"text {k} \u2019" for k in range(3 * texts.RECENT))
    for _ in range(2):
        assert [kept[k] for k in range(len(kept))] == [f"text {k} \u2019" for k in range(len(kept))]
    assert len(kept._recent) == texts.RECENT


def test_texts_beyond_latin1_take_about_half_the_memory(syndication):
    from .conftest import read_jsonl

    texts = [r["text"] + " \u2019" for r in read_jsonl(syndication / "corpus.jsonl")][:300]
    as_strings = sum(sys.getsizeof(t) for t in texts)
    encoded = sum(sys.getsizeof(b) for b in EncodedTexts(texts)._data)
    assert encoded < 0.6 * as_strings


def test_same_tells_equal_texts_by_their_bytes(syndication):
    """``same`` (what the figures check asks of a pair before reading it) agrees with the
    decoded texts' equality, exact copies of the corpus and odd strings included."""
    from .conftest import read_jsonl

    texts = [r["text"] for r in read_jsonl(syndication / "corpus.jsonl")][:200]
    odd = ["lone \ud800 surrogate", "lone \ud800 surrogate", "\ud800", "\udc00", "", ""]
    every = [*texts, *texts[:20], *odd]
    kept = EncodedTexts(every)
    pairs = [(i, j) for i in range(len(every)) for j in range(i, len(every), 7)]
    pairs += [(k, len(texts) + k) for k in range(20)] + [(len(every) - 6, len(every) - 5)]
    assert all(kept.same(i, j) == (every[i] == every[j]) for i, j in pairs)
    assert sum(kept.same(i, j) for i, j in pairs if i != j) > 3  # (copies were compared)
