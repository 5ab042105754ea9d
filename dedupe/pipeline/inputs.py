"""A run's input as a corpus: files, folders and stdin found and read by the plan's readers,
or documents given in memory."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from dedupe.corpus import Corpus, Documents, FileCorpus, MemoryCorpus, records_from
from dedupe.discover import discover
from dedupe.plan import RunPlan
from dedupe.tables import possible_names

__all__ = ["Documents", "decided_format", "open_documents", "open_files", "output_names"]


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
    """A corpus over in-memory documents: plain strings (ids numbered), ``(id, text)`` pairs
    or mappings with the configured id and text fields (:func:`dedupe.corpus.records_from`)."""
    cfg = plan.config
    items = records_from(documents, cfg.id_field, cfg.text_field, (cfg.date_field,))
    return MemoryCorpus(items, ["<documents>"])


def decided_format(plan: RunPlan, corpus: Corpus) -> RunPlan:
    """The plan with its output format decided when it is ``auto``: the one every input's
    reader names (:attr:`dedupe.read.Reader.output_format`: CSV in gives CSV out, Parquet
    gives Parquet), else JSON Lines (mixed inputs, text, stdin, documents in memory)."""
    if plan.config.output_format != "auto":
        return plan
    sources = corpus.discovery.sources if corpus.discovery is not None else []
    named = {
        plan.readers[s.reader].output_format if s.reader in plan.readers else None for s in sources
    }
    only = next(iter(named)) if len(named) == 1 else None
    return plan.with_output_format(only or "jsonl")


def output_names(plan: RunPlan) -> list[str]:
    """The names the run's outputs may take (all formats' while the format is ``auto``)."""
    if plan.config.output_format == "auto":
        return possible_names(plan.writers)
    return [w.filename for w in plan.writers]
