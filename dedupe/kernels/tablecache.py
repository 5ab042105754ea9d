"""Per-code-point tables (uint8, one entry per Unicode code point) kept in the user's cache:
built once per Unicode and Python version (a tenth of a second or more) and loaded after."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path

import numpy as np

#: Entries of a table: every code point.
SIZE = 0x110000


def cache_path(name: str) -> Path:
    """Where the table ``name`` (its own version or content hash included) is kept."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    tag = f"{unicodedata.unidata_version}-py{sys.version_info[0]}{sys.version_info[1]}"
    return Path(base) / "dedupe" / f"{name}-{tag}.npy"


def cached_table(name: str, build: Callable[[], np.ndarray]) -> np.ndarray:
    """The table ``name`` from the cache, else ``build()`` written there atomically (a file of
    another shape or type is rebuilt; a cache that cannot be written is done without)."""
    path = cache_path(name)
    with contextlib.suppress(OSError, ValueError):
        table = np.load(path)
        if table.shape == (SIZE,) and table.dtype == np.uint8:
            return table
    table = build()
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npy")
        with os.fdopen(fd, "wb") as f:
            np.save(f, table)
        os.replace(tmp, path)
    return table
