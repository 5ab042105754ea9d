"""The heap settings: freed memory is kept for reuse until :func:`dedupe.heap.release_freed`
hands it back (what a forked verification child would otherwise copy page by page)."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = """
import gc, os
from dedupe import heap
heap.keep_large_allocations()
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 2**20
base = rss()
held = [bytes(4096) + bytes([k % 256]) for k in range(60_000)]  # ~240 MB from malloc
grown = rss()
del held
gc.collect()
kept = rss()
heap.release_freed()
print(base, grown, kept, rss())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's heap")
def test_freed_memory_is_kept_until_released():
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    base, grown, kept, released = map(int, out.split())
    assert grown - base > 200, out
    assert kept - base > 200, out  # (kept for reuse: no page faults for the next batch)
    assert released - base < 50, out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's heap")
def test_memory_is_released_with_glibcs_own_settings_too(monkeypatch):
    monkeypatch.setenv("DEDUPE_KEEP_MALLOC", "1")
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    base, grown, _, released = map(int, out.split())
    assert grown - base > 200, out
    assert released - base < 50, out
