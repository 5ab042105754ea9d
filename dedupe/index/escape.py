"""Ids and texts as every store can keep them, given back exactly as they came.

Input ids and texts are any Python strings: JSON allows a lone surrogate (``"\\ud800"``) and a
NUL (``"\\u0000"``) in a string, and the batch engine keeps such documents. SQLite and Redis
store UTF-8, which has no lone surrogates, and SQLite's JSON functions (the id lookups) stop
at a NUL, so such an id could not be stored, or was stored but never found again (added
twice). :class:`EscapedStorage` wraps a backend so that the few strings that need it are
stored as ``MARK`` + their ASCII JSON form, and every other string as it is; a string that
itself starts with ``MARK`` is escaped too, so the mapping is one to one.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any

import numpy as np

from dedupe.index.base import Postings, Storage, StoredDoc

MARK = "\x01"
_NEEDS_ESCAPE = re.compile("[\x00\ud800-\udfff]")


def to_store(value: str) -> str:
    """``value`` as stored: unchanged unless it holds a NUL or a lone surrogate, or starts
    with ``MARK``."""
    if value.startswith(MARK) or _NEEDS_ESCAPE.search(value):
        return MARK + json.dumps(value, ensure_ascii=True)
    return value


def from_store(value: str) -> str:
    """The string :func:`to_store` was given."""
    if value.startswith(MARK):
        try:
            decoded = json.loads(value[len(MARK) :])
        except ValueError:
            return value
        if isinstance(decoded, str):
            return decoded
    return value


def _stored_doc(doc: StoredDoc) -> StoredDoc:
    doc_id = to_store(doc.id)
    text = None if doc.text is None else to_store(doc.text)
    if doc_id is doc.id and text is doc.text:
        return doc
    return dataclasses.replace(doc, id=doc_id, text=text)


def _loaded_doc(doc: StoredDoc) -> StoredDoc:
    if not doc.id.startswith(MARK) and not (doc.text and doc.text.startswith(MARK)):
        return doc
    text = None if doc.text is None else from_store(doc.text)
    return dataclasses.replace(doc, id=from_store(doc.id), text=text)


class EscapedStorage:
    """A :class:`~dedupe.index.base.Storage` whose ids and texts pass :func:`to_store` on the
    way in and :func:`from_store` on the way out (see the module doc). Other attributes are
    the wrapped backend's."""

    def __init__(self, inner: Storage) -> None:
        self.inner = inner
        self.location = inner.location
        self.read_only = inner.read_only

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def read_meta(self) -> dict[str, str] | None:
        return self.inner.read_meta()

    def create(self, meta: dict[str, str]) -> None:
        self.inner.create(meta)

    def transaction(self) -> AbstractContextManager[None]:
        return self.inner.transaction()

    def snapshot(self) -> AbstractContextManager[None]:
        return self.inner.snapshot()

    def allocate(self, n: int) -> int:
        return self.inner.allocate(n)

    def put(self, docs: list[StoredDoc], postings: Postings) -> None:
        self.inner.put([_stored_doc(d) for d in docs], postings)

    def delete(self, docs: list[StoredDoc], postings: Postings) -> None:
        self.inner.delete([_stored_doc(d) for d in docs], postings)

    def docs_by_id(self, ids: list[str]) -> dict[str, int]:
        stored = {to_store(i): i for i in ids}
        return {stored[k]: v for k, v in self.inner.docs_by_id(list(stored)).items()}

    def band_matches(self, keys: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
        return self.inner.band_matches(keys, limit)

    def anchor_matches(
        self, values: np.ndarray, max_posting: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.inner.anchor_matches(values, max_posting)

    def fetch(self, docs: list[int]) -> list[StoredDoc]:
        return [_loaded_doc(d) for d in self.inner.fetch(docs)]

    def dated_before(self, cutoff: float) -> list[int]:
        return self.inner.dated_before(cutoff)

    def iter_ids(self) -> Iterator[str]:
        for doc_id in self.inner.iter_ids():
            yield from_store(doc_id)

    def count(self) -> int:
        return self.inner.count()

    def stats(self) -> dict[str, Any]:
        return self.inner.stats()

    def close(self) -> None:
        self.inner.close()
