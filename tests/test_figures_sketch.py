"""The ``figures`` veto's first look (dedupe/figures/sketch.py) and its bound: copies are
settled without a full reading, templated stories are not, on real Reuters-21578 wire copy
and the hand-labelled pairs (benchmarks/reuters_pairs*.tsv); figures are read from the first
READ_CHARS characters of a document."""

from __future__ import annotations

import csv
import sys

import numpy as np
import pytest

from dedupe import Engine
from dedupe.figures import extract, score
from dedupe.figures.extract import READ_CHARS, beyond_headline
from dedupe.figures.sketch import agree, sketch

from .conftest import REPO, reuters_wire

SAMPLES = [
    REPO / "benchmarks" / "reuters_pairs.tsv",
    REPO / "benchmarks" / "reuters_pairs_heldout.tsv",
]


@pytest.fixture(scope="module")
def reuters_texts() -> dict[str, str]:
    return reuters_wire()


def _labelled() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in SAMPLES:
        with open(path, encoding="utf-8") as f:
            rows.extend(csv.DictReader(f, delimiter="\t"))
    return rows


def test_the_first_look_never_settles_a_pair_the_full_reading_vetoes(reuters_texts):
    """Every labelled pair (copies, templated stories, at containment down to 0.3): where the
    first look says the pair agrees, reading both in full does not veto it; and it does not
    settle the templated stories the full reading vetoes."""
    rows = _labelled()
    settled = vetoed = 0
    for row in rows:
        a, b = reuters_texts[row["a"]], reuters_texts[row["b"]]
        full = score(extract(a), extract(b))
        vetoed += full < 0.7
        if agree(sketch(a), sketch(b)):
            settled += 1
            assert full >= 0.7, (row["a"], row["b"], full)
    assert vetoed >= 30 and settled >= 50, (vetoed, settled)


def test_copies_with_furniture_added_and_a_word_edited_are_settled(reuters_texts):
    story = reuters_texts["3322"]
    lines = story.split("\n")
    edited = "\n".join([*lines[:3], lines[3].replace(" the ", " a ", 1), *lines[4:]])
    copy = f"Reposted by WireWatch\n{edited}\nShare this: Facebook Twitter\n"
    assert copy != story and agree(sketch(story), sketch(copy))
    assert agree(sketch(story), sketch(story[: len(story) // 2]))  # a teaser


def test_a_changed_figure_is_not_settled(reuters_texts):
    """The same story with one figure changed and a line added: read in full, and vetoed."""
    story = reuters_texts["7207"]  # the Fed's repurchase notice: "trading at six pct"
    changed = story.replace("six pct", "6-1/4 pct") + "\nMore to follow\n"
    assert changed != story and not agree(sketch(story), sketch(changed))
    assert score(extract(story), extract(changed)) < 0.7


def test_figures_are_read_from_the_first_read_chars():
    """A 100 MB document is read as its first READ_CHARS characters: a figure after them
    is not compared (and the reading is bounded), one before them is."""
    filler = "The market was quiet today and traders said little.\n" * (READ_CHARS // 52 + 1)
    late_a, late_b = filler + "The rate was 5 pct.", filler + "The rate was 6 pct."
    assert score(extract(late_a), extract(late_b)) == 1.0
    early_a, early_b = "The rate was 5 pct.\n" + filler, "The rate was 6 pct.\n" + filler
    assert score(extract(early_a), extract(early_b)) < 0.7


def test_the_scorer_settles_copies_and_reads_templates_in_full(reuters_texts):
    """Through the built-in scorer: the first look for a copy (nothing read in full), the
    full reading for templated stories (vetoed as before)."""
    story = reuters_texts["3322"]
    docs = [("3322", story), ("repost", f"Reposted by WireWatch\n{story}\nShare this\n")]
    docs += [(i, reuters_texts[i]) for i in ("7207", "11425")]
    engine = Engine(load_plugins=False)
    ctx = engine.pair_context(docs)
    scores = engine.registry.get("scorer", "figures")(np.array([[0, 1], [2, 3]]), ctx)
    assert scores[0] == 1.0 and scores[1] < 0.7
    read = ctx.memo.get("figures", {})
    assert set(read) == {2, 3}  # only the templated pair was read in full


def test_a_long_list_of_numbers_compares_as_the_pairwise_matching_does(monkeypatch):
    """Keys repeated hundreds of times (tables, lists of codes) are counted by multiset
    instead of value by value: the same agreement either way, on lists that shift, repeat
    and change."""
    import random

    from dedupe.figures import compare
    from dedupe.figures.extract import extract

    rng = random.Random(7)
    texts = []
    for k in range(12):
        nums = [rng.randrange(400) for _ in range(250)]
        if k % 3 == 0:
            nums[rng.randrange(250)] = 9999
        texts.append(" ".join(f"code{n}" for n in nums[k % 5 :]))
    docs = [extract(t) for t in texts]
    fast = [compare.agreement(a, b) for a in docs for b in docs]
    monkeypatch.setattr(compare, "_FEW", 10**9)  # every key compared value by value
    slow = [compare.agreement(a, b) for a in [extract(t) for t in texts] for b in docs]
    assert fast == slow
    assert any(counts["f"][1] for counts in fast)  # conflicts were found and compared


def test_a_copy_on_one_line_is_no_headline_against_an_edited_one():
    """An aggregator's copy with its whitespace flattened has its whole text on its first
    line: that is no headline (the full reading finds none there either), so a word edited
    in the original's headline does not send the pair to the full reading as another
    subject; the sentences are still compared (an edited figure is not settled)."""
    sentences = [
        f"Councillor Jane Hill said the market in ward {k} would stay open." for k in range(20)
    ]
    original = "Bodmin fair opens on the green\n\n" + "\n".join(sentences)
    flat = "Home News " + " ".join(original.replace("opens", "starts").split())
    assert beyond_headline(flat) and not beyond_headline(original)
    assert agree(sketch(original), sketch(flat))
    assert score(extract(original), extract(flat)) == 1.0
    changed = flat.replace("ward 7 would", "ward 70 would")
    assert not agree(sketch(original), sketch(changed))


def test_a_headline_of_a_few_words_is_one():
    """Twenty words or fewer on the first line are a headline however the text goes on."""
    assert not beyond_headline(
        "Fed adds reserves via customer repurchases\nThe Federal Reserve ..."
    )
    assert not beyond_headline("")
    assert not beyond_headline("\n" + "word " * 40)  # the first line is empty
    assert beyond_headline("word " * 40)


def test_readings_kept_are_bounded_and_scores_do_not_depend_on_it(reuters_texts, monkeypatch):
    """The scorer keeps the readings of the documents used last only (memory bounded at any
    corpus size); a document read again reads the same, so the scores are those of an
    unbounded run."""
    import dedupe.default_plugins.figures as figures_plugin

    ids = ["3322", "7207", "11425", "4239", "4292", "1259", "1348"]
    docs = [(i, reuters_texts[i]) for i in ids]
    docs += [(f"r{i}", f"Reposted by WireWatch\n{reuters_texts[i]}\nShare this\n") for i in ids]
    pairs = np.array([[a, b] for a in range(len(docs)) for b in range(a + 1, len(docs))])

    def scores() -> tuple[np.ndarray, object]:
        ctx = Engine(load_plugins=False).pair_context(docs)
        scorer = Engine(load_plugins=False).registry.get("scorer", "figures")
        return scorer(pairs, ctx), ctx

    unbounded, _ = scores()
    monkeypatch.setattr(figures_plugin, "KEPT", 2)
    monkeypatch.setattr(figures_plugin, "_GROUP_DOCS", 3)
    bounded, ctx = scores()
    assert np.array_equal(unbounded, bounded) and (bounded < 0.7).any()
    assert len(ctx.memo["figures"]) <= 2 and len(ctx.memo["figures.readable"]) <= 2


def test_exact_copies_are_not_read(reuters_texts):
    """Two documents with the same text agree without being read (no sentences, no figures):
    exact copies are a large share of the copies of a crawl."""
    story = reuters_texts["7207"]
    docs = [("a", story), ("b", story), ("c", story.replace("six pct", "6-1/4 pct"))]
    engine = Engine(load_plugins=False)
    ctx = engine.pair_context(docs)
    scores = engine.registry.get("scorer", "figures")(np.array([[0, 1], [0, 2]]), ctx)
    assert scores[0] == 1.0 and scores[1] < 0.7
    assert set(ctx.memo["figures.readable"]) == {0, 2}  # b was never read


def _full_reading_beyond(text: str, monkeypatch: pytest.MonkeyPatch) -> bool:
    """:func:`beyond_headline` by the full reading of the first line alone."""
    module = sys.modules["dedupe.figures.extract"]
    with monkeypatch.context() as m:
        m.setattr(module, "words_beyond", lambda *_: None)
        return beyond_headline(text)


def test_a_first_line_counted_by_its_plain_words_reads_as_in_full(reuters_texts, monkeypatch):
    """The count of a first line's plain words (none that a reading may make a figure: "two
    billion dlrs", "April 30", "six-day", "3rd") decides a long first line without the full
    reading, and always as the full reading does: on every Reuters story flattened to one
    line (a run-on first line full of figures) and as written (headlines)."""
    decided = 0
    stories = list(reuters_texts.values())[:3000]
    for text in stories + [" ".join(story.split()) for story in stories]:
        fast = beyond_headline(text)
        assert fast == _full_reading_beyond(text, monkeypatch), text[:200]
        decided += fast
    assert decided > 1000  # (most flattened stories run on past a headline)
