"""What the later stages keep about the documents that matter to them (those in candidate
pairs): ids, raw and normalised texts, metadata and shingle sets, addressed by the document's
number in the run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dedupe.shingle import ShingleSets
from dedupe.texts import EncodedTexts


@dataclass
class DocStore:
    """Documents by run number; ``row_of[doc]`` is the row of a stored document, or -1."""

    docs: np.ndarray
    row_of: np.ndarray
    ids: list[str]
    texts: Sequence[str] | None
    normalised: list[str] | None
    meta: list[dict[str, Any]]
    sets: ShingleSets
    sources: list[tuple[str, int | None]]
    removed_share: np.ndarray = field(default_factory=lambda: np.zeros(0))
    kept_share: np.ndarray = field(default_factory=lambda: np.zeros(0))
    text_length: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    normalise: Any = None
    #: How far each document's own metadata names the article it shows (empty: unknown, 0).
    declared: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @classmethod
    def empty(cls, n_docs: int) -> DocStore:
        return cls(
            np.zeros(0, dtype=np.int64),
            np.full(n_docs, -1, dtype=np.int64),
            [],
            None,
            None,
            [],
            ShingleSets.concat([]),
            [],
        )

    @classmethod
    def of_rows(
        cls,
        ids: list[str],
        sets: ShingleSets,
        *,
        meta: list[dict[str, Any]],
        sources: list[tuple[str, int | None]],
        removed_share: np.ndarray,
        kept_share: np.ndarray | None = None,
        text_length: np.ndarray | None = None,
        declared: np.ndarray | None = None,
        texts: Sequence[str] | None = None,
        normalised: list[str] | None = None,
        docs: np.ndarray | None = None,
        n_docs: int | None = None,
    ) -> DocStore:
        """A store of ``len(ids)`` rows: row k is document ``docs[k]`` (default k) of a run of
        ``n_docs`` documents (default: as many as rows). The one way every executor builds
        what scorers and policies read (a run's candidates, a Dask partition, an index's
        documents); ``kept_share`` and ``text_length`` left out are computed from the texts
        by the policies that need them; ``declared`` left out is 0 for every document."""
        k = len(ids)
        numbers = np.arange(k, dtype=np.int64) if docs is None else np.asarray(docs, np.int64)
        row_of = np.full(k if n_docs is None else n_docs, -1, dtype=np.int64)
        row_of[numbers] = np.arange(k, dtype=np.int64)
        store = cls(numbers, row_of, ids, texts, normalised, meta, sets, sources, removed_share)
        if kept_share is not None and text_length is not None:
            store.kept_share = kept_share
            store.text_length = text_length
        if declared is not None and len(declared) == k:
            store.declared = np.asarray(declared, dtype=np.float64)
        return store

    @classmethod
    def concat(cls, parts: list[DocStore]) -> DocStore:
        """The rows of several stores one after the other, numbered 0..k-1 (texts kept when
        every part has them; normalised texts computed on use where a part has none)."""
        texts = None
        if all(p.texts is not None for p in parts):
            texts = [t for p in parts for t in p.texts or []]
        normalised = None
        if texts is not None and any(p.normalised is not None for p in parts):
            normalised = [
                x
                for p in parts
                for x in (p.normalised or [None] * len(p.docs))  # type: ignore[list-item]
            ]
        per_doc = all(len(p.kept_share) == len(p.docs) for p in parts)
        declared = all(len(p.declared) == len(p.docs) for p in parts)
        store = cls.of_rows(
            [i for p in parts for i in p.ids],
            ShingleSets.concat([p.sets for p in parts]),
            meta=[m for p in parts for m in p.meta],
            sources=[s for p in parts for s in p.sources],
            removed_share=np.concatenate([p.removed_share for p in parts]),
            kept_share=np.concatenate([p.kept_share for p in parts]) if per_doc else None,
            text_length=np.concatenate([p.text_length for p in parts]) if per_doc else None,
            declared=np.concatenate([p.declared for p in parts]) if declared else None,
            texts=texts,
            normalised=normalised,
        )
        store.normalise = next((p.normalise for p in parts if p.normalise is not None), None)
        return store

    def take(self, docs: np.ndarray) -> DocStore:
        """The stored documents ``docs`` (in that order), keeping their numbers."""
        docs = np.asarray(docs, dtype=np.int64)
        rows = self.rows(docs).tolist()
        per_doc = len(self.kept_share) == len(self.docs)
        store = DocStore.of_rows(
            [self.ids[r] for r in rows],
            self.sets.take(np.asarray(rows, dtype=np.int64)),
            meta=[self.meta[r] for r in rows],
            sources=[self.sources[r] for r in rows],
            removed_share=self.removed_share[rows],
            kept_share=self.kept_share[rows] if per_doc else None,
            text_length=self.text_length[rows] if per_doc else None,
            declared=self.declared[rows] if len(self.declared) == len(self.docs) else None,
            texts=None if self.texts is None else [self.texts[r] for r in rows],
            normalised=None if self.normalised is None else [self.normalised[r] for r in rows],
            docs=docs,
            n_docs=len(self.row_of),
        )
        store.normalise = self.normalise
        return store

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
        if self.texts is None:
            raise RuntimeError(
                "document texts were not loaded: a scorer or representative policy that reads "
                "texts must say so with needs_text=True"
            )
        return self.texts[self.row(doc)]

    def same_text(self, a: int, b: int) -> bool:
        """Whether two documents' texts as read are the same (by their stored bytes when the
        texts are kept encoded: neither is decoded)."""
        texts = self.texts
        if isinstance(texts, EncodedTexts):
            return texts.same(self.row(a), self.row(b))
        return self.text(a) == self.text(b)

    def normalised_text(self, doc: int) -> str:
        """The normalised text (computed on first use when only raw texts were kept)."""
        row = self.row(doc)
        if self.normalised is None:
            if self.normalise is None:
                raise RuntimeError("normalised texts are not available")
            self.normalised = [None] * len(self.docs)  # type: ignore[list-item]
        cached = self.normalised[row]
        if cached is None:
            cached = self.normalise([self.text(doc)])[0]
            self.normalised[row] = cached
        return cached

    def shingle_set(self, doc: int) -> np.ndarray:
        return self.sets.get(self.row(doc))


@dataclass
class Prepared:
    """Documents as the engine sees them, held in memory (rows 0..n-1): what an incremental
    index stores and compares (see :meth:`dedupe.Engine.prepare`)."""

    ids: list[str]
    texts: list[str]
    normalised: list[str]
    meta: list[dict[str, Any]]
    signatures: np.ndarray
    band_keys: np.ndarray
    anchor_values: np.ndarray
    anchor_docs: np.ndarray
    sets: ShingleSets
    removed_share: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def concat(cls, parts: list[Prepared]) -> Prepared:
        """Rows of several prepared sets, one after the other."""
        base = np.cumsum([0] + [len(p) for p in parts])
        return cls(
            ids=[i for p in parts for i in p.ids],
            texts=[t for p in parts for t in p.texts],
            normalised=[t for p in parts for t in p.normalised],
            meta=[m for p in parts for m in p.meta],
            signatures=np.concatenate([p.signatures for p in parts]),
            band_keys=np.concatenate([p.band_keys for p in parts]),
            anchor_values=np.concatenate([p.anchor_values for p in parts]),
            anchor_docs=np.concatenate(
                [p.anchor_docs + b for p, b in zip(parts, base[:-1], strict=True)]
            ),
            sets=ShingleSets.concat([p.sets for p in parts]),
            removed_share=np.concatenate([p.removed_share for p in parts]),
        )

    def store(self) -> DocStore:
        """These rows as a :class:`DocStore` (document numbers = rows)."""
        n = len(self.ids)
        return DocStore.of_rows(
            list(self.ids),
            self.sets,
            meta=list(self.meta),
            sources=[("<prepared>", k) for k in range(n)],
            removed_share=self.removed_share,
            kept_share=np.array(
                [len(m) / max(len(t), 1) for t, m in zip(self.texts, self.normalised, strict=True)]
            ),
            text_length=np.array([len(t) for t in self.texts], dtype=np.int64),
            texts=list(self.texts),
            normalised=list(self.normalised),
        )
