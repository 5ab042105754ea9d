"""Built-in chrome removal: aggregator and news-site furniture that is not the article.

The ``chrome`` normaliser is line-based (run it after ``html``, which turns block tags into
lines): known patterns in English and French (and in Chinese, Japanese and Arabic: see
:mod:`dedupe.default_plugins.chrome_scripts`): breadcrumbs ("Home » News"), bylines,
"Source link", "Read more", "Lire la suite", share bars, tag and comment lines, copyright
lines, and related-article blocks ("You may also like", "À lire aussi") with the short lines
that follow them at the end of a page. It removes text, never rewrites it, and is idempotent.
Furniture learned from the corpus itself is :mod:`dedupe.default_plugins.boilerplate`'s.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from dedupe import kernels
from dedupe.default_plugins.chrome_lines import candidates
from dedupe.default_plugins.chrome_scripts import list_item, script_chrome_kind, trim_title
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
    ("line", "# copyright", r"(copyright|©|\(c\)).{0,100}"),
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
#: First words of the rules above that the rules follow with one space and one of a few
#: words ("la suite", "à lire aussi", "de la rédaction"), with those words, case-folded:
#: such a line can match a rule only with one of them (the kernel looks at the second word
#: of these lines only; they open many lines of prose: "La", "En", "A", "De", "More").
SECOND_WORDS: dict[str, tuple[str, ...]] = {
    "la": ("suite",),
    "les": ("plus",),
    "en": ("direct",),
    "à": ("lire", "voir"),
    "a": ("lire", "voir"),
    "sur": ("le",),
    "dans": ("la",),
    "vous": ("aimerez",),
    "nos": ("autres", "articles"),
    "you": ("may", "might"),
    "more": ("stories", "news", "from"),
    "most": ("read",),
    **dict.fromkeys(
        ("de", "from"),
        (
            *("the", "la", "le", "our", "notre", "nos", "staff", "rédaction", "redaction"),
            *("editor", "editors", "newsroom", "correspondent", "correspondents"),
            *("reporter", "reporters", "agence", "agences", "wire", "wires"),
            *("envoyé", "envoye", "envoyés", "envoyes"),
        ),
    ),
}
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
_FIRST_WORDS = tuple(_BY_FIRST_WORD)
_SECOND_WORDS = tuple(SECOND_WORDS.items())
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
    return script_chrome_kind(line)


def strip_chrome(text: str) -> str:
    """Remove lines that match known aggregator chrome; keep everything else as it was."""
    lines = text.split("\n")
    nonblank = [i for i, line in enumerate(lines) if not line.isspace() and line]
    return strip_lines(lines, nonblank, range(len(nonblank)))


def strip_lines(lines: list[str], tried: Sequence[int], before: Iterable[int]) -> str:
    """``strip_chrome`` of the text of ``lines`` when only the non-blank lines ``tried``
    (ascending; ``before``: the number of non-blank lines before each) can be chrome or be
    trimmed: every other line is kept as it is (:mod:`dedupe.default_plugins.chrome_lines`
    finds those lines in a batch's bytes; :func:`strip_chrome` tries them all)."""
    kept: list[str] = []
    n = len(lines)
    at = 0  # the lines before ``at`` are decided
    dropped = 0  # of the non-blank lines decided, those dropped
    for i, nonblank_before in zip(tried, before, strict=True):
        kept.extend(lines[at:i])
        at = i + 1
        line = lines[i]
        stripped = line.strip()
        content_seen = nonblank_before - dropped
        kind = _chrome_kind(stripped) if len(stripped) <= SHORT else None
        if kind is None and len(stripped) > SHORT and _NOTE.match(stripped):
            kind = _chrome_kind(stripped)
        if kind == "related":
            # A related-articles heading; near the end, with the short lines after it.
            if i >= n // 3 and all(list_item(rest.strip(), LIST_ITEM) for rest in lines[at:]):
                return "\n".join(kept)
            dropped += 1
            continue
        if kind in ("line", "byline"):
            dropped += 1
            continue
        if content_seen < 3 and len(stripped) <= SHORT:
            crumb = _BREADCRUMB_PREFIX.match(stripped)
            if crumb and crumb.end() > 0 and crumb.group(1):
                stripped = stripped[crumb.end() :].strip()
                line = stripped
            # Every site suffix ("Title | Section | Site"): one left would be cut by a second
            # pass (idempotence).
            suffix = _SITE_SUFFIX.match(stripped)
            while suffix and not _SENTENCE_END.search(line):
                line = suffix.group(1)
                suffix = _SITE_SUFFIX.match(line)
            line = trim_title(line)
            # What is left may itself be chrome ("By Jane Doe | Daily Wire" -> a byline):
            # drop it now, so that a second pass finds nothing more (idempotence).
            trimmed = line != stripped or crumb
            if trimmed and _chrome_kind(line.strip()) is not None:
                dropped += 1
                continue
        kept.append(line)
    kept.extend(lines[at:])
    return "\n".join(kept)


def strip_chrome_batch(texts: list[str]) -> list[str]:
    """:func:`strip_chrome` of each text of a batch: the rules run only on the lines that
    :mod:`~dedupe.default_plugins.chrome_lines` finds can be chrome (on the reference
    kernels, on every line: that is faster in Python). A text left as it was is the same
    object (the byte normalisers after this one reuse its bytes: :mod:`dedupe.kernels.encoded`)."""
    if kernels.active() == "reference" or not texts:
        return [strip_chrome(t) for t in texts]
    full, tried, before, bounds = candidates(texts, _FIRST_WORDS, SHORT, _SECOND_WORDS)
    out = []
    for d, text in enumerate(texts):
        a, b = bounds[d], bounds[d + 1]
        if a == b and not full[d]:
            out.append(text)
            continue
        if full[d]:
            stripped = strip_chrome(text)
        else:
            stripped = strip_lines(text.split("\n"), tried[a:b], before[a:b])
        out.append(text if stripped == text else stripped)  # (the same object: its bytes kept)
    return out


@hookimpl
def register_normalisers(register: Callable[[Normaliser], None]) -> None:
    register(
        Normaliser(
            "chrome",
            strip_chrome_batch,
            batch=True,
            description="remove aggregator chrome lines (English, French, Chinese, Japanese and "
            "Arabic patterns)",
            removes_boilerplate=True,
        )
    )
