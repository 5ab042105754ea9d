"""The two passes over the input, as functions of one chunk (so any process can run them).

Pass 1 (``sign_chunk``) reads a chunk and keeps, per document, only what later stages need
from everyone: id, location, MinHash signature and containment anchors. Pass 2
(``load_chunk``) reads a chunk again for just the documents of candidate pairs and keeps their
texts and exact shingle sets for verification.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from dedupe.anchors import select_anchors, split
from dedupe.corpus import Chunk, Corpus, Location
from dedupe.documents import BadRecord, Record
from dedupe.read import batches
from dedupe.shingle import ShingleSets, hash_normalised

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
    anchor_codes: list[np.ndarray] = field(default_factory=list)
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
    """Normalise, shingle, sign and sample anchors for every document of a chunk."""
    cfg = engine.config
    out = SignedChunk(chunk.number)
    label_index: dict[str, int] = {}
    label_of: list[int] = []
    lines: list[int] = []
    for batch in batches(corpus.read(chunk), cfg.batch_size, out.bad.append):
        local = np.arange(len(out.ids), len(out.ids) + len(batch), dtype=np.int64)
        hashes, offsets = hash_normalised(engine.unit, engine.chain, batch.texts, cfg.ngram)
        out.signatures.append(engine.hasher(hashes, offsets))
        if engine.anchors is not None:
            out.anchor_codes.append(select_anchors(hashes, offsets, local, engine.anchors))
        sizes = np.diff(offsets)
        for k, record in enumerate(batch.records):
            out.ids.append(record.id)
            label_of.append(label_index.setdefault(record.source, len(label_index)))
            lines.append(NO_LINE if record.line is None else record.line)
            out.encodings[record.meta.get("encoding", "utf-8")] += 1
            if sizes[k] == 0:
                out.empty.append(int(local[k]))
                out.bad.append(BadRecord(record.source, record.line, "empty after normalisation"))
    out.labels = list(label_index)
    out.label_of = np.asarray(label_of, dtype=np.int32)
    out.lines = np.asarray(lines, dtype=np.int64)
    return out


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
