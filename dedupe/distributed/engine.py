"""The distributed engine: the local engine's pipeline with each stage spread over Dask workers.

What runs where (``C`` chunks, every arrow a Dask computation; only small things, marked
*client*, come back to the client):

1. *client*: discover the inputs, cut them into chunks, learn the ``boilerplate`` lines from a
   sample of the input exactly as a local run does (:func:`dedupe.learn.learn_chain`), and
   ship the engine as data
   (:class:`~dedupe.distributed.spec.EngineSpec`).
2. pass 1 per chunk (:func:`dedupe.passes.sign_chunk`); results stay on the workers, the client
   gets each chunk's document count (for numbering) and skipped records.
3. ids shuffled by id: repeated ids stop the run or are renamed as locally.
4. band keys shuffled by key, anchors shuffled by value, then all raw pairs shuffled by pair:
   the candidate pairs (:mod:`dedupe.distributed.candidates`).
5. candidate documents routed to their chunk: taken from its pass-1 result there, or read again
   (:func:`dedupe.passes.load_chunk`) when a scorer or policy reads texts.
6. pairs joined with both documents (two shuffle joins) and verified by the scorers.
7. accepted pairs: connected components by label propagation.
8. members joined with their data, shuffled by component: representatives and roles.
9. clusters sorted by first member id; shards written by the workers, kept shards per chunk;
   *client*: the shards concatenated into ``clusters.jsonl`` (the local engine's bytes),
   ``pairs.jsonl``, ``dropped.jsonl``, and ``report.json``.
"""

from __future__ import annotations

import os
import platform
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from dedupe import __version__, kernels
from dedupe.config import Config
from dedupe.corpus import Chunk, Corpus
from dedupe.distributed import candidates as cand
from dedupe.distributed import chunks as work
from dedupe.distributed import frames
from dedupe.distributed.components import component_labels
from dedupe.distributed.connect import connect, require_dask
from dedupe.distributed.ids import check_ids
from dedupe.distributed.output import (
    SHARDED,
    ShardedOutput,
    write_cluster_shard,
    write_pair_shard,
)
from dedupe.distributed.parquet import plugin_manager
from dedupe.distributed.represent import dropped_docs, represent_partition, verified_pairs
from dedupe.distributed.shards import chunk_bytes, expand_inputs
from dedupe.distributed.spec import EngineSpec, loaded_plugins
from dedupe.distributed.verify import score_partition
from dedupe.documents import BadRecord
from dedupe.engine import Engine
from dedupe.errors import ConfigError, InputError, OutputError, PluginError
from dedupe.learn import learn_chain
from dedupe.outdir import guarded
from dedupe.pipeline.report import MAX_KEPT_BAD_RECORDS
from dedupe.progress import Progress
from dedupe.result import RunResult

#: Writers the distributed engine produces itself (a plugin writer needs the whole result).
SUPPORTED_WRITERS = frozenset({"clusters", "pairs", "kept", "dropped", "report"})
#: Dask settings of a run: shuffles that pickle (partitions hold Python objects) and object
#: columns left as they are.
DASK_SETTINGS = {"dataframe.shuffle.method": "tasks", "dataframe.convert-string": False}

#: Input chunks per partition of the shuffled frames (band keys, pairs, labels).
CHUNKS_PER_PARTITION = 4

BadRecordHandler = Callable[[BadRecord], None]


@dataclass
class DaskResult:
    """What a distributed run reports: counts, timings and the files written."""

    counts: dict[str, Any]
    timings: dict[str, float]
    info: dict[str, Any]
    outputs: list[Path] = field(default_factory=list)
    bad_records: list[BadRecord] = field(default_factory=list)


@dataclass
class _Pass1:
    """Pass-1 results on the workers, and the client's view of them."""

    chunks: list[Chunk]
    signed: list[Any]
    bases: list[int]
    n_docs: int
    empty: int
    encodings: Counter[str]


class DaskEngine:
    """Runs a :class:`~dedupe.config.Config` on a ``distributed.Client``'s cluster.

    >>> from distributed import Client                                  # doctest: +SKIP
    >>> DaskEngine(make_config(), Client("tcp://scheduler:8786")).run(["shards/"], "out")
    """

    def __init__(self, config: Config, client: Any, *, chunk_bytes: int | None = None) -> None:
        """``chunk_bytes``: input bytes per pass-1 task (default: ``chunk_mb``, smaller when
        needed to give every worker several chunks); it changes no output."""
        require_dask()
        unsupported = [w for w in config.writers if w not in SUPPORTED_WRITERS]
        if unsupported:
            known = ", ".join(sorted(SUPPORTED_WRITERS))
            raise ConfigError(
                f"writer {unsupported[0]!r} cannot run with --engine dask (it needs the whole "
                f"result in one process); the dask engine writes {known}"
            )
        self.engine = Engine(config, plugin_manager=plugin_manager())
        self.config = config
        self.client = client
        self.chunk_bytes = chunk_bytes
        self.partitions = 1

    # -- the run --------------------------------------------------------------------------------
    def run(
        self,
        inputs: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
        output_dir: str | os.PathLike[str],
        *,
        on_bad: BadRecordHandler | None = None,
        progress: Progress | None = None,
    ) -> DaskResult:
        """Deduplicate files, folders and globs of shards into ``output_dir``."""
        import dask

        if isinstance(inputs, (str, os.PathLike)):
            inputs = [inputs]
        directory = Path(output_dir)
        # The local engine's guard: collisions with inputs refused, the folder locked and swept,
        # SIGTERM unwinding; the shard folders are outputs too.
        names = [w.filename for w in self.engine.writers] + [
            name for name in SHARDED if name in self.config.writers
        ]
        expanded = expand_inputs(inputs)
        with guarded(expanded, directory, names):
            corpus = self.engine.open_files(expanded, output_dir=directory)
            try:
                with dask.config.set(DASK_SETTINGS):
                    return self._run(corpus, directory, on_bad, progress or Progress(enabled=False))
            finally:
                corpus.close()

    def _run(
        self,
        corpus: Corpus,
        directory: Path,
        on_bad: BadRecordHandler | None,
        progress: Progress,
    ) -> DaskResult:
        import dask

        cfg, engine, client = self.config, self.engine, self.client
        started = time.perf_counter()
        timings: dict[str, float] = {}
        bad_records: list[BadRecord] = []
        bad_count: Counter[str] = Counter()

        def record_bad(bad: BadRecord, counted: bool = False) -> None:
            if not counted:
                bad_count[bad.reason.split(":")[0]] += 1
            if len(bad_records) < MAX_KEPT_BAD_RECORDS:
                bad_records.append(bad)
            if on_bad is not None:
                on_bad(bad)

        for bad in corpus.discovery.bad if corpus.discovery is not None else []:
            record_bad(bad)
        self._check_workers()

        t0 = time.perf_counter()
        engine.chain = learn_chain(engine, corpus, progress)
        spec = EngineSpec.of(engine)
        spec_f = client.scatter(spec, broadcast=True)
        timings["learn"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        progress.stage("reading and signing on the workers")
        workers = len(client.scheduler_info()["workers"])
        chunks = corpus.chunks(self.chunk_bytes or chunk_bytes(corpus, cfg, workers))
        if not chunks and bad_count:  # every input skipped (a mistyped path): as locally
            raise InputError(
                f"no document could be read ({sum(bad_count.values()):,} skipped, see above); "
                f"the outputs in {directory} are unchanged"
            )
        self.partitions = max(workers, -(-len(chunks) // CHUNKS_PER_PARTITION))
        first = self._sign(spec_f, chunks, record_bad, bad_count)
        n = first.n_docs
        renames, renamed = self._check_ids(first)
        timings["read+signatures"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        progress.stage("finding candidates")
        candidates = client.persist(self._candidates(spec_f, first, renames))
        n_pairs, n_lsh = dask.compute(candidates.shape[0], candidates["lsh"].sum())
        timings["lsh"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        progress.stage("reading candidates again")
        docs = client.persist(self._load(spec_f, first, renames, candidates))
        n_candidate_docs = int(docs.shape[0].compute())
        timings["read candidates"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        progress.stage(f"verifying {int(n_pairs):,} candidate pairs")
        verified = client.persist(self._verify(spec_f, candidates, docs))
        accepted = verified[verified["accepted"]]
        n_accepted = int(accepted.shape[0].compute())
        timings["score+decide"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        progress.stage("clustering")
        parts = self.partitions
        import dask.dataframe as dd

        labels = component_labels(accepted[["a", "b"]], client, parts)
        members = labels.merge(docs, on="doc", npartitions=parts)
        # The accepted pairs travel with their component, so a cluster can be split around
        # its representative (every copy verified against the document kept).
        edges = accepted[["a", "b", "s0"]].merge(
            labels.rename(columns={"doc": "a"}), on="a", npartitions=parts
        )
        members = dd.concat(
            [
                members.assign(a=-1, b=-1, s0=0.0),
                edges.assign(doc=-1, data=None)[list(frames.MEMBERS.columns)],
            ]
        )[list(frames.MEMBERS.columns)].shuffle(on="label", npartitions=parts)
        # Persisted before the sort below: computing the sort's divisions over the concat
        # expression deadlocks on Python 3.11 (functools.cached_property holds a class-wide
        # lock while dask computes in another thread).
        members = client.persist(members)
        clusters = members.map_partitions(represent_partition, spec_f, meta=frames.CLUSTERS)
        clusters = client.persist(clusters.sort_values("key"))
        n_scorers = len(self.engine.scorers)
        extra = client.persist(
            clusters.map_partitions(verified_pairs, n_scorers, meta=frames.scored(n_scorers))
        )
        n_extra = int(extra.shape[0].compute())
        if n_extra:
            accepted = dd.concat([accepted, extra])
        timings["cluster+represent"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        progress.stage("writing")
        out = ShardedOutput(directory, list(cfg.writers))
        try:
            n_clusters, in_clusters = self._write_clusters(out, clusters)
            kept = self._write_kept(out, spec_f, first, clusters)
            if "pairs" in cfg.writers:
                self._write_pairs(out, accepted)
            for name in ("clusters", "pairs", "dropped"):
                if name in cfg.writers:
                    out.concatenate(name, f"{name}.jsonl")
            counts = {
                "documents_read": n,
                "documents_skipped": sum(bad_count.values()),
                "empty_after_normalisation": first.empty,
                "candidate_pairs": int(n_pairs),
                "representative_pairs_verified": int(clusters["checked"].sum().compute()),
                "candidate_pairs_lsh": int(n_lsh),
                "candidate_documents": n_candidate_docs,
                "accepted_pairs": n_accepted + n_extra,
                "clusters": n_clusters,
                "documents_in_clusters": in_clusters,
                "duplicates_removed": in_clusters - n_clusters,
                "kept": kept,
                "encodings": dict(sorted(first.encodings.items())),
                "skipped_by_reason": dict(sorted(bad_count.items())),
                "renamed_ids": renamed,
                "chunks": len(chunks),
                "workers": workers,
            }
            if corpus.discovery is not None:
                counts["input_files"] = len(corpus.discovery.sources)
                counts["ignored_files"] = corpus.discovery.ignored
            info = self._info(corpus, workers)
            timings["write"] = time.perf_counter() - t0
            timings["total"] = time.perf_counter() - started
            if "report" in cfg.writers:
                self._write_report(out, counts, timings, info, bad_records)
            written = out.commit()
        except BaseException:
            out.abort()
            raise
        timings["total"] = time.perf_counter() - started
        progress.done()
        return DaskResult(counts, timings, info, written, bad_records)

    # -- stages ---------------------------------------------------------------------------------
    def _check_workers(self) -> None:
        """Every worker must load the plugins the client loads (same versions)."""
        here = {n: i.version for n, i in self.engine.pm.infos.items() if not i.builtin}
        for address, there in self.client.run(loaded_plugins).items():
            for name, version in sorted(here.items()):
                if name not in there:
                    raise PluginError(
                        f"plugin {name!r} is loaded here but not on dask worker {address}: "
                        "install it on every worker (see docs/distributed.md)"
                    )
                if there[name] != version:
                    raise PluginError(
                        f"plugin {name!r} is version {version} here but {there[name]} on dask "
                        f"worker {address}: install the same version everywhere"
                    )

    def _sign(
        self,
        spec_f: Any,
        chunks: list[Chunk],
        record_bad: Callable[..., None],
        bad_count: Counter[str],
    ) -> _Pass1:
        """Pass 1 on the workers; the client numbers the documents in chunk order."""
        client = self.client
        signed = [client.submit(work.sign, spec_f, c, pure=False) for c in chunks]
        summaries = client.gather(client.map(work.summarise, signed))
        bases: list[int] = []
        n = 0
        empty = 0
        encodings: Counter[str] = Counter()
        for summary in summaries:
            bases.append(n)
            n += summary.n_docs
            empty += summary.empty
            encodings.update(summary.encodings)
            bad_count.update(summary.bad_counts)
            for bad in summary.bad:
                record_bad(bad, counted=True)
        return _Pass1(chunks, signed, bases, n, empty, encodings)

    def _check_ids(self, first: _Pass1) -> tuple[dict[int, str], int]:
        import dask.dataframe as dd

        if first.n_docs < 2:
            return {}, 0
        client = self.client
        parts = [
            client.submit(work.id_frame, s, b)
            for s, b in zip(first.signed, first.bases, strict=True)
        ]
        ids = dd.from_delayed(parts, meta=frames.IDS, verify_meta=False)

        def locate(doc: int) -> Any:
            chunk = int(np.searchsorted(first.bases, doc, side="right")) - 1
            return client.submit(
                work.location, first.signed[chunk], doc - first.bases[chunk]
            ).result()

        policy = self.config.duplicate_ids
        return check_ids(ids, policy, locate, self.partitions)

    def _candidates(self, spec_f: Any, first: _Pass1, renames: dict[int, str]) -> Any:
        """Distinct candidate pairs (a, b, lsh), a < b, as a Dask dataframe."""
        import dask.dataframe as dd

        client, engine = self.client, self.engine
        pieces = list(zip(first.signed, first.bases, strict=True))
        raw = []
        if first.n_docs >= 2:
            bands = dd.from_delayed(
                [client.submit(work.band_frame, spec_f, s, b, renames) for s, b in pieces],
                meta=frames.BANDS,
                verify_meta=False,
            )
            raw.append(
                bands.shuffle(on="key", npartitions=self.partitions).map_partitions(
                    cand.bucket_pairs, self.config.max_bucket, meta=frames.RAW_PAIRS
                )
            )
        if engine.anchors is not None and first.n_docs >= 2:
            anchors = dd.from_delayed(
                [client.submit(work.anchor_frame, s, b, renames) for s, b in pieces],
                meta=frames.ANCHORS,
                verify_meta=False,
            )
            raw.append(
                anchors.shuffle(on="value", npartitions=self.partitions).map_partitions(
                    cand.anchor_raw_pairs, engine.anchors, meta=frames.RAW_PAIRS
                )
            )
        if not raw:
            return dd.from_pandas(frames.CANDIDATES, npartitions=1)
        pairs = dd.concat(raw) if len(raw) > 1 else raw[0]
        return pairs.shuffle(on=["a", "b"], npartitions=self.partitions).map_partitions(
            cand.select_candidates, engine.anchors, meta=frames.CANDIDATES
        )

    def _load(self, spec_f: Any, first: _Pass1, renames: dict[int, str], candidates: Any) -> Any:
        """Pass 2: the candidate documents' data, from the chunks that hold them."""
        import dask
        import dask.dataframe as dd

        wanted = dd.concat(
            [
                candidates[["a"]].rename(columns={"a": "doc"}),
                candidates[["b"]].rename(columns={"b": "doc"}),
            ]
        )
        parts = _by_chunk(wanted, first).to_delayed()
        load = dask.delayed(work.load_docs, pure=True)
        tasks = [
            load(spec_f, chunk, signed, base, renames, part)
            for chunk, signed, base, part in zip(
                first.chunks, first.signed, first.bases, parts, strict=True
            )
        ]
        futures = self.client.compute(tasks)
        return dd.from_delayed(futures, meta=frames.DOCS, verify_meta=False)

    def _verify(self, spec_f: Any, candidates: Any, docs: Any) -> Any:
        """Candidate pairs joined with both documents and scored on the workers."""
        left = docs.rename(columns={"doc": "a", "data": "da"})
        right = docs.rename(columns={"doc": "b", "data": "db"})
        parts = self.partitions
        joined = (
            candidates[["a", "b"]]
            .merge(left, on="a", npartitions=parts)
            .merge(right, on="b", npartitions=parts)
        )
        meta = frames.scored(len(self.engine.scorers))
        return joined.map_partitions(score_partition, spec_f, meta=meta)

    def _write_clusters(self, out: ShardedOutput, clusters: Any) -> tuple[int, int]:
        import dask

        names = [n for n in ("clusters", "dropped") if n in self.config.writers]
        sizes = clusters.map_partitions(len, meta=("n", "int64")).compute().tolist()
        starts = np.concatenate([[0], np.cumsum(sizes)]).tolist()
        write = dask.delayed(write_cluster_shard, pure=False)
        scorer = self.config.scorers[0].name
        tasks = [
            write(part, int(starts[k]), scorer, {name: out.shard(name, k) for name in names})
            for k, part in enumerate(clusters.to_delayed())
        ]
        written = dask.compute(*tasks)
        return sum(c for c, _ in written), sum(m for _, m in written)

    def _write_kept(self, out: ShardedOutput, spec_f: Any, first: _Pass1, clusters: Any) -> int:
        """The kept shards, one per chunk (run even without ``kept`` for the count)."""
        import dask

        routed = _by_chunk(clusters.map_partitions(dropped_docs, meta=frames.DOC), first)
        write = dask.delayed(work.write_kept, pure=False)
        keep = "kept" in self.config.writers
        tasks = [
            write(
                spec_f,
                chunk,
                signed,
                base,
                part,
                out.shard("kept", k) if keep else os.devnull,
            )
            for k, (chunk, signed, base, part) in enumerate(
                zip(first.chunks, first.signed, first.bases, routed.to_delayed(), strict=True)
            )
        ]
        return int(sum(dask.compute(*tasks)))

    def _write_pairs(self, out: ShardedOutput, accepted: Any) -> None:
        import dask

        ordered = accepted.sort_values("key")
        names = [s.name for s, _ in self.engine.scorers]
        write = dask.delayed(write_pair_shard, pure=False)
        tasks = [
            write(part, names, out.shard("pairs", k)) for k, part in enumerate(ordered.to_delayed())
        ]
        dask.compute(*tasks)

    def _info(self, corpus: Corpus, workers: int) -> dict[str, Any]:
        engine = self.engine
        return {
            "dedupe_version": __version__,
            "engine": "dask",
            "dask_workers": workers,
            "inputs": corpus.description,
            "kernels": kernels.BACKEND,
            "banding": {"bands": engine.banding.bands, "rows": engine.banding.rows},
            "plugins": sorted(engine.pm.infos),
            "learned": dict(engine.learned),
            "python": platform.python_version(),
        }

    def _write_report(
        self,
        out: ShardedOutput,
        counts: dict[str, Any],
        timings: dict[str, float],
        info: dict[str, Any],
        bad_records: list[BadRecord],
    ) -> None:
        """``report.json`` by the built-in report writer (it reads only these fields)."""
        empty = np.zeros(0, dtype=np.int64)
        result = RunResult(
            config=self.config,
            n_docs=counts["documents_read"],
            clusters=[],
            pairs=empty.reshape(0, 2),
            pair_scores={},
            accepted=empty.astype(bool),
            ids=[],
            dropped=empty.astype(bool),
            bad_records=bad_records,
            counts=counts,
            timings=timings,
            info=info,
        )
        writer = self.engine.registry.get("writer", "report")
        writer.write(result, out.temp_path(writer.filename))


def _by_chunk(docs: Any, first: _Pass1) -> Any:
    """A Dask dataframe of (doc) rows repartitioned so that partition k holds the documents of
    chunk k (a range shuffle on the chunk number)."""
    bases = np.asarray(first.bases, dtype=np.int64)
    routed = docs.assign(
        chunk=docs["doc"].map_partitions(work.chunk_of, bases, meta=("chunk", "int64"))
    )
    return routed.set_index("chunk", divisions=list(range(len(first.chunks) + 1)))


def run_dask(
    config: Config,
    inputs: Sequence[str | os.PathLike[str]],
    output_dir: str | os.PathLike[str],
    *,
    scheduler: str | None = "local",
    workers: int = 0,
    on_bad: BadRecordHandler | None = None,
    progress: Progress | None = None,
) -> DaskResult:
    """Run ``config`` on the Dask cluster at ``scheduler`` (``local``: a LocalCluster of
    ``workers`` processes, 0 for one per core) and write into ``output_dir``."""
    require_dask()
    if output_dir is None:
        raise OutputError("a distributed run needs an output directory")
    with connect(scheduler, workers) as client:
        return DaskEngine(config, client).run(inputs, output_dir, on_bad=on_bad, progress=progress)
