"""The persistent index: "have I seen this document before?" for documents arriving one by one.

An :class:`Index` wraps a storage backend (SQLite file by default) and the :class:`dedupe.Engine`
rebuilt from the settings stored at creation. ``add`` compares each new document with the
indexed ones (and with the other documents of the same call), stores it, and says which ones it
duplicates; ``query`` does the same without storing (read-only); ``remove`` and ``evict`` take
documents out. Candidates follow the batch engine's rules (:mod:`dedupe.candidates.index`) and
every candidate pair is verified by the engine's scorers (:meth:`dedupe.Engine.score`), so the
index reports the pairs a batch ``dedupe run`` over the same documents accepts.

Each ``add`` batch (``batch_size`` documents of a call) is one transaction: after a crash
every committed batch is there and nothing of the others. Adding a document whose id is
already indexed does nothing (status ``exists``), so a killed ``add`` can simply be run again.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from dedupe.candidates.index import (
    anchor_candidates,
    band_candidates,
    pairs_sharing_anchors,
    unique_rows,
)
from dedupe.candidates.lsh import candidate_pairs, id_ranks, unique_pairs
from dedupe.config import Config
from dedupe.corpus import Chunk, Corpus, Documents
from dedupe.documents import BadRecord, Record
from dedupe.engine import Engine, make_config
from dedupe.errors import ConfigError
from dedupe.executors.pool import cores_for
from dedupe.index import settings as stored_settings
from dedupe.index.base import Storage, StorageBackend, StoredDoc, backend_for
from dedupe.index.dates import epoch_seconds
from dedupe.index.escape import EscapedStorage
from dedupe.index.outcome import Match, Outcome, matches_of, not_new
from dedupe.index.prepare import prepare, take
from dedupe.index.rows import as_prepared, postings_of, stored_rows
from dedupe.overlap import sets_overlap
from dedupe.plugins import DedupePluginManager, get_plugin_manager
from dedupe.registry import Registry
from dedupe.shingle import ShingleSets
from dedupe.store import Prepared

DAY_S = 86_400.0
#: The engine, for forked helper processes that prepare batches.
_HELPER: dict[str, Engine] = {}


def _prepare_in_helper(records: list[Record]) -> tuple[Prepared, np.ndarray]:
    return prepare(_HELPER["engine"], records)


def _backend(pm: DedupePluginManager, location: str, storage: str | None) -> StorageBackend:
    registry = Registry(pm)
    if storage is not None:
        backend: StorageBackend = registry.get("storage backend", storage)
        return backend
    entries = {name: e.component for name, e in registry.entries("storage backend").items()}
    return backend_for(location, entries)


class Index:
    """A persistent near-duplicate index (see the module doc). Use :meth:`create` and
    :meth:`open`; close it (or use ``with``) when done."""

    def __init__(
        self, storage: Storage, engine: Engine, meta: dict[str, str], location: str
    ) -> None:
        self.storage = storage
        self.engine = engine
        self.meta = meta
        self.location = location
        self.keep_text = meta.get("keep_text") == "1"

    # -- opening --------------------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        location: str | os.PathLike[str],
        *,
        config: Config | None = None,
        keep_text: bool = False,
        learn_from: Sequence[str | os.PathLike[str]] = (),
        storage: str | None = None,
        options: dict[str, Any] | None = None,
        plugin_manager: DedupePluginManager | None = None,
        load_plugins: bool = True,
        **settings: Any,
    ) -> Index:
        """Create an index with these settings (fixed from now on). ``learn_from``: files on
        which normalisers that learn (``boilerplate``) are fitted, once, for good."""
        where = os.fspath(location)
        pm = plugin_manager or get_plugin_manager(load_entrypoints=load_plugins)
        if config is None:
            settings = stored_settings.text_free_defaults(settings, keep_text)
        engine = Engine(config or make_config(**settings), plugin_manager=pm)
        stored_settings.check_text_free(engine.plan, keep_text)
        learned = stored_settings.learn(engine, learn_from) if learn_from else []
        meta = stored_settings.meta_for(engine, keep_text=keep_text, learned=learned)
        backend = _backend(pm, where, storage)
        store = EscapedStorage(backend.open(where, False, dict(options or {})))
        try:
            store.create(meta)
        except BaseException:
            store.close()
            raise
        stored_settings.restore_chain(engine, meta, where)
        return cls(store, engine, meta, where)

    @classmethod
    def open(
        cls,
        location: str | os.PathLike[str],
        *,
        read_only: bool = False,
        storage: str | None = None,
        options: dict[str, Any] | None = None,
        plugin_manager: DedupePluginManager | None = None,
        load_plugins: bool = True,
        **settings: Any,
    ) -> Index:
        """Open an existing index with its stored settings. ``settings`` may set reading
        options (``id_field``, ``text_field``, ``date_field``, ``batch_size``...); a fixed
        setting with another value than the stored one is refused."""
        where = os.fspath(location)
        pm = plugin_manager or get_plugin_manager(load_entrypoints=load_plugins)
        store = EscapedStorage(
            _backend(pm, where, storage).open(where, read_only, dict(options or {}))
        )
        try:
            meta = store.read_meta()
            if meta is None:
                raise ConfigError(f"no index at {where} (create one with `dedupe index create`)")
            stored = stored_settings.config_from_meta(meta, where)
            engine = Engine(stored, plugin_manager=pm)
            if settings:
                merged = stored_settings.merged_config(stored, settings, engine, where)
                engine = Engine(merged, plugin_manager=pm)
            stored_settings.check_engine(engine, meta, where)
            stored_settings.restore_chain(engine, meta, where)
            stored_settings.check_text_free(engine.plan, meta.get("keep_text") == "1")
        except BaseException:
            store.close()
            raise
        return cls(store, engine, meta, where)

    def close(self) -> None:
        self.storage.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return self.storage.count()

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and doc_id in self.storage.docs_by_id([doc_id])

    def ids(self) -> Iterator[str]:
        """Every indexed id, in the order added."""
        return self.storage.iter_ids()

    # -- adding and querying --------------------------------------------------------------------
    def add(
        self,
        documents: Documents,
        *,
        max_age: float | None = None,
        now: float | None = None,
        only_new: bool = False,
    ) -> list[Outcome]:
        """Add in-memory documents (strings, ``(id, text)`` or mappings with the id, text and
        date fields); returns one :class:`Outcome` per document, in order. ``only_new``: add
        only those that duplicate nothing indexed (see :meth:`add_corpus`)."""
        corpus = self.engine.open_documents(documents)
        batches = self.add_corpus(corpus, max_age=max_age, now=now, only_new=only_new)
        return [o for batch in batches for o in batch]

    def query(self, documents: Documents) -> list[Outcome]:
        """The indexed documents each given document duplicates (nothing is stored)."""
        corpus = self.engine.open_documents(documents)
        return [o for batch in self.query_corpus(corpus) for o in batch]

    def add_corpus(
        self,
        corpus: Corpus,
        *,
        on_bad: Callable[[BadRecord], None] | None = None,
        max_age: float | None = None,
        now: float | None = None,
        on_evict: Callable[[list[str]], None] | None = None,
        only_new: bool = False,
    ) -> Iterator[list[Outcome]]:
        """Add a corpus batch by batch; each batch is committed before it is yielded.
        ``max_age`` (days): documents dated before ``now - max_age`` are evicted (their ids
        passed to ``on_evict``), and new ones that old are not stored. ``only_new``: a
        document that duplicates an indexed one, or an earlier one of the call that was
        added, is not added (status ``duplicate``, with what it duplicates), as if the
        documents were added one by one: the index keeps one of each story."""
        for records, prepared, empty in self.prepared_batches(corpus, on_bad):
            clock = time.time()
            reference = clock if now is None else now
            cutoff = None if max_age is None else reference - max_age * DAY_S
            outcomes, evicted = self._add_batch(records, prepared, empty, clock, cutoff, only_new)
            if on_evict is not None and evicted:
                on_evict(evicted)
            yield outcomes

    def query_corpus(
        self, corpus: Corpus, *, on_bad: Callable[[BadRecord], None] | None = None
    ) -> Iterator[list[Outcome]]:
        """Query a corpus batch by batch (each batch sees one consistent state of the index)."""
        for records, prepared, empty in self.prepared_batches(corpus, on_bad):
            with self.storage.snapshot():
                matches = self.matches_in_index(prepared)
            outcomes = self._outcomes(records, empty)
            for row, position in enumerate(self._filled(len(records), empty)):
                found = matches.get(row, [])
                outcomes[position] = Outcome(
                    records[position].id, "duplicate" if found else "new", found
                )
            yield outcomes

    def _batches(
        self, corpus: Corpus, chunks: list[Chunk], on_bad: Callable[[BadRecord], None] | None
    ) -> Iterator[list[Record]]:
        size = self.engine.config.batch_size
        batch: list[Record] = []
        for chunk in chunks:
            for item in corpus.read(chunk):
                if isinstance(item, Record):
                    batch.append(Record(item.id, item.text, item.source, item.line, item.meta))
                    if len(batch) >= size:
                        yield batch
                        batch = []
                elif on_bad is not None:
                    on_bad(item)
        if batch:
            yield batch

    def prepared_batches(
        self, corpus: Corpus, on_bad: Callable[[BadRecord], None] | None = None
    ) -> Iterator[tuple[list[Record], Prepared, np.ndarray]]:
        """Batches of records with their prepared documents. For inputs over the engine's
        ``parallel_min_mb``, helper processes prepare the next batches while this one is
        looked up and written (a window of a few batches, so memory stays flat)."""
        cfg = self.engine.config
        chunks = corpus.chunks(int(cfg.chunk_mb * 1024 * 1024))
        size = sum(c.size for c in chunks)
        helpers = cores_for(cfg) - 1
        if helpers < 1 or size < cfg.parallel_min_mb * 1024 * 1024:
            for records in self._batches(corpus, chunks, on_bad):
                yield (records, *prepare(self.engine, records))
            return
        _HELPER["engine"] = self.engine
        pending: deque[tuple[list[Record], Any]] = deque()
        try:
            with multiprocessing.get_context("fork").Pool(helpers) as pool:
                for records in self._batches(corpus, chunks, on_bad):
                    pending.append((records, pool.apply_async(_prepare_in_helper, (records,))))
                    if len(pending) > helpers + 1:
                        done, job = pending.popleft()
                        yield (done, *job.get())
                while pending:
                    done, job = pending.popleft()
                    yield (done, *job.get())
        finally:
            _HELPER.clear()

    @staticmethod
    def _filled(n: int, empty: np.ndarray) -> list[int]:
        """Positions of the records that have shingles (rows of their prepared set)."""
        return np.setdiff1d(np.arange(n), empty).tolist()

    @staticmethod
    def _outcomes(records: list[Record], empty: np.ndarray) -> list[Outcome]:
        out = [Outcome(r.id, "new") for r in records]
        for position in empty.tolist():
            out[position] = Outcome(records[position].id, "empty")
        return out

    def _add_batch(
        self,
        records: list[Record],
        prepared: Prepared,
        empty: np.ndarray,
        clock: float,
        cutoff: float | None,
        only_new: bool = False,
    ) -> tuple[list[Outcome], list[str]]:
        positions = self._filled(len(records), empty)
        outcomes = self._outcomes(records, empty)
        with self.storage.transaction():
            existing = self.storage.docs_by_id(sorted({r.id for r in records}))
            seen: set[str] = set(existing)
            rows = []
            for row, position in enumerate(positions):
                doc_id = prepared.ids[row]
                if doc_id in seen:
                    outcomes[position] = Outcome(doc_id, "exists")
                    continue
                seen.add(doc_id)
                rows.append(row)
            batch = take(prepared, np.asarray(rows, dtype=np.int64))
            matches = self.matches_in_index(batch)
            internal = self._internal(batch)
            duplicate = np.zeros(len(batch), dtype=bool)
            if only_new:
                duplicate = not_new(len(batch), matches, internal, batch.ids)
            for row, found in internal.items():
                matches.setdefault(row, []).extend(found)
            dates = [epoch_seconds(m.get(self.engine.config.date_field)) for m in batch.meta]
            stored = np.asarray(
                [cutoff is None or (d if d is not None else clock) >= cutoff for d in dates],
                dtype=bool,
            )
            self._put(batch, np.flatnonzero(stored & ~duplicate), dates, clock)
            evicted = self._evict(cutoff) if cutoff is not None else []
        statuses = np.where(duplicate, "duplicate", np.where(stored, "added", "expired"))
        row_of = {doc_id: k for k, doc_id in enumerate(batch.ids)} if only_new else {}
        for row, batch_row in enumerate(rows):
            found = sorted(matches.get(row, []), key=lambda m: (-m.score, m.id))
            if only_new:  # what it duplicates in the index, or among the documents added
                found = [m for m in found if m.in_index or not duplicate[row_of[m.id]]]
            outcomes[positions[batch_row]] = Outcome(batch.ids[row], str(statuses[row]), found)
        return outcomes, evicted

    def _put(
        self, batch: Prepared, rows: np.ndarray, dates: list[float | None], clock: float
    ) -> None:
        """Store rows of a batch under new document numbers (inside the transaction)."""
        if len(rows) == 0:
            return
        first = self.storage.allocate(len(rows))
        numbers = np.arange(first, first + len(rows), dtype=np.int64)
        docs, postings = stored_rows(batch, rows, numbers, dates, clock, self.keep_text)
        self.storage.put(docs, postings)

    # -- candidates and verification ------------------------------------------------------------
    def candidates_in_index(
        self, band_keys: np.ndarray, anchor_values: np.ndarray, anchor_docs: np.ndarray, n: int
    ) -> np.ndarray:
        """Candidate pairs ``(row, indexed document)`` of ``n`` new documents (rows) with their
        band keys (``n`` x bands) and anchors (values, rows), by the batch rules."""
        engine, store = self.engine, self.storage
        keys, docs = store.band_matches(band_keys.ravel(), engine.config.max_bucket)
        pairs = band_candidates(band_keys, keys, docs)
        if engine.anchors is not None and len(anchor_values):
            values, found_docs, sizes = store.anchor_matches(
                anchor_values, engine.anchors.max_posting
            )
            more = anchor_candidates(
                anchor_values, anchor_docs, n, values, found_docs, sizes, engine.anchors
            )
            pairs = unique_rows(np.concatenate([pairs, more]))
        return pairs

    def matches_in_index(self, batch: Prepared) -> dict[int, list[Match]]:
        """Accepted matches of each row of ``batch`` among the indexed documents."""
        if len(batch) == 0:
            return {}
        engine, store = self.engine, self.storage
        pairs = self.candidates_in_index(
            batch.band_keys, batch.anchor_values, batch.anchor_docs, len(batch)
        )
        if len(pairs) == 0:
            return {}
        wanted = np.unique(pairs[:, 1]).tolist()
        found = store.fetch(wanted)
        indexed = self.as_prepared(found)
        row_of = {d.doc: k for k, d in enumerate(found)}
        pairs = pairs[np.fromiter((d in row_of for d in pairs[:, 1].tolist()), bool, len(pairs))]
        index_rows = np.fromiter((row_of[d] for d in pairs[:, 1].tolist()), np.int64, len(pairs))
        scores = engine.score(indexed, batch, np.stack([index_rows, pairs[:, 0]], axis=1))
        return self.matches(
            scores, pairs[:, 0], index_rows, indexed.ids, True, (batch.sets, indexed.sets)
        )

    def _internal(self, batch: Prepared) -> dict[int, list[Match]]:
        """Accepted pairs among the documents of one ``add`` call, on the later one."""
        n = len(batch)
        if n < 2:
            return {}
        engine = self.engine
        rank = id_ranks(batch.ids)
        pairs = candidate_pairs(batch.band_keys, engine.config.max_bucket, rank)
        if engine.anchors is not None and len(batch.anchor_values):
            more = pairs_sharing_anchors(
                batch.anchor_values, batch.anchor_docs, n, engine.anchors, rank
            )
            pairs = unique_pairs(np.concatenate([pairs, more]), n)
        if len(pairs) == 0:
            return {}
        scores = engine.score(batch, batch, pairs)
        return self.matches(
            scores, pairs[:, 1], pairs[:, 0], batch.ids, False, (batch.sets, batch.sets)
        )

    def matches(
        self,
        scores: dict[str, np.ndarray],
        rows: np.ndarray,
        other: np.ndarray,
        other_ids: list[str],
        in_index: bool,
        sets: tuple[ShingleSets, ShingleSets],
    ) -> dict[int, list[Match]]:
        """The accepted pairs as matches of ``rows`` (new documents, whose shingle sets are
        ``sets[0]``) with ``other`` (their matches, in ``sets[1]``), overlap measured."""

        def measure(k: np.ndarray) -> np.ndarray:
            return sets_overlap(sets[0], rows[k], sets[1], other[k])

        names = [s.name for s, _ in self.engine.scorers]
        return matches_of(scores, names, rows, other, other_ids, in_index, measure)

    def as_prepared(self, docs: list[StoredDoc]) -> Prepared:
        """Indexed documents as the engine's scorers and policies see them."""
        return as_prepared(docs, self.engine, self.keep_text)

    # -- removing -------------------------------------------------------------------------------
    def remove(self, ids: Iterable[str]) -> list[str]:
        """Remove documents by id; returns the ids that were indexed (and are gone)."""
        wanted = list(dict.fromkeys(ids))
        with self.storage.transaction():
            found = self.storage.docs_by_id(wanted)
            self._delete(self.storage.fetch(sorted(found.values())))
        return [i for i in wanted if i in found]

    def evict(self, max_age: float, now: float | None = None) -> list[str]:
        """Remove the documents dated more than ``max_age`` days before ``now`` (default: the
        clock); returns their ids."""
        reference = time.time() if now is None else now
        with self.storage.transaction():
            return self._evict(reference - max_age * DAY_S)

    def _evict(self, cutoff: float) -> list[str]:
        docs = self.storage.fetch(self.storage.dated_before(cutoff))
        self._delete(docs)
        return [d.id for d in docs]

    def _delete(self, docs: list[StoredDoc]) -> None:
        if docs:
            self.storage.delete(
                docs, postings_of(docs, self.engine.banding, self.engine.config.num_perm)
            )

    # -- facts ----------------------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        """Documents, size per document, settings and backend facts."""
        cfg = self.engine.config
        count = self.storage.count()
        backend = self.storage.stats()
        size = backend.get("file_bytes", 0) + backend.get("wal_bytes", 0)
        return {
            "location": self.location,
            "documents": count,
            "bytes_per_document": round(size / count, 1) if count and size else None,
            "created": self.meta.get("created"),
            "dedupe_version": self.meta.get("dedupe_version"),
            "fingerprint": self.meta.get("fingerprint"),
            "settings": {key: cfg.to_dict()[key] for key in stored_settings.FIXED},
            "banding": {"bands": self.engine.banding.bands, "rows": self.engine.banding.rows},
            "keep_text": self.keep_text,
            "learned": dict(self.engine.learned),
            "storage": backend,
        }
