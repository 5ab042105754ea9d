"""What the later stages keep about the documents that matter to them (those in candidate
pairs): ids, raw and normalised texts, metadata and shingle sets, addressed by the document's
number in the run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dedupe.shingle import ShingleSets


@dataclass
class DocStore:
    """Documents by run number; ``row_of[doc]`` is the row of a stored document, or -1."""

    docs: np.ndarray
    row_of: np.ndarray
    ids: list[str]
    texts: list[str]
    normalised: list[str]
    meta: list[dict[str, Any]]
    sets: ShingleSets
    sources: list[tuple[str, int | None]]
    removed_share: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @classmethod
    def empty(cls, n_docs: int) -> DocStore:
        return cls(
            np.zeros(0, dtype=np.int64),
            np.full(n_docs, -1, dtype=np.int64),
            [],
            [],
            [],
            [],
            ShingleSets.concat([]),
            [],
        )

    def rows(self, docs: np.ndarray) -> np.ndarray:
        """Rows of the given documents; every one must be stored."""
        rows = self.row_of[np.asarray(docs, dtype=np.int64)]
        if np.any(rows < 0):
            missing = np.asarray(docs)[rows < 0][:5]
            raise KeyError(f"documents not in the store: {missing.tolist()}")
        return rows

    def row(self, doc: int) -> int:
        r = int(self.row_of[doc])
        if r < 0:
            raise KeyError(f"document {doc} is not in the store")
        return r

    def __contains__(self, doc: int) -> bool:
        return 0 <= doc < len(self.row_of) and self.row_of[doc] >= 0

    def id(self, doc: int) -> str:
        return self.ids[self.row(doc)]

    def text(self, doc: int) -> str:
        return self.texts[self.row(doc)]

    def normalised_text(self, doc: int) -> str:
        return self.normalised[self.row(doc)]

    def shingle_set(self, doc: int) -> np.ndarray:
        return self.sets.get(self.row(doc))
