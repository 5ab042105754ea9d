"""Conversions between what the engine computes for a batch (:class:`dedupe.store.Prepared`)
and what a backend stores (:class:`StoredDoc` rows and their :class:`Postings`)."""

from __future__ import annotations

import numpy as np

from dedupe.candidates.lsh import Banding, band_keys
from dedupe.engine import Engine
from dedupe.index.base import Postings, StorageError, StoredDoc
from dedupe.shingle import ShingleSets
from dedupe.store import Prepared


def stored_rows(
    batch: Prepared,
    rows: np.ndarray,
    numbers: np.ndarray,
    dates: list[float | None],
    clock: float,
    keep_text: bool,
) -> tuple[list[StoredDoc], Postings]:
    """Rows ``rows`` of a batch as documents numbered ``numbers``, with their postings.
    A document without a date is dated ``clock`` (when it was added)."""
    doc_of = np.full(len(batch), -1, dtype=np.int64)
    doc_of[rows] = numbers
    order = np.lexsort((batch.anchor_values, batch.anchor_docs))
    sorted_values = batch.anchor_values[order]
    bounds = np.searchsorted(batch.anchor_docs[order], np.arange(len(batch) + 1))
    docs = []
    for row, number in zip(rows.tolist(), numbers.tolist(), strict=True):
        date = dates[row]
        docs.append(
            StoredDoc(
                doc=number,
                id=batch.ids[row],
                date=clock if date is None else date,
                added=clock,
                text_length=len(batch.texts[row]),
                normalised_length=len(batch.normalised[row]),
                removed_share=float(batch.removed_share[row]),
                signature=batch.signatures[row],
                shingles=batch.sets.get(row),
                anchors=sorted_values[bounds[row] : bounds[row + 1]],
                meta=batch.meta[row],
                text=batch.texts[row] if keep_text else None,
            )
        )
    bands = batch.band_keys[rows]
    anchor_rows = np.isin(batch.anchor_docs, rows)
    anchor_docs = batch.anchor_docs[anchor_rows]
    sizes = np.bincount(batch.anchor_docs, minlength=len(batch))
    postings = Postings(
        band_keys=bands.ravel(),
        band_docs=np.repeat(numbers, bands.shape[1]),
        anchor_values=batch.anchor_values[anchor_rows],
        anchor_docs=doc_of[anchor_docs],
        anchor_sizes=sizes[anchor_docs],
    )
    return docs, postings


def checked_signatures(docs: list[StoredDoc], num_perm: int) -> np.ndarray:
    """The stored documents' signatures as one array; one of another length than the index's
    ``num_perm`` is a damaged index (:class:`StorageError`)."""
    for d in docs:
        if d.signature.shape != (num_perm,):
            raise StorageError(
                f"indexed document {d.doc} is damaged: its signature has {d.signature.size} "
                f"values, not {num_perm}"
            )
    if not docs:
        return np.zeros((0, num_perm), dtype=np.uint32)
    return np.stack([d.signature for d in docs])


def postings_of(docs: list[StoredDoc], banding: Banding, num_perm: int) -> Postings:
    """The postings stored documents put in the index (band keys from their signatures)."""
    numbers = np.array([d.doc for d in docs], dtype=np.int64)
    keys = band_keys(checked_signatures(docs, num_perm), banding)
    sizes = np.array([len(d.anchors) for d in docs], dtype=np.int64)
    values = [d.anchors for d in docs if len(d.anchors)]
    return Postings(
        band_keys=keys.ravel(),
        band_docs=np.repeat(numbers, keys.shape[1]),
        anchor_values=np.concatenate(values).astype(np.uint32)
        if values
        else np.zeros(0, dtype=np.uint32),
        anchor_docs=np.repeat(numbers, sizes),
        anchor_sizes=np.repeat(sizes, sizes),
    )


def as_prepared(docs: list[StoredDoc], engine: Engine, keep_text: bool) -> Prepared:
    """Indexed documents as the engine's scorers and policies see them. Without kept texts,
    a text is blanks of its stored length: what the built-in scorers and policies read."""
    texts = [d.text if d.text is not None else " " * d.text_length for d in docs]
    normalised = engine.chain(texts) if keep_text else [" " * d.normalised_length for d in docs]
    signatures = checked_signatures(docs, engine.config.num_perm)
    sizes = np.array([len(d.shingles) for d in docs], dtype=np.int64)
    offsets = np.zeros(len(docs) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    values = np.concatenate([d.shingles for d in docs]) if docs else np.zeros(0, np.uint32)
    return Prepared(
        ids=[d.id for d in docs],
        texts=texts,
        normalised=normalised,
        meta=[d.meta for d in docs],
        signatures=signatures,
        band_keys=band_keys(signatures, engine.banding),
        anchor_values=np.zeros(0, dtype=np.uint32),
        anchor_docs=np.zeros(0, dtype=np.int64),
        sets=ShingleSets(values.astype(np.uint32), offsets),
        removed_share=np.array([d.removed_share for d in docs], dtype=np.float64),
    )
