"""Figures and names of a text, each keyed by the words around it.

Templated wire stories (earnings tables, dividend notices, money-market flashes, price fixes)
share almost every word and differ in the few that carry the news: the numbers and the names.
Shingle overlap cannot see that; comparing the *slots* of the template can. Every figure
("1.20 dlrs", "3.4 mln", "12-1/2 cts", "14,5 %", "20/05/2005") and every name ("Federal
Reserve", "<ESY>") is recorded under two keys: the two words before it and the two words after
it (figures in those words read as ``#``, names as ``N``, so one changed slot does not hide its
neighbours). Two documents *agree* on a key when they hold the same values there and *conflict*
when they hold different ones; keys found in only one document (a teaser's missing paragraphs,
an edited sentence) say nothing either way.

Numbers are compared by value: "3.4 mln", "3,400,000" and "$3.4m" are the same figure;
"1,914,388" (thousands) and "14,5" (a French decimal) are read as written.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass

__all__ = ["FIGURE", "NAME", "Slots", "agreement", "changed_share", "extract", "same_company"]


def _words(text: str) -> list[str]:
    """The space-separated words of a constant (easier to read than a list of strings)."""
    return text.split()


#: Upper-case words in angle brackets are Reuters-style stock tickers (``<ESY>``); these names
#: are HTML tags, not tickers.
_HTML_TAGS = frozenset(
    _words(
        "A ABBR ARTICLE ASIDE B BLOCKQUOTE BODY BR CODE DD DIV DL DT EM FIGCAPTION FIGURE "
        "FOOTER H1 H2 H3 H4 H5 H6 HEAD HEADER HR HTML I IMG LI LINK MAIN META NAV OL P "
        "PRE Q S SECTION SMALL SPAN STRONG SUB SUP TABLE TBODY TD TH THEAD TITLE TR TT U "
        "UL"
    )
)
_TICKER = re.compile(r"<([A-Z][A-Z0-9]{0,7}(?:\.[A-Z]{1,2})?)>")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)?([^<>]{0,300})>")
#: One token and the text before it. Numbers are one run of digits and separators, told apart
#: afterwards (:data:`_PLAIN`, :data:`_MIXED`, ...): one simple pattern is much faster.
_TOKEN = re.compile(
    r"([^\w%\x00]*)(?:"
    r"((?:[^\W\d_]\.)+[^\W\d_](?![^\W\d_])\.?|[^\W\d_]+(?:['’-][^\W\d_]+)*)"  # U.S., word
    r"|(\d(?:[\d,./-]*\d)?)"  # a number, a fraction, a date
    r"|(\x00[A-Z0-9.]+\x00)"  # a ticker, marked by _clean
    r"|(%)"
    r")"
)
_MIXED = re.compile(r"\d+-\d+/\d+")
_FRACTION = re.compile(r"\d+/\d+")
_PLAIN = re.compile(r"\d+(?:[.,]\d+)*")
#: Scale words after a number ("3.4 mln", "$14m", "2 milliards") multiply its value.
_SCALE = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "million": 1e6,
    "millions": 1e6,
    "bn": 1e9,
    "bln": 1e9,
    "billion": 1e9,
    "billions": 1e9,
    "milliard": 1e9,
    "milliards": 1e9,
    "trillion": 1e12,
}
#: Numbers written as words count as figures when a scale or unit follows ("two billion dlrs",
#: "six pct", "trois millions"); alone, "one" or "une" is too often not a number.
_NUMBER_WORDS = {
    **{
        w: float(k)
        for k, w in enumerate(
            _words(
                "zero one two three four five six seven eight nine ten eleven twelve thirteen "
                "fourteen fifteen sixteen seventeen eighteen nineteen twenty"
            )
        )
    },
    **{
        w: 10.0 * k
        for k, w in enumerate(
            ["thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], start=3
        )
    },
    **{
        w: float(k)
        for k, w in enumerate(
            ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix"]
        )
    },
    "half": 0.5,
    "hundred": 100.0,
    "cent": 100.0,
    "mille": 1000.0,
}
_UNITS = frozenset(
    _words(
        "pct percent per cent dlr dlrs dollar dollars ct cts cents stg pound pounds "
        "sterling euro euros yen mark marks franc francs tonne tonnes ton tons barrel "
        "barrels bpd shares points pour"
    )
)
#: Scale words that count only when written against the number ("14m", not "14 m").
_ATTACHED_ONLY = frozenset({"k", "m", "mn", "bn"})
#: Ordinal suffixes ("3rd qtr", "1er trimestre"): part of the figure, not a word.
_ORDINAL = frozenset({"st", "nd", "rd", "th", "er", "re", "e", "ème", "eme"})
#: Small words that may sit inside a name ("Bank of England", "Banque de France").
_CONNECTORS = frozenset({"of", "de", "du", "des", "la", "le", "van", "von", "der", "da", "di"})
#: Capitalised only because they start a sentence.
_SENTENCE_WORDS = frozenset(
    _words(
        "a an and as at but by for from he her his if in it its mr mrs ms on she that the "
        "their these they this those to we when while with au aux ce cette dans de des du "
        "elle elles en et il ils l la le les mais par pour selon sur un une"
    )
)
#: Capitalised, but dates rather than names: they stay words ("Pay April 30" holds the figure
#: 30 after "pay april", not a name "Pay April").
_CALENDAR = frozenset(
    _words(
        "january february march april may june july august september october november "
        "december jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday "
        "wednesday thursday friday saturday sunday janvier février fevrier mars avril mai "
        "juin juillet août aout septembre octobre novembre décembre decembre lundi mardi "
        "mercredi jeudi vendredi samedi dimanche"
    )
)
#: A sentence or a paragraph starts after these (Reuters indents paragraphs and table rows).
_BOUNDARY = re.compile(r"[.!?…:;«»\"“”]|\n\s*\n|\n[ \t]{2,}")

#: What a slot holds: a figure or a name.
FIGURE, NAME = "f", "n"


@dataclass(frozen=True)
class Slots:
    """Figure and name values of one document by context key.

    ``values[key]`` is a sorted tuple of the values found under ``key``; a key is
    ``(side, kind, word, word)`` with ``side`` ``"L"`` (the words before) or ``"R"`` (after)
    and ``kind`` :data:`FIGURE` or :data:`NAME`.
    """

    values: dict[tuple[str, str, str, str], tuple[str, ...]]
    figures: int
    names: int
    #: ``(company, ticker)`` for each stock ticker of the headline (the first line), with the
    #: words before it ("UNICORP AMERICAN CORP <UAC> SETS QUARTERLY":
    #: ``("unicorp american corp", "uac")``): the company a wire story is about.
    companies: frozenset[tuple[str, str]] = frozenset()


def _number(text: str) -> float:
    """The value of a written number: thousands separators and decimal commas resolved."""
    if "," in text and "." in text:
        if text.rfind(",") < text.rfind("."):
            text = text.replace(",", "")  # 1,035.1
        else:
            text = text.replace(".", "").replace(",", ".")  # 1.035,1
    elif "," in text:
        parts = text.split(",")
        decimal = len(parts) == 2 and len(parts[1]) != 3
        text = text.replace(",", ".") if decimal else "".join(parts)  # 14,5 or 1,914,388
    elif text.count(".") > 1:
        text = text.replace(".", "")  # 1.914.388
    try:
        return float(text)
    except ValueError:  # pragma: no cover - the token pattern only lets numbers through
        return 0.0


def _fraction(text: str) -> float:
    whole, _, frac = text.rpartition("-")
    top, _, bottom = frac.partition("/")
    value = float(top) / float(bottom) if float(bottom) else float(top)
    return value + (float(whole) if whole else 0.0)


def _canonical(value: float) -> str:
    """One spelling per value: "1.20", "1.2" and "1.200" are the same figure."""
    return f"{value:.12g}"


def _untag(m: re.Match[str]) -> str:
    """An HTML tag goes; anything else in angle brackets keeps its words ("<Kaiser Steel
    Corp>" is how Reuters marks a company without a ticker)."""
    slash, name, rest = m.groups()
    if slash or (name and name.upper() in _HTML_TAGS) or "=" in rest:
        return " "
    return f" {name or ''}{rest} "


def _clean(text: str) -> str:
    """Tickers marked, other markup dropped, entities decoded."""
    if "<" in text:
        text = _TICKER.sub(
            lambda m: m.group(0) if m.group(1) in _HTML_TAGS else f" \x00{m.group(1)}\x00 ",
            text,
        )
        text = _TAG.sub(_untag, text)
    if "&" in text:
        text = html.unescape(text)
    return text


class _Tokens:
    """The words, figures and tickers of a text as parallel lists.

    ``kinds``: ``w`` word, ``W`` capitalised word in a mixed-case line (a name candidate),
    ``f`` figure, ``n`` ticker. ``starts``: the token begins a sentence or paragraph.
    ``joined``: only spaces (or one line break) separate it from the next token, so a name
    may go on.
    """

    __slots__ = ("companies", "joined", "kinds", "starts", "values")

    def __init__(self, text: str) -> None:
        text = _clean(text)
        kinds: list[str] = []
        values: list[str] = []
        starts: list[bool] = []
        joined: list[bool] = []
        mixed_case = [line != line.upper() for line in text.split("\n")]
        line = 0
        boundary = True
        pending: str | None = None  # a number waiting for a scale word or ordinal suffix
        pending_value = 0.0
        companies: list[tuple[str, str]] = []
        line_first = 0  # index of the first token of the current line, or after a ticker
        headline = True  # still on the first line (where a wire story names its company)
        # findall gives plain tuples (one per token, every group): much faster than matches.
        for gap, word, number, ticker, pct in _TOKEN.findall(text):
            if pending is not None:
                if word and not gap.strip():
                    suffix = word.casefold()
                    if suffix in _SCALE and (not gap or suffix not in _ATTACHED_ONLY):
                        values[-1] = _canonical(pending_value * _SCALE[suffix])
                        pending = None
                        continue
                    if not gap and suffix in _ORDINAL:
                        values[-1] = f"ordinal {pending}"
                        pending = None
                        continue
                pending = None
            if gap != " " and gap:
                if "\n" in gap:
                    line += gap.count("\n")
                    line_first = len(kinds)
                    headline = headline and not kinds
                if _BOUNDARY.search(gap):
                    boundary = True
                if joined and (gap.strip() or "\n\n" in gap.replace(" ", "")):
                    joined[-1] = False
            if word:
                capital = word[0].isupper() and mixed_case[line]
                kinds.append("W" if capital and word.casefold() not in _CALENDAR else "w")
                values.append(word.rstrip(".") if "." in word else word.replace("’", "'"))
            elif number:
                kinds.append("f")
                if _PLAIN.fullmatch(number):
                    pending, pending_value = number, _number(number)
                    values.append(_canonical(pending_value))
                elif _MIXED.fullmatch(number) or _FRACTION.fullmatch(number):
                    pending, pending_value = number, _fraction(number)
                    values.append(_canonical(pending_value))
                else:  # a date ("20/05/2005") or another code: compared as written
                    values.append(number)
            elif ticker:
                # "<ETRE>" and "<ETRE.O>" are one company: the exchange suffix is dropped.
                # The bare symbol: "<BTOM.MI>" and "[BTOM.MI]" are one name.
                symbol = ticker.strip("\x00").split(".")[0].casefold()
                if headline:
                    before = values[max(line_first, len(values) - 5) :]
                    companies.append((" ".join(v.casefold() for v in before), symbol))
                line_first = len(kinds) + 1
                kinds.append("n")
                values.append(symbol)
            else:  # "%"
                kinds.append("w")
                values.append("pct" if pct else "")
            starts.append(boundary)
            joined.append(not ticker)
            boundary = False
        if joined:
            joined[-1] = False
        self.kinds, self.values, self.starts, self.joined = kinds, values, starts, joined
        self.companies = frozenset(companies)
        self._spelled_numbers()

    def _spelled_numbers(self) -> None:
        """Read "two billion dlrs" and "six pct" as the figures 2e9 and 6."""
        kinds, values = self.kinds, self.values
        drop: list[int] = []
        for i in range(len(kinds) - 1):
            word = values[i].casefold()
            if kinds[i] == "f" or word not in _NUMBER_WORDS or not self.joined[i]:
                continue
            after = values[i + 1].casefold()
            if after in _SCALE and after not in _ATTACHED_ONLY:
                kinds[i], values[i] = "f", _canonical(_NUMBER_WORDS[word] * _SCALE[after])
                self.joined[i] = self.joined[i + 1]
                drop.append(i + 1)
            elif after in _UNITS:
                kinds[i], values[i] = "f", _canonical(_NUMBER_WORDS[word])
        for i in reversed(drop):
            del kinds[i], values[i], self.starts[i], self.joined[i]


def _sequence(toks: _Tokens) -> list[tuple[str, str | None, str]]:
    """The document as ``(context word, slot kind or None, value)``, name runs merged."""
    kinds, values, starts, joined = toks.kinds, toks.values, toks.starts, toks.joined
    seq: list[tuple[str, str | None, str]] = []
    i, n = 0, len(kinds)
    while i < n:
        kind = kinds[i]
        if kind == "w":
            seq.append((values[i].casefold(), None, ""))
            i += 1
            continue
        if kind == "f":
            seq.append(("#", FIGURE, values[i]))
            i += 1
            continue
        if kind == "n":
            seq.append(("N", NAME, values[i]))
            i += 1
            continue
        run = [values[i]]
        j = i
        while joined[j] and j + 1 < n:
            k = j + 1
            if kinds[k] == "W" and not starts[k]:
                run.append(values[k])
                j = k
            elif (
                kinds[k] == "w"
                and joined[k]
                and k + 1 < n
                and kinds[k + 1] == "W"
                and values[k].casefold() in _CONNECTORS
            ):
                run.extend((values[k], values[k + 1]))
                j = k + 1
            else:
                break
        if starts[i] and (len(run) == 1 or run[0].casefold() in _SENTENCE_WORDS):
            seq.append((run[0].casefold(), None, ""))
            run = run[1:]
        if run:
            name = " ".join(run).casefold()
            seq.append(("N", NAME, name[:-2] if name.endswith("'s") else name))
        i = j + 1
    return seq


def extract(text: str) -> Slots:
    """The figures and names of ``text`` under their context keys (see the module doc)."""
    toks = _Tokens(text)
    seq = _sequence(toks)
    context = [item[0] for item in seq]
    padded = ["^", "^", *context, "$", "$"]
    found: dict[tuple[str, str, str, str], list[str]] = {}
    figures = names = 0
    for k, (_, kind, value) in enumerate(seq):
        if kind is None:
            continue
        if kind == FIGURE:
            figures += 1
        else:
            names += 1
        p = k + 2
        found.setdefault(("L", kind, padded[p - 2], padded[p - 1]), []).append(value)
        found.setdefault(("R", kind, padded[p + 1], padded[p + 2]), []).append(value)
    values = {key: tuple(sorted(v)) for key, v in found.items()}
    return Slots(values, figures, names, toks.companies)


def _same_name(a: str, b: str) -> bool:
    """Names agree when equal or when one is the other with words added at either end
    ("u.s" and "u.s credit": capitalisation decides where a name stops, and copies differ
    in capitalisation)."""
    return (
        a == b
        or a.startswith(b + " ")
        or b.startswith(a + " ")
        or a.endswith(" " + b)
        or b.endswith(" " + a)
    )


def _matches(kind: str, a: tuple[str, ...], b: tuple[str, ...]) -> tuple[int, int]:
    """(values in common, values compared) of two sorted value tuples under one key."""
    if len(a) == 1 and len(b) == 1:
        same = _same_name(a[0], b[0]) if kind == NAME else a[0] == b[0]
        return (1 if same else 0), 1
    common = sum((Counter(a) & Counter(b)).values())
    return common, min(len(a), len(b))


def agreement(a: Slots, b: Slots) -> dict[str, tuple[int, int]]:
    """Per slot kind, ``(agreeing values, conflicting values)`` over the keys both share.

    Compared on each shared key: as many values as the side with fewer has, so a teaser
    that kept one of two "Shr" lines has nothing in conflict with its original. Every
    occurrence is seen under two keys (before and after), so it may count twice.
    """
    if len(a.values) > len(b.values):
        a, b = b, a
    counts = {FIGURE: [0, 0], NAME: [0, 0]}
    other = b.values
    for key, va in a.values.items():
        vb = other.get(key)
        if vb is None:
            continue
        kind = key[1]
        common, compared = _matches(kind, va, vb)
        tally = counts[kind]
        tally[0] += common
        tally[1] += compared - common
    return {kind: (agree, conflict) for kind, (agree, conflict) in counts.items()}


def same_company(a: Slots, b: Slots) -> bool:
    """False when both documents name companies by ticker and share none: neither a ticker
    nor a company name (a respelt ticker of the same company still matches by name)."""
    if not a.companies or not b.companies:
        return True
    return any(
        ticker_a == ticker_b or (name_a and name_b and _same_name(name_a, name_b))
        for name_a, ticker_a in a.companies
        for name_b, ticker_b in b.companies
    )


def changed_share(a: Slots, b: Slots, *, names: bool = True) -> float:
    """The share of the figures and names that differ between ``a`` and ``b``, in [0, 1].

    Conflicting occurrences (half the conflicting keys: each occurrence has two) over the
    occurrences in the document with fewer of them: a corrected figure in a long story is a
    small share, the changed rate of a two-figure money-market flash is half of it. Figures
    are judged on their own; names are judged together with the figures, so one respelt name
    in a report whose figures all agree is a small change, while the same sentence about
    another bank is not. The larger of the two shares is returned (``names=False``: figures
    only). 0 when nothing conflicts, or when a document has no figures or names.

    Reports about different companies (:func:`same_company`) differ entirely: 1.
    """
    if names and not same_company(a, b):
        return 1.0
    counts = agreement(a, b)
    fig_conflicts = counts[FIGURE][1] / 2
    name_conflicts = counts[NAME][1] / 2
    fewer_figures = min(a.figures, b.figures)
    share = fig_conflicts / fewer_figures if fewer_figures else 0.0
    if names:
        fewer_all = fewer_figures + min(a.names, b.names)
        if fewer_all:
            share = max(share, (fig_conflicts + name_conflicts) / fewer_all)
    return min(1.0, share)
