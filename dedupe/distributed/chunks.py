"""Work on one chunk of the input, run by a Dask worker.

Pass 1 is :func:`dedupe.passes.sign_chunk` itself; its result stays in the worker's memory and
the frames the shuffles start from (ids, band keys, anchors) are cut from it. Pass 2 is
:func:`dedupe.passes.load_chunk` for the chunk's candidate documents, and the kept shard is the
chunk's :meth:`~dedupe.corpus.Corpus.kept_lines`. Documents are numbered ``base + local``, the
chunk's first number plus the document's place in it: the local engine's numbering.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dedupe.corpus import Chunk
from dedupe.distributed.frames import ANCHORS, BANDS, DOCS, IDS, empty_like
from dedupe.distributed.spec import EngineSpec, worker_engine
from dedupe.documents import BadRecord
from dedupe.engine import Engine
from dedupe.errors import InputError
from dedupe.lsh import band_keys, id_ranks
from dedupe.pipeline.pass1 import SignedChunk, sign_chunk
from dedupe.pipeline.pass2 import load_chunk
from dedupe.shingle import ShingleSets

#: Bad records of one chunk sent back to the client (all are counted).
MAX_BAD_PER_CHUNK = 10_000


@dataclass
class ChunkSummary:
    """The little the client needs from pass 1 of a chunk."""

    number: int
    n_docs: int
    empty: int
    bad: list[BadRecord]
    bad_counts: Counter[str] = field(default_factory=Counter)
    encodings: Counter[str] = field(default_factory=Counter)


@dataclass
class DocData:
    """A candidate document as verification and clustering see it. ``text`` and
    ``normalised`` are None when no scorer or policy reads texts (as in the local engine, they
    are then not read again), ``signature`` when no scorer reads signatures; ``kept`` and
    ``length`` are pass 1's kept share and raw length (None: computed from the texts)."""

    id: str
    text: str | None
    normalised: str | None
    meta: dict
    source: tuple[str, int | None]
    shingles: np.ndarray
    removed: float
    signature: np.ndarray | None
    kept: float | None = None
    length: int | None = None


def sign(spec: EngineSpec, chunk: Chunk) -> SignedChunk:
    """Pass 1 over the chunk (read, normalise, shingle, sign, sample anchors)."""
    engine, corpus = worker_engine(spec)
    return sign_chunk(engine.plan, corpus, chunk)


def summarise(signed: SignedChunk) -> ChunkSummary:
    counts = Counter(bad.reason.split(":")[0] for bad in signed.bad)
    return ChunkSummary(
        signed.number,
        len(signed.ids),
        len(signed.empty),
        signed.bad[:MAX_BAD_PER_CHUNK],
        counts,
        signed.encodings,
    )


def location(signed: SignedChunk, local: int) -> tuple[str, int | None]:
    return signed.location(local)


def chunk_of(docs: pd.Series, bases: np.ndarray) -> pd.Series:
    """The chunk of each document number, given the chunks' first numbers."""
    chunks = np.searchsorted(bases, docs.to_numpy(dtype=np.int64), side="right") - 1
    return pd.Series(chunks.astype(np.int64), index=docs.index, name="chunk")


def final_ids(signed: SignedChunk, base: int, renames: dict[int, str]) -> list[str]:
    """The chunk's ids after ``--rename-duplicate-ids`` (``renames``: document -> new id)."""
    if not renames:
        return signed.ids
    return [renames.get(base + k, doc_id) for k, doc_id in enumerate(signed.ids)]


def id_frame(signed: SignedChunk, base: int) -> pd.DataFrame:
    """(doc, id) of every document of the chunk."""
    if not signed.ids:
        return empty_like(IDS)
    docs = np.arange(base, base + len(signed.ids), dtype=np.int64)
    return pd.DataFrame({"doc": docs, "id": pd.Series(signed.ids, dtype=object)})


def _usable(signed: SignedChunk) -> np.ndarray:
    keep = np.ones(len(signed.ids), dtype=bool)
    keep[np.asarray(signed.empty, dtype=np.int64)] = False
    return np.flatnonzero(keep)


def band_frame(
    spec: EngineSpec, signed: SignedChunk, base: int, renames: dict[int, str]
) -> pd.DataFrame:
    """(band, key, doc, rank) for every band of every non-empty document: the LSH buckets,
    before they are grouped."""
    engine, _ = worker_engine(spec)
    usable = _usable(signed)
    if len(usable) == 0:
        return empty_like(BANDS)
    signatures = np.concatenate(signed.signatures)[usable]
    keys = band_keys(signatures, engine.banding)
    n_bands = keys.shape[1]
    rank = id_ranks(final_ids(signed, base, renames))[usable]
    return pd.DataFrame(
        {
            "band": np.tile(np.arange(n_bands, dtype=np.int32), len(usable)),
            "key": keys.ravel(),
            "doc": np.repeat(usable.astype(np.int64) + base, n_bands),
            "rank": np.repeat(rank, n_bands),
        }
    )


def anchor_frame(signed: SignedChunk, base: int, renames: dict[int, str]) -> pd.DataFrame:
    """(value, doc, rank, count) for every anchor of the chunk; ``count`` is the number of
    anchors of the document (the containment rule compares shared anchors with it)."""
    if not signed.anchor_values or not sum(len(v) for v in signed.anchor_values):
        return empty_like(ANCHORS)
    values = np.concatenate(signed.anchor_values)
    local = np.concatenate(signed.anchor_docs).astype(np.int64)
    per_doc = np.bincount(local, minlength=len(signed.ids))
    rank = id_ranks(final_ids(signed, base, renames))
    return pd.DataFrame(
        {
            "value": values,
            "doc": local + base,
            "rank": rank[local],
            "count": per_doc[local].astype(np.int64),
        }
    )


def load_docs(
    spec: EngineSpec,
    chunk: Chunk,
    signed: SignedChunk,
    base: int,
    renames: dict[int, str],
    wanted: pd.DataFrame,
) -> pd.DataFrame:
    """Pass 2: the chunk's documents in ``wanted.doc`` as (doc, data) rows, sorted by doc."""
    docs = np.unique(wanted["doc"].to_numpy(dtype=np.int64))
    if len(docs) == 0:
        return empty_like(DOCS)
    engine, corpus = worker_engine(spec)
    ids = final_ids(signed, base, renames)
    needs_text = any(s.needs_text for s, _ in engine.scorers) or engine.policy.needs_text
    if not needs_text:
        data = from_pass1(engine, signed, ids, docs - base)
        return pd.DataFrame({"doc": docs, "data": pd.Series(data, dtype=object)})
    local_of = {signed.location(int(d) - base): int(d) - base for d in docs}
    loaded = load_chunk(engine.plan, corpus, chunk, set(local_of))
    if len(loaded.locations) != len(docs):
        raise InputError("the input changed while it was being read (a document is missing)")
    signatures = np.concatenate(signed.signatures)
    rows = []
    sets: ShingleSets = loaded.sets
    for k, (loc, record) in enumerate(zip(loaded.locations, loaded.records, strict=True)):
        local = local_of[loc]
        rows.append(
            (
                base + local,
                DocData(
                    ids[local],
                    record.text,
                    loaded.normalised[k],
                    record.meta,
                    (record.source, record.line),
                    sets.get(k).copy(),
                    float(loaded.removed_share[k]),
                    signatures[local].copy(),
                ),
            )
        )
    rows.sort(key=lambda r: r[0])
    return pd.DataFrame(
        {
            "doc": np.array([r[0] for r in rows], dtype=np.int64),
            "data": pd.Series([r[1] for r in rows], dtype=object),
        }
    )


def from_pass1(
    engine: Engine, signed: SignedChunk, ids: list[str], local: np.ndarray
) -> list[DocData]:
    """Candidate documents (``local`` numbers in the chunk) from what pass 1 kept of them, with
    no second read, as the local engine stores them when no scorer or policy reads texts:
    shingle set, chrome shares, raw length, date."""
    starts = np.zeros(len(signed.set_sizes) + 1, dtype=np.int64)
    np.cumsum(signed.set_sizes, out=starts[1:])
    values = signed.set_values
    if values is None:
        values = np.load(str(signed.set_file), mmap_mode="r")
    signatures = None
    if any(s.needs_signatures for s, _ in engine.scorers):
        signatures = np.concatenate(signed.signatures)
    field_name = engine.config.date_field
    out = []
    for k in local.tolist():
        date = signed.dates[k]
        out.append(
            DocData(
                ids[k],
                None,
                None,
                {field_name: date} if date is not None else {},
                signed.location(k),
                np.array(values[starts[k] : starts[k + 1]]),
                float(signed.removed_share[k]),
                None if signatures is None else signatures[k].copy(),
                float(signed.kept_share[k]),
                int(signed.text_length[k]),
            )
        )
    return out


def write_kept(
    spec: EngineSpec,
    chunk: Chunk,
    signed: SignedChunk,
    base: int,
    dropped: pd.DataFrame,
    path: str,
) -> int:
    """Write the chunk's kept documents (every one that is not a copy) to ``path``, in input order,
    as :meth:`dedupe.Engine` writes ``kept.jsonl``; returns how many."""
    _, corpus = worker_engine(spec)
    gone = set((dropped["doc"].to_numpy(dtype=np.int64) - base).tolist())
    keep = {signed.location(k) for k in range(len(signed.ids)) if k not in gone}
    count = 0
    with open(path, "w", encoding="utf-8") as f:
        if keep:
            for line in corpus.kept_lines(chunk, keep):
                f.write(line + "\n")
                count += 1
    return count
