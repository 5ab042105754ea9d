#!/usr/bin/env python3
"""Where a first run's time goes: imports, and numba compiling (or loading from its cache)
each kernel, timed per kernel, for a ``dedupe run`` in this process.

    NUMBA_CACHE_DIR=$(mktemp -d) .venv/bin/python benchmarks/prototypes/compile_times.py \
        run examples/news.jsonl -o /tmp/out -q

Prints the import time of ``dedupe.cli``, then per kernel the CPU seconds of its first call's
compile-or-load (``Dispatcher.compile``), then the rest of the run. Run it twice with the same
``NUMBA_CACHE_DIR``: the first shows compiling, the second loading the cache.
"""

from __future__ import annotations

import contextlib
import sys
import time

t0 = time.perf_counter()
c0 = time.process_time()
import numba.core.dispatcher as dispatcher  # noqa: E402

t_numba = time.perf_counter() - t0
from dedupe.cli import cli  # noqa: E402

t_import = time.perf_counter() - t0
c_import = time.process_time() - c0

timings: list[tuple[str, float, float]] = []
original = dispatcher.Dispatcher.compile


depth = [0]


def timed(self, sig):  # type: ignore[no-untyped-def]
    w0, p0 = time.perf_counter(), time.process_time()
    depth[0] += 1
    try:
        return original(self, sig)
    finally:
        depth[0] -= 1
        if depth[0] == 0:  # outermost only: nested compiles are inside their caller's time
            timings.append(
                (self.py_func.__name__, time.perf_counter() - w0, time.process_time() - p0)
            )


dispatcher.Dispatcher.compile = timed  # type: ignore[method-assign]

w0, p0 = time.perf_counter(), time.process_time()
with contextlib.suppress(SystemExit):
    cli.main(sys.argv[1:], standalone_mode=False)
run_wall, run_cpu = time.perf_counter() - w0, time.process_time() - p0
compile_wall = sum(t[1] for t in timings)
compile_cpu = sum(t[2] for t in timings)
print(
    f"import numba: {t_numba:.2f} s wall; import dedupe.cli (numba included): "
    f"{t_import:.2f} s wall, {c_import:.2f} s CPU"
)
print(
    f"kernels compiled or loaded: {len(timings)}, {compile_wall:.2f} s wall, "
    f"{compile_cpu:.2f} s CPU (outermost calls)"
)
for name, w, c in sorted(timings, key=lambda t: -t[2]):
    print(f"  {c:6.2f} s CPU {w:6.2f} s wall  {name}")
print(
    f"run: {run_wall:.2f} s wall, {run_cpu:.2f} s CPU, of which kernels' compile/load "
    f"(outermost) as above"
)
