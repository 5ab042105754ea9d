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


def test_a_run_collects_garbage_less_often_and_restores_the_thresholds(tmp_path, monkeypatch):
    """During a run the cyclic collector's youngest generation waits for
    :data:`~dedupe.heap.COLLECT_EVERY` allocations: a real run's collections are counted,
    far fewer than with Python's default; the caller's thresholds are back after a run, also
    after one that fails."""
    import gc

    from dedupe import Engine, heap

    from .conftest import data_dir

    engine = Engine(load_plugins=False)
    collections: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    def run(every: int) -> int:
        monkeypatch.setattr(heap, "COLLECT_EVERY", every)
        collections.clear()
        gc.callbacks.append(count)
        try:
            engine.run([data_dir("syndication-dev")], tmp_path / str(every))
        finally:
            gc.callbacks.remove(count)
        return len(collections)

    every = heap.COLLECT_EVERY
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    try:
        default, fewer = run(700), run(every)
        assert gc.get_threshold() == (700, 10, 10)
        assert default > 30 and fewer * 10 < default, (default, fewer)  # (96 and 1 measured)
        with pytest.raises(RuntimeError), heap.fewer_collections():
            assert gc.get_threshold()[0] == every
            raise RuntimeError("a failed run")
        assert gc.get_threshold() == (700, 10, 10)
    finally:
        gc.set_threshold(*before)
