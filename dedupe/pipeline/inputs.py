"""A run's input as a corpus: files, folders and stdin found and read by the plan's readers,
or documents given in memory."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from dedupe.corpus import Corpus, FileCorpus, MemoryCorpus, records_from
from dedupe.discover import discover
from dedupe.plan import RunPlan

Documents = Iterable[Mapping[str, Any] | tuple[str, str]]


def open_files(
    plan: RunPlan,
    inputs: Sequence[str | os.PathLike[str]],
    stdin: Any = None,
    output_dir: str | os.PathLike[str] | None = None,
) -> Corpus:
    """A corpus over files, directories and ``-`` (JSONL on stdin); ``output_dir`` is skipped
    when found in an input folder, and holds the spooled stdin."""
    names = [os.fspath(p) for p in inputs]
    found = discover(
        names, plan.readers, format=plan.config.format, stdin=stdin, output_dir=output_dir
    )
    return FileCorpus(found, plan.readers, plan.read_options, names)


def open_documents(plan: RunPlan, documents: Documents) -> Corpus:
    """A corpus over in-memory documents: ``(id, text)`` tuples or mappings with the
    configured id and text fields."""
    cfg = plan.config
    items = records_from(documents, cfg.id_field, cfg.text_field, (cfg.date_field,))
    return MemoryCorpus(items, ["<documents>"])
