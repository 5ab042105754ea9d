"""A model of what OCR does to a printed column, to make noisy test copies of clean text.

Each copy is set in narrow newspaper columns (words hyphenated at line ends, some hyphens lost
by the OCR, some line breaks inside words), then read with a character error rate drawn per
line (bad lines are much worse than the page average, as scans are smudged or skewed locally):
glyph confusions from the OCR post-correction literature (rn/m, cl/d, li/h, e/c, l/1/I, 0/o,
u/n, f/t, long s as f...), accents read wrong or lost, letters dropped, specks read as
punctuation, spaces lost (words run together) or added (words broken). A passage may also lose
a line at either edge and carry a line of the next column. Everything is seeded: one seed, one
copy.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

#: Glyphs OCR takes for others (single characters and pairs), most frequent first.
CONFUSIONS: dict[str, tuple[str, ...]] = {
    "e": ("c", "o", "é", "ê", "è"),
    "c": ("e", "o", "("),
    "o": ("0", "c", "e", "a"),
    "a": ("o", "s", "n", "e", "à"),
    "n": ("u", "ri", "h", "m", "a"),
    "u": ("n", "ii", "a", "il"),
    "m": ("rn", "in", "ni", "nn"),
    "h": ("b", "li", "k", "ll"),
    "b": ("h", "l>", "6"),
    "l": ("1", "I", "i", "t", "|"),
    "i": ("l", "1", "t", "j", "í"),
    "t": ("l", "f", "i", "c"),
    "f": ("t", "l", "ſ"),
    "r": ("t", "i", "n"),
    "s": ("a", "e", "5", "f"),
    "d": ("cl", "a", "ó"),
    "w": ("vv", "iv", "v"),
    "v": ("y", "r", "u"),
    "y": ("v", "j", "g"),
    "g": ("q", "y", "o"),
    "k": ("h", "lc"),
    "p": ("n", "o", "j"),
    "q": ("g",),
    "x": ("z",),
    "é": ("e", "ë", "è", "c"),
    "è": ("e", "é"),
    "ê": ("e", "è", "é"),
    "à": ("a", "á"),
    "â": ("a", "à"),
    "ç": ("c", "g"),
    "I": ("l", "1", "T"),
    "O": ("0", "Q", "C"),
    "S": ("5", "8", "B"),
    "B": ("8", "R", "E"),
    "E": ("F", "B"),
    "C": ("G", "(", "O"),
    "D": ("O", "B"),
    "M": ("N", "H"),
    "N": ("M", "H"),
    "1": ("l", "I", "i"),
    "0": ("o", "O"),
    "5": ("S", "6", "3"),
    "3": ("8", "5"),
    "8": ("3", "B", "6"),
    "6": ("5", "b", "8"),
    "9": ("0", "g"),
    ",": (".", ";", "'"),
    ".": (",", "'", ""),
    ";": (":", ","),
}
PAIRS: dict[str, tuple[str, ...]] = {
    "rn": ("m",),
    "cl": ("d",),
    "li": ("h",),
    "in": ("m",),
    "ri": ("n",),
    "ni": ("m",),
    "vv": ("w",),
    "ii": ("u",),
    "fi": ("f",),
    "tt": ("u",),
}
SPECKS = ".,'`-^~:;i"


@dataclass(frozen=True)
class Noise:
    """How a copy is read: ``rate`` is the page's character error rate (the mean over its
    lines), ``width`` the column width in characters."""

    rate: float = 0.05
    width: int = 38
    hyphenate: float = 0.6
    lost_hyphen: float = 0.15
    edges: float = 0.3
    bleed: float = 0.15


def set_in_columns(text: str, width: int, rng: random.Random, noise: Noise) -> list[str]:
    """The text as the lines of a narrow column: a word that does not fit is split at a
    syllable-like place with a hyphen (or moved to the next line)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            if not line:
                line = word
            elif len(line) + 1 + len(word) <= width:
                line += " " + word
            else:
                room = width - len(line) - 2
                cut = _cut(word, room)
                if cut and rng.random() < noise.hyphenate:
                    mark = "" if rng.random() < noise.lost_hyphen else "-"
                    lines.append(line + " " + word[:cut] + mark)
                    line = word[cut:]
                else:
                    lines.append(line)
                    line = word
        if line:
            lines.append(line)
    return lines


def _cut(word: str, room: int) -> int:
    """Where a word may be split to fill ``room`` characters (after a vowel followed by a
    consonant, two letters at least on each side), or 0."""
    best = 0
    for k in range(2, min(room, len(word) - 2) + 1):
        if word[k - 1] in "aeiouyéèêàâîôû" and word[k].isalpha() and word[k] not in "aeiouy":
            best = k
    return best


def misread(line: str, rate: float, rng: random.Random) -> str:
    """One line read with character error rate ``rate``."""
    out: list[str] = []
    i = 0
    while i < len(line):
        c = line[i]
        if rng.random() >= rate:
            out.append(c)
            i += 1
            continue
        pair = line[i : i + 2]
        roll = rng.random()
        if pair in PAIRS and roll < 0.5:
            out.append(rng.choice(PAIRS[pair]))
            i += 2
            continue
        if c == " ":
            if roll < 0.6:
                pass  # words run together
            else:
                out.append(rng.choice(" .,'"))
        elif roll < 0.62 and c in CONFUSIONS:
            out.append(rng.choice(CONFUSIONS[c]))
        elif roll < 0.7 and c.isalpha():
            out.append(rng.choice("abcdefghijklmnopqrstuvwxyz"))
        elif roll < 0.82:
            pass  # glyph lost
        elif roll < 0.92:
            out.append(c + rng.choice(SPECKS))  # a speck read as a character
        else:
            out.append(c + " ")  # a word broken
        i += 1
    return "".join(out)


def ocr_copy(text: str, seed: int, noise: Noise = Noise(), bleed_from: str = "") -> str:
    """A copy of ``text`` as one OCR reading of it printed in a column (see the module
    docstring); ``bleed_from`` is a text of the next column, one line of which may be read
    into this one."""
    rng = random.Random(seed)
    lines = set_in_columns(text, noise.width, rng, noise)
    if len(lines) > 6 and rng.random() < noise.edges:
        lines = lines[1:]
    if len(lines) > 6 and rng.random() < noise.edges:
        lines = lines[:-1]
    if bleed_from and len(lines) > 4 and rng.random() < noise.bleed:
        other = set_in_columns(bleed_from, noise.width, rng, noise)
        if other:
            lines.insert(rng.randrange(1, len(lines)), rng.choice(other))
    read = []
    for line in lines:
        # Lines differ: a few are much worse than the page's mean rate.
        rate = min(0.6, noise.rate * rng.gammavariate(1.5, 1 / 1.5))
        read.append(misread(line, rate, rng))
    return "\n".join(read) + "\n"


def char_error_rate(clean: str, noisy: str) -> float:
    """Levenshtein distance over the clean text's length, both with whitespace collapsed (to
    check the model's rate)."""
    a = " ".join(clean.split())
    b = " ".join(re.sub(r"-\n", "", noisy).split())
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1] / max(len(a), 1)
