"""The outcome of a run, as the writers and the Python API see it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dedupe.config import Config
from dedupe.documents import BadRecord, Record


@dataclass
class Cluster:
    """Documents that are copies of each other, with the one to keep named."""

    number: int
    representative: str
    members: list[str]
    scores: dict[str, float]
    roles: dict[str, str] = field(default_factory=dict)

    def to_dict(self, scorer: str) -> dict[str, Any]:
        d: dict[str, Any] = {
            "cluster": self.number,
            "size": len(self.members),
            "representative": self.representative,
            "members": self.members,
            "scorer": scorer,
            "scores": self.scores,
        }
        if self.roles:
            d["roles"] = self.roles
        return d


@dataclass(frozen=True)
class PairRow:
    """One accepted pair as ``pairs.jsonl`` writes it: ids ``a < b``, every scorer's score,
    whether it was found by verifying a member against its representative (``via``), and
    ``overlap``: (shared shingles, size of a's set, size of b's), None when not measured."""

    a: str
    b: str
    scores: dict[str, float | None]
    via: bool
    overlap: tuple[int, int, int] | None = None


@dataclass
class RunResult:
    """Clusters, accepted pairs, counts and timings of a run."""

    config: Config
    n_docs: int
    clusters: list[Cluster]
    pairs: np.ndarray
    pair_scores: dict[str, np.ndarray]
    accepted: np.ndarray
    ids: list[str]
    dropped: np.ndarray
    bad_records: list[BadRecord]
    counts: dict[str, Any]
    timings: dict[str, float]
    info: dict[str, Any]
    #: Per pair: found by verifying a cluster member against its representative (a pair
    #: candidate generation did not propose), not by LSH or anchors.
    via_representative: np.ndarray | None = None
    #: Per pair: shared shingles and each side's set size (``-1``: not measured), see
    #: :mod:`dedupe.overlap`; None when the engine did not measure them.
    pair_overlap: np.ndarray | None = None
    kept_lines: Callable[[], Iterator[str]] | None = None
    kept_record_reader: Callable[[], Iterator[Record]] | None = None
    kept_block_reader: Callable[[], Iterator[bytes]] | None = None
    #: The kept documents as parts of the result, one per input chunk (see :mod:`dedupe.parts`).
    kept_part_reader: Callable[[], Iterator[RunResult]] | None = None
    #: The :class:`dedupe.plan.RunPlan` the run ran with (its normalisers fitted to the input).
    plan: Any = None

    @property
    def primary_scorer(self) -> str:
        return self.config.scorers[0].name

    def accepted_rows(self) -> Iterator[tuple[str, str, dict[str, float | None], bool]]:
        """(id a, id b, scores by scorer, found by verifying against a representative) of
        every accepted pair, ``a < b``, sorted by ids (so the order does not depend on the
        order of the input)."""
        for row in self.pair_rows():
            yield row.a, row.b, row.scores, row.via

    def pair_rows(self) -> Iterator[PairRow]:
        """Every accepted pair as a :class:`PairRow`, ``a < b``, sorted by ids, with its
        overlap turned to match (``shared``, size of a, size of b) where it was measured."""
        rows: list[tuple[str, str, int, bool]] = []
        for k in np.flatnonzero(self.accepted).tolist():
            first, second = self.ids[self.pairs[k, 0]], self.ids[self.pairs[k, 1]]
            swapped = second < first
            a, b = (second, first) if swapped else (first, second)
            rows.append((a, b, k, swapped))
        rows.sort()
        via = self.via_representative
        overlap = self.pair_overlap
        for a, b, row, swapped in rows:
            scores = {
                name: None if np.isnan(s[row]) else round(float(s[row]), 6)
                for name, s in self.pair_scores.items()
            }
            measured: tuple[int, int, int] | None = None
            if overlap is not None and row < len(overlap) and overlap[row, 0] >= 0:
                shared, size_first, size_second = (int(v) for v in overlap[row])
                sizes = (size_second, size_first) if swapped else (size_first, size_second)
                measured = (shared, *sizes)
            yield PairRow(
                a, b, scores, bool(via is not None and row < len(via) and via[row]), measured
            )

    def accepted_pairs(
        self, candidates_only: bool = False
    ) -> Iterator[tuple[str, str, dict[str, float | None]]]:
        """(id a, id b, scores by scorer) of every accepted pair (``candidates_only``: only
        those candidate generation proposed), as :meth:`accepted_rows` orders them."""
        for a, b, scores, via in self.accepted_rows():
            if not (candidates_only and via):
                yield a, b, scores

    def kept_records(self) -> Iterator[Record]:
        """The kept documents as records (read again from the input), in input order."""
        if self.kept_record_reader is None:
            raise RuntimeError("this result cannot read its input again")
        return self.kept_record_reader()

    def kept(self) -> Iterator[str]:
        """The input's records minus the copies (originals and unique documents), in input
        order, as JSON lines (JSON Lines input is copied as read)."""
        if self.kept_lines is None:
            raise RuntimeError("this result cannot read its input again")
        return self.kept_lines()

    def kept_parts(self) -> Iterator[RunResult]:
        """The kept documents chunk by chunk, each chunk's as a result of its own (what a
        writer made of kept documents writes a shard of)."""
        if self.kept_part_reader is None:
            raise RuntimeError("this result cannot read its input again")
        return self.kept_part_reader()

    def kept_bytes(self) -> Iterator[bytes]:
        """:meth:`kept` as UTF-8 blocks of whole lines, each line ended by a newline (JSON
        Lines input is copied a chunk at a time, without a ``str`` per line)."""
        if self.kept_block_reader is not None:
            yield from self.kept_block_reader()
            return
        for line in self.kept():
            yield (line + "\n").encode("utf-8")
