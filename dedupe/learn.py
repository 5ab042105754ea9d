"""Learn stage: fit the normalisers that learn from the corpus (``boilerplate``) on a sample.

The sample is drawn from the whole input and depends only on what the input holds, never on
its order: it is the :data:`SAMPLE_SIZE` good records with the smallest hash of their content
(all of them when the input has fewer), so reversing, shuffling or splitting the rows across
files learns the same thing. A JSON Lines record is hashed on its raw line, without parsing
it: the scan reads the input's bytes once more (the run reads them just before, to cut the
input into chunks, so they are usually in the page cache), and only the chosen lines are
parsed, read again by the source's reader in ranges. Records of other formats (whole files,
CSV, Parquet) are read and hashed on their text: a full extra read. A run, an index
(``--learn-from``) and the Dask client all learn through :func:`learn_chain`.

What the normalisers before the first learning one (``html``, ``chrome``) make of the sample
is kept on the fitted chain (:class:`dedupe.normalise.Prepared`), so that pass 1 starts those
documents where learning left them instead of running those normalisers on them again.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, BinaryIO

import numpy as np
import xxhash

from dedupe import heap
from dedupe.config import DEFAULT_LEARN_SAMPLE
from dedupe.corpus import Chunk, Corpus, FileCorpus, Location
from dedupe.documents import Record
from dedupe.normalise import Chain, Normaliser
from dedupe.plan import RunPlan
from dedupe.progress import Progress
from dedupe.read import Source, skip_line

#: Records a learning normaliser is fitted on (the ``learn_sample`` setting's default).
SAMPLE_SIZE = DEFAULT_LEARN_SAMPLE
#: Chosen lines this close are read in one range (skipping a line costs less than a seek).
GAP_LINES = 8
#: Characters of the sample's texts that the normalisers before boilerplate changed, kept
#: for pass 1 (the others are kept as a length, a hash and two numbers each).
KEEP_CHARS = 16 * 1024 * 1024


def learn_plan(plan: RunPlan, corpus: Corpus, progress: Progress | None = None) -> RunPlan:
    """The plan with each learning normaliser of its registered chain fitted on a sample of
    ``corpus`` (its ``learned`` says what each learned); a plan whose chain has no such
    normaliser is returned unchanged."""
    chain = plan.base_chain
    if not chain.needs_learning:
        return plan
    if progress is not None:
        progress.stage("learning boilerplate")
    cfg = plan.config
    chosen = sample_records(corpus, cfg.learn_sample, int(cfg.chunk_mb * 1024 * 1024))
    texts = [text for text, _ in chosen]
    locations = [location for _, location in chosen]
    fitted, learned = fit(chain, texts, cfg.batch_size, locations)
    del chosen, texts, locations
    heap.release_freed()  # (the sample's temporaries, before pass 1)
    return plan.with_chain(fitted, {**plan.learned, **learned})


def learn_chain(owner: Any, corpus: Corpus, progress: Progress | None = None) -> Chain:
    """The chain of ``owner`` (a :class:`~dedupe.plan.RunPlan`, or an engine, which then
    records what was learned in ``engine.learned``) fitted on a sample of ``corpus``: the
    entry point of earlier versions, kept for their callers (:func:`learn_plan` is the step)."""
    if isinstance(owner, RunPlan):
        return learn_plan(owner, corpus, progress).chain
    chain: Chain = owner.learn(corpus, progress)
    return chain


def fit(
    chain: Chain,
    texts: list[str],
    batch_size: int,
    locations: Sequence[Location] | None = None,
    budget: int = KEEP_CHARS,
) -> tuple[Chain, dict[str, str]]:
    """Fit the chain's learning normalisers on ``texts``: each sees them as the normalisers
    before it leave them, and is replaced by what it learned. Also returns, by name, the
    description of what each learned. Given the texts' ``locations``, the fitted chain keeps
    what the normalisers before the first learning one made of them (at most ``budget``
    characters of changed texts: :class:`~dedupe.normalise.Prepared`), for pass 1."""
    fitted: list[Normaliser] = []
    learned: dict[str, str] = {}
    last = max((k for k, n in enumerate(chain.normalisers) if n.learn is not None), default=-1)
    prepared = None
    begin = 0
    if locations is not None and last >= 0:
        texts, begin, prepared = chain.prepare(texts, locations, budget, batch_size)
        fitted = chain.normalisers[:begin]
    for k, normaliser in enumerate(chain.normalisers):
        if k < begin:
            continue
        if normaliser.learn is not None:
            normaliser = normaliser.learn(
                texts[i : i + batch_size] for i in range(0, len(texts), batch_size)
            )
            learned[normaliser.name] = normaliser.description
        if k < last:
            texts = normaliser(texts)
        fitted.append(normaliser)
    return Chain(fitted, prepared), learned


def _hash(data: bytes) -> int:
    return int(xxhash.xxh64_intdigest(data))


@dataclass
class _Lines:
    """Lines of one JSON Lines source range: their hashes, numbers, byte offsets and sizes."""

    source: Source
    hashes: np.ndarray
    numbers: np.ndarray
    starts: np.ndarray
    sizes: np.ndarray


#: Bytes of a JSON Lines source read at a time to hash its lines.
_HASH_BLOCK = 1 << 24


def _block(
    f: BinaryIO, position: int, stop: int, limit: int | None
) -> tuple[bytes | memoryview, int]:
    """The next whole lines from ``position`` (at most about :data:`_HASH_BLOCK` bytes, and
    up to ``stop``, 0 for the end of the file; a range that ends inside a line takes it
    whole) and the bytes they take; b"" with a size for a line longer than ``limit``,
    skipped in blocks without being held."""
    want = _HASH_BLOCK if not stop else min(_HASH_BLOCK, stop - position)
    data = f.read(want) if want > 0 else b""
    if not data or data.endswith(b"\n"):
        return data, len(data)
    last = data.rfind(b"\n") + 1
    if last:  # whole lines; the one cut is read again with the next block (not copied)
        f.seek(position + last)
        return memoryview(data)[:last], last
    # one line longer than a block (or the range ends inside it): read to its end
    if limit is None:
        data += f.readline()
        return data, len(data)
    if len(data) <= limit:
        data += f.readline(limit + 1 - len(data))  # (as :func:`dedupe.read.bounded_lines`)
        if len(data) <= limit:
            return data, len(data)
    return b"", skip_line(f, data)


def _line_hashes(source: Source, limit: int | None = None) -> _Lines:
    """The hash of every non-empty line in a JSON Lines source's byte range (without its line
    end), with its number (as the reader numbers lines, from ``first_line``), byte offset and
    size (line end included). The range is read in blocks; a line longer than ``limit``
    bytes (``--max-doc-bytes``, its line end counted), which the reader skips, is skipped
    here too without being held."""
    found: list[tuple[np.ndarray, ...]] = []
    position, number = source.start, source.first_line
    with open(source.path, "rb") as f:
        f.seek(source.start)
        while not source.stop or position < source.stop:
            data, size = _block(f, position, source.stop, limit)
            if not size:
                break
            if data:
                *columns, lines = _hashed(data, position, number)
                found.append(tuple(columns))
                number += lines
            else:
                number += 1
            position += size
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return _Lines(source, np.zeros(0, dtype=np.uint64), empty, empty, empty)
    hashes, numbers, starts, sizes = (np.concatenate(column) for column in zip(*found, strict=True))
    return _Lines(source, hashes, numbers, starts, sizes)


def _hashed(data: bytes | memoryview, offset: int, first_line: int) -> tuple[Any, ...]:
    """(hashes, numbers, byte offsets, sizes) of the non-empty lines of whole lines ``data``
    read at byte ``offset``, its first line numbered ``first_line``, and the number of its
    lines, empty ones included (its line ends, found once: ``bytes.count`` took a third of
    the scan)."""
    buf = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(buf == 10)
    if len(buf) and buf[-1] != 10:
        ends = np.append(ends, len(buf))
    lines = len(ends)
    starts = np.concatenate([[0], ends[:-1] + 1]).astype(np.int64)
    numbers = np.arange(len(ends), dtype=np.int64) + first_line
    sizes = np.minimum(ends + 1, len(buf)) - starts
    stop = ends.copy()
    stop[(stop > starts) & (buf[np.maximum(stop - 1, 0)] == 13)] -= 1  # a CR before the LF
    keep = stop > starts
    starts, stop, numbers, sizes = starts[keep], stop[keep], numbers[keep], sizes[keep]
    view = memoryview(data)
    h = xxhash.xxh64_intdigest
    hashes = np.fromiter(
        (h(view[a:b]) for a, b in zip(starts.tolist(), stop.tolist(), strict=True)),
        np.uint64,
        len(starts),
    )
    return hashes, numbers, starts + offset, sizes, lines


def _records(corpus: Corpus, chunk: Chunk) -> Iterator[Record]:
    for item in corpus.read(chunk):
        if isinstance(item, Record):
            yield item


def sample(corpus: Corpus, size: int, chunk_bytes: int) -> list[str]:
    """The texts of the ``size`` good records with the smallest content hash (all records when
    there are fewer; records with equal hashes are equal), in hash order. A chosen JSON Lines
    record that turns out to be bad (malformed, empty) is replaced by the next ones by hash."""
    return [text for text, _ in sample_records(corpus, size, chunk_bytes)]


def sample_records(corpus: Corpus, size: int, chunk_bytes: int) -> list[tuple[str, Location]]:
    """:func:`sample`, each text with its record's location."""
    if size <= 0:
        return []
    chunks = corpus.chunks(chunk_bytes)
    raw: list[tuple[int, _Lines]] = []
    # The smallest hashes of records read whole, as a max-heap of (-hash, text, number of
    # its location in ``where``).
    heap: list[tuple[int, str, int]] = []
    where: list[Location] = []
    limit = corpus.options.max_doc_bytes if isinstance(corpus, FileCorpus) else None
    for number, chunk in enumerate(chunks):
        sources = chunk.sources if isinstance(corpus, FileCorpus) else ()
        lines = [s for s in sources if isinstance(corpus, FileCorpus) and corpus.splittable(s)]
        raw.extend((number, _line_hashes(s, limit)) for s in lines)
        rest = [s for s in sources if s not in lines]
        if lines and not rest:
            continue
        parts = [Chunk(chunk.number, (s,)) for s in rest] if lines else [chunk]
        for part in parts:
            for record in _records(corpus, part):
                h = _hash(record.text.encode("utf-8", "surrogatepass"))
                if len(heap) < size:
                    heapq.heappush(heap, (-h, record.text, len(where)))
                    where.append((record.source, record.line))
                elif -h > heap[0][0]:
                    heapq.heapreplace(heap, (-h, record.text, len(where)))
                    where.append((record.source, record.line))
    pooled = np.sort(
        np.concatenate(
            [*(r.hashes for _, r in raw), np.array([-h for h, _, _ in heap], dtype=np.uint64)]
        )
    )
    chosen: list[tuple[int, str, Location]] = []
    taken = 0  # the records of the first ``taken`` hashes of ``pooled`` are chosen
    while len(chosen) < size and taken < len(pooled):
        # Take the records missing, or more after a round that met bad ones (by its rate).
        missing = size - len(chosen)
        more = (
            missing if not taken else max(2 * missing, -(-missing * taken // max(len(chosen), 1)))
        )
        low = int(pooled[taken - 1]) if taken else -1
        high = int(pooled[min(taken + more, len(pooled)) - 1])
        taken = int(np.searchsorted(pooled, np.uint64(high), side="right"))
        chosen += [(-h, text, where[at]) for h, text, at in heap if low < -h <= high]
        chosen += _read_chosen(corpus, chunks, raw, low, high)
    chosen.sort(key=lambda c: (c[0], c[1]))
    # In (hash, text) order: equal ones are equal.
    return [(text, location) for _, text, location in chosen[:size]]


def _read_chosen(
    corpus: Corpus, chunks: list[Chunk], raw: list[tuple[int, _Lines]], low: int, high: int
) -> list[tuple[int, str, Location]]:
    """(hash, text, location) of the good JSON Lines records whose hash is in
    ``(low, high]``."""
    out: list[tuple[int, str, Location]] = []
    for number, found in raw:
        inside = found.hashes <= np.uint64(high)
        if low >= 0:
            inside &= found.hashes > np.uint64(low)
        pick = np.flatnonzero(inside)
        if not len(pick):
            continue
        # The chosen lines are read by the source's reader, as ranges of the source that
        # hold them and at most a few other lines between them (skipped unparsed).
        cut = np.flatnonzero(np.diff(pick) > GAP_LINES) + 1
        ranges = tuple(
            replace(
                found.source,
                start=int(found.starts[group[0]]),
                stop=int(found.starts[group[-1]] + found.sizes[group[-1]]),
                first_line=int(found.numbers[group[0]]),
                only_lines=frozenset(found.numbers[group].tolist()),
            )
            for group in np.split(pick, cut)
        )
        hashes = dict(zip(found.numbers[pick].tolist(), found.hashes[pick].tolist(), strict=True))
        for record in _records(corpus, Chunk(chunks[number].number, ranges)):
            if record.line is not None:
                out.append((hashes[record.line], record.text, (record.source, record.line)))
    return out
