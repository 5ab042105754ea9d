"""Built-in readers: plain text and Markdown, HTML, JSON Lines (also stdin) and CSV/TSV."""

from __future__ import annotations

import codecs
import csv
import json
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from dedupe.documents import BadRecord, Record
from dedupe.hookspecs import hookimpl
from dedupe.read import (
    BINARY_SNIFF_BYTES,
    SKIP_BLOCK,
    Reader,
    ReadOptions,
    Source,
    bounded_lines,
    decode_bytes,
    looks_binary,
    open_regular,
    too_big,
)


def read_whole_file(source: Source, options: ReadOptions) -> Iterator[Record | BadRecord]:
    """One document per file; the id is the path relative to the directory it was found in.

    With ``--max-doc-bytes`` a larger file is skipped by its size, and at most one byte over
    the limit is ever read (the file may grow meanwhile)."""
    limit = options.max_doc_bytes
    with open_regular(source.path) as f:
        size = os.fstat(f.fileno()).st_size
        if limit is not None and size > limit:
            data = b""
        else:
            data = f.read() if limit is None else f.read(limit + 1)
            size = max(size, len(data))
    reason = too_big(size, limit)
    if reason:
        yield BadRecord(source.label, None, reason)
        return
    if looks_binary(data):
        yield BadRecord(source.label, None, "binary file (contains NUL bytes), not text")
        return
    text, encoding = decode_bytes(data)
    yield Record(source.id, text, source.label, None, {"encoding": encoding}, None)


def _field_text(obj: dict[str, Any], fields: list[str]) -> tuple[str | None, str | None]:
    """The text of one or more fields joined by a blank line, or (None, reason)."""
    parts = []
    present = False
    for name in fields:
        if name not in obj:
            continue
        present = True
        value = obj[name]
        if value is None:
            continue
        if not isinstance(value, str):
            return None, f"text field {name!r} is a {type(value).__name__}, not a string"
        if value:
            parts.append(value)
    if not present:
        return None, f"missing text field {','.join(fields)!r} (set --text-field)"
    return "\n\n".join(parts), None


def _field_id(obj: dict[str, Any], options: ReadOptions, fallback: str) -> tuple[str | None, str]:
    if not options.id_field:
        return fallback, ""
    if options.id_field not in obj:
        return None, (
            f"missing id field {options.id_field!r} "
            "(set --id-field, or --id-field '' to number records by line)"
        )
    value = obj[options.id_field]
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None, f"id field {options.id_field!r} is a {type(value).__name__}, not a string"
    return str(value), ""


def record_from_object(
    obj: Any, source: Source, line: int, options: ReadOptions, raw: Any
) -> Record | BadRecord:
    """Build a record from a parsed JSON object or CSV row, or say why it cannot be one."""
    if not isinstance(obj, dict):
        return BadRecord(source.label, line, f"expected a JSON object, got a {type(obj).__name__}")
    doc_id, why = _field_id(obj, options, f"{source.id}:{line}")
    if doc_id is None:
        return BadRecord(source.label, line, why)
    text, why_text = _field_text(obj, options.text_field.split(","))
    if text is None:
        return BadRecord(source.label, line, why_text or "no text")
    meta = {k: obj[k] for k in options.keep_fields if k in obj}
    return Record(doc_id, text, source.label, line, meta, raw)


def read_jsonl(source: Source, options: ReadOptions) -> Iterator[Record | BadRecord]:
    """One JSON object per line; blank lines are ignored, bad lines reported by number.

    Reads the source's byte range only, and parses only ``source.only_lines`` when given.
    """
    only = source.only_lines
    limit = options.max_doc_bytes
    with open_regular(source.path) as f:
        if source.start:
            f.seek(source.start)
        position = source.start
        for line_no, (line, size) in enumerate(bounded_lines(f, limit), start=source.first_line):
            if source.stop and position >= source.stop:
                break
            position += size
            if only is not None and line_no not in only:
                continue
            if line is None:
                yield BadRecord(source.label, line_no, too_big(size, limit) or "line too long")
                continue
            if not line.strip():
                continue
            text, encoding = decode_bytes(line)
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                yield BadRecord(
                    source.label, line_no, f"malformed JSON: {exc.msg} at column {exc.colno}"
                )
                continue
            except RecursionError:
                yield BadRecord(source.label, line_no, "malformed JSON: nested too deeply")
                continue
            item = record_from_object(obj, source, line_no, options, text.rstrip("\r\n"))
            if isinstance(item, Record) and encoding != "utf-8":
                item.meta["encoding"] = encoding
            yield item


def sniff(f: BinaryIO) -> tuple[str, bytes]:
    """The encoding of a whole file, read in blocks: UTF-8 if all of it is, else cp1252 if it
    decodes, else latin-1 (as :func:`dedupe.read.decode_bytes` decides for one document); and
    its line separator: ``\\r`` for a file with carriage returns and no line feed (Excel's
    "CSV (Macintosh)"), else ``\\n`` (which also ends ``\\r\\n`` lines)."""
    lf = cr = False
    found = "latin-1"
    for encoding in ("utf-8", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        f.seek(0)
        try:
            while block := f.read(1 << 20):
                lf = lf or b"\n" in block
                cr = cr or b"\r" in block
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        found = encoding
        break
    if found == "latin-1":
        f.seek(0)
        while not lf and (block := f.read(1 << 20)):
            lf, cr = b"\n" in block, cr or b"\r" in block
    return found, b"\r" if cr and not lf else b"\n"


class RecordTooBig(Exception):
    """Raised through the CSV parser when a record passes the limit (it has been skipped)."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


class CsvLines:
    """A CSV file's lines, decoded, for :func:`csv.reader`, counting the lines and bytes of
    the record being parsed. A record over ``limit`` bytes is skipped in bounded blocks up to
    the newline that ends it (the first outside quotes) and :class:`RecordTooBig` raised."""

    def __init__(
        self, f: BinaryIO, encoding: str, limit: int | None, separator: bytes = b"\n"
    ) -> None:
        self.f = f
        self.encoding = encoding
        self.limit = limit
        self.separator = separator
        self.pending = bytearray()  # read past the last \\r line (only with that separator)
        self.lines = 0  # lines read so far
        self.record_start = 1
        self.record_bytes = 0
        self.quotes = 0
        self.first = True

    def start_record(self) -> None:
        self.record_start = self.lines + 1
        self.record_bytes = 0
        self.quotes = 0

    def __iter__(self) -> CsvLines:
        return self

    def readline(self, size: int = -1) -> bytes:
        """One line (at most ``size`` bytes), ended by the file's line separator."""
        if self.separator == b"\n":
            return self.f.readline(size)
        buffer = self.pending
        while True:
            end = buffer.find(b"\r")
            if end >= 0 and (size < 0 or end < size):
                cut = end + 1
                break
            if 0 <= size <= len(buffer):
                cut = size
                break
            block = self.f.read(1 << 16)
            if not block:
                cut = len(buffer)
                break
            buffer += block
        line = bytes(buffer[:cut])
        del buffer[:cut]
        return line

    def __next__(self) -> str:
        if self.limit is None:
            line = self.readline()
            if not line:
                raise StopIteration
        else:
            line = self.readline(self.limit - self.record_bytes + 1)
            if not line:
                raise StopIteration
            self.record_bytes += len(line)
            self.quotes += line.count(b'"')
            if self.record_bytes > self.limit:
                raise RecordTooBig(self._skip(line))
        self.lines += line.endswith(self.separator)
        if self.first:
            self.first = False
            if self.encoding == "utf-8" and line.startswith(codecs.BOM_UTF8):
                line = line[len(codecs.BOM_UTF8) :]
        return line.decode(self.encoding, "replace")

    def _skip(self, line: bytes) -> int:
        size = self.record_bytes
        ended = line.endswith(self.separator)
        while not (ended and self.quotes % 2 == 0):
            if ended:
                self.lines += 1
            line = self.readline(SKIP_BLOCK)
            if not line:
                break
            size += len(line)
            self.quotes += line.count(b'"')
            ended = line.endswith(self.separator)
        self.lines += ended
        return size


def _csv_reader(delimiter: str) -> Callable[[Source, ReadOptions], Iterator[Record | BadRecord]]:
    def read_csv(source: Source, options: ReadOptions) -> Iterator[Record | BadRecord]:
        """A header row, then one document per row (quoted fields may span lines); read
        line by line, so a record over --max-doc-bytes is skipped without being held."""
        with open_regular(source.path) as f:
            if looks_binary(f.read(BINARY_SNIFF_BYTES)):
                yield BadRecord(source.label, None, "binary file (contains NUL bytes), not text")
                return
            encoding, separator = sniff(f)
            f.seek(0)
            lines = CsvLines(f, encoding, options.max_doc_bytes, separator)
            yield from _csv_rows(lines, source, options)

    def _csv_rows(
        lines: CsvLines, source: Source, options: ReadOptions
    ) -> Iterator[Record | BadRecord]:
        csv.field_size_limit(sys.maxsize)
        rows = csv.reader(lines, delimiter=delimiter)
        try:
            header = next(rows)
        except StopIteration:
            return
        except RecordTooBig as exc:
            reason = f"CSV header larger than --max-doc-bytes ({exc.size:,} bytes), file skipped"
            yield BadRecord(source.label, 1, reason)
            return
        except csv.Error as exc:
            yield BadRecord(source.label, 1, f"malformed CSV header: {exc}")
            return
        while True:
            lines.start_record()
            try:
                row = next(rows)
            except StopIteration:
                return
            except RecordTooBig as exc:
                reason = too_big(exc.size, lines.limit) or "record too long"
                yield BadRecord(source.label, lines.record_start, reason)
                rows = csv.reader(lines, delimiter=delimiter)  # parse afresh after the skip
                continue
            except csv.Error as exc:
                yield BadRecord(source.label, lines.record_start, f"malformed CSV: {exc}")
                continue
            if not row:
                continue
            if len(row) != len(header):
                yield BadRecord(
                    source.label,
                    lines.record_start,
                    f"expected {len(header)} fields, found {len(row)}",
                )
                continue
            obj = dict(zip(header, row, strict=True))
            yield record_from_object(obj, source, lines.record_start, options, obj)

    return read_csv


@hookimpl
def register_readers(register: Callable[[Reader], None]) -> None:
    register(Reader("text", read_whole_file, (".txt", ".md", ".text"), "one document per file"))
    register(Reader("html", read_whole_file, (".html", ".htm"), "one HTML page per file"))
    register(
        Reader(
            "jsonl",
            read_jsonl,
            (".jsonl", ".ndjson"),
            "JSON Lines: one object per line",
            splittable=True,
        )
    )
    register(Reader("csv", _csv_reader(","), (".csv",), "CSV with a header row"))
    register(Reader("tsv", _csv_reader("\t"), (".tsv",), "tab-separated with a header row"))
