"""A run's output folder: refused when it would overwrite an input, locked while in use.

Checked before any work: an output file that is an input (by real path or device and inode:
``dedupe run out/kept.jsonl -o out``), an output folder that is an input folder (the next run
would read the outputs back), and an input inside dedupe's own folders of the output folder
(a set the swap removes). An output folder *inside* an input folder is fine: walking input
folders skips it (:func:`is_output_folder`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from dedupe.atomic import MARKERS, check_writable, locked
from dedupe.errors import OutputError
from dedupe.interrupt import terminate_unwinds

STDIN = "-"


def is_output_folder(names: Iterable[str]) -> bool:
    """Whether a folder holding these entry names is a dedupe output folder."""
    return not MARKERS.isdisjoint(names)


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def check_collisions(
    inputs: Sequence[str | os.PathLike[str]], output_dir: str | os.PathLike[str], names: list[str]
) -> None:
    """Raise :class:`OutputError` (one line) when the outputs would overwrite an input."""
    out = os.path.realpath(output_dir)
    targets = {os.path.join(out, name) for name in names}
    targets |= {os.path.realpath(os.path.join(output_dir, name)) for name in names}
    identities = {i for i in (_identity(t) for t in targets) if i is not None}
    out_identity = _identity(out)
    for given in inputs:
        raw = os.fspath(given)
        if raw == STDIN or not os.path.exists(raw):
            continue
        real = os.path.realpath(raw)
        if os.path.isdir(real):
            if real == out or (out_identity is not None and _identity(real) == out_identity):
                raise OutputError(
                    f"input folder {raw} is the output folder: the outputs would be read back "
                    "as input next time; choose another --output-dir"
                )
        elif real in targets or _identity(real) in identities:
            raise OutputError(
                f"input {raw} would be overwritten by the outputs in {output_dir}; "
                "choose another --output-dir"
            )
        if _inside(real, out):
            first = os.path.relpath(real, out).split(os.sep)[0]
            if first.startswith(".dedupe-"):
                raise OutputError(
                    f"input {raw} is inside dedupe's own files in {output_dir} (replaced by "
                    "the next outputs); copy it elsewhere or choose another --output-dir"
                )


@contextmanager
def guarded(
    inputs: Sequence[str | os.PathLike[str]],
    output_dir: str | os.PathLike[str] | None,
    names: list[str],
) -> Iterator[None]:
    """Everything a run does to its output folder before and around its work: refuse
    collisions, create and probe the folder, hold its lock (sweeping what killed runs left),
    and let SIGTERM unwind so temporaries are removed."""
    with terminate_unwinds():
        if output_dir is None:
            yield
            return
        check_collisions(inputs, output_dir, names)
        check_writable(Path(output_dir))
        with locked(Path(output_dir), names):
            yield
