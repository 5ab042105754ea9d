"""A reader plugin for Apache Parquet files (the ``parquet`` extra: pyarrow).

One document per row, fields as in JSON Lines (``--id-field``, ``--text-field``,
``--date-field``); a row's "line" is its 1-based row number, so a later pass can ask for just
some rows. The reader is registered only when pyarrow can be imported, so a plain install
neither fails nor claims ``.parquet`` files it cannot read. A built-in plugin like the others,
for every executor.
"""

from __future__ import annotations

import datetime
import decimal
import importlib.util
from collections.abc import Callable, Iterator
from typing import Any

from dedupe.default_plugins.readers import record_from_object
from dedupe.documents import BadRecord, Record
from dedupe.hookspecs import hookimpl
from dedupe.read import Reader, ReadOptions, Source

ROWS_PER_BATCH = 4096


def available() -> bool:
    """Whether pyarrow (and so this reader) can be used here."""
    return importlib.util.find_spec("pyarrow") is not None


def _plain(value: Any) -> Any:
    """A JSON-writable form of a Parquet value (dates and decimals as strings)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (datetime.date, datetime.time, datetime.timedelta, decimal.Decimal)):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def read_parquet(source: Source, options: ReadOptions) -> Iterator[Record | BadRecord]:
    """Every row of the file as a record (only ``source.only_lines`` rows when given)."""
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(source.path)
    except Exception as exc:  # pyarrow raises its own errors for a corrupt file
        yield BadRecord(source.label, None, f"cannot read Parquet: {exc}")
        return
    only = source.only_lines
    row = 0
    for batch in table.iter_batches(batch_size=ROWS_PER_BATCH):
        if only is not None and not any(row < r <= row + batch.num_rows for r in only):
            row += batch.num_rows
            continue
        for obj in batch.to_pylist():
            row += 1
            if only is not None and row not in only:
                continue
            plain = _plain(obj)
            yield record_from_object(plain, source, row, options, plain)


@hookimpl
def register_readers(register: Callable[[Reader], None]) -> None:
    if available():
        register(
            Reader(
                "parquet",
                read_parquet,
                (".parquet",),
                "Apache Parquet: one document per row (needs pyarrow)",
                output_format="parquet",
            )
        )
