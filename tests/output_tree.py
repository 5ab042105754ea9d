"""What an output folder holds, as tests compare it: the outputs a user sees, and every entry."""

from __future__ import annotations

import os
from pathlib import Path

LOCK = ".dedupe-lock"  # dedupe.atomic.LOCK (a literal, so these helpers also run on older code)


def outputs(folder: Path) -> dict[str, bytes]:
    """The outputs as a reader sees them: each visible name that opens as a file, its bytes
    (a link to nothing, left by a kill in the middle of a swap, reads as absent)."""
    found = {}
    for entry in sorted(folder.iterdir()):
        if not entry.name.startswith(".") and entry.is_file():
            found[entry.name] = entry.read_bytes()
    return found


def tree(folder: Path) -> dict[str, bytes | str]:
    """Every entry under ``folder``, hidden ones included, except the lock file (it holds the
    pid of the last run): files as bytes, links as ``-> target``, folders as ``/``."""
    found: dict[str, bytes | str] = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(root) / name
            rel = str(path.relative_to(folder))
            if rel == LOCK:
                continue
            if path.is_symlink():
                found[rel] = "-> " + os.readlink(path)
            elif path.is_dir():
                found[rel] = "/"
            else:
                found[rel] = path.read_bytes()
    return found


def leftovers(folder: Path) -> list[str]:
    """Temporaries in an output folder: anything hidden but the current set, its link, the
    lock and the checkpoint; and links to nothing."""
    current = (
        os.readlink(folder / ".dedupe-current")
        if (folder / ".dedupe-current").is_symlink()
        else None
    )
    keep = {".dedupe-current", LOCK, ".dedupe-checkpoint", current}
    return [
        entry.name
        for entry in sorted(folder.iterdir())
        if (entry.name.startswith(".") and entry.name not in keep)
        or (entry.is_symlink() and not entry.exists())
    ]
