"""What an index call says about each document: the indexed ones it duplicates (a
:class:`Match`, with its role and containment both ways) and its status (an :class:`Outcome`).

The overlap of a match is three integers (shingles shared, shingles of the new document, of
the match), measured on the accepted pairs only; the role and shares follow from them with
the thresholds ``clusters.jsonl`` and ``pairs.jsonl`` use (:mod:`dedupe.overlap`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dedupe.overlap import overlap_fields, share
from dedupe.represent import role_of


@dataclass(frozen=True)
class Match:
    """A document that a new one duplicates: its id, the primary scorer's score and every
    scorer's; ``in_index`` is False for an earlier document of the same ``add`` call.
    ``overlap``: (shingles shared, shingles of the new document, of the match), from which
    :attr:`role` (the new document's role, the match taken as the original, as
    ``clusters.jsonl`` names roles) and containment both ways follow."""

    id: str
    score: float
    scores: dict[str, float]
    in_index: bool = True
    overlap: tuple[int, int, int] | None = None

    @property
    def doc_in_match(self) -> float | None:
        """Share of the new document's shingles found in the match."""
        return None if self.overlap is None else share(self.overlap[0], self.overlap[1])

    @property
    def match_in_doc(self) -> float | None:
        """Share of the match's shingles found in the new document."""
        return None if self.overlap is None else share(self.overlap[0], self.overlap[2])

    @property
    def role(self) -> str | None:
        """``copy``, ``teaser`` (the new document is a part of the match) or ``extended``
        (the match plus added text)."""
        inside, holds = self.doc_in_match, self.match_in_doc
        return None if inside is None or holds is None else role_of(inside, holds)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "score": self.score,
            "scores": self.scores,
            "in_index": self.in_index,
        }
        if self.overlap is not None:
            out["role"] = self.role
            out.update(_named_overlap(*self.overlap))
        return out


def _named_overlap(shared: int, size_doc: int, size_match: int) -> dict[str, float]:
    """Containment both ways and Jaccard of a match, rounded as ``pairs.jsonl`` rounds them."""
    fields = overlap_fields(shared, size_doc, size_match)
    return {
        "doc_in_match": fields["a_in_b"],
        "match_in_doc": fields["b_in_a"],
        "jaccard": fields["jaccard"],
    }


@dataclass
class Outcome:
    """What happened to one input document. ``status``: ``added``, ``exists`` (its id was
    indexed already: nothing done), ``expired`` (compared, but older than ``max_age``: not
    stored), ``empty`` (no shingles after normalisation), ``duplicate`` (``add --only-new``: it
    duplicates an indexed document, so it was not added), or for a query ``duplicate``/``new``."""

    id: str
    status: str
    duplicates: list[Match] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "duplicates": [m.to_dict() for m in self.duplicates],
        }


#: Measures the overlap of some pairs: given their positions, ``(k, 3)`` integers (shared,
#: size of the new document's set, size of the match's).
Measure = Callable[[np.ndarray], np.ndarray]


def matches_of(
    scores: dict[str, np.ndarray],
    names: list[str],
    rows: np.ndarray,
    other: np.ndarray,
    other_ids: list[str],
    in_index: bool,
    measure: Measure,
) -> dict[int, list[Match]]:
    """The accepted pairs (``scores["accepted"]``) as matches of ``rows`` (new documents)
    with ``other`` (their matches, named by ``other_ids``), scored by the scorers ``names``
    (the first the primary), the overlap of the accepted ones measured."""
    out: dict[int, list[Match]] = {}
    accepted = np.flatnonzero(scores["accepted"] > 0)
    overlap = np.asarray(measure(accepted), dtype=np.int64).reshape(-1, 3).tolist()
    for k, (shared, size_doc, size_match) in zip(accepted.tolist(), overlap, strict=True):
        each = {name: round(float(scores[name][k]), 6) for name in names}
        match = Match(
            other_ids[int(other[k])], each[names[0]], each, in_index, (shared, size_doc, size_match)
        )
        out.setdefault(int(rows[k]), []).append(match)
    return out


def not_new(
    n: int,
    in_index: dict[int, list[Match]],
    internal: dict[int, list[Match]],
    ids: list[str],
) -> np.ndarray:
    """Which rows of a batch ``add --only-new`` does not add: those matching an indexed
    document, and those matching an earlier row that is added (rows in order, as if added
    one by one; an earlier row that is itself a duplicate adds nothing to match)."""
    row_of = {doc_id: k for k, doc_id in enumerate(ids)}
    duplicate = np.zeros(n, dtype=bool)
    for row in range(n):
        if in_index.get(row):
            duplicate[row] = True
            continue
        earlier = (row_of[m.id] for m in internal.get(row, []))
        duplicate[row] = any(not duplicate[k] for k in earlier if k < row)
    return duplicate
