"""Built-in components for text read by OCR: the ``hyphenation`` normaliser (words broken at
line ends joined, see :mod:`dedupe.hyphenation`), the ``nospace`` normaliser, and the
``aligned`` scorer (passages aligned over OCR errors, names and figures compared, see
:mod:`dedupe.aligned`). The ``ocr`` preset (:mod:`dedupe.presets`) puts them together."""

from __future__ import annotations

import weakref
from collections.abc import Callable

import numpy as np

from dedupe import aligned
from dedupe.hookspecs import hookimpl
from dedupe.hyphenation import dehyphenate
from dedupe.normalise import Chain, Normaliser
from dedupe.score import PairContext, Scorer


def remove_spaces(texts: list[str]) -> list[str]:
    """Every text with its whitespace removed: character n-grams of it do not change when OCR
    breaks a word in two or runs two words together."""
    return ["".join(t.split()) for t in texts]


_CASED: weakref.WeakKeyDictionary[PairContext, Chain] = weakref.WeakKeyDictionary()


#: Normalisers whose work :class:`dedupe.aligned.Seeds` does itself, after it has read the
#: capitals and sentence ends it needs.
_FOLDED = ("casefold", "punctuation", "whitespace", "nospace")


def _aligner_chain(normalisers: list[Normaliser]) -> list[Normaliser]:
    """The run's normalisers without those :class:`dedupe.aligned.Seeds` replaces, and with
    ``hyphenation`` before ``scripts`` (which drops soft hyphens) if the run has none: a name
    broken at a line end is then read whole."""
    kept = [n for n in normalisers if n.name not in _FOLDED]
    if any(n.name == "hyphenation" for n in kept):
        return kept
    at = next((k for k, n in enumerate(kept) if n.name == "scripts"), len(kept))
    return [*kept[:at], HYPHENATION, *kept[at:]]


def _texts(ctx: PairContext, docs: np.ndarray) -> list[str]:
    """The documents normalised by the run's chain without case folding, punctuation and
    spacing (the aligner reads names and figures first, then folds them itself), or as the
    run normalised them where its chain is not known."""
    chain = ctx.chain()
    if not isinstance(chain, Chain):
        return [ctx.normalised_text(int(d)) for d in docs.tolist()]
    cased = _CASED.get(ctx)
    if cased is None:
        cased = Chain(_aligner_chain(chain.normalisers))
        _CASED[ctx] = cased
    return cased([ctx.text(int(d)) for d in docs.tolist()])


def aligned_score(pairs: np.ndarray, ctx: PairContext) -> np.ndarray:
    """Share of the shorter text inside passages aligned with the other one, times the share
    of its names and figures there that agree (see :mod:`dedupe.aligned`)."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    if len(pairs) == 0:
        return np.zeros(0, dtype=np.float64)
    docs, local = np.unique(pairs, return_inverse=True)
    options = ctx.options
    seeds = aligned.Seeds(_texts(ctx, docs), int(options.get("aligned_seed", aligned.SEED)))
    return aligned.scores(
        seeds,
        local.reshape(-1, 2),
        gap=int(options.get("aligned_gap", aligned.GAP)),
        slot=int(options.get("aligned_slot", aligned.SLOT)),
        min_length=int(options.get("aligned_min_length", aligned.MIN_LENGTH)),
    )


@hookimpl
def register_scorers(register: Callable[[Scorer], None]) -> None:
    register(
        Scorer(
            "aligned",
            aligned_score,
            0.5,
            True,
            "share of the shorter text in passages aligned with the other over misread "
            "letters, times the share of its names and figures there that agree",
            pure=True,
        )
    )


HYPHENATION = Normaliser(
    "hyphenation",
    dehyphenate,
    description="join words broken at line ends (hyphenated or not, on the text's own "
    "evidence); keep the hyphen of compounds",
)


@hookimpl
def register_normalisers(register: Callable[[Normaliser], None]) -> None:
    register(HYPHENATION)
    register(
        Normaliser(
            "nospace",
            remove_spaces,
            batch=True,
            description="remove all whitespace (character n-grams then survive words broken "
            "or run together by OCR)",
        )
    )
