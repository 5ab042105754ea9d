"""The write step on Dask: every writer of the plan writes its own output, wherever it runs.

A writer made of one part of the result (:attr:`dedupe.write.Writer.shards`) writes a shard per
partition on the workers: per sorted partition of clusters (``clusters.jsonl``,
``dropped.jsonl``), of accepted pairs (``pairs.jsonl``), per input chunk of kept documents
(``kept/``); the client joins the shards (:class:`~dedupe.distributed.output.ShardedOutput`).
A summary writer (``report.json``) is written last on the client from the counts; any other
writer needs the whole result, which is then gathered on the client (clusters, accepted pairs,
and the kept documents read from the input there) so that it runs as in a local run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dedupe.corpus import Chunk, Corpus
from dedupe.distributed import chunks as work
from dedupe.distributed import frames
from dedupe.distributed.output import ShardedOutput, write_cluster_shards, write_pair_shards
from dedupe.distributed.represent import dropped_docs
from dedupe.documents import BadRecord, Record
from dedupe.parts import summary_result
from dedupe.plan import RunPlan
from dedupe.result import RunResult


@dataclass
class Pass1:
    """Pass-1 results on the workers, and the client's view of them."""

    chunks: list[Chunk]
    signed: list[Any]
    bases: list[int]
    n_docs: int
    empty: int
    encodings: Counter[str]

    def chunk_of(self, doc: int) -> int:
        return int(np.searchsorted(self.bases, doc, side="right")) - 1

    def routed(self, docs: Any) -> Any:
        """A Dask dataframe of (doc) rows repartitioned so that partition k holds the
        documents of chunk k (a range shuffle on the chunk number)."""
        bases = np.asarray(self.bases, dtype=np.int64)
        routed = docs.assign(
            chunk=docs["doc"].map_partitions(work.chunk_of, bases, meta=("chunk", "int64"))
        )
        return routed.set_index("chunk", divisions=list(range(len(self.chunks) + 1)))


@dataclass
class Written:
    """What the sharded writers wrote (clusters and their members counted on the way), and
    the writers left for the client once the counts are known."""

    plan: RunPlan
    out: ShardedOutput
    clusters: int
    members: int
    later: list[Any] = field(default_factory=list)
    whole: RunResult | None = None

    def summaries(
        self,
        counts: dict[str, Any],
        timings: dict[str, float],
        info: dict[str, Any],
        bad_records: list[BadRecord],
    ) -> None:
        """Write the writers that run on the client: the whole-result ones, then the summary
        ones (they report every other output's time)."""
        summary = summary_result(self.plan.config, counts, timings, info, bad_records)
        for writer in self.later:
            if writer.summary:
                continue
            assert self.whole is not None
            self.whole.counts, self.whole.timings, self.whole.info = counts, timings, info
            self.whole.bad_records = bad_records
            writer.write(self.whole, self.out.temp_path(writer.filename))
        for writer in self.later:
            if writer.summary:
                writer.write(summary, self.out.temp_path(writer.filename))


def write_outputs(
    plan: RunPlan,
    client: Any,
    spec_f: Any,
    out: ShardedOutput,
    first: Pass1,
    clusters: Any,
    accepted: Any,
    corpus: Corpus,
) -> Written:
    """Every sharded writer's shards, joined; the others are left to
    :meth:`Written.summaries` (the whole result gathered first when one needs it)."""
    import dask

    sizes = clusters.map_partitions(len, meta=("n", "int64")).compute().tolist()
    starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64).tolist()
    write = dask.delayed(write_cluster_shards, pure=False)
    tasks = [
        write(part, int(starts[k]), spec_f, out.shards("clusters", k))
        for k, part in enumerate(clusters.to_delayed())
    ]
    done = dask.compute(*tasks)
    n_clusters, n_members = sum(c for c, _ in done), sum(m for _, m in done)
    ordered = accepted.sort_values("key")
    if out.shards("pairs", 0):
        write_pairs = dask.delayed(write_pair_shards, pure=False)
        dask.compute(
            *[
                write_pairs(part, spec_f, out.shards("pairs", k))
                for k, part in enumerate(ordered.to_delayed())
            ]
        )
    routed = first.routed(clusters.map_partitions(dropped_docs, meta=frames.DOC))
    if out.shards("kept", 0):
        write_kept = dask.delayed(work.write_kept, pure=False)
        dask.compute(
            *[
                write_kept(spec_f, chunk, signed, base, part, out.shards("kept", k))
                for k, (chunk, signed, base, part) in enumerate(
                    zip(first.chunks, first.signed, first.bases, routed.to_delayed(), strict=True)
                )
            ]
        )
    out.join()
    later = [w for w in plan.writers if w.summary or w.shards is None]
    written = Written(plan, out, n_clusters, n_members, later)
    if any(not w.summary for w in later):
        written.whole = gathered(plan, client, first, clusters, ordered, routed, corpus)
    return written


def gathered(
    plan: RunPlan,
    client: Any,
    first: Pass1,
    clusters: Any,
    ordered: Any,
    routed: Any,
    corpus: Corpus,
) -> RunResult:
    """The whole result in this process, for a writer that reads more than one part: the
    clusters (numbered) and accepted pairs in output order, documents numbered by their ids
    in order (the copies marked dropped), and the kept documents read from the input here."""
    import dask

    found = list(clusters.compute()["cluster"])
    for k, cluster in enumerate(found):
        cluster.number = k
    pairs = ordered.compute()
    ids = sorted({m for c in found for m in c.members} | set(pairs["id_a"]) | set(pairs["id_b"]))
    number = {doc_id: k for k, doc_id in enumerate(ids)}
    dropped = np.zeros(len(ids), dtype=bool)
    for cluster in found:
        for m in cluster.members:
            dropped[number[m]] = m != cluster.representative
    a = [number[x] for x in pairs["id_a"]]
    b = [number[x] for x in pairs["id_b"]]
    names = [s.name for s, _ in plan.scorers]
    parts = routed.to_delayed()

    def kept_chunks() -> Iterator[tuple[Chunk, set[Any]]]:
        for chunk, signed, base, part in zip(
            first.chunks, first.signed, first.bases, parts, strict=True
        ):
            task = dask.delayed(work.kept_locations)(signed, base, part)
            keep = client.compute(task).result()
            if keep:
                yield chunk, keep

    def lines() -> Iterator[str]:
        for chunk, keep in kept_chunks():
            yield from corpus.kept_lines(chunk, keep)

    def blocks() -> Iterator[bytes]:
        for chunk, keep in kept_chunks():
            yield from corpus.kept_blocks(chunk, keep)

    def records() -> Iterator[Record]:
        for chunk, keep in kept_chunks():
            yield from (r for r in corpus.read(chunk, keep) if isinstance(r, Record))

    return RunResult(
        config=plan.config,
        n_docs=len(ids),
        clusters=found,
        pairs=np.array([a, b], dtype=np.int64).T.reshape(-1, 2),
        pair_scores={n: pairs[f"s{k}"].to_numpy(dtype=np.float64) for k, n in enumerate(names)},
        accepted=np.ones(len(pairs), dtype=bool),
        ids=ids,
        dropped=dropped,
        bad_records=[],
        counts={},
        timings={},
        info={},
        via_representative=pairs["via"].to_numpy(dtype=bool),
        kept_lines=lines,
        kept_record_reader=records,
        kept_block_reader=blocks,
        plan=plan,
    )
