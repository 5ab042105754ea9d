"""The contracts of the other component kinds: readers, shingle units, representative
policies, writers, storage backends and executors, each checked on real input (the tiny
corpus, or a file of the reader's format), so that a plugin's component is held to what the
stages and every executor rely on."""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import xxhash

from dedupe.documents import BadRecord, Record
from dedupe.engine import Engine
from dedupe.executors import Executor, Job
from dedupe.index.base import StorageBackend
from dedupe.parts import cluster_result, pair_result, summary_result
from dedupe.read import Reader, ReadOptions, Source
from dedupe.represent import ClusterView, RepresentativePolicy
from dedupe.result import PairRow, RunResult
from dedupe.shingle import ShingleUnit
from dedupe.testing.corpus import TINY_CLUSTERS, TINY_CORPUS
from dedupe.testing.engines import isolated_engine, pair_context
from dedupe.write import Writer

# -- readers ------------------------------------------------------------------------------------


def _read(reader: Reader, source: Source, options: ReadOptions) -> list[Record | BadRecord]:
    items = list(reader.read(source, options))
    for item in items:
        assert isinstance(item, (Record, BadRecord)), (
            f"reader {reader.name!r} yielded {type(item).__name__}, not a Record or BadRecord"
        )
        if isinstance(item, Record):
            assert isinstance(item.id, str) and isinstance(item.text, str), (
                f"reader {reader.name!r}: a record's id and text must be str: {item.id!r}"
            )
            assert item.line is None or isinstance(item.line, int), (
                f"reader {reader.name!r}: a record's line must be an int or None"
            )
    return items


def _key(item: Record | BadRecord) -> tuple[Any, ...]:
    if isinstance(item, Record):
        return ("record", item.id, item.text, item.line)
    return ("bad", item.line, item.reason)


def check_reader(
    reader: Reader, path: str | os.PathLike[str], options: ReadOptions | None = None
) -> list[Record]:
    """Assert that ``reader`` keeps the reader contract on ``path``, a file of its format;
    return its records.

    - it yields :class:`~dedupe.documents.Record` and :class:`~dedupe.documents.BadRecord`
      only, ids and texts as ``str``, lines as ``int`` or ``None``;
    - a second read finds the same records at the same places (later passes read again);
    - a splittable reader (:attr:`dedupe.read.Reader.splittable`) reads the file cut in two
      at a line start as the same records with the same line numbers, and with
      ``only_lines`` exactly those lines.
    """
    path = os.fspath(path)
    options = options or ReadOptions()
    source = Source(path, path, reader.name)
    first = _read(reader, source, options)
    assert [_key(i) for i in _read(reader, source, options)] == [_key(i) for i in first], (
        f"reader {reader.name!r} reads {path} differently the second time"
    )
    records = [r for r in first if isinstance(r, Record)]
    if reader.splittable:
        data = Path(path).read_bytes()
        cut = data.find(b"\n", len(data) // 2) + 1
        if 0 < cut < len(data):
            halves = [
                Source(path, path, reader.name, start=0, stop=cut, first_line=1),
                Source(path, path, reader.name, start=cut, first_line=1 + data[:cut].count(b"\n")),
            ]
            parts = [i for s in halves for i in _read(reader, s, options)]
            assert [_key(i) for i in parts] == [_key(i) for i in first], (
                f"splittable reader {reader.name!r} reads {path} cut at byte {cut} otherwise "
                "than whole"
            )
        lines = frozenset(r.line for r in records[::2] if r.line is not None)
        only = dataclasses.replace(source, only_lines=lines)
        picked = [r for r in _read(reader, only, options) if isinstance(r, Record)]
        assert {r.line for r in picked} == lines, (
            f"splittable reader {reader.name!r} does not read only the lines asked for"
        )
    return records


# -- shingle units ------------------------------------------------------------------------------


def check_shingle_unit(unit: ShingleUnit, texts: Sequence[str] | None = None, n: int = 3) -> None:
    """Assert that ``unit`` keeps the shingle unit contract on ``texts`` (default: the tiny
    corpus and some edge cases): ``hash_batch`` gives uint32 hashes in CSR layout (int64
    offsets, one more than texts), each text's hashes are the xxh32 of the UTF-8 of its
    ``shingles(text, n)`` in the same order (the signature scheme), a batch equals text by
    text, and ``hash_encoded`` (when given) equals ``hash_batch``."""
    sample = list(texts or [t for _, t in TINY_CORPUS] + ["", "one", "a b", "東京 text"])
    hashes, offsets = unit.hash_batch(sample, n)
    assert hashes.dtype == np.uint32 and offsets.dtype == np.int64, (
        f"shingle unit {unit.name!r}: hashes must be uint32 and offsets int64"
    )
    assert len(offsets) == len(sample) + 1 and offsets[0] == 0 and offsets[-1] == len(hashes)
    assert np.all(np.diff(offsets) >= 0), f"shingle unit {unit.name!r}: offsets decrease"
    h = xxhash.xxh32_intdigest
    for k, text in enumerate(sample):
        shingles = unit.shingles(text, n)
        want = [h(s.encode("utf-8", "surrogatepass")) for s in shingles]
        got = hashes[offsets[k] : offsets[k + 1]].tolist()
        assert got == want, (
            f"shingle unit {unit.name!r}: the hashes of {text[:40]!r} are not the xxh32 of its "
            "shingles, in order"
        )
        one, one_offsets = unit.hash_batch([text], n)
        assert one.tolist() == got and one_offsets.tolist() == [0, len(got)]
    if unit.hash_encoded is not None:
        from dedupe.kernels import encode_batch

        encoded, encoded_offsets = unit.hash_encoded(*encode_batch(sample), n)
        assert encoded.tolist() == hashes.tolist()
        assert encoded_offsets.tolist() == offsets.tolist()


# -- representative policies --------------------------------------------------------------------


def check_policy(policy: RepresentativePolicy, engine: Engine | None = None) -> None:
    """Assert that ``policy`` keeps the representative policy contract on the tiny corpus's
    clusters: it chooses a member, the same one every time, whatever order the view's members
    are listed in; ``choose_pairs`` (when given) chooses as ``choose`` does for two-member
    clusters; a policy that says it reads no text chooses the same without texts."""
    ctx, ids = pair_context(TINY_CORPUS, engine)
    number = {doc_id: k for k, doc_id in enumerate(ids)}
    groups = [np.array(sorted(number[i] for i in c), dtype=np.int64) for c in TINY_CLUSTERS]
    groups += [np.array(p, dtype=np.int64) for p in ((0, 1), (1, 2), (0, 2), (3, 4))]
    options = {"date_field": "date"}
    no_text = ctx
    if not policy.needs_text:
        store = dataclasses.replace(ctx.store, texts=None, normalised=None)
        no_text = type(ctx)(store, ctx.signatures, **ctx.options)
    for members in groups:
        chosen = policy(ClusterView(members, ctx, options))
        assert chosen in members.tolist(), f"policy {policy.name!r} chose a non-member"
        assert policy(ClusterView(members.copy(), ctx, options)) == chosen, (
            f"policy {policy.name!r} chooses differently a second time"
        )
        if no_text is not ctx:
            assert policy(ClusterView(members, no_text, options)) == chosen, (
                f"policy {policy.name!r} says it reads no text but chooses otherwise without"
            )
    if policy.choose_pairs is not None:
        two = np.stack([g for g in groups if len(g) == 2])
        bulk = np.asarray(policy.choose_pairs(two, ctx, options)).tolist()
        one_by_one = [policy(ClusterView(g, ctx, options)) for g in two]
        assert bulk == one_by_one, f"policy {policy.name!r}: choose_pairs differs from choose"


# -- writers ------------------------------------------------------------------------------------


def _written(writer: Writer, result: RunResult, folder: Path, name: str) -> bytes:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    writer.write(result, path)
    others = sorted(p.name for p in folder.iterdir() if p.name != name)
    assert not others, f"writer {writer.name!r} wrote more than its file: {others}"
    assert path.exists(), f"writer {writer.name!r} wrote nothing at the path it was given"
    return path.read_bytes()


def _tiny_file(folder: Path) -> Path:
    """:data:`TINY_CORPUS` as a JSON Lines file in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    corpus = folder / "tiny.jsonl"
    with open(corpus, "w", encoding="utf-8") as f:
        for doc_id, text in TINY_CORPUS:
            f.write(json.dumps({"id": doc_id, "text": text}) + "\n")
    return corpus


def _tiny_run(engine: Engine, folder: Path) -> RunResult:
    # small chunks: the kept documents come from several chunks
    small = Engine(engine.config.with_changes(chunk_mb=0.002), plugin_manager=engine.pm)
    return small.run([_tiny_file(folder)])


def check_writer(
    writer: Writer, engine: Engine | None = None, folder: str | os.PathLike[str] | None = None
) -> None:
    """Assert that ``writer`` keeps the writer contract on a run of the tiny corpus: it writes
    its file at the path it is given and nothing else, the same bytes twice; a ``summary``
    writer writes the same from the run's summary alone; a writer made of ``shards`` writes,
    part by part (clusters, accepted pairs, the kept documents chunk by chunk), shards that
    joined in order are its whole file: what lets any executor run it."""
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        root = Path(tmp)
        result = _tiny_run(engine or isolated_engine(), root / "run")
        whole = _written(writer, result, root / "whole", writer.filename)
        again = _written(writer, result, root / "again", writer.filename)
        assert again == whole, f"writer {writer.name!r} writes different bytes a second time"
        config = result.config
        if writer.summary:
            summary = summary_result(
                config, result.counts, result.timings, result.info, result.bad_records
            )
            alone = _written(writer, summary, root / "summary", writer.filename)
            assert alone == whole, f"summary writer {writer.name!r} reads more than the summary"
        parts = _parts(writer, result)
        if parts:
            shards = [
                _written(writer, part, root / f"shard-{k}", writer.filename)
                for k, part in enumerate(parts)
            ]
            assert b"".join(shards) == whole, (
                f"writer {writer.name!r} is made of {writer.shards} but its shards, joined, "
                "are not its whole file"
            )


def _parts(writer: Writer, result: RunResult) -> list[RunResult]:
    """The result cut in parts of the kind a sharded writer is made of."""
    config = result.config
    if writer.shards == "clusters":
        half = len(result.clusters) // 2
        return [cluster_result(config, c) for c in (result.clusters[:half], result.clusters[half:])]
    if writer.shards == "pairs":
        rows = list(result.pair_rows())
        half = len(rows) // 2
        names = list(result.pair_scores)

        def part(chunk: list[PairRow]) -> RunResult:
            scores = {
                n: np.array([np.nan if r.scores[n] is None else r.scores[n] for r in chunk])
                for n in names
            }
            via = np.array([r.via for r in chunk], dtype=bool)
            overlap = np.array([r.overlap or (-1, -1, -1) for r in chunk], np.int64)
            ids_a, ids_b = [r.a for r in chunk], [r.b for r in chunk]
            return pair_result(config, ids_a, ids_b, scores, via, overlap.reshape(-1, 3))

        return [part(rows[:half]), part(rows[half:])]
    if writer.shards == "kept":
        return list(result.kept_parts())
    return []


# -- storage backends ---------------------------------------------------------------------------


def check_storage_backend(
    backend: StorageBackend, location: str, engine: Engine | None = None
) -> None:
    """Assert that ``backend`` keeps the storage contract through an index at ``location``
    (a new one): documents added are found again (every copy of the tiny corpus finds the
    document it copies among its matches), an index opened read-only sees them all, and
    documents removed are gone."""
    from dedupe.index import Index

    pm = (engine or isolated_engine()).pm
    with Index.create(location, storage=backend.name, plugin_manager=pm) as index:
        index.add(TINY_CORPUS)
        assert len(index) == len(TINY_CORPUS)
    with Index.open(location, read_only=True, storage=backend.name, plugin_manager=pm) as index:
        assert len(index) == len(TINY_CORPUS) and set(index.ids()) == {i for i, _ in TINY_CORPUS}
        found = {o.id: {m.id for m in o.duplicates} for o in index.query(TINY_CORPUS)}
        for cluster in TINY_CLUSTERS:
            for member in cluster:
                assert set(cluster) - {member} <= found[member] | {member}, (
                    f"storage backend {backend.name!r}: {member!r} does not find its copies"
                )
    with Index.open(location, storage=backend.name, plugin_manager=pm) as index:
        gone = TINY_CORPUS[0][0]
        assert index.remove([gone]) == [gone] and gone not in index


# -- executors ----------------------------------------------------------------------------------


def check_executor(
    executor: Executor,
    engine: Engine | None = None,
    folder: str | os.PathLike[str] | None = None,
    options: dict[str, Any] | None = None,
) -> None:
    """Assert that ``executor`` keeps the executor contract: it runs the same steps as the
    local executor, so a run of the tiny corpus gives the same clusters, pairs and dropped
    documents, byte for byte, and the same counts of documents, clusters and kept ones."""
    engine = engine or isolated_engine(writers=("clusters", "pairs", "dropped", "report"))
    local = engine.registry.get("executor", "local")
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        root = Path(tmp)
        corpus = str(_tiny_file(root / "input"))
        outputs = {}
        for name, runner, given in (("local", local, {}), ("tried", executor, options or {})):
            out = str(root / name)
            summary = runner.run(Job(engine.plan, [corpus], out, options=given))
            outputs[name] = (Path(out), summary.counts)
        (mine, mine_counts), (theirs, their_counts) = outputs["local"], outputs["tried"]
        for filename in ("clusters.jsonl", "pairs.jsonl", "dropped.jsonl"):
            assert (theirs / filename).read_bytes() == (mine / filename).read_bytes(), (
                f"executor {executor.name!r} writes another {filename} than the local executor"
            )
        for key in ("documents_read", "clusters", "kept", "accepted_pairs"):
            assert their_counts[key] == mine_counts[key], (
                f"executor {executor.name!r} counts {key} {their_counts[key]}, "
                f"not {mine_counts[key]}"
            )
