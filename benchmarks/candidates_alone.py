#!/usr/bin/env python3
"""The candidates stage alone, on the inputs of a real run saved once.

    .venv/bin/python benchmarks/candidates_alone.py save CORPUS.jsonl DIR   # pass 1, then stop
    .venv/bin/python benchmarks/candidates_alone.py run DIR [--check]

``save`` runs ``dedupe run CORPUS`` in this process up to the candidates step, writes what the
step is given (band keys, anchors by value range, ids, empty documents, the settings) and the
pairs it finds to DIR, and stops. ``run`` loads them and times ``dedupe.candidates.find``:
CPU seconds, wall seconds and the peak RSS above the loaded inputs (sampled every 5 ms);
``--check`` compares the pairs with the saved ones (exit status 1 when they differ). Put
another tree first on ``PYTHONPATH`` to time its code on the same inputs.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np


class _Saved(Exception):
    """Raised once the inputs are saved, to end the run there."""


def save(corpus: str, out: Path) -> int:
    from dedupe.cli import cli
    from dedupe.pipeline import steps

    found = steps.find_candidates

    def saving(plan, first):  # type: ignore[no-untyped-def]
        out.mkdir(parents=True, exist_ok=True)
        np.save(out / "band_keys.npy", first.band_keys)
        np.save(out / "empty.npy", first.empty)
        for k, parts in enumerate(first.anchor_parts):
            joined = np.concatenate(parts) if parts else np.zeros(0, np.uint64)
            np.save(out / f"anchors{k:02d}.npy", joined)
            np.save(out / f"anchors{k:02d}_sizes.npy", np.array([len(p) for p in parts]))
        (out / "ids.json").write_text(json.dumps(first.ids))
        anchors = plan.anchors.__dict__ if plan.anchors is not None else None
        meta = {"max_bucket": plan.config.max_bucket, "anchors": anchors}
        (out / "meta.json").write_text(json.dumps(meta))
        pairs, lsh = found(plan, first)
        np.save(out / "pairs.npy", pairs)
        (out / "lsh.json").write_text(json.dumps({"lsh": int(lsh)}))
        raise _Saved

    steps.find_candidates = saving
    with tempfile.TemporaryDirectory() as tmp:
        try:
            cli.main(["run", corpus, "-o", os.path.join(tmp, "out"), "-q"], standalone_mode=False)
        except _Saved:
            print(f"saved the candidates step's inputs to {out}")
            return 0
    print("the run ended before the candidates step", file=sys.stderr)
    return 1


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def run(saved: Path, check: bool) -> int:
    from dedupe import candidates
    from dedupe.candidates.anchors import PARTITIONS, AnchorSettings

    keys = np.load(saved / "band_keys.npy")
    empty = np.load(saved / "empty.npy")
    parts = []
    for k in range(PARTITIONS):
        joined = np.load(saved / f"anchors{k:02d}.npy")
        sizes = np.load(saved / f"anchors{k:02d}_sizes.npy")
        parts.append(list(np.split(joined, np.cumsum(sizes)[:-1])) if len(sizes) else [])
    ids = json.loads((saved / "ids.json").read_text())
    meta = json.loads((saved / "meta.json").read_text())
    settings = AnchorSettings(**meta["anchors"]) if meta["anchors"] else None
    base = _rss()
    peak = [base]
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _rss())
            time.sleep(0.005)

    sampler = threading.Thread(target=poll, daemon=True)
    sampler.start()
    cpu, wall = time.process_time(), time.perf_counter()
    pairs, lsh = candidates.find(keys, parts, ids, empty, meta["max_bucket"], settings)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    done.set()
    sampler.join()
    print(
        json.dumps(
            {
                "cpu_s": round(cpu, 2),
                "wall_s": round(wall, 2),
                "inputs_mb": base >> 20,
                "peak_above_inputs_mb": (peak[0] - base) >> 20,
                "pairs": len(pairs),
                "lsh": int(lsh),
            }
        )
    )
    if not check:
        return 0
    same = (
        np.array_equal(np.load(saved / "pairs.npy"), pairs)
        and lsh == json.loads((saved / "lsh.json").read_text())["lsh"]
    )
    print("pairs identical to the saved ones" if same else "pairs DIFFER from the saved ones")
    return 0 if same else 1


def main() -> int:
    args = sys.argv[1:]
    if len(args) == 3 and args[0] == "save":
        return save(args[1], Path(args[2]))
    if len(args) in (2, 3) and args[0] == "run":
        return run(Path(args[1]), "--check" in args[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
