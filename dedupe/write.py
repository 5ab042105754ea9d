"""Write stage: each writer renders one output file from the run's result.

Every writer gets a path in a fresh staging folder of the output directory; the set is
swapped into place only when every writer has finished (see :mod:`dedupe.atomic`), and a run
that read no document writes nothing, so a mistyped input path leaves the previous outputs.

A writer says what it reads, so that any executor can run it. ``shards`` names the part of
the result its file is made of, part after part (``clusters``, ``pairs`` or ``kept``): an
executor that holds the result in partitions (Dask) calls ``write`` once per partition with a
:class:`~dedupe.result.RunResult` holding only that partition, into a shard, and joins the
shards in order (``join=False``: the folder of shards is the output, as for ``kept``, the
whole corpus). A ``summary`` writer reads only the run's settings, counts, facts, timings and
skipped records: it is written last, when the other outputs' time is known. A writer that is
neither is given the whole result, gathered in one process.

A ``tabular`` writer's file is a table (rows of one kind: :mod:`dedupe.tables`) written in the
run's output format (``--output-format``): the plan gives it the file name with that format's
suffix (``clusters.csv``), and the path it is given says the format by its suffix.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dedupe.atomic import OutputSet, check_writable
from dedupe.errors import InputError, OutputError
from dedupe.outdir import check_collisions
from dedupe.result import RunResult

WriteFunction = Callable[[RunResult, Path], None]


#: The parts of a result a writer's file can be made of, shard after shard.
SHARD_PARTS = ("clusters", "pairs", "kept")


@dataclass(frozen=True)
class Writer:
    """An output file: ``write(result, path)`` writes ``filename``'s content to ``path``
    (``shards``, ``summary``, ``join``: see the module doc)."""

    name: str
    filename: str
    write: WriteFunction
    description: str = ""
    shards: str | None = None
    summary: bool = False
    join: bool = True
    tabular: bool = False

    def __post_init__(self) -> None:
        if self.shards is not None and self.shards not in SHARD_PARTS:
            raise ValueError(f"writer {self.name!r}: shards must be one of {SHARD_PARTS}")


def in_writing_order(writers: Sequence[Writer]) -> list[Writer]:
    """The writers with the summary writers last (they report the others' time)."""
    return [w for w in writers if not w.summary] + [w for w in writers if w.summary]


def dumps_line(obj: Any) -> str:
    """``obj`` as one JSON line, non-ASCII text as it is, except in a line holding a lone
    surrogate (an id made of a file name that is not UTF-8, a JSON ``"\\ud800"``): that line
    is written with ``\\u`` escapes, so the output stays UTF-8 and the id reads back the
    same (``os.fsencode`` gives the file name's bytes back)."""
    line = json.dumps(obj, ensure_ascii=False)
    if not line.isascii():
        try:
            line.encode("utf-8")
        except UnicodeEncodeError:
            return json.dumps(obj)
    return line


def write_outputs(
    writers: Sequence[Writer],
    result: RunResult,
    directory: Path,
    *,
    fsync: bool = False,
    started: float | None = None,
) -> list[Path]:
    """Run every writer into one staged set and swap it into ``directory`` (the previous
    outputs stay as they were on any failure). Refused, before anything is written, when no
    document could be read (all were skipped: a mistyped path; an empty input gives empty
    outputs) or an output would overwrite an input of the run."""
    skipped = result.counts.get("documents_skipped", 0)
    if result.counts.get("documents_read", 1) == 0 and skipped:
        raise InputError(
            f"no document could be read ({skipped:,} skipped, see above); "
            f"the outputs in {directory} are unchanged"
        )
    inputs = [i for i in result.info.get("inputs", []) if isinstance(i, str)]
    names = [w.filename for w in writers]
    check_collisions(inputs, directory, names)
    check_writable(directory)
    begun = time.perf_counter()
    try:
        with OutputSet(directory, fsync=fsync, names=names) as outputs:
            for writer in in_writing_order(writers):
                if writer.summary:  # a summary sees every other output's time
                    result.timings["write"] = time.perf_counter() - begun
                    if started is not None:
                        result.timings["total"] = time.perf_counter() - started
                writer.write(result, outputs.path(writer.filename))
            return outputs.commit()
    except OSError as exc:
        where = exc.filename or directory
        raise OutputError(
            f"cannot write the outputs to {directory} ({os.fspath(where)}): "
            f"{exc.strerror or exc}; the previous outputs, if any, are unchanged"
        ) from None
