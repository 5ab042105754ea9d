"""The units that flow between stages: records read from input, batches of them, and bad
records that were skipped (with the file, line and reason a user needs to fix them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Record:
    """One document as a reader produced it.

    ``location`` is ``(source, line)`` so later stages can point back at the input;
    ``raw`` is the original record (e.g. the JSON object) for writers that keep it.
    """

    id: str
    text: str
    source: str
    line: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    raw: Any = None


@dataclass(frozen=True)
class BadRecord:
    """A record or file that could not be used, and why; the run skips it and reports it."""

    source: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.reason}"


@dataclass
class Batch:
    """Documents processed together by every stage (one numpy call per stage per batch).

    ``index`` holds each document's position in the whole run, which is how signatures,
    pairs and clusters refer to documents.
    """

    index: list[int]
    records: list[Record]
    texts: list[str]

    def __len__(self) -> int:
        return len(self.records)
