"""The architecture as checked facts: no module of the package over 500 lines, the engine a
facade, and the import contracts of pyproject.toml kept (``lint-imports``; see
docs/architecture.md)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "dedupe"
MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(PACKAGE)) for p in MODULES])
def test_no_module_is_over_500_lines(path):
    lines = len(path.read_text("utf-8").splitlines())
    assert lines <= 500, f"{path.relative_to(PACKAGE.parent)} has {lines} lines: split it"


def test_the_engine_is_a_facade():
    """engine.py hands a plan to an executor: it holds no stage logic of its own."""
    source = (PACKAGE / "engine.py").read_text("utf-8")
    assert len(source.splitlines()) <= 225
    for step in ("def _merge", "def _load_store", "def _clusters", "np.concatenate"):
        assert step not in source


def test_the_import_contracts_are_kept():
    beside = Path(sys.executable).parent / "lint-imports"
    lint = str(beside) if beside.exists() else shutil.which("lint-imports")
    if lint is None:
        pytest.skip("import-linter is not installed (the dev extra)")
    done = subprocess.run([lint], capture_output=True, text=True, cwd=PACKAGE.parent)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "0 broken" in done.stdout
