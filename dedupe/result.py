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
        rows: list[tuple[str, str, int]] = []
        for k in np.flatnonzero(self.accepted).tolist():
            a, b = sorted((self.ids[self.pairs[k, 0]], self.ids[self.pairs[k, 1]]))
            rows.append((a, b, k))
        rows.sort()
        via = self.via_representative
        for a, b, row in rows:
            scores = {
                name: None if np.isnan(s[row]) else round(float(s[row]), 6)
                for name, s in self.pair_scores.items()
            }
            yield a, b, scores, bool(via is not None and row < len(via) and via[row])

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
