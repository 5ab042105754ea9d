#!/usr/bin/env python3
"""The dask engine on 1 and on 2 workers (LocalCluster) over the same corpus: wall times and
the speed-up, with the outputs checked identical (and identical to the local engine's).

    nice -n 10 .venv/bin/python benchmarks/bench_dask.py /work/bench-data/10000/corpus.jsonl

Each cluster is started, then warmed with a tiny run (worker processes import dedupe and load
the compiled kernels), then the corpus is deduplicated ``--rounds`` times; the best round is
reported. ``--local`` adds the local engine on one process as a reference. ``--json PATH``
writes the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from dedupe import Engine, make_config
from dedupe.distributed import DaskEngine
from dedupe.distributed.connect import connect

WRITERS = ("clusters", "pairs", "kept", "report")
WARM_UP = [
    {"id": "a", "text": "one two three four five six seven eight nine ten"},
    {"id": "b", "text": "one two three four five six seven eight nine ten eleven"},
]


def timed_runs(
    corpus: Path, workers: int, rounds: int, scratch: Path, chunk: int
) -> tuple[float, dict, bytes, dict]:
    """Best wall time of ``rounds`` dask runs on a LocalCluster of ``workers`` processes, the
    input cut into chunks of ``chunk`` bytes whatever the number of workers."""
    config = make_config(writers=WRITERS)
    warm = scratch / "warm.jsonl"
    warm.write_text("".join(json.dumps(r) + "\n" for r in WARM_UP), "utf-8")
    with connect("local", workers) as client:
        DaskEngine(config, client).run([warm], scratch / "warm-out")
        best = float("inf")
        counts: dict = {}
        stages: dict = {}
        clusters = b""
        for k in range(rounds):
            out = scratch / f"dask-{workers}-{k}"
            t0 = time.perf_counter()
            result = DaskEngine(config, client, chunk_bytes=chunk).run([corpus], out)
            wall = time.perf_counter() - t0
            if wall < best:
                best, stages = wall, {k: round(v, 2) for k, v in result.timings.items()}
            counts = result.counts
            clusters = (out / "clusters.jsonl").read_bytes()
    return best, counts, clusters, stages


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path, help="a JSONL file or folder of shards")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--local", action="store_true", help="also time the local engine (1 process)")
    ap.add_argument("--json", type=Path, help="write the numbers here")
    args = ap.parse_args()

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-dask-") as tmp:
        scratch = Path(tmp)
        outputs = {}
        size = sum(p.stat().st_size for p in [args.corpus, *args.corpus.rglob("*")] if p.is_file())
        chunk = max(256 * 1024, size // (4 * max(args.workers)))
        for workers in args.workers:
            wall, counts, clusters, stages = timed_runs(
                args.corpus, workers, args.rounds, scratch, chunk
            )
            outputs[workers] = clusters
            rows.append(
                {"engine": "dask", "workers": workers, "wall_s": round(wall, 2), "stages": stages}
            )
            print(
                f"dask  {workers} worker(s): {wall:7.2f} s  ({counts['documents_read']:,} docs, "
                f"{counts['chunks']} chunks, {counts['clusters']:,} clusters)",
                flush=True,
            )
            print("      stages (s): " + ", ".join(f"{k} {v}" for k, v in stages.items()))
        if args.local:
            t0 = time.perf_counter()
            Engine(make_config(writers=WRITERS, workers=1)).run([args.corpus], scratch / "local")
            wall = time.perf_counter() - t0
            rows.append({"engine": "local", "workers": 1, "wall_s": round(wall, 2)})
            print(f"local 1 process:   {wall:7.2f} s", flush=True)
            outputs[0] = (scratch / "local" / "clusters.jsonl").read_bytes()
    same = len(set(outputs.values())) == 1
    print(f"clusters.jsonl identical across runs: {same}")
    first, last = args.workers[0], args.workers[-1]
    if first != last:
        walls = {r["workers"]: r["wall_s"] for r in rows if r["engine"] == "dask"}
        print(f"speed-up {first} -> {last} workers: {walls[first] / walls[last]:.2f}x")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "corpus": str(args.corpus),
                    "cores": os.cpu_count(),
                    "python": platform.python_version(),
                    "runs": rows,
                    "identical": same,
                },
                indent=2,
            )
            + "\n",
            "utf-8",
        )
    if not same:
        sys.exit("outputs differ between runs")


if __name__ == "__main__":
    main()
