"""``dedupe explain`` and ``dedupe eval``: shared and added passages with offsets into the raw
texts, the alignment on PAN 2013 verbatim reuse, many pairs in one call, the terminal view, the
HTML page in a real headless browser, and evaluation figures."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from html.parser import HTMLParser
from itertools import pairwise

import click
import numpy as np
import pytest
from click.testing import CliRunner

from dedupe.cli import cli
from dedupe.cli.explain import explain as explain_command
from dedupe.config import DEFAULT_NORMALISERS
from dedupe.default_plugins.main_content import is_page, main_text, strip_html
from dedupe.engine import Engine, make_config
from dedupe.explain import Explainer
from dedupe.normalise import Chain, Normaliser
from dedupe.offsets import place

from .browser import dump_dom, screenshot
from .conftest import DATA, EXAMPLES, data_dir, read_jsonl, write_jsonl
from .html_pages import BRIDGE, daily_page, gazette_page


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def squash(text: str) -> str:
    return "".join(text.split())


class _Visible(HTMLParser):
    """The text a browser shows of a piece of HTML: its data outside scripts, styles and
    comments, character references decoded once (the standard library's parser: an oracle
    independent of explain's own view of a page)."""

    HIDDEN = frozenset(["script", "style", "noscript", "template"])

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.hidden += tag in self.HIDDEN

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def stripped(piece: str) -> str:
    """A slice of a raw text as a reader sees it (escaped markup such as ``&lt;p&gt;`` is
    text a reader sees; a slice across a page's ``<body>`` tag is no page to extract)."""
    parser = _Visible()
    parser.feed(piece)
    parser.close()
    return " ".join(parser.parts)


def check_offsets(side: dict, key: str, raw: str) -> int:
    """Every passage of ``side`` with a ``key`` span covers exactly its text in ``raw`` (the
    text as read): equal for plain text, equal once stripped of markup for HTML. Returns how
    many passages were checked."""
    checked = 0
    for p in side["passages"]:
        if key not in p:
            continue
        start, end = p[key]
        piece = raw[start:end]
        assert piece == piece.strip(), (p, piece)
        if "<" in raw or "&" in raw:
            assert squash(stripped(piece)) == squash(p["text"]), (p, piece)
        else:
            assert piece == p["text"]
        checked += 1
    return checked


def corpus_texts(path, ids) -> dict[str, str]:
    """Texts of the given ids in a JSONL corpus (lines split on newlines only: texts hold
    other line separators)."""
    wanted = set(ids)
    with open(path, encoding="utf-8") as f:
        rows = (json.loads(line) for line in f if line.strip())
        return {r["id"]: r["text"] for r in rows if r["id"] in wanted}


def test_repost_shares_the_whole_original_and_adds_only_chrome(seeds):
    a, b = seeds / "lemonde_original.txt", seeds / "003_63ffa25ad3faf19a.txt"
    result = invoke("explain", a, b, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["relation"] == "copy"
    assert data["a"]["words"]["added"] == 0 and data["a"]["words"]["chrome"] == 0
    b_chrome = " ".join(p["text"] for p in data["b"]["passages"] if p["status"] == "chrome")
    assert "Source link" in b_chrome and "by News7" in b_chrome
    assert data["b"]["words"]["shared"] >= 0.9 * sum(data["b"]["words"].values())
    # Offsets: every passage of each side, into that file's text; shared ones into both.
    raw_a, raw_b = a.read_text("utf-8"), b.read_text("utf-8")
    assert check_offsets(data["a"], "a", raw_a) == len(data["a"]["passages"])
    assert check_offsets(data["b"], "b", raw_b) == len(data["b"]["passages"])
    shared = [p for p in data["b"]["passages"] if p["status"] == "shared"]
    assert shared and all("a" in p and "b" in p for p in shared)
    for p in shared:
        assert squash(raw_a[p["a"][0] : p["a"][1]]) == squash(p["text"])


def test_offsets_point_into_the_raw_html_of_a_whole_page():
    corpus = data_dir("html-dev") / "corpus.jsonl"
    truth = read_jsonl(data_dir("html-dev") / "truth.jsonl")
    by_cluster: dict[str, dict[str, str]] = {}
    for row in truth:
        by_cluster.setdefault(row["cluster"], {})[row["role"]] = row["id"]
    pairs = [
        (c["original"], c["plain"])
        for c in by_cluster.values()
        if {"original", "plain"} <= c.keys()
    ]
    pairs = pairs[:4]
    texts = corpus_texts(corpus, [i for p in pairs for i in p])
    for page, plain in pairs:
        data = json.loads(invoke("explain", "-i", corpus, page, plain, "--json").output)
        raw = texts[page]
        assert "<" in raw
        assert check_offsets(data["a"], "a", raw) > 0
        assert check_offsets(data["b"], "b", texts[plain]) > 0
        shared = [p for p in data["a"]["passages"] if p["status"] == "shared"]
        # The article is found inside the page, and its offsets span the page's markup.
        assert sum(len(squash(p["text"])) for p in shared) >= 0.8 * len(squash(texts[plain]))
        assert any("<" in raw[p["a"][0] : p["a"][1]] for p in shared)
        for p in shared:  # the same passage, seen from B
            assert squash(texts[plain][p["b"][0] : p["b"][1]]) in squash(texts[plain])


def _main_content(text: str) -> str:
    """A stand-in for a main-content extractor: only the <article>, as text."""
    start, end = text.find("<article>"), text.find("</article>")
    body = text[start:end] if start >= 0 and end > start else text
    return strip_html(body)


def test_offsets_hold_whatever_the_structural_normaliser_drops():
    """Text a main-content extractor removes is chrome with its raw offsets; the article's
    words keep theirs, entities and tags included."""
    engine = Engine(make_config(normalise="chrome,nfkc,quotes,casefold,punctuation,whitespace"))
    extractor = Normaliser("main", _main_content, structural=True)
    chain = Chain([extractor, *engine.chain.normalisers])
    unit = engine.registry.get("shingle unit", "word")
    explainer = Explainer(chain, unit.shingles, 5, unit="word")
    article = (EXAMPLES / "news" / "council-budget-original.txt").read_text("utf-8")
    paragraphs = [p for p in article.split("\n") if p.strip()]
    body = "".join(
        f"<p>{html.escape(p).replace(' and ', ' <b>and</b> ', 1)}</p>\n" for p in paragraphs
    )
    page = (
        "<html><head><title>Budget</title><script>var and = 1;</script></head><body>"
        "<nav>Home &gt; News &gt; Council budget approved</nav>\n"
        f"<article>{body}</article>\n<footer>Share on Facebook &amp; Twitter</footer>"
        "</body></html>"
    )
    ex = explainer.explain(("page", page), ("plain", article))
    side = ex.to_dict()["a"]
    chrome = [p for p in side["passages"] if p["status"] == "chrome"]
    assert [" ".join(p["text"].split()) for p in chrome] == [
        "Budget Home > News > Council budget approved",
        "Share on Facebook & Twitter",
    ]
    assert page[chrome[0]["a"][0] : chrome[0]["a"][1]].startswith("Budget</title><script>")
    assert page[chrome[0]["a"][0] : chrome[0]["a"][1]].endswith("News &gt; Council budget approved")
    assert page[chrome[1]["a"][0] : chrome[1]["a"][1]] == "Share on Facebook &amp; Twitter"
    assert check_offsets(side, "a", page) == len(side["passages"])
    shared = [p for p in side["passages"] if p["status"] == "shared"]
    assert shared and shared[0]["a"][0] == page.index(paragraphs[0].split()[0])
    assert side["words"]["added"] == 0
    assert squash(article[shared[0]["b"][0] : shared[-1]["b"][1]]) == squash(article)


def nfc_chars(text: str) -> Counter[str]:
    """The characters of ``text`` but whitespace, in NFC, counted."""
    return Counter(unicodedata.normalize("NFC", squash(text)))


def check_page(side: dict, key: str, raw: str) -> None:
    """A whole page as explain shows it: its passages in page order, each exactly its text in
    the page, all of them together the page's visible text; the text that is not chrome is
    text main-content extraction kept (it adds list bullets), and nearly all of it."""
    assert check_offsets(side, key, raw) == len(side["passages"])
    spans = [p[key] for p in side["passages"]]
    assert all(end <= start for (_, end), (start, _) in pairwise(spans))
    assert squash("".join(p["text"] for p in side["passages"])) == squash(stripped(raw))
    kept = nfc_chars("".join(p["text"] for p in side["passages"] if p["status"] != "chrome"))
    extracted = nfc_chars(main_text(raw))
    assert not kept - extracted, kept - extracted
    assert kept.total() >= 0.95 * extracted.total()


def word_grams(text: str, n: int = 5) -> set[str]:
    words = text.split()
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_real_pages_and_reposts_show_what_extraction_dropped_as_chrome(tmp_path):
    """html-dev: real pages, and reposts of their articles inside other sites' pages. Every
    passage of every page has exact offsets, the passages are the page's whole visible text,
    what extraction dropped is chrome wherever in the page extraction took the rest from, the
    article is shared, and a repost's chrome is its template site's page."""
    folder = data_dir("html-dev")
    truth = read_jsonl(folder / "truth.jsonl")
    original = {r["cluster"]: r["id"] for r in truth if r["role"] == "original"}
    page_of_host = {r["host"]: r["id"] for r in truth if r["role"] == "original"}
    members = [r for r in truth if r["role"] != "original" and r["cluster"] in original][:48]
    pairs = [{"a": original[r["cluster"]], "b": r["id"]} for r in members]
    path = write_jsonl(tmp_path / "pairs.jsonl", pairs)
    corpus = folder / "corpus.jsonl"
    result = CliRunner().invoke(cli, ["explain", "--pairs", str(path), "-i", str(corpus), "--json"])
    assert result.exit_code == 0, result.output
    explained = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(e["a"]["id"], e["b"]["id"]) for e in explained] == [(p["a"], p["b"]) for p in pairs]
    templates = {page_of_host.get(r["template_host"]) for r in members} - {None}
    texts = corpus_texts(corpus, {i for p in pairs for i in p.values()} | templates)
    roles: Counter[str] = Counter()
    in_template = chrome_grams = found = 0
    for row, ex in zip(members, explained, strict=True):
        check_page(ex["a"], "a", texts[ex["a"]["id"]])
        raw = texts[row["id"]]
        if is_page(raw):
            check_page(ex["b"], "b", raw)
        else:
            assert check_offsets(ex["b"], "b", raw) == len(ex["b"]["passages"])
        roles[row["role"]] += 1
        # What the copy has of the article is found in the original page (unless extraction
        # took the template's text for the copy's: one repost here).
        own = [p for p in ex["b"]["passages"] if p["status"] != "chrome"]
        shared = sum(len(squash(p["text"])) for p in own if p["status"] == "shared")
        found += shared >= 0.8 * sum(len(squash(p["text"])) for p in own)
        template = page_of_host.get(row["template_host"])
        if template:
            chrome = word_grams(
                " ".join(p["text"] for p in ex["b"]["passages"] if p["status"] == "chrome")
            )
            in_template += len(chrome & word_grams(stripped(texts[template])))
            chrome_grams += len(chrome)
    assert roles["repost"] >= 10 and roles["plain"] >= 5 and roles["repost-teaser"] >= 3, roles
    assert found >= len(members) - 2
    assert chrome_grams and in_template >= 0.85 * chrome_grams


# A page written for the test, and an extractor that moves text as trafilatura may: the
# date from the foot of the article to the top, list items as "- " bullets; the page's title,
# navigation, byline, related box and footer dropped.
_HEADLINE = "Council approves the harbour budget"
_DATE = "Published 6 May 2022, 12:49"


def _council(paragraphs: list[str]) -> str:
    items = "".join(f"<li>{html.escape(x)}</li>" for x in ("new slipway", "two cranes"))
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><title>{_HEADLINE} | Coast News</title></head><body>\n"
        '<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>\n'
        f'<article><h1>{_HEADLINE}</h1>\n<div class="byline">By Staff Reporter</div>\n'
        f"{body}\n<ul>{items}</ul>\n"
        f'<aside>Related: <a href="/1">{_HEADLINE}</a> | <a href="/2">Storm closes the ferry'
        "</a></aside>\n"
        f'<p class="date">{_DATE}</p></article>\n'
        "<footer>Share on Facebook &amp; Twitter &copy; Coast News</footer></body></html>"
    )


def _moving_extractor(page: str) -> str:
    if "<h1>" not in page:  # plain text
        return page
    article = page[page.index("<h1>") : page.index("<aside>")]
    lines = [x for x in strip_html(article).splitlines() if x.strip() and "Reporter" not in x]
    lines = [f"- {x}" if x in ("new slipway", "two cranes") else x for x in lines]
    return "\n".join([_DATE, *lines])


def test_text_the_extractor_moves_or_bullets_keeps_its_own_place():
    article = (EXAMPLES / "news" / "council-budget-original.txt").read_text("utf-8")
    paragraphs = [p for p in article.split("\n") if p.strip()][1:5]
    page = _council(paragraphs)
    plain = "\n\n".join([_HEADLINE, *paragraphs, "new slipway", "two cranes"])
    engine = Engine(make_config(normalise="nfkc,quotes,casefold,punctuation,whitespace"))
    extractor = Normaliser("main", _moving_extractor, structural=True)
    chain = Chain([extractor, *engine.chain.normalisers])
    for unit in ("auto", "char"):
        shingles = engine.registry.get("shingle unit", unit).shingles
        ex = Explainer(chain, shingles, 5, unit=unit).explain(("page", page), ("plain", plain))
        side = ex.to_dict()["a"]
        assert check_offsets(side, "a", page) == len(side["passages"])
        assert squash("".join(p["text"] for p in side["passages"])) == squash(stripped(page))
        spans = [p["a"] for p in side["passages"]]
        assert all(end <= start for (_, end), (start, _) in pairwise(spans))
        by_text = {" ".join(p["text"].split()): p for p in side["passages"]}
        # The date extraction moved to the top is kept (added), where the page has it.
        date = by_text[_DATE]
        assert date["status"] == "added" and page[date["a"][0] : date["a"][1]] == _DATE
        # The headline is shared where the article has it; in the title and the related box
        # it is chrome; the bullets, not in the page, are not shown.
        shared = [p for p in side["passages"] if p["status"] == "shared"]
        assert shared[0]["a"][0] == page.index(f"<h1>{_HEADLINE}") + 4
        chrome = " ".join(p["text"] for p in side["passages"] if p["status"] == "chrome")
        assert f"{_HEADLINE} | Coast News" in " ".join(chrome.split())
        assert f"Related: {_HEADLINE} | Storm" in " ".join(chrome.split())
        for words in ("Home News Sport", "By Staff Reporter", "Share on Facebook & Twitter"):
            assert words in " ".join(chrome.split())
        assert not any(p["text"].startswith("-") for p in side["passages"])
        assert sum(len(squash(p["text"])) for p in shared) == len(squash(plain))
        assert ex.to_dict()["b"]["words"]["added"] == 0


def test_words_are_placed_wherever_the_normaliser_put_them():
    raw = (
        "<span>Exclusive</span><nav>Home | News</nav><p>alpha beta gamma delta</p>"
        "<aside>alpha beta gamma</aside><p>epsilon &amp; zeta eta theta</p><footer>Home</footer>"
    )
    out = "epsilon & zeta eta theta\nalpha beta gamma delta\nExclusive"
    placed = place(raw, out, re.compile(r"\S+"))
    words = out.split()
    shown = [
        (raw[s:e], words[k] if k >= 0 else None)
        for (s, e), k in zip(placed.raw_spans.tolist(), placed.source.tolist(), strict=True)
    ]
    assert shown == [
        ("Exclusive", "Exclusive"),
        ("Home", None),
        ("|", None),
        ("News", None),
        ("alpha", "alpha"),
        ("beta", "beta"),
        ("gamma", "gamma"),
        ("delta", "delta"),
        ("alpha", None),
        ("beta", None),
        ("gamma", None),
        ("epsilon", "epsilon"),
        ("&amp;", "&"),
        ("zeta", "zeta"),
        ("eta", "eta"),
        ("theta", "theta"),
        ("Home", None),
    ]
    assert placed.text.split("\n")[:3] == ["Exclusive", "Home | News", "alpha beta gamma delta"]
    chars = place(raw, out, re.compile(r"\S+"), chars=True)
    assert [raw[s:e] for s, e in chars.raw_spans.tolist()][:9] == list("Exclusive")
    amp = chars.text.index("&")
    k = int(np.flatnonzero(chars.spans[:, 0] == amp)[0])
    assert raw[chars.raw_spans[k, 0] : chars.raw_spans[k, 1]] == "&amp;"


def test_invented_pages_of_two_sites_with_the_default_chain(tmp_path):
    """One article as a page of its own site and reposted inside another site's page, through
    the run's default chain (trafilatura): each page's own chrome, the article shared."""
    a = gazette_page(*BRIDGE)
    b = daily_page(*BRIDGE, source_footer=True)
    (tmp_path / "a.html").write_text(a, "utf-8")
    (tmp_path / "b.html").write_text(b, "utf-8")
    data = json.loads(invoke("explain", tmp_path / "a.html", tmp_path / "b.html", "--json").output)
    assert data["relation"] == "copy"
    check_page(data["a"], "a", a)
    check_page(data["b"], "b", b)
    title, paragraphs = BRIDGE
    sides = ((data["a"], "a", a, "Harbour Gazette"), (data["b"], "b", b, "Northfield Daily"))
    for side, key, raw, site in sides:
        shared = [p for p in side["passages"] if p["status"] == "shared"]
        article = squash(title + "".join(paragraphs))
        assert sum(len(squash(p["text"])) for p in shared) == len(article)
        # The headline above the article is the one shared, not the page title's.
        assert shared[0][key][0] == raw.index(f">{title}</h1>") + 1
        chrome = " ".join(
            " ".join(p["text"].split()) for p in side["passages"] if p["status"] == "chrome"
        )
        assert f"{title} | {site}" in chrome or f"{title} - {site}" in chrome
        assert "Share on Facebook | Share on Twitter" in chrome


def test_chinese_copies_are_explained_with_the_shingles_of_the_run(tmp_path):
    """By default explain shingles as the run does (the auto unit: a Chinese character is a
    token): its containment is the run's score for every pair the run verified, copies share
    their text, and an edited character is an edit of one character."""
    folder = data_dir("intl-dev") / "zh"
    corpus = folder / "corpus.jsonl"
    out = tmp_path / "out"
    # The run's chain but the boilerplate a run learns from its corpus (explain learns none).
    chain = ",".join(n for n in DEFAULT_NORMALISERS if n != "boilerplate")
    assert invoke("run", corpus, "-o", out, "-q", "--normalise", chain).exit_code == 0
    run_pairs = read_jsonl(out / "pairs.jsonl")[:80]
    path = write_jsonl(tmp_path / "pairs.jsonl", run_pairs)

    def explained(*options: str) -> list[dict]:
        command = ["explain", "--pairs", str(path), "-i", str(corpus), "--json"]
        command += ["--normalise", chain, *options]
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 0, result.output
        return [json.loads(line) for line in result.stdout.splitlines()]

    default = explained()
    assert len(default) == len(run_pairs)
    for pair, ex in zip(run_pairs, default, strict=True):
        assert abs(ex["scores"]["containment"] - pair["scores"]["containment"]) < 1e-3, pair
    # Whitespace words of Chinese are clauses: with the word unit an edited or retyped copy
    # scores far below what the run saw.
    words = explained("--unit", "word")
    below = [
        p
        for p, e in zip(run_pairs, words, strict=True)
        if e["scores"]["containment"] < p["score"] - 0.2
    ]
    assert len(below) >= len(run_pairs) // 5
    truth = {r["id"]: r for r in read_jsonl(folder / "truth.jsonl")}
    texts = corpus_texts(corpus, {i for p in run_pairs for i in (p["a"], p["b"])})
    edits = single = 0
    for ex in default:
        ops = {truth[ex[k]["id"]]["ops"] for k in "ab"}
        for key in "ab":
            check_offsets(ex[key], key, texts[ex[key]["id"]])
        if truth[ex["a"]["id"]]["cluster"] == truth[ex["b"]["id"]]["cluster"]:
            assert ex["relation"] != "different", ex["scores"]
        if any("edit" in o for o in ops):
            shared = [p for k in "ab" for p in ex[k]["passages"] if p["status"] == "shared"]
            changed = [e for p in shared for e in p.get("edits", [])]
            assert changed and all(len(e["a_text"]) <= 10 for e in changed), changed
            edits += len(changed)
            single += sum(len(e["a_text"]) == len(e["b_text"]) == 1 for e in changed)
    # Mostly one character for one (edits a few characters apart are one edit).
    assert edits >= 20 and single >= edits / 2


def pan13_predictions(explained: list[dict]) -> list[dict]:
    return [
        {
            "suspicious": ex["b"]["id"].split("/")[-1],
            "source": ex["a"]["id"].split("/")[-1],
            "passages": [
                [p["b"][0], p["b"][1] - p["b"][0]]
                for p in ex["b"]["passages"]
                if p["status"] == "shared"
            ],
        }
        for ex in explained
    ]


def test_pan13_copied_passages_found_with_their_offsets(tmp_path):
    """PAN 2013 verbatim reuse, all of pan13-dev in one call, scored by the PAN tool."""
    pan = data_dir("pan13-dev")
    tool = DATA.parent / "tools" / "pan13_eval.py"
    if not tool.exists():
        pytest.skip(f"{tool} is not here")
    rows = [line.split() for line in (pan / "pairs").read_text().splitlines() if line.strip()]
    pairs = write_jsonl(
        tmp_path / "pairs.jsonl", [{"a": f"src/{src}", "b": f"susp/{susp}"} for susp, src in rows]
    )
    result = CliRunner().invoke(cli, ["explain", "--pairs", str(pairs), "-i", str(pan), "--json"])
    assert result.exit_code == 0, result.output
    explained = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(explained) == len(rows)
    for ex in explained[:40]:
        raw = (pan / ex["b"]["id"]).read_text("utf-8")
        check_offsets(ex["b"], "b", raw)
    pred = write_jsonl(tmp_path / "pred.jsonl", pan13_predictions(explained))
    scores = json.loads(
        subprocess.run(
            [sys.executable, str(tool), str(pan / "pan13_cases_realigned.tsv"), str(pred)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert scores["cases"] == 262
    assert scores["char_recall"] >= 0.98, scores
    assert scores["char_precision"] >= 0.98, scores
    assert scores["granularity"] <= 1.05, scores


def _article(syndication) -> tuple[list[str], list[str]]:
    """Two unrelated real articles (originals of two clusters), as words."""
    truth = read_jsonl(syndication / "truth.jsonl")
    originals = [r["id"] for r in truth if r["role"] == "original"][:2]
    texts = corpus_texts(syndication / "corpus.jsonl", originals)
    return texts[originals[0]].split(), texts[originals[1]].split()


def test_a_corrupted_word_does_not_split_a_copy_and_common_phrases_are_not_shared(
    syndication, tmp_path
):
    a, other = _article(syndication)
    copied = a[40:100]
    corrupted = list(copied)
    corrupted[30] = "x" + corrupted[30][1:] + "q"  # one character error inside the copy
    phrase = a[150:156]  # six words of A, far from the copy
    b = other[:60] + corrupted + other[60:200] + phrase + other[200:]
    (tmp_path / "a.txt").write_text(" ".join(a), "utf-8")
    (tmp_path / "b.txt").write_text(" ".join(b), "utf-8")

    def shared(*options):
        result = invoke("explain", tmp_path / "a.txt", tmp_path / "b.txt", "--json", *options)
        return [p for p in json.loads(result.output)["b"]["passages"] if p["status"] == "shared"]

    merged = shared()
    assert len(merged) == 1
    assert squash(merged[0]["text"]) == squash(" ".join(corrupted))
    (edit,) = merged[0]["edits"]
    assert edit["a_text"] == copied[30] and edit["b_text"] == corrupted[30]
    raw_b = (tmp_path / "b.txt").read_text("utf-8")
    assert raw_b[edit["b"][0] : edit["b"][1]] == corrupted[30]
    assert len(shared("--gap", "0")) == 2
    # The six-word phrase counts only when the minimum length allows it.
    short = shared("--min-length", "5")
    assert len(short) == 2 and squash(short[1]["text"]) == squash(" ".join(phrase))


def test_teaser_is_named_with_a_legend_and_the_added_text_in_context():
    news = EXAMPLES / "news"
    result = invoke(
        "explain",
        news / "council-budget-original.txt",
        news / "council-budget-teaser.txt",
        "--no-color",
    )
    assert result.exit_code == 0
    out = result.output
    assert "B is a teaser of A" in out
    assert out.splitlines()[3].startswith("legend: [+ added +]  [~ chrome ~]")
    added = next(
        line for line in out.splitlines() if "[+ The budget passed by 31 votes to 24" in line
    )
    # A few words of the shared text before it, so the reader sees where it goes.
    assert added.startswith("… ") and len(added.split("[+")[0].split()) >= 3
    assert "[~ Continue reading... ~]" in out


def test_separately_written_reports_differ():
    news = EXAMPLES / "news"
    result = invoke(
        "explain", news / "flood-original.txt", news / "flood-report-herald.txt", "--json"
    )
    data = json.loads(result.output)
    assert data["relation"] == "different"
    assert data["scores"]["containment"] < 0.1


def test_many_pairs_in_one_call_with_bad_lines_reported(syndication, tmp_path):
    corpus = syndication / "corpus.jsonl"
    truth = read_jsonl(syndication / "truth.jsonl")
    original = {r["cluster"]: r["id"] for r in truth if r["role"] == "original"}
    pairs = [{"a": original[r["cluster"]], "b": r["id"]} for r in truth if r["role"] != "original"]
    pairs = pairs[:60]
    path = tmp_path / "pairs.jsonl"
    lines = [json.dumps(p) for p in pairs]
    lines[10:10] = ["not json", '{"a": "d00001"}', '{"a": "d00001", "b": "nope"}']
    path.write_text("\n".join(lines) + "\n", "utf-8")
    result = CliRunner().invoke(cli, ["explain", "--pairs", str(path), "-i", str(corpus), "--json"])
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(e["a"]["id"], e["b"]["id"]) for e in out] == [(p["a"], p["b"]) for p in pairs]
    errors = result.stderr.splitlines()
    assert len(errors) == 3
    assert errors[0].startswith(f"{path}:11: skipped, not JSON")
    assert errors[1] == f'{path}:12: skipped, needs ids "a" and "b"'
    assert errors[2] == f"{path}:13: skipped, not found in the input: nope"
    # The same explanation as one pair at a time.
    one = json.loads(invoke("explain", "-i", corpus, pairs[5]["a"], pairs[5]["b"], "--json").output)
    assert out[5] == one
    texts = corpus_texts(corpus, [i for p in pairs[:8] for i in (p["a"], p["b"])])
    for ex in out[:8]:
        check_offsets(ex["a"], "a", texts[ex["a"]["id"]])
        check_offsets(ex["b"], "b", texts[ex["b"]["id"]])


def test_nothing_from_the_data_reaches_the_terminal_raw(tmp_path):
    news = (EXAMPLES / "news" / "council-budget-original.txt").read_text("utf-8").split()
    evil = "\x1b]52;c;ZXZpbA==\x07 \x1b[2J \u202egnp.exe \x9b31m"
    a = " ".join(news[:80])
    b = " ".join(news[:40] + evil.split() + news[40:80] + [evil])
    corpus = write_jsonl(
        tmp_path / "c.jsonl", [{"id": "a\x1b[2Jid", "text": a}, {"id": "b\u202eid", "text": b}]
    )
    for options in (["--no-color"], ["--color"], ["--no-color", "--full"], ["--json"]):
        result = invoke("explain", "-i", corpus, "a\x1b[2Jid", "b\u202eid", *options)
        assert result.exit_code == 0, result.output
        out = result.output
        for raw in ("\x1b]", "\x1b[2J", "\u202e", "\x9b", "\x07"):
            assert raw not in out, (options, raw)
        if "--json" in options:
            data = json.loads(out)
            assert data["b"]["id"] == "b\u202eid"
            assert any("\x1b]52" in p["text"] for p in data["b"]["passages"])
        else:
            assert "\\x1b]52" in out and "<U+202E>" in out and "a\\x1b[2Jid" in out


def test_every_option_has_help_and_a_missing_folder_is_one_line(seeds, tmp_path):
    missing = [p.name for p in explain_command.params if isinstance(p, click.Option) and not p.help]
    assert missing == []
    result = CliRunner().invoke(
        cli,
        [
            "explain",
            str(seeds / "lemonde_original.txt"),
            str(seeds / "003_63ffa25ad3faf19a.txt"),
            "--html",
            str(tmp_path / "nowhere" / "page.html"),
        ],
    )
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert "nowhere" in result.output and "does not exist" in result.output


def test_ids_from_a_corpus_and_clusters(syndication, tmp_path):
    out = tmp_path / "out"
    assert invoke("run", syndication / "corpus.jsonl", "-o", out, "-q").exit_code == 0
    clusters = [json.loads(line) for line in (out / "clusters.jsonl").read_text().splitlines()]
    big = next(c for c in clusters if c["size"] >= 3)
    page = tmp_path / "cluster.html"
    result = invoke(
        "explain",
        "-i",
        syndication / "corpus.jsonl",
        "--clusters",
        out / "clusters.jsonl",
        "--cluster",
        big["cluster"],
        "--html",
        page,
        "--json",
    )
    assert result.exit_code == 0, result.output
    explained = json.loads(result.output)
    assert [e["b"]["id"] for e in explained] == [
        m for m in big["members"] if m != big["representative"]
    ]
    assert all(e["a"]["id"] == big["representative"] for e in explained)
    assert page.read_text().startswith("<!DOCTYPE html>")
    missing = invoke("explain", "-i", syndication / "corpus.jsonl", "d00000", "nope")
    assert missing.exit_code == 1 and "not found in" in missing.output
    # A run's own pairs.jsonl explained in one call.
    result = CliRunner().invoke(
        cli,
        [
            "explain",
            "--pairs",
            str(out / "pairs.jsonl"),
            "-i",
            str(syndication / "corpus.jsonl"),
            "--json",
        ],
    )
    assert result.exit_code == 0 and not result.stderr
    run_pairs = read_jsonl(out / "pairs.jsonl")
    explained = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(e["a"]["id"], e["b"]["id"]) for e in explained] == [
        (p["a"], p["b"]) for p in run_pairs
    ]
    assert all(e["relation"] != "different" for e in explained)


# Run in the page after its own script: scroll the columns to the end and record what a reader
# would see, and every passage's offsets with its text.
_MEASURE = """
<script>
window.addEventListener('load', function () {
  var main = document.querySelector('main');
  var docs = document.querySelectorAll('.doc');
  var out = {scrollable: main.scrollWidth > main.clientWidth,
             overflow: getComputedStyle(main).overflowX};
  main.scrollLeft = main.scrollWidth;
  var last = docs[docs.length - 1].getBoundingClientRect();
  var ref = docs[0].getBoundingClientRect();
  out.lastRight = last.right; out.width = window.innerWidth;
  out.refLeft = ref.left; out.refRight = ref.right;
  out.edits = document.querySelectorAll('.edit del + ins').length;
  out.spans = [];
  docs.forEach(function (d) {
    d.querySelectorAll('[data-start]').forEach(function (s) {
      var own = s.cloneNode(true);  // the member's own text: without the reference's words
      own.querySelectorAll('del').forEach(function (x) { x.remove(); });
      out.spans.push([d.dataset.id, +s.dataset.start, +s.dataset.end, own.textContent]);
    });
  });
  var pre = document.createElement('pre');
  pre.id = 'measured';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
"""


def test_cluster_page_in_headless_chromium(syndication, tmp_path):
    corpus = syndication / "corpus.jsonl"
    truth = read_jsonl(syndication / "truth.jsonl")
    clusters: dict[str, list[dict]] = {}
    for row in truth:
        clusters.setdefault(row["cluster"], []).append(row)
    # The biggest cluster with an edited copy, members after the original: 5+ columns.
    members = max((c for c in clusters.values() if any("edit" in r["ops"] for r in c)), key=len)
    ids = [r["id"] for r in sorted(members, key=lambda r: r["role"] != "original")]
    assert len(ids) >= 5
    page = tmp_path / "page.html"
    result = invoke("explain", "-i", corpus, *ids, "--html", page)
    assert result.exit_code == 0, result.output
    measured = tmp_path / "measured.html"
    measured.write_text(page.read_text("utf-8").replace("</body>", _MEASURE + "</body>"), "utf-8")
    dom = dump_dom(measured, tmp_path / "profile", "--window-size=1400,900")
    # The page's own script ran: it marks the body and counts the added words.
    assert 'data-ready="1"' in dom
    assert f"{len(ids)} documents;" in dom
    assert dom.count('<section class="doc') == len(ids)
    data = json.loads(html.unescape(dom.split('<pre id="measured">')[1].split("</pre>")[0]))
    # Every member can be scrolled into view, and the reference stays beside it.
    assert data["scrollable"] and data["overflow"] == "auto"
    assert data["lastRight"] <= data["width"]
    assert 0 <= data["refLeft"] < 40 and data["refRight"] < data["width"] / 2
    # Substitutions are shown as pairs: the reference's words struck, the member's beside.
    assert data["edits"] > 0
    # Every passage's offsets point at its text in that document as read.
    texts = corpus_texts(corpus, ids)
    assert len(data["spans"]) > 3 * len(ids)
    for doc_id, start, end, text in data["spans"]:
        piece = texts[doc_id][start:end]
        assert squash(stripped(piece)) == squash(text), (doc_id, start, end)
    shot = tmp_path / "page.png"
    screenshot(page, tmp_path / "profile", shot, "--window-size=1400,900")
    assert shot.exists() and shot.stat().st_size > 10_000


def test_eval_command_on_seeds(seeds, tmp_path):
    out = tmp_path / "out"
    invoke("run", seeds, "-o", out, "-q")
    result = invoke("eval", "--truth", seeds / "truth.json", out / "clusters.jsonl")
    assert result.exit_code == 0
    assert "1.0000   1.0000   1.0000   1.0000" in result.output
    assert "original named: 1.0000 (1/1)" in result.output
    data = json.loads(
        invoke("eval", "--truth", seeds / "truth.json", out / "clusters.jsonl", "--json").output
    )
    assert data["overall"]["ari"] == 1.0


def test_eval_reports_roles(syndication, tmp_path):
    out = tmp_path / "out"
    invoke("run", syndication / "corpus.jsonl", "-o", out, "-q")
    result = invoke("eval", "--truth", syndication / "truth.jsonl", out / "clusters.jsonl")
    assert "recall of teaser:" in result.output and "recall of copy:" in result.output
