"""Checkpoints of the first pass, so an interrupted run can resume instead of starting over.

Each chunk's pass-1 output is saved as one shard file (written atomically) in a directory
named by a key that covers everything the output depends on: the settings, what the
normalisers learned, and the input chunks themselves (path, size, modification time, byte
range). A run with other settings or changed input never picks up these shards. The
directory is removed once the run has written its outputs.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import shutil
import tempfile
from pathlib import Path
from typing import Any

from dedupe.corpus import Chunk
from dedupe.passes import SignedChunk

FORMAT = 1


def run_key(config: dict[str, Any], learned: Any, chunks: list[Chunk]) -> str:
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
        {"format": FORMAT, "config": config, "learned": learned, "plan": plan},
        sort_keys=True,
        default=repr,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


class Checkpoint:
    """Pass-1 shards of one run under ``root/<key>``."""

    def __init__(self, root: Path, key: str) -> None:
        self.root = Path(root)
        self.directory = self.root / key

    def start(self, resume: bool) -> int:
        """Prepare the directory; without ``resume`` older shards are removed. Returns the
        number of shards available."""
        if not resume and self.root.exists():
            shutil.rmtree(self.root, ignore_errors=True)
        if resume and self.root.exists():
            for other in self.root.iterdir():
                if other != self.directory:
                    shutil.rmtree(other, ignore_errors=True)
        self.directory.mkdir(parents=True, exist_ok=True)
        return len(list(self.directory.glob("chunk-*.pkl")))

    def _path(self, number: int) -> Path:
        return self.directory / f"chunk-{number:06d}.pkl"

    def has(self, number: int) -> bool:
        return self._path(number).exists()

    def load(self, number: int) -> SignedChunk | None:
        """The saved output of a chunk, or None (missing or unreadable: recomputed)."""
        path = self._path(number)
        try:
            with open(path, "rb") as f:
                result = pickle.load(f)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError):
            return None
        return result if isinstance(result, SignedChunk) and result.number == number else None

    def save(self, result: SignedChunk) -> None:
        """Write one shard atomically (a half-written shard is never read)."""
        fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self._path(result.number))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def remove(self) -> None:
        """Delete all shards (after a successful run)."""
        shutil.rmtree(self.root, ignore_errors=True)
