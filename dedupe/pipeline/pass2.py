"""Pass 2: what later steps need of the candidate documents, from pass 1 and a second read.

Scoring and choosing representatives need, of the documents in candidate pairs only, their
exact shingle sets (kept by pass 1, in memory or spilled to disk: :func:`copy_sets`) and a few
numbers, put in a :class:`~dedupe.store.DocStore` by :func:`candidate_store`; their texts are
read again (:func:`read_texts`) only when a scorer or the policy reads texts. An executor that
does not keep pass-1 shingle sets reads and shingles the documents anew (:func:`load_chunk`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from dedupe.corpus import Chunk, Corpus, Location
from dedupe.documents import Record
from dedupe.errors import InputError
from dedupe.pipeline.signed import Signed
from dedupe.plan import RunPlan
from dedupe.shingle import ShingleSets
from dedupe.store import DocStore
from dedupe.texts import EncodedTexts

#: Reads the raw texts of (chunk, wanted locations) jobs, one list of records per job, in order.
TextReader = Callable[[list[tuple[Chunk, set[Location]]]], Iterable[list[Record]]]


def read_texts(corpus: Corpus, chunk: Chunk, wanted: set[Location]) -> list[Record]:
    """The wanted documents of a chunk, read again (raw text and metadata only)."""
    return [
        Record(r.id, r.text, r.source, r.line, r.meta, None)
        for r in corpus.read(chunk, wanted)
        if isinstance(r, Record)
    ]


@dataclass
class LoadedChunk:
    """Pass-2 output of one chunk: the wanted documents with texts and shingle sets."""

    locations: list[Location]
    records: list[Record]
    normalised: list[str]
    sets: ShingleSets
    removed_share: np.ndarray
    declared: np.ndarray


def load_chunk(plan: RunPlan, corpus: Corpus, chunk: Chunk, wanted: set[Location]) -> LoadedChunk:
    """Read the wanted documents of a chunk again, normalised and shingled."""
    records = [item for item in corpus.read(chunk, wanted) if isinstance(item, Record)]
    records = [
        Record(r.id, r.text, r.source, r.line, r.meta, None) for r in records
    ]  # the raw record is not needed any more
    normalised, removed, declared = plan.chain.measuring_facts([r.text for r in records])
    parts = []
    step = plan.config.batch_size
    for s in range(0, len(normalised), step):
        hashes, offsets = plan.unit.hash_batch(normalised[s : s + step], plan.config.ngram)
        parts.append(ShingleSets.from_hashes(hashes, offsets))
    return LoadedChunk(
        [(r.source, r.line) for r in records],
        records,
        normalised,
        ShingleSets.concat(parts),
        removed,
        declared,
    )


def copy_sets(
    source: np.ndarray | str,
    starts: np.ndarray,
    ends: np.ndarray,
    out: np.ndarray,
    out_offsets: np.ndarray,
) -> None:
    """Copy the shingle sets ``source[starts[k]:ends[k]]`` of one chunk into ``out`` at
    ``out_offsets[k]``.

    A spilled chunk (a ``.npy`` path) is read with positioned reads, not mapped: pages of a
    mapped file count in the process's resident memory, and candidate documents are spread
    over nearly every page of the spill files.
    """
    if not isinstance(source, str):
        for start, end, at in zip(
            starts.tolist(), ends.tolist(), out_offsets.tolist(), strict=True
        ):
            out[at : at + end - start] = source[start:end]
        return
    with open(source, "rb") as f:
        version = np.lib.format.read_magic(f)
        read_header = (
            np.lib.format.read_array_header_1_0
            if version == (1, 0)
            else np.lib.format.read_array_header_2_0
        )
        shape, _, dtype = read_header(f)
        if dtype != np.dtype(np.uint32) or len(shape) != 1:
            raise ValueError(f"{source}: not a spilled shingle set file")
        data_start = f.tell()
        fd = f.fileno()
        view = out.view(np.uint8).data
        item = out.itemsize
        for start, end, at in zip(
            starts.tolist(), ends.tolist(), out_offsets.tolist(), strict=True
        ):
            size = (end - start) * item
            got = os.preadv(fd, [view[at * item : at * item + size]], data_start + start * item)
            if got != size:
                raise ValueError(f"{source}: truncated spilled shingle set file")


def candidate_store(
    plan: RunPlan, first: Signed, docs: np.ndarray, read: TextReader | None
) -> DocStore:
    """What scoring and choosing representatives need of documents ``docs``: their shingle
    sets (from pass 1) and per-document numbers, and their texts, read again with ``read``
    (``None``: not read; they are only when a scorer or the policy needs them)."""
    n = len(first.ids)
    if len(docs) == 0:
        return DocStore.empty(n)
    docs = np.asarray(docs, dtype=np.int64)
    chunk_of = first.chunk_of(docs)
    sizes = first.set_sizes[docs]
    offsets = np.zeros(len(docs) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    values = np.empty(int(offsets[-1]), dtype=np.uint32)
    row = 0
    for c in np.unique(chunk_of).tolist():
        base = int(first.bases[c])
        end = int(first.bases[c + 1]) if c + 1 < len(first.bases) else n
        starts = np.concatenate([[0], np.cumsum(first.set_sizes[base:end])])
        local = docs[chunk_of == c] - base
        rows = slice(row, row + len(local))
        row += len(local)
        copy_sets(first.set_sources[c], starts[local], starts[local + 1], values, offsets[rows])
    field = plan.config.date_field
    store = DocStore.of_rows(
        [first.ids[d] for d in docs.tolist()],
        ShingleSets(values, offsets),
        meta=[{field: first.dates[d]} if first.dates[d] is not None else {} for d in docs.tolist()],
        sources=[first.location(d) for d in docs.tolist()],
        removed_share=first.removed_share[docs],
        kept_share=first.kept_share[docs],
        declared=first.declared[docs],
        text_length=first.text_length[docs],
        docs=docs,
        n_docs=n,
    )
    if read is not None:
        store.texts = _texts(first, store, read)
        store.normalise = plan.chain
    return store


def _texts(first: Signed, store: DocStore, read: TextReader) -> EncodedTexts:
    """The stored documents' texts, read again chunk by chunk (kept as UTF-8: half the memory
    of strings, :mod:`dedupe.texts`)."""
    doc_at: dict[Location, int] = {}
    wanted: dict[int, set[Location]] = {}
    for doc, chunk in zip(store.docs.tolist(), first.chunk_of(store.docs).tolist(), strict=True):
        location = first.location(doc)
        doc_at[location] = doc
        wanted.setdefault(chunk, set()).add(location)
    jobs = [(first.chunks[c], wanted[c]) for c in sorted(wanted)]
    texts = EncodedTexts.blank(len(store.docs))
    found = 0
    for records in read(jobs):
        for record in records:
            texts.put(int(store.row_of[doc_at[(record.source, record.line)]]), record.text)
            found += 1
    if found != len(store.docs):
        raise InputError("the input changed while it was being read (a document is missing)")
    return texts
