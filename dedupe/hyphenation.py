"""Words broken at line ends by typesetting, put back together (the ``hyphenation`` normaliser).

A newspaper column breaks words at its right edge: ``quel-`` / ``ques``. Two printings of one
text break it at different places, and OCR keeps the break, sometimes without the hyphen
(``sé`` / ``rieuses``), so word shingles of two copies differ at every line end. Here:

- A hyphen at a line end (``-``, a soft hyphen, ``‐``, ``‑``, ``¬`` or ``⸗``, the last two the
  marks of Fraktur prints) followed on the next line by a small letter joins the two parts
  (``quelques``), unless the hyphen belongs to the word: the hyphenated form appears elsewhere
  in the text (``train-poste``), or the second part is one of the words French and English
  write after a hyphen (``lui-même``, ``dit-il``, ``vingt-quatre``), or the compound goes on
  with another hyphen (``mother-`` / ``in-law``). A
  soft hyphen is always a break. Followed by a capital or a digit, the hyphen stays and only
  the line break goes (``New-York``, ``1899-1900``): such compounds are not broken words.
- A line break inside a word without a hyphen (lost by the OCR) is undone only on evidence:
  the joined word appears elsewhere in the text and the second part does not appear there as
  a word of its own (``de`` / ``vant`` joins when ``devant`` is in the text and ``vant`` is
  not; ``some`` / ``times`` stays two words when ``times`` is used alone).

Text without a line break is returned unchanged at once. Both steps are repeated until nothing
changes (each change removes a line break, so this ends, nearly always after the second
round), so applying the normaliser twice changes nothing more.
"""

from __future__ import annotations

import re
from collections import Counter

#: Marks that end a line inside a broken word.
HYPHENS = "-\u00ad\u2010\u2011\u00ac\u2e17"
#: Marks that are never part of the word (soft hyphen, Fraktur hyphens).
ALWAYS_BREAK = "\u00ad\u00ac\u2e17"

#: Words written after a hyphen: French pronouns and adverbs after a verb or pronoun
#: (dit-il, lui-même, celui-ci), French and English numbers (vingt-quatre, twenty-one),
#: English in-law and self- compounds.
_SECOND = """
    je tu il ils elle elles on nous vous le la les lui leur leurs moi toi soi y en ce
    même mêmes ci là t
    un une deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze
    seize vingt trente quarante cinquante soixante cents mille
    one two three four five six seven eight nine
    law laws
"""
HYPHENATED_SECOND = frozenset(_SECOND.split())

_WORD = re.compile(r"\w+")
_LAST = re.compile(r"(\w+)([" + re.escape(HYPHENS) + r"]?)$")
_FIRST = re.compile(r"\w+")


def _repair(text: str) -> str:
    """One round over the line breaks of the text (see the module docstring)."""
    lines = text.split("\n")
    joins: list[tuple[int, str, str, str]] = []  # (line, left word, mark, right word)
    for i in range(len(lines) - 1):
        left = lines[i].rstrip(" \t\r")
        right = lines[i + 1].lstrip(" \t")
        if not left or not right or not (right[0].isalnum() or right[0] == "_"):
            continue
        last = _LAST.search(left)
        if last is None:
            continue
        word, mark = last.group(1), last.group(2)
        first = _FIRST.match(right)
        if first is None or (not mark and not (word[-1].isalpha() and right[0].isalpha())):
            continue
        # "mother-" / "in-law": a compound goes on after the break with another hyphen.
        more = right[first.end() : first.end() + 2]
        compound = len(more) == 2 and more[0] == "-" and more[1].isalpha()
        joins.append((i, word, mark + ("+" if compound else ""), first.group()))
    if not joins:
        return text
    lower = text.lower()
    counts = None
    glue: dict[int, str] = {}
    for i, word, mark, right in joins:
        if mark:
            if mark[0] in ALWAYS_BREAK:
                glue[i] = ""
            else:
                kept = (
                    mark.endswith("+")
                    or not right[0].islower()
                    or right.lower() in HYPHENATED_SECOND
                    or f"{word}-{right}".lower() in lower
                )
                glue[i] = "-" if kept else ""
            continue
        if not right[0].islower():
            continue
        if counts is None:
            counts = Counter(_WORD.findall(lower))
            # A word just after a line break is no evidence of itself as a word.
            at_breaks = Counter(r.lower() for _, _, m, r in joins if not m)
        low = right.lower()
        if counts[(word + right).lower()] and counts[low] <= at_breaks[low]:
            glue[i] = " "  # marker: joined without a mark
    if not glue:
        return text
    out = []
    for i, line in enumerate(lines):
        g = glue.get(i)
        if g is None:
            out.append(line)
            if i < len(lines) - 1:
                out.append("\n")
            continue
        head = line.rstrip(" \t\r")
        if head and head[-1] in HYPHENS:
            head = head[:-1]
        out.append(head + (g if g != " " else ""))
        lines[i + 1] = lines[i + 1].lstrip(" \t")
    return "".join(out)


def dehyphenate(text: str) -> str:
    """The text with words broken at line ends put back together (see the module docstring)."""
    while "\n" in text:
        joined = _repair(text)
        if joined == text:
            break
        text = joined
    return text
