"""A persistent, incremental near-duplicate index on an embedded store (SQLite by default).

>>> from dedupe.index import Index                                   # doctest: +SKIP
>>> index = Index.create("news.db")                                  # doctest: +SKIP
>>> index.add([("a1", text)])[0].duplicates                          # doctest: +SKIP
>>> Index.open("news.db", read_only=True).query([("q", text)])       # doctest: +SKIP

See ``docs/index.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dedupe.index.base import Postings, Storage, StorageBackend, StorageError, StoredDoc

if TYPE_CHECKING:
    from dedupe.index.index import Index
    from dedupe.index.outcome import Match, Outcome


def __getattr__(name: str) -> Any:
    """``Index``, ``Match`` and ``Outcome``, imported on first use (the engine with them), so
    that loading the storage backends' plugin does not load the engine."""
    if name == "Index":
        from dedupe.index.index import Index

        return Index
    if name in ("Match", "Outcome"):
        from dedupe.index import outcome

        return getattr(outcome, name)
    raise AttributeError(f"module 'dedupe.index' has no attribute {name!r}")


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
