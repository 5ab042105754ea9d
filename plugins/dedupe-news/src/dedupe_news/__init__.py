"""dedupe-news: news-site furniture removal for English and French aggregators.

Registers the ``news`` normaliser through dedupe's ``register_normalisers`` hook. It removes
what aggregators wrap around an article beyond the generic lines of dedupe's built-in
``chrome``: the repeated headline, agency bylines and datelines, "Lire aussi" / "Related"
links, share bars and picture credits inside the text, per-site footers (see
:mod:`dedupe_news.rules`). Put it after ``chrome`` in the chain::

    dedupe run corpus.jsonl \\
        --normalise html,chrome,news,boilerplate,nfkc,quotes,casefold,punctuation,whitespace
"""

from __future__ import annotations

from collections.abc import Callable

from dedupe import Normaliser, hookimpl
from dedupe_news.rules import strip_news

__all__ = ["register_normalisers", "strip_news"]


# -- start register_normalisers --
@hookimpl
def register_normalisers(register: Callable[[Normaliser], None]) -> None:
    """Contribute the ``news`` normaliser."""
    register(
        Normaliser(
            "news",
            strip_news,
            description="remove news-site furniture: repeated headline, agency bylines, "
            "datelines, related links, share bars, photo credits, site footers (EN/FR)",
            # It removes page furniture: how much it removes tells a repost from its original.
            removes_boilerplate=True,
        )
    )


# -- end register_normalisers --
