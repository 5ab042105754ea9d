"""Whether a web page's own metadata names the article the page shows (for the original policy).

A publisher's page of an article declares it: its metadata headline (``og:title``, else
``twitter:title``) is the headline the page shows (``<title>``, the first ``<h1>``), give or
take the site's name. A copy is not so marked: plain text and fragments carry no metadata,
and a page whose body was put into another site's page keeps that page's metadata, which
names another article. So the share of the metadata headline's words found in the shown
headline is positive evidence of the article's own page; its absence is evidence of nothing
(a page without metadata is judged by its chrome, as before).

Only the page's ``<head>`` tags and first ``<h1>`` are scanned (regular expressions over the
raw page, no second parse); words are runs of letters and digits, each character of a script
written without spaces counting as one word.
"""

from __future__ import annotations

import html
import re
import unicodedata

import numpy as np

from dedupe.default_plugins.main_content import is_page

_META = re.compile(r"<meta\b[^<>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([A-Za-z_:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>]+))""")
_TITLE = re.compile(r"<title\b[^<>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_H1 = re.compile(r"<h1\b[^<>]*>(.*?)</h1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^<>]*>")
#: Scripts written without spaces (Thai, Lao, Myanmar, Khmer, kana, Han): each character is
#: a word.
_UNSPACED = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
)
_WORD = re.compile(rf"[{_UNSPACED}]|(?:(?![{_UNSPACED}])\w)+")
#: Metadata headlines, in order of preference.
HEADLINE_KEYS = ("og:title", "twitter:title")


def _words(text: str) -> set[str]:
    folded = unicodedata.normalize("NFKC", html.unescape(_TAG.sub(" ", text))).casefold()
    return set(_WORD.findall(folded))


def metadata_headline(page: str) -> str | None:
    """The page's metadata headline (``og:title``, else ``twitter:title``), or ``None``."""
    found: dict[str, str] = {}
    for tag in _META.finditer(page):
        attributes: dict[str, str] = {}
        for name, double, single, bare in _ATTRIBUTE.findall(tag.group(0)):
            attributes.setdefault(name.lower(), double or single or bare)
        key = (attributes.get("property") or attributes.get("name") or "").strip().lower()
        if key in HEADLINE_KEYS and key not in found and attributes.get("content", "").strip():
            found[key] = attributes["content"]
    return next((found[k] for k in HEADLINE_KEYS if k in found), None)


def declared_share(text: str) -> float:
    """The share of a whole page's metadata headline words found in the headline it shows
    (``<title>`` and the first ``<h1>``); 0.0 for a page without one, a fragment or plain
    text."""
    if not is_page(text):
        return 0.0
    headline = metadata_headline(text)
    if headline is None:
        return 0.0
    declared = _words(headline)
    if not declared:
        return 0.0
    shown = " ".join(m.group(1) for p in (_TITLE, _H1) if (m := p.search(text)) is not None)
    return len(declared & _words(shown)) / len(declared)


def declared_shares(texts: list[str]) -> np.ndarray:
    """:func:`declared_share` of each text of a batch."""
    return np.fromiter((declared_share(t) for t in texts), np.float64, len(texts))
