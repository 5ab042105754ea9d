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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from dedupe.hookspecs import hookimpl
from dedupe.normalise import Normaliser

_END = r"[\s.:!…»>›→]*$"
# (kind, the words a matching line can start with, pattern). ``#`` stands for a line starting
# with a digit, "(" or "©". Lines are tried only against the rules of their first word.
_RULES: list[tuple[str, str, str]] = [
    # Links to the source / the rest of the article.
    (
        "line",
        "read see view continue",
        r"(read|see|view|continue reading|read more|read the full (story|article))"
        r"( (more|it))?( (at|on|from) (the )?(source|original)( site)?)?",
    ),
    ("line", "source original via", r"source( link)?|original (article|source)|via .{1,40}"),
    (
        "line",
        "lire voir la",
        r"(lire|voir) (la suite|plus|l['’]article|aussi)( sur .{1,40})?|la suite (ici|sur .{1,40})",
    ),
    ("line", "source lien article", r"source ?: .{1,60}|lien source|article original"),
    # Share bars and social buttons.
    (
        "line",
        "share tweet pin email e print save copy partager imprimer envoyer copier source lien",
        r"((share|tweet|pin|email|e-mail|print|save|copy link|partager|imprimer|envoyer|"
        r"copier le lien|source( link)?|lien source)( (this|on|sur|par|cet|l['’]article|article|"
        r"story|facebook|twitter|x|"
        r"linkedin|whatsapp|email|e-mail|reddit|telegram))*[\s,|·•/-]*){1,12}",
    ),
    (
        "line",
        "facebook twitter x linkedin whatsapp pinterest reddit telegram flipboard email e",
        r"(facebook|twitter|x|linkedin|whatsapp|pinterest|reddit|telegram|flipboard|email|e-mail)"
        r"([\s,|·•/-]+(facebook|twitter|x|linkedin|whatsapp|pinterest|reddit|telegram|flipboard|"
        r"email|e-mail))*",
    ),
    # Tags, comments, copyright, newsletter and ad slots.
    (
        "line",
        "tags tag mots topics topic thèmes themes thème theme filed catégories "
        "catégorie categories category categorie",
        r"(tags?|mots[- ]cl[ée]s|topics?|th[èe]mes?|filed under|cat[ée]gor(y|ies|ie))\s*:.{0,120}",
    ),
    (
        "line",
        "# comments comment commentaires commentaire réactions reactions réaction reaction",
        r"\(?\d* ?(comments?|commentaires?|r[ée]actions?)( \(\d+\))?\)?",
    ),
    (
        "line",
        "leave add post laisser ajouter",
        r"(leave a|add a|post a|laisser un|ajouter un) (comment|reply|commentaire)",
    ),
    ("line", "# copyright c", r"(copyright|©|\(c\)).{0,100}"),
    (
        "line",
        "subscribe sign abonnez inscrivez newsletter",
        r"(subscribe|sign up|abonnez[- ]vous|inscrivez[- ]vous|newsletter)\b.{0,100}",
    ),
    (
        "line",
        "advertisement publicité publicite sponsored contenu annonce",
        r"(advertisement|publicit[ée]|sponsored( content)?|contenu sponsoris[ée]|annonce)",
    ),
    (
        "line",
        "breaking dernière derniere exclusive exclusif live en update updates updated",
        r"(breaking( news)?|derni[èe]re (minute|heure)|exclusive|exclusif|live|en direct|"
        r"update[sd]?)",
    ),
    # Newsroom bylines and editorial notes of a re-run (they mark the later version).
    (
        "line",
        "by par from de",
        r"(by|par|from|de) (the |la |le |our |notre |nos )?(staff|r[ée]daction|editors?|newsroom|"
        r"correspondents?|reporters?|agences?|wires?|envoy[ée]s? sp[ée]cia(l|ux))( .{0,30})?",
    ),
    (
        "line",
        "correction clarification editor editors note rectificatif erratum update mise",
        r"(correction|clarification|editor['’]?s note|note de la r[ée]daction|rectificatif|erratum|"
        r"update|mise [àa] jour)\s*:.{0,400}",
    ),
    # Breadcrumbs and dates.
    (
        "line",
        "home accueil news actualités actualites actus actu",
        r"(home|accueil|news|actualit[ée]s|actus?)( ?[»>›/|:-] ?[\w '&-]{1,30}){0,4}",
    ),
    (
        "line",
        "posted published updated publié publie publiée mis",
        r"(posted|published|updated|publi[ée]|mis [àa] jour)( on| le)? .{0,40}\d{4}.{0,20}",
    ),
    # Related-articles headings (the block after them is dropped too, near the end).
    (
        "related",
        "you related more recommended read see most popular trending à a lire sur vous "
        "nos les dans",
        r"(you (may|might) also like|related( articles| stories| posts| news| content)?|"
        r"more (stories|news|from .{1,30})|recommended( for you)?|read also|see also|most read|"
        r"popular( now| stories)?|trending( now)?|(à|a) lire (aussi|également)|lire aussi|"
        r"sur le m[êe]me (sujet|th[èe]me)|vous aimerez aussi|nos (autres )?articles|"
        r"les plus lus|dans la m[êe]me rubrique|(à|a) voir aussi)\s*:?",
    ),
]
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
_NOTE = re.compile(
    r"^\s*(correction|clarification|editor['’]?s note|rectificatif|erratum)\s*:", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"[.!?»\"”]\s*$")


#: Chrome lines are short: longer lines are content (except editorial notes).
SHORT = 200
#: Lines of a related-articles list (headlines) are at most this long.
LIST_ITEM = 300

_BY_FIRST_WORD: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
for _kind, _words, _pattern in _RULES:
    _compiled = re.compile(r"^\s*(?:" + _pattern + ")" + _END, re.IGNORECASE)
    for _word in _words.split():
        _BY_FIRST_WORD.setdefault(_word, []).append((_kind, _compiled))
for _word in ["by", "par", "posted", "written", "publié", "publie", "rédigé", "redige"]:
    _BY_FIRST_WORD.setdefault(_word, []).append(("byline", _BYLINE))
_FIRST_WORD = re.compile(r"[^\W\d_]+")
_RESERVED = ("all rights reserved", "tous droits réservés", "tous droits reserves")


def _chrome_kind(line: str) -> str | None:
    """``related`` (a related-articles heading), ``line`` or ``byline`` (drop it), or None.

    Only the rules that can start with the line's first word are tried.
    """
    first = _FIRST_WORD.match(line)
    key = first.group().casefold() if first else ("#" if line[:1] in "(©0123456789" else "")
    for kind, rule in _BY_FIRST_WORD.get(key, ()):
        if rule.match(line):
            return kind
    if len(line) <= 120:
        low = line.casefold()
        if any(r in low for r in _RESERVED):
            return "line"
    return None


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
        kind = _chrome_kind(stripped) if len(stripped) <= SHORT else None
        if kind is None and len(stripped) > SHORT and _NOTE.match(stripped):
            kind = _chrome_kind(stripped)
        if kind == "related" and i >= n // 3:
            # A related-articles block: the heading and the short lines after it.
            j = i + 1
            while j < n and len(lines[j].strip()) <= LIST_ITEM:
                j += 1
            if j >= n:
                break
            continue
        if kind in ("line", "byline"):
            continue
        if content_seen < 3 and len(stripped) <= SHORT:
            crumb = _BREADCRUMB_PREFIX.match(stripped)
            if crumb and crumb.end() > 0 and crumb.group(1):
                stripped = stripped[crumb.end() :].strip()
                line = stripped
            suffix = _SITE_SUFFIX.match(stripped)
            if suffix and not _SENTENCE_END.search(stripped):
                line = suffix.group(1)
            # What is left may itself be chrome ("By Jane Doe | Daily Wire" -> a byline):
            # drop it now, so that a second pass finds nothing more (idempotence).
            trimmed = line != stripped or crumb
            if trimmed and _chrome_kind(line.strip()) in ("line", "byline"):
                continue
        content_seen += 1
        kept.append(line)
    return "\n".join(kept)


#: Lines longer than this are never boilerplate candidates (cookie notices are shorter).
MAX_BOILERPLATE_LINE = 600


def _line_key(line: str) -> str:
    return line.strip().casefold()


@dataclass(frozen=True)
class BoilerplateModel:
    """Lines learned as boilerplate, by their stripped, case-folded form."""

    lines: frozenset[str]
    longest: int = 0

    def __call__(self, text: str) -> str:
        if not self.lines:
            return text
        # A line longer than the longest learned one (give or take some padding) cannot be
        # one: most lines are rejected on their length, without casefolding them.
        limit = self.longest + 16
        learned = self.lines
        lines = text.split("\n")
        kept = [line for line in lines if len(line) > limit or _line_key(line) not in learned]
        return text if len(kept) == len(lines) else "\n".join(kept)


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
            counts.update(
                {
                    _line_key(line)
                    for line in text.split("\n")
                    if len(line) <= MAX_BOILERPLATE_LINE and not line.isspace() and line
                }
            )
    floor = required_repeats(1, documents)
    learned = frozenset(
        key
        for key, count in counts.items()
        if count >= floor and count >= required_repeats(len(key.split()), documents)
    )
    return fitted_boilerplate(learned, documents)


def fitted_boilerplate(lines: Iterable[str], documents: int) -> Normaliser:
    """The ``boilerplate`` normaliser removing ``lines``; its state is the sorted lines."""
    learned = frozenset(lines)
    model = BoilerplateModel(learned, max((len(k) for k in learned), default=0))
    return Normaliser(
        "boilerplate",
        model,
        description=f"{len(learned)} lines learned from {documents} documents",
        removes_boilerplate=True,
        state={"lines": sorted(learned), "documents": documents},
        restore=restore_boilerplate,
    )


def restore_boilerplate(state: Mapping[str, Any]) -> Normaliser:
    """The fitted ``boilerplate`` normaliser from its state (checked: a list of strings)."""
    lines = state.get("lines")
    documents = state.get("documents", 0)
    if not isinstance(lines, list) or not all(isinstance(x, str) for x in lines):
        raise ValueError("boilerplate state: 'lines' must be a list of strings")
    if not isinstance(documents, int):
        raise ValueError("boilerplate state: 'documents' must be an integer")
    return fitted_boilerplate(lines, documents)


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
            restore=restore_boilerplate,
        )
    )
