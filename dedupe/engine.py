"""The engine: wires the stages into a run and is the Python API.

read -> normalise -> shingle -> signature -> LSH candidates -> score -> decide -> cluster ->
representative -> write. The first pass keeps only signatures (plus texts while they fit in
``text_cache_mb``); the documents of candidate pairs are then read again to verify them, so
memory grows with the number of documents, not with their total size.
"""

from __future__ import annotations

import os
import platform
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from dedupe import __version__, kernels
from dedupe.anchors import AnchorSettings, anchor_pairs, select_anchors
from dedupe.atomic import OutputSet, check_writable
from dedupe.cluster import components
from dedupe.config import Config, ScorerSpec
from dedupe.decide import accept
from dedupe.documents import BadRecord, Batch, Record
from dedupe.errors import ConfigError, InputError
from dedupe.lsh import Banding, band_keys, candidate_pairs, unique_pairs
from dedupe.normalise import Chain
from dedupe.plugins import DedupePluginManager, get_plugin_manager
from dedupe.progress import Progress
from dedupe.read import Discovery, DuplicateIds, ReadOptions, batches, discover, read_sources
from dedupe.registry import Registry
from dedupe.represent import ClusterView, roles
from dedupe.result import Cluster, RunResult
from dedupe.score import PairContext, Scorer, score_pairs
from dedupe.shingle import ShingleSets
from dedupe.signature import MinHasher
from dedupe.store import DocStore

BadRecordHandler = Callable[[BadRecord], None]
MAX_KEPT_BAD_RECORDS = 10_000


class Corpus:
    """A re-readable stream of records: files found by :func:`dedupe.read.discover`, or
    records given in memory. Every pass numbers documents the same way."""

    def __init__(
        self,
        items: Callable[[], Iterable[Record | BadRecord]],
        description: list[str],
        discovery: Discovery | None = None,
    ) -> None:
        self._items = items
        self.description = description
        self.discovery = discovery

    def batches(
        self, batch_size: int, on_bad: BadRecordHandler, ids: DuplicateIds | None = None
    ) -> Iterator[Batch]:
        return batches(self._items(), batch_size, on_bad, ids=ids)

    def close(self) -> None:
        if self.discovery is not None:
            self.discovery.cleanup()


@dataclass
class _Pass1:
    """What the first pass keeps for every document."""

    signatures: list[np.ndarray] = field(default_factory=list)
    anchor_values: list[np.ndarray] = field(default_factory=list)
    anchor_docs: list[np.ndarray] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    empty: list[int] = field(default_factory=list)
    encodings: Counter[str] = field(default_factory=Counter)
    cache: list[tuple[Record, str]] | None = field(default_factory=list)
    cached_bytes: int = 0
    renamed_ids: int = 0


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
        self.policy = reg.get("representative policy", cfg.representative)
        self.writers = [reg.get("writer", name) for name in cfg.writers]
        if cfg.bands is not None and cfg.rows is not None:
            self.banding = Banding(cfg.bands, cfg.rows)
        else:
            self.banding = Banding.for_threshold(cfg.threshold, cfg.num_perm)
        self.hasher = MinHasher(cfg.num_perm, cfg.seed)
        self.learned: dict[str, str] = {}
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
        found = discover(
            [os.fspath(p) for p in inputs], self.readers, format=self.config.format, stdin=stdin
        )
        options = self.read_options

        def items() -> Iterable[Record | BadRecord]:
            yield from found.bad
            yield from read_sources(found.sources, self.readers, options)

        return Corpus(items, [os.fspath(p) for p in inputs], found)

    def open_documents(self, documents: Iterable[Mapping[str, Any] | tuple[str, str]]) -> Corpus:
        """A corpus over in-memory documents: ``(id, text)`` tuples or mappings with the
        configured id and text fields."""
        records: list[Record | BadRecord] = []
        for n, doc in enumerate(documents, start=1):
            if isinstance(doc, tuple):
                records.append(Record(str(doc[0]), doc[1], "<documents>", n))
                continue
            meta = {k: doc[k] for k in (self.config.date_field,) if k in doc}
            doc_id = doc.get(self.config.id_field, n)
            text = doc.get(self.config.text_field)
            if not isinstance(text, str):
                records.append(BadRecord("<documents>", n, "text is missing or not a string"))
            elif not text.strip():
                records.append(BadRecord("<documents>", n, "empty document"))
            else:
                records.append(Record(str(doc_id), text, "<documents>", n, meta, dict(doc)))
        return Corpus(lambda: records, ["<documents>"])

    # -- running --------------------------------------------------------------------------------
    def run(
        self,
        inputs: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
        output_dir: str | os.PathLike[str] | None = None,
        *,
        on_bad: BadRecordHandler | None = None,
        progress: Progress | None = None,
        stdin: Any = None,
    ) -> RunResult:
        """Deduplicate files; write the outputs into ``output_dir`` when given."""
        if isinstance(inputs, (str, os.PathLike)):
            inputs = [inputs]
        if output_dir is not None:
            check_writable(Path(output_dir))
        corpus = self.open_files(inputs, stdin=stdin)
        try:
            return self.run_corpus(corpus, output_dir, on_bad=on_bad, progress=progress)
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
    ) -> RunResult:
        """The whole pipeline over a corpus."""
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

        started = time.perf_counter()
        t0 = time.perf_counter()
        self.chain = self.learn(corpus, progress)
        timings["learn"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        first = self._signature_pass(corpus, record_bad, progress)
        timings["read+signatures"] = time.perf_counter() - t0
        n = len(first.ids)
        signatures = (
            np.concatenate(first.signatures)
            if first.signatures
            else np.zeros((0, cfg.num_perm), dtype=np.uint32)
        )
        skipped_docs = np.zeros(n, dtype=bool)
        skipped_docs[first.empty] = True

        t0 = time.perf_counter()
        progress.stage("finding candidates")
        pairs = self.candidates(signatures, skipped_docs)
        lsh_pairs = len(pairs)
        if self.anchors is not None and first.anchor_values:
            more = anchor_pairs(
                np.concatenate(first.anchor_values),
                np.concatenate(first.anchor_docs),
                n,
                self.anchors,
            )
            pairs = unique_pairs(np.concatenate([pairs, more]), max(n, 1))
        timings["lsh"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        candidate_docs = np.unique(pairs) if len(pairs) else np.zeros(0, dtype=np.int64)
        store = self._store(corpus, candidate_docs, n, first, progress)
        timings["read candidates"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        progress.stage(f"verifying {len(pairs):,} candidate pairs")
        ctx = PairContext(store, signatures, **self._scorer_options())
        scorers = [s for s, _ in self.scorers]
        scores = (
            score_pairs(pairs, scorers, ctx)
            if len(pairs)
            else {s.name: np.zeros(0) for s in scorers}
        )
        accepted = (
            accept(scores, [(s.name, t) for s, t in self.scorers], cfg.decide)
            if len(pairs)
            else np.zeros(0, dtype=bool)
        )
        timings["score+decide"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        progress.stage("clustering")
        groups = components(n, pairs[accepted])
        clusters, dropped = self._clusters(groups, ctx, first.ids, n)
        dropped |= skipped_docs
        timings["cluster+represent"] = time.perf_counter() - t0

        counts = {
            "documents_read": n,
            "documents_skipped": sum(bad_count.values()),
            "empty_after_normalisation": len(first.empty),
            "candidate_pairs": len(pairs),
            "candidate_pairs_lsh": int(lsh_pairs),
            "candidate_documents": len(candidate_docs),
            "accepted_pairs": int(accepted.sum()),
            "clusters": len(clusters),
            "documents_in_clusters": int(sum(len(c.members) for c in clusters)),
            "duplicates_removed": int(sum(len(c.members) - 1 for c in clusters)),
            "kept": int(n - dropped.sum()),
            "encodings": dict(sorted(first.encodings.items())),
            "skipped_by_reason": dict(sorted(bad_count.items())),
            "renamed_ids": first.renamed_ids,
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
            ids=first.ids,
            dropped=dropped,
            bad_records=bad_records,
            counts=counts,
            timings=timings,
            info=info,
            reread=self._rereader(corpus, first),
        )
        if output_dir is not None:
            t0 = time.perf_counter()
            progress.stage("writing")
            timings["write"] = 0.0
            timings["total"] = time.perf_counter() - started
            self.write(result, Path(output_dir))
            timings["write"] = time.perf_counter() - t0
        timings["total"] = time.perf_counter() - started
        progress.done()
        return result

    # -- stages ---------------------------------------------------------------------------------
    def learn(self, corpus: Corpus, progress: Progress | None = None) -> Chain:
        """Fit the normalisers that learn from the corpus on its first documents.

        Each learning normaliser sees the sample as the normalisers before it leave it, and is
        replaced by what it learned; a chain without such normalisers is returned unchanged.
        """
        chain = self.base_chain
        if not chain.needs_learning:
            return chain
        if progress is not None:
            progress.stage("learning boilerplate")
        size = int(self.config.extra.get("learn_sample", 20_000))
        sample: list[str] = []
        for batch in corpus.batches(self.config.batch_size, lambda bad: None):
            sample.extend(batch.texts[: size - len(sample)])
            if len(sample) >= size:
                break
        fitted = []
        step = self.config.batch_size
        for normaliser in chain.normalisers:
            if normaliser.learn is not None:
                normaliser = normaliser.learn(
                    sample[i : i + step] for i in range(0, len(sample), step)
                )
                self.learned[normaliser.name] = normaliser.description
            sample = normaliser(sample)
            fitted.append(normaliser)
        return Chain(fitted)

    def signatures_of(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Normalise, shingle and sign a batch: (signatures, number of shingles per text)."""
        normalised = self.chain(texts)
        hashes, offsets = self.unit.hash_batch(normalised, self.config.ngram)
        return self.hasher(hashes, offsets), np.diff(offsets)

    def _signature_pass(
        self, corpus: Corpus, on_bad: BadRecordHandler, progress: Progress
    ) -> _Pass1:
        cfg = self.config
        out = _Pass1()
        budget = cfg.text_cache_mb * 1024 * 1024
        ids = DuplicateIds(cfg.extra.get("duplicate_ids", "error"))
        progress.stage("reading and signing")
        for batch in corpus.batches(cfg.batch_size, on_bad, ids):
            normalised = self.chain(batch.texts)
            hashes, offsets = self.unit.hash_batch(normalised, cfg.ngram)
            out.signatures.append(self.hasher(hashes, offsets))
            if self.anchors is not None:
                values, docs = select_anchors(
                    hashes, offsets, np.asarray(batch.index), self.anchors
                )
                out.anchor_values.append(values)
                out.anchor_docs.append(docs)
            sizes = np.diff(offsets)
            for k, record in enumerate(batch.records):
                out.ids.append(record.id)
                out.encodings[record.meta.get("encoding", "utf-8")] += 1
                if sizes[k] == 0:
                    out.empty.append(batch.index[k])
                    on_bad(BadRecord(record.source, record.line, "empty after normalisation"))
            if out.cache is not None:
                out.cached_bytes += sum(
                    len(t) + len(m) for t, m in zip(batch.texts, normalised, strict=True)
                )
                if out.cached_bytes > budget:
                    out.cache = None
                else:
                    out.cache.extend(zip(batch.records, normalised, strict=True))
            progress.update("reading and signing", len(out.ids))
        out.renamed_ids = ids.renamed
        return out

    def candidates(self, signatures: np.ndarray, skipped: np.ndarray | None = None) -> np.ndarray:
        """Candidate pairs (i < j) from LSH banding of the signatures."""
        if len(signatures) < 2:
            return np.zeros((0, 2), dtype=np.int64)
        usable = np.flatnonzero(~skipped) if skipped is not None else np.arange(len(signatures))
        keys = band_keys(signatures[usable], self.banding)
        local = candidate_pairs(keys, self.config.max_bucket)
        return usable[local] if len(local) else local

    def _store(
        self, corpus: Corpus, docs: np.ndarray, n: int, first: _Pass1, progress: Progress
    ) -> DocStore:
        """Texts and shingle sets of the candidate documents (from the cache or a second read)."""
        store = DocStore.empty(n)
        if len(docs) == 0:
            return store
        wanted = np.zeros(n, dtype=bool)
        wanted[docs] = True
        records: list[Record] = []
        normalised: list[str] = []
        numbers: list[int] = []
        if first.cache is not None:
            for doc in docs:
                record, norm = first.cache[doc]
                records.append(record)
                normalised.append(norm)
                numbers.append(int(doc))
        else:
            progress.stage("reading candidates again")
            for batch in corpus.batches(
                self.config.batch_size, lambda bad: None, self._reread_ids()
            ):
                keep = [k for k, doc in enumerate(batch.index) if wanted[doc]]
                if not keep:
                    continue
                recs = [batch.records[k] for k in keep]
                for k in keep:
                    if batch.records[k].id != first.ids[batch.index[k]]:
                        raise InputError(
                            f"{batch.records[k].source}: the input changed while it was being "
                            "read (document ids differ between passes)"
                        )
                records.extend(recs)
                normalised.extend(self.chain([r.text for r in recs]))
                numbers.extend(batch.index[k] for k in keep)
        sets = []
        step = self.config.batch_size
        for s in range(0, len(normalised), step):
            hashes, offsets = self.unit.hash_batch(normalised[s : s + step], self.config.ngram)
            sets.append(ShingleSets.from_hashes(hashes, offsets))
        store.docs = np.asarray(numbers, dtype=np.int64)
        store.row_of[store.docs] = np.arange(len(numbers))
        store.ids = [first.ids[d] for d in numbers]
        store.texts = [r.text for r in records]
        store.normalised = normalised
        store.meta = [r.meta for r in records]
        store.sources = [(r.source, r.line) for r in records]
        store.sets = ShingleSets.concat(sets)
        store.removed_share = self._removed_share(store.texts, normalised)
        return store

    def _removed_share(self, texts: list[str], normalised: list[str]) -> np.ndarray:
        """Share of each text's words that the boilerplate-removing normalisers took out."""
        if len(self.chain.without_boilerplate().normalisers) == len(self.chain.normalisers):
            return np.zeros(len(texts))
        before = self.chain.without_boilerplate()(texts)
        words_before = np.array([len(t.split()) for t in before], dtype=np.float64)
        words_after = np.array([len(t.split()) for t in normalised], dtype=np.float64)
        return np.clip(1.0 - words_after / np.maximum(words_before, 1.0), 0.0, 1.0)

    def _reread_ids(self) -> DuplicateIds:
        return DuplicateIds(self.config.extra.get("duplicate_ids", "error"))

    def _scorer_options(self) -> dict[str, Any]:
        return dict(self.config.extra.get("scorer_options", {}))

    def _clusters(
        self, groups: list[np.ndarray], ctx: PairContext, ids: list[str], n: int
    ) -> tuple[list[Cluster], np.ndarray]:
        """Pick each cluster's representative, score members against it, mark the copies."""
        dropped = np.zeros(n, dtype=bool)
        options = {"date_field": self.config.date_field}
        reps = []
        member_roles = []
        for members in groups:
            view = ClusterView(members, ctx, options)
            rep = self.policy(view)
            reps.append(rep)
            member_roles.append(roles(view, rep))
        rep_pairs = np.array(
            [
                (rep, int(m))
                for rep, members in zip(reps, groups, strict=True)
                for m in members
                if int(m) != rep
            ],
            dtype=np.int64,
        ).reshape(-1, 2)
        primary = self.scorers[0][0]
        member_scores = primary(rep_pairs, ctx) if len(rep_pairs) else np.zeros(0)
        clusters = []
        k = 0
        for rep, members, role in zip(reps, groups, member_roles, strict=True):
            scores = {ids[rep]: 1.0}
            for m in members:
                if int(m) != rep:
                    scores[ids[int(m)]] = round(float(member_scores[k]), 6)
                    k += 1
                    dropped[int(m)] = True
            clusters.append(
                Cluster(
                    0,
                    ids[rep],
                    sorted(ids[int(m)] for m in members),
                    dict(sorted(scores.items())),
                    {ids[d]: r for d, r in sorted(role.items(), key=lambda x: ids[x[0]])},
                )
            )
        clusters.sort(key=lambda c: c.members[0])
        for number, cluster in enumerate(clusters):
            cluster.number = number
        return clusters, dropped

    def _rereader(
        self, corpus: Corpus, first: _Pass1
    ) -> Callable[[], Iterator[tuple[int, Record]]]:
        cache = first.cache

        def reread() -> Iterator[tuple[int, Record]]:
            if cache is not None:
                for doc, (record, _norm) in enumerate(cache):
                    yield doc, record
                return
            for batch in corpus.batches(
                self.config.batch_size, lambda bad: None, self._reread_ids()
            ):
                yield from zip(batch.index, batch.records, strict=True)

        return reread

    def write(self, result: RunResult, directory: Path) -> list[Path]:
        """Run every writer into temporary files, then rename them all into place."""
        check_writable(directory)
        outputs = OutputSet(directory)
        try:
            for writer in self.writers:
                writer.write(result, outputs.temp_path(writer.filename))
            return outputs.commit()
        except BaseException:
            outputs.abort()
            raise


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
    """A :class:`Config` from keyword settings; unknown keys go to ``extra``."""
    try:
        return Config(**_coerce(settings))
    except TypeError as exc:
        raise ConfigError(str(exc)) from None
