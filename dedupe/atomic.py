"""Atomic output: files are written under temporary names and renamed into place together,
so an interrupted run leaves either the previous complete outputs or the new ones, never a
half-written file. Flushing them to disk (fsync) as well, against power loss, is optional for
a run's outputs (``--fsync``: gigabytes of kept documents take a while to flush)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from dedupe.errors import OutputError


def check_writable(directory: Path) -> None:
    """Create ``directory`` if needed and prove a file can be written there, before any work."""
    if directory.exists() and not directory.is_dir():
        raise OutputError(f"output path {directory} exists and is not a directory")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create output directory {directory}: {exc.strerror}") from None
    try:
        fd, probe = tempfile.mkstemp(prefix=".dedupe-probe-", dir=directory)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(f"cannot write to output directory {directory}: {exc.strerror}") from None


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class OutputSet:
    """Temporary files for each output name, renamed into place by :meth:`commit`."""

    def __init__(self, directory: Path, fsync: bool = True) -> None:
        self.directory = Path(directory)
        self.fsync = fsync
        self.pending: dict[str, Path] = {}

    def temp_path(self, name: str) -> Path:
        """A fresh temporary path in the output directory for the output ``name``."""
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=self.directory)
        os.close(fd)
        self.pending[name] = Path(tmp)
        return Path(tmp)

    def commit(self) -> list[Path]:
        """Rename every temporary file over its final name (after an fsync of each when
        ``fsync``: then the outputs also survive a power loss, not only an interruption)."""
        done = []
        for name, tmp in self.pending.items():
            if self.fsync:
                with open(tmp, "rb+") as f:
                    os.fsync(f.fileno())
            final = self.directory / name
            os.replace(tmp, final)
            done.append(final)
        self.pending.clear()
        if self.fsync:
            _fsync_dir(self.directory)
        return done

    def abort(self) -> None:
        """Remove the temporary files (the final files are untouched)."""
        for tmp in self.pending.values():
            with contextlib.suppress(OSError):
                tmp.unlink()
        self.pending.clear()


@contextmanager
def atomic_open(path: Path | str, mode: str = "w", **kwargs: Any) -> Iterator[IO[Any]]:
    """Open a temporary file next to ``path``; on success it replaces ``path``, else vanishes."""
    path = Path(path)
    out = OutputSet(path.parent)
    tmp = out.temp_path(path.name)
    try:
        with open(tmp, mode, **kwargs) as f:
            yield f
        out.commit()
    except BaseException:
        out.abort()
        raise
