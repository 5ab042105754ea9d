"""Built-in normalisers: HTML (a page's main content, see ``main_content``), Unicode NFKC,
typographic quotes, case, accents, punctuation and whitespace."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np

from dedupe import kernels
from dedupe.default_plugins.main_content import main_text, main_text_measuring, visible_lines
from dedupe.default_plugins.page_metadata import declared_shares
from dedupe.hookspecs import hookimpl
from dedupe.kernels.fuse import FuseStep
from dedupe.kernels.reference import PUNCTUATION
from dedupe.normalise import Normaliser


def _nfkc_stable_chars() -> str:
    """Characters known to be left alone by NFKC in any context.

    Candidates are the Latin letters and typographic marks of European news text; each is
    kept only if NFKC maps it to itself, it is not a combining mark, and it does not compose
    with a preceding letter. A text made only of such characters (and ASCII) is NFKC already.
    """
    candidates = [chr(c) for c in range(0xA1, 0x250)] + list("‘’‚“”„–—•…‹›«»€")
    return "".join(
        c
        for c in candidates
        if unicodedata.normalize("NFKC", c) == c
        and not unicodedata.combining(c)
        and all(unicodedata.normalize("NFC", base + c) == base + c for base in "aeAE")
    )


_NFKC_STABLE_CHARS = _nfkc_stable_chars()
_NOT_NFKC_STABLE = re.compile("[^\x00-\x7f" + re.escape(_NFKC_STABLE_CHARS) + "]")


#: NFKC images of the context-free characters French and English typography uses most.
_COMMON_COMPAT = (("\xa0", " "), ("\u202f", " "), ("\u2009", " "), ("\u2026", "..."))


def nfkc(text: str) -> str:
    """Unicode compatibility composition: ligatures, full-width forms, non-breaking spaces.

    Fast paths, same result: a text of NFKC-stable characters is returned as is, and one
    whose only unstable characters are non-breaking or thin spaces and "…" (each mapped
    alone, whatever surrounds it) is fixed with ``str.replace``.
    """
    if text.isascii() or not _NOT_NFKC_STABLE.search(text):
        return text
    folded = text
    for char, image in _COMMON_COMPAT:
        if char in folded:
            folded = folded.replace(char, image)
    if not _NOT_NFKC_STABLE.search(folded):
        return folded
    return unicodedata.normalize("NFKC", text)


_QUOTES = str.maketrans(
    {
        "«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "〝": '"',
        "〞": '"', "＂": '"', "‹": "'", "›": "'", "‘": "'", "’": "'", "‚": "'", "‛": "'",
        "′": "'", "`": "'", "´": "'", "ʼ": "'", "–": "-", "—": "-", "‐": "-", "‑": "-",
        "‒": "-", "―": "-", "−": "-", "…": "...",
    }
)  # fmt: skip


_QUOTE_MAP = {chr(k): v for k, v in _QUOTES.items()}
_QUOTE_CHARS = re.compile("[" + re.escape("".join(_QUOTE_MAP)) + "]")


def fold_quotes(text: str) -> str:
    """Typographic quotes, apostrophes, dashes and the ellipsis as their ASCII forms."""
    if text.isascii() and "`" not in text:  # the backtick is the one ASCII character folded
        return text
    return _QUOTE_CHARS.sub(lambda m: _QUOTE_MAP[m.group()], text)


def casefold(text: str) -> str:
    """Unicode case folding (stronger than lower(): ß -> ss)."""
    return text.casefold()


def fold_accents(text: str) -> str:
    """Remove combining marks: é -> e, ç -> c.

    Opt-in: it merges distinct words in some languages.
    """
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped)


def strip_punctuation(text: str) -> str:
    """Punctuation and symbols become spaces (so ``end.Start`` stays two words)."""
    return PUNCTUATION.sub(" ", text)


def collapse_whitespace(text: str) -> str:
    """Runs of whitespace become one space; leading and trailing space go."""
    return " ".join(text.split())


#: Normalisers with a batch kernel (same output, run on the whole batch's bytes).
BATCH_KERNELS: dict[str, Callable[[list[str]], list[str]]] = {
    "punctuation": kernels.punctuation_to_spaces,
    "whitespace": kernels.collapse_spaces,
}


@cache
def _nfkc_tables() -> tuple[Any, np.ndarray]:
    """NFKC as the Python fast paths do it: stable characters kept, the common compatibility
    characters mapped, any other character flags its document for ``unicodedata``."""
    from dedupe.kernels.codepoints import SIZE, mapping

    table = mapping(_COMMON_COMPAT)
    flagged = np.ones(SIZE, dtype=np.uint8)
    flagged[:0x80] = 0
    for char in _NFKC_STABLE_CHARS:
        flagged[ord(char)] = 0
    for char, _ in _COMMON_COMPAT:
        flagged[ord(char)] = 0
    return table, flagged


def _nfkc_bytes(buf: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`nfkc` on an encoded batch: a byte kernel for the fast paths, ``unicodedata`` for
    the documents that need it."""
    table, flagged = _nfkc_tables()
    out, new_offsets, flags = kernels.map_or_flag_bytes(table, flagged, buf, offsets)
    if not flags.any():
        return out, new_offsets
    texts = kernels.decode_batch(out, new_offsets)
    originals = kernels.decode_batch(buf, offsets)
    for d in np.flatnonzero(flags).tolist():
        texts[d] = unicodedata.normalize("NFKC", originals[d])
    return kernels.encode_batch(texts)


def _quotes_bytes(buf: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from dedupe.kernels.codepoints import mapping

    return kernels.map_bytes(mapping(tuple(_QUOTE_MAP.items())), buf, offsets)


BYTE_KERNELS: dict[str, Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]] = {
    "punctuation": kernels.punctuation_bytes,
    "whitespace": kernels.collapse_bytes,
    "casefold": kernels.casefold_bytes,
    "quotes": _quotes_bytes,
    "nfkc": _nfkc_bytes,
}


@cache
def _nfkc_step() -> FuseStep:
    table, flagged = _nfkc_tables()
    return FuseStep(table=table, flagged=flagged)


@cache
def _quotes_step() -> FuseStep:
    from dedupe.kernels.codepoints import mapping

    return FuseStep(table=mapping(tuple(_QUOTE_MAP.items())))


@cache
def _casefold_step() -> FuseStep:
    from dedupe.kernels.codepoints import casefold

    return FuseStep(table=casefold())


@cache
def _punctuation_step() -> FuseStep:
    from dedupe.kernels.charclass import OTHER, UNDERSCORE

    return FuseStep(spaces=(OTHER, UNDERSCORE))


@cache
def _whitespace_step() -> FuseStep:
    return FuseStep(collapse=True)


#: What each byte normaliser is per code point, for runs of them fused into one kernel pass.
FUSE_STEPS: dict[str, Callable[[], FuseStep]] = {
    "nfkc": _nfkc_step,
    "quotes": _quotes_step,
    "casefold": _casefold_step,
    "punctuation": _punctuation_step,
    "whitespace": _whitespace_step,
}


BUILTIN: dict[str, tuple[Callable[[str], str], str]] = {
    "html": (
        main_text,
        "HTML to text: a page's main content, else tags stripped; entities decoded",
    ),
    "nfkc": (nfkc, "Unicode NFKC normal form"),
    "quotes": (fold_quotes, "fold typographic quotes, apostrophes, dashes and … to ASCII"),
    "casefold": (casefold, "Unicode case folding"),
    "accents": (fold_accents, "remove accents and other combining marks (opt-in)"),
    "punctuation": (strip_punctuation, "replace punctuation and symbols with spaces"),
    "whitespace": (collapse_whitespace, "collapse runs of whitespace to one space"),
}


@hookimpl
def register_normalisers(register: Callable[[Normaliser], None]) -> None:
    for name, (func, description) in BUILTIN.items():
        if name in BYTE_KERNELS and name not in BATCH_KERNELS:
            compiled = kernels.BACKEND == "compiled"
            register(
                Normaliser(
                    name,
                    func,
                    description=description,
                    bytes_func=BYTE_KERNELS[name] if compiled else None,
                    fuse=FUSE_STEPS[name] if compiled else None,
                )
            )
        elif name in BATCH_KERNELS:
            compiled = kernels.BACKEND == "compiled"
            register(
                Normaliser(
                    name,
                    BATCH_KERNELS[name],
                    batch=True,
                    description=description,
                    bytes_func=BYTE_KERNELS[name] if compiled else None,
                    fuse=FUSE_STEPS[name] if compiled else None,
                )
            )
        else:
            html = name == "html"
            register(
                Normaliser(
                    name,
                    func,
                    description=description,
                    structural=html,
                    measure=main_text_measuring if html else None,
                    visible_lines=visible_lines if html else None,
                    declares=declared_shares if html else None,
                )
            )
