#!/usr/bin/env python3
"""What learning the boilerplate costs: the sample of the whole input, and the fit.

    .venv/bin/python benchmarks/bench_learn.py /work/bench-data/100000/corpus.jsonl [--json PATH]

Writes ``results/learn_<documents>.json`` unless ``--json`` says where.

Times (wall and CPU seconds, one process) each part of :func:`dedupe.learn.learn_chain` on a
JSON Lines corpus, after one untimed pass that puts the file in the page cache (a run reads it
just before, to cut it into chunks):

- ``plan``: cutting the input into chunks (the run does it anyway; cached for the run);
- ``hash scan``: hashing every raw line of every chunk (no JSON parsing): the price of a sample
  that does not depend on the order of the rows;
- ``sample``: the whole sample: the scan, then the chosen lines read and parsed;
- ``first N records``: what the sample cost before (the first N records, parsed), to compare;
- ``fit``: the normalisers before ``boilerplate`` on the sample, and the learner;
- ``apply``: the fitted ``boilerplate`` normaliser on the sample, per document.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dedupe import Engine
from dedupe.learn import SAMPLE_SIZE, _line_hashes, fit, sample

sys.path.insert(0, str(Path(__file__).resolve().parent))
from provenance import dedupe_source

HERE = Path(__file__).resolve().parent


def timed(label: str, func: Callable[[], Any], out: dict[str, dict[str, float]]) -> Any:
    wall, cpu = time.perf_counter(), time.process_time()
    value = func()
    out[label] = {
        "wall_s": round(time.perf_counter() - wall, 3),
        "cpu_s": round(time.process_time() - cpu, 3),
    }
    print(f"{label:>18}: {out[label]['wall_s']:7.3f} s wall, {out[label]['cpu_s']:7.3f} s CPU")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--size", type=int, default=SAMPLE_SIZE)
    parser.add_argument("--json", type=Path, help="default: results/learn_<documents>.json")
    args = parser.parse_args()
    with open(args.corpus, "rb") as f:
        while f.read(1 << 24):  # into the page cache, as after the run's chunk plan
            pass
    engine = Engine(load_plugins=False)
    corpus = engine.open_files([str(args.corpus)])
    chunk_bytes = engine.config.chunk_mb * 1024 * 1024
    times: dict[str, dict[str, float]] = {}
    try:
        chunks = timed("plan", lambda: corpus.chunks(chunk_bytes), times)
        timed("hash scan", lambda: [_line_hashes(s) for c in chunks for s in c.sources], times)
        texts = timed("sample", lambda: sample(corpus, args.size, chunk_bytes), times)

        def first_records() -> list[str]:
            out = []
            for record in corpus.records(chunk_bytes):
                out.append(record.text)
                if len(out) >= args.size:
                    break
            return out

        timed("first N records", first_records, times)
        chain, learned = timed("fit", lambda: fit(engine.base_chain, texts, 1000), times)
        k = [n.name for n in chain.normalisers].index("boilerplate")
        before = chain.__class__(chain.normalisers[:k])(texts)
        timed("apply", lambda: chain.normalisers[k](before), times)
    finally:
        corpus.close()
    with open(args.corpus, "rb") as f:
        documents = sum(1 for line in f if line.strip())
    per_doc = times["apply"]["cpu_s"] / max(len(texts), 1) * 1e6
    print(
        f"{documents:,} documents, {args.corpus.stat().st_size / 1e6:,.0f} MB; sample of "
        f"{len(texts):,}; {learned}; apply {per_doc:.1f} µs per document"
    )
    result = {
        "dedupe": dedupe_source(),
        "corpus": str(args.corpus),
        "documents": documents,
        "bytes": args.corpus.stat().st_size,
        "sample": len(texts),
        "learned": learned,
        "apply_us_per_doc": round(per_doc, 1),
        "times": times,
    }
    path = args.json or HERE / "results" / f"learn_{documents}.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    sys.exit(main())
