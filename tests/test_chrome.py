"""Chrome removal, roles, and naming the original on real data (learned boilerplate:
test_boilerplate.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedupe import Engine
from dedupe.default_plugins.chrome import strip_chrome
from dedupe.evaluate import evaluate, load_clusters, load_truth


@pytest.mark.parametrize(
    "line",
    [
        "Source link",
        "Read more at the source.",
        "Continue reading...",
        "Lire la suite…",
        "Share on Facebook Share on X Email",
        "Partager sur Facebook",
        "Tags: London",
        "Comments (0)",
        "Copyright 2005. All rights reserved.",
        "BREAKING",
        "by News7",
        "Par Jean Dupont et Marie Curie, AFP",
        "Accueil > Actualités > Culture",
        "Home » News » World",
        "Advertisement",
        "Subscribe to our newsletter",
    ],
)
def test_chrome_lines_are_removed(line):
    assert strip_chrome(f"Real first paragraph here.\n{line}\nReal last paragraph.") == (
        "Real first paragraph here.\nReal last paragraph."
    )


@pytest.mark.parametrize(
    "line",
    [
        "By the end of the year, sales had doubled.",
        "Par ailleurs, le gouvernement a annoncé une réforme.",
        "Read the statement carefully, the minister said, because it matters.",
        "The share price fell on Facebook's results.",
    ],
)
def test_content_lines_are_kept(line):
    text = f"Intro paragraph.\n{line}\nClosing paragraph."
    assert strip_chrome(text) == text


def test_title_site_suffix_and_breadcrumb_are_trimmed():
    text = "Oscars steer clear of controversy | DailyFeed\nHome News UK economy grows\nBody."
    assert strip_chrome(text) == "Oscars steer clear of controversy\nUK economy grows\nBody."


def test_related_block_at_the_end_is_removed(seed_texts):
    repost = strip_chrome(seed_texts["003_63ffa25ad3faf19a.txt"])
    assert "You may also like" not in repost and "news7.asia" not in repost
    assert "Le Monde avec AFP" in repost


@given(st.text(max_size=300))
def test_chrome_is_total_and_idempotent(text):
    once = strip_chrome(text)
    assert strip_chrome(once) == once


def test_repost_and_teaser_roles(seed_texts):
    body = seed_texts["lemonde_original.txt"]
    teaser = " ".join(body.split()[:80]) + "\nLire la suite"
    docs = [
        ("original", body),
        ("repost", "Accueil > Monde\nPar la rédaction\n" + body + "\nPartager sur Facebook"),
        ("teaser", teaser),
    ]
    (cluster,) = Engine(load_plugins=False).run_documents(docs).clusters
    assert cluster.representative == "original"
    assert cluster.roles == {"original": "original", "repost": "copy", "teaser": "teaser"}


def test_syndication_quality(syndication, engine, tmp_path):
    engine.run([syndication / "corpus.jsonl"], tmp_path)
    report = evaluate(
        load_truth(syndication / "truth.jsonl"), load_clusters(tmp_path / "clusters.jsonl")
    )
    assert report["overall"]["precision"] >= 0.99
    assert report["overall"]["ari"] >= 0.98
    assert report["by_role"]["teaser"]["recall"] >= 0.90
    # Goal 0.98; the misses left are (original, edited copy) pairs with nothing to tell them
    # apart but the edits (see the closing note of issue 3).
    assert report["original_named"]["share"] >= 0.97


def test_examples_corpus_matches_its_expected_clusters(tmp_path):
    from .conftest import EXAMPLES

    result = Engine(load_plugins=False).run([EXAMPLES / "news"], tmp_path)
    expected = load_truth(EXAMPLES / "expected_clusters.json")
    report = evaluate(expected, load_clusters(tmp_path / "clusters.jsonl"))
    assert report["overall"]["precision"] == 1.0 and report["overall"]["recall"] == 1.0
    assert report["original_named"]["share"] == 1.0, [c.representative for c in result.clusters]
