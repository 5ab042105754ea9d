"""Read stage: find the input files, pick a reader for each, and yield batches of records.

Bad input never stops a run: a missing path, an unreadable or binary file or a malformed line
becomes a :class:`BadRecord` (file, line, reason) that is reported and counted, and reading
goes on. An empty document is not bad input: it is a record like any other (a copy of
nothing, so it is kept). Documents are numbered in reading order, which is deterministic,
so a second pass over the same input sees the same numbers.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from dedupe.documents import BadRecord, Batch, Record
from dedupe.errors import InputError

STDIN = "-"
BINARY_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class ReadOptions:
    """Reader settings taken from the run's config."""

    id_field: str = "id"
    text_field: str = "text"
    keep_fields: tuple[str, ...] = ()
    max_doc_bytes: int | None = None


@dataclass(frozen=True)
class Source:
    """One input file: its path, the id a whole-file document gets, and its reader's name.

    Line-based readers honour a byte range (``start``, ``stop``; 0 means the end), the number
    of the range's first line, and ``only_lines`` (parse just these lines).
    """

    path: str
    id: str
    reader: str
    display: str = ""
    start: int = 0
    stop: int = 0
    first_line: int = 1
    only_lines: frozenset[int] | None = None

    @property
    def label(self) -> str:
        return self.display or self.path


ReadFunction = Callable[[Source, ReadOptions], Iterable["Record | BadRecord"]]


@dataclass(frozen=True)
class Reader:
    """An input format: ``read(source, options)`` yields a :class:`Record` per document or a
    :class:`BadRecord` per unusable one; ``suffixes`` pick it for files found by suffix."""

    name: str
    read: ReadFunction
    suffixes: tuple[str, ...] = ()
    description: str = ""


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode text as UTF-8 (a BOM is dropped), else cp1252, else latin-1; return the encoding."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def looks_binary(data: bytes) -> bool:
    """A file with NUL bytes near its start is not text (UTF-16 included: it is refused)."""
    return b"\x00" in data[:BINARY_SNIFF_BYTES]


@dataclass
class Discovery:
    """Sources found for a run, the paths that could not be used, and temporary files to remove."""

    sources: list[Source] = field(default_factory=list)
    bad: list[BadRecord] = field(default_factory=list)
    temp_files: list[str] = field(default_factory=list)
    ignored: int = 0

    def cleanup(self) -> None:
        for path in self.temp_files:
            with contextlib.suppress(OSError):
                os.unlink(path)
        self.temp_files.clear()


def _suffix_map(readers: dict[str, Reader]) -> dict[str, str]:
    out: dict[str, str] = {}
    for reader in readers.values():
        for suffix in reader.suffixes:
            out.setdefault(suffix.lower(), reader.name)
    return out


def _reader_for(path: str, suffixes: dict[str, str]) -> str | None:
    lower = path.lower()
    # Longest suffix first so ".jsonl.gz" could beat ".gz".
    for suffix in sorted(suffixes, key=len, reverse=True):
        if lower.endswith(suffix):
            return suffixes[suffix]
    return None


def _spool_stdin(stdin: Any, found: Discovery) -> str:
    """Copy stdin to a temporary file (removed by :meth:`Discovery.cleanup`)."""
    stream = stdin if stdin is not None else sys.stdin.buffer
    with tempfile.NamedTemporaryFile(prefix="dedupe-stdin-", suffix=".jsonl", delete=False) as f:
        found.temp_files.append(f.name)
        shutil.copyfileobj(stream, f)
    return f.name


def _walk(path: str, suffixes: dict[str, str], format: str | None, found: Discovery) -> None:
    """Add the files under ``path`` that a reader claims, sorted by relative path."""

    def unreadable(exc: OSError) -> None:
        where = exc.filename or path
        found.bad.append(BadRecord(where, None, f"cannot read directory: {exc.strerror}"))

    in_dir: list[Source] = []
    for root, dirs, files in os.walk(path, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            reader = format or _reader_for(name, suffixes)
            if reader is None:
                found.ignored += 1
                continue
            full = os.path.join(root, name)
            rel = os.path.relpath(full, path).replace(os.sep, "/")
            in_dir.append(Source(full, rel, reader))
    found.sources.extend(sorted(in_dir, key=lambda s: s.id))


def discover(
    inputs: Iterable[str],
    readers: dict[str, Reader],
    *,
    format: str | None = None,
    stdin: Any = None,
) -> Discovery:
    """Turn the user's inputs (files, directories, ``-``) into sources.

    Directories are walked recursively (hidden entries skipped) and their files read when a
    reader claims their suffix, sorted by their path relative to the directory, which is their
    id. A file named directly is read by ``format``, its suffix, or as plain text. ``-`` is
    JSONL on stdin, spooled to a temporary file so the input can be read more than once.
    Inputs are taken in path order (a path given twice is read once).
    """
    found = Discovery()
    suffixes = _suffix_map(readers)
    # Shards are read in path order whatever order they were given in, so that the same
    # input gives byte-identical outputs; stdin keeps its place at the end.
    given = list(inputs)
    ordered = sorted({p for p in given if p != STDIN}) + [STDIN] * (STDIN in given)
    for raw in ordered:
        if raw == STDIN:
            spooled = _spool_stdin(stdin, found)
            found.sources.append(Source(spooled, STDIN, format or "jsonl", display="<stdin>"))
        elif os.path.isdir(raw):
            _walk(raw, suffixes, format, found)
        elif os.path.exists(raw):
            found.sources.append(Source(raw, raw, format or _reader_for(raw, suffixes) or "text"))
        else:
            found.bad.append(BadRecord(raw, None, "no such file or directory"))
    for source in found.sources:
        if source.reader not in readers:
            known = ", ".join(sorted(readers))
            raise InputError(f"unknown input format {source.reader!r} (known: {known})")
    return found


def read_sources(
    sources: Iterable[Source], readers: dict[str, Reader], options: ReadOptions
) -> Iterator[Record | BadRecord]:
    """Every record of every source, in order."""
    for source in sources:
        reader = readers[source.reader]
        try:
            yield from reader.read(source, options)
        except OSError as exc:
            yield BadRecord(source.label, None, f"cannot read: {exc.strerror or exc}")


def batches(
    items: Iterable[Record | BadRecord],
    batch_size: int,
    on_bad: Callable[[BadRecord], None],
) -> Iterator[Batch]:
    """Group records into batches, numbering documents from 0 in reading order.

    Bad records go to ``on_bad``.
    """
    index = 0
    records: list[Record] = []
    numbers: list[int] = []
    for item in items:
        if isinstance(item, BadRecord):
            on_bad(item)
            continue
        records.append(item)
        numbers.append(index)
        index += 1
        if len(records) >= batch_size:
            yield Batch(numbers, records, [r.text for r in records])
            records, numbers = [], []
    if records:
        yield Batch(numbers, records, [r.text for r in records])
