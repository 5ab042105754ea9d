"""Output sets: a run's outputs are staged in a fresh folder and swapped into place whole.

An output folder after a run::

    out/clusters.jsonl  -> .dedupe-current/clusters.jsonl    one link per output name
    out/.dedupe-current -> .dedupe-output-<token>            the one link a run changes
    out/.dedupe-output-<token>/clusters.jsonl, ...           the complete current set

A run writes every output into ``out/.dedupe-staging-<token>/``; when all are written (and
flushed, with ``--fsync``) the folder is renamed to ``.dedupe-output-<token>``, a link is made
for each output name the previous set lacked, and ``.dedupe-current`` is replaced by a link to
the new set with one ``rename``, which is atomic. The previous set is then removed. This is
the scheme Kubernetes uses to update the files of a mounted ConfigMap together.

The guarantee: at every moment, ``out/NAME`` is the whole file of one complete set, the
previous or the new one, and every name resolves through the same ``.dedupe-current``, so a
crash or kill at any point (SIGKILL included) leaves exactly the previous set or exactly the
new one. The only trace of a kill in the middle is a link for a name that only the new set
has, which resolves to nothing (reading it fails as for a missing file) until the next run
removes it; staging folders and unused sets are removed by the next run too. A failed run
never reaches the swap, so the previous outputs stay byte-identical. A reader that opens
several files while another run swaps may still get one file of each set; to read one set
whatever happens meanwhile, resolve ``out/.dedupe-current`` once and read from there.

The first run into a folder holding plain output files (from an older version) adopts them:
each is hard-linked into a set of its own and replaced by a link, atomically, so it reads the
same until the swap. On a filesystem without symbolic links (FAT, some network shares) the
files are renamed into place one by one instead: each whole, the set not atomic.

An output folder is locked (``.dedupe-lock``, a POSIX record lock, released by the kernel
when the process dies) while a run uses it, so a second run into it stops with one line
instead of interleaving; the run that takes the lock first removes what killed runs left.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from dedupe.errors import OutputError
from dedupe.folderlock import locked as folder_lock
from dedupe.interrupt import deferred

CURRENT = ".dedupe-current"
SET_PREFIX = ".dedupe-output-"
STAGING_PREFIX = ".dedupe-staging-"
LINK_PREFIX = ".dedupe-link-"
LOCK = ".dedupe-lock"
#: An entry with one of these names marks a folder as a dedupe output folder.
MARKERS = frozenset({CURRENT, LOCK})
#: Temporary names other parts of a run use inside the output folder (stdin spool, spilled
#: shingle sets, distributed shards, write probes): removed by the next run after a kill.
TEMPORARY_PREFIXES = (
    STAGING_PREFIX,
    LINK_PREFIX,
    ".dedupe-stdin-",
    ".dedupe-sets-",
    ".dedupe-shards-",
    ".dedupe-probe-",
)
#: Output names of the built-in writers (their temporaries of older versions are swept).
BUILTIN_NAMES = ("clusters.jsonl", "pairs.jsonl", "kept.jsonl", "dropped.jsonl", "report.json")
PAUSE_ENV = "DEDUPE_TEST_PAUSE"


def pause_point(point: str) -> None:
    """Test hook: with ``DEDUPE_TEST_PAUSE=POINT:FILE`` set, create FILE at ``point`` and wait
    while it exists (tests kill a real run there). Does nothing otherwise."""
    spec = os.environ.get(PAUSE_ENV)
    if not spec or spec.partition(":")[0] != point:
        return
    flag = spec.partition(":")[2]
    Path(flag).write_text(str(os.getpid()))
    while os.path.exists(flag):
        time.sleep(0.01)


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


def locked(directory: Path, names: Iterable[str] = ()) -> contextlib.AbstractContextManager[None]:
    """Hold the output folder's lock (:func:`dedupe.folderlock.locked`); whoever takes it
    first removes what killed runs left (:func:`sweep`)."""
    return folder_lock(Path(directory), LOCK, lambda: sweep(Path(directory), names))


# -- links and sets -----------------------------------------------------------------------------
def current_set(directory: Path) -> str | None:
    """The name of the set ``.dedupe-current`` points to, if any."""
    link = directory / CURRENT
    if not link.is_symlink():
        if link.exists():
            raise OutputError(f"{link} is in the way (it should be a link made by dedupe)")
        return None
    return os.readlink(link)


def _our_link(directory: Path, name: str) -> bool:
    path = directory / name
    return path.is_symlink() and os.readlink(path) == f"{CURRENT}/{name}"


def _links(directory: Path) -> Iterator[str]:
    """Names in ``directory`` that are links into ``.dedupe-current``."""
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.is_symlink() and _our_link(directory, entry.name):
                yield entry.name


def _point(directory: Path, name: str, target: str) -> None:
    """Make ``directory/name`` a link to ``target`` with one rename (atomic)."""
    tmp = directory / f"{LINK_PREFIX}{uuid.uuid4().hex[:12]}"
    os.symlink(target, tmp)
    try:
        os.replace(tmp, directory / name)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def sweep(directory: Path, names: Iterable[str] = ()) -> None:
    """Remove what killed runs left in an output folder: staging folders, sets that are not
    current, temporary links, links to names the current set lacks, spooled stdin, spilled
    shingle sets, distributed shards and the temporary files of older versions. Call it only
    while holding the folder's lock."""
    try:
        current = current_set(directory)
    except OutputError:
        return
    old_temps = tuple(f".{n}." for n in {*names, *BUILTIN_NAMES})
    with os.scandir(directory) as scan:
        entries = [e.name for e in scan]
    for name in entries:
        path = directory / name
        if (
            name.startswith(TEMPORARY_PREFIXES)
            or (name.startswith(SET_PREFIX) and name != current)
            or (name.startswith(old_temps) and name.endswith(".tmp"))
            or (_our_link(directory, name) and not path.exists())
        ):
            _remove(path)


def _fsync_path(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    for folder, _dirs, files in os.walk(root):
        for name in files:
            _fsync_path(Path(folder) / name)
        _fsync_path(Path(folder))


def _symlinks_work(directory: Path) -> bool:
    probe = directory / f"{LINK_PREFIX}probe-{uuid.uuid4().hex[:8]}"
    try:
        os.symlink(CURRENT, probe)
    except OSError:
        return False
    probe.unlink()
    return True


class OutputSet:
    """A fresh staging folder for a run's outputs, swapped into place whole by :meth:`commit`
    (or removed by :meth:`abort`). Holds the folder's lock from creation to either."""

    def __init__(self, directory: Path, fsync: bool = False, names: Iterable[str] = ()) -> None:
        self.directory = Path(directory)
        self.fsync = fsync
        self.token = f"{time.time_ns():x}-{uuid.uuid4().hex[:8]}"
        self.staging = self.directory / f"{STAGING_PREFIX}{self.token}"
        self.final = self.directory / f"{SET_PREFIX}{self.token}"
        self.names: list[str] = []
        self.committed = False
        self._lock: contextlib.AbstractContextManager[None] | None = locked(self.directory, names)
        self._lock.__enter__()
        try:
            self.staging.mkdir()
        except BaseException:
            self._release()
            raise

    def __enter__(self) -> OutputSet:
        return self

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        if not self.committed:
            self.abort()

    def _release(self) -> None:
        if self._lock is not None:
            lock, self._lock = self._lock, None
            lock.__exit__(None, None, None)

    def _add(self, name: str) -> Path:
        top = Path(name).parts[0] if Path(name).parts else ""
        if not top or top.startswith(".") or Path(name).is_absolute() or ".." in Path(name).parts:
            raise OutputError(f"output name {name!r} must be a plain relative name")
        if top not in self.names:
            self.names.append(top)
        path = self.staging / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def path(self, name: str) -> Path:
        """Where to write the output file ``name`` (inside the staging folder)."""
        if self.names:
            pause_point("writing")
        return self._add(name)

    temp_path = path

    def folder(self, name: str) -> Path:
        """A folder output (distributed shards) named ``name``, created in the staging folder."""
        path = self._add(name)
        path.mkdir(exist_ok=True)
        return path

    def commit(self) -> list[Path]:
        """Swap the staged set in (see the module's docstring for the guarantee)."""
        directory = self.directory
        try:
            if self.fsync:
                _fsync_tree(self.staging)
            pause_point("staged")
            links = _symlinks_work(directory)
            with deferred():
                os.rename(self.staging, self.final)
                if not links:
                    self._rename_each()
                else:
                    previous = self._adopt(current_set(directory))
                    for name in self.names:
                        if not _our_link(directory, name):
                            _point(directory, name, f"{CURRENT}/{name}")
                    if self.fsync:
                        _fsync_path(directory)
                    pause_point("linked")
                    _point(directory, CURRENT, self.final.name)
                    self.committed = True
                    if self.fsync:
                        _fsync_path(directory)
                    pause_point("swapped")
                    self._tidy(previous)
        except BaseException:
            if not self.committed:
                self.abort()
            self._release()
            raise
        self._release()
        return [directory / name for name in self.names]

    def _rename_each(self) -> None:
        for name in self.names:
            target = self.directory / name
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            os.replace(self.final / name, target)
        self.committed = True
        shutil.rmtree(self.final, ignore_errors=True)
        if self.fsync:
            _fsync_path(self.directory)

    def _adopt(self, previous: str | None) -> str | None:
        """Move plain files and folders in the way of the new links into the previous set
        (made for them when there is none), so they read the same until the swap."""
        directory = self.directory
        plain = [
            n for n in self.names if os.path.lexists(directory / n) and not _our_link(directory, n)
        ]
        if not plain:
            return previous
        keep = directory / (previous or f"{SET_PREFIX}{self.token}-previous")
        keep.mkdir(exist_ok=True)
        for name in plain:
            entry = directory / name
            if entry.is_dir() and not entry.is_symlink():
                continue
            tmp = keep / f"{LINK_PREFIX}{uuid.uuid4().hex[:12]}"
            try:
                os.link(entry, tmp, follow_symlinks=False)
            except OSError:
                shutil.copy2(entry, tmp, follow_symlinks=False)
            os.replace(tmp, keep / name)
        if previous is None:
            _point(directory, CURRENT, keep.name)
        for name in plain:
            entry = directory / name
            if entry.is_dir() and not entry.is_symlink():
                _remove(keep / name)
                os.rename(entry, keep / name)
        return keep.name

    def _tidy(self, previous: str | None) -> None:
        """After the swap: drop links to names the new set lacks, and the previous set."""
        with contextlib.suppress(OSError):
            for name in list(_links(self.directory)):
                if name not in self.names:
                    (self.directory / name).unlink()
        if previous is not None and previous != self.final.name:
            _remove(self.directory / previous)

    def abort(self) -> None:
        """Remove what this set staged; the current outputs are untouched."""
        try:
            if not self.committed:
                _remove(self.staging)
                with contextlib.suppress(OutputError):
                    if current_set(self.directory) != self.final.name:
                        _remove(self.final)
                with contextlib.suppress(OSError):
                    for name in list(_links(self.directory)):
                        if not (self.directory / name).exists():
                            (self.directory / name).unlink()
        finally:
            self._release()


@contextmanager
def atomic_open(path: Path | str, mode: str = "w", **kwargs: Any) -> Iterator[IO[Any]]:
    """Open a temporary file next to ``path``; on success it replaces ``path``, else vanishes
    (one file: a rename is enough). The file gets the usual permissions (umask), not 0600."""
    path = Path(path)
    tmp = path.parent / f".{path.name}.{uuid.uuid4().hex[:12]}.tmp"
    try:
        with open(tmp, mode.replace("w", "x"), **kwargs) as f:
            yield f
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
