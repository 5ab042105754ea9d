"""Batch kernels behind the normalise, shingle, signature and scoring stages.

Two interchangeable backends give identical values: ``compiled`` (numba, a dependency) and
``reference`` (Python + numpy, used where numba cannot be imported). Kernels come in families,
one module each in both backends: shingle hashes (``shingles``), sets and signatures
(``sets``), text on UTF-8 bytes (``text``), the aligned score of text pairs (``align``);
every compiled kernel has a reference twin of the same name and signature
(:mod:`dedupe.kernels.reference.twins`). ``DEDUPE_KERNELS=reference``
forces the reference backend, e.g. to compare the two. The functions here are what the stages
call.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType
from typing import Any

import numpy as np

from dedupe import heap
from dedupe.kernels import encoded, reference
from dedupe.kernels.reference import twins


def _choose_backend() -> str:
    """The backend a run uses, without importing numba (that takes a second: it is imported
    when the first kernel runs, so ``dedupe --help`` and plugin loading never wait for it)."""
    wanted = os.environ.get("DEDUPE_KERNELS", "auto").strip().lower()
    if wanted not in ("auto", "compiled", "reference"):
        raise ValueError(f"DEDUPE_KERNELS must be auto, compiled or reference, not {wanted!r}")
    if wanted == "reference":
        return "reference"
    if importlib.util.find_spec("numba") is None:
        if wanted == "compiled":
            raise ImportError("DEDUPE_KERNELS=compiled, but numba is not installed")
        return "reference"
    return "compiled"


BACKEND = _choose_backend()


class _FirstUse:
    """Stands for the backend module until a kernel is first called, then replaces itself
    (the module global ``_impl``) with it."""

    def __getattr__(self, name: str) -> Any:
        global BACKEND, _impl
        module: ModuleType = twins
        if BACKEND == "compiled":
            try:
                from dedupe.kernels import compiled

                module = compiled
            except ImportError:
                if os.environ.get("DEDUPE_KERNELS", "auto").strip().lower() == "compiled":
                    raise
                BACKEND = "reference"
        _impl = module
        return getattr(module, name)


_impl: Any = _FirstUse()


def backend() -> Any:
    """The kernels' module in use (compiled, or the reference twins), for the wrappers of
    the kernel families kept in modules of their own (:mod:`dedupe.kernels.words`)."""
    return _impl


def active() -> str:
    """The backend the kernels run on now: ``compiled``, or ``reference`` (forced, numba
    missing, or a small input: :func:`for_input`)."""
    return "reference" if BACKEND == "reference" or _impl is twins else "compiled"


#: A run reading less than this runs the reference twins when the compiled kernels are not
#: loaded yet (see :func:`for_input`).
SMALL_INPUT_BYTES = 256 * 1024


@contextmanager
def for_input(size: int) -> Iterator[None]:
    """The kernels for a run of ``size`` input bytes: the reference twins (same values) for a
    small input when numba is not imported yet, since importing it and loading (or, on an
    empty cache, compiling) its kernels takes seconds, and the twins a few milliseconds on
    a small input; the compiled ones otherwise. ``DEDUPE_KERNELS=compiled`` always compiles."""
    global _impl
    forced = os.environ.get("DEDUPE_KERNELS", "auto").strip().lower() == "compiled"
    if forced or size >= SMALL_INPUT_BYTES or not isinstance(_impl, _FirstUse):
        yield
        return
    _impl = twins
    try:
        yield
    finally:
        if _impl is twins and BACKEND == "compiled":
            _impl = _FirstUse()


heap.keep_large_allocations()


def encode_batch(texts: Sequence[str], *, remember: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """UTF-8 bytes of a batch of texts as one uint8 buffer plus document offsets (a lone
    surrogate as ``surrogatepass`` writes it). Strings of the batch last encoded with
    ``remember`` on this thread are not encoded again (:mod:`dedupe.kernels.encoded`: the
    caller that remembers only reads the buffer; the next encoding takes it over)."""
    found = encoded.reuse(texts, _encode)
    if found is None:
        found = _encode(texts)
    if remember:
        encoded.remember(texts, *found)
    return found


def _encode(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    try:
        # (the strict codec's fast path: twice as fast, and the same bytes when it succeeds)
        encoded = [t.encode() for t in texts]
    except UnicodeEncodeError:
        encoded = [t.encode("utf-8", "surrogatepass") for t in texts]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    buf = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    return buf, offsets


def word_hashes(texts: Sequence[str], n: int) -> tuple[np.ndarray, np.ndarray]:
    """xxh32 of every word n-gram of each text, as (hashes uint32, offsets int64)."""
    if BACKEND == "reference":
        return reference.word_hashes(texts, n)
    return word_hashes_encoded(*encode_batch(texts), n)


def char_hashes(texts: Sequence[str], n: int) -> tuple[np.ndarray, np.ndarray]:
    """xxh32 of every character n-gram of each text, as (hashes uint32, offsets int64)."""
    if BACKEND == "reference":
        return reference.char_hashes(texts, n)
    buf, offsets = encode_batch(texts)
    result: tuple[np.ndarray, np.ndarray] = _impl.char_hashes(buf, offsets, n)
    return result


def auto_hashes(texts: Sequence[str], n: int) -> tuple[np.ndarray, np.ndarray]:
    """xxh32 of every ``auto`` n-gram of each text (words; characters of the scripts written
    without spaces and of Arabic, Hebrew, Syriac), as (hashes uint32, offsets int64)."""
    if BACKEND == "reference":
        return reference.auto_hashes(texts, n)
    return auto_hashes_encoded(*encode_batch(texts), n)


def auto_hashes_encoded(
    buf: np.ndarray, offsets: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`auto_hashes` of an encoded batch.

    A batch without character tokens has the word unit's shingles and goes to the word kernel,
    so Latin, Cyrillic or Greek text costs what it costs there: see :func:`has_character_tokens`.
    """
    from dedupe.kernels.scripts import token_classes

    if not has_character_tokens(buf):
        return word_hashes_encoded(buf, offsets, n)
    result: tuple[np.ndarray, np.ndarray] = _impl.auto_hashes(buf, offsets, n, token_classes())
    return result


def has_character_tokens(buf: np.ndarray) -> bool:
    """Whether an encoded batch holds a character of a script the ``auto`` unit takes one by
    one. Every such character's UTF-8 lead byte is 0xD6 or more: the bytes are tested 8 at a
    time for one, and only those decoded."""
    from dedupe.kernels.scripts import LOWEST_LEAD_BYTE, token_classes

    if len(buf) == 0:
        return False
    found: bool = _impl.has_character_tokens(buf, token_classes(), LOWEST_LEAD_BYTE)
    return found


def minhash(hashes: np.ndarray, offsets: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """MinHash signatures (n_docs, num_perm) uint32 in datasketch's affine32 scheme."""
    result: np.ndarray = _impl.minhash(np.ascontiguousarray(hashes, dtype=np.uint32), offsets, a, b)
    return result


def sign(
    hashes: np.ndarray,
    offsets: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    doc_numbers: np.ndarray,
    anchors: object | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Signatures (as :func:`minhash`), packed anchors (as
    :func:`dedupe.candidates.anchors.select_anchors` with the ``AnchorSettings`` given; none
    when ``anchors`` is None) and shingle sets (as :func:`unique_segments`) of a batch, in one
    kernel call: what pass 1 keeps of it."""
    head, head_rate, rate = (
        (0, 1, 0) if anchors is None else (anchors.head, anchors.head_sampling, anchors.sampling)  # type: ignore[attr-defined]
    )
    result: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] = _impl.sign_batch(
        np.ascontiguousarray(hashes, dtype=np.uint32),
        offsets,
        a,
        b,
        np.asarray(doc_numbers, dtype=np.int64),
        head,
        head_rate,
        rate,
    )
    return result


def unique_segments(hashes: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each document's sorted set of distinct hashes, CSR layout."""
    result: tuple[np.ndarray, np.ndarray] = _impl.unique_segments(hashes, offsets)
    return result


def intersections(values: np.ndarray, offsets: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Intersection size of the sets of each (i, j) row of ``pairs``."""
    if len(pairs) == 0:
        return np.zeros(0, dtype=np.int64)
    result: np.ndarray = _impl.intersections(
        values, offsets, np.ascontiguousarray(pairs, dtype=np.int64)
    )
    return result


def decode_batch(out: np.ndarray, offsets: np.ndarray) -> list[str]:
    """Texts back from a batch buffer and its document offsets."""
    data = out.tobytes()
    bounds = offsets.tolist()
    try:  # (as in encode_batch: the strict codec, the same texts when it succeeds)
        return [data[bounds[i] : bounds[i + 1]].decode() for i in range(len(bounds) - 1)]
    except UnicodeDecodeError:
        return [
            data[bounds[i] : bounds[i + 1]].decode("utf-8", "surrogatepass")
            for i in range(len(bounds) - 1)
        ]


def punctuation_bytes(buf: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`punctuation_to_spaces` on an encoded batch."""
    from dedupe.kernels.charclass import classes

    result: tuple[np.ndarray, np.ndarray] = _impl.punctuation_to_spaces(buf, offsets, classes())
    return result


def collapse_bytes(buf: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`collapse_spaces` on an encoded batch."""
    from dedupe.kernels.charclass import classes

    result: tuple[np.ndarray, np.ndarray] = _impl.collapse_spaces(buf, offsets, classes())
    return result


def punctuation_to_spaces(texts: list[str]) -> list[str]:
    """``re.sub(r"[^\\w\\s]+|_+", " ", t)`` for each text (compiled: on the batch's bytes)."""
    if BACKEND == "reference":
        return [reference.PUNCTUATION.sub(" ", t) for t in texts]
    return decode_batch(*punctuation_bytes(*encode_batch(texts)))


def collapse_spaces(texts: list[str]) -> list[str]:
    """``" ".join(t.split())`` for each text (compiled: on the batch's bytes)."""
    if BACKEND == "reference":
        return [" ".join(t.split()) for t in texts]
    return decode_batch(*collapse_bytes(*encode_batch(texts)))


def word_hashes_encoded(
    buf: np.ndarray, offsets: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`word_hashes` of an encoded batch."""
    result: tuple[np.ndarray, np.ndarray] = _impl.word_hashes(buf, offsets, n)
    return result


def char_hashes_encoded(
    buf: np.ndarray, offsets: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`char_hashes` of an encoded batch."""
    result: tuple[np.ndarray, np.ndarray] = _impl.char_hashes(buf, offsets, n)
    return result


def map_bytes(table: object, buf: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A :class:`dedupe.kernels.codepoints.CodepointMap` applied to an encoded batch."""
    from dedupe.kernels.codepoints import CodepointMap

    assert isinstance(table, CodepointMap)
    result: tuple[np.ndarray, np.ndarray] = _impl.map_codepoints(
        buf, offsets, table.single, table.starts, table.multi, table.expansion
    )
    return result


def map_bytes_if_any(
    table: object, buf: np.ndarray, offsets: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`map_bytes` on the documents whose code points the table changes; the batch
    itself, not copied, when it changes none. A document holding no byte that can start a
    changed code point is recognised by one vectorised pass over its bytes; others are scanned
    sequence by sequence."""
    from dedupe.kernels.codepoints import CodepointMap

    assert isinstance(table, CodepointMap)
    if len(buf) == 0:
        return buf, offsets
    kinds, (low1, high1, low2, high2) = _lead_kinds(table)
    if not _impl.any_byte_in(buf, low1, high1, low2, high2):
        return buf, offsets
    mask = _impl.docs_to_map(buf, offsets, table.single, kinds, low1, high1, low2, high2)
    if not mask.any():
        return buf, offsets
    result: tuple[np.ndarray, np.ndarray] = _impl.map_docs(
        buf, offsets, table.single, table.starts, table.multi, table.expansion, mask
    )
    return result


_LEAD_KINDS: dict[int, tuple[object, np.ndarray, tuple[int, int, int, int]]] = {}


def _lead_kinds(table: object) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """The table's lead-byte kinds (see the compiled ``lead_kinds``) and at most two byte
    ranges holding every lead byte that can start a changed code point (the whole byte range
    when two do not suffice); computed once per table."""
    cached = _LEAD_KINDS.get(id(table))
    if cached is None or cached[0] is not table:
        kinds = _impl.lead_kinds(table.single)  # type: ignore[attr-defined]
        hits = np.flatnonzero(kinds != 1).tolist()
        if not hits:
            ranges = (1, 0, 1, 0)  # empty ranges: nothing can change
        else:
            # Two ranges covering them all, split at the widest gap between hits.
            gaps = [hits[i + 1] - hits[i] for i in range(len(hits) - 1)]
            cut = max(range(len(gaps)), key=gaps.__getitem__) if gaps else 0
            if gaps:
                ranges = (hits[0], hits[cut], hits[cut + 1], hits[-1])
            else:
                ranges = (hits[0], hits[0], 1, 0)
        cached = (table, kinds, ranges)
        _LEAD_KINDS[id(table)] = cached
    return cached[1], cached[2]


def casefold_bytes(buf: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``str.casefold`` of each document of an encoded batch."""
    from dedupe.kernels.codepoints import casefold

    return map_bytes(casefold(), buf, offsets)


def map_or_flag_bytes(
    table: object, flagged: np.ndarray, buf: np.ndarray, offsets: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`map_bytes`, also flagging documents holding a code point marked in ``flagged``."""
    from dedupe.kernels.codepoints import CodepointMap

    assert isinstance(table, CodepointMap)
    result: tuple[np.ndarray, np.ndarray, np.ndarray] = _impl.map_or_flag(
        buf, offsets, table.single, table.starts, table.multi, table.expansion, flagged
    )
    return result


def aligned_scores(
    hashes: np.ndarray,
    offsets: np.ndarray,
    sorted_hashes: np.ndarray,
    positions: np.ndarray,
    codes: np.ndarray,
    starts: np.ndarray,
    pairs: np.ndarray,
    n: int,
    gap: int,
    slot: int,
    min_length: int,
    max_occ: int,
    floor: int,
) -> np.ndarray:
    """The aligned score of each pair of prepared texts (see :mod:`dedupe.aligned`). Compiled
    whenever numba is there, small inputs too (:func:`for_input`): its twin is a few pairs a
    second."""
    impl = _impl
    if impl is twins and BACKEND == "compiled":
        from dedupe.kernels import compiled as impl
    result: np.ndarray = impl.aligned_scores(
        hashes,
        offsets,
        sorted_hashes,
        positions,
        codes,
        starts,
        np.ascontiguousarray(pairs, dtype=np.int64),
        n,
        gap,
        slot,
        min_length,
        max_occ,
        floor,
    )
    return result


def code_points(buf: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """The length in characters (code points) of each document of an encoded batch (int64)."""
    result: np.ndarray = _impl.code_points(buf, offsets)
    return result


def is_utf8(data: bytes | memoryview, plain: bool = False) -> bool:
    """Whether ``data`` is UTF-8 as Python's strict codec takes it, checked without decoding
    it: a run of kept lines is many MB, and decoding it made a text of it only to be dropped
    (2 ns a byte; the compiled check passes ASCII over four bytes at a time). With ``plain``,
    also without a carriage return or a byte order mark (one pass for the three checks: the
    search for the mark alone took longer than the check of the UTF-8)."""
    return bool(_impl.valid_utf8(np.frombuffer(data, dtype=np.uint8), plain))


def fused_bytes(
    table: object, flagged: np.ndarray, buf: np.ndarray, offsets: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A composed table (:func:`dedupe.kernels.fuse.compose`) applied to an encoded batch with
    the whitespace collapse: (buffer, offsets, documents holding a flagged code point)."""
    from dedupe.kernels.codepoints import CodepointMap

    assert isinstance(table, CodepointMap)
    result: tuple[np.ndarray, np.ndarray, np.ndarray] = _impl.fused_map(
        buf, offsets, table.single, table.starts, table.multi, table.expansion, flagged
    )
    return result


def line_keys(
    buf: np.ndarray, offsets: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per non-blank line of an encoded batch: its document, two 64-bit hashes and the length
    in characters of its key ``line.strip().casefold()``, and the stripped line's range in
    characters of its document (see the compiled ``line_keys``)."""
    from dedupe.kernels.charclass import classes
    from dedupe.kernels.codepoints import casefold

    table = casefold()
    result: tuple[np.ndarray, ...] = _impl.line_keys(
        buf, offsets, classes(), table.single, table.starts, table.multi
    )
    return result  # type: ignore[return-value]


def chrome_candidates(
    buf: np.ndarray, offsets: np.ndarray, tables: Sequence[Any], short: int, reserved: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The lines of an encoded batch that can be chrome (see the compiled
    ``chrome_candidates``; ``tables``: kind, fold, keys, notes, longest, needy, pairs)."""
    kind, fold, keys, notes, longest, needy, pairs = tables
    result: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] = _impl.chrome_candidates(
        buf, offsets, kind, fold, keys, notes, longest, needy, pairs, short, reserved
    )
    return result
