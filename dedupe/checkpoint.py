"""Checkpoints of the first pass, so an interrupted run can resume instead of starting over.

Each chunk's pass-1 output is saved as one shard (written atomically) in a directory named by
a key that covers everything the output depends on: every setting, the dedupe version, what
the normalisers learned (their ``state``) and the input chunks themselves (path, size,
modification time, byte range). A run with other settings or changed input never picks up
these shards. The directory is removed once the run has written its outputs.

A shard is data only: a NumPy ``.npz`` archive of plain arrays plus one JSON document (ids,
labels, dates, skipped records), read with ``allow_pickle=False`` and checked array by array
against what pass 1 makes, so a damaged or foreign shard (another run's, or crafted) is
never trusted: it is ignored with one line on stderr and its chunk is computed again. The
shingle sets spilled beside it (``sets-N.npy``) are checked the same way (header, dtype,
length), and are always the ones of this directory, never a path read from the shard.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from dedupe.candidates.anchors import split
from dedupe.corpus import Chunk
from dedupe.display import safe
from dedupe.documents import BadRecord
from dedupe.errors import ConfigError
from dedupe.pipeline.pass1 import SignedChunk
from dedupe.version import __version__

if TYPE_CHECKING:
    from dedupe.config import Config
    from dedupe.normalise import Chain
    from dedupe.plan import RunPlan

FORMAT = 3
SHARD_SUFFIX = ".npz"
#: Arrays of one value per document: name -> dtype.
_PER_DOC = {
    "label_of": np.int32,
    "lines": np.int64,
    "set_sizes": np.int64,
    "removed_share": np.float64,
    "kept_share": np.float64,
    "declared": np.float64,
    "text_length": np.int64,
}
#: Arrays saved per batch of the chunk: name -> dtype.
_PER_BATCH = {"signatures": np.uint32, "band_keys": np.uint64, "anchor_codes": np.uint64}


class ShardError(ValueError):
    """A shard that cannot be trusted (the message says why)."""


#: Settings that cannot change what pass 1 makes of a chunk (left out of the key).
NOT_IN_KEY = frozenset({"workers", "fsync", "output_format"})


def run_settings(config: Config) -> dict[str, Any]:
    """Every setting the pass-1 output may depend on, as JSON values: all of them (every
    setting is a field of the config, so none can be forgotten) but :data:`NOT_IN_KEY`."""
    return {k: v for k, v in config.to_dict().items() if k not in NOT_IN_KEY}


def learned_state(base: Chain, fitted: Chain) -> dict[str, Any] | None:
    """The ``state`` of each normaliser that learned from the corpus, by name, or ``None``
    when one of them declares no state (what it learned cannot then be compared)."""
    out: dict[str, Any] = {}
    for registered, normaliser in zip(base.normalisers, fitted.normalisers, strict=True):
        if registered.learn is None:
            continue
        if normaliser.state is None:
            return None
        out[normaliser.name] = normaliser.state
    return out


def run_key(settings: dict[str, Any], learned: Mapping[str, Any], chunks: list[Chunk]) -> str:
    """A hash of the settings, the learned normaliser state and the input chunks."""
    plan = []
    for chunk in chunks:
        sources = []
        for s in chunk.sources:
            stamp: list[int | None] = [None, None]
            with contextlib.suppress(OSError):
                stat = os.stat(s.path)
                stamp = [stat.st_size, stat.st_mtime_ns]
            sources.append([s.path, s.reader, s.start, s.stop, s.first_line, *stamp])
        plan.append([chunk.number, chunk.start, chunk.stop, sources])
    blob = json.dumps(
        {
            "format": FORMAT,
            "version": __version__,
            "config": settings,
            "learned": learned,
            "plan": plan,
        },
        sort_keys=True,
        default=repr,
    )
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def checkpoint_for(
    plan: RunPlan, root: Path, chunks: list[Chunk], resume: bool
) -> Checkpoint | None:
    """The run's checkpoint under ``root``, or ``None`` when a learning normaliser declares no
    ``state`` (then ``resume`` is refused: nothing could tell its shards apart)."""
    config = plan.config
    learned = learned_state(plan.base_chain, plan.chain)
    if learned is None:
        if resume:
            names = ", ".join(n.name for n in plan.base_chain.normalisers if n.learn is not None)
            raise ConfigError(
                f"--resume needs what the normalisers {names} learned as data (a state), "
                "and one of them declares none"
            )
        return None
    key = run_key(run_settings(config), learned, chunks)
    checkpoint = Checkpoint(root, key, num_perm=config.num_perm, bands=plan.banding.bands)
    checkpoint.start(resume)
    return checkpoint


def _warn(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Checkpoint:
    """Pass-1 shards of one run under ``root/<key>``. ``num_perm`` and ``bands`` are the
    run's, for checking the signatures and band keys of a shard."""

    def __init__(
        self,
        root: Path,
        key: str,
        *,
        num_perm: int | None = None,
        bands: int | None = None,
        warn: Callable[[str], None] = _warn,
    ) -> None:
        self.root = Path(root)
        self.key = key
        self.directory = self.root / key
        self.widths = {"signatures": num_perm, "band_keys": bands}
        self.warn = warn

    def start(self, resume: bool) -> int:
        """Prepare the directory; without ``resume`` older shards are removed. Returns the
        number of shards available."""
        if not resume and self.root.exists():
            shutil.rmtree(self.root, ignore_errors=True)
        if resume and self.root.exists():
            for other in self.root.iterdir():
                if other != self.directory:
                    if other.is_dir() and not other.is_symlink():
                        shutil.rmtree(other, ignore_errors=True)
                    else:
                        with contextlib.suppress(OSError):
                            other.unlink()
        self.directory.mkdir(parents=True, exist_ok=True)
        return len(list(self.directory.glob(f"chunk-*{SHARD_SUFFIX}")))

    def _path(self, number: int) -> Path:
        return self.directory / f"chunk-{number:06d}{SHARD_SUFFIX}"

    def _sets_path(self, number: int) -> Path:
        return self.directory / f"sets-{number:06d}.npy"

    def has(self, number: int) -> bool:
        return self._path(number).exists()

    def load(self, number: int) -> SignedChunk | None:
        """The saved output of a chunk, or None (missing, unreadable or not this run's: then
        one line says so, and the chunk is computed again)."""
        path = self._path(number)
        if not path.exists():
            return None
        try:
            with np.load(path, allow_pickle=False) as archive:
                return self._read(number, {name: archive[name] for name in archive.files})
        except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile, EOFError) as exc:
            reason = str(exc) if isinstance(exc, ShardError) else f"{type(exc).__name__}: {exc}"
            self.warn(
                f"dedupe: ignored checkpoint {safe(path)} ({safe(reason)}); "
                f"chunk {number} is computed again"
            )
            return None

    def save(self, result: SignedChunk) -> None:
        """Write one shard atomically (a half-written shard is never read). A chunk whose
        dates are not JSON values (a reader plugin's own types) is not saved: it is computed
        again on resume."""
        try:
            arrays = self._arrays(result)
        except (TypeError, ValueError):
            return
        fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez(f, **arrays)  # type: ignore[arg-type]
            os.replace(tmp, self._path(result.number))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def remove(self) -> None:
        """Delete all shards (after a successful run)."""
        shutil.rmtree(self.root, ignore_errors=True)

    # -- the shard format -----------------------------------------------------------------------
    def _arrays(self, r: SignedChunk) -> dict[str, np.ndarray]:
        meta = {
            "format": FORMAT,
            "key": self.key,
            "number": r.number,
            "ids": r.ids,
            "labels": r.labels,
            "dates": r.dates,
            "empty": r.empty,
            "encodings": dict(r.encodings),
            "bad": [[b.source, b.line, b.reason] for b in r.bad],
            "batches": {name: len(getattr(r, name)) for name in _PER_BATCH},
            "spilled": r.set_file is not None,
        }
        text = json.dumps(meta, ensure_ascii=True, allow_nan=True)
        out = {"meta": np.frombuffer(text.encode("ascii"), dtype=np.uint8)}
        for name, dtype in _PER_DOC.items():
            out[name] = np.asarray(getattr(r, name), dtype=dtype)
        for name, dtype in _PER_BATCH.items():
            for k, array in enumerate(getattr(r, name)):
                out[f"{name}_{k}"] = np.asarray(array, dtype=dtype)
        if r.set_file is None:
            out["set_values"] = np.asarray(r.set_values, dtype=np.uint32)
        return out

    def _read(self, number: int, arrays: dict[str, np.ndarray]) -> SignedChunk:
        """A :class:`SignedChunk` from a shard's arrays, each checked (:class:`ShardError`)."""
        meta = _meta(arrays.get("meta"))
        if meta.get("format") != FORMAT or meta.get("key") != self.key:
            raise ShardError("written by another run or another version of dedupe")
        if meta.get("number") != number:
            raise ShardError(f"holds chunk {meta.get('number')!r}, not {number}")
        ids = _strings(meta.get("ids"), "ids")
        n = len(ids)
        labels = _strings(meta.get("labels"), "labels")
        out = SignedChunk(number, ids=ids, labels=labels)
        for name, dtype in _PER_DOC.items():
            setattr(out, name, _array(arrays, name, dtype, (n,)))
        if n and (out.label_of.min() < 0 or out.label_of.max() >= len(labels)):
            raise ShardError("label numbers out of range")
        if np.any(out.set_sizes < 0):
            raise ShardError("negative shingle set sizes")
        batches = meta.get("batches")
        if not isinstance(batches, dict):
            raise ShardError("no batch counts")
        for name, dtype in _PER_BATCH.items():
            count = batches.get(name)
            if not isinstance(count, int) or count < 0:
                raise ShardError(f"bad batch count for {name}")
            parts = [_array(arrays, f"{name}_{k}", dtype) for k in range(count)]
            setattr(out, name, parts)
        for name in ("signatures", "band_keys"):
            parts = getattr(out, name)
            width = self.widths[name]
            if any(p.ndim != 2 or (width is not None and p.shape[1] != width) for p in parts):
                raise ShardError(f"{name} of another shape than this run's")
            rows = sum(p.shape[0] for p in parts)
            if rows != n and not (name == "signatures" and not parts):
                raise ShardError(f"{name} for {rows} documents, not {n}")
        for codes in out.anchor_codes:
            if codes.ndim != 1 or (len(codes) and int(split(codes)[1].max()) >= max(n, 1)):
                raise ShardError("anchors of documents not in the chunk")
        total = int(out.set_sizes.sum())
        if meta.get("spilled") is True:
            sets = self._sets_path(number)
            _check_sets_file(sets, total)
            out.set_file = str(sets)
        else:
            out.set_values = _array(arrays, "set_values", np.uint32, (total,))
        out.dates = _list(meta.get("dates"), "dates", n)
        empty = _list(meta.get("empty"), "empty")
        if not all(isinstance(k, int) and 0 <= k < n for k in empty):
            raise ShardError("empty documents out of range")
        out.empty = empty
        encodings = meta.get("encodings")
        if not isinstance(encodings, dict) or not all(
            isinstance(k, str) and isinstance(v, int) for k, v in encodings.items()
        ):
            raise ShardError("bad encodings")
        out.encodings = Counter(encodings)
        out.bad = [_bad(item) for item in _list(meta.get("bad"), "bad")]
        return out


def _meta(array: np.ndarray | None) -> dict[str, Any]:
    if array is None or array.dtype != np.uint8 or array.ndim != 1:
        raise ShardError("no metadata")
    try:
        meta = json.loads(array.tobytes().decode("ascii"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ShardError(f"unreadable metadata: {exc}") from None
    if not isinstance(meta, dict):
        raise ShardError("metadata is not an object")
    return meta


def _array(
    arrays: dict[str, np.ndarray], name: str, dtype: Any, shape: tuple[int, ...] | None = None
) -> np.ndarray:
    array = arrays.get(name)
    if array is None:
        raise ShardError(f"no {name}")
    if array.dtype != np.dtype(dtype) or (shape is not None and array.shape != shape):
        raise ShardError(f"{name} is {array.dtype}{list(array.shape)}, not {np.dtype(dtype)}")
    return array


def _list(value: Any, name: str, length: int | None = None) -> list[Any]:
    if not isinstance(value, list) or (length is not None and len(value) != length):
        raise ShardError(f"bad {name}")
    return value


def _strings(value: Any, name: str) -> list[str]:
    items = _list(value, name)
    if not all(isinstance(x, str) for x in items):
        raise ShardError(f"{name} are not all strings")
    return items


def _bad(item: Any) -> BadRecord:
    if (
        not isinstance(item, list)
        or len(item) != 3
        or not isinstance(item[0], str)
        or not (item[1] is None or isinstance(item[1], int))
        or not isinstance(item[2], str)
    ):
        raise ShardError("bad skipped-record entry")
    return BadRecord(item[0], item[1], item[2])


def _check_sets_file(path: Path, values: int) -> None:
    """The spilled shingle sets of a chunk: a plain ``uint32`` ``.npy`` of ``values`` values."""
    try:
        with open(path, "rb") as f:
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
            else:
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
            start = f.tell()
    except OSError as exc:
        raise ShardError(f"its shingle sets cannot be read: {exc.strerror or exc}") from None
    if dtype != np.dtype(np.uint32) or fortran or shape != (values,):
        raise ShardError(f"its shingle sets are {dtype}{list(shape)}, not uint32[{values}]")
    if os.path.getsize(path) != start + 4 * values:
        raise ShardError("its shingle sets file is truncated")
