"""Built-in normalisers: HTML stripping, Unicode NFKC, typographic quotes, case, accents,
punctuation and whitespace."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable

from dedupe.hookspecs import hookimpl
from dedupe.normalise import Normaliser

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


def nfkc(text: str) -> str:
    """Unicode compatibility composition: ligatures, full-width forms, non-breaking spaces."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", text)


_QUOTES = str.maketrans(
    {
        "«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "〝": '"',
        "〞": '"', "＂": '"', "‹": "'", "›": "'", "‘": "'", "’": "'", "‚": "'", "‛": "'",
        "′": "'", "`": "'", "´": "'", "ʼ": "'", "–": "-", "—": "-", "‐": "-", "‑": "-",
        "‒": "-", "―": "-", "−": "-", "…": "...",
    }
)  # fmt: skip


def fold_quotes(text: str) -> str:
    """Typographic quotes, apostrophes, dashes and the ellipsis as their ASCII forms."""
    if text.isascii():
        return text
    return text.translate(_QUOTES)


def casefold(text: str) -> str:
    """Unicode case folding (stronger than lower(): ß -> ss)."""
    return text.casefold()


def fold_accents(text: str) -> str:
    """Remove combining marks: é -> e, ç -> c.

    Opt-in: it merges distinct words in some languages.
    """
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped)


_PUNCT = re.compile(r"[^\w\s]+|_+")


def strip_punctuation(text: str) -> str:
    """Punctuation and symbols become spaces (so ``end.Start`` stays two words)."""
    return _PUNCT.sub(" ", text)


def collapse_whitespace(text: str) -> str:
    """Runs of whitespace become one space; leading and trailing space go."""
    return " ".join(text.split())


BUILTIN: dict[str, tuple[Callable[[str], str], str]] = {
    "html": (strip_html, "strip HTML tags, scripts and comments; decode entities"),
    "nfkc": (nfkc, "Unicode NFKC normal form"),
    "quotes": (fold_quotes, "fold typographic quotes, apostrophes, dashes and … to ASCII"),
    "casefold": (casefold, "Unicode case folding"),
    "accents": (fold_accents, "remove accents and other combining marks (opt-in)"),
    "punctuation": (strip_punctuation, "replace punctuation and symbols with spaces"),
    "whitespace": (collapse_whitespace, "collapse runs of whitespace to one space"),
}


@hookimpl
def register_normalisers(register: Callable[[Normaliser], None]) -> None:
    for name, (func, description) in BUILTIN.items():
        register(Normaliser(name, func, description=description))
