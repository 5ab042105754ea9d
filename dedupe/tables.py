"""Tabular outputs in the run's output format: JSON Lines, CSV or Parquet, written and read back.

``clusters``, ``pairs``, ``dropped`` and ``kept`` are tables (one row per cluster, pair,
copy or kept record); ``--output-format`` picks how they are written, and the file's suffix
says which (``clusters.csv``). Every column has a kind (:data:`KINDS`), so the three formats
hold the same values and :func:`read_rows` gives back the rows a JSON Lines file holds: a CSV
cell of a list or mapping is its JSON text, a Parquet column of one is a native list or map;
an empty CSV cell or a Parquet null is a field the row does not have. Parquet is written with
pyarrow (the ``parquet`` extra), a row group at a time; CSV with the standard library's
:mod:`csv` (RFC 4180 quoting, UTF-8).
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from dedupe.errors import InputError, MissingDependency
from dedupe.write import Writer, dumps_line

#: The output formats, by ``--output-format`` name.
FORMATS = ("jsonl", "csv", "parquet")
SUFFIXES = {"jsonl": ".jsonl", "csv": ".csv", "parquet": ".parquet"}
#: The kinds of column: text, whole numbers, numbers, a list of texts, a mapping of texts to
#: numbers, a mapping of texts to texts, and ``json``: any JSON value (CSV: its JSON text;
#: Parquet: its JSON text, unless the column is all texts, numbers or booleans).
KINDS = ("str", "int", "float", "bool", "list", "scores", "labels", "json")
#: Rows per Parquet row group (bounds memory whatever the number of rows).
ROW_GROUP = 65_536
#: The columns of the built-in tables, in order (a row may lack any of them).
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "clusters": (
        ("cluster", "int"),
        ("size", "int"),
        ("representative", "str"),
        ("members", "list"),
        ("scorer", "str"),
        ("scores", "scores"),
        ("roles", "labels"),
        ("in_index", "list"),
    ),
    "pairs": (
        ("a", "str"),
        ("b", "str"),
        ("scorer", "str"),
        ("score", "float"),
        ("scores", "scores"),
        ("a_in_b", "float"),
        ("b_in_a", "float"),
        ("jaccard", "float"),
        ("relation", "str"),
        ("container", "str"),
        ("via", "str"),
    ),
    "dropped": (
        ("id", "str"),
        ("duplicate_of", "str"),
        ("cluster", "int"),
        ("scorer", "str"),
        ("score", "float"),
        ("role", "str"),
    ),
}
INSTALL_PARQUET = "pip install 'dedupe-engine[parquet]'"


def parquet_available() -> bool:
    """Whether pyarrow can be imported here (Parquet output needs it); imported only when
    Parquet is asked for."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def require_parquet(what: str = "--output-format parquet") -> None:
    """One line naming the extra to install when pyarrow is missing."""
    if not parquet_available():
        raise MissingDependency(f"{what} needs pyarrow: {INSTALL_PARQUET}")


def format_of(path: str | os.PathLike[str]) -> str:
    """The format a file's suffix names (``jsonl`` for any other suffix)."""
    suffix = Path(path).suffix.lower()
    for name, known in SUFFIXES.items():
        if suffix == known:
            return name
    return "jsonl"


def renamed(filename: str, output_format: str) -> str:
    """``filename`` with its suffix replaced by the format's (``kept.jsonl`` -> ``kept.csv``)."""
    return str(Path(filename).with_suffix(SUFFIXES[output_format]))


def in_format(writer: Writer, output_format: str) -> Writer:
    """The writer writing its file in ``output_format`` (a tabular one's file renamed to the
    format's suffix; any other as it is; ``auto``: not decided yet, as registered)."""
    if not writer.tabular or output_format not in SUFFIXES:
        return writer
    return replace(writer, filename=renamed(writer.filename, output_format))


def possible_names(writers: Sequence[Writer]) -> list[str]:
    """Every name the writers' files may have, whatever the output format (what a run whose
    format is decided by its inputs must not overwrite)."""
    names = {in_format(w, fmt).filename for w in writers for fmt in FORMATS}
    return sorted(names | {w.filename for w in writers})


def find(folder: str | os.PathLike[str], stem: str) -> Path | None:
    """A run's output ``stem`` (``clusters``) in ``folder``, in whichever format it was
    written, or None."""
    for suffix in SUFFIXES.values():
        path = Path(folder) / f"{stem}{suffix}"
        if path.exists():
            return path
    return None


# -- writing ------------------------------------------------------------------------------------
def write_rows(
    path: Path, rows: Iterable[Mapping[str, Any]], columns: Sequence[tuple[str, str]]
) -> None:
    """Write ``rows`` (each a mapping of some of ``columns``) to ``path`` in the format its
    suffix names; a JSON Lines row is written as it is (its keys in its own order)."""
    fmt = format_of(path)
    if fmt == "csv":
        _write_csv(path, rows, columns)
    elif fmt == "parquet":
        _write_parquet(path, rows, columns)
    else:
        with open(path, "w", encoding="utf-8") as f:
            for row in rows:
                f.write(dumps_line(row) + "\n")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    return json.dumps(value, ensure_ascii=False)


def _write_csv(
    path: Path, rows: Iterable[Mapping[str, Any]], columns: Sequence[tuple[str, str]]
) -> None:
    names = [name for name, _ in columns]
    with open(path, "w", encoding="utf-8", errors="surrogateescape", newline="") as f:
        out = csv.writer(f)
        out.writerow(names)
        for row in rows:
            out.writerow([_cell(row.get(name)) for name in names])


def _arrow_type(kind: str) -> Any:
    import pyarrow as pa

    return {
        "str": pa.string(),
        "int": pa.int64(),
        "float": pa.float64(),
        "bool": pa.bool_(),
        "list": pa.list_(pa.string()),
        "scores": pa.map_(pa.string(), pa.float64()),
        "labels": pa.map_(pa.string(), pa.string()),
        "json": pa.string(),
    }[kind]


def _arrow_value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "json":
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if kind == "str" and not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return value


def _write_parquet(
    path: Path, rows: Iterable[Mapping[str, Any]], columns: Sequence[tuple[str, str]]
) -> None:
    require_parquet()
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(name, _arrow_type(kind)) for name, kind in columns])
    with pq.ParquetWriter(str(path), schema) as out:
        batch: list[dict[str, Any]] = []
        written = False
        for row in rows:
            batch.append({n: _arrow_value(row.get(n), kind) for n, kind in columns})
            if len(batch) >= ROW_GROUP:
                out.write_table(pa.Table.from_pylist(batch, schema=schema))
                batch, written = [], True
        if batch or not written:  # an empty table still has its columns
            out.write_table(pa.Table.from_pylist(batch, schema=schema))


def record_columns(rows: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """Columns for records of any shape (``kept``): every field seen, in order of first
    appearance, each of the kind its values share (``str``, ``int``, ``float``, ``bool``),
    else ``json``."""
    kinds: dict[str, set[str]] = {}
    for row in rows:
        for name, value in row.items():
            seen = kinds.setdefault(name, set())
            if value is None:
                continue
            if isinstance(value, bool):
                seen.add("bool")
            elif isinstance(value, int):
                seen.add("int")
            elif isinstance(value, float):
                seen.add("float")
            elif isinstance(value, str):
                seen.add("str")
            else:
                seen.add("json")
    out = []
    for name, seen in kinds.items():
        if seen <= {"int", "float"} and seen:
            kind = "int" if seen == {"int"} else "float"
        elif len(seen) == 1:
            kind = next(iter(seen))
        else:
            kind = "str" if not seen else "json"
        out.append((name, kind))
    return out


# -- reading back -------------------------------------------------------------------------------
def _parsed(cell: str, kind: str, where: str) -> Any:
    if kind == "str":
        return cell
    try:
        if kind == "int":
            return int(cell)
        if kind == "float":
            return float(cell)
        if kind == "bool":
            return cell == "true"
        return json.loads(cell)
    except ValueError:
        raise InputError(f"{where}: {cell[:40]!r} is not a {kind} value") from None


def read_rows(
    path: str | os.PathLike[str], columns: Sequence[tuple[str, str]] = ()
) -> Iterator[tuple[int, Any]]:
    """(row number from 1, row) of a table written by :func:`write_rows`, whatever its format
    (by suffix); a JSON Lines line that is not JSON is yielded as None. ``columns`` gives the
    kinds of a CSV file's cells (a column not named is text)."""
    fmt = format_of(path)
    if fmt == "csv":
        yield from _read_csv(Path(path), dict(columns))
    elif fmt == "parquet":
        yield from _read_parquet(Path(path))
    else:
        with open(path, "rb") as f:
            for n, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                try:
                    yield n, json.loads(line)
                except ValueError:
                    yield n, None


def _read_csv(path: Path, kinds: dict[str, str]) -> Iterator[tuple[int, Any]]:
    csv.field_size_limit(1 << 30)
    with open(path, encoding="utf-8", errors="surrogateescape", newline="") as f:
        rows = csv.reader(f)
        header = next(rows, None)
        if header is None:
            return
        for n, cells in enumerate(rows, start=2):
            where = f"{path}:{n}"
            yield (
                n,
                {
                    name: _parsed(cell, kinds.get(name, "str"), where)
                    for name, cell in zip(header, cells, strict=False)
                    if cell != ""
                },
            )


def _read_parquet(path: Path) -> Iterator[tuple[int, Any]]:
    require_parquet(f"reading {path}")
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(str(path))
    except Exception as exc:  # pyarrow's own errors for a file that is not Parquet
        raise InputError(f"{path}: cannot be read as Parquet ({exc})") from None
    maps = {f.name for f in table.schema_arrow if pa.types.is_map(f.type)}
    n = 0
    for batch in table.iter_batches(batch_size=ROW_GROUP):
        for row in batch.to_pylist():
            n += 1
            yield (
                n,
                {
                    k: dict(v) if k in maps else v  # a map comes as (key, value) pairs
                    for k, v in row.items()
                    if v is not None
                },
            )
