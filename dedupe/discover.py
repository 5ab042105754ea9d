"""Finding the input files: folders walked, each real file once, stdin and pipes spooled.

Directories are walked recursively (hidden entries skipped, links to folders not followed),
and a file is read when a reader claims its suffix. Each real file is read once (by device and
inode), whichever paths lead to it; special files (FIFOs, sockets, devices) are skipped with
one line; a dedupe output folder inside an input folder is not read back. Stdin, and a named
pipe given by name, are spooled to a temporary file so the input can be read more than once.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable
from typing import Any

from dedupe.documents import BadRecord
from dedupe.errors import InputError
from dedupe.outdir import is_output_folder
from dedupe.read import STDIN, Discovery, Reader, Source, not_regular

SPOOL_PREFIX = "dedupe-stdin-"
#: ``--format`` on stdin, where it differs: text piped in is one document per line (a single
#: document could be a copy of nothing; ``sort -u`` and ``uniq`` read lines too).
STDIN_READERS = {"text": "lines"}


def _suffix_map(readers: dict[str, Reader]) -> dict[str, str]:
    out: dict[str, str] = {}
    for reader in readers.values():
        for suffix in reader.suffixes:
            out.setdefault(suffix.lower(), reader.name)
    return out


def _reader_for(path: str, suffixes: dict[str, str]) -> str | None:
    lower = path.lower()
    # Longest suffix first so ".jsonl.gz" could beat ".gz".
    for suffix in sorted(suffixes, key=len, reverse=True):
        if lower.endswith(suffix):
            return suffixes[suffix]
    return None


def sweep_spools(directory: str) -> None:
    """Remove stdin spools in ``directory`` whose run is gone (their ``flock`` is free: the
    kernel releases it when the process dies, SIGKILL included)."""
    try:
        names = [n for n in os.listdir(directory) if n.startswith(SPOOL_PREFIX)]
    except OSError:
        return
    for name in names:
        path = os.path.join(directory, name)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            pass  # a live run holds it
        else:
            with contextlib.suppress(OSError):
                os.unlink(path)
        finally:
            os.close(fd)


def _spool(stream: Any, found: Discovery, spool_dir: str | None) -> str:
    """Copy a stream (stdin, a named pipe) to a temporary file removed by
    :meth:`Discovery.cleanup`, in ``spool_dir`` (the output folder) or the temporary folder.
    The file is locked while the run lives, so a later run can remove one a kill left."""
    directory = spool_dir or tempfile.gettempdir()
    hidden = "." if spool_dir else ""
    if not spool_dir:
        sweep_spools(directory)
    fd, path = tempfile.mkstemp(prefix=hidden + SPOOL_PREFIX, suffix=".jsonl", dir=directory)
    found.temp_files.append(path)
    with os.fdopen(fd, "wb") as f:
        held = os.dup(f.fileno())  # keeps the lock (flock: one per open file) after f closes
        found._held.append(held)
        with contextlib.suppress(OSError):
            fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        shutil.copyfileobj(stream, f, 1 << 20)
    return path


def _walk(
    root: str,
    suffixes: dict[str, str],
    format: str | None,
    found: Discovery,
    skip: tuple[int, int] | None,
) -> None:
    """Add the regular files under ``root`` that a reader claims, sorted by relative path.

    Hidden entries are skipped, links to folders are not followed, special files (FIFOs,
    sockets, devices) are reported and skipped, and so is a dedupe output folder (the run's
    own, ``skip``, or any folder marked as one): its outputs are not input.
    """
    in_dir: list[Source] = []
    folders = [root]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as scan:
                entries = list(scan)
        except OSError as exc:
            reason = f"cannot read directory: {exc.strerror}"
            found.bad.append(BadRecord(exc.filename or folder, None, reason))
            continue
        if folder != root and is_output_folder(e.name for e in entries):
            found.skipped_folders.append(folder)
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                if skip is not None and _same(entry, skip):
                    found.skipped_folders.append(entry.path)
                else:
                    folders.append(entry.path)
                continue
            reader = format or _reader_for(name, suffixes)
            if reader is None:
                found.ignored += 1
                continue
            try:
                st = entry.stat()  # follows a link: what would be read
            except OSError as exc:
                found.bad.append(BadRecord(entry.path, None, f"cannot read: {exc.strerror}"))
                continue
            if stat.S_ISDIR(st.st_mode):
                continue  # a link to a folder: not followed
            if not stat.S_ISREG(st.st_mode):
                found.bad.append(BadRecord(entry.path, None, not_regular(st.st_mode)))
                continue
            if found.first_time(st):
                rel = os.path.relpath(entry.path, root).replace(os.sep, "/")
                in_dir.append(Source(entry.path, rel, reader))
    found.sources.extend(sorted(in_dir, key=lambda s: s.id))


def _same(entry: os.DirEntry[str], identity: tuple[int, int]) -> bool:
    try:
        st = entry.stat(follow_symlinks=False)
    except OSError:
        return False
    return (st.st_dev, st.st_ino) == identity


def discover(
    inputs: Iterable[str],
    readers: dict[str, Reader],
    *,
    format: str | None = None,
    stdin: Any = None,
    output_dir: str | os.PathLike[str] | None = None,
) -> Discovery:
    """Turn the user's inputs (files, directories, ``-``) into sources.

    Directories are walked recursively (hidden entries skipped) and their files read when a
    reader claims their suffix, sorted by their path relative to the directory, which is their
    id. A file named directly is read by ``format``, its suffix, or as plain text. ``-`` is
    JSONL on stdin (``format`` text: one document per line, see :data:`STDIN_READERS`),
    spooled to a temporary file (in ``output_dir`` when given) so the input can be read
    more than once; a named pipe (``<(zcat x.jsonl.gz)``) is spooled the same way.
    Inputs are taken in path order and each real file is read once (by device and inode),
    whichever paths lead to it; special files and the output folder are skipped.
    """
    found = Discovery()
    suffixes = _suffix_map(readers)
    spool_dir = os.fspath(output_dir) if output_dir is not None else None
    skip = None
    if output_dir is not None:
        with contextlib.suppress(OSError):
            st = os.stat(output_dir)
            skip = (st.st_dev, st.st_ino)
    # Shards are read in path order whatever order they were given in, so that the same
    # input gives byte-identical outputs; stdin keeps its place at the end.
    given = list(inputs)
    ordered = sorted({p for p in given if p != STDIN}) + [STDIN] * (STDIN in given)
    try:
        for raw in ordered:
            if raw == STDIN:
                stream = stdin if stdin is not None else sys.stdin.buffer
                spooled = _spool(stream, found, spool_dir)
                reader = STDIN_READERS.get(format or "", format) or "jsonl"
                found.sources.append(Source(spooled, STDIN, reader, display="<stdin>"))
                continue
            try:
                st = os.stat(raw)
            except FileNotFoundError:
                found.bad.append(BadRecord(raw, None, "no such file or directory"))
                continue
            except OSError as exc:
                found.bad.append(BadRecord(raw, None, f"cannot read: {exc.strerror}"))
                continue
            reader = format or _reader_for(raw, suffixes) or "text"
            if stat.S_ISDIR(st.st_mode):
                _walk(raw, suffixes, format, found, skip)
            elif stat.S_ISREG(st.st_mode):
                if found.first_time(st):
                    found.sources.append(Source(raw, raw, reader))
            elif stat.S_ISFIFO(st.st_mode):
                with open(raw, "rb") as pipe:
                    spooled = _spool(pipe, found, spool_dir)
                found.sources.append(Source(spooled, raw, reader, display=raw))
            else:
                found.bad.append(BadRecord(raw, None, not_regular(st.st_mode)))
        for source in found.sources:
            if source.reader not in readers:
                known = ", ".join(sorted(readers))
                raise InputError(f"unknown input format {source.reader!r} (known: {known})")
    except BaseException:
        found.cleanup()
        raise
    return found
