"""The engine: wires the stages into a run and is the Python API.

read -> normalise -> shingle -> signature -> LSH candidates -> score -> decide -> cluster ->
representative -> write. The first pass (over chunks, in worker processes when the input is
big) keeps only ids, locations, signatures and anchors; the documents of candidate pairs are
then read again to verify them, so memory grows with the number of documents, not with their
total size. Results are merged in chunk order: the output does not depend on ``--workers``.
"""

from __future__ import annotations

import os
import platform
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import xxhash

from dedupe import __version__, kernels
from dedupe.anchors import PARTITIONS, AnchorSettings, anchor_pairs, partition, split
from dedupe.atomic import OutputSet, check_writable
from dedupe.checkpoint import Checkpoint, checkpoint_for
from dedupe.cluster import Adjacency, Verify, components
from dedupe.config import Config, ScorerSpec
from dedupe.corpus import Chunk, Corpus, FileCorpus, Location, MemoryCorpus, records_from
from dedupe.decide import Verifier, accept, cannot_links, score_and_decide
from dedupe.documents import BadRecord, Record
from dedupe.errors import ConfigError, InputError, OutputError
from dedupe.figures.roles import label_corrections
from dedupe.learn import learn_chain
from dedupe.lsh import Banding, band_keys, candidate_pairs, unique_pairs
from dedupe.normalise import Chain
from dedupe.passes import NO_LINE, SignedChunk, copy_sets, sign_chunk
from dedupe.plugins import DedupePluginManager, get_plugin_manager
from dedupe.progress import Progress
from dedupe.read import ReadOptions, discover
from dedupe.registry import Registry
from dedupe.represent import clusters as represent_clusters
from dedupe.result import Cluster, RunResult
from dedupe.score import PairContext, Scorer, score_pairs
from dedupe.shingle import ShingleSets, hash_normalised
from dedupe.signature import MinHasher
from dedupe.store import DocStore, Prepared
from dedupe.window import WINDOW_THRESHOLD, window_scorer
from dedupe.workers import Executor, available_cores

BadRecordHandler = Callable[[BadRecord], None]
#: Where pass-1 checkpoints live, inside the output directory.
CHECKPOINT_DIR = ".dedupe-checkpoint"
MAX_KEPT_BAD_RECORDS = 10_000


@dataclass
class Signed:
    """Pass-1 output of the whole corpus, merged in chunk order (documents numbered 0..n-1)."""

    chunks: list[Chunk]
    bases: np.ndarray
    ids: list[str]
    labels: list[str]
    label_of: np.ndarray
    lines: np.ndarray
    signatures: np.ndarray
    band_keys: np.ndarray
    anchor_parts: list[list[np.ndarray]]
    empty: np.ndarray
    encodings: Counter[str]
    set_sizes: np.ndarray
    set_sources: list[np.ndarray | str]
    removed_share: np.ndarray
    kept_share: np.ndarray
    text_length: np.ndarray
    dates: list[object]
    renamed: int = 0

    @property
    def anchor_codes(self) -> np.ndarray:
        """All packed anchors (see :mod:`dedupe.anchors`), value range after value range."""
        pieces = [p for parts in self.anchor_parts for p in parts]
        return np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.uint64)

    def location(self, doc: int) -> Location:
        line = int(self.lines[doc])
        return (self.labels[int(self.label_of[doc])], None if line == NO_LINE else line)

    def chunk_of(self, docs: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.bases, docs, side="right") - 1


class Engine:
    """A configured dedup engine.

    >>> engine = Engine(threshold=0.5, scorers=["containment=0.8"])   # doctest: +SKIP
    >>> result = engine.run(["corpus.jsonl"], output_dir="out")       # doctest: +SKIP
    >>> result.clusters[0].representative                              # doctest: +SKIP
    """

    def __init__(
        self,
        config: Config | None = None,
        *,
        plugin_manager: DedupePluginManager | None = None,
        load_plugins: bool = True,
        **settings: Any,
    ) -> None:
        if config is None:
            config = make_config(**settings)
        elif settings:
            config = config.with_changes(**_coerce(settings))
        self.config = config
        self.pm = plugin_manager or get_plugin_manager(load_entrypoints=load_plugins)
        self.registry = Registry(self.pm)
        self._resolve()

    # -- set-up ---------------------------------------------------------------------------------
    def _resolve(self) -> None:
        """Look up every named component now, so a bad name fails before any work."""
        cfg, reg = self.config, self.registry
        self.readers = {name: reg.get("reader", name) for name in reg.names("reader")}
        if cfg.format is not None:
            reg.get("reader", cfg.format)
        self.base_chain = Chain([reg.get("normaliser", name) for name in cfg.normalise])
        self.chain = self.base_chain
        self.unit = reg.get("shingle unit", cfg.unit)
        self.scorers: list[tuple[Scorer, float]] = []
        for spec in cfg.scorers:
            scorer = reg.get("scorer", spec.name)
            threshold = scorer.default_threshold if spec.threshold is None else spec.threshold
            self.scorers.append((scorer, threshold))
        if cfg.window is not None:
            self.scorers.append((window_scorer(cfg.window, cfg.date_field), WINDOW_THRESHOLD))
        self.policy = reg.get("representative policy", cfg.representative)
        self.writers = [reg.get("writer", name) for name in cfg.writers]
        if cfg.bands is not None and cfg.rows is not None:
            self.banding = Banding(cfg.bands, cfg.rows)
        else:
            self.banding = Banding.for_threshold(cfg.threshold, cfg.num_perm)
        self.hasher = MinHasher(cfg.num_perm, cfg.seed)
        self.learned: dict[str, str] = {}
        self.spill_dir: str | None = None
        #: Whether the first pass hands every signature back (a scorer may read them).
        self.keep_signatures = True
        self._started: float | None = None
        self.anchors = (
            AnchorSettings(
                sampling=cfg.containment_sampling, head_sampling=min(4, cfg.containment_sampling)
            )
            if cfg.containment_sampling > 0
            else None
        )

    @property
    def read_options(self) -> ReadOptions:
        cfg = self.config
        return ReadOptions(
            id_field=cfg.id_field,
            text_field=cfg.text_field,
            keep_fields=(cfg.date_field,),
            max_doc_bytes=cfg.extra.get("max_doc_bytes"),
        )

    # -- inputs ---------------------------------------------------------------------------------
    def open_files(self, inputs: Sequence[str | os.PathLike[str]], stdin: Any = None) -> Corpus:
        """A corpus over files, directories and ``-`` (JSONL on stdin)."""
        names = [os.fspath(p) for p in inputs]
        found = discover(names, self.readers, format=self.config.format, stdin=stdin)
        return FileCorpus(found, self.readers, self.read_options, names)

    def open_documents(self, documents: Iterable[Mapping[str, Any] | tuple[str, str]]) -> Corpus:
        """A corpus over in-memory documents: ``(id, text)`` tuples or mappings with the
        configured id and text fields."""
        cfg = self.config
        items = records_from(documents, cfg.id_field, cfg.text_field, (cfg.date_field,))
        return MemoryCorpus(items, ["<documents>"])

    # -- running --------------------------------------------------------------------------------
    def run(
        self,
        inputs: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
        output_dir: str | os.PathLike[str] | None = None,
        *,
        on_bad: BadRecordHandler | None = None,
        progress: Progress | None = None,
        stdin: Any = None,
        resume: bool = False,
    ) -> RunResult:
        """Deduplicate files; write the outputs into ``output_dir`` when given (``resume``:
        reuse the checkpoints of an interrupted run)."""
        if isinstance(inputs, (str, os.PathLike)):
            inputs = [inputs]
        if output_dir is not None:
            check_writable(Path(output_dir))
        corpus = self.open_files(inputs, stdin=stdin)
        try:
            return self.run_corpus(
                corpus, output_dir, on_bad=on_bad, progress=progress, resume=resume
            )
        finally:
            corpus.close()

    def run_documents(
        self,
        documents: Iterable[Mapping[str, Any] | tuple[str, str]],
        output_dir: str | os.PathLike[str] | None = None,
        **kwargs: Any,
    ) -> RunResult:
        """Deduplicate in-memory documents (``(id, text)`` or ``{"id":..., "text":...}``)."""
        if output_dir is not None:
            check_writable(Path(output_dir))
        return self.run_corpus(self.open_documents(documents), output_dir, **kwargs)

    def run_corpus(
        self,
        corpus: Corpus,
        output_dir: str | os.PathLike[str] | None = None,
        *,
        on_bad: BadRecordHandler | None = None,
        progress: Progress | None = None,
        resume: bool = False,
    ) -> RunResult:
        """The whole pipeline over a corpus. With ``resume``, chunks checkpointed by an
        interrupted run with the same settings and input are not read again."""
        cfg = self.config
        progress = progress or Progress(enabled=False)
        timings: dict[str, float] = {}
        bad_records: list[BadRecord] = []
        bad_count = Counter[str]()

        def record_bad(bad: BadRecord) -> None:
            bad_count[bad.reason.split(":")[0]] += 1
            if len(bad_records) < MAX_KEPT_BAD_RECORDS:
                bad_records.append(bad)
            if on_bad is not None:
                on_bad(bad)

        started = self._started = time.perf_counter()
        for bad in corpus.discovery.bad if corpus.discovery is not None else []:
            record_bad(bad)
        t0 = time.perf_counter()
        self.chain = self.learn(corpus, progress)
        timings["learn"] = time.perf_counter() - t0
        chunks = corpus.chunks(int(cfg.chunk_mb * 1024 * 1024))
        workers = self.workers_for(chunks)
        checkpoint = self._checkpoint(output_dir, chunks, resume)
        self.spill_dir, spill_temp = self._spill_dir(output_dir, chunks, checkpoint)
        self.keep_signatures = any(s.needs_signatures for s, _ in self.scorers)
        try:
            result = self._run_chunks(
                corpus, chunks, workers, checkpoint, record_bad, progress, timings
            )
        finally:
            if spill_temp is not None:
                shutil.rmtree(spill_temp, ignore_errors=True)
            self.spill_dir = None
            self.keep_signatures = True
        result.bad_records = bad_records
        result.counts["documents_skipped"] = sum(bad_count.values())
        result.counts["skipped_by_reason"] = dict(sorted(bad_count.items()))
        if output_dir is not None:
            t0 = time.perf_counter()
            progress.stage("writing")
            self.write(result, Path(output_dir))
            timings["write"] = time.perf_counter() - t0
            if checkpoint is not None:
                checkpoint.remove()
        timings["total"] = time.perf_counter() - started
        progress.done()
        return result

    def _spill_dir(
        self, output_dir: Any, chunks: list[Chunk], checkpoint: Checkpoint | None
    ) -> tuple[str | None, str | None]:
        """Where pass 1 writes shingle sets: the checkpoint (kept for --resume), a temporary
        directory for a big input (removed after the run), or nowhere (kept in memory)."""
        if checkpoint is not None:
            return str(checkpoint.directory), None
        size = sum(c.size for c in chunks)
        if size < self.config.parallel_min_mb * 1024 * 1024:
            return None, None
        base = str(output_dir) if output_dir is not None else None
        temp = tempfile.mkdtemp(prefix=".dedupe-sets-", dir=base)
        return temp, temp

    def _run_chunks(
        self,
        corpus: Corpus,
        chunks: list[Chunk],
        workers: int,
        checkpoint: Checkpoint | None,
        record_bad: BadRecordHandler,
        progress: Progress,
        timings: dict[str, float],
    ) -> RunResult:
        """Both passes over the chunks, then scoring, clustering and representatives."""
        cfg = self.config
        with Executor(self, corpus, workers) as executor:
            t0 = time.perf_counter()
            progress.stage("reading and signing")
            results = self._signed(executor, corpus, chunks, checkpoint)
            first = self._merge_signed(chunks, results, record_bad, progress)
            timings["read+signatures"] = time.perf_counter() - t0
            n = len(first.ids)
            skipped_docs = np.zeros(n, dtype=bool)
            skipped_docs[first.empty] = True

            t0 = time.perf_counter()
            progress.stage("finding candidates")
            rank = id_ranks(first.ids)
            pairs = self.candidates_from_keys(first.band_keys, skipped_docs, rank)
            lsh_pairs = len(pairs)
            if self.anchors is not None and any(first.anchor_parts):
                more = anchor_pairs(first.anchor_parts, n, self.anchors, rank)
                pairs = unique_pairs(np.concatenate([pairs, more]), max(n, 1))
            timings["lsh"] = time.perf_counter() - t0

            t0 = time.perf_counter()
            progress.stage("reading candidates again")
            candidate_docs = np.unique(pairs) if len(pairs) else np.zeros(0, dtype=np.int64)
            need_text = any(s.needs_text for s, _ in self.scorers) or self.policy.needs_text
            store = self._load_store(executor, first, candidate_docs, need_text)
            timings["read candidates"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        progress.stage(f"verifying {len(pairs):,} candidate pairs")
        ctx = PairContext(store, first.signatures, **self._scorer_options())
        scores, accepted = score_and_decide(pairs, self.scorers, ctx, cfg.decide)
        timings["score+decide"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        progress.stage("clustering")
        primary = scores[self.scorers[0][0].name]
        adjacency = Adjacency(n, pairs[accepted], primary[accepted])
        groups = components(n, pairs[accepted])
        verifier = Verifier(self.scorers, ctx, cfg.decide)
        clusters, dropped = self._clusters(groups, ctx, first.ids, n, adjacency, verifier)
        n_candidates = len(pairs)
        pairs, scores, accepted = verifier.extend(pairs, scores, accepted)
        timings["cluster+represent"] = time.perf_counter() - t0

        counts = {
            "documents_read": n,
            "documents_skipped": 0,
            "empty_after_normalisation": len(first.empty),
            "candidate_pairs": n_candidates,
            "representative_pairs_verified": verifier.count,
            "candidate_pairs_lsh": int(lsh_pairs),
            "candidate_documents": len(candidate_docs),
            "accepted_pairs": int(accepted.sum()),
            "clusters": len(clusters),
            "documents_in_clusters": int(sum(len(c.members) for c in clusters)),
            "duplicates_removed": int(sum(len(c.members) - 1 for c in clusters)),
            "kept": int(n - dropped.sum()),
            "encodings": dict(sorted(first.encodings.items())),
            "skipped_by_reason": {},
            "renamed_ids": first.renamed,
            "chunks": len(chunks),
            "workers": workers,
        }
        if corpus.discovery is not None:
            counts["input_files"] = len(corpus.discovery.sources)
            counts["ignored_files"] = corpus.discovery.ignored
        info = {
            "dedupe_version": __version__,
            "inputs": corpus.description,
            "kernels": kernels.BACKEND,
            "banding": {"bands": self.banding.bands, "rows": self.banding.rows},
            "plugins": sorted(self.pm.infos),
            "learned": dict(self.learned),
            "python": platform.python_version(),
        }
        result = RunResult(
            config=cfg,
            n_docs=n,
            clusters=clusters,
            pairs=pairs,
            pair_scores=scores,
            accepted=accepted,
            via_representative=np.arange(len(pairs)) >= n_candidates,
            ids=first.ids,
            dropped=dropped,
            bad_records=[],
            counts=counts,
            timings=timings,
            info=info,
            kept_lines=lambda: self._kept(corpus, first, dropped, raw=True),
            kept_record_reader=lambda: self._kept(corpus, first, dropped, raw=False),
            kept_block_reader=lambda: self._kept_blocks(corpus, first, dropped),
        )
        return result

    # -- stages ---------------------------------------------------------------------------------
    def learn(self, corpus: Corpus, progress: Progress | None = None) -> Chain:
        """The chain fitted on a sample of the corpus (see :func:`dedupe.learn.learn_chain`)."""
        return learn_chain(self, corpus, progress)

    def signatures_of(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Normalise, shingle and sign a batch: (signatures, number of shingles per text)."""
        hashes, offsets = hash_normalised(self.unit, self.chain, texts, self.config.ngram)
        return self.hasher(hashes, offsets), np.diff(offsets)

    def candidates(
        self,
        signatures: np.ndarray,
        skipped: np.ndarray | None = None,
        rank: np.ndarray | None = None,
    ) -> np.ndarray:
        """Candidate pairs (i < j) from LSH banding of the signatures."""
        return self.candidates_from_keys(band_keys(signatures, self.banding), skipped, rank)

    def candidates_from_keys(
        self,
        keys: np.ndarray,
        skipped: np.ndarray | None = None,
        rank: np.ndarray | None = None,
    ) -> np.ndarray:
        """Candidate pairs (i < j) of documents sharing a band key (``keys``: n x bands)."""
        if len(keys) < 2:
            return np.zeros((0, 2), dtype=np.int64)
        usable = np.flatnonzero(~skipped) if skipped is not None else np.arange(len(keys))
        local = candidate_pairs(
            keys[usable], self.config.max_bucket, None if rank is None else rank[usable]
        )
        return usable[local] if len(local) else local

    def _in_memory(
        self, documents: Iterable[Mapping[str, Any] | tuple[str, str]]
    ) -> tuple[Signed, DocStore]:
        """Pass 1 and a full store (texts included) over in-memory documents."""
        corpus = self.open_documents(documents)
        chunks = corpus.chunks(int(self.config.chunk_mb * 1024 * 1024))
        with Executor(self, corpus, 1) as executor:
            first = self._merge_signed(
                chunks, executor.sign(chunks), lambda bad: None, Progress(enabled=False)
            )
            store = self._load_store(
                executor, first, np.arange(len(first.ids), dtype=np.int64), need_text=True
            )
        return first, store

    def pair_context(self, documents: Iterable[Mapping[str, Any] | tuple[str, str]]) -> PairContext:
        """A scoring context over in-memory documents, numbered 0, 1... in order (every one
        loaded): what scorers and representative policies see during a run."""
        first, store = self._in_memory(documents)
        return PairContext(store, first.signatures, **self._scorer_options())

    def prepare(self, documents: Iterable[Mapping[str, Any] | tuple[str, str]]) -> Prepared:
        """Everything the engine computes for documents, in memory, for incremental use (an
        index): signatures, band keys, anchors, exact shingle sets, chrome share. Uses the
        chain as it is (normalisers that learn from a corpus stay as they are)."""
        first, store = self._in_memory(documents)
        texts = store.texts or []
        values, docs = split(first.anchor_codes)
        return Prepared(
            ids=list(store.ids),
            texts=list(texts),
            normalised=self.chain(texts) if texts else [],
            meta=list(store.meta),
            signatures=first.signatures,
            band_keys=band_keys(first.signatures, self.banding),
            anchor_values=values,
            anchor_docs=docs,
            sets=store.sets,
            removed_share=store.removed_share,
        )

    def score(self, a: Prepared, b: Prepared, pairs: np.ndarray) -> dict[str, np.ndarray]:
        """Every scorer's scores for pairs (row of ``a``, row of ``b``), and ``accepted``."""
        both = Prepared.concat([a, b])
        shifted = np.stack([pairs[:, 0], pairs[:, 1] + len(a.ids)], axis=1)
        ctx = both.context(**self._scorer_options())
        scores = score_pairs(shifted, [s for s, _ in self.scorers], ctx)
        scores["accepted"] = accept(
            scores,
            [(s.name, t) for s, t in self.scorers],
            self.config.decide,
            [s.name for s, _ in self.scorers if s.vetoes],
        ).astype(np.float64)
        return scores

    def _checkpoint(
        self, output_dir: str | os.PathLike[str] | None, chunks: list[Chunk], resume: bool
    ) -> Checkpoint | None:
        """Checkpointing of pass 1 for big inputs written to an output directory."""
        if output_dir is None:
            return None
        size = sum(c.size for c in chunks)
        if not resume and size < self.config.parallel_min_mb * 1024 * 1024:
            return None
        root = Path(output_dir) / CHECKPOINT_DIR
        return checkpoint_for(
            self.config, self.base_chain, self.chain, self.banding.bands, root, chunks, resume
        )

    def _signed(
        self,
        executor: Executor,
        corpus: Corpus,
        chunks: list[Chunk],
        checkpoint: Checkpoint | None,
    ) -> Iterator[SignedChunk]:
        """Pass-1 output of every chunk in order: from the checkpoint where saved, else
        computed (and saved)."""
        if checkpoint is None:
            yield from executor.sign(chunks)
            return
        saved = {c.number for c in chunks if checkpoint.has(c.number)}
        computed = executor.sign([c for c in chunks if c.number not in saved])
        for chunk in chunks:
            result = checkpoint.load(chunk.number) if chunk.number in saved else None
            if result is None:
                result = (
                    next(computed) if chunk.number not in saved else sign_chunk(self, corpus, chunk)
                )
                checkpoint.save(result)
            yield result

    def workers_for(self, chunks: list[Chunk]) -> int:
        """Worker processes for these chunks: ``--workers`` (0: all cores), but one for a
        small input, where starting processes would cost more than it saves."""
        wanted = self.config.workers or available_cores()
        size = sum(c.size for c in chunks)
        if len(chunks) < 2 or size < self.config.parallel_min_mb * 1024 * 1024:
            return 1
        return max(1, min(wanted, len(chunks)))

    def _merge_signed(
        self,
        chunks: list[Chunk],
        results: Iterator[SignedChunk],
        on_bad: BadRecordHandler,
        progress: Progress,
    ) -> Signed:
        """Number the documents of every chunk in order and gather their pass-1 output."""
        ids: list[str] = []
        bases = []
        label_index: dict[str, int] = {}
        label_of: list[np.ndarray] = []
        lines: list[np.ndarray] = []
        sigs: list[np.ndarray] = []
        keys: list[np.ndarray] = []
        anchors: list[list[np.ndarray]] = [[] for _ in range(PARTITIONS)]
        empty: list[int] = []
        encodings: Counter[str] = Counter()
        set_sizes: list[np.ndarray] = []
        set_sources: list[np.ndarray | str] = []
        removed: list[np.ndarray] = []
        kept: list[np.ndarray] = []
        lengths: list[np.ndarray] = []
        dates: list[object] = []
        for result in results:
            base = len(ids)
            bases.append(base)
            for bad in result.bad:
                on_bad(bad)
            ids.extend(result.ids)
            mapping = np.array(
                [label_index.setdefault(label, len(label_index)) for label in result.labels] or [0],
                dtype=np.int32,
            )
            label_of.append(mapping[result.label_of])
            lines.append(result.lines)
            sigs.extend(result.signatures)
            keys.extend(result.band_keys)
            for codes in result.anchor_codes:
                for k, piece in enumerate(partition(codes + np.uint64(base))):
                    if len(piece):
                        anchors[k].append(piece)
            empty.extend(base + k for k in result.empty)
            encodings.update(result.encodings)
            set_sizes.append(result.set_sizes)
            set_sources.append(
                result.set_file
                if result.set_file is not None
                else result.set_values
                if result.set_values is not None
                else np.zeros(0, dtype=np.uint32)
            )
            removed.append(result.removed_share)
            kept.append(result.kept_share)
            lengths.append(result.text_length)
            dates.extend(result.dates)
            progress.update("reading and signing", len(ids))
        signed = Signed(
            chunks=chunks,
            bases=np.asarray(bases, dtype=np.int64),
            ids=ids,
            labels=list(label_index),
            label_of=np.concatenate(label_of) if label_of else np.zeros(0, dtype=np.int32),
            lines=np.concatenate(lines) if lines else np.zeros(0, dtype=np.int64),
            signatures=(
                np.concatenate(sigs)
                if sigs
                else np.zeros((0, self.config.num_perm), dtype=np.uint32)
            ),
            band_keys=(
                np.concatenate(keys) if keys else np.zeros((0, self.banding.bands), dtype=np.uint64)
            ),
            anchor_parts=anchors,
            empty=np.asarray(empty, dtype=np.int64),
            encodings=encodings,
            set_sizes=_concat(set_sizes, np.int64),
            set_sources=set_sources,
            removed_share=_concat(removed, np.float64),
            kept_share=_concat(kept, np.float64),
            text_length=_concat(lengths, np.int64),
            dates=dates,
        )
        self._check_ids(signed)
        return signed

    def _check_ids(self, signed: Signed) -> None:
        """Stop on a repeated id, or rename it (``id#2``...) when asked to."""
        policy = self.config.extra.get("duplicate_ids", "error")
        seen: dict[str, int] = {}
        for doc, doc_id in enumerate(signed.ids):
            first = seen.setdefault(doc_id, doc)
            if first == doc:
                continue
            if policy != "rename":
                where, line = signed.location(doc)
                first_where, first_line = signed.location(first)
                here = where if line is None else f"{where}:{line}"
                there = first_where if first_line is None else f"{first_where}:{first_line}"
                raise InputError(
                    f"{here}: duplicate id {doc_id!r} (first seen at {there}); "
                    "make ids unique or pass --rename-duplicate-ids"
                )
            k = 2
            while f"{doc_id}#{k}" in seen:
                k += 1
            signed.ids[doc] = f"{doc_id}#{k}"
            seen[signed.ids[doc]] = doc
            signed.renamed += 1

    def _load_store(
        self, executor: Executor, first: Signed, docs: np.ndarray, need_text: bool
    ) -> DocStore:
        """What scoring and choosing representatives need of the candidate documents: their
        shingle sets (from pass 1) and per-document numbers, and their texts, read again,
        only when a scorer or the representative policy needs them."""
        n = len(first.ids)
        store = DocStore.empty(n)
        if len(docs) == 0:
            return store
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
        store.docs = docs
        store.row_of[docs] = np.arange(len(docs))
        store.ids = [first.ids[d] for d in docs.tolist()]
        store.sets = ShingleSets(values, offsets)
        store.removed_share = first.removed_share[docs]
        store.kept_share = first.kept_share[docs]
        store.text_length = first.text_length[docs]
        field = self.config.date_field
        store.meta = [
            {field: first.dates[d]} if first.dates[d] is not None else {} for d in docs.tolist()
        ]
        store.sources = [first.location(d) for d in docs.tolist()]
        if need_text:
            self._load_texts(executor, first, store)
        return store

    def _load_texts(self, executor: Executor, first: Signed, store: DocStore) -> None:
        """Read the stored documents' texts again (for scorers and policies that use them)."""
        doc_at: dict[Location, int] = {}
        wanted: dict[int, set[Location]] = {}
        for doc, chunk in zip(
            store.docs.tolist(), first.chunk_of(store.docs).tolist(), strict=True
        ):
            location = first.location(doc)
            doc_at[location] = doc
            wanted.setdefault(chunk, set()).add(location)
        jobs = [(first.chunks[c], wanted[c]) for c in sorted(wanted)]
        texts: list[str] = [""] * len(store.docs)
        found = 0
        for records in executor.texts(jobs):
            for record in records:
                texts[int(store.row_of[doc_at[(record.source, record.line)]])] = record.text
                found += 1
        if found != len(store.docs):
            raise InputError("the input changed while it was being read (a document is missing)")
        store.texts = texts
        store.normalise = self.chain

    def _scorer_options(self) -> dict[str, Any]:
        return dict(self.config.extra.get("scorer_options", {}))

    def _clusters(
        self,
        groups: list[np.ndarray],
        ctx: PairContext,
        ids: list[str],
        n: int,
        adjacency: Adjacency,
        verify: Verify | None = None,
    ) -> tuple[list[Cluster], np.ndarray]:
        """Coherent clusters with their representatives (see :func:`dedupe.represent.clusters`),
        no two members of one a vetoed pair (:func:`dedupe.decide.cannot_links`)."""
        options = {"date_field": self.config.date_field}
        cannot = cannot_links(groups, self.scorers, ctx, getattr(verify, "cannot", None))
        made = represent_clusters(
            groups, ctx, ids, n, adjacency, self.policy, options, verify, cannot
        )
        label_corrections(made[0], ctx, ids)
        return made

    @staticmethod
    def _kept_by_chunk(first: Signed, dropped: np.ndarray) -> Iterator[tuple[Chunk, set[Location]]]:
        """Each chunk with the locations of its kept documents (chunks keeping none skipped)."""
        ends = [*first.bases.tolist()[1:], len(first.ids)][: len(first.chunks)]
        for chunk, start, end in zip(first.chunks, first.bases.tolist(), ends, strict=True):
            keep = {first.location(d) for d in range(start, end) if not dropped[d]}
            if keep:
                yield chunk, keep

    def _kept(self, corpus: Corpus, first: Signed, dropped: np.ndarray, raw: bool) -> Iterator[Any]:
        """The kept documents chunk by chunk, in input order: as JSON lines (``raw``, copied
        without parsing for JSON Lines input) or as records."""
        for chunk, keep in self._kept_by_chunk(first, dropped):
            if raw:
                yield from corpus.kept_lines(chunk, keep)
            else:
                yield from (r for r in corpus.read(chunk, keep) if isinstance(r, Record))

    def _kept_blocks(self, corpus: Corpus, first: Signed, dropped: np.ndarray) -> Iterator[bytes]:
        """The kept JSON lines chunk by chunk, in input order, as UTF-8 blocks."""
        for chunk, keep in self._kept_by_chunk(first, dropped):
            yield from corpus.kept_blocks(chunk, keep)

    def write(self, result: RunResult, directory: Path) -> list[Path]:
        """Run every writer into temporary files, then rename them all into place."""
        check_writable(directory)
        outputs = OutputSet(directory, fsync=bool(self.config.extra.get("fsync", False)))
        started = time.perf_counter()
        try:
            for writer in self.writers:
                if writer.name == "report":  # the report sees every other output's time
                    result.timings["write"] = time.perf_counter() - started
                    if self._started is not None:
                        result.timings["total"] = time.perf_counter() - self._started
                writer.write(result, outputs.temp_path(writer.filename))
            return outputs.commit()
        except OSError as exc:
            outputs.abort()
            where = exc.filename or directory
            raise OutputError(
                f"cannot write the outputs to {directory} ({where}): {exc.strerror or exc}; "
                "the previous outputs, if any, are unchanged"
            ) from None
        except BaseException:
            outputs.abort()
            raise


def _concat(parts: list[np.ndarray], dtype: Any) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)


def id_ranks(ids: list[str]) -> np.ndarray:
    """A stable pseudo-random order of documents by id (xxh64), independent of input order."""
    h = xxhash.xxh64_intdigest
    return np.fromiter(
        (h(i.encode("utf-8", "surrogatepass")) for i in ids), dtype=np.uint64, count=len(ids)
    )


def _coerce(settings: dict[str, Any]) -> dict[str, Any]:
    """Accept friendly Python values: lists for tuples, strings for scorer specs."""
    out = dict(settings)
    if "normalise" in out and isinstance(out["normalise"], str):
        out["normalise"] = tuple(s for s in out["normalise"].split(",") if s)
    for key in ("normalise", "writers"):
        if key in out:
            out[key] = tuple(out[key])
    if "scorers" in out:
        value = out["scorers"]
        if isinstance(value, str):
            value = value.split(",")
        out["scorers"] = tuple(
            v if isinstance(v, ScorerSpec) else ScorerSpec.parse(v) for v in value
        )
    known = set(Config.__dataclass_fields__)
    unknown = set(out) - known
    if unknown:
        extra = dict(out.pop("extra", {}))
        for key in unknown:
            extra[key] = out.pop(key)
        out["extra"] = extra
    return out


def make_config(**settings: Any) -> Config:
    """A :class:`Config` from keyword settings (``preset``: a :mod:`dedupe.presets` name whose
    settings fill those not given); unknown keys go to ``extra``."""
    from dedupe import presets

    if "preset" in settings:
        settings = presets.apply(settings["preset"], settings, set(settings) - {"preset"})
    try:
        return Config(**_coerce(settings))
    except TypeError as exc:
        raise ConfigError(str(exc)) from None
