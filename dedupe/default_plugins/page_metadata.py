"""Whether a web page's own metadata names the article the page shows (for the original policy).

A publisher's page of an article declares it: its metadata headline (``og:title``, else
``twitter:title``) is the headline the page shows (``<title>``, the first ``<h1>``), give or
take the site's name. A copy is not so marked: plain text and fragments carry no metadata,
and a page whose body was put into another site's page keeps that page's metadata, which
names another article. A page that credits the article elsewhere in its own furniture (a
"Source link" or "Originally published at ..." line among what extraction dropped, naming
another site than its own) declares nothing either: an aggregator's metadata names what it
shows too. So the share of the metadata headline's words found in the shown headline, unless
the page credits another site, is positive evidence of the article's own page; its absence is
evidence of nothing (a page without metadata is judged by its chrome, as before).

Only the page's ``<meta>`` tags, ``<title>`` and first ``<h1>`` are read (regular expressions
over the raw page, no second parse), and its visible lines when it credits a source; words are
runs of letters and digits, each character of a script written without spaces counting as one.
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import urlsplit

import numpy as np

from dedupe.default_plugins.main_content import is_page, strip_html

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
#: What names the page's own site (for an attribution that credits the site itself).
SITE_KEYS = ("og:site_name", "application-name", "og:url", "twitter:site")
#: A line crediting the article to a source: a bare link to it ("Source link", "Read the
#: original article"), or a credit naming it (group ``name``). English, French, German,
#: Spanish, Portuguese, Italian, Polish, Dutch, Chinese, Japanese and Arabic forms.
ATTRIBUTION = re.compile(
    r"(?:source link|lien source|"
    r"original (?:article|source|post|story)|article original|"
    r"read the original(?: article| story| post)?|lire l['’]article original|originalartikel|"
    r"art[ií]culo original|原文链接|阅读原文|元記事|"
    r"(?:source|sources|quelle|fuente|fonte|źródło|bron|来源|來源|出典|出处|المصدر)\s*[:：]\s*"
    r"(?P<name>.{1,80})|"
    r"(?:originally (?:published|appeared|posted)|first (?:published|appeared)|"
    r"publi[ée] (?:initialement|à l['’]origine)|zuerst erschienen|publicado originalmente|"
    r"pubblicato originariamente|转载自|via)\b\s*(?P<where>.{1,80}))[\s.:!…»>›→]*",
    re.IGNORECASE,
)

#: What separates the items of a bar of links on one line.
_SEPARATOR = re.compile(r"\s[|·•/–—]\s")


def _words(text: str) -> set[str]:
    folded = unicodedata.normalize("NFKC", html.unescape(_TAG.sub(" ", text))).casefold()
    return set(_WORD.findall(folded))


def page_meta(page: str) -> dict[str, str]:
    """The page's ``<meta>`` values by ``property`` or ``name`` (lower case; the first of
    each), and ``canonical``: the href of its canonical link."""
    found: dict[str, str] = {}
    for tag in _META.finditer(page):
        attributes: dict[str, str] = {}
        for name, double, single, bare in _ATTRIBUTE.findall(tag.group(0)):
            attributes.setdefault(name.lower(), double or single or bare)
        key = (attributes.get("property") or attributes.get("name") or "").strip().lower()
        content = attributes.get("content", "").strip()
        if key and content and key not in found:
            found[key] = html.unescape(content)
    return found


def metadata_headline(page: str) -> str | None:
    """The page's metadata headline (``og:title``, else ``twitter:title``), or ``None``."""
    found = page_meta(page)
    return next((found[k] for k in HEADLINE_KEYS if k in found), None)


def _site_words(meta: dict[str, str], title: str, headline: str) -> set[str]:
    """Words that name the page's own site: its site name, its host's labels, and what its
    ``<title>`` adds to its headline (``Headline - Site``)."""
    words = _words(title) - _words(headline)
    for key in SITE_KEYS:
        value = meta.get(key, "")
        if key == "og:url":
            value = (urlsplit(value).hostname or "").replace(".", " ")
        words |= _words(value)
    return words - {"www", "com", "org", "net", "de", "fr", "uk", "co"}


def credits_elsewhere(page: str, main: str, site: set[str]) -> bool:
    """Whether a line of the page's furniture (visible, but not in its ``main`` text) credits
    the article to a source other than the page's own site (named by the words ``site``)."""
    kept = " ".join(main.split())
    for line in strip_html(page).split("\n"):
        line = " ".join(line.split())
        if not line or len(line) > 240 or line in kept:
            continue
        for part in _SEPARATOR.split(line):  # a share bar: "Share | Tweet | Source link"
            match = ATTRIBUTION.fullmatch(part.strip())
            if match is None:
                continue
            named = _words(match.group("name") or match.group("where") or "")
            if not named or not named & site:
                return True
    return False


def declared_share(text: str, main: str | None = None) -> float:
    """The share of a whole page's metadata headline words found in the headline it shows
    (``<title>`` and the first ``<h1>``); 0.0 for a page without one, a page whose furniture
    credits another site (``main``: its main text, when known), a fragment or plain text."""
    if not is_page(text):
        return 0.0
    meta = page_meta(text)
    headline = next((meta[k] for k in HEADLINE_KEYS if k in meta), None)
    if headline is None:
        return 0.0
    declared = _words(headline)
    if not declared:
        return 0.0
    title, h1 = (m.group(1) if (m := p.search(text)) else "" for p in (_TITLE, _H1))
    share = len(declared & _words(f"{title} {h1}")) / len(declared)
    site = _site_words(meta, title, headline)
    if share > 0 and main is not None and credits_elsewhere(text, main, site):
        return 0.0
    return share


def declared_shares(texts: list[str], mains: list[str] | None = None) -> np.ndarray:
    """:func:`declared_share` of each text of a batch (``mains``: what the ``html``
    normaliser made of each)."""
    if mains is None:
        return np.fromiter((declared_share(t) for t in texts), np.float64, len(texts))
    return np.fromiter(
        (declared_share(t, m) for t, m in zip(texts, mains, strict=True)), np.float64, len(texts)
    )
