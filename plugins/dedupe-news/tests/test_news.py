"""dedupe-news on real reposts: what it removes beyond ``chrome``, what it keeps, and the runs
that change because of it."""

from __future__ import annotations

import json
from pathlib import Path

import dedupe_news
import numpy as np
import pytest
from click.testing import CliRunner
from dedupe_news import strip_news
from dedupe_news.rules import repeated_headline

from dedupe.cli import cli
from dedupe.default_plugins.chrome import strip_chrome
from dedupe.evaluate import evaluate, load_truth
from dedupe.testing import check_plugin, isolated_engine, pair_context

#: The default chain with ``news`` after ``chrome``, where the README puts it.
NEWS_CHAIN = "html,chrome,news,boilerplate,nfkc,quotes,casefold,punctuation,whitespace"
DEFAULT_CHAIN = "html,chrome,boilerplate,nfkc,quotes,casefold,punctuation,whitespace"
WRAPPED = ("wrap", "html+wrap", "retype+wrap")


# -- start contract-test --
def test_the_plugin_keeps_the_contracts(seeds, syndication_docs):
    samples = [p.read_text("utf-8") for p in sorted(seeds.glob("*.txt"))]
    samples += [syndication_docs[d] for d in sorted(syndication_docs)[:200]]
    assert check_plugin(dedupe_news, samples=samples, max_examples=400) == {"normaliser": ["news"]}


# -- end contract-test --


# -- what it removes, line by line --------------------------------------------------------------

BODY = "The minister said the plan would be published in the spring, after talks with unions."
FURNITURE_LINES = {
    "byline-agency-date": "By Jane Doe, Reuters | 12 Sept 2023",
    "byline-two-names-agency": "By Jane Doe and John Smith, AFP",
    "byline-fr-agency-date-time": "Par Jean Dupont (AFP), le 12 septembre 2023 à 10h30",
    "name-comma-agency": "Jane Doe, Reuters",
    "published-time": "Published 12:30 BST, 12 September 2023",
    "publie-mis-a-jour": "Publié aujourd'hui à 10h30, mis à jour à 11h02",
    "reading-time-fr": "Temps de lecture : 3 min",
    "reading-time-en": "4 min read",
    "related-link": "Related: Unions call for a national strike next week",
    "lire-aussi-link": "Lire aussi : Le gouvernement présente son budget",
    "caption-credit": "Photo: Jane Doe / AFP",
    "image-caption": "Image caption: The minister arrives at Downing Street",
    "credit-photo-fr": "Crédit photo : DR",
    "share-this": "Share this: Facebook Twitter WhatsApp",
}


@pytest.mark.parametrize("line", FURNITURE_LINES.values(), ids=FURNITURE_LINES.keys())
def test_furniture_lines_are_removed(line):
    assert strip_news(f"Headline of the story\n{line}\n{BODY}") == (
        f"Headline of the story\n{BODY}"
    )


FOOTER_LINES = {
    "originally-published": "This article was originally published by BBC News. Read the original.",
    "wordpress-post": "The post Minister sets out plan appeared first on Daily Wire.",
    "domain-and-title": "news7.asia Minister sets out plan",
}


@pytest.mark.parametrize("line", FOOTER_LINES.values(), ids=FOOTER_LINES.keys())
def test_site_footers_are_removed(line):
    assert strip_news(f"{BODY}\n\n{line}") == f"{BODY}\n"


INLINE = {
    "photo-credit": ("à Pyongyang, le 10 septembre 2023. STR / AFP Son train", "à Pyongyang, le 10 "
                     "septembre 2023.   Son train"),
    "getty-credit": ("He waved. (Photo by Jane Doe/AFP via Getty Images) Then", "He waved.   Then"),
    "share-bar-run-in": ("the end of the story. Share on Facebook Share on X Email",
                         "the end of the story.  "),
    "lire-aussi-paywall": ("bien réel. Lire aussi : Article réservé à nos abonnés Avec la "
                           "rencontre", "bien réel.  Avec la rencontre"),
    "dateline-agency": ("LONDON (Reuters) - Britain's economy grew faster than expected",
                        "Britain's economy grew faster than expected"),
    "dateline-fr": ("PARIS, 12 sept (AFP) - Le gouvernement a présenté", "Le gouvernement a "
                    "présenté"),
}  # fmt: skip


@pytest.mark.parametrize(("before", "after"), INLINE.values(), ids=INLINE.keys())
def test_furniture_inside_lines_is_removed(before, after):
    assert strip_news(before) == after


CONTENT = {
    "by-the-end": "By the end of the year, sales had doubled, the company said.",
    "reuters-reported": "Reuters reported on Tuesday that the talks had stalled.",
    "share-price": "The share price fell after Facebook and Twitter reported results.",
    "picture-headline": "Picture perfect: a village wins the best-kept award",
    "ratio-with-slash": "Turnout was 62/100 in the first round, officials said.",
    "related-in-a-sentence": "Related companies were not affected, he said.",
    "read-more-in-a-sentence": "Read more slowly, the teacher told the class.",
    "caps-opening": "NATO allies agreed on Tuesday to raise spending by two percent.",
}


@pytest.mark.parametrize("line", CONTENT.values(), ids=CONTENT.keys())
def test_content_is_kept(line):
    text = f"Headline of the story\n\n{line}\n\n{BODY}"
    assert strip_news(text) == text


# -- the repeated headline, on the real news7 repost --------------------------------------------


def test_the_repeated_headline_is_kept_once(seed_texts):
    repost = seed_texts["003_63ffa25ad3faf19a.txt"]
    title = "Kim Jong-un est arrivé en Russie, où il doit rencontrer Vladimir Poutine"
    # Behind the breadcrumb, alone twice, chained three times, and after the domain.
    assert repost.count(title) == 7
    assert repeated_headline(repost.split("\n")) == title.casefold()
    assert strip_news(repost).count(title) == 1
    once = strip_news(strip_chrome(repost))
    assert once.count(title) == 1 and once.startswith(title)
    assert once.rstrip().endswith("Le Monde avec AFP")  # the article's own last words
    assert "STR / AFP" not in once and "Article réservé" not in once
    assert "Télécharger l’application" not in once


@pytest.fixture(scope="session")
def seed_texts(seeds: Path) -> dict[str, str]:
    return {p.name: p.read_text("utf-8") for p in sorted(seeds.glob("*.txt"))}


def _jaccard(texts: dict[str, str], a: str, b: str, chain: str) -> float:
    engine = isolated_engine(dedupe_news, normalise=chain)
    ctx, _ = pair_context([(a, texts[a]), (b, texts[b])], engine)
    return float(engine.registry.get("scorer", "jaccard")(np.array([[0, 1]]), ctx)[0])


def test_the_seeds_repost_becomes_its_original(seed_texts):
    """Measured: Jaccard 0.9943 with chrome alone (the repeated headline leaves shingles that
    span it), 1.0 with news: the normalised repost is the original."""
    pair = ("003_63ffa25ad3faf19a.txt", "lemonde_original.txt")
    without = _jaccard(seed_texts, *pair, DEFAULT_CHAIN)
    with_news = _jaccard(seed_texts, *pair, NEWS_CHAIN)
    assert without < 0.996 and with_news == 1.0


def test_news_adds_to_chrome_rather_than_repeating_it(seed_texts):
    """On the news7 repost, chrome has already removed what news would remove as lines; what
    news removes on top is the repeated headline and the furniture inside the lines."""
    repost = seed_texts["003_63ffa25ad3faf19a.txt"]
    after_chrome = strip_chrome(repost)
    assert strip_news(after_chrome) != after_chrome
    assert len(strip_news(after_chrome)) < len(after_chrome) - 150


# -- syndication-dev: wrapped copies become their originals -------------------------------------


def _identical_after_normalising(docs, truth, chain: str) -> dict[str, tuple[int, int]]:
    engine = isolated_engine(dedupe_news, normalise=chain)
    normalise = engine.chain
    original = {t["cluster"]: t["id"] for t in truth if t["role"] == "original"}
    out: dict[str, list[int]] = {ops: [0, 0] for ops in WRAPPED}
    for t in truth:
        if t["ops"] in WRAPPED:
            copy, orig = normalise([docs[t["id"]], docs[original[t["cluster"]]]])
            out[t["ops"]][0] += copy == orig
            out[t["ops"]][1] += 1
    return {ops: (same, total) for ops, (same, total) in out.items()}


def test_wrapped_copies_normalise_to_their_original(syndication_docs, syndication_truth):
    """Measured (chain without ``boilerplate``, which needs a corpus to learn from): 147 of 403
    wrapped copies are their original after html..chrome alone; all 403 with news."""
    chain = "html,chrome,{}nfkc,quotes,casefold,punctuation,whitespace"
    without = _identical_after_normalising(syndication_docs, syndication_truth, chain.format(""))
    with_news = _identical_after_normalising(
        syndication_docs, syndication_truth, chain.format("news,")
    )
    assert all(same == total for same, total in with_news.values()), with_news
    assert sum(s for s, _ in without.values()) < sum(t for _, t in without.values()) // 2


def _run(path: Path, chain: str, *scorers: str):
    return isolated_engine(dedupe_news, normalise=chain, scorers=list(scorers)).run([path])


def _quality(syndication: Path, result) -> dict:
    clusters = [{"members": c.members, "representative": c.representative} for c in result.clusters]
    return evaluate(load_truth(syndication / "truth.jsonl"), clusters)


def test_syndication_run_with_news(syndication: Path):
    """Default scorer: quality as good as without (measured: P 1.0, R 0.9984, ARI 0.9992 both).
    Exact-copy policy (``--scorer jaccard=0.99``): measured 392 -> 469 copies found, recall
    0.260 -> 0.321, precision 1.0 both."""
    corpus = syndication / "corpus.jsonl"
    base = _quality(syndication, _run(corpus, DEFAULT_CHAIN, "containment"))["overall"]
    news = _quality(syndication, _run(corpus, NEWS_CHAIN, "containment"))["overall"]
    assert news["precision"] >= base["precision"] and news["ari"] >= base["ari"] - 1e-9

    strict_base = _run(corpus, DEFAULT_CHAIN, "jaccard=0.99")
    strict_news = _run(corpus, NEWS_CHAIN, "jaccard=0.99")
    removed = strict_news.counts["duplicates_removed"] - strict_base.counts["duplicates_removed"]
    assert removed >= 50
    assert _quality(syndication, strict_news)["overall"]["precision"] == 1.0


def test_dedupe_plugins_lists_the_installed_plugin():
    result = CliRunner().invoke(cli, ["plugins", "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.output)}
    assert "news" in rows, "pip install -e plugins/dedupe-news first"
    assert rows["news"]["distribution"] == "dedupe-news"
    assert rows["news"]["registers"] == {"normaliser": ["news"]}


# -- what it must leave alone -------------------------------------------------------------------


def test_articles_without_furniture_are_left_alone(syndication_docs, syndication_truth, seeds):
    """Measured: not one character removed from the 1,085 BBC originals of syndication-dev,
    the 21,578 Reuters-21578 stories or the 100 ELTeC-fra novels."""
    originals = [syndication_docs[t["id"]] for t in syndication_truth if t["role"] == "original"]
    assert [t for t in originals if strip_news(t) != t] == []
    others = [p.read_text("utf-8") for p in sorted(seeds.glob("00[0124]_*.txt"))]
    others.append((seeds / "lemonde_original.txt").read_text("utf-8"))
    # The seeds' own reports keep their text; only Le Monde's in-text furniture goes.
    changed = [t for t in others if strip_news(t) != t]
    assert all("Lire aussi" in t or "/ AFP" in t for t in changed)


def test_wire_copy_and_novels_are_left_alone(reuters, eltec):
    """A quarter of the Reuters stories and a tenth of the novels (all of them: measured)."""
    with open(reuters / "reuters21578_docs.jsonl", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    stories = ["\n\n".join(r[k] for k in ("title", "body") if r.get(k)) for r in rows[::4]]
    assert [s[:80] for s in stories if strip_news(s) != s] == []
    novels = [p.read_text("utf-8") for p in sorted((eltec / "plain1").glob("*.txt"))[::10]]
    assert [n[:80] for n in novels if strip_news(n) != n] == []
