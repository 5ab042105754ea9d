#!/usr/bin/env python3
"""Peak resident memory of a ``dedupe run`` per pipeline stage, main process and workers.

    .venv/bin/python benchmarks/memory_by_stage.py run CORPUS.jsonl -o OUT -q

The arguments are those of the ``dedupe`` command; it runs in this process, with the progress
stages recorded as they start, while a thread samples (every 20 ms, with psutil) the RSS of
this process and of its worker processes. Prints, per stage: when it started, the peak RSS of
the main process, the peak of main + workers, and the peak of their proportional set sizes
(PSS: a page shared by two processes counts half in each; forked processes share most of
their pages with the main one, which RSS counts once per process).
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

import psutil

import dedupe.progress
from dedupe.cli import cli


def main() -> int:
    me = psutil.Process()
    started = time.perf_counter()
    current = ["start"]
    stages: list[tuple[float, str]] = [(0.0, "start")]
    peak_main: dict[str, int] = {}
    peak_tree: dict[str, int] = {}
    peak_pss: dict[str, int] = {}
    original = dedupe.progress.Progress.stage

    def stage(self: dedupe.progress.Progress, name: str, *args: Any, **kwargs: Any) -> None:
        current[0] = name
        stages.append((time.perf_counter() - started, name))
        original(self, name, *args, **kwargs)

    dedupe.progress.Progress.stage = stage  # type: ignore[method-assign]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            try:
                main = me.memory_full_info()
                children = [c.memory_full_info() for c in me.children(recursive=True)]
            except psutil.Error:
                continue
            workers = sum(c.rss for c in children)
            pss = main.pss + sum(c.pss for c in children)
            name = current[0]
            peak_main[name] = max(peak_main.get(name, 0), main.rss)
            peak_tree[name] = max(peak_tree.get(name, 0), main.rss + workers)
            peak_pss[name] = max(peak_pss.get(name, 0), pss)
            time.sleep(0.02)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    code = 0
    try:
        cli.main(sys.argv[1:], standalone_mode=False)
    except SystemExit as stop:
        code = int(stop.code or 0)
    finally:
        done.set()
        thread.join()
    print(f"{'start s':>8}  {'main MB':>8}  {'tree MB':>8}  {'tree PSS':>8}  stage")
    for at, name in stages:
        if name in peak_main:
            main_mb, tree_mb, pss_mb = (p[name] >> 20 for p in (peak_main, peak_tree, peak_pss))
            print(f"{at:8.1f}  {main_mb:8,}  {tree_mb:8,}  {pss_mb:8,}  {name}")
    wall = time.perf_counter() - started
    print(
        f"wall {wall:.1f} s; peak tree {max(peak_tree.values()) >> 20:,} MB RSS, "
        f"{max(peak_pss.values()) >> 20:,} MB PSS"
    )
    return code


if __name__ == "__main__":
    sys.exit(main())
