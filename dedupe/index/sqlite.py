"""The default index store: one SQLite file (standard library, no server).

Schema: ``documents`` (one row per document: id, dates, lengths, chrome share, signature,
Elias-Fano coded shingle set and anchors, the text only with ``--keep-text``), and two posting
tables ``bands (key, doc)`` and ``anchors (value, doc, n)`` declared ``WITHOUT ROWID`` with
that primary key, so the documents of a key are one B-tree range scan and no second index is
kept. Document numbers come from ``AUTOINCREMENT`` and are never reused, so a removed
document's number can never be confused with a later one.

Durability and concurrency: the file is in WAL mode; each write is one ``BEGIN IMMEDIATE``
transaction, so one writer at a time (a second waits up to ``BUSY_TIMEOUT_S``) while any number
of readers (opened read-only, ``mode=ro``) keep reading the last committed state.
``synchronous=NORMAL`` (the default here) writes each commit to the WAL before it returns: a
killed process loses nothing committed and never corrupts the file; an OS crash or power loss
can lose the last commits but still leaves a consistent file. ``durable=True`` uses
``synchronous=FULL`` (an fsync per commit) for that case too.

Every SQLite error (a damaged or truncated file, a read-only or unreadable file or folder, a
lock held too long) becomes one :class:`~dedupe.index.base.StorageError` line naming the file
and the cause (:meth:`SQLiteStorage.errors`), never a traceback.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sqlite3
import struct
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import numpy as np

from dedupe.errors import ConfigError, OutputError
from dedupe.index.base import Postings, StorageError, StoredDoc
from dedupe.index.codec import decode_set, decode_signature, encode_set, encode_signature

#: 16 KB pages hold five document rows each (a 3 KB row would leave 4 KB pages a quarter empty).
PAGE_SIZE = 16384
BUSY_TIMEOUT_S = 60.0
CACHE_KIB = 512 * 1024
WAL_LIMIT_BYTES = 64 << 20
MMAP_BYTES = 1 << 30
#: Keys per lookup statement (passed as one JSON array).
LOOKUP_CHUNK = 20_000

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE documents (
    doc INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    date REAL NOT NULL,
    added REAL NOT NULL,
    text_length INTEGER NOT NULL,
    normalised_length INTEGER NOT NULL,
    removed_share REAL NOT NULL,
    signature BLOB NOT NULL,
    shingles BLOB NOT NULL,
    anchors BLOB NOT NULL,
    meta TEXT,
    text TEXT
);
CREATE INDEX documents_date ON documents (date);
CREATE TABLE bands (key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (key, doc))
    WITHOUT ROWID;
CREATE TABLE anchors (
    value INTEGER NOT NULL, doc INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (value, doc)
) WITHOUT ROWID;
"""

_COLUMNS = (
    "doc, id, date, added, text_length, normalised_length, removed_share, signature, "
    "shingles, anchors, meta, text"
)
_QUALIFIED = ", ".join(f"d.{c.strip()}" for c in _COLUMNS.split(","))
# One bounded range scan per key: the documents of a key, at most ? of them, comma-joined.
_BAND_LOOKUP = (
    "SELECT key, docs FROM (SELECT j.value AS key, (SELECT group_concat(doc) FROM "
    "(SELECT doc FROM bands WHERE key = j.value LIMIT ?2)) AS docs FROM json_each(?1) AS j) "
    "WHERE docs IS NOT NULL"
)
_ANCHOR_LOOKUP = (
    "SELECT value, docs FROM (SELECT j.value AS value, (SELECT group_concat(doc || ':' || n) "
    "FROM (SELECT doc, n FROM anchors WHERE value = j.value LIMIT ?2)) AS docs "
    "FROM json_each(?1) AS j) WHERE docs IS NOT NULL"
)


_T = TypeVar("_T")


def _guarded(method: Callable[..., _T]) -> Callable[..., _T]:
    """The method with SQLite errors turned into one-line :class:`StorageError`."""

    @functools.wraps(method)
    def wrapper(self: SQLiteStorage, *args: Any, **kwargs: Any) -> _T:
        with self.errors():
            return method(self, *args, **kwargs)

    return wrapper


def _chunks(values: list[Any], size: int = LOOKUP_CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _integers(text: str) -> np.ndarray:
    """Comma-separated integers (a ``group_concat``) as an array, parsed in one call."""
    if not text:
        return np.zeros(0, dtype=np.int64)
    return np.array(text.split(","), dtype=np.int64)


class SQLiteStorage:
    """An index in one SQLite file (see the module doc)."""

    def __init__(self, path: str, read_only: bool = False, durable: bool = False) -> None:
        self.location = path
        self.path = Path(path)
        self.read_only = read_only
        self.durable = durable
        self._db: sqlite3.Connection | None = None
        self._in_transaction = False

    # -- connection -----------------------------------------------------------------------------
    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = self._connect()
        return self._db

    def _connect(self) -> sqlite3.Connection:
        if self.read_only:
            if not self.path.exists():
                raise ConfigError(f"no index at {self.path} (create it with `dedupe index create`)")
            uri = f"file:{quote(str(self.path.resolve()))}?mode=ro"
            db = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_S)
        else:
            if self.path.parent and not self.path.parent.exists():
                raise OutputError(f"cannot create an index in {self.path.parent}: no such folder")
            db = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_TIMEOUT_S)
            self._refuse_foreign(db)
            db.execute(f"PRAGMA page_size={PAGE_SIZE}")  # before the file is made (then ignored)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(f"PRAGMA synchronous={'FULL' if self.durable else 'NORMAL'}")
        db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        db.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
        if not self.read_only:  # the WAL of a big batch is cut back after its checkpoint
            db.execute(f"PRAGMA journal_size_limit={WAL_LIMIT_BYTES}")
        return db

    def _refuse_foreign(self, db: sqlite3.Connection) -> None:
        """Before anything is written (WAL mode changes the file's header): refuse an SQLite
        file that holds tables but no index."""
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_schema")}
        if tables and "meta" not in tables:
            db.close()
            raise StorageError(f"{self.path} is an SQLite database but not an index: not touched")

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    @contextlib.contextmanager
    def errors(self) -> Iterator[None]:
        """Turn an SQLite error into a :class:`StorageError` saying what is wrong."""
        try:
            yield
        except sqlite3.Error as exc:
            raise StorageError(self._explain(exc)) from None

    def _explain(self, exc: sqlite3.Error) -> str:
        where, message = self.path, str(exc)
        lowered = message.lower()
        folder = where.parent if str(where.parent) else Path(".")
        if "malformed" in lowered or "not a database" in lowered or "decode" in lowered:
            return (
                f"index {where} is damaged ({message}): restore it from a backup, or create "
                "a new index and add the documents again"
            )
        blocked_reader = self.read_only and ("readonly" in lowered or "unable to open" in lowered)
        if blocked_reader and os.access(where, os.R_OK) and not os.access(folder, os.W_OK):
            return (
                f"cannot read index {where}: its folder {folder} is read-only, and SQLite "
                f"needs to create {where.name}-shm beside it to read an index in WAL mode "
                "(copy the index to a writable folder)"
            )
        if "readonly" in lowered or "read-only" in lowered:
            return f"cannot write index {where}: {self._read_only_reason(folder)}"
        if "unable to open" in lowered or "disk i/o" in lowered or "cannot open" in lowered:
            return f"cannot open index {where}: {self._open_reason(folder)} ({message})"
        if "locked" in lowered or "busy" in lowered:
            return (
                f"index {where} is locked by another writer (waited {BUSY_TIMEOUT_S:g} s); "
                "try again when it is done"
            )
        if "full" in lowered:
            return f"cannot write index {where}: the disk is full"
        return f"index {where}: {message}"

    def _read_only_reason(self, folder: Path) -> str:
        if self.path.exists() and not os.access(self.path, os.W_OK):
            return "the file is read-only"
        if not os.access(folder, os.W_OK):
            return f"its folder {folder} is read-only (SQLite writes its journal beside it)"
        return "it is read-only"

    def _open_reason(self, folder: Path) -> str:
        if self.path.exists() and not os.access(self.path, os.R_OK):
            return "the file is not readable (permission denied)"
        if not os.access(folder, os.X_OK | os.R_OK):
            return f"its folder {folder} is not readable (permission denied)"
        if not os.access(folder, os.W_OK):
            return (
                f"its folder {folder} is read-only, and SQLite needs to create "
                f"{self.path.name}-wal and {self.path.name}-shm beside it"
            )
        return "SQLite cannot open it"

    # -- meta -----------------------------------------------------------------------------------
    @_guarded
    def read_meta(self) -> dict[str, str] | None:
        if self.read_only and not self.path.exists():
            return None
        if not self.read_only and (not self.path.exists() or self.path.stat().st_size == 0):
            return None
        try:
            rows = self.db.execute("SELECT key, value FROM meta").fetchall()
        except sqlite3.DatabaseError as exc:
            if "no such table" in str(exc):
                return None
            if "not a database" in str(exc):
                raise StorageError(f"{self.path} is not a dedupe index (not SQLite)") from None
            raise
        return dict(rows)

    @_guarded
    def create(self, meta: dict[str, str]) -> None:
        if self.read_meta() is not None:
            raise ConfigError(f"an index already exists at {self.path}")
        db = self.db
        with self.transaction():
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", sorted(meta.items()))

    # -- transactions ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        if self.read_only:
            raise ConfigError(f"{self.path} is open read-only")
        with self.errors():
            self.db.execute("BEGIN IMMEDIATE")
        self._in_transaction = True
        try:
            yield
            with self.errors():
                self.db.execute("COMMIT")
        except BaseException:
            self._in_transaction = False
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
            raise
        self._in_transaction = False

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        if self._in_transaction:
            yield
            return
        with self.errors():
            self.db.execute("BEGIN")
        try:
            yield
        finally:
            with self.errors():
                self.db.execute("COMMIT")

    # -- writes ---------------------------------------------------------------------------------
    @_guarded
    def allocate(self, n: int) -> int:
        row = self.db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'documents'").fetchone()
        return (int(row[0]) if row else 0) + 1

    @_guarded
    def put(self, docs: list[StoredDoc], postings: Postings) -> None:
        db = self.db
        db.executemany(
            f"INSERT INTO documents ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    d.doc,
                    d.id,
                    d.date,
                    d.added,
                    d.text_length,
                    d.normalised_length,
                    d.removed_share,
                    encode_signature(d.signature),
                    encode_set(d.shingles),
                    encode_set(d.anchors),
                    json.dumps(d.meta, default=str) if d.meta else None,
                    d.text,
                )
                for d in docs
            ],
        )
        order = np.argsort(postings.band_keys, kind="stable")
        db.executemany(
            "INSERT OR IGNORE INTO bands (key, doc) VALUES (?, ?)",
            zip(
                postings.band_keys[order].view(np.int64).tolist(),
                postings.band_docs[order].tolist(),
                strict=True,
            ),
        )
        order = np.argsort(postings.anchor_values, kind="stable")
        db.executemany(
            "INSERT INTO anchors (value, doc, n) VALUES (?, ?, ?)",
            zip(
                postings.anchor_values[order].tolist(),
                postings.anchor_docs[order].tolist(),
                postings.anchor_sizes[order].tolist(),
                strict=True,
            ),
        )

    @_guarded
    def delete(self, docs: list[StoredDoc], postings: Postings) -> None:
        db = self.db
        db.executemany(
            "DELETE FROM bands WHERE key = ? AND doc = ?",
            zip(
                postings.band_keys.view(np.int64).tolist(),
                postings.band_docs.tolist(),
                strict=True,
            ),
        )
        db.executemany(
            "DELETE FROM anchors WHERE value = ? AND doc = ?",
            zip(postings.anchor_values.tolist(), postings.anchor_docs.tolist(), strict=True),
        )
        db.executemany("DELETE FROM documents WHERE doc = ?", [(d.doc,) for d in docs])

    # -- reads ----------------------------------------------------------------------------------
    @_guarded
    def docs_by_id(self, ids: list[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for part in _chunks(ids):
            rows = self.db.execute(
                "SELECT d.id, d.doc FROM json_each(?) AS j JOIN documents AS d ON d.id = j.value",
                (json.dumps(part, ensure_ascii=False),),
            )
            found.update(rows)
        return found

    @_guarded
    def band_matches(self, keys: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
        wanted = np.unique(keys).view(np.int64).tolist()
        found_keys: list[int] = []
        counts: list[int] = []
        lists: list[str] = []
        for part in _chunks(wanted):
            for key, docs in self.db.execute(_BAND_LOOKUP, (json.dumps(part), limit)):
                found_keys.append(key)
                counts.append(docs.count(",") + 1)
                lists.append(docs)
        docs_found = _integers(",".join(lists))
        keys_found = np.repeat(np.asarray(found_keys, dtype=np.int64), counts)
        return keys_found.view(np.uint64), docs_found

    @_guarded
    def anchor_matches(
        self, values: np.ndarray, max_posting: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        wanted = np.unique(values).tolist()
        found_values: list[int] = []
        counts: list[int] = []
        lists: list[str] = []
        for part in _chunks(wanted):
            for value, docs in self.db.execute(_ANCHOR_LOOKUP, (json.dumps(part), max_posting + 1)):
                count = docs.count(",") + 1
                if count <= max_posting:
                    found_values.append(value)
                    counts.append(count)
                    lists.append(docs)
        pairs = _integers(",".join(lists).replace(":", ",")).reshape(-1, 2)
        values_found = np.repeat(np.asarray(found_values, dtype=np.int64), counts)
        return values_found.astype(np.uint32), pairs[:, 0], pairs[:, 1]

    @_guarded
    def fetch(self, docs: list[int]) -> list[StoredDoc]:
        by_doc: dict[int, StoredDoc] = {}
        for part in _chunks(docs):
            rows = self.db.execute(
                f"SELECT {_QUALIFIED} FROM json_each(?) AS j "
                "JOIN documents AS d ON d.doc = j.value",
                (json.dumps(part),),
            )
            for row in rows:
                by_doc[row[0]] = self._doc(row)
        return [by_doc[d] for d in docs if d in by_doc]

    def _doc(self, row: tuple[Any, ...]) -> StoredDoc:
        """One document row decoded; a row that does not decode is a damaged index."""
        try:
            return StoredDoc(
                doc=row[0],
                id=row[1],
                date=float(row[2]),
                added=float(row[3]),
                text_length=int(row[4]),
                normalised_length=int(row[5]),
                removed_share=float(row[6]),
                signature=decode_signature(row[7]),
                shingles=decode_set(row[8]),
                anchors=decode_set(row[9]),
                meta=json.loads(row[10]) if row[10] else {},
                text=row[11],
            )
        except (TypeError, ValueError, struct.error) as exc:
            raise StorageError(
                f"index {self.path} is damaged (document {row[0]}: {exc}): restore it from a "
                "backup, or create a new index and add the documents again"
            ) from None

    @_guarded
    def dated_before(self, cutoff: float) -> list[int]:
        rows = self.db.execute("SELECT doc FROM documents WHERE date < ? ORDER BY doc", (cutoff,))
        return [r[0] for r in rows]

    def iter_ids(self) -> Iterator[str]:
        with self.errors():
            for (doc_id,) in self.db.execute("SELECT id FROM documents ORDER BY doc"):
                yield doc_id

    @_guarded
    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    @_guarded
    def stats(self) -> dict[str, Any]:
        db = self.db
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        free = db.execute("PRAGMA freelist_count").fetchone()[0]
        wal = Path(f"{self.path}-wal")
        out: dict[str, Any] = {
            "backend": "sqlite",
            "file_bytes": os.path.getsize(self.path),
            "wal_bytes": wal.stat().st_size if wal.exists() else 0,
            "page_size": page_size,
            "pages": pages,
            "free_pages": free,
            "journal_mode": db.execute("PRAGMA journal_mode").fetchone()[0],
            "sqlite_version": sqlite3.sqlite_version,
        }
        with contextlib.suppress(sqlite3.DatabaseError):  # dbstat is not in every build
            out["table_bytes"] = dict(
                db.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY name")
            )
        return out


def open_sqlite(location: str, read_only: bool, options: dict[str, Any]) -> SQLiteStorage:
    """The ``sqlite`` backend's opener; option ``durable``: ``synchronous=FULL``."""
    path = location[len("sqlite://") :] if location.startswith("sqlite://") else location
    return SQLiteStorage(path, read_only=read_only, durable=bool(options.get("durable")))
