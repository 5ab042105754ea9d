"""A persistent, incremental near-duplicate index on an embedded store (SQLite by default).

>>> from dedupe.index import Index                                   # doctest: +SKIP
>>> index = Index.create("news.db")                                  # doctest: +SKIP
>>> index.add([("a1", text)])[0].duplicates                          # doctest: +SKIP
>>> Index.open("news.db", read_only=True).query([("q", text)])       # doctest: +SKIP

See ``docs/index.md``.
"""

from __future__ import annotations

from dedupe.index.base import Postings, Storage, StorageBackend, StorageError, StoredDoc
from dedupe.index.index import Index
from dedupe.index.outcome import Match, Outcome

__all__ = [
    "Index",
    "Match",
    "Outcome",
    "Postings",
    "Storage",
    "StorageBackend",
    "StorageError",
    "StoredDoc",
]
