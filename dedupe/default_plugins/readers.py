"""Built-in readers: plain text and Markdown, HTML, JSON Lines (also stdin), CSV/TSV, and
plain text one document per line (``--format text`` on stdin)."""

from __future__ import annotations

import codecs
import csv
import json
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

import msgspec

from dedupe.documents import BadRecord, Record
from dedupe.hookspecs import hookimpl
from dedupe.read import (
    BINARY_SNIFF_BYTES,
    SKIP_BLOCK,
    STDIN,
    Reader,
    ReadOptions,
    Source,
    bounded_lines,
    decode_bytes,
    looks_binary,
    open_regular,
    range_buffer,
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


#: Field names a reason lists when a record lacks the id or text field (the rest counted).
LISTED_FIELDS = 12
#: Field names (lower case) taken for an id when suggesting ``--id-field``; also any name
#: ending in "id" or "url".
ID_NAMES = frozenset({"key", "guid", "uuid", "uri", "url", "link", "permalink"})


def _id_guess(obj: dict[str, Any]) -> str | None:
    """The first field named like an id whose value can be one (a string or an integer)."""
    for name, value in obj.items():
        lower = name.lower()
        usable = isinstance(value, (str, int)) and not isinstance(value, bool) and value != ""
        if usable and (lower in ID_NAMES or lower.endswith(("id", "url"))):
            return name
    return None


#: Field names (lower case) taken for the text when suggesting ``--text-field``, in order.
TEXT_NAMES = ("text", "body", "content", "article", "story", "description", "title")


def _text_guess(obj: dict[str, Any], not_this: str | None) -> str | None:
    """The field(s) most likely to hold the text, other than the id: those named like a text
    that hold strings, in the record's order and comma-separated (``title,body``: joined, as
    ``--text-field`` joins them; the same for every record with these fields), else the field
    holding the longest string."""
    strings = {k: v for k, v in obj.items() if k != not_this and isinstance(v, str)}
    named = [k for k in strings if k.lower() in TEXT_NAMES and "," not in k]
    if named:
        return ",".join(named)
    return max((k for k in strings if strings[k]), key=lambda k: len(strings[k]), default=None)


def missing_fields(obj: dict[str, Any], options: ReadOptions, id_: bool, text: bool) -> str:
    """Why a record lacking its id or text field (or both) is skipped: the fields it has
    (the first :data:`LISTED_FIELDS`) and the options to set, with a guess of each from the
    record (a field named like an id; the field with the longest string). The reason up to
    its first colon is the same for every such record, so they are counted (and printed)
    as one kind."""
    missing = []
    if id_:
        missing.append(f"id field {options.id_field!r}")
    if text:
        missing.append(f"text field {options.text_field!r}")
    names = list(obj)
    listed = ", ".join(names[:LISTED_FIELDS]) if names else "none"
    if len(names) > LISTED_FIELDS:
        listed += f" and {len(names) - LISTED_FIELDS:,} more"
    id_guess = _id_guess(obj) if id_ else None
    text_guess = _text_guess(obj, id_guess if id_ else options.id_field) if text else None
    advice = []
    if id_:
        advice.append(f"--id-field {id_guess}" if id_guess else "--id-field")
    if text:
        advice.append(f"--text-field {text_guess}" if text_guess else "--text-field")
    hint = "set " + " and ".join(advice)
    if id_:
        hint += ", or --id-field '' to number records by line"
    return f"missing {' and '.join(missing)}: the record's fields are {listed} ({hint})"


def _field_text(obj: dict[str, Any], fields: list[str]) -> tuple[str | None, str | None]:
    """The text of one or more fields joined by a blank line, or (None, reason); the reason
    is None when none of the fields is there (the caller says which fields there are)."""
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
        return None, None
    return "\n\n".join(parts), None


def _field_id(
    obj: dict[str, Any], options: ReadOptions, fallback: str
) -> tuple[str | None, str | None]:
    """The record's id, or (None, reason); the reason is None when the field is absent."""
    if not options.id_field:
        return fallback, None
    if options.id_field not in obj:
        return None, None
    value = obj[options.id_field]
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None, f"id field {options.id_field!r} is a {type(value).__name__}, not a string"
    return str(value), None


def record_from_object(
    obj: Any, source: Source, line: int, options: ReadOptions, raw: Any
) -> Record | BadRecord:
    """Build a record from a parsed JSON object or CSV row, or say why it cannot be one (a
    missing id or text field: both at once, with the fields the record has)."""
    if not isinstance(obj, dict):
        return BadRecord(source.label, line, f"expected a JSON object, got a {type(obj).__name__}")
    doc_id, why = _field_id(obj, options, f"{source.id}:{line}")
    if why is not None:
        return BadRecord(source.label, line, why)
    text, why_text = _field_text(obj, options.text_field.split(","))
    if doc_id is None or (text is None and why_text is None):
        reason = missing_fields(obj, options, doc_id is None, text is None and why_text is None)
        return BadRecord(source.label, line, reason)
    if text is None:
        return BadRecord(source.label, line, why_text or "no text")
    meta = {k: obj[k] for k in options.keep_fields if k in obj}
    return Record(doc_id, text, source.label, line, meta, raw)


def _range_lines(
    f: BinaryIO, source: Source, limit: int | None
) -> Iterator[tuple[int, bytes | None, int]]:
    """(line number, line or None when over ``limit``, size) of each line of the source's
    byte range that ``source.only_lines`` asks for (all when None)."""
    only = source.only_lines
    if source.start:
        f.seek(source.start)
    position = source.start
    for line_no, (line, size) in enumerate(bounded_lines(f, limit), start=source.first_line):
        if source.stop and position >= source.stop:
            break
        position += size
        if only is None or line_no in only:
            yield line_no, line, size


#: Said with the first line of stdin that is not JSON at all (stdin is JSON Lines by default).
STDIN_HINT = (
    "stdin is read as JSON Lines: for plain text give --format text (one document per line), "
    "for CSV --format csv"
)


def read_jsonl(source: Source, options: ReadOptions) -> Iterator[Record | BadRecord]:
    """One JSON object per line; blank lines are ignored, bad lines reported by number.

    Reads the source's byte range only, and parses only ``source.only_lines`` when given.
    On stdin, the first line that does not even start like JSON says how to read plain text.
    """
    limit = options.max_doc_bytes
    hint = source.id == STDIN
    with open_regular(source.path, range_buffer(source.start, source.stop)) as f:
        for line_no, line, size in _range_lines(f, source, limit):
            if line is None:
                yield BadRecord(source.label, line_no, too_big(size, limit) or "line too long")
                continue
            if not line.strip():
                continue
            try:
                # The fast path: UTF-8 bytes parsed as they are (no decoded copy of the line);
                # msgspec checks the UTF-8 of every string it decodes. Anything it refuses
                # (a BOM, another encoding, NaN, a lone surrogate, bad JSON) takes json's path.
                obj = _decode_json(line)
            except msgspec.MsgspecError:
                pass
            else:
                yield record_from_object(obj, source, line_no, options, line)
                continue
            text, encoding = decode_bytes(line)
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                reason = f"malformed JSON: {exc.msg} at column {exc.colno}"
                if hint and not text.lstrip().startswith(("{", "[", '"')):
                    reason, hint = f"{reason}; {STDIN_HINT}", False
                yield BadRecord(source.label, line_no, reason)
                continue
            except RecursionError:
                yield BadRecord(source.label, line_no, "malformed JSON: nested too deeply")
                continue
            item = record_from_object(obj, source, line_no, options, text.rstrip("\r\n"))
            if isinstance(item, Record) and encoding != "utf-8":
                item.meta["encoding"] = encoding
            yield item


#: JSON Lines parser: msgspec on bytes, 1.6x ``json.loads`` of the decoded line (measured in
#: benchmarks/prototypes/proto_jsonl.py), the same objects for every line it accepts.
_decode_json = msgspec.json.Decoder().decode


def read_lines(source: Source, options: ReadOptions) -> Iterator[Record | BadRecord]:
    """One document per line of plain text (``--format lines``, and ``--format text`` on
    stdin): the id is ``SOURCE:LINE`` (``-:3`` on stdin); blank lines are not documents; a
    file with NUL bytes near its start is binary, skipped whole. Honours byte ranges and
    ``only_lines`` as JSON Lines do, so big inputs are cut into chunks the same way."""
    limit = options.max_doc_bytes
    with open_regular(source.path, range_buffer(source.start, source.stop)) as f:
        if looks_binary(f.read(BINARY_SNIFF_BYTES)):
            yield BadRecord(source.label, None, "binary file (contains NUL bytes), not text")
            return
        f.seek(0)
        for line_no, line, size in _range_lines(f, source, limit):
            if line is None:
                yield BadRecord(source.label, line_no, too_big(size, limit) or "line too long")
                continue
            if not line.strip():
                continue
            text, encoding = decode_bytes(line)
            meta = {} if encoding == "utf-8" else {"encoding": encoding}
            yield Record(f"{source.id}:{line_no}", text.rstrip("\r\n"), source.label, line_no, meta)


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
    register(
        Reader(
            "lines",
            read_lines,
            (),
            "plain text, one document per line",
            splittable=True,
            raw_lines=False,
        )
    )
    for name, delimiter, what in (
        ("csv", ",", "CSV with a header row"),
        ("tsv", "\t", "tab-separated with a header row"),
    ):
        register(Reader(name, _csv_reader(delimiter), (f".{name}",), what, output_format="csv"))
