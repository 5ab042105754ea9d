"""The input as a re-readable, splittable corpus.

A corpus is cut into chunks that can be read independently, in any process: byte ranges of
JSON Lines files (cut at line starts, each knowing its first line number), groups of whole
files, or slices of in-memory documents. Every document is identified by its location
``(source, line)``, the same on every read, so a later pass can ask a chunk for just the
documents it needs and the kept output can copy raw lines without parsing them again.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from dedupe.documents import BadRecord, Record
from dedupe.read import Discovery, Reader, ReadOptions, Source, decode_bytes, read_sources

Location = tuple[str, "int | None"]

#: Readers whose files can be cut into byte ranges at line starts.
SPLITTABLE = frozenset({"jsonl"})


@dataclass(frozen=True)
class Chunk:
    """A part of the corpus read as one unit of work."""

    number: int
    sources: tuple[Source, ...] = ()
    start: int = 0
    stop: int = 0
    size: int = 0


def _line_starts(path: str, target: int) -> list[tuple[int, int]]:
    """(byte offset, line number) of cut points about ``target`` bytes apart, at line starts."""
    cuts = [(0, 1)]
    size = os.path.getsize(path)
    if size <= target:
        return cuts
    line = 1
    position = 0
    with open(path, "rb") as f:
        while True:
            block = f.read(target)
            if not block:
                break
            line += block.count(b"\n")
            position += len(block)
            rest = f.readline()
            if not rest:
                break
            line += rest.count(b"\n")
            position += len(rest)
            if position < size:
                cuts.append((position, line))
    return cuts


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
        import json

        for item in self.read(chunk, keep):
            if not isinstance(item, Record):
                continue
            if isinstance(item.raw, str):
                yield item.raw
            elif isinstance(item.raw, dict):
                yield json.dumps(item.raw, ensure_ascii=False)
            else:
                yield json.dumps({"id": item.id, "text": item.text}, ensure_ascii=False)

    def kept_blocks(self, chunk: Chunk, keep: set[Location]) -> Iterator[bytes]:
        """:meth:`kept_lines` as UTF-8 blocks of whole lines, each line ended by a newline."""
        lines: list[str] = []
        for line in self.kept_lines(chunk, keep):
            lines.append(line)
            if len(lines) == 1024:
                yield ("\n".join(lines) + "\n").encode("utf-8")
                lines = []
        if lines:
            yield ("\n".join(lines) + "\n").encode("utf-8")

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
            if source.reader in SPLITTABLE and size > target_bytes:
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
                if s.reader in SPLITTABLE
                else s
                for s in chunk.sources
                if s.label in wanted_files or s.label in lines_by_label
            ]
        for item in read_sources(sources, self.readers, self.options):
            if only is None or (isinstance(item, Record) and (item.source, item.line) in only):
                yield item

    def kept_lines(self, chunk: Chunk, keep: set[Location]) -> Iterator[str]:
        """JSON Lines records are copied as read, without parsing them again."""
        for source in chunk.sources:
            if source.reader not in SPLITTABLE:
                yield from super().kept_lines(Chunk(chunk.number, (source,)), keep)
                continue
            wanted = sorted(line for label, line in keep if label == source.label and line)
            if not wanted:
                continue
            next_index = 0
            with open(source.path, "rb") as f:
                f.seek(source.start)
                position = source.start
                for line_no, raw in enumerate(f, start=source.first_line):
                    if source.stop and position >= source.stop:
                        break
                    position += len(raw)
                    if line_no == wanted[next_index]:
                        yield decode_bytes(raw)[0].rstrip("\r\n")
                        next_index += 1
                        if next_index == len(wanted):
                            break

    def kept_blocks(self, chunk: Chunk, keep: set[Location]) -> Iterator[bytes]:
        """JSON Lines records copied as blocks of bytes: a chunk's byte range is read at once
        and its kept lines joined; a block that is not all UTF-8 (or holds a BOM or a carriage
        return) goes line by line through :meth:`kept_lines`, so the bytes are the same."""
        for source in chunk.sources:
            single = Chunk(chunk.number, (source,))
            if source.reader not in SPLITTABLE:
                yield from super().kept_blocks(single, keep)
                continue
            wanted = sorted(line for label, line in keep if label == source.label and line)
            if not wanted:
                continue
            with open(source.path, "rb") as f:
                f.seek(source.start)
                if source.stop:
                    data = f.read(source.stop - source.start)
                    if data and not data.endswith(b"\n"):
                        data += f.readline()  # the range ends inside a line: take it whole
                else:
                    data = f.read()
            lines = data.split(b"\n")
            if data.endswith(b"\n"):
                lines.pop()
            first = source.first_line
            picked = [lines[n - first] for n in wanted if 0 <= n - first < len(lines)]
            block = b"\n".join(picked) + b"\n"
            if b"\r" in block or b"\xef\xbb\xbf" in block or not _is_utf8(block):
                yield from super().kept_blocks(single, keep)
                continue
            yield block


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


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


def records_from(
    documents: Iterable[Any], id_field: str, text_field: str, keep_fields: tuple[str, ...]
) -> list[Record | BadRecord]:
    """In-memory documents (``(id, text)`` or mappings) as records and bad records."""
    items: list[Record | BadRecord] = []
    for n, doc in enumerate(documents, start=1):
        if isinstance(doc, tuple):
            doc_id, text, meta, raw = str(doc[0]), doc[1], {}, None
        else:
            doc_id, text = str(doc.get(id_field, n)), doc.get(text_field)
            meta, raw = {k: doc[k] for k in keep_fields if k in doc}, dict(doc)
        if not isinstance(text, str):
            items.append(BadRecord("<documents>", n, "text is missing or not a string"))
        else:
            items.append(Record(doc_id, text, "<documents>", n, meta, raw))
    return items


ChunkReader = Callable[[Chunk], Iterator["Record | BadRecord"]]
