"""Work on one chunk of the input, run by a Dask worker.

Pass 1 is the step :func:`dedupe.pipeline.pass1.sign_chunk` itself; its result stays in the
worker's memory and the frames the shuffles start from (ids, band keys, anchors) are cut from
it. Pass 2 takes the candidate documents' data from it, or reads them again
(:func:`dedupe.pipeline.pass2.load_chunk`) when a scorer or the policy reads texts; the kept
shards are written by the plan's writers from the chunk's kept documents. Documents are
numbered ``base + local``, the chunk's first number plus the document's place in it: the local
executor's numbering.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from dedupe.candidates.lsh import band_keys, id_ranks
from dedupe.corpus import Chunk
from dedupe.distributed.frames import ANCHORS, BANDS, DOCS, IDS, empty_like
from dedupe.distributed.spec import PlanSpec, worker_plan
from dedupe.documents import BadRecord
from dedupe.errors import InputError
from dedupe.parts import kept_result
from dedupe.pipeline.pass1 import SignedChunk, sign_chunk
from dedupe.pipeline.pass2 import load_chunk
from dedupe.plan import RunPlan
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
    ``length`` are pass 1's kept share and raw length (None: computed from the texts), ``declared``
    how far its metadata names its article."""

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
    declared: float = 0.0


def sign(spec: PlanSpec, chunk: Chunk) -> SignedChunk:
    """Pass 1 over the chunk (read, normalise, shingle, sign, sample anchors)."""
    plan, corpus = worker_plan(spec)
    return sign_chunk(plan, corpus, chunk)


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
    spec: PlanSpec, signed: SignedChunk, base: int, renames: dict[int, str]
) -> pd.DataFrame:
    """(band, key, doc, rank) for every band of every non-empty document: the LSH buckets,
    before they are grouped."""
    plan, _ = worker_plan(spec)
    usable = _usable(signed)
    if len(usable) == 0:
        return empty_like(BANDS)
    signatures = np.concatenate(signed.signatures)[usable]
    keys = band_keys(signatures, plan.banding)
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
    spec: PlanSpec,
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
    plan, corpus = worker_plan(spec)
    ids = final_ids(signed, base, renames)
    if not plan.needs_text:
        data = from_pass1(plan, signed, ids, docs - base)
        return pd.DataFrame({"doc": docs, "data": pd.Series(data, dtype=object)})
    local_of = {signed.location(int(d) - base): int(d) - base for d in docs}
    loaded = load_chunk(plan, corpus, chunk, set(local_of))
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
                    declared=float(loaded.declared[k]),
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
    plan: RunPlan, signed: SignedChunk, ids: list[str], local: np.ndarray
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
    if plan.needs_signatures:
        signatures = np.concatenate(signed.signatures)
    field_name = plan.config.date_field
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
                float(signed.declared[k]),
            )
        )
    return out


def kept_locations(
    signed: SignedChunk, base: int, dropped: pd.DataFrame
) -> set[tuple[str, int | None]]:
    """The locations of the chunk's kept documents (every one that is not a copy)."""
    gone = set((dropped["doc"].to_numpy(dtype=np.int64) - base).tolist())
    return {signed.location(k) for k in range(len(signed.ids)) if k not in gone}


def write_kept(
    spec: PlanSpec,
    chunk: Chunk,
    signed: SignedChunk,
    base: int,
    dropped: pd.DataFrame,
    shards: dict[str, str],
) -> int:
    """The chunk's shards of the writers made of kept documents (writer name -> shard path),
    written by the writers themselves, in input order; returns how many documents it keeps."""
    plan, corpus = worker_plan(spec)
    keep = kept_locations(signed, base, dropped)
    part = kept_result(plan.config, corpus, chunk, keep)
    for writer in plan.writers:
        if writer.name in shards:
            writer.write(part, Path(shards[writer.name]))
    return len(keep)
