"""Pass 1, a function of one chunk (so any process can run it): read, normalise, shingle, sign.

:func:`sign_chunk` reads a chunk and keeps, per document, what later steps need: id, location,
MinHash signature, LSH band keys, containment anchors, the exact shingle set (written to a
spill file when one is given, so memory holds only the sets of candidate documents later), and
the few numbers the representative policies use (chrome share, whether the page's metadata
names its article, length, date). Texts are read
again only for the documents of candidate pairs, and only when a scorer or policy needs them
(:mod:`dedupe.pipeline.pass2`).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from dedupe import kernels
from dedupe.candidates.anchors import split
from dedupe.candidates.lsh import band_keys
from dedupe.corpus import Chunk, Corpus, Location
from dedupe.documents import BadRecord
from dedupe.plan import RunPlan
from dedupe.read import batches
from dedupe.shingle import ShingleSets, hash_encoded

NO_LINE = -1


@dataclass
class SignedChunk:
    """Pass-1 output of one chunk; document numbers are local (0..n-1)."""

    number: int
    ids: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    label_of: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    lines: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    signatures: list[np.ndarray] = field(default_factory=list)
    band_keys: list[np.ndarray] = field(default_factory=list)
    anchor_codes: list[np.ndarray] = field(default_factory=list)
    set_sizes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    set_file: str | None = None
    set_values: np.ndarray | None = None
    removed_share: np.ndarray = field(default_factory=lambda: np.zeros(0))
    kept_share: np.ndarray = field(default_factory=lambda: np.zeros(0))
    declared: np.ndarray = field(default_factory=lambda: np.zeros(0))
    text_length: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    dates: list[object] = field(default_factory=list)
    empty: list[int] = field(default_factory=list)
    encodings: Counter[str] = field(default_factory=Counter)
    bad: list[BadRecord] = field(default_factory=list)

    @property
    def anchor_values(self) -> list[np.ndarray]:
        """Anchor values per batch (unpacked from :attr:`anchor_codes`)."""
        return [split(codes)[0] for codes in self.anchor_codes]

    @property
    def anchor_docs(self) -> list[np.ndarray]:
        """Local document numbers of the anchors per batch (int32)."""
        return [split(codes)[1].astype(np.int32) for codes in self.anchor_codes]

    def location(self, k: int) -> Location:
        line = int(self.lines[k])
        return (self.labels[int(self.label_of[k])], None if line == NO_LINE else line)


class SignedBatch(NamedTuple):
    """What pass 1's kernels make of one batch (document numbers as given)."""

    signatures: np.ndarray
    band_keys: np.ndarray
    anchor_codes: np.ndarray
    sets: ShingleSets
    #: Per document: the share its furniture normalisers removed, how far its metadata
    #: names its article, and its length in code points once normalised.
    furniture: np.ndarray
    declared: np.ndarray
    chars: np.ndarray


def sign_batch(
    plan: RunPlan, texts: list[str], records: Sequence[Any] | None, local: np.ndarray
) -> SignedBatch:
    """Normalise, shingle and sign one batch of texts (documents numbered ``local``; their
    ``records`` let learned documents start where learning left them)."""
    buf, doc_offsets, furniture, names = plan.chain.encoded_facts(texts, records)
    hashes, offsets = hash_encoded(plan.unit, buf, doc_offsets, plan.config.ngram)
    signatures, anchor_codes, set_values, set_offsets = kernels.sign(
        hashes, offsets, plan.hasher.a, plan.hasher.b, local, plan.anchors
    )
    return SignedBatch(
        signatures,
        band_keys(signatures, plan.banding),
        anchor_codes,
        ShingleSets(set_values, set_offsets),
        furniture,
        names,
        kernels.code_points(buf, doc_offsets),
    )


def sign_chunk(
    plan: RunPlan,
    corpus: Corpus,
    chunk: Chunk,
    *,
    spill_dir: str | None = None,
    keep_signatures: bool = True,
    batch_done: Callable[[int], None] | None = None,
) -> SignedChunk:
    """Normalise, shingle and sign every document of a chunk; sample its anchors; keep its
    shingle set (in ``spill_dir`` when given, else in memory) and, with ``keep_signatures``,
    its signatures (band keys are kept always). ``batch_done(n)`` is told of every batch of
    ``n`` documents signed (progress, when signing in the process that shows it)."""
    cfg = plan.config
    out = SignedChunk(chunk.number)
    label_index: dict[str, int] = {}
    label_of: list[int] = []
    lines: list[int] = []
    set_parts: list[np.ndarray] = []
    set_sizes: list[np.ndarray] = []
    removed: list[np.ndarray] = []
    kept: list[np.ndarray] = []
    declared: list[np.ndarray] = []
    lengths: list[int] = []
    date_field = cfg.date_field
    for batch in batches(corpus.read(chunk), cfg.batch_size, out.bad.append):
        local = np.arange(len(out.ids), len(out.ids) + len(batch), dtype=np.int64)
        made = sign_batch(plan, batch.texts, batch.records, local)
        out.band_keys.append(made.band_keys)
        if keep_signatures:
            out.signatures.append(made.signatures)
        if plan.anchors is not None:
            out.anchor_codes.append(made.anchor_codes)
        set_parts.append(made.sets.values)
        set_sizes.append(made.sets.sizes)
        removed.append(made.furniture)
        declared.append(made.declared)
        raw_chars = np.fromiter((len(t) for t in batch.texts), np.int64, len(batch))
        kept.append(np.where(raw_chars > 0, made.chars / np.maximum(raw_chars, 1), 1.0))
        lengths.extend(raw_chars.tolist())
        sizes = made.sets.sizes
        for k, record in enumerate(batch.records):
            out.ids.append(record.id)
            label_of.append(label_index.setdefault(record.source, len(label_index)))
            lines.append(NO_LINE if record.line is None else record.line)
            out.encodings[record.meta.get("encoding", "utf-8")] += 1
            out.dates.append(record.meta.get(date_field))
            if sizes[k] == 0:  # kept: a document with no shingles is a copy of nothing
                out.empty.append(int(local[k]))
        if batch_done is not None:
            batch_done(len(batch.records))
    out.labels = list(label_index)
    out.label_of = np.asarray(label_of, dtype=np.int32)
    out.lines = np.asarray(lines, dtype=np.int64)
    out.set_sizes = np.concatenate(set_sizes) if set_sizes else np.zeros(0, dtype=np.int64)
    values = np.concatenate(set_parts) if set_parts else np.zeros(0, dtype=np.uint32)
    if spill_dir is not None:
        path = os.path.join(spill_dir, f"sets-{chunk.number:06d}.npy")
        np.save(path, values)
        out.set_file = path
    else:
        out.set_values = values
    out.removed_share = np.concatenate(removed) if removed else np.zeros(0)
    out.kept_share = np.concatenate(kept) if kept else np.zeros(0)
    out.declared = np.concatenate(declared) if declared else np.zeros(0)
    out.text_length = np.asarray(lengths, dtype=np.int64)
    return out


#: Made-up texts that take pass 1's usual paths (plain and accented words, typographic quotes
#: and dashes, figures, compatibility forms and combining marks, several lines) for :func:`warm`.
_WARM_TEXTS = (
    "Le café « déjà » fermé — l’été 2024, 12,5 %.\nA second line of plain words here.",
    "One more text, with ‘quotes’ and an ellipsis… on two lines\nand the end of it.",
    "Compatibility forms: ﬁnance, Ｆｕｌｌ width, ① ½ ™, e\u0301 combined, ΣΑΣ, İstanbul.",
)


def warm(plan: RunPlan) -> None:
    """Run pass 1's kernels once on the made-up texts (results dropped), so that a run that
    forks its workers for pass 1 loads them here, once, instead of in each worker (13 kernels,
    70-140 ms a process)."""
    sign_batch(plan, list(_WARM_TEXTS), None, np.arange(len(_WARM_TEXTS), dtype=np.int64))
