"""The local executor: the steps of a run in this process, pass 1 spread over forked processes
and the second read over threads when the input is big (:mod:`dedupe.executors.pool`).

Grouping is a sort here (the Dask executor shuffles instead): pass 1 over the chunks in chunk
order (:mod:`dedupe.executors.pool`), merged (:func:`~dedupe.pipeline.signed.merge_signed`),
candidates from sorted band keys and anchors, the candidate documents' store
(:func:`~dedupe.pipeline.pass2.candidate_store`), verification, clustering, then the writers.
For big inputs written to a folder, pass-1 shingle sets are spilled to disk and each chunk's
pass-1 output is checkpointed, so an interrupted run resumes (``resume``) where it stopped.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from dedupe import heap, kernels
from dedupe.checkpoint import Checkpoint, checkpoint_for
from dedupe.config import Config
from dedupe.corpus import Chunk, Corpus
from dedupe.documents import BadRecord, Record
from dedupe.executors import forked
from dedupe.executors.pool import Pool, cores_for
from dedupe.learn import learn_plan
from dedupe.outdir import guarded
from dedupe.parts import kept_result
from dedupe.pipeline import steps
from dedupe.pipeline.inputs import decided_format, open_files, output_names
from dedupe.pipeline.pass1 import SignedChunk, warm
from dedupe.pipeline.pass2 import candidate_store
from dedupe.pipeline.report import BadRecords, run_counts, run_info
from dedupe.pipeline.signed import Signed, merge_signed
from dedupe.plan import RunPlan
from dedupe.progress import Progress
from dedupe.result import RunResult
from dedupe.score import PairContext
from dedupe.write import write_outputs

#: Where pass-1 checkpoints live, inside the output directory.
CHECKPOINT_DIR = ".dedupe-checkpoint"
BadRecordHandler = Callable[[BadRecord], None]
#: A step run after clustering, before writing, on what pass 1 kept (``dedupe run --index``).
Extension = Callable[[RunPlan, Signed, Pool, RunResult], None]


def run_files(
    plan: RunPlan,
    inputs: Sequence[str | os.PathLike[str]],
    output_dir: str | os.PathLike[str] | None,
    *,
    on_bad: BadRecordHandler | None = None,
    progress: Progress | None = None,
    stdin: Any = None,
    resume: bool = False,
    extend: Extension | None = None,
) -> RunResult:
    """Deduplicate files, folders and ``-`` into ``output_dir`` (when given)."""
    # Collisions refused, folder locked and swept, SIGTERM unwinding: before any work.
    with guarded(inputs, output_dir, output_names(plan)), heap.fewer_collections():
        corpus = open_files(plan, inputs, stdin=stdin, output_dir=output_dir)
        try:
            return run_corpus(
                plan,
                corpus,
                output_dir,
                on_bad=on_bad,
                progress=progress,
                resume=resume,
                extend=extend,
            )
        finally:
            corpus.close()


def run_corpus(
    plan: RunPlan,
    corpus: Corpus,
    output_dir: str | os.PathLike[str] | None = None,
    *,
    on_bad: BadRecordHandler | None = None,
    progress: Progress | None = None,
    resume: bool = False,
    extend: Extension | None = None,
) -> RunResult:
    """The whole run over a corpus; ``result.plan`` is the plan fitted to it. With ``resume``,
    chunks checkpointed by an interrupted run with the same settings and input are not read
    again; ``extend`` is a step run on the result before it is written."""
    size = sum(c.size for c in corpus.chunks(chunk_bytes(plan.config)))
    with (
        kernels.for_input(size if corpus.discovery is not None else kernels.SMALL_INPUT_BYTES),
        heap.fewer_collections(),
    ):
        return _run_corpus(plan, corpus, output_dir, on_bad, progress, resume, extend)


def _warming(plan: RunPlan) -> threading.Thread | None:
    """Pass 1's compiled kernels loaded on a thread while learning reads its sample (numba's
    loading of cached code runs in LLVM, without the GIL, 0.3-0.4 s of a run's start), when
    the run uses them; None otherwise."""
    if kernels.active() != "compiled" or not plan.base_chain.needs_learning:
        return None

    def load() -> None:
        try:
            warm(plan)
        except Exception:  # (the kernels then load where first called, as before)
            return

    thread = threading.Thread(target=load, name="dedupe-warm", daemon=True)
    thread.start()
    return thread


def _run_corpus(
    plan: RunPlan,
    corpus: Corpus,
    output_dir: str | os.PathLike[str] | None,
    on_bad: BadRecordHandler | None,
    progress: Progress | None,
    resume: bool,
    extend: Extension | None,
) -> RunResult:
    progress = progress or Progress(enabled=False)
    plan = decided_format(plan, corpus)
    timings: dict[str, float] = {}
    bad = BadRecords(on_bad)
    started = time.perf_counter()
    for record in corpus.discovery.bad if corpus.discovery is not None else []:
        bad(record)
    t0 = time.perf_counter()
    warming = _warming(plan)
    try:
        plan = learn_plan(plan, corpus, progress)
    finally:
        if warming is not None:
            warming.join()  # (before any fork: no thread then)
    timings["learn"] = time.perf_counter() - t0
    chunks = corpus.chunks(chunk_bytes(plan.config))
    workers = workers_for(plan.config, chunks)
    checkpoint = _checkpoint(plan, output_dir, chunks, resume)
    spill_dir, spill_temp = _spill_dir(plan.config, output_dir, chunks, checkpoint)
    pool = Pool(
        plan,
        corpus,
        workers,
        spill_dir=spill_dir,
        keep_signatures=plan.needs_signatures,
        batch_done=progress.tick,
    )
    try:
        with pool:
            t0 = time.perf_counter()
            progress.stage("reading and signing", sum(c.size for c in chunks), "bytes")
            results = _signed(pool, chunks, checkpoint)
            first = merge_signed(plan, chunks, results, bad, progress)
            timings["read+signatures"] = time.perf_counter() - t0
            result = after_pass1(
                plan, corpus, first, pool, bad, progress, timings, keep_workers=extend is not None
            )
            if extend is not None:
                extend(plan, first, pool, result)
    finally:
        if spill_temp is not None:
            shutil.rmtree(spill_temp, ignore_errors=True)
    if output_dir is not None:
        t0 = time.perf_counter()
        progress.stage("writing")
        write_outputs(
            plan.writers, result, Path(output_dir), fsync=plan.config.fsync, started=started
        )
        timings["write"] = time.perf_counter() - t0
        if checkpoint is not None:
            checkpoint.remove()
    timings["total"] = time.perf_counter() - started
    progress.done()
    return result


def after_pass1(
    plan: RunPlan,
    corpus: Corpus,
    first: Signed,
    pool: Pool,
    bad: BadRecords,
    progress: Progress,
    timings: dict[str, float],
    *,
    keep_workers: bool = False,
) -> RunResult:
    """Candidates, the candidate documents' store, verification and clusters of a run whose
    pass 1 is merged in ``first``. The pool's threads end once the store is read
    (verification and clustering run here) and the band keys and anchors are dropped once
    candidates are found, unless ``keep_workers`` (a later step reads)."""
    t0 = time.perf_counter()
    progress.stage("finding candidates")
    pairs, lsh = steps.find_candidates(plan, first)
    if not keep_workers:  # a later step (``run --index``'s join) reads keys and anchors
        first.drop_candidate_inputs()
    timings["lsh"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    progress.stage("reading candidates again")
    docs = np.unique(pairs) if len(pairs) else np.zeros(0, dtype=np.int64)
    store = candidate_store(plan, first, docs, pool.texts if plan.needs_text else None)
    if not keep_workers:
        pool.stop()
    timings["read candidates"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    progress.stage(f"verifying {len(pairs):,} candidate pairs")
    ctx = PairContext(store, first.signatures, **plan.scorer_options)
    scoring = cores_for(plan.config)
    if scoring > 1 and forked.available():
        ctx.split_scoring = forked.ForkedScoring(scoring)
    scores, accepted = steps.verify(plan, pairs, ctx)
    timings["score+decide"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    progress.stage("clustering")
    made = steps.cluster(plan, first.ids, pairs, scores, accepted, ctx)
    timings["cluster+represent"] = time.perf_counter() - t0
    n = len(first.ids)
    in_clusters = int(sum(len(c.members) for c in made.clusters))
    counts = run_counts(
        n_docs=n,
        bad=bad,
        empty=len(first.empty),
        candidates=made.candidates,
        verified=made.verified,
        lsh=int(lsh),
        candidate_docs=len(docs),
        accepted=int(made.accepted.sum()),
        clusters=len(made.clusters),
        in_clusters=in_clusters,
        kept=int(n - made.dropped.sum()),
        encodings=first.encodings,
        renamed=first.renamed,
        chunks=len(first.chunks),
        workers=pool.workers,
        discovery=corpus.discovery,
    )
    dropped = made.dropped
    return RunResult(
        config=plan.config,
        n_docs=n,
        clusters=made.clusters,
        pairs=made.pairs,
        pair_scores=made.scores,
        accepted=made.accepted,
        via_representative=np.arange(len(made.pairs)) >= made.candidates,
        pair_overlap=made.overlap,
        ids=first.ids,
        dropped=dropped,
        bad_records=bad.kept,
        counts=counts,
        timings=timings,
        info=run_info(plan, corpus.description),
        kept_lines=lambda: _kept(corpus, first, dropped, raw=True),
        kept_record_reader=lambda: _kept(corpus, first, dropped, raw=False),
        kept_block_reader=lambda: _kept_blocks(corpus, first, dropped),
        kept_part_reader=lambda: (
            kept_result(plan.config, corpus, chunk, keep)
            for chunk, keep in first.kept_by_chunk(dropped)
        ),
        plan=plan,
    )


def chunk_bytes(config: Config) -> int:
    """The size pass 1 cuts the input into (``chunk_mb``)."""
    return int(config.chunk_mb * 1024 * 1024)


def workers_for(config: Config, chunks: list[Chunk]) -> int:
    """Workers for these chunks: ``workers`` (0: all cores), but one for a small input,
    where handing chunks to threads would cost more than it saves."""
    wanted = cores_for(config)
    size = sum(c.size for c in chunks)
    if len(chunks) < 2 or size < config.parallel_min_mb * 1024 * 1024:
        return 1
    return max(1, min(wanted, len(chunks)))


def _spill_dir(
    config: Config, output_dir: Any, chunks: list[Chunk], checkpoint: Checkpoint | None
) -> tuple[str | None, str | None]:
    """Where pass 1 writes shingle sets: the checkpoint (kept for --resume), a temporary
    directory for a big input (removed after the run), or nowhere (kept in memory)."""
    if checkpoint is not None:
        return str(checkpoint.directory), None
    size = sum(c.size for c in chunks)
    if size < config.parallel_min_mb * 1024 * 1024:
        return None, None
    base = str(output_dir) if output_dir is not None else None
    temp = tempfile.mkdtemp(prefix=".dedupe-sets-", dir=base)
    return temp, temp


def _checkpoint(
    plan: RunPlan, output_dir: str | os.PathLike[str] | None, chunks: list[Chunk], resume: bool
) -> Checkpoint | None:
    """Checkpointing of pass 1 for big inputs written to an output directory."""
    if output_dir is None:
        return None
    size = sum(c.size for c in chunks)
    if not resume and size < plan.config.parallel_min_mb * 1024 * 1024:
        return None
    return checkpoint_for(plan, Path(output_dir) / CHECKPOINT_DIR, chunks, resume)


def _signed(
    pool: Pool, chunks: list[Chunk], checkpoint: Checkpoint | None
) -> Iterator[SignedChunk]:
    """Pass-1 output of every chunk in order: from the checkpoint where saved, else computed
    (and saved)."""
    if checkpoint is None:
        yield from pool.sign(chunks)
        return
    saved = {c.number for c in chunks if checkpoint.has(c.number)}
    computed = pool.sign([c for c in chunks if c.number not in saved])
    for chunk in chunks:
        result = checkpoint.load(chunk.number) if chunk.number in saved else None
        if result is None:  # not saved, or a shard that cannot be trusted (computed here)
            result = next(computed) if chunk.number not in saved else pool.sign_here(chunk)
            checkpoint.save(result)
        yield result


def _kept(corpus: Corpus, first: Signed, dropped: np.ndarray, raw: bool) -> Iterator[Any]:
    """The kept documents chunk by chunk, in input order: as JSON lines (``raw``, copied
    without parsing for JSON Lines input) or as records."""
    for chunk, keep in first.kept_by_chunk(dropped):
        if raw:
            yield from corpus.kept_lines(chunk, keep)
        else:
            yield from (r for r in corpus.read(chunk, keep) if isinstance(r, Record))


def _kept_blocks(corpus: Corpus, first: Signed, dropped: np.ndarray) -> Iterator[bytes]:
    """The kept JSON lines chunk by chunk, in input order, as UTF-8 blocks."""
    for chunk, keep in first.kept_by_chunk(dropped):
        yield from corpus.kept_blocks(chunk, keep)
