"""``dedupe explain`` and ``dedupe eval``: shared and added passages, JSON, the HTML page in a
real headless browser, and evaluation figures."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from dedupe.cli import cli

from .conftest import EXAMPLES


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_repost_shares_the_whole_original_and_adds_only_chrome(seeds):
    result = invoke(
        "explain", seeds / "lemonde_original.txt", seeds / "003_63ffa25ad3faf19a.txt", "--json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["relation"] == "copy"
    assert data["a"]["words"]["added"] == 0 and data["a"]["words"]["chrome"] == 0
    b_chrome = " ".join(p["text"] for p in data["b"]["passages"] if p["status"] == "chrome")
    assert "Source link" in b_chrome and "by News7" in b_chrome
    assert data["b"]["words"]["shared"] >= 0.9 * sum(data["b"]["words"].values())


def test_teaser_is_named_and_the_rest_of_the_article_is_added():
    news = EXAMPLES / "news"
    result = invoke(
        "explain",
        news / "council-budget-original.txt",
        news / "council-budget-teaser.txt",
        "--no-color",
    )
    assert result.exit_code == 0
    assert "B is a teaser of A" in result.output
    assert "[+ The budget passed by 31 votes to 24" in result.output
    assert "[~ Continue reading... ~]" in result.output


def test_separately_written_reports_differ():
    news = EXAMPLES / "news"
    result = invoke(
        "explain", news / "flood-original.txt", news / "flood-report-herald.txt", "--json"
    )
    data = json.loads(result.output)
    assert data["relation"] == "different"
    assert data["scores"]["containment"] < 0.1


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


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("no chromium on this machine (apt-get install chromium)")


def test_html_page_renders_in_headless_chromium(seeds, tmp_path):
    page = tmp_path / "page.html"
    result = invoke(
        "explain",
        seeds / "lemonde_original.txt",
        seeds / "003_63ffa25ad3faf19a.txt",
        "--html",
        page,
    )
    assert result.exit_code == 0
    browser = chromium()
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    dom = subprocess.run(
        [browser, *flags, "--virtual-time-budget=2000", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    # The page's script ran in the browser: it marks the body and counts the added words.
    assert 'data-ready="1"' in dom
    assert "2 documents;" in dom
    assert 'class="chrome">Source link' in dom or "Source link" in dom
    assert dom.count('class="doc"') == 2
    shot = tmp_path / "page.png"
    subprocess.run(
        [browser, *flags, f"--screenshot={shot}", "--window-size=1400,900", page.as_uri()],
        capture_output=True,
        timeout=120,
    )
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
