#!/usr/bin/env python3
"""Main-content extractors for the ``html`` normaliser, compared on html-dev: what dedupe's
default settings make of their output, how close it is to the article, and how fast.

    .venv/bin/python benchmarks/bench_extract.py [--data DIR] [--only NAME,...] [--json PATH]

``--data`` is ``../shared/data/html-dev`` beside the checkout by default (175 real article pages
of 175 sites and reposts of their articles in other sites' pages, see its README). Extractors:

- ``regex``: dedupe's tag stripper (every visible word: the baseline, no extraction);
- ``trafilatura``: as the ``html`` normaliser calls it (comments and tables left out);
- ``trafilatura-fast``: the same with ``fast=True`` (no fallback extractors);
- ``resiliparse``: ``extract_plain_text(main_content=True, comments=False)``;
- ``readability``: readability-lxml's ``Document.summary()``, tags then stripped;
- ``selectolax``: selectolax (lexbor) with density rules written here: chrome elements by tag
  and class/id dropped, each paragraph scores its parent by length, commas and link density
  (as Readability does), the best parent's paragraphs with few links are the text.

Each extractor's output replaces every page of the corpus (plain-text copies stay as they are),
then ``dedupe`` runs with its default settings; its clusters are scored against ``truth.jsonl``
(pairwise precision, recall, ARI). The row ``dedupe html normaliser`` is the raw corpus through
the default chain itself (the same trafilatura call, plus the chrome share it reports to the
original policy: only that row names originals as a real run does).

Quality: for the clusters with a ``plain`` copy (the article's title and body as text, built
from trafilatura's output, which favours trafilatura; see the data README), word 5-gram
precision of each original and full repost page's extraction against that copy, and recall of
the copy's body. Speed: CPU seconds of one core over all pages, each page once (after the
extractor is imported and warmed up on one page).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from provenance import ROOT, dedupe_source

from dedupe import Engine
from dedupe.default_plugins import main_content
from dedupe.default_plugins.main_content import is_page, strip_html
from dedupe.evaluate import evaluate, load_truth

Extractor = Callable[[str], "str | None"]


def regex(page: str) -> str:
    return strip_html(page)


def trafilatura_dedupe(page: str) -> str | None:
    return main_content._extract_main(page)


def trafilatura_fast(page: str) -> str | None:
    import trafilatura

    return trafilatura.extract(page, fast=True, include_comments=False, include_tables=False)


def resiliparse(page: str) -> str | None:
    from resiliparse.extract.html2text import extract_plain_text

    text: str = extract_plain_text(page, main_content=True, comments=False)
    return text


def readability(page: str) -> str | None:
    from readability import Document

    return strip_html(Document(page).summary(html_partial=True))


_DROP_TAGS = "script, style, noscript, template, svg, iframe, nav, header, footer, aside, form, "
_DROP_TAGS += "button, select, input"
_CHROME_ATTR = re.compile(
    r"comment|share|social|related|sidebar|menu|navig|footer|header|cookie|consent|newsletter|"
    r"promo|advert|\bads?\b|banner|breadcrumb|widget|popup|modal|subscribe|recommend|teaser|"
    r"most-?read|trending|\btags\b|author-?bio",
    re.IGNORECASE,
)
_BLOCKS = "p, h1, h2, h3, h4, h5, h6, li, blockquote, pre, td, dd"


def _paragraph_letters(node: Any) -> int:
    """Characters in the paragraphs (``<p>`` of 25 characters or more) under ``node``."""
    lengths = (len(p.text(deep=True, strip=True)) for p in node.css("p"))
    return sum(n for n in lengths if n >= 25)


def selectolax_density(page: str) -> str | None:
    """Readability-style density rules on selectolax's lexbor tree."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(page)
    body = tree.body
    if body is None:
        return None
    for node in tree.css(_DROP_TAGS):
        node.decompose()
    # Chrome by class or id ("sidebar", "share"...), unless it holds much of the page's
    # paragraph text (themes name the article's wrappers "content-sidebar-wrap", "has-sidebar").
    paragraphs = _paragraph_letters(body)
    doomed = []
    for node in body.css("[class], [id]"):
        attrs = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
        if node.tag in ("body", "main", "article") or not _CHROME_ATTR.search(attrs):
            continue
        if _paragraph_letters(node) < 0.3 * paragraphs:
            doomed.append(node)
    for node in doomed:
        if node.parent is not None:  # not already gone with an ancestor
            node.decompose()
    scores: dict[int, float] = {}
    nodes: dict[int, object] = {}
    for block in body.css(_BLOCKS):
        text = block.text(deep=True, separator=" ", strip=True)
        if len(text) < 25:
            continue
        links = sum(len(a.text(deep=True, strip=True)) for a in block.css("a"))
        density = min(links / len(text), 1.0)
        score = (1 + text.count(",") + min(len(text) / 100, 3)) * (1 - density)
        parent = block.parent
        for weight in (1.0, 0.5):
            if parent is None:
                break
            scores[parent.mem_id] = scores.get(parent.mem_id, 0.0) + score * weight
            nodes[parent.mem_id] = parent
            parent = parent.parent
    if not scores:
        return None
    best = max(scores, key=lambda k: scores[k])
    top: Any = nodes[best]
    # The best parent and its siblings that score at least a fifth as much (an article split
    # over several containers), in page order.
    parts = [top]
    if top.parent is not None:
        parts = [
            sib
            for sib in top.parent.iter()
            if sib.mem_id == best or scores.get(sib.mem_id, 0.0) >= 0.2 * scores[best]
        ]
    lines = []
    for part in parts:
        for block in part.css(_BLOCKS):
            text = block.text(deep=True, separator=" ", strip=True)
            links = sum(len(a.text(deep=True, strip=True)) for a in block.css("a"))
            if text and links < 0.5 * len(text):
                lines.append(" ".join(text.split()))
    return "\n".join(lines) or None


EXTRACTORS: dict[str, Extractor] = {
    "regex": regex,
    "trafilatura": trafilatura_dedupe,
    "trafilatura-fast": trafilatura_fast,
    "resiliparse": resiliparse,
    "readability": readability,
    "selectolax": selectolax_density,
}


def _grams(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.casefold())
    return {tuple(words[i : i + 5]) for i in range(len(words) - 4)}


def quality(
    outputs: dict[str, str], docs: dict[str, str], truth: list[dict]
) -> dict[str, float | int]:
    """Mean word 5-gram precision against the plain copy (title and body) and recall of its
    body, over the originals and full reposts of the clusters that have a plain copy."""
    plain = {r["cluster"]: docs[r["id"]] for r in truth if r["role"] == "plain"}
    precision, recall = [], []
    for r in truth:
        if r["role"] not in ("original", "repost") or r["cluster"] not in plain:
            continue
        reference = plain[r["cluster"]]
        body = _grams(reference.split("\n", 1)[1] if "\n" in reference else reference)
        whole = _grams(reference)
        got = _grams(outputs[r["id"]])
        precision.append(len(got & whole) / len(got) if got else 0.0)
        recall.append(len(got & body) / len(body) if body else 1.0)
    return {
        "precision": round(sum(precision) / len(precision), 4),
        "recall": round(sum(recall) / len(recall), 4),
        "pages": len(precision),
    }


def dedupe_scores(rows: list[dict], truth_path: Path) -> dict[str, float]:
    """dedupe with default settings on ``rows``; pairwise scores and originals named."""
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
        Engine(load_plugins=False, workers=1).run([corpus], Path(tmp) / "out")
        clusters = [
            json.loads(line)
            for line in (Path(tmp) / "out" / "clusters.jsonl").read_text("utf-8").split("\n")
            if line
        ]
    report = evaluate(load_truth(truth_path), clusters)
    overall = {k: round(float(v), 4) for k, v in report["overall"].items() if k in _KEYS}
    overall["originals_named"] = round(report["original_named"]["share"], 4)
    return overall


_KEYS = ("precision", "recall", "f1", "ari")


def measure(name: str, extractor: Extractor, docs: dict[str, str]) -> tuple[dict, dict]:
    """Run ``extractor`` on every page once: outputs (the page itself where it finds nothing,
    as the normaliser falls back) and speed."""
    pages = {k: v for k, v in docs.items() if is_page(v)}
    extractor(next(iter(pages.values())))  # import and warm up
    outputs = dict(docs)
    empty = failed = 0
    started = time.process_time()
    for key, page in pages.items():
        try:
            text = extractor(page)
        except Exception:
            text, failed = None, failed + 1
        if not text or not text.strip():
            empty += 1
            text = strip_html(page)
        outputs[key] = text
    cpu = time.process_time() - started
    megabytes = sum(len(p.encode()) for p in pages.values()) / 1e6
    speed = {
        "pages": len(pages),
        "cpu_s": round(cpu, 3),
        "docs_per_s": round(len(pages) / cpu, 1),
        "mb_per_s": round(megabytes / cpu, 2),
        "nothing_found": empty - failed,
        "failed": failed,
    }
    return outputs, speed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "html-dev")
    parser.add_argument("--only", default="", help="comma-separated extractor names")
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    args = parser.parse_args()
    corpus, truth_path = args.data / "corpus.jsonl", args.data / "truth.jsonl"
    if not corpus.exists():
        print(f"{corpus} is not here (see the data README)", file=sys.stderr)
        return 2
    rows = [json.loads(line) for line in corpus.read_text("utf-8").split("\n") if line]
    docs = {r["id"]: r["text"] for r in rows}
    truth = [json.loads(line) for line in truth_path.read_text("utf-8").split("\n") if line]
    names = [n for n in args.only.split(",") if n] or list(EXTRACTORS)
    results: dict[str, dict] = {}
    for name in names:
        outputs, speed = measure(name, EXTRACTORS[name], docs)
        scores = dedupe_scores([{"id": k, "text": v} for k, v in outputs.items()], truth_path)
        scores.pop("originals_named")  # pre-extracted text carries no chrome share
        results[name] = {"speed": speed, "quality": quality(outputs, docs, truth), "dedupe": scores}
        print(name, json.dumps(results[name]), flush=True)
    results["dedupe html normaliser"] = {"dedupe": dedupe_scores(rows, truth_path)}
    print("dedupe html normaliser", json.dumps(results["dedupe html normaliser"]), flush=True)
    if args.json:
        info = {"dedupe": dedupe_source(), "data": str(args.data), "results": results}
        args.json.write_text(json.dumps(info, indent=1) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
