"""Where each document of a finished run came from, for the per-source tables of ``dedupe
report``: the run's inputs (named in its report.json) are read again with its reading settings.

A source is the input file of a document; when every file is one document (a folder of pages)
it is the file's folder; with ``by`` a field name, it is that field's value in the record (a
URL's host when the value is a URL), for "which site copies which". Only ids and that field are
kept, so this costs one pass over the input and memory for the removed copies and their
originals only.
"""

from __future__ import annotations

import os
from collections import Counter
from urllib.parse import urlsplit

from dedupe.display import safe
from dedupe.errors import DedupeError
from dedupe.progress import Progress
from dedupe.report import SourceRow, Sources, Summary

#: Key of the documents that have no value for the ``by`` field.
NO_VALUE = "(no value)"


def source_key(value: object) -> str:
    """A field value as a source: a URL's host, else the value itself."""
    if value is None or value == "":
        return NO_VALUE
    text = str(value)
    if "://" in text:
        host = urlsplit(text.strip()).hostname
        if host:
            return host
    return text


def _relative(path: str, inputs: list[str]) -> str:
    """``path`` relative to the input folder it is in (``.`` for the folder itself)."""
    for folder in inputs:
        if os.path.isdir(folder):
            rel = os.path.relpath(path, folder)
            if rel == "." or not rel.startswith(".."):
                return rel
    return path


def read_sources(
    summary: Summary, by: str = "file", progress: Progress | None = None
) -> Sources | str:
    """The per-source table of ``summary``'s run, or a line saying why there is none."""
    from dedupe.engine import Engine, make_config

    inputs = summary.inputs
    if not inputs:
        return "report.json names no input"
    if "-" in inputs:
        return "the run read standard input, which cannot be read again"
    missing = [p for p in inputs if not os.path.exists(p)]
    if missing:
        return f"inputs not found (moved or removed since the run): {', '.join(map(safe, missing))}"
    params = summary.parameters
    field = None if by == "file" else by
    settings = {
        name: params[name]
        for name in ("id_field", "text_field", "format", "max_doc_bytes")
        if params.get(name) is not None
    }
    if field is not None:
        settings["date_field"] = field  # a kept field: readers put it in the record's meta
    wanted = set(summary.dropped) | set(summary.dropped.values())
    rename = params.get("duplicate_ids") == "rename"
    documents: Counter[str] = Counter()
    removed_ids = set(summary.dropped)
    removed: Counter[str] = Counter()
    where: dict[str, str] = {}
    seen: Counter[str] = Counter()
    progress = progress or Progress(enabled=False)
    try:
        engine = Engine(make_config(**settings))
        corpus = engine.open_files(inputs)
        try:
            progress.stage("reading the inputs again")
            for n, record in enumerate(corpus.records(), start=1):
                doc_id = record.id
                if rename:
                    seen[doc_id] += 1
                    if seen[doc_id] > 1:
                        doc_id = f"{doc_id}#{seen[doc_id]}"
                key = record.source if field is None else source_key(record.meta.get(field))
                documents[key] += 1
                if doc_id in wanted:
                    where[doc_id] = key
                    removed[key] += doc_id in removed_ids
                if n % 1000 == 0:
                    progress.update("reading the inputs again", n)
        finally:
            corpus.close()
    except DedupeError as exc:
        return f"the inputs could not be read again: {safe(exc)}"
    kind = "input file" if field is None else f"field {field}"
    if field is None and len(documents) > 1 and max(documents.values()) == 1:
        # A folder of files, one document each: a file is no source; its folder is.
        kind = "folder"
        documents = Counter(os.path.dirname(k) or "." for k in documents.elements())
        where = {i: os.path.dirname(k) or "." for i, k in where.items()}
        removed = Counter(where[i] for i in removed_ids if i in where)
    if field is None:  # paths under a folder given as input: relative to it
        names = {k: _relative(k, inputs) for k in documents}
        documents = Counter({names[k]: n for k, n in documents.items()})
        removed = Counter({names[k]: n for k, n in removed.items()})
        where = {i: names[k] for i, k in where.items()}
    flows = Counter(
        (where[copy], where[original])
        for copy, original in summary.dropped.items()
        if copy in where and original in where
    )
    rows = [SourceRow(name, n, removed.get(name, 0)) for name, n in documents.items()]
    rows.sort(key=lambda r: (-r.removed, -r.documents, r.name))
    return Sources(
        kind,
        rows,
        [(a, b, n) for (a, b), n in sorted(flows.items(), key=lambda kv: (-kv[1], kv[0]))],
        unknown=sum(1 for i in removed_ids if i not in where),
    )
