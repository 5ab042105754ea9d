#!/usr/bin/env python3
"""Benchmark of the persistent index (``dedupe index``): add throughput, query latency, size.

    python benchmarks/bench_index.py 100000            # corpus from make_corpus.py
    python benchmarks/bench_index.py 1000000 --data /work/bench-data --queries 1000

1. The corpus is ``DATA/N/corpus.jsonl`` (made with ``benchmarks/make_corpus.py N DATA/N`` when
   missing: 3-4 KB French passages, 10% copies).
2. An index is created at ``DATA/index-N.db`` with default settings, its boilerplate model
   learned from the corpus's first 20,000 documents (``--learn-from``: what a batch run
   learns), and every document is added as ``dedupe index add`` adds them (``--batch-size``
   documents per transaction: bulk loads want big ones, see docs/index.md). Throughput is
   printed as it goes.
3. Query latency: ``--queries`` single-document queries (``Index.query([doc])``, read-only),
   half copies of indexed documents (each must find its source), half new documents (the words
   of two indexed documents interleaved: no 5-gram in common with either; must find nothing).
4. The file size per document, and with ``--compare-batch`` the pairs a batch ``dedupe run``
   over the same corpus accepts against the pairs the index reported while adding.

Results go to ``benchmarks/results/index.json`` (one row per N, other rows kept).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from dedupe import __version__  # noqa: E402
from dedupe.index import Index  # noqa: E402

RESULTS = HERE / "results" / "index.json"


def corpus_for(n: int, data: Path) -> Path:
    path = data / str(n) / "corpus.jsonl"
    if not path.exists():
        subprocess.run(
            [sys.executable, str(HERE / "make_corpus.py"), str(n), str(path.parent)], check=True
        )
    return path


def remove_index(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def interleave(a: str, b: str) -> str:
    """A new document: the words of two documents alternated (no shared 5-gram)."""
    wa, wb = a.split(), b.split()
    return " ".join(w for pair in zip(wa, wb, strict=False) for w in pair)


def add_all(index: Index, corpus_path: Path, n: int, sample_size: int) -> dict:
    """Add the corpus; reservoir-sample records for the queries; collect reported pairs."""
    rng = random.Random(1)
    sample: list[tuple[str, str]] = []
    pairs: set[tuple[str, str]] = set()
    statuses: dict[str, int] = {}
    corpus = index.engine.open_files([corpus_path])
    started = time.perf_counter()
    seen = 0
    next_report = max(n // 20, 1000)
    try:
        for batch in index.add_corpus(corpus):
            for outcome in batch:
                statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
                for match in outcome.duplicates:
                    pairs.add(tuple(sorted((outcome.id, match.id))))  # type: ignore[arg-type]
            seen += len(batch)
            if seen >= next_report:
                elapsed = time.perf_counter() - started
                print(
                    f"  added {seen:,} in {elapsed:.0f} s ({seen / elapsed:,.0f} docs/s, "
                    f"load {os.getloadavg()[0]:.1f})",
                    flush=True,
                )
                next_report += max(n // 20, 1000)
    finally:
        corpus.close()
    elapsed = time.perf_counter() - started
    # Query documents, drawn from the corpus file itself (uniformly, reservoir sampling).
    with open(corpus_path, encoding="utf-8") as f:
        for k, line in enumerate(f):
            if len(sample) < sample_size:
                sample.append(tuple(json.loads(line)[key] for key in ("id", "text")))  # type: ignore[arg-type]
            else:
                j = rng.randrange(k + 1)
                if j < sample_size:
                    sample[j] = tuple(json.loads(line)[key] for key in ("id", "text"))  # type: ignore[assignment]
    return {"seconds": elapsed, "statuses": statuses, "pairs": pairs, "sample": sample}


def measure_queries(path: Path, sample: list[tuple[str, str]], queries: int) -> dict:
    half = queries // 2
    copies = [(f"query-copy-{k}", doc_id, text) for k, (doc_id, text) in enumerate(sample[:half])]
    others = sample[half:]
    new = [
        (f"query-new-{k}", None, interleave(others[k][1], others[(k + 1) % len(others)][1]))
        for k in range(queries - half)
    ]
    work = copies + new
    random.Random(2).shuffle(work)
    latencies = []
    found_source = 0
    false_hits = 0
    with Index.open(path, read_only=True) as index:
        index.query([work[0][::2]])  # warm-up: kernels compiled, statements prepared
        for qid, source, text in work:
            t0 = time.perf_counter()
            (outcome,) = index.query([(qid, text)])
            latencies.append(time.perf_counter() - t0)
            ids = {m.id for m in outcome.duplicates}
            if source is not None:
                found_source += source in ids
            else:
                false_hits += bool(ids)
    ms = np.array(latencies) * 1000.0
    return {
        "queries": len(work),
        "p50_ms": round(float(np.percentile(ms, 50)), 3),
        "p90_ms": round(float(np.percentile(ms, 90)), 3),
        "p99_ms": round(float(np.percentile(ms, 99)), 3),
        "max_ms": round(float(ms.max()), 3),
        "mean_ms": round(float(ms.mean()), 3),
        "copies_that_found_their_source": f"{found_source}/{len(copies)}",
        "new_documents_with_a_match": f"{false_hits}/{len(new)}",
    }


def compare_batch(corpus_path: Path, reported: set[tuple[str, str]]) -> dict:
    from dedupe import Engine

    result = Engine().run([corpus_path])
    batch = {tuple(sorted((a, b))) for a, b, _ in result.accepted_pairs()}
    return {
        "batch_pairs": len(batch),
        "index_pairs": len(reported),
        "only_batch": len(batch - reported),
        "only_index": len(reported - batch),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int, help="documents to index")
    parser.add_argument("--data", type=Path, default=Path("/work/bench-data"))
    parser.add_argument("--index", type=Path, help="index file (default DATA/index-N.db)")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=0, help="as dedupe index add (0: auto)")
    parser.add_argument(
        "--batch-size", type=int, default=1000, help="documents per add transaction"
    )
    parser.add_argument("--compare-batch", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the index file")
    args = parser.parse_args()

    corpus_path = corpus_for(args.n, args.data)
    path = args.index or args.data / f"index-{args.n}.db"
    remove_index(path)
    print(f"indexing {corpus_path} into {path}", flush=True)
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    index = Index.create(
        path, learn_from=[corpus_path], workers=args.workers, batch_size=args.batch_size
    )
    learn_s = time.perf_counter() - t0
    with index:
        added = add_all(index, corpus_path, args.n, args.queries)
        stats = index.stats()
    size = sum(os.path.getsize(f"{path}{s}") for s in ("", "-wal") if os.path.exists(f"{path}{s}"))
    n_indexed = stats["documents"]
    print(f"added {n_indexed:,} in {added['seconds']:.0f} s; measuring queries", flush=True)
    queries = measure_queries(path, added["sample"], args.queries)
    row = {
        "documents": args.n,
        "indexed": n_indexed,
        "corpus_bytes": os.path.getsize(corpus_path),
        "learn_s": round(learn_s, 1),
        "add_s": round(added["seconds"], 1),
        "add_docs_per_s": round(n_indexed / added["seconds"]),
        "statuses": added["statuses"],
        "reported_pairs": len(added["pairs"]),
        "file_bytes": size,
        "bytes_per_document": round(size / max(n_indexed, 1), 1),
        "table_bytes": stats["storage"].get("table_bytes"),
        "query": queries,
        "load_average_before": [round(x, 1) for x in load_before],
        "load_average_after": [round(x, 1) for x in os.getloadavg()],
        "workers": args.workers,
        "batch_size": args.batch_size,
        "command": "python benchmarks/bench_index.py " + " ".join(sys.argv[1:]),
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "dedupe": __version__,
            "sqlite": stats["storage"].get("sqlite_version"),
        },
    }
    if args.compare_batch:
        print("batch run for comparison", flush=True)
        row["compare_batch"] = compare_batch(corpus_path, added["pairs"])
    if not args.keep:
        remove_index(path)
    RESULTS.parent.mkdir(exist_ok=True)
    rows = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    rows = [r for r in rows if r.get("documents") != args.n] + [row]
    RESULTS.write_text(json.dumps(sorted(rows, key=lambda r: r["documents"]), indent=1) + "\n")
    q = row["query"]
    print(
        "\n| documents | add | docs/s | bytes/doc | query p50 | p90 | p99 | max |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        f"| {n_indexed:,} | {row['add_s'] / 60:.1f} min | {row['add_docs_per_s']:,} | "
        f"{row['bytes_per_document']:,.0f} | {q['p50_ms']} ms | {q['p90_ms']} ms | "
        f"{q['p99_ms']} ms | {q['max_ms']} ms |"
    )
    print(json.dumps({k: v for k, v in row.items() if k != "table_bytes"}, indent=1))


if __name__ == "__main__":
    main()
