"""What the index computes for incoming documents: :meth:`dedupe.Engine.prepare`, lean.

``Engine.prepare`` goes through the corpus and executor machinery and normalises every text
twice (5 ms for one document); a query must take a few. This computes the same values with the
same engine components (its chain, shingle unit, MinHasher and anchor rules) in one pass:
``tests/test_index.py`` checks it equals ``Engine.prepare`` on real documents.
"""

from __future__ import annotations

import numpy as np

from dedupe.candidates.anchors import select_anchors, split
from dedupe.candidates.lsh import band_keys
from dedupe.documents import Record
from dedupe.engine import Engine
from dedupe.shingle import ShingleSets
from dedupe.store import Prepared


def prepare(engine: Engine, records: list[Record]) -> tuple[Prepared, np.ndarray]:
    """The prepared documents that have shingles, and the positions (in ``records``) of
    those that are empty after normalisation (a run skips those too)."""
    cfg = engine.config
    texts = [r.text for r in records]
    normalised, removed = engine.chain.measuring(texts)
    hashes, offsets = engine.unit.hash_batch(normalised, cfg.ngram)
    sizes = np.diff(offsets)
    keep = np.flatnonzero(sizes > 0)
    empty = np.flatnonzero(sizes == 0)
    if len(empty):
        records = [records[k] for k in keep.tolist()]
        texts = [texts[k] for k in keep.tolist()]
        normalised = [normalised[k] for k in keep.tolist()]
        removed = removed[keep]
        hashes = np.concatenate(
            [hashes[offsets[k] : offsets[k + 1]] for k in keep.tolist()] or [hashes[:0]]
        )
        offsets = np.concatenate([[0], np.cumsum(sizes[keep])]).astype(np.int64)
    n = len(records)
    signatures = engine.hasher(hashes, offsets) if n else np.zeros((0, cfg.num_perm), np.uint32)
    if engine.anchors is not None and n:
        values, docs = split(select_anchors(hashes, offsets, np.arange(n), engine.anchors))
    else:
        values, docs = np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.int64)
    prepared = Prepared(
        ids=[r.id for r in records],
        texts=texts,
        normalised=normalised,
        meta=[dict(r.meta) for r in records],
        signatures=signatures,
        band_keys=band_keys(signatures, engine.banding),
        anchor_values=values,
        anchor_docs=docs,
        sets=ShingleSets.from_hashes(hashes, offsets),
        removed_share=removed,
    )
    return prepared, empty


def take(prepared: Prepared, rows: np.ndarray) -> Prepared:
    """Some rows of a prepared set, renumbered 0..k-1 in the given order."""
    rows = np.asarray(rows, dtype=np.int64)
    new_of = np.full(len(prepared), -1, dtype=np.int64)
    new_of[rows] = np.arange(len(rows))
    keep = new_of[prepared.anchor_docs] >= 0
    order = np.argsort(new_of[prepared.anchor_docs[keep]], kind="stable")
    return Prepared(
        ids=[prepared.ids[r] for r in rows.tolist()],
        texts=[prepared.texts[r] for r in rows.tolist()],
        normalised=[prepared.normalised[r] for r in rows.tolist()],
        meta=[prepared.meta[r] for r in rows.tolist()],
        signatures=prepared.signatures[rows],
        band_keys=prepared.band_keys[rows],
        anchor_values=prepared.anchor_values[keep][order],
        anchor_docs=new_of[prepared.anchor_docs[keep]][order],
        sets=prepared.sets.take(rows),
        removed_share=prepared.removed_share[rows],
    )
