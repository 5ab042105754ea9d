"""The input as a re-readable, splittable corpus.

A corpus is cut into chunks that can be read independently, in any process: byte ranges of
JSON Lines files (cut at line starts, each knowing its first line number), groups of whole
files, or slices of in-memory documents. Every document is identified by its location
``(source, line)``, the same on every read, so a later pass can ask a chunk for just the
documents it needs and the kept output can copy raw lines without parsing them again.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from dedupe import kernels
from dedupe.documents import BadRecord, Record
from dedupe.read import (
    Discovery,
    Reader,
    ReadOptions,
    Source,
    decode_bytes,
    open_regular,
    read_sources,
    skip_line,
)
from dedupe.write import dumps_line

Location = tuple[str, "int | None"]

#: Bytes read at a time when copying kept lines (bounds memory, whatever the lines' length).
BLOCK = 1 << 22


@dataclass(frozen=True)
class Chunk:
    """A part of the corpus read as one unit of work."""

    number: int
    sources: tuple[Source, ...] = ()
    start: int = 0
    stop: int = 0
    size: int = 0


def _line_starts(path: str, target: int) -> list[tuple[int, int]]:
    """(byte offset, line number) of cut points about ``target`` bytes apart, at line starts
    (a line of gigabytes is skipped over in blocks, never held)."""
    cuts = [(0, 1)]
    size = os.path.getsize(path)
    if size <= target:
        return cuts
    line = 1
    position = 0
    with open_regular(path) as f:
        while True:
            block = f.read(target)
            if not block:
                break
            # (numpy compares a block twice as fast as ``bytes.count`` counts one byte)
            line += int(np.count_nonzero(np.frombuffer(block, dtype=np.uint8) == 0x0A))
            position += len(block)
            rest = skip_line(f, b"")  # to the end of the next line, as readline() would
            if not rest:
                break
            line += 1
            position += rest
            if position < size:
                cuts.append((position, line))
    return cuts


def picked_lines(source: Source, wanted: list[int]) -> Iterator[bytes]:
    """The lines numbered ``wanted`` (sorted) of a JSON Lines source's byte range, each
    without its newline (:func:`picked_runs` cut at their newlines): a line that is not
    wanted is never held whole, however long. A range that ends inside a line takes that
    line whole."""
    for run in picked_runs(source, wanted):
        yield from run.split(b"\n")[:-1]


def picked_runs(source: Source, wanted: list[int]) -> Iterator[bytes]:
    """The lines numbered ``wanted`` (sorted) of a JSON Lines source's byte range, as runs of
    consecutive wanted lines, each line ended by a newline (one added to a last line without
    it): slices of the blocks of :data:`BLOCK` bytes read, their line ends found by numpy, so
    that copying most of a corpus makes no bytes object per line and joins nothing. A line
    that is not wanted is never held whole, however long; a range that ends inside a line
    takes that line whole."""
    want = np.asarray(wanted, dtype=np.int64)
    with open_regular(source.path) as f:
        f.seek(source.start)
        position, stop = source.start, source.stop
        line_no = source.first_line  # the line the next byte belongs to
        carry: list[bytes] = []  # the start of line ``line_no`` when it is wanted
        partial = False  # whether line ``line_no`` has begun
        k, n = int(np.searchsorted(want, line_no)), len(want)
        while k < n:
            if stop and position >= stop:
                if not partial:
                    break
                block = f.readline(BLOCK)  # finish the line the range ends in
            else:
                block = f.read(BLOCK if not stop else min(BLOCK, stop - position))
            if not block:
                break
            position += len(block)
            ends = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == 0x0A)
            tail = 0  # where the line that goes on past this block starts in it
            if len(ends):
                # lines ``line_no`` to ``line_no + len(ends) - 1`` end in this block
                upto = int(np.searchsorted(want, line_no + len(ends)))
                chosen = want[k:upto] - line_no
                k = upto
                if len(chosen) and chosen[0] == 0:
                    yield b"".join([*carry, block[: ends[0] + 1]])
                    chosen = chosen[1:]
                if len(chosen):
                    cuts = np.flatnonzero(np.diff(chosen) != 1) + 1
                    firsts = chosen[np.concatenate(([0], cuts))].tolist()
                    lasts = chosen[np.concatenate((cuts - 1, [len(chosen) - 1]))].tolist()
                    bounds = ends.tolist()
                    for a, b in zip(firsts, lasts, strict=True):
                        yield block[bounds[a - 1] + 1 : bounds[b] + 1]
                line_no += len(ends)
                carry = []
                tail = int(ends[-1]) + 1
                partial = tail < len(block)
            else:
                partial = True
            if partial and k < n and want[k] == line_no:
                carry.append(block[tail:])
        if k < n and partial and want[k] == line_no:
            yield b"".join(carry) + b"\n"  # the last line, without a newline


def _by_label(keep: set[Location]) -> dict[str, set[int | None]]:
    """The kept locations grouped by source label (one pass over them)."""
    out: dict[str, set[int | None]] = {}
    for label, line in keep:
        out.setdefault(label, set()).add(line)
    return out


def _record_line(item: Record) -> str:
    """A kept record that is not a raw JSON line, as one JSON line."""
    if isinstance(item.raw, str):
        return item.raw
    if isinstance(item.raw, bytes):  # a JSON Lines line as read
        return _plain_line(item.raw)
    if isinstance(item.raw, dict):
        return dumps_line(item.raw)
    return dumps_line({"id": item.id, "text": item.text})


def _plain_line(raw: bytes) -> str:
    """A raw JSON Lines line as kept.jsonl holds it (decoded, BOM and line ending dropped)."""
    return decode_bytes(raw)[0].rstrip("\r\n")


class Corpus:
    """Interface: ``chunks()``, ``read(chunk, only)`` and ``raw_lines(chunk, keep)``."""

    description: list[str]
    discovery: Discovery | None = None

    def chunks(self, target_bytes: int) -> list[Chunk]:
        raise NotImplementedError

    def read(self, chunk: Chunk, only: set[Location] | None = None) -> Iterator[Record | BadRecord]:
        raise NotImplementedError

    def records(self, chunk_bytes: int = 16 * 1024 * 1024) -> Iterator[Record]:
        """Every good record, in order (bad ones are skipped silently)."""
        for chunk in self.chunks(chunk_bytes):
            for item in self.read(chunk):
                if isinstance(item, Record):
                    yield item

    def kept_lines(self, chunk: Chunk, keep: set[Location]) -> Iterator[str]:
        """The records at ``keep`` as JSON lines, in order (raw lines where possible)."""
        for item in self.read(chunk, keep):
            if isinstance(item, Record):
                yield _record_line(item)

    def kept_blocks(self, chunk: Chunk, keep: set[Location]) -> Iterator[bytes]:
        """:meth:`kept_lines` as UTF-8 blocks of whole lines, each line ended by a newline."""
        return _encoded(self.kept_lines(chunk, keep))

    def close(self) -> None:
        if self.discovery is not None:
            self.discovery.cleanup()


class FileCorpus(Corpus):
    """Files found by :func:`dedupe.read.discover`."""

    def __init__(
        self,
        discovery: Discovery,
        readers: dict[str, Reader],
        options: ReadOptions,
        description: list[str],
    ) -> None:
        self.discovery = discovery
        self.readers = readers
        self.options = options
        self.description = description
        self._plans: dict[int, list[Chunk]] = {}

    def splittable(self, source: Source) -> bool:
        """Whether the source's reader reads it line by line (see :attr:`Reader.splittable`)."""
        reader = self.readers.get(source.reader)
        return reader is not None and reader.splittable

    def copies_raw(self, source: Source) -> bool:
        """Whether kept records of the source are copied as the raw lines they were (a
        splittable reader whose lines are JSON records: :attr:`Reader.raw_lines`)."""
        reader = self.readers.get(source.reader)
        return reader is not None and reader.splittable and reader.raw_lines

    def chunks(self, target_bytes: int) -> list[Chunk]:
        """The chunk plan (computed once per size: cutting a big JSONL file means reading it)."""
        if target_bytes not in self._plans:
            self._plans[target_bytes] = self._plan(target_bytes)
        return self._plans[target_bytes]

    def _plan(self, target_bytes: int) -> list[Chunk]:
        out: list[Chunk] = []
        group: list[Source] = []
        group_size = 0

        def flush() -> None:
            nonlocal group, group_size
            if group:
                out.append(Chunk(len(out), tuple(group), size=group_size))
                group, group_size = [], 0

        for source in self.discovery.sources if self.discovery else []:
            try:
                size = os.path.getsize(source.path)
            except OSError:
                size = 0
            if self.splittable(source) and size > target_bytes:
                flush()
                cuts = _line_starts(source.path, target_bytes)
                for k, (start, line) in enumerate(cuts):
                    stop = cuts[k + 1][0] if k + 1 < len(cuts) else size
                    part = replace(source, start=start, stop=stop, first_line=line)
                    out.append(Chunk(len(out), (part,), size=stop - start))
                continue
            group.append(source)
            group_size += size
            if group_size >= target_bytes:
                flush()
        flush()
        return out

    def read(self, chunk: Chunk, only: set[Location] | None = None) -> Iterator[Record | BadRecord]:
        sources: Iterable[Source] = chunk.sources
        if only is not None:
            wanted_files = {label for label, line in only if line is None}
            lines_by_label: dict[str, set[int]] = {}
            for label, line in only:
                if line is not None:
                    lines_by_label.setdefault(label, set()).add(line)
            sources = [
                replace(s, only_lines=frozenset(lines_by_label.get(s.label, ())))
                if self.splittable(s)
                else s
                for s in chunk.sources
                if s.label in wanted_files or s.label in lines_by_label
            ]
        for item in read_sources(sources, self.readers, self.options):
            if only is None or (isinstance(item, Record) and (item.source, item.line) in only):
                yield item

    def kept_lines(self, chunk: Chunk, keep: set[Location]) -> Iterator[str]:
        """JSON Lines records are copied as read, without parsing them again; each source
        is read once, for its own kept locations only (work linear in the chunk)."""
        by_label = _by_label(keep)
        for source in chunk.sources:
            wanted = by_label.get(source.label)
            if wanted:
                yield from self._kept_lines_of(source, wanted)

    def _kept_lines_of(self, source: Source, wanted: set[int | None]) -> Iterator[str]:
        if self.copies_raw(source):
            lines = sorted(line for line in wanted if line)
            yield from (_plain_line(raw) for raw in picked_lines(source, lines))
            return
        for item in read_sources([source], self.readers, self.options):
            if isinstance(item, Record) and item.line in wanted:
                yield _record_line(item)

    def kept_blocks(self, chunk: Chunk, keep: set[Location]) -> Iterator[bytes]:
        """JSON Lines records copied as blocks of bytes: the kept lines of a byte range,
        picked as it is read in blocks, are joined as they are; a block that is not all UTF-8
        (or holds a BOM or a carriage return) is converted line by line as :meth:`kept_lines`
        does, so the bytes are the same."""
        by_label = _by_label(keep)
        for source in chunk.sources:
            wanted = by_label.get(source.label)
            if not wanted:
                continue
            if not self.copies_raw(source):
                yield from _encoded(self._kept_lines_of(source, wanted))
                continue
            for run in picked_runs(source, sorted(line for line in wanted if line)):
                yield _as_kept(run)


def _as_kept(run: bytes) -> bytes:
    """Whole lines as read, each ended by a newline, as kept.jsonl holds them: the same bytes
    when they are UTF-8 without a BOM or a carriage return, else each line decoded."""
    if not kernels.is_utf8(run, plain=True):
        lines = run.split(b"\n")[:-1]
        return b"".join((_plain_line(raw) + "\n").encode("utf-8") for raw in lines)
    return run


def _encoded(lines: Iterable[str]) -> Iterator[bytes]:
    """JSON lines as UTF-8 blocks of about 1,024 lines, each line ended by a newline."""
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) == 1024:
            yield ("\n".join(batch) + "\n").encode("utf-8")
            batch = []
    if batch:
        yield ("\n".join(batch) + "\n").encode("utf-8")


class MemoryCorpus(Corpus):
    """Documents given in memory (already turned into records or bad records)."""

    def __init__(self, items: list[Record | BadRecord], description: list[str]) -> None:
        self.items = items
        self.description = description

    def chunks(self, target_bytes: int) -> list[Chunk]:
        per_chunk = 10_000
        return [
            Chunk(k, start=s, stop=min(s + per_chunk, len(self.items)))
            for k, s in enumerate(range(0, max(len(self.items), 1), per_chunk))
        ]

    def read(self, chunk: Chunk, only: set[Location] | None = None) -> Iterator[Record | BadRecord]:
        for item in self.items[chunk.start : chunk.stop]:
            if only is None or (isinstance(item, Record) and (item.source, item.line) in only):
                yield item


#: What :meth:`dedupe.Engine.run_documents` takes: plain strings (numbered by position),
#: ``(id, text)`` pairs or mappings with the configured id and text fields.
Document = str | tuple[Any, str] | list[Any] | Mapping[str, Any]
Documents = Iterable[Document]


def records_from(
    documents: Documents, id_field: str, text_field: str, keep_fields: tuple[str, ...]
) -> list[Record | BadRecord]:
    """In-memory documents as records and bad records.

    A plain string is a document whose id is its position in ``documents`` (``"0"``,
    ``"1"``...); an ``(id, text)`` pair (tuple or list) gives its id; a mapping gives the
    ``id_field`` (its position when absent or ``''``) and the ``text_field`` (several,
    comma-separated, are joined by a blank line, as the readers do). Anything else, or a
    text that is not a string, is a bad record naming its position."""
    items: list[Record | BadRecord] = []
    fields = [f for f in text_field.split(",") if f] or [text_field]
    for n, doc in enumerate(documents):
        line = n + 1  # the record's place as a location, counted from 1 like a file's lines
        meta: dict[str, Any] = {}
        raw: Any = None
        if isinstance(doc, str):
            doc_id, text = str(n), doc
        elif isinstance(doc, (tuple, list)) and len(doc) == 2:
            doc_id, text = str(doc[0]), doc[1]
        elif isinstance(doc, Mapping):
            value = doc.get(id_field) if id_field else None
            doc_id = str(n) if value is None else str(value)
            present = [doc[f] for f in fields if f in doc and doc[f] is not None]
            if any(not isinstance(v, str) for v in present):
                text = None
            elif present or any(f in doc for f in fields):
                text = "\n\n".join(v for v in present if v)
            else:
                text = None
            meta, raw = {k: doc[k] for k in keep_fields if k in doc}, dict(doc)
        else:
            kind = type(doc).__name__
            reason = f"document {n}: expected a string, an (id, text) pair or a mapping, not {kind}"
            items.append(BadRecord("<documents>", line, reason))
            continue
        if not isinstance(text, str):
            items.append(BadRecord("<documents>", line, "text is missing or not a string"))
        else:
            items.append(Record(doc_id, text, "<documents>", line, meta, raw))
    return items


ChunkReader = Callable[[Chunk], Iterator["Record | BadRecord"]]
