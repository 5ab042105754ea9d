"""The ``html`` normaliser on whole pages: main-content extraction, the chrome share it reports,
the fallbacks, and the original policy's least-chrome rule (pages in tests/html_pages.py)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedupe import Engine
from dedupe.default_plugins import main_content
from dedupe.default_plugins.main_content import (
    extract,
    is_page,
    main_text,
    main_text_measuring,
    strip_html,
    visible_lines,
)
from dedupe.evaluate import evaluate, load_truth
from dedupe.testing import check_normaliser
from tests.conftest import data_dir, read_jsonl
from tests.html_pages import (
    BRIDGE,
    DAILY_MOST_READ,
    GAZETTE_COMMENTS,
    GAZETTE_RELATED,
    LIBRARY,
    daily_page,
    gazette_page,
    plain,
)

CHROME_LINES = [
    "We use cookies to give you the best experience",
    "Contact us",
    "Related stories",
    *GAZETTE_RELATED,
    *(c for _, c in GAZETTE_COMMENTS),
    "Sign up to our free newsletter",
    "All rights reserved",
]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def _shingles(text: str) -> set[tuple[str, ...]]:
    w = _words(text)
    return {tuple(w[i : i + 5]) for i in range(len(w) - 4)}


def _contained(a: str, b: str) -> float:
    """Share of a's word 5-grams found in b."""
    sa = _shingles(a)
    return len(sa & _shingles(b)) / len(sa)


def test_a_page_becomes_its_article_without_the_site_chrome():
    title, paragraphs = BRIDGE
    result = extract(gazette_page(title, paragraphs))
    assert result.extracted
    for paragraph in paragraphs:
        assert paragraph in result.text
    for chrome in CHROME_LINES:
        assert chrome not in result.text, chrome
        assert chrome in result.visible, chrome
    # The other site's layout (spans in divs, a side column) gives the same article.
    other = extract(daily_page(title, paragraphs)).text
    for chrome in DAILY_MOST_READ:
        assert chrome not in other
    assert _contained(result.text, other) > 0.95 and _contained(other, result.text) > 0.95


def test_chrome_share_is_of_the_visible_text_not_of_the_markup():
    title, paragraphs = BRIDGE
    page = gazette_page(title, paragraphs)
    result = extract(page)
    article = title + "".join(paragraphs)
    letters = len(re.sub(r"\s", "", strip_html(page)))
    expected = 1 - len(re.sub(r"\s", "", article)) / letters
    assert result.removed_share == pytest.approx(expected, abs=0.02)
    # Heavy markup around the article and nothing else is no chrome at all, although the
    # markup is most of the characters.
    div = '<div class="c-article__para js-track" data-analytics="{&quot;k&quot;: 1}">' * 4
    bare = "<!doctype html><html><body><article><h1>" + title + "</h1>"
    bare += "".join(f"{div}<p>{p}</p>{'</div>' * 4}" for p in paragraphs)
    bare += "</article></body></html>"
    assert len(article) < 0.5 * len(bare)
    assert extract(bare).removed_share < 0.02
    texts, removed = main_text_measuring([bare, page, "plain text"])
    assert removed.tolist() == [extract(bare).removed_share, result.removed_share, 0.0]
    assert texts == [main_text(bare), main_text(page), "plain text"]


def test_plain_text_and_fragments_never_reach_the_extractor(monkeypatch):
    def refuse(page: str) -> str:
        raise AssertionError("the extractor ran")

    monkeypatch.setattr(main_content, "_extract_main", refuse)
    text = plain(*BRIDGE)
    assert main_text(text) is text
    assert main_text("a < b and b > c") == "a < b and b > c"
    fragment = "".join(f"<p>{p}</p>" for p in BRIDGE[1]) + "<p>Share on Facebook | Source link</p>"
    assert not is_page(fragment)
    stripped = main_text(fragment)
    assert "Share on Facebook | Source link" in stripped  # a fragment keeps every word
    assert all(p in stripped for p in BRIDGE[1])
    assert main_text_measuring([text, fragment])[1].tolist() == [0.0, 0.0]


def test_a_page_the_extractor_cannot_read_is_stripped_instead(monkeypatch):
    page = gazette_page(*BRIDGE)
    for failure in (None, "boom"):

        def extractor(_: str, failure: str | None = failure) -> str | None:
            if failure:
                raise ValueError(failure)
            return None

        monkeypatch.setattr(main_content, "_trafilatura", lambda e=extractor: e)
        result = extract(page)
        assert not result.extracted and result.removed_share == 0.0
        assert result.text == strip_html(page) == main_text(page)
    monkeypatch.undo()
    # A page with nothing like an article (a menu and a line) loses nothing.
    menu = "<html><body><nav><a href='/'>Home</a> <a href='/a'>About</a></nav>Hi</body></html>"
    assert _words(main_text(menu)) == _words(strip_html(menu)) == ["home", "about", "hi"]


def test_page_detection_needs_a_document_tag():
    assert is_page("<!DOCTYPE html><p>x</p>") and is_page('<html lang="de">x</html>')
    assert is_page("<BODY class=a>x") and is_page("<head><title>t</title></head>")
    for text in ["<p>a</p><div>b</div>", "x <htmlish> y", "<bodyguard>", "plain", "<body"]:
        assert not is_page(text), text


_SOUP = st.lists(
    st.sampled_from(
        ["<html>", "</html>", "<body>", "<!doctype html>", "<p>", "</p>", "<div>", "&amp;",
         "&lt;p&gt;", "<", ">", "word", "Wort", " ", "\n", "«é»", "<head>", "<script>x</script>"]
    ),
    max_size=40,
).map("".join)  # fmt: skip


@given(text=_SOUP)
def test_html_normaliser_is_idempotent_on_page_soup(text):
    once = main_text(text)
    assert main_text(once) == once


def test_html_normaliser_keeps_the_normaliser_contract(engine):
    pages = [gazette_page(*BRIDGE), daily_page(*LIBRARY, source_footer=True)]
    check_normaliser(engine.registry.get("normaliser", "html"), samples=pages, max_examples=50)


def test_explain_gets_the_lines_extraction_removed(engine):
    html = engine.registry.get("normaliser", "html")
    assert html.visible_lines is visible_lines and html.structural
    lines = visible_lines(gazette_page(*BRIDGE))
    kept = [line for line, k in lines if k]
    removed = [line for line, k in lines if not k]
    assert set(BRIDGE[1]) <= set(kept)
    for chrome in CHROME_LINES:
        assert any(chrome in line for line in removed), chrome
        assert not any(chrome in line for line in kept), chrome
    assert all(k for _, k in visible_lines("<p>a fragment</p><p>all kept</p>"))


def _run(tmp_path, docs: dict[str, str]):
    engine = Engine(load_plugins=False)
    result = engine.run_documents(docs.items(), tmp_path)
    clusters = {frozenset(c.members): c.representative for c in result.clusters}
    kept = {row["id"] for row in read_jsonl(tmp_path / "kept.jsonl")}
    return clusters, kept


def test_a_repost_goes_with_the_article_it_carries_not_the_chrome_it_wears(tmp_path):
    docs = {
        "gazette-bridge": gazette_page(*BRIDGE),
        "daily-library": daily_page(*LIBRARY),
        "daily-bridge": daily_page(*BRIDGE),  # the Gazette's story in the Daily's chrome
        "gazette-library": gazette_page(*LIBRARY),
    }
    # Stripped of tags only, a page shares more with its site's other page than the
    # article's copy shares with it; the main content is the other way round.
    regex = {k: strip_html(v) for k, v in docs.items()}
    assert _contained(regex["daily-bridge"], regex["daily-library"]) > 0.3
    main = {k: main_text(v) for k, v in docs.items()}
    assert _contained(main["daily-bridge"], main["daily-library"]) == 0.0
    clusters, kept = _run(tmp_path, docs)
    assert set(clusters) == {
        frozenset({"gazette-bridge", "daily-bridge"}),
        frozenset({"daily-library", "gazette-library"}),
    }
    assert len(kept) == 2


SHARE_BAR = "Share on Facebook | Share on Twitter | Source link"


def _body(title: str, paragraphs: list[str]) -> str:
    return f"<h1>{title}</h1>" + "".join(f"<p>{p}</p>" for p in paragraphs)


@pytest.mark.parametrize(
    "repost",
    [
        daily_page(*BRIDGE, source_footer=True),  # another site's page, the bar under the post
        f"<html><body>{_body(*BRIDGE)}<footer>{SHARE_BAR}</footer></body></html>",
        f"<html><body><article>{_body(*BRIDGE)}<p>{SHARE_BAR}</p></article></body></html>",
        f"{_body(*BRIDGE)}<p>{SHARE_BAR}</p>",  # a fragment: the chrome rules take the bar
    ],
    ids=["site-page", "page-footer", "in-article", "fragment"],
)
def test_the_clean_article_is_the_original_over_a_repost_with_a_share_bar(tmp_path, repost):
    assert SHARE_BAR in " ".join(strip_html(repost).split())
    clusters, kept = _run(tmp_path, {"repost": repost, "clean": plain(*BRIDGE)})
    assert clusters == {frozenset({"repost", "clean"}): "clean"}
    assert kept == {"clean"}


def test_least_chrome_wins_whatever_the_markup(tmp_path):
    # A bare HTML page of the article against a plain copy wrapped in aggregator chrome: the
    # page, with no chrome, is the original, although it is markup.
    title, paragraphs = LIBRARY
    page = f"<!doctype html><html><body><article><h1>{title}</h1>"
    page += "".join(f"<p>{p}</p>" for p in paragraphs) + "</article></body></html>"
    wrapped = "\n".join(
        ["BREAKING", "Home > News > Local", plain(title, paragraphs), "Source link",
         "Share on Facebook", "Copyright 2024 Aggregator Inc. All rights reserved."]
    )  # fmt: skip
    clusters, kept = _run(tmp_path, {"wrapped": wrapped, "page": page})
    assert clusters == {frozenset({"wrapped", "page"}): "page"}
    assert kept == {"page"}


def test_a_clean_teaser_is_not_the_original_of_a_page_with_much_chrome(tmp_path):
    title, paragraphs = BRIDGE
    page = gazette_page(title, paragraphs, comments=24)
    assert extract(page).removed_share > 0.6  # more chrome than the teaser lacks of the text
    teaser = plain(title, paragraphs[:3]) + "\n\nRead more"
    clusters, kept = _run(tmp_path, {"page": page, "teaser": teaser})
    assert clusters == {frozenset({"page", "teaser"}): "page"}
    assert kept == {"page"}


@pytest.mark.slow
def test_html_dev_reposts_go_with_the_article_not_the_chrome(tmp_path):
    """Real pages of 175 sites, and their articles reposted in other sites' pages."""
    data = data_dir("html-dev")
    Engine(load_plugins=False).run([data / "corpus.jsonl"], tmp_path)
    report = evaluate(load_truth(data / "truth.jsonl"), read_jsonl(tmp_path / "clusters.jsonl"))
    overall = report["overall"]
    assert overall["ari"] >= 0.95 and overall["precision"] >= 0.98, overall
    # Regex stripping alone groups a repost with the page whose chrome it wears (ARI 0.67).
    assert report["by_role"]["repost"]["recall"] >= 0.9


def test_html_files_are_read_whole_and_extracted(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "gazette.html").write_text(gazette_page(*LIBRARY), "utf-8")
    (pages / "daily.htm").write_text(daily_page(*LIBRARY, source_footer=True), "utf-8")
    (pages / "other.html").write_text(gazette_page(*BRIDGE), "utf-8")
    (pages / "feed.txt").write_text(plain(*LIBRARY), "utf-8")
    result = Engine(load_plugins=False).run([pages], tmp_path / "out")
    assert [sorted(c.members) for c in result.clusters] == [
        ["daily.htm", "feed.txt", "gazette.html"]
    ]
