"""The Dask executor: the steps every executor runs, each spread over the workers of a cluster.

What runs where (``C`` chunks, every arrow a Dask computation; only small things, marked
*client*, come back to the client):

1. *client*: discover the inputs, cut them into chunks, learn the ``boilerplate`` lines from a
   sample of the input exactly as a local run does (:func:`dedupe.learn.learn_plan`), and
   ship the plan as data (:class:`~dedupe.distributed.spec.PlanSpec`).
2. pass 1 per chunk (:func:`dedupe.pipeline.pass1.sign_chunk`); results stay on the workers,
   the client gets each chunk's document count (for numbering) and skipped records.
3. ids shuffled by id: repeated ids stop the run or are renamed as locally.
4. band keys shuffled by key, anchors shuffled by value, then all raw pairs shuffled by pair:
   the candidate pairs (:mod:`dedupe.distributed.candidates`).
5. candidate documents routed to their chunk: taken from its pass-1 result there, or read again
   (:func:`dedupe.pipeline.pass2.load_chunk`) when a scorer or policy reads texts.
6. pairs joined with both documents (two shuffle joins) and verified by the scorers.
7. accepted pairs: connected components by label propagation.
8. members joined with their data, shuffled by component: representatives and roles.
9. clusters sorted by first member id; each output written by its writer, on the workers one
   shard per partition (:mod:`dedupe.distributed.writing`); *client*: the shards joined into
   the writers' files (a local run's bytes), and ``report.json``.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dedupe.config import Config
from dedupe.corpus import Corpus
from dedupe.distributed import candidates as cand
from dedupe.distributed import chunks as work
from dedupe.distributed import frames
from dedupe.distributed.components import component_labels
from dedupe.distributed.connect import check_output_format, connect, require_dask
from dedupe.distributed.ids import check_ids
from dedupe.distributed.output import ShardedOutput
from dedupe.distributed.represent import represent_partition, verified_pairs
from dedupe.distributed.shards import chunk_bytes, expand_inputs
from dedupe.distributed.spec import PlanSpec, loaded_plugins
from dedupe.distributed.verify import score_partition
from dedupe.distributed.writing import Pass1, Written, write_outputs
from dedupe.documents import BadRecord
from dedupe.errors import InputError, OutputError, PluginError
from dedupe.learn import learn_plan
from dedupe.outdir import guarded
from dedupe.pipeline.inputs import open_files
from dedupe.pipeline.report import BadRecords, run_counts, run_info
from dedupe.plan import RunPlan, plan_for
from dedupe.plugins import get_plugin_manager
from dedupe.progress import Progress
from dedupe.registry import Registry

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


class DaskEngine:
    """Runs a :class:`~dedupe.plan.RunPlan` (or a config, resolved here with the installed
    plugins) on a ``distributed.Client``'s cluster.

    >>> from distributed import Client                                  # doctest: +SKIP
    >>> DaskEngine(make_config(), Client("tcp://scheduler:8786")).run(["shards/"], "out")
    """

    def __init__(
        self, plan: RunPlan | Config, client: Any, *, chunk_bytes: int | None = None
    ) -> None:
        """``chunk_bytes``: input bytes per pass-1 task (default: ``chunk_mb``, smaller when
        needed to give every worker several chunks); it changes no output."""
        require_dask()
        if isinstance(plan, Config):
            plan = plan_for(plan, Registry(get_plugin_manager()))
        check_output_format(plan.config.output_format)
        self.plan = plan.with_output_format("jsonl")
        self.config = plan.config
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
        # The local executor's guard: collisions with inputs refused, the folder locked and
        # swept, SIGTERM unwinding; the shard folders are outputs too.
        writers = self.plan.writers
        names = [w.filename for w in writers] + [w.name for w in writers if w.shards]
        expanded = expand_inputs(inputs)
        with guarded(expanded, directory, names):
            corpus = open_files(self.plan, expanded, output_dir=directory)
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

        cfg, client = self.config, self.client
        started = time.perf_counter()
        timings: dict[str, float] = {}
        bad = BadRecords(on_bad)
        for record in corpus.discovery.bad if corpus.discovery is not None else []:
            bad(record)
        self._check_workers()

        t0 = time.perf_counter()
        plan = self.plan = learn_plan(self.plan, corpus, progress)
        spec_f = client.scatter(PlanSpec.of(plan), broadcast=True)
        timings["learn"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        progress.stage("reading and signing on the workers")
        workers = len(client.scheduler_info()["workers"])
        chunks = corpus.chunks(self.chunk_bytes or chunk_bytes(corpus, cfg, workers))
        if not chunks and bad.total:  # every input skipped (a mistyped path): as locally
            raise InputError(
                f"no document could be read ({bad.total:,} skipped, see above); "
                f"the outputs in {directory} are unchanged"
            )
        self.partitions = max(workers, -(-len(chunks) // CHUNKS_PER_PARTITION))
        first = self._sign(spec_f, chunks, bad)
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
        clusters, accepted, n_extra = self._clusters(spec_f, accepted, docs)
        timings["cluster+represent"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        progress.stage("writing")
        out = ShardedOutput(directory, plan.writers)
        try:
            written: Written = write_outputs(
                plan, client, spec_f, out, first, clusters, accepted, corpus
            )
            counts = run_counts(
                n_docs=n,
                bad=bad,
                empty=first.empty,
                candidates=int(n_pairs),
                verified=int(clusters["checked"].sum().compute()),
                lsh=int(n_lsh),
                candidate_docs=n_candidate_docs,
                accepted=n_accepted + n_extra,
                clusters=written.clusters,
                in_clusters=written.members,
                kept=n - (written.members - written.clusters),
                encodings=first.encodings,
                renamed=renamed,
                chunks=len(chunks),
                workers=workers,
                discovery=corpus.discovery,
            )
            info = run_info(plan, corpus.description, engine="dask", dask_workers=workers)
            timings["write"] = time.perf_counter() - t0
            timings["total"] = time.perf_counter() - started
            written.summaries(counts, timings, info, bad.kept)
            outputs = out.commit()
        except BaseException:
            out.abort()
            raise
        timings["total"] = time.perf_counter() - started
        progress.done()
        return DaskResult(counts, timings, info, outputs, bad.kept)

    # -- steps ----------------------------------------------------------------------------------
    def _check_workers(self) -> None:
        """Every worker must load the plugins the client loads (same versions)."""
        here = self.plan.third_party
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

    def _sign(self, spec_f: Any, chunks: list[Any], bad: BadRecords) -> Pass1:
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
            bad.by_reason.update(summary.bad_counts)
            for record in summary.bad:
                bad(record, counted=True)
        return Pass1(chunks, signed, bases, n, empty, encodings)

    def _check_ids(self, first: Pass1) -> tuple[dict[int, str], int]:
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
            chunk = first.chunk_of(doc)
            return client.submit(
                work.location, first.signed[chunk], doc - first.bases[chunk]
            ).result()

        return check_ids(ids, self.config.duplicate_ids, locate, self.partitions)

    def _candidates(self, spec_f: Any, first: Pass1, renames: dict[int, str]) -> Any:
        """Distinct candidate pairs (a, b, lsh), a < b, as a Dask dataframe."""
        import dask.dataframe as dd

        client, anchors = self.client, self.plan.anchors
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
        if anchors is not None and first.n_docs >= 2:
            anchor_rows = dd.from_delayed(
                [client.submit(work.anchor_frame, s, b, renames) for s, b in pieces],
                meta=frames.ANCHORS,
                verify_meta=False,
            )
            raw.append(
                anchor_rows.shuffle(on="value", npartitions=self.partitions).map_partitions(
                    cand.anchor_raw_pairs, anchors, meta=frames.RAW_PAIRS
                )
            )
        if not raw:
            return dd.from_pandas(frames.CANDIDATES, npartitions=1)
        pairs = dd.concat(raw) if len(raw) > 1 else raw[0]
        return pairs.shuffle(on=["a", "b"], npartitions=self.partitions).map_partitions(
            cand.select_candidates, anchors, meta=frames.CANDIDATES
        )

    def _load(self, spec_f: Any, first: Pass1, renames: dict[int, str], candidates: Any) -> Any:
        """Pass 2: the candidate documents' data, from the chunks that hold them."""
        import dask
        import dask.dataframe as dd

        wanted = dd.concat(
            [
                candidates[["a"]].rename(columns={"a": "doc"}),
                candidates[["b"]].rename(columns={"b": "doc"}),
            ]
        )
        parts = first.routed(wanted).to_delayed()
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
        meta = frames.scored(len(self.plan.scorers))
        return joined.map_partitions(score_partition, spec_f, meta=meta)

    def _clusters(self, spec_f: Any, accepted: Any, docs: Any) -> tuple[Any, Any, int]:
        """Clusters sorted by first member id (components of the accepted pairs, each with its
        data and its accepted pairs, represented on the workers), the accepted pairs with
        those found verifying members against their representative, and how many those are."""
        import dask.dataframe as dd

        client, parts = self.client, self.partitions
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
        n_scorers = len(self.plan.scorers)
        extra = client.persist(
            clusters.map_partitions(verified_pairs, n_scorers, meta=frames.scored(n_scorers))
        )
        n_extra = int(extra.shape[0].compute())
        if n_extra:
            accepted = dd.concat([accepted, extra])
        return clusters, accepted, n_extra


def run_dask(
    plan: RunPlan | Config,
    inputs: Sequence[str | os.PathLike[str]],
    output_dir: str | os.PathLike[str],
    *,
    scheduler: str | None = "local",
    workers: int | None = None,
    on_bad: BadRecordHandler | None = None,
    progress: Progress | None = None,
) -> DaskResult:
    """Run ``plan`` on the Dask cluster at ``scheduler`` (``local``: a LocalCluster of
    ``workers`` processes, default the plan's ``workers`` setting, 0 for one per core) and
    write into ``output_dir``."""
    require_dask()
    if output_dir is None:
        raise OutputError("a distributed run needs an output directory")
    config = plan if isinstance(plan, Config) else plan.config
    size = config.workers if workers is None else workers
    with connect(scheduler, size) as client:
        return DaskEngine(plan, client).run(inputs, output_dir, on_bad=on_bad, progress=progress)
