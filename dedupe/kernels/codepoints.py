"""Per-code-point mappings (case folding, typographic quotes) as tables for byte kernels.

A table is built from the Python function itself (``str.casefold`` on each code point), so a
kernel applying it to UTF-8 bytes gives exactly what Python gives: both mappings are context
free, one code point at a time. Tables are built once per Unicode version (case folding: about
half a second) and cached on disk when possible.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

SIZE = 0x110000


@dataclass(frozen=True)
class CodepointMap:
    """``single[cp]`` is the image of ``cp`` when it is one code point, else ``-(k + 1)``
    where ``multi[starts[k]:starts[k + 1]]`` are its code points. ``expansion`` bounds the
    UTF-8 length of an output over its input."""

    single: np.ndarray
    starts: np.ndarray
    multi: np.ndarray
    expansion: int


def _utf8_len(cp: int) -> int:
    return 1 if cp < 0x80 else 2 if cp < 0x800 else 3 if cp < 0x10000 else 4


def build(images: Callable[[str], str] | dict[str, str]) -> CodepointMap:
    """The table of a function applied to every code point, or of an explicit mapping of a
    few characters (identity elsewhere)."""
    if isinstance(images, dict):
        pairs = [(ord(c), image) for c, image in images.items()]
    else:
        func = images
        pairs = [(cp, func(chr(cp))) for cp in range(SIZE)]
    single = np.arange(SIZE, dtype=np.int32)
    starts = [0]
    multi: list[int] = []
    expansion = 1
    for cp, image in pairs:
        if len(image) == 1:
            single[cp] = ord(image)
        else:
            single[cp] = -len(starts)
            multi.extend(ord(c) for c in image)
            starts.append(len(multi))
        out = sum(_utf8_len(ord(c)) for c in image)
        expansion = max(expansion, -(-out // _utf8_len(cp)))
    return CodepointMap(
        single, np.asarray(starts, dtype=np.int64), np.asarray(multi, dtype=np.int32), expansion
    )


def _cache_file(name: str) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    tag = f"{unicodedata.unidata_version}-py{sys.version_info[0]}{sys.version_info[1]}"
    return Path(base) / "dedupe" / f"map-{name}-{tag}.npz"


def cached(name: str, make: Callable[[], CodepointMap]) -> CodepointMap:
    """The table ``name`` from the disk cache, else ``make()`` (then cached)."""
    path = _cache_file(name)
    with contextlib.suppress(OSError, ValueError, KeyError):
        data = np.load(path)
        table = CodepointMap(data["single"], data["starts"], data["multi"], int(data["expansion"]))
        if table.single.shape == (SIZE,):
            return table
    table = make()
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npz")
        with os.fdopen(fd, "wb") as f:
            np.savez(
                f,
                single=table.single,
                starts=table.starts,
                multi=table.multi,
                expansion=np.int64(table.expansion),
            )
        os.replace(tmp, path)
    return table


@cache
def casefold() -> CodepointMap:
    """``str.casefold`` per code point."""
    return cached("casefold", lambda: build(str.casefold))


@cache
def mapping(table: tuple[tuple[str, str], ...]) -> CodepointMap:
    """A small explicit mapping (e.g. typographic quotes to ASCII); identity elsewhere."""
    return build(dict(table))
