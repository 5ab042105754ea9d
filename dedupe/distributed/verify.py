"""Verification of candidate pairs on the workers: the verification step, with the plan's scorers.

A partition of pairs arrives joined with both documents' data (texts, exact shingle sets,
signatures). Its documents are numbered 0..k-1 in the order of their run numbers and put in a
:class:`~dedupe.store.DocStore`, so scorers and representative policies see a
:class:`~dedupe.score.PairContext` like the local engine's, only smaller: the same numbers in
the same order, the same shingle sets, hence the same scores.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dedupe.distributed.chunks import DocData
from dedupe.distributed.frames import KEY, empty_like, scored
from dedupe.distributed.spec import PlanSpec, worker_plan
from dedupe.overlap import SHARED, SIZE_A, SIZE_B, accepted_overlap
from dedupe.pipeline import steps
from dedupe.plan import RunPlan
from dedupe.score import PairContext
from dedupe.shingle import ShingleSets
from dedupe.store import DocStore


def local_context(plan: RunPlan, docs: np.ndarray, data: list[DocData]) -> PairContext:
    """A scoring context over ``data`` (documents ``docs``, sorted): row k is document k."""
    k = len(data)
    sizes = np.array([len(d.shingles) for d in data], dtype=np.int64)
    offsets = np.zeros(k + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    values = (
        np.concatenate([d.shingles for d in data]) if k else np.zeros(0, dtype=np.uint32)
    ).astype(np.uint32)
    texts = [d.text for d in data if d.text is not None]
    normalised = [d.normalised for d in data if d.normalised is not None]
    with_texts = len(texts) == len(normalised) == k
    with_pass1 = all(d.kept is not None and d.length is not None for d in data)
    store = DocStore.of_rows(
        [d.id for d in data],
        ShingleSets(values, offsets),
        meta=[d.meta for d in data],
        sources=[d.source for d in data],
        removed_share=np.array([d.removed for d in data], dtype=np.float64),
        kept_share=np.array([d.kept for d in data], np.float64) if with_pass1 and k else None,
        text_length=np.array([d.length for d in data], np.int64) if with_pass1 and k else None,
        declared=np.array([d.declared for d in data], dtype=np.float64),
        texts=texts if with_texts else None,
        normalised=normalised if with_texts else None,
    )
    store.normalise = plan.chain  # what scorers that read texts see (dedupe.figures)
    present = [d.signature for d in data if d.signature is not None]
    signatures = np.stack(present) if k and len(present) == k else None
    return PairContext(store, signatures, **plan.scorer_options)


def documents_of(
    a: np.ndarray, da: list[DocData], b: np.ndarray, db: list[DocData]
) -> tuple[np.ndarray, list[DocData], np.ndarray]:
    """The distinct documents of pairs (a, b) in run order, their data, and the pairs in local
    numbers."""
    docs, first = np.unique(np.concatenate([a, b]), return_index=True)
    both = [*da, *db]
    data = [both[int(i)] for i in first]
    local = np.stack([np.searchsorted(docs, a), np.searchsorted(docs, b)], axis=1)
    return docs, data, local.astype(np.int64)


def score_partition(part: pd.DataFrame, spec: PlanSpec) -> pd.DataFrame:
    """Every scorer's score (NaN where an earlier scorer already decided, as
    :func:`dedupe.decide.score_and_decide` leaves it) and the decision for a partition of
    (a, b, da, db) rows."""
    plan, _ = worker_plan(spec)
    meta = scored(len(plan.scorers))
    if part.empty:
        return empty_like(meta)
    a = part["a"].to_numpy(dtype=np.int64)
    b = part["b"].to_numpy(dtype=np.int64)
    da, db = list(part["da"]), list(part["db"])
    docs, data, local = documents_of(a, da, b, db)
    ctx = local_context(plan, docs, data)
    scorers = [s for s, _ in plan.scorers]
    scores, accepted = steps.verify(plan, local, ctx)
    ids_a = [d.id for d in da]
    ids_b = [d.id for d in db]
    overlap = accepted_overlap(ctx, local, accepted)
    return scored_frame(a, b, ids_a, ids_b, [scores[s.name] for s in scorers], accepted, overlap)


def scored_frame(
    a: np.ndarray,
    b: np.ndarray,
    ids_a: list[str],
    ids_b: list[str],
    scores: list[np.ndarray],
    accepted: np.ndarray,
    overlap: np.ndarray,
    via: bool = False,
) -> pd.DataFrame:
    """Verified pairs as the rows of :func:`dedupe.distributed.frames.scored` (ids sorted,
    one score column per scorer, the decision, the sort key of ``pairs.jsonl`` and the
    overlap, ``(m, 3)`` as :func:`dedupe.overlap.pair_overlap` gives it for (a, b), turned
    to the sorted ids)."""
    lo = [min(x, y) for x, y in zip(ids_a, ids_b, strict=True)]
    hi = [max(x, y) for x, y in zip(ids_a, ids_b, strict=True)]
    swapped = np.array([x > y for x, y in zip(ids_a, ids_b, strict=True)], dtype=bool)
    overlap = np.asarray(overlap, dtype=np.int64).reshape(-1, 3)
    out: dict[str, object] = {
        "a": np.asarray(a, dtype=np.int64),
        "b": np.asarray(b, dtype=np.int64),
        "id_a": pd.Series(lo, dtype=object),
        "id_b": pd.Series(hi, dtype=object),
    }
    for k, values in enumerate(scores):
        out[f"s{k}"] = np.asarray(values, dtype=np.float64)
    out["accepted"] = np.asarray(accepted, dtype=bool)
    out["via"] = np.full(len(lo), via, dtype=bool)
    out["key"] = pd.Series([f"{x}\x00{y}" for x, y in zip(lo, hi, strict=True)], dtype=KEY)
    out["shared"] = overlap[:, SHARED]
    out["size_a"] = np.where(swapped, overlap[:, SIZE_B], overlap[:, SIZE_A])
    out["size_b"] = np.where(swapped, overlap[:, SIZE_A], overlap[:, SIZE_B])
    return pd.DataFrame(out)[list(scored(len(scores)).columns)]
