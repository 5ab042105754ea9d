"""The steps on documents held in memory, for the Python API and the index: what a run
computes for them (:func:`prepare`), the context scorers see (:func:`pair_context`), every
scorer's verdict on chosen pairs (:func:`score_prepared`)."""

from __future__ import annotations

import numpy as np

from dedupe.candidates.anchors import split
from dedupe.candidates.lsh import band_keys
from dedupe.decide import accept
from dedupe.pipeline.inputs import Documents, open_documents
from dedupe.pipeline.pass1 import sign_chunk
from dedupe.pipeline.pass2 import candidate_store, read_texts
from dedupe.pipeline.signed import Signed, merge_signed
from dedupe.plan import RunPlan
from dedupe.progress import Progress
from dedupe.score import PairContext, score_pairs
from dedupe.shingle import hash_normalised
from dedupe.store import DocStore, Prepared


def signatures_of(plan: RunPlan, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Normalise, shingle and sign a batch: (signatures, number of shingles per text)."""
    hashes, offsets = hash_normalised(plan.unit, plan.chain, texts, plan.config.ngram)
    return plan.hasher(hashes, offsets), np.diff(offsets)


def in_memory(plan: RunPlan, documents: Documents) -> tuple[Signed, DocStore]:
    """Pass 1 and a full store (texts included) over in-memory documents."""
    corpus = open_documents(plan, documents)
    chunks = corpus.chunks(int(plan.config.chunk_mb * 1024 * 1024))
    signed = (sign_chunk(plan, corpus, chunk) for chunk in chunks)
    first = merge_signed(plan, chunks, signed, lambda bad: None, Progress(enabled=False))

    def read(jobs: list) -> list:
        return [read_texts(corpus, chunk, wanted) for chunk, wanted in jobs]

    store = candidate_store(plan, first, np.arange(len(first.ids), dtype=np.int64), read)
    return first, store


def pair_context(plan: RunPlan, documents: Documents) -> PairContext:
    """A scoring context over in-memory documents, numbered 0, 1... in order (every one
    loaded): what scorers and representative policies see during a run."""
    first, store = in_memory(plan, documents)
    return PairContext(store, first.signatures, **plan.scorer_options)


def prepare(plan: RunPlan, documents: Documents) -> Prepared:
    """Everything a run computes for documents, in memory, for incremental use (an index):
    signatures, band keys, anchors, exact shingle sets, chrome share. Uses the chain as it is
    (normalisers that learn from a corpus stay as they are)."""
    first, store = in_memory(plan, documents)
    texts = list(store.texts or [])
    values, docs = split(first.anchor_codes)
    return Prepared(
        ids=list(store.ids),
        texts=list(texts),
        normalised=plan.chain(texts) if texts else [],
        meta=list(store.meta),
        signatures=first.signatures,
        band_keys=band_keys(first.signatures, plan.banding),
        anchor_values=values,
        anchor_docs=docs,
        sets=store.sets,
        removed_share=store.removed_share,
    )


def score_prepared(
    plan: RunPlan, a: Prepared, b: Prepared, pairs: np.ndarray
) -> dict[str, np.ndarray]:
    """Every scorer's scores for pairs (row of ``a``, row of ``b``), and ``accepted``: each
    pair is scored by every scorer (an index reports them all)."""
    both = Prepared.concat([a, b])
    shifted = np.stack([pairs[:, 0], pairs[:, 1] + len(a.ids)], axis=1)
    store = both.store()
    store.normalise = plan.chain
    ctx = PairContext(store, both.signatures, **plan.scorer_options)
    scores = score_pairs(shifted, [s for s, _ in plan.scorers], ctx)
    scores["accepted"] = accept(
        scores,
        [(s.name, t) for s, t in plan.scorers],
        plan.config.decide,
        [s.name for s, _ in plan.scorers if s.vetoes],
    ).astype(np.float64)
    return scores
