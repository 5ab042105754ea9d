"""Why two documents match: the passages they share and the text each adds.

Each document is shown as it was written (HTML stripped to text). Every word is normalised on
its own by the run's form normalisers (case, quotes, punctuation...) so its n-grams can be
matched against the other document's; a word inside an n-gram the two share is ``shared``, a
word on a line the chrome/boilerplate normalisers remove is ``chrome``, any other is ``added``.
Consecutive words of one status form a passage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from dedupe.normalise import Chain
from dedupe.represent import SAME_TEXT, TEASER_BELOW

_WORD = re.compile(r"\S+")


@dataclass
class Passage:
    """A run of words with one status: ``shared``, ``added`` or ``chrome``."""

    status: str
    text: str
    words: int


@dataclass
class Side:
    """One document as explained against another."""

    id: str
    passages: list[Passage]
    shingles: int

    def words(self, status: str) -> int:
        return sum(p.words for p in self.passages if p.status == status)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "shingles": self.shingles,
            "words": {s: self.words(s) for s in ("shared", "added", "chrome")},
            "passages": [{"status": p.status, "text": p.text} for p in self.passages],
        }


@dataclass
class Explanation:
    """Two documents side by side with their similarity and the relation of B to A."""

    a: Side
    b: Side
    scores: dict[str, float] = field(default_factory=dict)
    relation: str = "different"

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


class Explainer:
    """Explains pairs with one normaliser chain, shingle unit and n."""

    def __init__(self, chain: Chain, shingles: Any, n: int) -> None:
        self.chain = chain
        self.shingles = shingles
        self.n = n
        self.pre = Chain([x for x in chain.normalisers if x.structural])
        self.furniture = Chain([x for x in chain.normalisers if x.removes_boilerplate])
        self.per_word = Chain(
            [x for x in chain.normalisers if not x.structural and not x.removes_boilerplate]
        )

    def _tokens(self, text: str) -> tuple[str, list[re.Match[str]], list[list[str]], set[int]]:
        display = self.pre.one(text) if self.pre.normalisers else text
        matches = list(_WORD.finditer(display))
        normalised = self.per_word([m.group() for m in matches]) if matches else []
        # Words on lines that the furniture normalisers remove.
        chrome: set[int] = set()
        if self.furniture.normalisers:
            kept_lines = set(self.furniture.one(display).split("\n"))
            offset = 0
            line_of_word = 0
            lines = display.split("\n")
            starts = []
            for line in lines:
                starts.append(offset)
                offset += len(line) + 1
            for k, m in enumerate(matches):
                while line_of_word + 1 < len(starts) and starts[line_of_word + 1] <= m.start():
                    line_of_word += 1
                if lines[line_of_word] not in kept_lines:
                    chrome.add(k)
        return display, matches, [w.split() for w in normalised], chrome

    def _grams(self, units: list[str]) -> list[str]:
        if self.shingles is None:
            raise ValueError("no shingle unit")
        grams: list[str] = self.shingles(" ".join(units), self.n)
        return grams

    def side(self, doc_id: str, text: str, other: set[str]) -> tuple[Side, set[str]]:
        display, matches, normalised, chrome = self._tokens(text)
        units: list[str] = []
        owner: list[int] = []
        for k, words in enumerate(normalised):
            if k in chrome:
                continue
            for w in words:
                units.append(w)
                owner.append(k)
        grams = self._grams(units) if units else []
        mine = set(grams)
        shared_words: set[int] = set()
        if other:
            span = min(self.n, len(units))
            for i, gram in enumerate(grams):
                if gram in other:
                    shared_words.update(owner[i : i + span])
        statuses = [
            "chrome" if k in chrome else "shared" if k in shared_words else "added"
            for k in range(len(matches))
        ]
        # Words that normalise to nothing (« , —) take the status of the word before them.
        for k in range(len(matches)):
            if not normalised[k] and k not in chrome:
                before = next((statuses[j] for j in range(k - 1, -1, -1) if normalised[j]), None)
                after = next(
                    (statuses[j] for j in range(k + 1, len(matches)) if normalised[j]), None
                )
                statuses[k] = before or after or statuses[k]
        passages: list[Passage] = []
        k = 0
        while k < len(matches):
            j = k
            while j + 1 < len(matches) and statuses[j + 1] == statuses[k]:
                j += 1
            passages.append(
                Passage(statuses[k], display[matches[k].start() : matches[j].end()], j - k + 1)
            )
            k = j + 1
        return Side(doc_id, passages, len(mine)), mine

    def explain(self, a: tuple[str, str], b: tuple[str, str]) -> Explanation:
        """Explain document ``b`` against document ``a`` (each an (id, text) pair)."""
        _, grams_a = self.side(a[0], a[1], set())
        _, grams_b = self.side(b[0], b[1], set())
        side_a, _ = self.side(a[0], a[1], grams_b)
        side_b, _ = self.side(b[0], b[1], grams_a)
        inter = len(grams_a & grams_b)
        union = len(grams_a | grams_b)
        a_in_b = inter / len(grams_a) if grams_a else 0.0
        b_in_a = inter / len(grams_b) if grams_b else 0.0
        scores = {
            "jaccard": inter / union if union else 0.0,
            "containment": inter / min(len(grams_a), len(grams_b)) if grams_a and grams_b else 0.0,
            "a_in_b": a_in_b,
            "b_in_a": b_in_a,
        }
        return Explanation(side_a, side_b, scores, relation(a_in_b, b_in_a))


def explain_cluster(
    explainer: Explainer, docs: list[tuple[str, str]]
) -> tuple[Side, list[Explanation]]:
    """The first document against each of the others, and the first marked against all."""
    reference = docs[0]
    explanations = [explainer.explain(reference, other) for other in docs[1:]]
    union: set[str] = set()
    for other in docs[1:]:
        union |= explainer.side(other[0], other[1], set())[1]
    side, _ = explainer.side(reference[0], reference[1], union)
    return side, explanations
