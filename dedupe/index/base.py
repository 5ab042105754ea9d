"""The storage protocol of the persistent index, and the component that plugins register.

An index keeps, per document, what verification needs (signature, exact shingle set, anchors,
lengths, the share of chrome removed) plus two inverted indexes keyed ``(key, doc)``: LSH band
keys and containment anchors. A backend stores these and answers the lookups; everything else
(normalising, signing, the candidate rules, verification) is done by :class:`dedupe.index.Index`
with the run's :class:`dedupe.Engine`, so every backend finds the same duplicates.

Backends are plugins: ``register_storage_backends(register)`` registers a
:class:`StorageBackend` whose ``open(location, read_only, options)`` returns a :class:`Storage`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from dedupe.errors import DedupeError


class StorageError(DedupeError):
    """An index that cannot be read or written (damaged, truncated, not permitted, locked):
    one line naming the index and what to do, never a traceback."""


@dataclass
class StoredDoc:
    """One indexed document as a backend stores it (arrays are decoded)."""

    doc: int
    id: str
    date: float
    added: float
    text_length: int
    normalised_length: int
    removed_share: float
    signature: np.ndarray
    shingles: np.ndarray
    anchors: np.ndarray
    meta: dict[str, Any] = field(default_factory=dict)
    text: str | None = None


@dataclass
class Postings:
    """Rows of the two inverted indexes: band keys ``(key, doc)`` and anchors
    ``(value, doc, n)`` where ``n`` is the number of anchors of ``doc`` (the join rule needs it
    for the smaller document of a pair without another lookup)."""

    band_keys: np.ndarray
    band_docs: np.ndarray
    anchor_values: np.ndarray
    anchor_docs: np.ndarray
    anchor_sizes: np.ndarray

    @classmethod
    def empty(cls) -> Postings:
        return cls(
            np.zeros(0, dtype=np.uint64),
            np.zeros(0, dtype=np.int64),
            np.zeros(0, dtype=np.uint32),
            np.zeros(0, dtype=np.int64),
            np.zeros(0, dtype=np.int64),
        )


class Storage(Protocol):
    """What a backend does. Writes happen only inside :meth:`transaction`, which commits
    everything written in it at once or nothing (a killed writer leaves the last commit)."""

    location: str
    read_only: bool

    def read_meta(self) -> dict[str, str] | None:
        """The settings stored at creation, or ``None`` when there is no index here."""

    def create(self, meta: dict[str, str]) -> None:
        """Make an empty index holding ``meta``; refuse if one exists."""

    def transaction(self) -> AbstractContextManager[None]:
        """One atomic write (single writer); reads inside it see its own writes."""

    def snapshot(self) -> AbstractContextManager[None]:
        """A consistent read view for several lookups (no writes)."""

    def allocate(self, n: int) -> int:
        """Inside a transaction: the first of ``n`` new, never reused, document numbers."""

    def put(self, docs: list[StoredDoc], postings: Postings) -> None:
        """Inside a transaction: store documents and their postings."""

    def delete(self, docs: list[StoredDoc], postings: Postings) -> None:
        """Inside a transaction: remove documents and exactly these postings of theirs."""

    def docs_by_id(self, ids: list[str]) -> dict[str, int]:
        """Document numbers of the ids that are indexed."""

    def band_matches(self, keys: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
        """``(key, doc)`` rows for the given band keys, at most ``limit`` docs per key
        (the first indexed)."""

    def anchor_matches(
        self, values: np.ndarray, max_posting: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(value, doc, n)`` rows for the anchors found in at most ``max_posting``
        documents; more frequent anchors are boilerplate and give no rows."""

    def fetch(self, docs: list[int]) -> list[StoredDoc]:
        """The stored documents, in the order asked (missing ones left out)."""

    def dated_before(self, cutoff: float) -> list[int]:
        """Documents whose date is before ``cutoff`` (seconds since the epoch)."""

    def iter_ids(self) -> Iterator[str]:
        """Every indexed id."""

    def count(self) -> int:
        """Number of indexed documents."""

    def stats(self) -> dict[str, Any]:
        """Backend facts for ``dedupe index stats`` (sizes, pages...)."""

    def close(self) -> None:
        """Release connections."""


#: ``open(location, read_only, options)``; options are backend settings such as ``durable``.
Opener = Callable[[str, bool, dict[str, Any]], Storage]


@dataclass(frozen=True)
class StorageBackend:
    """A named index store. ``open(location, read_only, options)`` returns a :class:`Storage`;
    ``schemes`` are the URL schemes (``redis`` for ``redis://host:6379/0``) that select this
    backend from a location; a plain path selects ``sqlite``."""

    name: str
    open: Opener
    description: str = ""
    schemes: tuple[str, ...] = ()


def backend_for(location: str, backends: dict[str, StorageBackend]) -> StorageBackend:
    """The backend a location names: by URL scheme, else the SQLite file backend."""
    scheme, sep, _ = location.partition("://")
    if sep:
        for backend in backends.values():
            if scheme in backend.schemes:
                return backend
        from dedupe.errors import ConfigError

        known = ", ".join(sorted(s for b in backends.values() for s in b.schemes)) or "none"
        raise ConfigError(f"no storage backend for {scheme}:// locations (known: {known})")
    return backends["sqlite"]
