"""The original of a cluster on whole pages: a page whose own metadata names the article it
shows (its og:title is its headline) and whose furniture credits no other site is the
article's page, before plain text, fragments and pages whose metadata names another article
(real pages of html-dev, and small pages here)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dedupe import Engine
from dedupe.default_plugins.main_content import main_text
from dedupe.default_plugins.page_metadata import declared_share, declared_shares
from dedupe.evaluate import evaluate, load_truth
from tests.conftest import data_dir, read_jsonl
from tests.html_pages import BRIDGE, LIBRARY, daily_page, plain


def _page(og_title: str | None, title: str, paragraphs: list[str], site: str) -> str:
    """A site's article page; ``og_title`` is its metadata headline (None: no metadata)."""
    meta = "" if og_title is None else f'<meta property="og:title" content="{og_title}">'
    nav = "".join(f"<li><a href='/{k}'>{site} section {k}</a></li>" for k in range(12))
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head><title>{title} | {site}</title>{meta}</head><body>"
        f"<nav><ul>{nav}</ul></nav><main><article><h1>{title}</h1>{body}</article></main>"
        f"<footer><p>Copyright {site}. All rights reserved.</p><p>Imprint | Privacy</p>"
        f"</footer></body></html>"
    )


def _representatives(tmp_path, docs: dict[str, str]) -> dict[frozenset[str], str]:
    result = Engine(load_plugins=False).run_documents(docs.items(), tmp_path)
    return {frozenset(c.members): c.representative for c in result.clusters}


def test_a_page_declares_the_article_its_metadata_names():
    title, paragraphs = BRIDGE
    assert declared_share(_page(title, title, paragraphs, "Gazette")) == 1.0
    # The site's name around the headline, entities and case do not matter.
    og = title.upper().replace("'", "&#39;") + " &amp; more"
    assert declared_share(_page(og, title, paragraphs, "Gazette")) >= 0.5
    # A page whose metadata names another article, one without metadata, text: nothing.
    assert declared_share(_page(LIBRARY[0], title, paragraphs, "Gazette")) < 0.5
    assert declared_share(_page(None, title, paragraphs, "Gazette")) == 0.0
    assert declared_share(plain(title, paragraphs)) == 0.0
    fragment = f'<meta property="og:title" content="{title}"><h1>{title}</h1>'
    assert declared_share(fragment) == 0.0  # not a whole page
    assert declared_shares([plain(title, paragraphs), "", "<"]).tolist() == [0.0, 0.0, 0.0]


def test_headlines_in_scripts_without_spaces_are_compared_by_character():
    page = (
        "<html><head><title>北京冬奥会开幕式今晚举行_新闻网</title>"
        "<meta name='twitter:title' content='北京冬奥会开幕式举行'></head>"
        "<body><h1>北京冬奥会开幕式今晚举行</h1><p>正文</p></body></html>"
    )
    assert declared_share(page) == 1.0
    other = page.replace("content='北京冬奥会开幕式举行'", "content='上海股市今日收盘上涨'")
    assert declared_share(other) < 0.5


def test_the_page_that_declares_the_article_is_the_original_over_a_repost_and_plain_text(
    tmp_path,
):
    title, paragraphs = BRIDGE
    other_title = LIBRARY[0]
    docs = {
        "own-page": _page(title, title, paragraphs, "Harbour Gazette"),
        # The article's body in another site's page, which keeps that page's metadata.
        "repost": _page(other_title, title, paragraphs, "Aggregator"),
        "plain": plain(title, paragraphs),  # no chrome at all, and no metadata
    }
    assert _representatives(tmp_path, docs) == {frozenset(docs): "own-page"}


def _with_og_title(page: str, og_title: str) -> str:
    return page.replace("<head>", f'<head><meta property="og:title" content="{og_title}">', 1)


def test_a_page_crediting_another_site_in_its_furniture_declares_nothing():
    title, paragraphs = BRIDGE
    aggregator = _with_og_title(daily_page(title, paragraphs, source_footer=True), title)
    assert declared_share(aggregator) == 1.0  # its metadata names what it shows...
    # ...but its share bar ends in "Source link", among the lines extraction dropped.
    assert declared_share(aggregator, main_text(aggregator)) == 0.0
    clean = _with_og_title(daily_page(title, paragraphs), title)
    assert declared_share(clean, main_text(clean)) == 1.0
    # A credit to the page's own site (its name in the title, its host) is no credit
    # elsewhere; the same line naming another site is.
    own = _page(title, title, paragraphs, "Harbour Gazette").replace(
        "<footer>", "<footer><p>Source: Harbour Gazette</p>", 1
    )
    assert declared_share(own, main_text(own)) == 1.0
    other = own.replace("Source: Harbour Gazette", "Source: Northfield Daily")
    assert declared_share(other, main_text(other)) == 0.0
    # A credit in the article's body travels with every copy: it is not furniture.
    credited = _page(title, title, [*paragraphs, "Source: Northfield Daily"], "Gazette")
    assert declared_share(credited, main_text(credited)) == 1.0


def test_the_clean_article_is_the_original_over_an_aggregator_page_naming_it(tmp_path):
    # Issue 15's repost: an aggregator's page of the article (its og:title the article's)
    # whose footer reads "Share on Facebook | Share on Twitter | Source link".
    title, paragraphs = BRIDGE
    docs = {
        "aggregator": _with_og_title(daily_page(title, paragraphs, source_footer=True), title),
        "clean": plain(title, paragraphs),
    }
    assert _representatives(tmp_path, docs) == {frozenset(docs): "clean"}


def test_without_metadata_the_least_chrome_still_decides(tmp_path):
    # No member declares the article: the plain copy, with no chrome, is named as before.
    title, paragraphs = BRIDGE
    docs = {
        "page": daily_page(title, paragraphs, source_footer=True),
        "plain": plain(title, paragraphs),
    }
    assert _representatives(tmp_path, docs) == {frozenset(docs): "plain"}


def test_a_declaring_teaser_is_not_the_original_of_the_whole_text(tmp_path):
    # The whole text comes first: a page declaring the article but holding half of it loses.
    title, paragraphs = BRIDGE
    docs = {
        "teaser-page": _page(title, title, paragraphs[:3], "Aggregator"),
        "plain": plain(title, paragraphs),
    }
    assert _representatives(tmp_path, docs) == {frozenset(docs): "plain"}


def _html_dev() -> tuple[list[dict], dict[str, dict]]:
    data = data_dir("html-dev")
    with open(data / "corpus.jsonl", encoding="utf-8") as f:  # lines hold U+2028: no splitlines
        corpus = [json.loads(line) for line in f]
    with open(data / "truth.jsonl", encoding="utf-8") as f:
        truth = {r["id"]: r for r in map(json.loads, f)}
    return corpus, truth


def test_html_dev_originals_declare_their_article_and_copies_do_not():
    """On 175 real pages and their copies: the original's metadata names its article; a
    repost keeps the metadata of the page it was put in, a plain copy has none."""
    corpus, truth = _html_dev()
    texts = [r["text"] for r in corpus]
    shares = declared_shares(texts, [main_text(t) for t in texts])
    by_role: dict[str, list[float]] = {}
    for record, share in zip(corpus, shares.tolist(), strict=True):
        by_role.setdefault(truth[record["id"]]["role"], []).append(share)
    originals = np.array(by_role["original"])
    assert len(originals) == 175
    assert np.mean(originals >= 0.5) >= 0.97, np.sort(originals)[:10]
    for role in ("repost", "repost-teaser"):
        assert max(by_role[role]) < 0.5, role
    assert set(by_role["plain"]) == {0.0}


@pytest.mark.slow
def test_html_dev_the_original_page_is_named(tmp_path):
    """Default settings on html-dev: the original named in >= 0.95 of clusters (0.32 when
    least chrome alone decided: a plain copy or a repost won)."""
    data = data_dir("html-dev")
    Engine(load_plugins=False).run([data / "corpus.jsonl"], tmp_path)
    clusters = read_jsonl(tmp_path / "clusters.jsonl")
    report = evaluate(load_truth(data / "truth.jsonl"), clusters)
    assert report["original_named"]["share"] >= 0.95, report["original_named"]
    _, truth = _html_dev()
    named = [truth[c["representative"]]["role"] for c in clusters]
    assert named.count("repost") + named.count("repost-teaser") <= 2, named
