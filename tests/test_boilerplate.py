"""The learned ``boilerplate`` normaliser: lines of otherwise different documents are learned,
lines shared only by copies of one story are not, and no document loses more than half."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

from dedupe import Engine
from dedupe.default_plugins.boilerplate import (
    MAX_REMOVED_SHARE,
    BoilerplateModel,
    Carriers,
    LineTable,
    boilerplate_lines,
    content_order,
    fitted_boilerplate,
    learn_boilerplate,
    required_repeats,
    restore_boilerplate,
)
from dedupe.learn import learn_chain
from dedupe.normalise import Chain
from dedupe.testing import check_normaliser

from .conftest import data_dir, read_jsonl, write_jsonl
from .wire import wire_stories


def _lines(text: str) -> set[str]:
    return {line.strip().casefold() for line in text.split("\n") if line.strip()}


def _run(tmp_path, docs: list[tuple[str, str]], **settings):
    engine = Engine(load_plugins=False, **settings)
    result = engine.run_documents(docs, tmp_path)
    kept = [row["id"] for row in read_jsonl(tmp_path / "kept.jsonl")]
    return engine, result, kept


def _reuters_stories(n: int, min_words: int = 80) -> list[str]:
    """``n`` real Reuters stories (title and hard-wrapped body), in file order."""
    path = data_dir("reuters21578") / "reuters21578_docs.jsonl"
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if len(row["body"].split()) >= min_words:
                out.append(f"{row['title']}\n\n{row['body']}")
                if len(out) == n:
                    break
    return out


def test_boilerplate_is_learned_from_repetition_not_from_copies():
    chrome = "Follow us for the latest from Metro Daily"
    docs = [f"Story {i} has its own words number {i}.\n{chrome}" for i in range(12)]
    article = "A long paragraph of an article that was copied by five aggregators word for word."
    docs += [f"Header {i}\n{article}" for i in range(5)]
    model = learn_boilerplate([docs])
    story = "Story x has its own words, more of them than the chrome line has."
    assert model.one(f"{story}\n{chrome}") == story
    assert model.one(f"Header\n{article}") == f"Header\n{article}"
    assert required_repeats(30, 1000) > required_repeats(5, 1000)


def _different(texts: list[str], line: str) -> float:
    """The number of otherwise different documents holding ``line`` among ``texts``."""
    table = LineTable.of(texts)
    at = np.array([table.keys.index(line)])
    carriers = Carriers.of(table, at, content_order(texts))
    return float(carriers.different(table, table.weights.astype(np.float64))[0])


def test_copies_count_once_and_different_documents_each():
    footer = "all rights reserved by the wire"
    stories = wire_stories(200, seed=9)
    assert _different([f"{stories[0]}\n{footer}"] * 40, footer) == 1.0
    assert _different([f"{s}\n{footer}" for s in stories[:40]], footer) == 40.0
    # 150 different stories: 64 are sampled, all different: extrapolated to all 150.
    assert _different([f"{s}\n{footer}" for s in stories[:150]], footer) == 150.0
    # A site's template (more than the page's own text) around 30 different short notes: the
    # notes share most of their text, so they count as copies, until the template is known.
    template = "\n".join(f"menu entry number {k} of the site" for k in range(30))
    pages = [f"{template}\nnote {k}\n{footer}" for k in range(30)]
    assert _different(pages, footer) == 1.0
    table = LineTable.of(pages)
    weights = table.weights.astype(np.float64)
    weights[[table.keys.index(f"menu entry number {k} of the site") for k in range(30)]] = 0
    at = np.array([table.keys.index(footer)])
    carriers = Carriers.of(table, at, content_order(pages))
    assert carriers.different(table, weights)[0] == 30.0
    # Reposts each adding a line of their own chrome are copies of one story.
    reposts = [f"Posted on site {k}\n{stories[1]}\n{footer}" for k in range(30)]
    assert _different(reposts, footer) == 1.0


def test_a_wire_story_reposted_dozens_of_times_among_thousands_is_kept(tmp_path):
    """Issue 13: a hard-wrapped story reposted 40 times among 3,000 wire stories had all its
    lines learned, became empty after normalisation and was missing from kept.jsonl."""
    stories = wire_stories(3000)
    story = stories[0]
    docs = [(f"w{i}", text) for i, text in enumerate(stories)]
    docs += [(f"repost{k}", story) for k in range(40)]
    learned = boilerplate_lines([t for _, t in docs])
    assert "reuter" in learned  # the sign-off of different stories is boilerplate
    assert not (_lines(story) - {"reuter"}) & learned  # the story's own lines are not
    _, result, kept = _run(tmp_path, docs)
    assert result.counts["empty_after_normalisation"] == 0
    copies = {"w0", *(f"repost{k}" for k in range(40))}
    (cluster,) = [c for c in result.clusters if set(c.members) & copies]
    assert set(cluster.members) == copies
    assert len(copies & set(kept)) == 1 and len(kept) == 3000


def test_a_reuters_story_reposted_among_real_newswire_is_kept(tmp_path):
    """The same on real, hard-wrapped 1987 newswire."""
    stories = _reuters_stories(3000)
    story = max(stories[:200], key=len)
    rows = [{"id": f"r{i}", "text": t} for i, t in enumerate(stories)]
    rows += [{"id": f"repost{k}", "text": story} for k in range(40)]
    corpus = write_jsonl(tmp_path / "wire.jsonl", rows)
    engine = Engine(load_plugins=False)
    result = engine.run([corpus], tmp_path / "out")
    kept = {row["id"] for row in read_jsonl(tmp_path / "out" / "kept.jsonl")}
    assert result.counts["empty_after_normalisation"] == 0
    copies = {r["id"] for r in rows if r["text"] == story}
    assert len(copies) >= 41 and len(copies & kept) == 1
    (cluster,) = [c for c in result.clusters if set(c.members) & copies]
    assert copies <= set(cluster.members)


def test_thousands_of_identical_hard_wrapped_documents_keep_one(tmp_path):
    """Issue 13: thousands of identical hard-wrapped documents: none was kept."""
    (story,) = wire_stories(1, seed=7)
    docs = [(f"d{i}", story) for i in range(3000)]
    engine, result, kept = _run(tmp_path, docs)
    assert "0 lines learned" in engine.learned["boilerplate"]
    assert result.counts["empty_after_normalisation"] == 0
    assert len(kept) == 1
    assert [len(c.members) for c in result.clusters] == [3000]


def test_copies_each_in_their_own_site_chrome_count_once():
    """A story reposted by 60 sites, each wrapping it in the chrome of its other pages: the
    chrome is learned (different pages), the story is not (copies of one document)."""
    stories = wire_stories(60 * 12 + 1, seed=3)
    story, others = stories[0], stories[1:]
    docs = [story]
    chrome = {}
    for site in range(60):
        head = f"Site{site} Daily | Home | World | Business"
        foot = f"Copyright Site{site} Media Group {1990 + site}. Follow Site{site} on social."
        chrome[site] = (head, foot)
        docs += [f"{head}\n{text}\n{foot}" for text in others[site * 12 : site * 12 + 12]]
        docs.append(f"{head}\n{story}\n{foot}")
    learned = boilerplate_lines(docs)
    assert {h.casefold() for h, _ in chrome.values()} <= learned
    assert {f.casefold() for _, f in chrome.values()} <= learned
    assert not (_lines(story) - {"reuter"}) & learned


def test_no_document_loses_more_than_half_or_is_emptied():
    model = BoilerplateModel(frozenset({"share this story", "more news from the wire"}), 23)
    body = "A paragraph of the article, long enough to be most of the document."
    assert model(f"{body}\nShare this story\n") == f"{body}\n"
    mostly = "Short note.\nShare this story\nMore news from the wire"
    assert model(mostly) == mostly  # the learned lines would be more than half of it
    only = "  Share this story \n\nMORE NEWS FROM THE WIRE"
    assert model(only) == only  # never emptied


def test_learned_wire_lines_take_at_most_half_of_any_reuters_story():
    """On the real newswire (hard-wrapped: many short, frequent lines), no story loses more
    than half of its visible characters and none is emptied; most lose something (the
    sign-off)."""
    texts = _reuters_stories(20000, min_words=1)
    engine = Engine(load_plugins=False)
    chain = learn_chain(engine, engine.open_documents([(str(i), t) for i, t in enumerate(texts)]))
    k = chain.names.index("boilerplate")
    before = Chain(chain.normalisers[:k])(texts)  # as the normalisers before it leave them
    model = chain.normalisers[k]
    after = model(before)

    def visible(text: str) -> int:
        return sum(len(line.strip()) for line in text.split("\n"))

    pairs = zip(after, before, strict=True)
    removed = np.array([1 - visible(a) / max(visible(b), 1) for a, b in pairs])
    assert removed.max() <= MAX_REMOVED_SHARE
    assert all(a.strip() for a in after)
    assert (removed > 0).mean() > 0.5


def test_state_is_data_and_restores_the_same_normaliser():
    fitted = fitted_boilerplate(["share this story", "source link"], 1234, 0.4)
    state = json.loads(json.dumps(fitted.state))
    assert state == {
        "lines": ["share this story", "source link"],
        "documents": 1234,
        "max_share": 0.4,
    }
    restored = restore_boilerplate(state)
    assert restored.state == fitted.state and restored.func == fitted.func
    text = "A body that is long enough to lose its footer line.\nSource link"
    assert restored.one(text) == fitted.one(text) == text.split("\n")[0]
    # A state written before the share was declared restores with the default share.
    assert restore_boilerplate({"lines": ["x"], "documents": 3}).func.max_share == 0.5
    for bad in (
        {"lines": "x"},
        {"lines": [1]},
        {"lines": [], "documents": "3"},
        {"lines": [], "max_share": 0},
        {"lines": [], "max_share": 1.5},
        {"lines": [], "max_share": True},
    ):
        with pytest.raises(ValueError, match="boilerplate state"):
            restore_boilerplate(bad)


def test_a_fitted_model_keeps_the_normaliser_contract():
    fitted = fitted_boilerplate(["share on facebook", "source link", "|", ".", "lire aussi :"], 50)
    check_normaliser(fitted, max_examples=300)


def test_learning_does_not_depend_on_the_order_of_the_sample():
    stories = wire_stories(400, seed=5)
    docs = (
        stories
        + [stories[3]] * 30
        + [f"{s}\nThe Wire Daily is a Wire Group title" for s in stories[:40]]
    )
    shuffled = list(docs)
    random.Random(2).shuffle(shuffled)
    learned = boilerplate_lines(docs)
    assert "the wire daily is a wire group title" in learned
    assert boilerplate_lines(shuffled) == learned == boilerplate_lines(docs[::-1])


def test_lines_without_spaces_are_measured_in_characters():
    """A Chinese paragraph is one run between spaces: counted as one word, an article's
    paragraphs shared by ten copies would be learned as boilerplate."""
    from dedupe.default_plugins.boilerplate import line_words

    paragraph = (
        "国家统计局今天发布数据显示今年前三季度国内生产总值同比增长百分之五点二经济运行总体平稳"
    )
    assert line_words("Share on Facebook") == 3
    assert line_words("责任编辑张三") == 3
    assert line_words(paragraph) == (len(paragraph) + 1) // 2
    assert required_repeats(line_words(paragraph), 1000) > required_repeats(1, 1000)
