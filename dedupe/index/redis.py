"""An index in a Redis server (``redis://host:6379/0?prefix=news``), through the same protocol.

Keys, under ``prefix`` (default ``dedupe``): ``P:meta`` (hash of the stored settings),
``P:seq`` (the document counter), ``P:ids`` (hash id -> document), ``P:doc:N`` (hash of one
document, blobs encoded as in SQLite), ``P:dates`` (sorted set of documents by date),
``P:b:KEY`` (sorted set of the documents of a band key, scored by document number so the first
indexed come first) and ``P:a:VALUE`` (members ``doc:n``, scored by document number).

Writes of one ``add`` batch are sent as one ``MULTI``/``EXEC`` block, so other clients see all
of a batch or none of it; reads are not isolated from a concurrent writer (Redis has no
snapshots), and durability is the server's (``appendonly``, ``save``). One writer at a time.
Needs the ``redis`` package: ``pip install 'dedupe-engine[redis]'``.
"""

from __future__ import annotations

import contextlib
import json
import struct
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np

from dedupe.errors import ConfigError
from dedupe.index.base import Postings, StorageError, StoredDoc
from dedupe.index.codec import decode_set, decode_signature, encode_set, encode_signature

_FIELDS = (
    "id",
    "date",
    "added",
    "text_length",
    "normalised_length",
    "removed_share",
    "signature",
    "shingles",
    "anchors",
    "meta",
    "text",
)


def _split_location(location: str) -> tuple[str, str]:
    """The server URL and the key prefix (``?prefix=`` taken out of the URL)."""
    parts = urlsplit(location)
    query = parse_qsl(parts.query)
    prefix = next((v for k, v in query if k == "prefix"), "dedupe")
    rest = urlencode([(k, v) for k, v in query if k != "prefix"])
    return urlunsplit(parts._replace(query=rest)), prefix


class RedisStorage:
    """An index under one key prefix of a Redis database (see the module doc)."""

    def __init__(self, location: str, read_only: bool = False) -> None:
        try:
            import redis
        except ImportError:
            raise ConfigError(
                "the redis storage backend needs the redis package: "
                "pip install 'dedupe-engine[redis]'"
            ) from None
        self.location = location
        self.read_only = read_only
        url, self.prefix = _split_location(location)
        self.client: Any = redis.Redis.from_url(url)
        self._pipe: Any = None
        try:
            self.client.ping()
        except redis.RedisError as exc:
            raise ConfigError(f"cannot reach the Redis server at {url}: {exc}") from None

    def _key(self, *parts: object) -> str:
        return ":".join([self.prefix, *map(str, parts)])

    def close(self) -> None:
        self.client.close()

    # -- meta -----------------------------------------------------------------------------------
    def read_meta(self) -> dict[str, str] | None:
        raw = self.client.hgetall(self._key("meta"))
        if not raw:
            return None
        return {k.decode(): v.decode() for k, v in raw.items()}

    def create(self, meta: dict[str, str]) -> None:
        if not self.client.hsetnx(self._key("meta"), "format", meta["format"]):
            raise ConfigError(f"an index already exists at {self.location}")
        self.client.hset(self._key("meta"), mapping=meta)

    # -- transactions ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        if self.read_only:
            raise ConfigError(f"{self.location} is open read-only")
        self._pipe = self.client.pipeline(transaction=True)
        try:
            yield
            self._pipe.execute()
        finally:
            self._pipe = None

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        yield

    # -- writes ---------------------------------------------------------------------------------
    def allocate(self, n: int) -> int:
        return int(self.client.incrby(self._key("seq"), n)) - n + 1

    def put(self, docs: list[StoredDoc], postings: Postings) -> None:
        pipe = self._pipe
        for d in docs:
            pipe.hset(
                self._key("doc", d.doc),
                mapping={
                    "id": d.id,
                    "date": repr(d.date),
                    "added": repr(d.added),
                    "text_length": d.text_length,
                    "normalised_length": d.normalised_length,
                    "removed_share": repr(d.removed_share),
                    "signature": encode_signature(d.signature),
                    "shingles": encode_set(d.shingles),
                    "anchors": encode_set(d.anchors),
                    "meta": json.dumps(d.meta, default=str),
                    "text": d.text if d.text is not None else "",
                },
            )
            pipe.hset(self._key("ids"), d.id, d.doc)
            pipe.zadd(self._key("dates"), {str(d.doc): d.date})
        for key, doc in zip(postings.band_keys.tolist(), postings.band_docs.tolist(), strict=True):
            pipe.zadd(self._key("b", key), {str(doc): doc})
        for value, doc, n in zip(
            postings.anchor_values.tolist(),
            postings.anchor_docs.tolist(),
            postings.anchor_sizes.tolist(),
            strict=True,
        ):
            pipe.zadd(self._key("a", value), {f"{doc}:{n}": doc})

    def delete(self, docs: list[StoredDoc], postings: Postings) -> None:
        pipe = self._pipe
        for key, doc in zip(postings.band_keys.tolist(), postings.band_docs.tolist(), strict=True):
            pipe.zrem(self._key("b", key), str(doc))
        for value, doc, n in zip(
            postings.anchor_values.tolist(),
            postings.anchor_docs.tolist(),
            postings.anchor_sizes.tolist(),
            strict=True,
        ):
            pipe.zrem(self._key("a", value), f"{doc}:{n}")
        for d in docs:
            pipe.delete(self._key("doc", d.doc))
            pipe.hdel(self._key("ids"), d.id)
            pipe.zrem(self._key("dates"), str(d.doc))

    # -- reads ----------------------------------------------------------------------------------
    def docs_by_id(self, ids: list[str]) -> dict[str, int]:
        if not ids:
            return {}
        values = self.client.hmget(self._key("ids"), ids)
        return {i: int(v) for i, v in zip(ids, values, strict=True) if v is not None}

    def band_matches(self, keys: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
        wanted = np.unique(keys).tolist()
        pipe = self.client.pipeline(transaction=False)
        for key in wanted:
            pipe.zrange(self._key("b", key), 0, limit - 1)
        out_keys: list[int] = []
        out_docs: list[int] = []
        for key, members in zip(wanted, pipe.execute(), strict=True):
            out_keys.extend([key] * len(members))
            out_docs.extend(int(m) for m in members)
        return np.asarray(out_keys, dtype=np.uint64), np.asarray(out_docs, dtype=np.int64)

    def anchor_matches(
        self, values: np.ndarray, max_posting: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        wanted = np.unique(values).tolist()
        pipe = self.client.pipeline(transaction=False)
        for value in wanted:
            pipe.zrange(self._key("a", value), 0, max_posting)
        rows: list[tuple[int, int, int]] = []
        for value, members in zip(wanted, pipe.execute(), strict=True):
            if len(members) > max_posting:
                continue
            for member in members:
                doc, _, n = member.decode().partition(":")
                rows.append((value, int(doc), int(n)))
        if not rows:
            empty = np.zeros(0, dtype=np.int64)
            return empty.astype(np.uint32), empty, empty
        array = np.asarray(rows, dtype=np.int64)
        return array[:, 0].astype(np.uint32), array[:, 1], array[:, 2]

    def fetch(self, docs: list[int]) -> list[StoredDoc]:
        pipe = self.client.pipeline(transaction=False)
        for doc in docs:
            pipe.hmget(self._key("doc", doc), _FIELDS)
        out = []
        for doc, row in zip(docs, pipe.execute(), strict=True):
            if row[0] is None:
                continue
            f = dict(zip(_FIELDS, row, strict=True))
            try:
                out.append(self._doc(doc, f))
            except (AttributeError, TypeError, ValueError, struct.error) as exc:
                raise StorageError(
                    f"index {self.location} is damaged (document {doc}: {exc}): create a new "
                    "index and add the documents again"
                ) from None
        return out

    def _doc(self, doc: int, f: dict[str, Any]) -> StoredDoc:
        """One document hash decoded (a ``ValueError`` or ``TypeError`` if damaged)."""
        meta = json.loads(f["meta"]) if f["meta"] else {}
        return StoredDoc(
            doc=doc,
            id=f["id"].decode(),
            date=float(f["date"]),
            added=float(f["added"]),
            text_length=int(f["text_length"]),
            normalised_length=int(f["normalised_length"]),
            removed_share=float(f["removed_share"]),
            signature=decode_signature(f["signature"]),
            shingles=decode_set(f["shingles"]),
            anchors=decode_set(f["anchors"]),
            meta=meta,
            text=f["text"].decode() if f["text"] else None,
        )

    def dated_before(self, cutoff: float) -> list[int]:
        members = self.client.zrangebyscore(self._key("dates"), "-inf", f"({cutoff!r}")
        return sorted(int(m) for m in members)

    def iter_ids(self) -> Iterator[str]:
        pairs = [(int(doc), key.decode()) for key, doc in self.client.hscan_iter(self._key("ids"))]
        for _, doc_id in sorted(pairs):
            yield doc_id

    def count(self) -> int:
        return int(self.client.hlen(self._key("ids")))

    def stats(self) -> dict[str, Any]:
        info = self.client.info("memory")
        return {
            "backend": "redis",
            "prefix": self.prefix,
            "used_memory_bytes": info.get("used_memory"),
            "keys_in_database": self.client.dbsize(),
        }


def open_redis(location: str, read_only: bool, options: dict[str, Any]) -> RedisStorage:
    """The ``redis`` backend's opener (the redis package is imported here, when used)."""
    return RedisStorage(location, read_only=read_only)
