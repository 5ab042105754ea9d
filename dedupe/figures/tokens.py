"""The reading of a text into tokens for :mod:`dedupe.figures.extract`: words (capitalised
or not), stock tickers and figures read by value.

Numbers are read by value ("3.4 mln", "3,400,000" and "$3.4m" are one figure; "1,914,388" has
thousands separators, "14,5" a decimal comma) with the precision they were written with;
spelled numbers count when a scale or unit follows ("two billion dlrs", "six pct") or they open
a hyphenated measure ("a six-day operation"); a month with a day is one date ("April 30", "30
avril", "Pay May One"), a month alone and a weekday are figures too. Markup is dropped (tickers
such as "<ESY>" kept unless the text is a page) and publication stamps left out.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any

from dedupe.figures import words as vocab

__all__ = ["FIGURE", "NAME", "PAGE", "UNSPACED", "Key", "Tokens", "Value", "tokens", "words_beyond"]

#: What a slot holds: a figure or a name.
FIGURE, NAME = "f", "n"

#: A figure or a name: ``("n", value, unit)`` a number (``unit``: the precision it was written
#: with when a scale word follows, "3.1 mln": 100,000; 0 for an exact number), ``("c", text)``
#: a code compared as written ("20/05/2005"), ``("d", month, day)`` a date, ``("m", month)``
#: a month, ``("w", weekday)``, ``("o", n)`` an ordinal, ``("N", name)`` a name.
Value = tuple[Any, ...]
Key = tuple[str, str, str, str]

#: Upper-case words in angle brackets are Reuters-style stock tickers (``<ESY>``); these names
#: are HTML tags, not tickers.
_HTML_TAGS = frozenset(
    vocab.words(
        "A ABBR ARTICLE ASIDE B BLOCKQUOTE BODY BR CODE DD DIV DL DT EM FIGCAPTION FIGURE "
        "FOOTER H1 H2 H3 H4 H5 H6 HEAD HEADER HR HTML I IMG LI LINK MAIN META NAV OL P "
        "PRE Q S SECTION SMALL SPAN STRONG SUB SUP TABLE TBODY TD TH THEAD TITLE TR TT U "
        "UL"
    )
)
#: What makes a text a page rather than wire copy with tickers in angle brackets.
PAGE = re.compile(
    r"</(?:p|div|span|a|li|ul|ol|td|tr|table|h[1-6]|html|body|head|article|section|header|"
    r"footer|nav|main|script|style|title|b|i|em|strong)\s*>|<br\s*/?>|<!doctype",
    re.IGNORECASE,
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
#: Two numbers joined by a hyphen: a range ("2001-2012", "April 6-8").
_RANGE = re.compile(r"(\d+(?:[.,]\d+)?)-(\d+(?:[.,]\d+)?)")
#: Scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer,
#: Myanmar): a run of them is not a name, and a headline in one is not split into words.
UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)
_UNSPACED = UNSPACED
#: A sentence or a paragraph starts after these (Reuters indents paragraphs and table rows).
_BOUNDARY = re.compile(r"[.!?…:;«»\"“”]|\n\s*\n|\n[ \t]{2,}")


def _date_gap(gap: str) -> bool:
    """Whether a day and a month this far apart are one date ("30 April", "30. April", a line
    break between "July" and "23")."""
    return gap.strip() in ("", ".") and gap.count("\n") <= 1


def _number(text: str) -> tuple[float, float]:
    """The value of a written number and its precision (1 for "12", 0.01 for "1.20"):
    thousands separators and decimal commas resolved."""
    decimals = 0
    if "," in text and "." in text:
        if text.rfind(",") < text.rfind("."):
            decimals = len(text) - text.rfind(".") - 1
            text = text.replace(",", "")  # 1,035.1
        else:
            decimals = len(text) - text.rfind(",") - 1
            text = text.replace(".", "").replace(",", ".")  # 1.035,1
    elif "," in text:
        parts = text.split(",")
        if len(parts) == 2 and len(parts[1]) < 3:  # 14,5
            decimals = len(parts[1])
            text = text.replace(",", ".")
        elif all(len(p) == 3 for p in parts[1:]):  # 1,914,388
            text = "".join(parts)
        else:  # "2012,2013": a list, not a number
            return float("nan"), 0.0
    elif text.count(".") > 1:
        text = text.replace(".", "")  # 1.914.388
    elif "." in text:
        decimals = len(text) - text.find(".") - 1
    try:
        return float(text), 10.0**-decimals
    except ValueError:  # pragma: no cover - the token pattern only lets numbers through
        return 0.0, 1.0


def _fraction(text: str) -> float:
    whole, _, frac = text.rpartition("-")
    top, _, bottom = frac.partition("/")
    value = float(top) / float(bottom) if float(bottom) else float(top)
    return value + (float(whole) if whole else 0.0)


def _untag(m: re.Match[str]) -> str:
    """An HTML tag goes; anything else in angle brackets keeps its words ("<Kaiser Steel
    Corp>" is how Reuters marks a company without a ticker)."""
    slash, name, rest = m.groups()
    if slash or (name and name.upper() in _HTML_TAGS) or "=" in rest:
        return " "
    return f" {name or ''}{rest} "


#: A time of day, and a date with its year: what a publication stamp holds.
_TIME = re.compile(r"(?<!\d)\d{1,2}:\d{2}(?!\d)")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_LETTERS = re.compile(r"[^\W\d_]+")
#: A stamp line has at most this many words (a site name, "Posted", "Updated").
STAMP_WORDS = 3


#: A date written in figures with its day, month and year ("21.11.2023", "20/11/2015",
#: "2018-10-25"): with a few words around it, a byline ("Par admin – 21.11.2023").
_FULL_DATE = re.compile(
    r"(?<![\d.,/-])(?:\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d{2}|(?:19|20)\d{2}-\d{1,2}-\d{1,2})(?![\d.,/-]?\d)"
)


def _stamp(line: str) -> bool:
    """A line with a year and a time, a year and no word but calendar words, or a date in
    figures with its year (a byline: "Par admin – 21.11.2023"), and at most
    :data:`STAMP_WORDS` other words."""
    if not _YEAR.search(line):
        return False
    found = [w for w in _LETTERS.findall(line) if w.casefold() not in _CALENDAR]
    if len(found) > STAMP_WORDS:
        return False
    return not found or _TIME.search(line) is not None or _FULL_DATE.search(line) is not None


_CALENDAR = frozenset(vocab.MONTHS) | frozenset(vocab.WEEKDAYS)


def _unstamped(text: str) -> str:
    """The text without its publication stamps ("南山新闻网客户端 2018-10-25 10:03:52",
    "25 August 2015 - 12:58", a date alone on its line), which a repost carries with its own
    date, not the story's."""
    if not _YEAR.search(text):
        return text
    lines = text.split("\n")
    kept = [line for line in lines if not _stamp(line)]
    return "\n".join(kept) if len(kept) < len(lines) else text


def _clean(text: str) -> str:
    """Compatibility forms folded (full-width digits and commas), publication stamps dropped,
    tickers marked, other markup dropped, entities decoded."""
    text = _unstamped(unicodedata.normalize("NFKC", text))
    if "<" in text:
        page = "</" in text and PAGE.search(text) is not None
        text = _TICKER.sub(
            lambda m: (
                m.group(0) if page and m.group(1) in _HTML_TAGS else f" \x00{m.group(1)}\x00 "
            ),
            text,
        )
        text = _TAG.sub(_untag, text)
    if "&" in text:
        text = html.unescape(text)
    return text


def _spelled(parts: list[str]) -> tuple[float, float, int] | None:
    """A number spelled at the start of hyphenated parts ("six-day", "twenty-five-year",
    "one-billion-dlr"): (value, precision, parts used), or None."""
    first = parts[0].casefold()
    if first not in vocab.NUMBER_WORDS:
        return None
    value, used = vocab.NUMBER_WORDS[first], 1
    if used < len(parts) and value >= 20 and parts[used].casefold() in vocab.NUMBER_WORDS:
        value += vocab.NUMBER_WORDS[parts[used].casefold()]
        used += 1
    unit = 0.0
    if used < len(parts) and parts[used].casefold() in vocab.SCALES:
        scale = vocab.SCALES[parts[used].casefold()]
        value, unit, used = value * scale, scale, used + 1
    return value, unit, used


class Tokens:
    """The words, figures and tickers of a text as parallel lists.

    ``kinds``: ``w`` word, ``W`` capitalised word in a mixed-case line (a name candidate),
    ``f`` figure, ``n`` ticker. ``starts``: the token begins a sentence or paragraph.
    ``joined``: only spaces (or one line break) separate it from the next token, so a name
    may go on. ``gaps``: the text between the token and the one before it. ``lines``: the
    line each token is on.
    """

    __slots__ = ("companies", "folded", "gaps", "joined", "kinds", "lines", "starts", "values")

    def __init__(self, text: str) -> None:
        text = _clean(text)
        self.kinds: list[str] = []
        self.values: list[Any] = []
        self.starts: list[bool] = []
        self.joined: list[bool] = []
        self.gaps: list[str] = []
        self.lines: list[int] = []
        self.folded: list[str | None] = []  # each word folded, None for other tokens
        self._read(text)
        self._spelled_numbers()
        self._calendar()

    def _append(self, kind: str, value: Any, gap: str, line: int, start: bool) -> None:
        self.kinds.append(kind)
        self.values.append(value)
        self.starts.append(start)
        self.joined.append(kind != "n")
        self.gaps.append(gap)
        self.lines.append(line)
        self.folded.append(value.casefold() if kind in "wW" else None)

    def _figure(self, i: int, value: Value) -> None:
        """Token ``i`` becomes the figure ``value``."""
        self.kinds[i], self.values[i], self.folded[i] = "f", value, None

    def _read(self, text: str) -> None:
        kinds, values, joined = self.kinds, self.values, self.joined
        mixed_case = [line != line.upper() for line in text.split("\n")]
        line = 0
        boundary = True
        pending: tuple[float, float] | None = None  # a number waiting for a scale or suffix
        companies: list[tuple[str, str]] = []
        line_first = 0  # index of the first token of the current line, or after a ticker
        headline = True  # still on the first line (where a wire story names its company)
        # findall gives plain tuples (one per token, every group): much faster than matches.
        for gap, word, number, ticker, pct in _TOKEN.findall(text):
            if pending is not None:
                if word and not gap.strip():
                    suffix = word.casefold()
                    if suffix in vocab.SCALES and (not gap or suffix not in vocab.ATTACHED_ONLY):
                        scale = vocab.SCALES[suffix]
                        values[-1] = ("n", pending[0] * scale, pending[1] * scale)
                        pending = None
                        continue
                    if not gap and suffix in vocab.ORDINAL_SUFFIXES:
                        values[-1] = ("o", pending[0])
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
                parts = word.split("-") if "-" in word else None
                spelled = _spelled(parts) if parts else None
                if parts and spelled is not None and spelled[2] < len(parts):
                    # "six-day": the figure 6, then the word "day".
                    self._append("f", ("n", spelled[0], spelled[1]), gap, line, boundary)
                    rest = "-".join(parts[spelled[2] :])
                    self._append("w", rest, "-", line, False)
                    boundary = False
                    continue
                written = word.rstrip(".") if "." in word else word.replace("’", "'")
                folded = written.casefold()
                capital = (
                    word[0].isupper()
                    and mixed_case[min(line, len(mixed_case) - 1)]
                    and folded not in _CALENDAR
                    and not _UNSPACED.search(word)
                )
                # (the columns of _append, inlined: most tokens are words)
                kinds.append("W" if capital else "w")
                values.append(written)
                self.starts.append(boundary)
                joined.append(True)
                self.gaps.append(gap)
                self.lines.append(line)
                self.folded.append(folded)
            elif number:
                span = _RANGE.fullmatch(number)
                if span:  # "2001-2012" is "2001 - 2012": two figures
                    self._append("f", ("n", _number(span.group(1))[0], 0.0), gap, line, boundary)
                    self._append("f", ("n", _number(span.group(2))[0], 0.0), "-", line, False)
                    boundary = False
                    continue
                parsed = _number(number) if _PLAIN.fullmatch(number) else None
                if parsed is not None and parsed[0] == parsed[0]:  # (not NaN)
                    pending = parsed
                    value: Value = ("n", pending[0], 0.0)
                elif _MIXED.fullmatch(number) or _FRACTION.fullmatch(number):
                    pending = (_fraction(number), 0.0)
                    value = ("n", pending[0], 0.0)
                else:  # a date ("20/05/2005") or another code: compared as written
                    value = ("c", number)
                self._append("f", value, gap, line, boundary)
            elif ticker:
                # "<ETRE>" and "<ETRE.O>" are one company: the exchange suffix is dropped.
                symbol = ticker.strip("\x00").split(".")[0].casefold()
                if headline:
                    before = values[max(line_first, len(values) - 5) :]
                    companies.append(
                        (" ".join(v.casefold() for v in before if isinstance(v, str)), symbol)
                    )
                line_first = len(kinds) + 1
                self._append("n", symbol, gap, line, boundary)
            else:  # "%"
                self._append("w", "pct" if pct else "", gap, line, boundary)
            boundary = False
        if joined:
            joined[-1] = False
        self.companies = frozenset(companies)

    def _delete(self, drop: list[int]) -> None:
        """Remove the tokens at ``drop`` from every column (in one pass: linear in the text)."""
        if not drop:
            return
        gone = set(drop)
        for column in (
            self.kinds,
            self.values,
            self.starts,
            self.joined,
            self.gaps,
            self.lines,
            self.folded,
        ):
            column[:] = [v for k, v in enumerate(column) if k not in gone]

    def _word(self, i: int) -> str | None:
        """The folded word at ``i``, or None for a figure or ticker."""
        return self.folded[i]

    def _spelled_numbers(self) -> None:
        """Read "two billion dlrs", "six pct" and "first quarter" as figures."""
        folded = self.folded
        drop: list[int] = []
        last = len(folded) - 1
        for i in [k for k, w in enumerate(folded) if w in _SPELLED and k < last]:
            word, after = folded[i], folded[i + 1]
            if word is None or after is None or not self.joined[i] or (drop and drop[-1] == i):
                continue
            if word in vocab.NUMBER_WORDS:
                number = vocab.NUMBER_WORDS[word]
                if after in vocab.SCALES and after not in vocab.ATTACHED_ONLY:
                    scale = vocab.SCALES[after]
                    self._figure(i, ("n", number * scale, scale))
                    self.joined[i] = self.joined[i + 1]
                    drop.append(i + 1)
                elif after in vocab.UNITS:
                    self._figure(i, ("n", number, 0.0))
            elif word in vocab.ORDINAL_WORDS and after in vocab.ORDINAL_OF:
                self._figure(i, ("o", float(vocab.ORDINAL_WORDS[word])))
        self._delete(drop)

    def _day(self, i: int) -> int | None:
        """The day of the month written at ``i`` (a whole number 1-31, digits or words)."""
        if not 0 <= i < len(self.kinds):
            return None
        value = self.values[i]
        if self.kinds[i] == "f" and value[0] == "n" and value[2] == 0.0:
            day = value[1]
        else:
            word = self._word(i)
            if word is None or word not in vocab.NUMBER_WORDS:
                return None
            day = vocab.NUMBER_WORDS[word]
        return int(day) if day == int(day) and 1 <= day <= 31 else None

    def _calendar(self) -> None:
        """A month with its day is one date figure ("April 30", "30 avril", "May One"); a
        month alone ("in February") and a weekday are figures too."""
        kinds = self.kinds
        drop: list[int] = []
        for i in [k for k, w in enumerate(self.folded) if w in _CALENDAR]:
            word = self._word(i)
            if word is None or (drop and drop[-1] == i):
                continue
            if word in vocab.WEEKDAYS:
                self._figure(i, ("w", vocab.WEEKDAYS[word]))
                continue
            month = vocab.MONTHS.get(word)
            if month is None:
                continue
            nxt = i + 1
            day = self._day(nxt) if nxt < len(kinds) and _date_gap(self.gaps[nxt]) else None
            if day is not None:
                self._figure(i, ("d", month, day))
                self.joined[i] = self.joined[nxt]
                drop.append(nxt)
                continue
            prev = i - 1
            if prev > 0 and self._word(prev) in vocab.DAY_OF and self.kinds[prev - 1] == "f":
                prev -= 1  # "20 of September", "20 من سبتمبر"
            day = (
                self._day(prev)
                if prev >= 0
                and _date_gap(self.gaps[i])
                and kinds[prev] == "f"
                and not (drop and drop[-1] == prev)
                else None
            )
            if day is not None:
                self._figure(prev, ("d", month, day))
                self.joined[prev] = self.joined[i]
                drop.extend(range(prev + 1, i + 1))
                continue
            if word not in vocab.AMBIGUOUS_MONTHS:
                self._figure(i, ("m", month))
        self._delete(drop)


#: The words the two passes above look at.
_SPELLED = frozenset(vocab.NUMBER_WORDS) | frozenset(vocab.ORDINAL_WORDS)
#: Words a reading may turn into a figure or drop: number, ordinal, calendar and scale words,
#: an ordinal's suffix, the "of" of "20 of September".
_MAY_GO = (
    _SPELLED
    | _CALENDAR
    | frozenset(vocab.SCALES)
    | vocab.ORDINAL_SUFFIXES
    | vocab.DAY_OF
    | frozenset(vocab.NUMBER_WORDS)
)


def words_beyond(line: str, skip: frozenset[str], count: int) -> bool | None:
    """Whether :class:`Tokens` reads more than ``count`` words (``w``, ``W``) of one line
    whose folded value is not in ``skip``, decided without the full reading when its words
    alone show it: each word the reading keeps for sure (none that :data:`_MAY_GO` or a
    hyphen may make a figure) is counted. None when that does not settle it (too few such
    words, markup, an entity, a publication stamp): then read it in full."""
    text = unicodedata.normalize("NFKC", line)  # (as :func:`_clean`)
    if "<" in text or "&" in text or "\n" in text or (_YEAR.search(text) and _stamp(text)):
        return None
    found = 0
    for match in _TOKEN.finditer(text):  # (one at a time: most lines settle in a few words)
        word = match.group(2)
        if not word or "-" in word:
            continue
        written = word.rstrip(".") if "." in word else word.replace("’", "'")
        folded = written.casefold()
        if folded not in _MAY_GO and folded not in skip:
            found += 1
            if found > count:
                return True
    return None


def tokens(text: str) -> list[tuple[str, Any]]:
    """The tokens of ``text`` as ``(kind, value)``: ``f`` figures (a :data:`Value`), ``n``
    tickers, ``w`` and ``W`` words (for tests and ``explain``)."""
    toks = Tokens(text)
    return list(zip(toks.kinds, toks.values, strict=True))
