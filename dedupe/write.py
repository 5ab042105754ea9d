"""Write stage: each writer renders one output file from the run's result.

The engine hands every writer a temporary path in the output directory and renames all files
into place only when every writer has finished (see :mod:`dedupe.atomic`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dedupe.result import RunResult

WriteFunction = Callable[[RunResult, Path], None]


@dataclass(frozen=True)
class Writer:
    """An output file: ``write(result, path)`` writes ``filename``'s content to ``path``."""

    name: str
    filename: str
    write: WriteFunction
    description: str = ""
