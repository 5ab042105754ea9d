"""Headless Chromium for the tests of dedupe's HTML pages (explain, report): where it is, and
the flags that keep it off the network (this machine reaches no host but package registries)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> str:
    """Chromium's path, or skip the test with the reason."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("no chromium on this machine (apt-get install chromium)")


def dump_dom(page: Path, profile: Path, *extra: str, budget_ms: int = 3000) -> str:
    """The DOM of ``page`` after its scripts ran (a fresh profile, no network)."""
    command = [chromium(), *FLAGS, f"--user-data-dir={profile}", *extra]
    command += [f"--virtual-time-budget={budget_ms}", "--dump-dom", page.as_uri()]
    return subprocess.run(command, capture_output=True, text=True, timeout=120).stdout


def screenshot(page: Path, profile: Path, shot: Path, *extra: str) -> None:
    """A PNG of ``page`` as headless Chromium draws it."""
    command = [chromium(), *FLAGS, f"--user-data-dir={profile}", *extra]
    subprocess.run(
        [*command, f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120
    )
