"""Read stage: sources, readers and the records they yield in batches.

Bad input never stops a run: a missing path, an unreadable or binary file or a malformed line
becomes a :class:`BadRecord` (file, line, reason) that is reported and counted, and reading
goes on. An empty document is not bad input: it is a record like any other (a copy of
nothing, so it is kept). Only regular files are opened (a FIFO would block, a device never
ends), and a record over ``--max-doc-bytes`` is skipped as it is read, never held whole.
Documents are numbered in reading order, which is deterministic, so a second pass over the
same input sees the same numbers. Finding the input files is :mod:`dedupe.discover`.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from dedupe.documents import BadRecord, Batch, Record

STDIN = "-"
BINARY_SNIFF_BYTES = 8192
#: Bytes read at a time while skipping a line over --max-doc-bytes.
SKIP_BLOCK = 1 << 20


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
    :class:`BadRecord` per unusable one; ``suffixes`` pick it for files found by suffix.

    ``splittable`` says a file is one record per line, each line the record's raw form: its
    ``read`` honours a source's byte range (``start``, ``stop``, ``first_line``) and
    ``only_lines``, so a big file is cut into chunks at line starts, the sample to learn from
    is taken by hashing raw lines, and kept records are copied as the raw lines they were,
    unless ``raw_lines`` is False (a line is not a JSON record, e.g. a line of plain text: kept
    records are then written as ``{"id", "text"}`` like other readers'). ``output_format``:
    the format a run writes its tables in when every input is read by this reader and no
    ``--output-format`` is given (``csv`` for CSV: CSV in gives CSV out)."""

    name: str
    read: ReadFunction
    suffixes: tuple[str, ...] = ()
    description: str = ""
    splittable: bool = False
    raw_lines: bool = True
    output_format: str | None = None


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


class NotRegular(OSError):
    """A path that is not a regular file where one was expected (it is skipped, not read)."""


#: The most bytes a JSON Lines or text source is read by at a time (:func:`range_buffer`).
READ_BUFFER = 1 << 20


def range_buffer(start: int, stop: int) -> int:
    """The buffer to read the byte range ``start``-``stop`` (0: to the end) through: the range
    whole, up to :data:`READ_BUFFER`. Each read gives up the GIL, and a thread that gave it up
    waits to take it back behind pass 1's other threads: through the default 8 KiB buffer a
    line of 3-4 KB was a read every other line, and a few chosen lines several reads."""
    if not stop:
        return READ_BUFFER
    return max(io.DEFAULT_BUFFER_SIZE, min(stop - start, READ_BUFFER))


def open_regular(path: str, buffer: int = -1) -> BinaryIO:
    """Open a file for reading if it is a regular file, else raise :class:`NotRegular`.

    Opened without blocking, so a FIFO put in a file's place after discovery cannot hang the
    run, and checked on the open file itself, so a device (``/dev/zero``, which never ends)
    is refused whatever link led to it. Uses the built-in ``open`` (tests replace it), with
    ``buffer`` bytes of buffer (-1: the default).
    """

    def opener(name: str, flags: int) -> int:
        return os.open(name, flags | os.O_NONBLOCK)

    f = open(path, "rb", buffering=buffer, opener=opener)  # noqa: SIM115 - returned to the caller
    try:
        mode = os.fstat(f.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegular(not_regular(mode))
        flags = fcntl.fcntl(f.fileno(), fcntl.F_GETFL)
        fcntl.fcntl(f.fileno(), fcntl.F_SETFL, flags & ~os.O_NONBLOCK)
    except BaseException:
        f.close()
        raise
    return f


def skip_line(f: BinaryIO, first: bytes) -> int:
    """Skip the rest of a line whose start ``first`` was read, in bounded blocks (a line of
    gigabytes is never held); return the line's size in bytes, newline included."""
    size = len(first)
    while not first.endswith(b"\n"):
        first = f.readline(SKIP_BLOCK)
        if not first:
            break
        size += len(first)
    return size


def bounded_lines(f: BinaryIO, limit: int | None) -> Iterator[tuple[bytes | None, int]]:
    """(line, its size in bytes) for each line of ``f``. With a ``limit``, a longer line (its
    newline counted) is skipped in blocks without ever being held whole: it comes as
    (None, size)."""
    if limit is None:
        for line in f:
            yield line, len(line)
        return
    while True:
        line = f.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit:
            yield line, len(line)
        else:
            yield None, skip_line(f, line)


def too_big(size: int, limit: int | None) -> str | None:
    """The reason a document of ``size`` bytes is skipped, or None when it fits."""
    if limit is not None and size > limit:
        return f"document larger than --max-doc-bytes: {size:,} bytes (limit {limit:,})"
    return None


@dataclass
class Discovery:
    """Sources found for a run, the paths that could not be used, and temporary files to remove.

    ``repeated`` counts inputs skipped because their file was already found (the same real
    file reached twice: a folder and a file in it, a link to a file already given)."""

    sources: list[Source] = field(default_factory=list)
    bad: list[BadRecord] = field(default_factory=list)
    temp_files: list[str] = field(default_factory=list)
    ignored: int = 0
    repeated: int = 0
    skipped_folders: list[str] = field(default_factory=list)
    _seen: set[tuple[int, int]] = field(default_factory=set, repr=False)
    _held: list[int] = field(default_factory=list, repr=False)

    def first_time(self, st: os.stat_result) -> bool:
        """Whether this is the first time the file (device and inode) is found."""
        key = (st.st_dev, st.st_ino)
        if key in self._seen:
            self.repeated += 1
            return False
        self._seen.add(key)
        return True

    def cleanup(self) -> None:
        for path in self.temp_files:
            with contextlib.suppress(OSError):
                os.unlink(path)
        self.temp_files.clear()
        for fd in self._held:
            with contextlib.suppress(OSError):
                os.close(fd)
        self._held.clear()


def kind_of(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "not a regular file"


def not_regular(mode: int) -> str:
    """The reason a special file is skipped (reading a FIFO can wait forever, a device can
    never end)."""
    return f"not a regular file ({kind_of(mode)}), skipped"


def read_sources(
    sources: Iterable[Source], readers: dict[str, Reader], options: ReadOptions
) -> Iterator[Record | BadRecord]:
    """Every record of every source, in order."""
    for source in sources:
        reader = readers[source.reader]
        try:
            yield from reader.read(source, options)
        except NotRegular as exc:
            yield BadRecord(source.label, None, str(exc))
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
