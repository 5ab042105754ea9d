"""Main-content extraction for the ``html`` normaliser: a whole web page becomes its article.

A crawled page carries its site's navigation, footer, cookie notice and related links; left in,
that chrome dominates the shingles and a repost is grouped with the page whose chrome it
wears. Whole pages (a doctype, ``<html>``, ``<head>`` or ``<body>``) therefore go through
trafilatura's main-content extractor (chosen by measurement: ``benchmarks/bench_extract.py``);
fragments (a feed's ``<p>`` paragraphs), pages it finds nothing in, and plain text go through
the regex stripper, which keeps every visible word. Plain text without ``<`` costs one scan.

What extraction drops is chrome: its share of the page's *visible* text (markup is not
chrome) is reported per document, for the original policy and for ``explain``.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

_DROP_BLOCKS = re.compile(
    r"<(script|style|noscript|template)\b[^>]*>.*?</\1\s*>|<!--.*?-->|<!\[CDATA\[.*?\]\]>",
    re.IGNORECASE | re.DOTALL,
)
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|section|article|header|footer|nav|aside|"
    r"blockquote|pre|hr|main|figure|figcaption|dd|dt|dl)\b[^<>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>|<![A-Za-z][^<>]*>")
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")


def strip_html(text: str) -> str:
    """Drop tags (block tags become line breaks), scripts, styles and comments; decode entities.

    Repeated until nothing changes (bounded), so escaped markup such as ``&lt;p&gt;`` is removed
    too and the normaliser is idempotent.
    """
    for _ in range(8):
        if "<" not in text and "&" not in text:
            return text
        before = text
        text = _DROP_BLOCKS.sub(" ", text)
        text = _BLOCK_TAG.sub("\n", text)
        text = _TAG.sub(" ", text)
        if _ENTITY.search(text):
            text = html.unescape(text)
        if text == before:
            return text
    return text


#: A whole page, not a fragment: one of its document-level tags (whole tags, the forms
#: ``strip_html`` removes, so its output is never taken for a page). Searched only in texts
#: with ``<``.
_PAGE = re.compile(
    r"<(?:!doctype\s+html\b[^<>]*|(?:html|head|body)(?:\s[^<>]*)?/?)>", re.IGNORECASE
)


def is_page(text: str) -> bool:
    """Whether ``text`` is a whole HTML page (what main-content extraction is for)."""
    return "<" in text and _PAGE.search(text) is not None


@cache
def _trafilatura() -> Any:
    """trafilatura's ``extract``, imported on the first page (plain-text runs never load it);
    its log lines, which can quote the data, are kept off the terminal."""
    import trafilatura

    log = logging.getLogger("trafilatura")
    log.addHandler(logging.NullHandler())
    log.propagate = False
    return trafilatura.extract


def _extract_main(page: str) -> str | None:
    """The article text trafilatura finds in ``page`` (one paragraph a line), or ``None``.

    Comments are left out (a repost does not carry them; they are the page's, not the
    article's); so are tables, which on news pages are mostly listings and layout.
    """
    extract = _trafilatura()
    try:
        text: str | None = extract(
            page,
            include_comments=False,
            include_tables=False,
            with_metadata=False,
            deduplicate=False,
        )
    except Exception:  # a page the parser cannot take is stripped instead
        return None
    if text is None or not text.strip():
        return None
    # Its text may quote markup ("<p>"): stripped as a fragment would be, so the normaliser
    # is idempotent.
    return strip_html(text)


def _letters(text: str) -> int:
    """Characters other than whitespace (what a reader sees, however it is laid out)."""
    return len("".join(text.split()))


@dataclass(frozen=True)
class Extraction:
    """A document through the ``html`` normaliser: its ``text``, the ``visible`` text of the
    whole page (regex-stripped), and the share of that visible text extraction dropped."""

    text: str
    visible: str
    removed_share: float
    extracted: bool


def extract(text: str) -> Extraction:
    """Main content of a page; the regex-stripped text of anything else (nothing removed)."""
    if not is_page(text):
        stripped = strip_html(text)
        return Extraction(stripped, stripped, 0.0, False)
    visible = strip_html(text)
    main = _extract_main(text)
    if main is None:
        return Extraction(visible, visible, 0.0, False)
    seen = _letters(visible)
    kept = _letters(main)
    share = 0.0 if seen == 0 else min(max(1.0 - kept / seen, 0.0), 1.0)
    return Extraction(main, visible, share, True)


def main_text(text: str) -> str:
    """The ``html`` normaliser on one text: main content of a page, else tags stripped."""
    if not is_page(text):
        return strip_html(text)
    main = _extract_main(text)
    return strip_html(text) if main is None else main


def main_text_measuring(texts: list[str]) -> tuple[list[str], np.ndarray]:
    """:func:`main_text` on a batch, and per text the share of its visible text dropped."""
    out: list[str] = []
    removed = np.zeros(len(texts))
    for k, text in enumerate(texts):
        if not is_page(text):
            out.append(strip_html(text))
            continue
        result = extract(text)
        out.append(result.text)
        removed[k] = result.removed_share
    return out, removed


def visible_lines(text: str) -> list[tuple[str, bool]]:
    """The page's visible lines (spaces collapsed, empty ones left out), each with whether
    extraction kept it; every line is kept for a fragment or plain text. For ``explain``:
    the lines not kept are the chrome extraction removed."""
    result = extract(text)
    lines = [" ".join(line.split()) for line in result.visible.split("\n")]
    lines = [line for line in lines if line]
    if not result.extracted:
        return [(line, True) for line in lines]
    kept = " ".join(result.text.split())
    return [(line, line in kept) for line in lines]
