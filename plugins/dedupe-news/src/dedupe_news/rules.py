"""What news aggregators add to an article, beyond the generic chrome lines dedupe removes.

dedupe's built-in ``chrome`` normaliser drops whole lines that match generic patterns ("Source
link", "By Jane Doe", "You may also like" blocks). Reposts carry more, and some of it sits
*inside* the article's lines:

- the headline repeated two or three times at the top and again at the bottom, alone, behind a
  breadcrumb, after the site's domain ("news7.asia <title>"), or chained ("T- T *T");
- bylines with agencies and dates ("By Jane Doe, Reuters | 12 Sept 2023", "Par Jean Dupont,
  AFP, le 12 septembre 2023 à 10h30"), publication and reading-time lines;
- datelines ahead of the first paragraph ("LONDON (Reuters) - ", "PARIS, 12 sept (AFP) - ");
- "Related: ..." and "Lire aussi : ..." links, on their own line or inline, and the paywall
  label that comes with them ("Article réservé à nos abonnés");
- share bars run into the text ("... said. Share this: Facebook Twitter WhatsApp");
- photo credits and captions ("STR / AFP", "(Photo by Jane Doe/AFP via Getty Images)",
  "Photo : Jean Dupont / AFP");
- per-site footers ("This article was originally published by BBC News. Read the original.",
  "The post <title> appeared first on <site>.", "<domain> <title>", " | DailyFeed").

Every rule removes text and never adds any, so :func:`strip_news` applies them until nothing
changes: the result is idempotent by construction, and total (the rules are regular
expressions over any text).
"""

from __future__ import annotations

import re

__all__ = ["repeated_headline", "strip_news"]

#: News agencies, as bylines and datelines name them.
_AGENCY = (
    r"(?:Reuters|REUTERS|AFP|Agence France-Presse|AP|Associated Press|Bloomberg|dpa|DPA|ANSA|"
    r"EFE|Xinhua|Kyodo|Yonhap|TASS|Ria Novosti|PA Media|PA|Press Association|UPI|Belga|ATS|"
    r"Keystone-ATS|AAP|Anadolu)"
)
#: ... and the picture agencies that picture credits name as well.
_PHOTO_AGENCY = (
    rf"(?:{_AGENCY}|EPA|EPA-EFE|Getty Images|SIPA|Sipa|MAXPPP|Hans Lucas|ABACA|Le Monde)"
)
_MONTH = (
    r"(?i:jan(?:uary|vier)?|feb(?:ruary)?|f[ée]v(?:rier)?|mar(?:ch|s)?|apr(?:il)?|avr(?:il)?|"
    r"may|mai|june?|juin|july?|juil(?:let)?|aug(?:ust)?|ao[uû]t|sept?(?:ember|embre)?|"
    r"oct(?:ober|obre)?|nov(?:ember|embre)?|dec(?:ember)?|d[ée]c(?:embre)?)\.?"
)
_DATE = (
    rf"(?:\d{{1,2}}(?:st|nd|rd|th|er)?\s+{_MONTH}(?:\s+\d{{4}})?|{_MONTH}\s+\d{{1,2}}"
    rf"(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}})"
)
_TIME = r"(?:\d{1,2}[:h]\d{2}(?:\s*(?:am|pm|AM|PM|GMT|BST|CET|CEST|UTC|ET))?|\d{1,2}\s*(?i:am|pm))"
_NAME = r"[A-ZÀ-Ý][\w'’.-]*"
_NAMES = rf"{_NAME}(?:\s+{_NAME}){{0,3}}(?:\s*(?:,|and|et|&)\s*{_NAME}(?:\s+{_NAME}){{0,3}}){{0,3}}"
_SEP = r"\s*[,|–—·•-]\s*"

# -- whole lines --------------------------------------------------------------------------------

#: "By Jane Doe, Reuters | 12 Sept 2023", "Par Jean Dupont (AFP), le 12 septembre à 10h30",
#: "Jane Doe, Reuters": a byline that names an agency or carries a date or a time.
_BYLINE = re.compile(
    rf"^\s*(?:(?:[Bb]y|BY|[Pp]ar|PAR|[Ff]rom|[Ww]ritten by|[Pp]osted by|[Pp]ubli[ée] par|"
    rf"[Rr][ée]dig[ée] par)\s+)?{_NAMES}"
    rf"(?:{_SEP}|\s*\(|\s+)(?:(?:{_AGENCY}|{_DATE}|{_TIME}|le|on|à|at|updated|mis à jour)"
    rf"[\s,.|()–—·•-]*)+$"
)
_AGENCY_WORD = re.compile(rf"\b{_AGENCY}\b")
_BYLINE_LEAD = re.compile(r"^\s*(?:[Bb]y|BY|[Pp]ar|PAR|[Ff]rom|[Ww]ritten by|[Pp]osted by)\s")
#: "Published 12:30 BST, 12 September 2023", "Publié aujourd'hui à 10h30, mis à jour à 11h02",
#: "Updated 2 hours ago", "Temps de lecture : 3 min", "4 min read".
_WHEN = (
    rf"(?:{_DATE}(?:\s+(?:at|à)\s+{_TIME})?|{_TIME}|aujourd'hui|hier|today|yesterday|"
    r"\d+\s+(?:minutes?|hours?|days?)\s+ago|il y a \d+\s+(?:minutes?|heures?|jours?))"
)
_DATED = re.compile(
    rf"^\s*(?:(?:last\s+)?(?:published|updated|posted|modified)|publi[ée]|mis à jour|"
    rf"modifi[ée]|actualis[ée])(?:\s+(?:on|le|at|à|:))?[\s:]*{_WHEN}"
    rf"(?:[\s,|·•-]+(?:(?:updated|mis à jour|modifi[ée])\s*)?(?:on\s+|le\s+|at\s+|à\s+)?"
    rf"{_WHEN})*[\s.]*$"
    r"|^\s*(?:temps de lecture|reading time|lecture)\s*:?\s*\d+\s*min\w*\.?\s*$"
    r"|^\s*\d+\s*min(?:ute)?s?\s+(?:read|de lecture)\s*$",
    re.IGNORECASE,
)
#: A related-article link on its own line: "Related: ...", "Lire aussi : ...".
_RELATED_LINE = re.compile(
    r"^\s*(?:related|read more|read also|also read|see also|more on this story|lire aussi|"
    r"lire également|[àa] lire aussi|voir aussi|sur le même sujet)\s*[:>»-]\s*\S.{0,250}$",
    re.IGNORECASE,
)
#: Captions and picture credits on their own line ("Photo: Jane Doe / AFP", "Image caption
#: The minister arrives", "Crédit photo : DR"), not headlines that start with "Picture".
_CAPTION = re.compile(
    r"^\s*(?:(?:photo|image|picture|illustration|photograph)\s*(?::|credit|caption|source|by\b)"
    r"|(?:cr[ée]dits? photo|cr[ée]dit|l[ée]gende|caption)\s*:).{0,160}$",
    re.IGNORECASE,
)
#: Footers naming where the article came from.
_SOURCE_FOOTER = re.compile(
    r"^\s*(?:this (?:article|story) (?:was|is|first)\b.{0,40}\b(?:published|appeared|"
    r"syndicated)|cet article (?:a été|est)\b.{0,40}\bpubli[ée]|the post\b.{1,250}\bappeared "
    r"first on|l'article\b.{1,250}\best apparu en premier sur)\b.{0,200}$",
    re.IGNORECASE,
)
#: A site's domain, alone or before the title: "news7.asia Kim Jong-un est arrivé en Russie".
_DOMAIN_LINE = re.compile(
    r"^\s*(?:https?://)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\."
    r"(?:com|net|org|asia|info|news|fr|co\.uk|uk|io|tv|online|site|xyz|biz|us|eu|in|de|be|ch|"
    r"ca|it|es|press|media|today|live)(?:/\S*)?(?:\s+.{0,250})?$",
    re.IGNORECASE,
)
#: What is left of a "Title | Site" line once the title went to its own line: " | DailyFeed".
#: (Not after a dash: "- official" ends a wrapped headline, "— C'est bien moi." is dialogue.)
_SITE_SUFFIX_LINE = re.compile(r"^\s*[|•·]\s*[^\W\d_][\w .'&-]{1,40}$")

# -- inside lines -------------------------------------------------------------------------------

_NETWORK = (
    r"(?:facebook|twitter|x|whatsapp|linkedin|e-?mail|reddit|telegram|pinterest|messenger|"
    r"flipboard|copy link|copier le lien|print|imprimer|bluesky|threads)"
)
#: "Share this: Facebook Twitter WhatsApp", "Share on Facebook Share on X Email",
#: "Partager sur : Facebook Twitter".
_SHARE_BAR = re.compile(
    rf"(?:\b(?:share|partager)(?:\s+(?:this(?: article| story)?|on|via|sur|cet article))?"
    rf"\s*:\s*{_NETWORK}\b(?:[\s,|·•/]+{_NETWORK}\b)*"
    rf"|(?:\b(?:share|partager)\s+(?:on|via|sur)\s+{_NETWORK}\b[\s,|·•/]*){{2,}}"
    rf"(?:{_NETWORK}\b[\s,|·•/]*)*)",
    re.IGNORECASE,
)
#: Picture credits inside a line: "STR / AFP", "(Photo by Jane Doe/AFP via Getty Images)",
#: "Photo : Jean Dupont / AFP", "AFP PHOTO / STR".
_CREDIT = re.compile(
    rf"\(\s*(?i:photo|picture|image)\s+(?i:by|:)?\s*[^()]{{0,60}}?/\s*{_PHOTO_AGENCY}(?:\s+via\s+"
    rf"Getty Images)?\s*\)"
    rf"|(?:\b(?i:photo|crédit photo|credit)\s*:\s*)?(?:\b{_AGENCY}\s+PHOTO\s*/\s*)?"
    rf"(?<![\w/])(?:STR|{_NAME}(?:\s+{_NAME}){{0,2}})\s?/\s?{_PHOTO_AGENCY}"
    r"(?:\s+via\s+Getty Images)?"
    r"(?![\w/])"
)
#: Inline "Lire aussi :" / "Related:" markers and the paywall label that follows them.
_RELATED_MARK = re.compile(
    r"\b(?:lire aussi|lire également|[àa] lire aussi|voir aussi|related|read more|read also|"
    r"see also)\s*:\s*(?:article réservé (?:à nos|aux) abonnés\s*)?"
    r"|\barticle réservé (?:à nos|aux) abonnés\b",
    re.IGNORECASE,
)
#: Per-site promotions run into the text (Le Monde's app teaser).
_PROMO = re.compile(
    r"Le Monde Application\s+La Matinale du Monde\s+Chaque matin, retrouvez notre sélection "
    r"de \d+ articles à ne pas manquer\s+Télécharger l['’]application"
)
#: A dateline ahead of the first paragraph: "LONDON (Reuters) - ", "PARIS, 12 sept (AFP) -",
#: "WASHINGTON, March 3 - ".
_DATELINE = re.compile(
    rf"^\s*[A-Z][A-Z'.-]+(?:[ /-][A-Z][A-Z'.-]+){{0,3}}"
    rf"(?:\s*,\s*(?:{_DATE}|[A-Z][a-z]+\s+\d{{1,2}}))?"
    rf"(?:\s*\(\s*{_AGENCY}\s*\)\s*[-–—]+|\s*,\s*(?:{_DATE})\s*[-–—]+|\s*\(\s*{_AGENCY}\s*\))"
    r"\s+(?=\S+\s+\S+\s+\S+)"
)

# -- the headline -------------------------------------------------------------------------------

_KEY_TRIM = re.compile(r"^[\W_]+|[\W_]+$")
_SEPARATORS = re.compile(r"[\W_]+")
#: Words a repeated headline may carry with it: breadcrumbs, the site, separators.
_MAX_EXTRA_WORDS = 6
#: Characters of the longest line compared with the headline (30 words, three times over).
_LONGEST_LINE = 800


def _key(line: str) -> str:
    """A line's comparable form: case and spacing folded, outer punctuation dropped."""
    return _KEY_TRIM.sub("", " ".join(line.casefold().split()))


def _standalone(lines: list[str]) -> list[bool]:
    """Lines set apart by a blank line (or the end) after them: where a page puts a headline.
    A line that runs on into the next is part of a paragraph or a table, never a headline."""
    last = len(lines) - 1
    return [
        bool(line.strip()) and (i == last or not lines[i + 1].strip())
        for i, line in enumerate(lines)
    ]


def _repeats(key: str, head: str) -> bool:
    """Whether a line's key is the headline, alone or with a few words (breadcrumb, site)."""
    return head in key and len(_SEPARATORS.sub(" ", key.replace(head, " ")).split()) <= (
        _MAX_EXTRA_WORDS
    )


def repeated_headline(lines: list[str]) -> str | None:
    """The headline's key: a line of 3 to 30 words among the first six, found in one of the
    first three, that stands apart (:func:`_standalone`) at least twice in the document, alone
    or with a few words around it; ``None`` when there is none."""
    alone = _standalone(lines)
    # A line far longer than a headline cannot be one of its repetitions: not keyed (speed).
    keys = [
        _key(line) if ok and len(line) < _LONGEST_LINE else ""
        for line, ok in zip(lines, alone, strict=True)
    ]
    opening = [_key(line) for line in lines if line.strip()][:6]
    best: tuple[int, int, str] | None = None
    for cand in opening:
        words = len(cand.split())
        if not 3 <= words <= 30 or not any(cand in first for first in opening[:3]):
            continue
        count = sum(1 for k in keys if k and _repeats(k, cand))
        if count >= 2 and (best is None or (count, words) > best[:2]):
            best = (count, words, cand)
    return best[2] if best else None


def _drop_repeated_headline(lines: list[str]) -> list[str]:
    """Keep the headline once (on its own line), drop its other stand-alone appearances."""
    head = repeated_headline(lines)
    if head is None:
        return lines
    alone = _standalone(lines)
    out: list[str] = []
    kept = False
    for line, ok in zip(lines, alone, strict=True):
        if not ok or len(line) >= _LONGEST_LINE or not _repeats(_key(line), head):
            out.append(line)
            continue
        if not kept:
            kept = True
            start = line.casefold().find(head)
            whole = _key(line) == head or start < 0
            out.append(line if whole else line[start : start + len(head)])
    return out


# -- one pass, and the fixpoint ---------------------------------------------------------------


def _short(line: str, words: int = 25) -> bool:
    return len(line.split()) <= words


def _is_byline(line: str) -> bool:
    """A byline: "By ..." / "Par ..." with an agency, a date or a time; without the lead word,
    names then an agency ("Jane Doe, Reuters"), never an all-capitals headline."""
    if not _BYLINE.match(line):
        return False
    if _BYLINE_LEAD.match(line):
        return True
    return ("," in line or "(" in line) and not line.isupper() and bool(_AGENCY_WORD.search(line))


def _line_is_furniture(line: str, position: int, count: int) -> bool:
    """Whether a whole line is news-site furniture; ``position`` among ``count`` non-empty
    lines. Bylines and dates only count at the top (or, for bylines, the very end) of the
    article, site suffixes only at the top, domains and source notes only at the end: lower
    down, the same words are a wrapped line of a paragraph."""
    stripped = line.strip()
    if not _short(stripped, 40):
        return False
    top, bottom = position < 8, position >= count - 3
    if (top or bottom) and _short(stripped) and _is_byline(stripped):
        return True
    if top and _DATED.match(stripped):
        return True
    if _short(stripped) and _CAPTION.match(stripped):
        return True
    if position < 6 and _SITE_SUFFIX_LINE.match(stripped):
        return True
    near_end = position >= count - 6
    return near_end and bool(_SOURCE_FOOTER.match(stripped) or _DOMAIN_LINE.match(stripped))


_RELATED_HINTS = ("lire", "related", "read ", "see also", "voir aussi", "réservé")
_SHARE_HINTS = ("share", "partager")


def _clean_line(line: str) -> str | None:
    """The inline rules; ``None`` when the line was only furniture (then it goes whole).

    Each regex runs only on lines holding a word it needs (speed).
    """
    if not line.strip():
        return line
    lower = line.lower()
    related = any(hint in lower for hint in _RELATED_HINTS)
    if related and _short(line, 40) and _RELATED_LINE.match(line):
        return None
    if "/" in line:
        line = _CREDIT.sub(" ", line)
    if any(hint in lower for hint in _SHARE_HINTS):
        line = _SHARE_BAR.sub(" ", line)
    if related:
        line = _RELATED_MARK.sub(" ", line)
    if "Le Monde Application" in line:
        line = _PROMO.sub(" ", line)
    return line if line.strip() else None


def _one_pass(text: str) -> str:
    cleaned = [c for c in map(_clean_line, text.split("\n")) if c is not None]
    nonempty = [i for i, line in enumerate(cleaned) if line.strip()]
    position = {i: k for k, i in enumerate(nonempty)}
    kept: list[str] = []
    for i, line in enumerate(cleaned):
        k = position.get(i)
        if k is not None:
            if _line_is_furniture(line, k, len(nonempty)):
                continue
            if k < 8 and line.lstrip()[:1].isupper():
                line = _DATELINE.sub("", line, count=1)
        kept.append(line)
    return "\n".join(_drop_repeated_headline(kept))


def strip_news(text: str) -> str:
    """Remove news-site furniture (see the module doc), keeping the article's text as it was.

    Applies the rules until nothing changes. Each change shortens the text, so this ends, and
    what it returns is left as it is by another call (idempotent).
    """
    while True:
        out = _one_pass(text)
        if out == text or len(out) >= len(text):
            return text if len(out) >= len(text) else out
        text = out
