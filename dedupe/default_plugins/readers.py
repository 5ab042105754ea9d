"""Built-in readers: plain text and Markdown, HTML, JSON Lines (also stdin) and CSV/TSV."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from dedupe.documents import BadRecord, Record
from dedupe.hookspecs import hookimpl
from dedupe.read import Reader, ReadOptions, Source, decode_bytes, looks_binary


def _too_big(size: int, options: ReadOptions) -> str | None:
    if options.max_doc_bytes is not None and size > options.max_doc_bytes:
        return f"document of {size:,} bytes is over --max-doc-bytes ({options.max_doc_bytes:,})"
    return None


def read_whole_file(source: Source, options: ReadOptions) -> Iterator[Record | BadRecord]:
    """One document per file; the id is the path relative to the directory it was found in."""
    with open(source.path, "rb") as f:
        if options.max_doc_bytes is not None:
            data = f.read(options.max_doc_bytes + 1)
            size = len(data)
            if size > options.max_doc_bytes:
                f.seek(0, io.SEEK_END)
                size = f.tell()
        else:
            data = f.read()
            size = len(data)
    too_big = _too_big(size, options)
    if too_big:
        yield BadRecord(source.label, None, too_big)
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


def _bounded_lines(f: BinaryIO, limit: int | None) -> Iterator[tuple[bytes | None, int]]:
    """(line, its size in bytes) for each line of ``f``. With a ``limit``, a longer line is
    skipped in blocks without ever being held whole: it comes as (None, size)."""
    if limit is None:
        for line in f:
            yield line, len(line)
        return
    while True:
        line = f.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield line, len(line)
            continue
        size = len(line)
        while True:
            block = f.readline(1 << 20)
            size += len(block)
            if not block or block.endswith(b"\n"):
                break
        yield None, size


def read_jsonl(source: Source, options: ReadOptions) -> Iterator[Record | BadRecord]:
    """One JSON object per line; blank lines are ignored, bad lines reported by number.

    Reads the source's byte range only, and parses only ``source.only_lines`` when given.
    """
    only = source.only_lines
    with open(source.path, "rb") as f:
        if source.start:
            f.seek(source.start)
        position = source.start
        for line_no, (line, size) in enumerate(
            _bounded_lines(f, options.max_doc_bytes), start=source.first_line
        ):
            if source.stop and position >= source.stop:
                break
            position += size
            if only is not None and line_no not in only:
                continue
            too_big = _too_big(size, options)
            if too_big or line is None:
                yield BadRecord(source.label, line_no, too_big or "line too long")
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


def _csv_reader(delimiter: str) -> Callable[[Source, ReadOptions], Iterator[Record | BadRecord]]:
    def read_csv(source: Source, options: ReadOptions) -> Iterator[Record | BadRecord]:
        """A header row, then one document per row (quoted fields may span lines)."""
        with open(source.path, "rb") as f:
            data = f.read()
        if looks_binary(data):
            yield BadRecord(source.label, None, "binary file (contains NUL bytes), not text")
            return
        text, _encoding = decode_bytes(data)
        csv.field_size_limit(sys.maxsize)
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            header = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            yield BadRecord(source.label, 1, f"malformed CSV header: {exc}")
            return
        start = rows.line_num + 1
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except csv.Error as exc:
                yield BadRecord(source.label, start, f"malformed CSV: {exc}")
                start = rows.line_num + 1
                continue
            line = start
            start = rows.line_num + 1
            if not row:
                continue
            if len(row) != len(header):
                yield BadRecord(
                    source.label, line, f"expected {len(header)} fields, found {len(row)}"
                )
                continue
            obj = dict(zip(header, row, strict=True))
            yield record_from_object(obj, source, line, options, obj)

    return read_csv


@hookimpl
def register_readers(register: Callable[[Reader], None]) -> None:
    register(Reader("text", read_whole_file, (".txt", ".md", ".text"), "one document per file"))
    register(Reader("html", read_whole_file, (".html", ".htm"), "one HTML page per file"))
    register(Reader("jsonl", read_jsonl, (".jsonl", ".ndjson"), "JSON Lines: one object per line"))
    register(Reader("csv", _csv_reader(","), (".csv",), "CSV with a header row"))
    register(Reader("tsv", _csv_reader("\t"), (".tsv",), "tab-separated with a header row"))
