"""Built-in chrome removal: aggregator and news-site furniture that is not the article.

Two normalisers, both line-based (run them after ``html``, which turns block tags into lines):

- ``chrome``: known patterns in English and French: breadcrumbs ("Home » News"), bylines,
  "Source link", "Read more", "Lire la suite", share bars, tag and comment lines, copyright
  lines, and related-article blocks ("You may also like", "À lire aussi") with the short lines
  that follow them at the end of a page.
- ``boilerplate``: learned from the corpus itself: lines that recur in many different documents
  (in the spirit of paragraph-level dedup and ONION). Short lines need fewer repetitions than
  long ones, so an article's paragraphs, repeated only by its few copies, are never learned.

Both remove text, never rewrite it, and are idempotent.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from dedupe.hookspecs import hookimpl
from dedupe.normalise import Normaliser

_END = r"[\s.:!…»>›→]*$"
_LINE_PATTERNS = [
    # Links to the source / the rest of the article.
    r"(read|see|view|continue reading|read more|read the full (story|article))"
    r"( (more|it))?( (at|on|from) (the )?(source|original)( site)?)?",
    r"source( link)?|original (article|source)|via .{1,40}",
    r"(lire|voir) (la suite|plus|l'article|aussi)( sur .{1,40})?|la suite (ici|sur .{1,40})",
    r"source ?: .{1,60}|lien source|article original",
    # Share bars and social buttons.
    r"((share|tweet|pin|email|e-mail|print|save|copy link|partager|imprimer|envoyer|copier le lien)"
    r"( (this|on|sur|par|cet|l'article|article|story|facebook|twitter|x|linkedin|whatsapp|"
    r"email|e-mail|reddit|telegram))*[\s,|·•/-]*){1,12}",
    r"(facebook|twitter|x|linkedin|whatsapp|pinterest|reddit|telegram|flipboard|email|e-mail)"
    r"([\s,|·•/-]+(facebook|twitter|x|linkedin|whatsapp|pinterest|reddit|telegram|flipboard|"
    r"email|e-mail))*",
    # Tags, comments, copyright, newsletter and ad slots.
    r"(tags?|mots[- ]cl[ée]s|topics?|th[èe]mes?|filed under|cat[ée]gor(y|ies|ie))\s*:.{0,120}",
    r"\(?\d* ?(comments?|commentaires?|r[ée]actions?)( \(\d+\))?\)?",
    r"(leave a|add a|post a|laisser un|ajouter un) (comment|reply|commentaire)",
    r"(copyright|©|\(c\)).{0,100}|.{0,60}(all rights reserved|tous droits r[ée]serv[ée]s).{0,40}",
    r"(subscribe|sign up|abonnez[- ]vous|inscrivez[- ]vous|newsletter)\b.{0,100}",
    r"(advertisement|publicit[ée]|sponsored( content)?|contenu sponsoris[ée]|annonce)",
    r"(breaking( news)?|derni[èe]re (minute|heure)|exclusive|exclusif|live|en direct|update[sd]?)",
    # Newsroom bylines and editorial notes of a re-run (they mark the later version).
    r"(by|par|from|de) (the |la |le |our |notre |nos )?(staff|r[ée]daction|editors?|newsroom|"
    r"correspondents?|reporters?|agences?|wires?|envoy[ée]s? sp[ée]cia(l|ux))( .{0,30})?",
    r"(correction|clarification|editor'?s note|note de la r[ée]daction|rectificatif|erratum|"
    r"update|mise [àa] jour)\s*:.{0,400}",
    # Breadcrumbs and dates.
    r"(home|accueil|news|actualit[ée]s|actus?)( ?[»>›/|:-] ?[\w '&-]{1,30}){0,4}",
    r"(posted|published|updated|publi[ée]|mis [àa] jour)( on| le)? .{0,40}\d{4}.{0,20}",
]
_LINE = re.compile(
    r"^\s*(?:" + "|".join(f"(?:{p})" for p in _LINE_PATTERNS) + ")" + _END, re.IGNORECASE
)
# Bylines: "By Jane Doe", "par Jean Dupont et Marie Curie, AFP" (names capitalised, so
# "By the end of the year..." is not one).
_NAME = r"[A-ZÀ-Ý][\w'’.-]*"
_BYLINE = re.compile(
    rf"^\s*(?:[Bb]y|BY|[Pp]ar|PAR|[Pp]osted by|[Ww]ritten by|[Pp]ubli[ée] par|[Rr][ée]dig[ée] par)"
    rf" {_NAME}(?: {_NAME}){{0,3}}(?:(?:,| and| et| &) {_NAME}(?: {_NAME}){{0,3}}){{0,3}}"
    r"[\s.,|-]*(?:\d{1,2}:\d{2}.*)?$"
)
_BREADCRUMB_PREFIX = re.compile(
    r"^\s*(home|accueil)\s*(?:[»>›/|:-]\s*)?(?:(news|actualit[ée]s|actus?|monde|world|"
    r"politics|politique|business|[ée]conomie|culture|sport|sports|tech)\s*(?:[»>›/|:-]\s*)?)?",
    re.IGNORECASE,
)
_SITE_SUFFIX = re.compile(r"^(.{12,200}?)\s+[|–—-]\s+[\w .'&-]{2,30}$")
_RELATED = re.compile(
    r"^\s*(you (may|might) also like|related( articles| stories| posts| news| content)?|"
    r"more (stories|news|from .{1,30})|recommended( for you)?|read also|see also|most read|"
    r"popular( now| stories)?|trending( now)?|(à|a) lire (aussi|également)|lire aussi|"
    r"sur le m[êe]me (sujet|th[èe]me)|vous aimerez aussi|nos (autres )?articles|"
    r"les plus lus|dans la m[êe]me rubrique|(à|a) voir aussi)\s*:?[\s.…]*$",
    re.IGNORECASE,
)
_NOTE = re.compile(
    r"^\s*(correction|clarification|editor'?s note|rectificatif|erratum)\s*:", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"[.!?»\"”]\s*$")


def _is_short(line: str, words: int = 25) -> bool:
    return len(line.split()) <= words


def strip_chrome(text: str) -> str:
    """Remove lines that match known aggregator chrome; keep everything else as it was."""
    lines = text.split("\n")
    kept: list[str] = []
    n = len(lines)
    content_seen = 0
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            kept.append(line)
            continue
        if _RELATED.match(stripped) and i >= n // 3:
            # A related-articles block: the heading and the short lines after it.
            j = i + 1
            while j < n and (not lines[j].strip() or _is_short(lines[j], 40)):
                j += 1
            if j >= n:
                break
            continue
        if (_is_short(stripped) or _NOTE.match(stripped)) and (
            _LINE.match(stripped) or _BYLINE.match(stripped)
        ):
            continue
        if content_seen < 3 and _is_short(stripped, 30):
            crumb = _BREADCRUMB_PREFIX.match(stripped)
            if crumb and crumb.end() > 0 and crumb.group(1):
                stripped = stripped[crumb.end() :].strip()
                line = stripped
            suffix = _SITE_SUFFIX.match(stripped)
            if suffix and not _SENTENCE_END.search(stripped):
                line = suffix.group(1)
            # What is left may itself be chrome ("By Jane Doe | Daily Wire" -> a byline):
            # drop it now, so that a second pass finds nothing more (idempotence).
            if _LINE.match(line) or _BYLINE.match(line):
                continue
        content_seen += 1
        kept.append(line)
    return "\n".join(kept)


def _line_key(line: str) -> str:
    return " ".join(line.casefold().split())


@dataclass(frozen=True)
class BoilerplateModel:
    """Lines learned as boilerplate, by their whitespace- and case-folded form."""

    lines: frozenset[str]

    def __call__(self, text: str) -> str:
        if not self.lines:
            return text
        return "\n".join(line for line in text.split("\n") if _line_key(line) not in self.lines)


def required_repeats(words: int, documents: int) -> int:
    """How many different documents a line of ``words`` words must appear in to be learned.

    Short lines (a tag line, "Share on Facebook") need 10 documents or 0.1% of the sample;
    each further word raises the bar, so a paragraph shared only by an article and its copies
    is never boilerplate.
    """
    base = max(10, documents // 1000)
    return base if words <= 8 else base * (1 + (words - 8) // 4)


def learn_boilerplate(batches: Iterable[list[str]]) -> Normaliser:
    """Count in how many documents each line occurs and keep the frequent ones."""
    counts: Counter[str] = Counter()
    documents = 0
    for texts in batches:
        for text in texts:
            documents += 1
            counts.update({_line_key(line) for line in text.split("\n") if line.strip()})
    learned = frozenset(
        key
        for key, count in counts.items()
        if count >= required_repeats(len(key.split()), documents)
    )
    model = BoilerplateModel(learned)
    return Normaliser(
        "boilerplate",
        model,
        description=f"{len(learned)} lines learned from {documents} documents",
        removes_boilerplate=True,
    )


@hookimpl
def register_normalisers(register: Callable[[Normaliser], None]) -> None:
    register(
        Normaliser(
            "chrome",
            strip_chrome,
            description="remove aggregator chrome lines (English and French patterns)",
            removes_boilerplate=True,
        )
    )
    register(
        Normaliser(
            "boilerplate",
            BoilerplateModel(frozenset()),
            description="remove lines that recur across many documents (learned per run)",
            learn=learn_boilerplate,
            removes_boilerplate=True,
        )
    )
