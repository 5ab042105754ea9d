#!/usr/bin/env python3
"""Threads over the nogil kernels instead of worker processes: the kernel part of pass 1
(fused chain, shingle hash, fused signatures/anchors/sets: see proto_kernels.py) over the
batches of a corpus on 1 and 2 threads, wall and CPU time, rounds interleaved.

    .venv/bin/python benchmarks/prototypes/proto_threads.py CORPUS.jsonl [--docs 20000]

The batches are what the byte chain receives (after html, chrome and the learned
boilerplate), made untimed first. Outputs are checked equal across thread counts.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import proto_kernels as K

from dedupe import Engine
from dedupe.normalise import Chain
from dedupe.shingle import hash_encoded


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with open(args.corpus, "rb") as f:
        docs = [json.loads(line) for _, line in zip(range(args.docs), f, strict=False)]
    engine = Engine()
    chain = engine.learn(engine.open_documents([(str(d["id"]), d["text"]) for d in docs]))
    cut = chain.names.index("nfkc")
    prefix, suffix = Chain(chain.normalisers[:cut]), Chain(chain.normalisers[cut:])
    texts = [d["text"] for d in docs]
    batches = [prefix(texts[s : s + 1000]) for s in range(0, len(texts), 1000)]
    from dedupe import kernels

    encoded = [kernels.encode_batch(b) for b in batches]
    single, starts, multi = K.composed_table()
    hasher, st = engine.hasher, engine.anchors

    flagged = sum(int(K.fused_chain(b, o, single, starts, multi)[2].sum()) for b, o in encoded)
    print(f"documents flagged by nfkc's fast path (today's path for them): {flagged}")

    def work(item: tuple[int, list[str]]) -> tuple[np.ndarray, ...]:
        k, batch = item
        out, offsets = K.fused_encoded(suffix, batch)
        hashes, hoff = hash_encoded(engine.unit, out, offsets, 5)
        local = np.arange(1000 * k, 1000 * k + len(batch), dtype=np.int64)
        return K.sign_fused(
            hashes, hoff, hasher.a, hasher.b, local, st.head, st.head_sampling, st.sampling
        )

    reference = [work(x) for x in enumerate(batches)]
    results: dict[int, list[tuple[float, float]]] = {1: [], 2: []}
    for _ in range(args.rounds):
        for threads in (1, 2):
            w0, c0 = time.perf_counter(), time.process_time()
            with ThreadPoolExecutor(threads) as pool:
                got = list(pool.map(work, enumerate(batches)))
            results[threads].append((time.perf_counter() - w0, time.process_time() - c0))
            for a, b in zip(got, reference, strict=True):
                assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    n = len(texts)
    load = os.getloadavg()[0]
    print(f"{n} documents, identical outputs; 1-minute load average {load:.1f}")
    for threads, rs in results.items():
        wall = statistics.median(r[0] for r in rs)
        cpu = statistics.median(r[1] for r in rs)
        print(f"{threads} thread(s): wall {wall:.2f} s ({n / wall:,.0f} docs/s), CPU {cpu:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
