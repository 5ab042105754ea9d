"""The two passes over the input, as functions of one chunk (so any process can run them).

Pass 1 (``sign_chunk``) reads a chunk and keeps, per document, what later stages need: id,
location, MinHash signature, containment anchors, the exact shingle set (written to a spill
file next to the run when one is given, so memory holds only the sets of candidate documents
later), and the few numbers the representative policies use (chrome share, length). Texts are
read again (``read_texts``) only for the documents of candidate pairs, and only when a scorer
or policy needs them. ``load_chunk`` reads documents again and normalises and shingles them
anew (used by the distributed engine).
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from dedupe.anchors import select_anchors, split
from dedupe.corpus import Chunk, Corpus, Location
from dedupe.documents import BadRecord, Record
from dedupe.lsh import band_keys
from dedupe.read import batches
from dedupe.shingle import ShingleSets, hash_encoded

if TYPE_CHECKING:
    from dedupe.engine import Engine

NO_LINE = -1


@dataclass
class SignedChunk:
    """Pass-1 output of one chunk; document numbers are local (0..n-1)."""

    number: int
    ids: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    label_of: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    lines: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    signatures: list[np.ndarray] = field(default_factory=list)
    band_keys: list[np.ndarray] = field(default_factory=list)
    anchor_codes: list[np.ndarray] = field(default_factory=list)
    set_sizes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    set_file: str | None = None
    set_values: np.ndarray | None = None
    removed_share: np.ndarray = field(default_factory=lambda: np.zeros(0))
    kept_share: np.ndarray = field(default_factory=lambda: np.zeros(0))
    text_length: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    dates: list[object] = field(default_factory=list)
    empty: list[int] = field(default_factory=list)
    encodings: Counter[str] = field(default_factory=Counter)
    bad: list[BadRecord] = field(default_factory=list)

    @property
    def anchor_values(self) -> list[np.ndarray]:
        """Anchor values per batch (unpacked from :attr:`anchor_codes`)."""
        return [split(codes)[0] for codes in self.anchor_codes]

    @property
    def anchor_docs(self) -> list[np.ndarray]:
        """Local document numbers of the anchors per batch (int32)."""
        return [split(codes)[1].astype(np.int32) for codes in self.anchor_codes]

    def location(self, k: int) -> Location:
        line = int(self.lines[k])
        return (self.labels[int(self.label_of[k])], None if line == NO_LINE else line)


def sign_chunk(engine: Engine, corpus: Corpus, chunk: Chunk) -> SignedChunk:
    """Normalise, shingle and sign every document of a chunk; sample its anchors; keep its
    shingle set (in ``engine.spill_dir`` when set, else in memory)."""
    cfg = engine.config
    out = SignedChunk(chunk.number)
    label_index: dict[str, int] = {}
    label_of: list[int] = []
    lines: list[int] = []
    set_parts: list[np.ndarray] = []
    set_sizes: list[np.ndarray] = []
    removed: list[np.ndarray] = []
    kept: list[np.ndarray] = []
    lengths: list[int] = []
    date_field = cfg.date_field
    batch_done = getattr(engine, "batch_done", None)  # progress, when signing in this process
    for batch in batches(corpus.read(chunk), cfg.batch_size, out.bad.append):
        local = np.arange(len(out.ids), len(out.ids) + len(batch), dtype=np.int64)
        buf, doc_offsets, furniture = engine.chain.encoded_measuring(batch.texts)
        hashes, offsets = hash_encoded(engine.unit, buf, doc_offsets, cfg.ngram)
        signatures = engine.hasher(hashes, offsets)
        out.band_keys.append(band_keys(signatures, engine.banding))
        if getattr(engine, "keep_signatures", True):
            out.signatures.append(signatures)
        if engine.anchors is not None:
            out.anchor_codes.append(select_anchors(hashes, offsets, local, engine.anchors))
        sets = ShingleSets.from_hashes(hashes, offsets)
        set_parts.append(sets.values)
        set_sizes.append(sets.sizes)
        removed.append(furniture)
        raw_chars = np.fromiter((len(t) for t in batch.texts), np.int64, len(batch))
        kept.append(
            np.where(raw_chars > 0, char_counts(buf, doc_offsets) / np.maximum(raw_chars, 1), 1.0)
        )
        lengths.extend(raw_chars.tolist())
        sizes = np.diff(offsets)
        for k, record in enumerate(batch.records):
            out.ids.append(record.id)
            label_of.append(label_index.setdefault(record.source, len(label_index)))
            lines.append(NO_LINE if record.line is None else record.line)
            out.encodings[record.meta.get("encoding", "utf-8")] += 1
            out.dates.append(record.meta.get(date_field))
            if sizes[k] == 0:  # kept: a document with no shingles is a copy of nothing
                out.empty.append(int(local[k]))
        if batch_done is not None:
            batch_done(len(batch.records))
    out.labels = list(label_index)
    out.label_of = np.asarray(label_of, dtype=np.int32)
    out.lines = np.asarray(lines, dtype=np.int64)
    out.set_sizes = np.concatenate(set_sizes) if set_sizes else np.zeros(0, dtype=np.int64)
    values = np.concatenate(set_parts) if set_parts else np.zeros(0, dtype=np.uint32)
    spill = getattr(engine, "spill_dir", None)
    if spill is not None:
        path = os.path.join(spill, f"sets-{chunk.number:06d}.npy")
        np.save(path, values)
        out.set_file = path
    else:
        out.set_values = values
    out.removed_share = np.concatenate(removed) if removed else np.zeros(0)
    out.kept_share = np.concatenate(kept) if kept else np.zeros(0)
    out.text_length = np.asarray(lengths, dtype=np.int64)
    return out


def char_counts(buf: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Characters (code points) of each document of an encoded batch."""
    starts = (buf & 0xC0) != 0x80
    cumulative = np.concatenate([[0], np.cumsum(starts, dtype=np.int64)])
    return cumulative[offsets[1:]] - cumulative[offsets[:-1]]


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


def load_chunk(engine: Engine, corpus: Corpus, chunk: Chunk, wanted: set[Location]) -> LoadedChunk:
    """Read the wanted documents of a chunk again, normalised and shingled."""
    records = [item for item in corpus.read(chunk, wanted) if isinstance(item, Record)]
    records = [
        Record(r.id, r.text, r.source, r.line, r.meta, None) for r in records
    ]  # the raw record is not needed any more
    normalised, removed = engine.chain.measuring([r.text for r in records])
    parts = []
    step = engine.config.batch_size
    for s in range(0, len(normalised), step):
        hashes, offsets = engine.unit.hash_batch(normalised[s : s + step], engine.config.ngram)
        parts.append(ShingleSets.from_hashes(hashes, offsets))
    return LoadedChunk(
        [(r.source, r.line) for r in records],
        records,
        normalised,
        ShingleSets.concat(parts),
        removed,
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
