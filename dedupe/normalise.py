"""Normalise stage: a chain of named normalisers applied to each batch of texts.

Normalisers make copies that differ only in form (HTML, typographic quotes, case, accents,
spacing) hash to the same shingles. Each is total (any Unicode in, text out) and idempotent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from dedupe import kernels

if TYPE_CHECKING:
    from dedupe.kernels.codepoints import CodepointMap
    from dedupe.kernels.fuse import FuseStep

TextFunction = Callable[[str], str]
BytesFunction = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
BatchFunction = Callable[[list[str]], list[str]]


@dataclass(frozen=True)
class Normaliser:
    """A named text transformation.

    ``func`` maps one text to one text, or with ``batch=True`` a list of texts to a list of the
    same length (for normalisers that are faster on a whole batch). A normaliser that needs to
    see the corpus first (e.g. to learn its boilerplate) gives ``learn``: it is called with an
    iterator of text batches (a sample of the corpus, normalised by the normalisers before it in
    the chain) and returns the fitted normaliser to use. ``removes_boilerplate`` marks
    normalisers that remove page furniture rather than fold form; how much text they remove
    tells an original (little) from a repost (a lot). ``bytes_func``, when given, does the
    same on the batch's UTF-8 bytes (``(buffer, offsets) -> (buffer, offsets)``), so that
    consecutive such normalisers and the shingle kernel share one encoded batch.

    What a fitted normaliser learned is declared as data, never as code: ``state`` is a
    JSON-serialisable mapping (``None`` for a normaliser that learned nothing), and the
    registered, unfitted normaliser's ``restore(state)`` rebuilds the fitted one. Checkpoint
    keys, indexes and distributed workers store and ship only ``state``. ``structural`` marks
    normalisers that remove markup rather than text a reader sees (``html``): ``explain`` shows
    their output as the document's text. ``measure``, when given, normalises a batch and also
    returns per text the share of it that was page furniture, for a normaliser whose own
    output length says nothing about that (``html`` drops markup, which is not furniture,
    along with the chrome of a page's visible text). ``visible_lines``, when given, maps one
    raw text to the lines a reader sees, each with whether the normaliser kept it: ``explain``
    shows the dropped ones as chrome. ``declares``, when given, maps a batch of texts (as the
    normaliser gets them) and what the normaliser made of them to how far each one's own
    metadata names the article it shows, in [0, 1] (``html``: a page's ``og:title`` against
    its headline, unless its furniture credits another site): the original policy's evidence
    of an article's own page (the normaliser then runs on text, not on bytes).
    ``fuse``, when given with ``bytes_func``, says what the normaliser does per code point (a
    :class:`dedupe.kernels.fuse.FuseStep`), so that a run of such normalisers ending in a
    whitespace collapse runs as one table in one kernel pass (same bytes).
    """

    name: str
    func: Any
    batch: bool = False
    description: str = ""
    learn: Callable[[Any], Normaliser] | None = None
    removes_boilerplate: bool = False
    bytes_func: BytesFunction | None = None
    state: Mapping[str, Any] | None = None
    restore: Callable[[Mapping[str, Any]], Normaliser] | None = None
    structural: bool = False
    measure: Callable[[list[str]], tuple[list[str], np.ndarray]] | None = None
    visible_lines: Callable[[str], list[tuple[str, bool]]] | None = None
    declares: Callable[[list[str], list[str]], np.ndarray] | None = None
    fuse: Callable[[], FuseStep] | None = None

    def __call__(self, texts: list[str]) -> list[str]:
        if self.batch:
            out: list[str] = self.func(texts)
            if len(out) != len(texts):
                raise ValueError(
                    f"normaliser {self.name!r} returned {len(out)} texts for {len(texts)}"
                )
            return out
        f: TextFunction = self.func
        return [f(t) for t in texts]

    def one(self, text: str) -> str:
        """Normalise a single text."""
        return self([text])[0]


class Chain:
    """Normalisers applied in order; the stage object the engine calls once per batch."""

    def __init__(self, normalisers: Sequence[Normaliser]) -> None:
        self.normalisers = list(normalisers)
        self._fuse: dict[int, int] | None = None

    @property
    def names(self) -> list[str]:
        return [n.name for n in self.normalisers]

    @property
    def needs_learning(self) -> bool:
        return any(n.learn is not None for n in self.normalisers)

    def without_boilerplate(self) -> Chain:
        """The chain minus the normalisers that remove page furniture."""
        return Chain([n for n in self.normalisers if not n.removes_boilerplate])

    def _fused_runs(self) -> dict[int, int]:
        """Start -> end of each run of normalisers that :mod:`dedupe.kernels.fuse` composes
        into one table: consecutive byte normalisers with a ``fuse`` step, up to the last
        collapse among them."""
        from dedupe.kernels.fuse import fusable

        runs: dict[int, int] = {}
        normalisers = self.normalisers
        i = 0
        while i < len(normalisers):
            j = i
            while (
                j < len(normalisers)
                and normalisers[j].bytes_func is not None
                and normalisers[j].fuse is not None
                and normalisers[j].declares is None  # a declaring one runs on text
            ):
                j += 1
            steps = [n.fuse() for n in normalisers[i:j]]  # type: ignore[misc]
            last = max((k for k, step in enumerate(steps) if step.collapse), default=-1)
            if last >= 0 and fusable(steps[: last + 1]):
                runs[i] = i + last + 1
            i = max(j, i + 1)
        return runs

    def _apply_bytes(
        self, start: int, end: int, buf: np.ndarray, offsets: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Normalisers ``start:end`` (a fused run) on an encoded batch: one kernel pass, and the
        run one normaliser at a time for the documents the kernel flags."""
        run = self.normalisers[start:end]
        table, flagged = _composed(tuple(n.fuse for n in run))  # type: ignore[misc]
        out, new_offsets, flags = kernels.fused_bytes(table, flagged, buf, offsets)
        if not flags.any():
            return out, new_offsets
        docs = np.flatnonzero(flags)
        current = _take(buf, offsets, docs)
        for normaliser in run:
            current = normaliser.bytes_func(*current)  # type: ignore[misc]
        return _put(out, new_offsets, docs, *current)

    def _run(
        self, texts: list[str], encoded: bool, facts: bool = False
    ) -> tuple[Any, np.ndarray, np.ndarray]:
        """Apply the chain; runs of byte normalisers share one encoded batch (and those that
        compose, one kernel pass). Also returns, per text, the share of its characters the
        boilerplate-removing normalisers took out (measured where each runs), and how far its
        metadata names its article (measured by the first normaliser that ``declares``, from
        the texts it gets and makes, when ``facts``; else 0)."""
        current: Any = texts
        is_bytes = False
        kept = np.ones(len(texts))
        declared: np.ndarray | None = None
        fused = self._fused_runs() if self._fuse is None else self._fuse
        self._fuse = fused
        skip_to = 0
        for index, normaliser in enumerate(self.normalisers):
            if index < skip_to:
                continue
            declaring = facts and normaliser.declares is not None and declared is None
            if normaliser.bytes_func is not None and not declaring:
                if not is_bytes:
                    current = kernels.encode_batch(current)
                    is_bytes = True
                if index in fused:
                    skip_to = fused[index]
                    current = self._apply_bytes(index, skip_to, *current)
                else:
                    current = normaliser.bytes_func(*current)
                continue
            if is_bytes:
                current = kernels.decode_batch(*current)
                is_bytes = False
            given = current
            if normaliser.measure is not None:
                current, share = normaliser.measure(current)
                kept *= 1.0 - np.clip(share, 0.0, 1.0)
            elif normaliser.removes_boilerplate:
                before = np.fromiter((len(t) for t in current), np.float64, len(current))
                current = normaliser(current)
                after = np.fromiter((len(t) for t in current), np.float64, len(current))
                kept *= np.where(before > 0, np.minimum(after / np.maximum(before, 1.0), 1.0), 1.0)
            else:
                current = normaliser(current)
            if declaring and normaliser.declares is not None:
                declared = np.asarray(normaliser.declares(given, current), dtype=np.float64)
        if encoded and not is_bytes:
            current = kernels.encode_batch(current)
        elif not encoded and is_bytes:
            current = kernels.decode_batch(*current)
        return current, 1.0 - kept, np.zeros(len(texts)) if declared is None else declared

    def __call__(self, texts: list[str]) -> list[str]:
        result: list[str] = self._run(texts, encoded=False)[0]
        return result

    def measuring(self, texts: list[str]) -> tuple[list[str], np.ndarray]:
        """Normalised texts and, for each, the share of its characters that the
        boilerplate-removing normalisers took out (measured where each runs in the chain)."""
        out, removed, _ = self._run(texts, encoded=False)
        return out, removed

    def measuring_facts(self, texts: list[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
        """:meth:`measuring` plus how far each text's metadata names its article."""
        result: tuple[list[str], np.ndarray, np.ndarray] = self._run(texts, False, True)
        return result

    def encoded(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The normalised batch as UTF-8 bytes and document offsets (for byte kernels)."""
        result: tuple[np.ndarray, np.ndarray] = self._run(texts, encoded=True)[0]
        return result

    def encoded_measuring(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`encoded` plus the share of each text that was page furniture."""
        (buf, offsets), removed, _ = self._run(texts, encoded=True)
        return buf, offsets, removed

    def encoded_facts(
        self, texts: list[str]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`encoded_measuring` plus how far each text's metadata names its article."""
        (buf, offsets), removed, declared = self._run(texts, True, True)
        return buf, offsets, removed, declared

    def one(self, text: str) -> str:
        return self([text])[0]


_COMPOSED: dict[tuple[object, ...], tuple[CodepointMap, np.ndarray]] = {}


def _composed(fuse: tuple[Callable[[], FuseStep], ...]) -> tuple[CodepointMap, np.ndarray]:
    """The composed table of a run of normalisers (by their ``fuse`` functions), made once per
    process (not kept on the chain: a chain is sent to workers)."""
    table = _COMPOSED.get(fuse)
    if table is None:
        from dedupe.kernels.fuse import compose

        table = _COMPOSED[fuse] = compose([f() for f in fuse])
    return table


def _take(buf: np.ndarray, offsets: np.ndarray, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The documents ``docs`` of an encoded batch, as a batch."""
    parts = [buf[offsets[d] : offsets[d + 1]] for d in docs.tolist()]
    sizes = np.diff(offsets)[docs]
    new_offsets = np.zeros(len(docs) + 1, dtype=np.int64)
    np.cumsum(sizes, out=new_offsets[1:])
    return (np.concatenate(parts) if parts else buf[:0]), new_offsets


def _put(
    buf: np.ndarray,
    offsets: np.ndarray,
    docs: np.ndarray,
    sub_buf: np.ndarray,
    sub_offsets: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """An encoded batch with documents ``docs`` (sorted) replaced by those of a sub-batch."""
    sizes = np.diff(offsets)
    sizes[docs] = np.diff(sub_offsets)
    parts = []
    previous = 0
    for k, d in enumerate(docs.tolist()):
        parts.append(buf[offsets[previous] : offsets[d]])
        parts.append(sub_buf[sub_offsets[k] : sub_offsets[k + 1]])
        previous = d + 1
    parts.append(buf[offsets[previous] :])
    new_offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=new_offsets[1:])
    return np.concatenate(parts), new_offsets
