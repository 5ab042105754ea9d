"""Why two documents match: the passages they share and the text each adds.

A document a structural normaliser (``html``) changes is shown as the text a reader sees in it,
every word with its offsets in the raw text and marked when the normaliser dropped it
(:mod:`dedupe.offsets`), so every passage has character offsets into the raw text. Each word is
normalised on its own by the run's form normalisers (case, quotes, punctuation...) into units
(the run's shingle unit's tokens: words, or characters of scripts written without spaces); the
two unit sequences are aligned (:mod:`dedupe.align`: n-gram seeds, chained over short gaps,
short matches dropped), a word inside an aligned passage is ``shared``, a word the structural
normaliser dropped or the chrome/boilerplate normalisers remove is ``chrome``, any other is
``added``. Scores are the run's: shingles of each document through the whole chain.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dedupe.align import align
from dedupe.explain_defaults import DEFAULT_GAP, DEFAULT_MIN_LENGTH
from dedupe.kernels.reference import auto_tokens
from dedupe.kernels.scripts import LOWEST
from dedupe.normalise import Chain
from dedupe.offsets import place, surviving
from dedupe.passages import Shared, Side, Words, build
from dedupe.represent import SAME_TEXT, TEASER_BELOW
from dedupe.shared import Document, shared

# Scripts written without spaces: each character is a word.
_UNSPACED = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(f"[{_UNSPACED}]|[^\\s{_UNSPACED}]+")
_CHAR = re.compile(r"\S")
#: A code point from which on the ``auto`` unit may take characters one by one (none below
#: :data:`dedupe.kernels.scripts.LOWEST`): words without one are their own tokens.
_MAY_SPLIT = re.compile(f"[^\\x00-{chr(LOWEST - 1)}]")
_CACHE = 512
#: Distinct units remembered before the vocabulary (and the document cache) start afresh.
_VOCAB = 5_000_000


@dataclass
class Explanation:
    """Two documents side by side with their similarity and the relation of B to A."""

    a: Side
    b: Side
    scores: dict[str, float] = field(default_factory=dict)
    relation: str = "different"
    a_shared: list[Shared] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
            "relation": self.relation,
        }


def relation(a_in_b: float, b_in_a: float) -> str:
    """What B is to A, with the thresholds the cluster roles use."""
    if a_in_b >= SAME_TEXT and b_in_a >= SAME_TEXT:
        return "copy"
    if b_in_a >= SAME_TEXT and a_in_b < TEASER_BELOW:
        return "teaser"
    if a_in_b >= SAME_TEXT and b_in_a < SAME_TEXT:
        return "extended"
    if max(a_in_b, b_in_a) >= 0.3:
        return "overlapping"
    return "different"


def _gram_hashes(grams: list[str]) -> np.ndarray:
    """A shingle set as sorted distinct 64-bit hashes (compact; within one process a
    collision is a 2^-64 chance per pair of shingles)."""
    return np.unique(np.fromiter(map(hash, grams), np.int64, len(grams)))


class Explainer:
    """Explains pairs with one normaliser chain, shingle unit and n; ``gap`` and
    ``min_length`` (in units) set the alignment. Documents are prepared once and kept for
    the next pairs (a small cache by id), so explaining many pairs costs little per pair."""

    def __init__(
        self,
        chain: Chain,
        shingles: Any,
        n: int,
        *,
        unit: str = "auto",
        gap: int = DEFAULT_GAP,
        min_length: int = DEFAULT_MIN_LENGTH,
    ) -> None:
        self.chain = chain
        self.shingles = shingles
        self.n = n
        self.chars = unit == "char"
        self.auto = unit == "auto"
        self.gap = gap
        self.min_length = min_length
        self.pre = Chain([x for x in chain.normalisers if x.structural])
        # When the structural normalisers come first, the rest of the chain finishes their
        # output (a page is extracted once).
        head = chain.normalisers[: len(self.pre.normalisers)]
        first = all(x is y for x, y in zip(head, self.pre.normalisers, strict=True))
        self.rest = Chain(chain.normalisers[len(head) :]) if first else None
        self.furniture = Chain([x for x in chain.normalisers if x.removes_boilerplate])
        self.per_word = Chain(
            [x for x in chain.normalisers if not x.structural and not x.removes_boilerplate]
        )
        self._cache: OrderedDict[str, tuple[str, Document]] = OrderedDict()
        self._vocab: dict[str, int] = {}

    def _chrome(self, display: str, words: list[str], pattern: re.Pattern[str]) -> np.ndarray:
        """Per word: removed by the furniture normalisers (a line, the tail of a line)."""
        if not self.furniture.normalisers or not words:
            return np.zeros(len(words), dtype=bool)
        kept = self.furniture.one(display)
        if kept == display:
            return np.zeros(len(words), dtype=bool)
        return ~surviving(words, pattern.findall(kept))

    def _shown(self, text: str, display: str) -> tuple[str, np.ndarray, np.ndarray, np.ndarray]:
        """The document as shown, its words' spans in it and in ``text``, which are chrome
        (``display``: ``text`` through the structural normalisers)."""
        pattern = _CHAR if self.chars else _WORD
        if display == text:
            matches = list(pattern.finditer(display))
            spans = np.array([m.span() for m in matches], dtype=np.int64).reshape(-1, 2)
            chrome = self._chrome(display, [m.group() for m in matches], pattern)
            return display, spans, spans, chrome
        # The raw text's view, each word placed on the normaliser's output or dropped.
        placed = place(text, display, _WORD, chars=self.chars)
        kept = placed.source >= 0
        chrome = ~kept
        chrome[kept] = self._chrome(display, _WORD.findall(display), _WORD)[placed.source[kept]]
        return placed.text, placed.spans, placed.raw_spans, chrome

    def _units(self, tokens: list[str]) -> list[list[str]]:
        """Each word's units: its form normalised by the run's per-word normalisers, cut into
        the shingle unit's tokens."""
        normalised = self.per_word(tokens) if tokens else []
        if self.chars:
            return [list("".join(norm.split())) for norm in normalised]
        if self.auto and _MAY_SPLIT.search("\n".join(normalised)):
            return [[t for t, _ in auto_tokens(norm)] for norm in normalised]
        return [norm.split() for norm in normalised]

    def document(self, doc_id: str, text: str) -> Document:
        """The document prepared for alignment (cached by id while its text is the same)."""
        hit = self._cache.get(doc_id)
        if hit is not None and (hit[0] is text or hit[0] == text):
            self._cache.move_to_end(doc_id)
            return hit[1]
        display = self.pre.one(text) if self.pre.normalisers else text
        shown, spans, raw_spans, chrome = self._shown(text, display)
        parts = self._units([shown[s:e] for s, e in spans.tolist()])
        sizes = np.fromiter(map(len, parts), np.int64, len(parts))
        words = Words(text, shown, spans, raw_spans, chrome, sizes == 0)
        sizes[chrome] = 0
        owner = np.repeat(np.arange(len(parts), dtype=np.int64), sizes)
        units = [u for k in np.flatnonzero(sizes).tolist() for u in parts[k]]
        vocab = self._vocab
        ids = np.fromiter((vocab.setdefault(u, len(vocab)) for u in units), np.int64, len(units))
        normalised = self.rest.one(display) if self.rest is not None else self.chain.one(text)
        grams = _gram_hashes(self.shingles(normalised, self.n) if self.shingles else [])
        doc = Document(doc_id, words, ids, owner, grams)
        self._cache[doc_id] = (text, doc)
        if len(self._cache) > _CACHE:
            self._cache.popitem(last=False)
        return doc

    def explain(self, a: tuple[str, str], b: tuple[str, str]) -> Explanation:
        """Explain document ``b`` against document ``a`` (each an (id, text) pair)."""
        if len(self._vocab) > _VOCAB:  # start afresh: both documents' ids from one vocabulary
            self._vocab.clear()
            self._cache.clear()
        da, db = self.document(*a), self.document(*b)
        shared_a: list[Shared] = []
        shared_b: list[Shared] = []
        for al in align(da.units, db.units, self.n, self.gap, self.min_length):
            on_a, on_b = shared(da, db, al)
            shared_a += on_a
            shared_b += on_b
        side_a = Side(da.id, build(da.words, shared_a, "a"), len(da.grams))
        side_b = Side(db.id, build(db.words, shared_b, "b"), len(db.grams))
        na, nb = len(da.grams), len(db.grams)
        inter = len(np.intersect1d(da.grams, db.grams, assume_unique=True))
        union = na + nb - inter
        a_in_b = inter / na if na else 0.0
        b_in_a = inter / nb if nb else 0.0
        scores = {
            "jaccard": inter / union if union else 0.0,
            "containment": inter / min(na, nb) if na and nb else 0.0,
            "a_in_b": a_in_b,
            "b_in_a": b_in_a,
        }
        return Explanation(side_a, side_b, scores, relation(a_in_b, b_in_a), shared_a)


def explain_cluster(
    explainer: Explainer, docs: list[tuple[str, str]]
) -> tuple[Side, list[Explanation]]:
    """The first document against each of the others, and the first marked against all
    (a word of it is shared when any other document shares it)."""
    reference = docs[0]
    explanations = [explainer.explain(reference, other) for other in docs[1:]]
    doc = explainer.document(*reference)
    covered = np.zeros(len(doc.words), dtype=bool)
    for ex in explanations:
        for s in ex.a_shared:
            covered[s.w0 : s.w1 + 1] = True
    edges = np.flatnonzero(np.diff(np.concatenate(([0], covered.astype(np.int8), [0]))))
    pairs = zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True)
    ranges = [Shared(s, e - 1, None) for s, e in pairs]
    return Side(doc.id, build(doc.words, ranges, "a"), len(doc.grams)), explanations
