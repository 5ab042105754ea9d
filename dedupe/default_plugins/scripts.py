"""The ``scripts`` normaliser: spelling variants that scripts other than Latin allow, folded.

Two copies of one article can differ in letters a reader takes for the same: Arabic sites write
hamza on alef or leave it off, ى or ي, ة or ه, add harakat (vowel marks) or a kashida (tatweel)
to stretch a word; Persian keyboards give ی and ک where Arabic ones give ي and ك; Hebrew may be
pointed; digits come in a dozen scripts; Japanese editions write small kana (っ) full size (つ);
invisible format characters (soft hyphens, zero-width joiners, bidi marks, variation selectors)
come and go. Each is folded one code point at a time, after ``nfkc`` (which already folds
full-width forms, half-width kana, Arabic presentation forms and compatibility ideographs). The
Arabic and Persian folds are those of Lucene's ArabicNormalizer and PersianNormalizer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache

import numpy as np

from dedupe import kernels
from dedupe.hookspecs import hookimpl
from dedupe.kernels.codepoints import CodepointMap
from dedupe.kernels.fuse import FuseStep
from dedupe.normalise import Normaliser

#: Arabic letter variants (alef with hamza or madda or wasla, alef maksura, teh marbuta) and
#: their Persian and Urdu forms (farsi yeh, keheh, heh goal, heh with yeh above).
LETTERS = {
    "\u0622": "\u0627",  # آ alef with madda above
    "\u0623": "\u0627",  # أ alef with hamza above
    "\u0625": "\u0627",  # إ alef with hamza below
    "\u0671": "\u0627",  # ٱ alef wasla
    "\u0672": "\u0627",  # ٲ alef with wavy hamza above
    "\u0673": "\u0627",  # ٳ alef with wavy hamza below
    "\u0649": "\u064a",  # ى alef maksura -> yeh
    "\u06cc": "\u064a",  # ی farsi yeh -> yeh
    "\u0629": "\u0647",  # ة teh marbuta -> heh
    "\u06c0": "\u0647",  # ۀ heh with yeh above
    "\u06c1": "\u0647",  # ہ heh goal
    "\u06c3": "\u0647",  # ۃ teh marbuta goal
    "\u06a9": "\u0643",  # ک keheh -> kaf
    "\u0640": "",  # ـ tatweel (kashida)
    "\u30f0": "\u30a4",  # ヰ katakana wi (obsolete) -> i
    "\u30f1": "\u30a8",  # ヱ katakana we (obsolete) -> e
    "\u3090": "\u3044",  # ゐ hiragana wi (obsolete) -> i
    "\u3091": "\u3048",  # ゑ hiragana we (obsolete) -> e
}

#: Blocks whose non-spacing marks are optional vowel signs and cantillation (harakat, Hebrew
#: points, Syriac vowels): dropped. Other scripts' marks are letters' parts and stay.
OPTIONAL_MARK_BLOCKS = (
    (0x0591, 0x05C7),  # Hebrew points and accents
    (0x0610, 0x061A),  # Arabic honorifics
    (0x064B, 0x065F),  # Arabic harakat (tanween, fatha, damma, kasra, shadda, sukun...)
    (0x0670, 0x0670),  # superscript alef
    (0x06D6, 0x06ED),  # Quranic annotation marks
    (0x0711, 0x0711),  # Syriac superscript alaph
    (0x0730, 0x074A),  # Syriac vowels
    (0x0898, 0x08FF),  # Arabic Extended-A/B marks
)

#: Variation selectors (non-spacing marks that pick a glyph, not a letter).
VARIATION_SELECTORS = ((0x180B, 0x180D), (0x180F, 0x180F), (0xFE00, 0xFE0F), (0xE0100, 0xE01EF))


def _small_kana() -> dict[str, str]:
    """Small hiragana and katakana (ぁ, っ, ゃ, ァ, ㇰ...) as their full-size letters."""
    folds = {}
    for cp in (*range(0x3041, 0x3100), *range(0x31F0, 0x3200), *range(0x1B100, 0x1B170)):
        name = unicodedata.name(chr(cp), "")
        if " SMALL " in name and ("HIRAGANA" in name or "KATAKANA" in name):
            try:
                folds[chr(cp)] = unicodedata.lookup(name.replace("SMALL ", ""))
            except KeyError:
                continue
    return folds


def _in(cp: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(first <= cp <= last for first, last in ranges)


@cache
def folds() -> dict[str, str]:
    """Every code point this normaliser changes, and its image ("" for a dropped one)."""
    table = dict(LETTERS)
    table.update(_small_kana())
    for cp in range(0x80, 0x110000):
        c = chr(cp)
        category = unicodedata.category(c)
        if category == "Cf":
            table[c] = ""  # soft hyphen, zero-width (non-)joiner and space, bidi marks, BOM
        elif category == "Nd":
            table[c] = str(unicodedata.decimal(c))  # ٣ ۳ ३ ๓ -> 3
        elif category == "Mn" and _in(cp, OPTIONAL_MARK_BLOCKS + VARIATION_SELECTORS):
            table[c] = ""
    return table


#: Bumped whenever :func:`folds` changes (names the table cached on disk).
VERSION = 1


@cache
def table() -> CodepointMap:
    """:func:`folds` as a byte-kernel table, built once per Unicode version and cached on disk
    (building it looks at every code point: seconds)."""
    from dedupe.kernels.codepoints import build, cached

    return cached(f"scripts{VERSION}", lambda: build(folds()))


@cache
def _translation() -> dict[int, str]:
    t = table()
    changed = np.flatnonzero(t.single != np.arange(len(t.single), dtype=t.single.dtype))
    out = {}
    for cp in changed.tolist():
        image = int(t.single[cp])
        if image >= 0:
            out[cp] = chr(image)
        else:
            k = -image - 1
            out[cp] = "".join(map(chr, t.multi[t.starts[k] : t.starts[k + 1]].tolist()))
    return out


@cache
def _pattern() -> re.Pattern[str]:
    return re.compile("[" + re.escape("".join(map(chr, _translation()))) + "]")


def fold_scripts(text: str) -> str:
    """Fold the script variants of ``text`` (see the module docstring); ASCII text and text
    without any of them are returned as they are."""
    if text.isascii() or not _pattern().search(text):
        return text
    return text.translate(_translation())


def _fold_bytes(buf: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`fold_scripts` on an encoded batch; a batch with nothing to fold is passed on
    without a copy (what Latin-script text costs is one scan of its bytes)."""
    return kernels.map_bytes_if_any(table(), buf, offsets)


@cache
def _fuse_step() -> FuseStep:
    """The fold as a step of a fused run of byte normalisers (:mod:`dedupe.kernels.fuse`)."""
    return FuseStep(table=table())


@hookimpl
def register_normalisers(register: Callable[[Normaliser], None]) -> None:
    register(
        Normaliser(
            "scripts",
            fold_scripts,
            description=(
                "fold script variants: Arabic alef/yeh/teh marbuta forms, harakat and tatweel, "
                "Persian letters, Hebrew points, small kana, digits of every script, invisible "
                "format characters"
            ),
            bytes_func=_fold_bytes if kernels.BACKEND == "compiled" else None,
            fuse=_fuse_step if kernels.BACKEND == "compiled" else None,
        )
    )
