"""The input as shards: files, folders and globs of JSON Lines (or Parquet) files, cut into
chunks small enough that every worker gets several.

The corpus is the local engine's :class:`~dedupe.corpus.FileCorpus` (same discovery, same
order, same document numbers); only the chunk size differs, which changes no output.
"""

from __future__ import annotations

import contextlib
import glob
import os
from collections.abc import Sequence

from dedupe.config import Config
from dedupe.corpus import Corpus

#: Smallest chunk worth a task of its own.
MIN_CHUNK_BYTES = 256 * 1024
#: Chunks per worker aimed at, so a slow chunk does not leave the others idle.
CHUNKS_PER_WORKER = 4
_GLOB_CHARS = frozenset("*?[")


def expand_inputs(inputs: Sequence[str | os.PathLike[str]]) -> list[str]:
    """Inputs with glob patterns (``'shards/*.jsonl'``, quoted so the shell leaves them)
    replaced by the files they match, sorted; other inputs unchanged."""
    out: list[str] = []
    for raw in inputs:
        name = os.fspath(raw)
        if not os.path.exists(name) and _GLOB_CHARS & set(name):
            matches = sorted(glob.glob(name, recursive=True))
            if matches:
                out.extend(matches)
                continue
        out.append(name)
    return out


def chunk_bytes(corpus: Corpus, config: Config, workers: int) -> int:
    """Target chunk size: ``chunk_mb`` at most, smaller when that would leave workers idle."""
    sources = corpus.discovery.sources if corpus.discovery is not None else []
    total = 0
    for source in sources:
        with contextlib.suppress(OSError):
            total += os.path.getsize(source.path)
    spread = -(-total // max(1, workers * CHUNKS_PER_WORKER))
    return max(MIN_CHUNK_BYTES, min(int(config.chunk_mb * 1024 * 1024), spread))
