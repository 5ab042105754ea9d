"""Pass-1 output of the whole corpus, merged in chunk order, and the duplicate-id rule.

Documents are numbered 0..n-1 in chunk order, so every number, and so the output, is the same
whatever the number of workers. An id seen twice stops the run with both locations, or, with
``duplicate_ids="rename"``, the later one becomes ``id#2`` (or the first of ``id#3``,
``id#4``... not seen before it): :func:`renamed` is that rule, which the Dask executor also
runs over the documents it can touch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from dedupe.candidates.anchors import PARTITIONS, partition
from dedupe.corpus import Chunk, Location
from dedupe.documents import BadRecord
from dedupe.errors import InputError
from dedupe.pipeline.pass1 import NO_LINE, SignedChunk
from dedupe.plan import RunPlan
from dedupe.progress import Progress


@dataclass
class Signed:
    """Pass-1 output of the whole corpus, merged in chunk order (documents numbered 0..n-1)."""

    chunks: list[Chunk]
    bases: np.ndarray
    ids: list[str]
    labels: list[str]
    label_of: np.ndarray
    lines: np.ndarray
    signatures: np.ndarray
    band_keys: np.ndarray
    anchor_parts: list[list[np.ndarray]]
    empty: np.ndarray
    encodings: Counter[str]
    set_sizes: np.ndarray
    set_sources: list[np.ndarray | str]
    removed_share: np.ndarray
    kept_share: np.ndarray
    declared: np.ndarray
    text_length: np.ndarray
    dates: list[object]
    renamed: int = 0

    @property
    def anchor_codes(self) -> np.ndarray:
        """All packed anchors (:mod:`dedupe.candidates.anchors`), value range after value
        range."""
        pieces = [p for parts in self.anchor_parts for p in parts]
        return np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.uint64)

    def drop_candidate_inputs(self) -> None:
        """Forget the band keys and anchors once candidates are found and no later step reads
        them (600 MB at 1M documents, held through verification, clustering and writing)."""
        self.band_keys = np.zeros((0, self.band_keys.shape[1]), dtype=np.uint64)
        self.anchor_parts = [[] for _ in self.anchor_parts]

    def location(self, doc: int) -> Location:
        line = int(self.lines[doc])
        return (self.labels[int(self.label_of[doc])], None if line == NO_LINE else line)

    def chunk_of(self, docs: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.bases, docs, side="right") - 1

    def kept_by_chunk(self, dropped: np.ndarray) -> Iterator[tuple[Chunk, set[Location]]]:
        """Each chunk with the locations of its kept documents (chunks keeping none skipped)."""
        ends = [*self.bases.tolist()[1:], len(self.ids)][: len(self.chunks)]
        labels = self.labels
        for chunk, start, end in zip(self.chunks, self.bases.tolist(), ends, strict=True):
            kept = np.flatnonzero(~np.asarray(dropped[start:end], dtype=bool)) + start
            keep = {  # as :meth:`location` gives them, without a call per document
                (labels[label], None if line == NO_LINE else line)
                for label, line in zip(
                    self.label_of[kept].tolist(), self.lines[kept].tolist(), strict=True
                )
            }
            if keep:
                yield chunk, keep


def merge_signed(
    plan: RunPlan,
    chunks: list[Chunk],
    results: Iterable[SignedChunk],
    on_bad: Callable[[BadRecord], None],
    progress: Progress,
) -> Signed:
    """Number the documents of every chunk in order, gather their pass-1 output, and apply the
    duplicate-id rule."""
    ids: list[str] = []
    bases = []
    label_index: dict[str, int] = {}
    label_of: list[np.ndarray] = []
    lines: list[np.ndarray] = []
    sigs: list[np.ndarray] = []
    keys: list[np.ndarray] = []
    anchors: list[list[np.ndarray]] = [[] for _ in range(PARTITIONS)]
    empty: list[int] = []
    encodings: Counter[str] = Counter()
    set_sizes: list[np.ndarray] = []
    set_sources: list[np.ndarray | str] = []
    removed: list[np.ndarray] = []
    kept: list[np.ndarray] = []
    declared: list[np.ndarray] = []
    lengths: list[np.ndarray] = []
    dates: list[object] = []
    size_of = {c.number: c.size for c in chunks}
    for result in results:
        base = len(ids)
        bases.append(base)
        for bad in result.bad:
            on_bad(bad)
        ids.extend(result.ids)
        mapping = np.array(
            [label_index.setdefault(label, len(label_index)) for label in result.labels] or [0],
            dtype=np.int32,
        )
        label_of.append(mapping[result.label_of])
        lines.append(result.lines)
        sigs.extend(result.signatures)
        keys.extend(result.band_keys)
        for codes in result.anchor_codes:
            for k, piece in enumerate(partition(codes + np.uint64(base))):
                if len(piece):
                    anchors[k].append(piece)
        empty.extend(base + k for k in result.empty)
        encodings.update(result.encodings)
        set_sizes.append(result.set_sizes)
        set_sources.append(
            result.set_file
            if result.set_file is not None
            else result.set_values
            if result.set_values is not None
            else np.zeros(0, dtype=np.uint32)
        )
        removed.append(result.removed_share)
        kept.append(result.kept_share)
        declared.append(result.declared)
        lengths.append(result.text_length)
        dates.extend(result.dates)
        progress.update("reading and signing", len(ids), advance=size_of.get(result.number, 0))
    signed = Signed(
        chunks=chunks,
        bases=np.asarray(bases, dtype=np.int64),
        ids=ids,
        labels=list(label_index),
        label_of=np.concatenate(label_of) if label_of else np.zeros(0, dtype=np.int32),
        lines=np.concatenate(lines) if lines else np.zeros(0, dtype=np.int64),
        signatures=(
            np.concatenate(sigs) if sigs else np.zeros((0, plan.config.num_perm), dtype=np.uint32)
        ),
        band_keys=(
            np.concatenate(keys) if keys else np.zeros((0, plan.banding.bands), dtype=np.uint64)
        ),
        anchor_parts=anchors,
        empty=np.asarray(empty, dtype=np.int64),
        encodings=encodings,
        set_sizes=_concat(set_sizes, np.int64),
        set_sources=set_sources,
        removed_share=_concat(removed, np.float64),
        kept_share=_concat(kept, np.float64),
        declared=_concat(declared, np.float64),
        text_length=_concat(lengths, np.int64),
        dates=dates,
    )
    check_ids(signed, plan.config.duplicate_ids)
    return signed


def _concat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)


def where(location: Location) -> str:
    """A location as a message shows it: ``source:line``, or the source of a whole file."""
    source, line = location
    return source if line is None else f"{source}:{line}"


def duplicate_id(doc_id: str, here: Location, first: Location) -> InputError:
    """The error of a repeated id (the run stops unless repeated ids are renamed)."""
    return InputError(
        f"{where(here)}: duplicate id {doc_id!r} (first seen at {where(first)}); "
        "make ids unique or pass --rename-duplicate-ids"
    )


def renamed(rows: Iterable[tuple[int, str]]) -> dict[int, str]:
    """The renames (document -> new id) of documents ``(doc, id)`` in run order: a repeated
    id becomes ``id#2``, or the first of ``id#3``, ``id#4``... not seen before it."""
    seen: dict[str, int] = {}
    renames: dict[int, str] = {}
    for doc, doc_id in rows:
        if seen.setdefault(doc_id, doc) == doc:
            continue
        k = 2
        while f"{doc_id}#{k}" in seen:
            k += 1
        renames[doc] = f"{doc_id}#{k}"
        seen[renames[doc]] = doc
    return renames


def check_ids(signed: Signed, policy: str) -> None:
    """Stop on a repeated id, or rename it when ``policy`` is ``rename``."""
    if policy != "rename":
        seen: dict[str, int] = {}
        for doc, doc_id in enumerate(signed.ids):
            first = seen.setdefault(doc_id, doc)
            if first != doc:
                raise duplicate_id(doc_id, signed.location(doc), signed.location(first))
        return
    for doc, new_id in renamed(enumerate(signed.ids)).items():
        signed.ids[doc] = new_id
        signed.renamed += 1
