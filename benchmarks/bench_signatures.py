#!/usr/bin/env python3
"""Raw text to MinHash signature on one core: datasketch 2, rensa and dedupe, same texts.

    python benchmarks/bench_signatures.py [--corpus-dir DIR] [--docs 20000] [--rounds 3]

Reads the first ``--docs`` texts of ``DIR/corpus.jsonl`` (built with make_corpus.py when
missing), pins the process to CPU 0 with one thread for numba/OpenMP/BLAS, and measures the
CPU time (``time.process_time``) of each variant from the list of Python ``str`` texts to one
128-value signature per text (word 5-grams, seed 1), median of ``--rounds`` rounds:

* ``datasketch``: per text ``MinHash(num_perm=128, seed=1, hashfunc=xxhash.xxh32_intdigest)``
  and ``update_batch`` of the 5-gram shingles of ``text.lower().split()`` joined by a space and
  encoded UTF-8 (shingles built in Python);
* ``datasketch generator``: the same shingles through ``MinHash.generator`` (what
  ``MinHash.bulk`` calls: one constructor, a copy per text);
* ``rensa``: per text ``RMinHash(num_perm=128, seed=1)`` and ``.update(list of shingle str)``
  (shingles built in Python); ``rensa digest_matrix``: the same shingle lists through
  ``RMinHash.digest_matrix_from_token_sets`` (rensa's bulk path), for information;
* ``dedupe``: ``Engine(normalise="casefold", load_plugins=False).signatures_of(batch)`` over
  batches of 1,000 texts (normalise, shingle, sign: the whole stage);
* ``str.lower().split()`` alone, the floor of any tokeniser written in Python.

It checks that dedupe's signatures equal datasketch's (same values, same shingles) on a sample
and writes the table to ``benchmarks/results/signatures.json``.
"""

from __future__ import annotations

import os

# One core, one thread: before numpy / numba are imported.
for _var in (
    "NUMBA_NUM_THREADS",
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "RAYON_NUM_THREADS",
):
    os.environ[_var] = "1"
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
from provenance import dedupe_source  # noqa: E402

HERE = Path(__file__).resolve().parent
DEFAULT_DIR = Path("/work/bench-data/100000")
NUM_PERM, SEED, NGRAM, BATCH = 128, 1, 5, 1000


def shingle_bytes(text: str) -> list[bytes]:
    w = text.lower().split()
    return [" ".join(w[i : i + NGRAM]).encode("utf-8") for i in range(max(1, len(w) - NGRAM + 1))]


def shingle_strs(text: str) -> list[str]:
    w = text.lower().split()
    return [" ".join(w[i : i + NGRAM]) for i in range(max(1, len(w) - NGRAM + 1))]


def variants() -> dict[str, Callable[[list[str]], object]]:
    import rensa
    import xxhash
    from datasketch import MinHash

    from dedupe import Engine

    h = xxhash.xxh32_intdigest
    engine = Engine(normalise="casefold", load_plugins=False)

    def datasketch_each(texts: list[str]) -> list[np.ndarray]:
        out = []
        for t in texts:
            m = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=h)
            m.update_batch(shingle_bytes(t))
            out.append(m.hashvalues)
        return out

    def datasketch_generator(texts: list[str]) -> list[np.ndarray]:
        gen = MinHash.generator(
            (shingle_bytes(t) for t in texts), num_perm=NUM_PERM, seed=SEED, hashfunc=h
        )
        return [m.hashvalues for m in gen]

    def rensa_each(texts: list[str]) -> list[list[int]]:
        out = []
        for t in texts:
            m = rensa.RMinHash(num_perm=NUM_PERM, seed=SEED)
            m.update(shingle_strs(t))
            out.append(m.digest())
        return out

    def rensa_matrix(texts: list[str]) -> list[object]:
        out = []
        for s in range(0, len(texts), BATCH):
            sets = [shingle_strs(t) for t in texts[s : s + BATCH]]
            out.append(rensa.RMinHash.digest_matrix_from_token_sets(sets, NUM_PERM, SEED))
        return out

    def dedupe_batches(texts: list[str]) -> list[np.ndarray]:
        return [engine.signatures_of(texts[s : s + BATCH])[0] for s in range(0, len(texts), BATCH)]

    default_chain = Engine(load_plugins=False)  # html, chrome, boilerplate (unlearned), ...

    def dedupe_default_chain(texts: list[str]) -> list[np.ndarray]:
        return [
            default_chain.signatures_of(texts[s : s + BATCH])[0]
            for s in range(0, len(texts), BATCH)
        ]

    def lower_split(texts: list[str]) -> list[int]:
        return [len(t.lower().split()) for t in texts]

    return {
        "datasketch": datasketch_each,
        "datasketch generator": datasketch_generator,
        "rensa": rensa_each,
        "rensa digest_matrix": rensa_matrix,
        "dedupe": dedupe_batches,
        "dedupe default chain": dedupe_default_chain,
        "str.lower().split() alone": lower_split,
    }


def check_equal(texts: list[str]) -> dict[str, object]:
    """dedupe's signatures against datasketch's on the same texts (casefold == lower here)."""
    import xxhash
    from datasketch import MinHash

    from dedupe import Engine

    engine = Engine(normalise="casefold", load_plugins=False)
    sigs, _ = engine.signatures_of(texts)
    equal = same_fold = 0
    for k, t in enumerate(texts):
        same_fold += t.casefold() == t.lower()
        m = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=xxhash.xxh32_intdigest)
        sh = shingle_bytes(t)
        m.update_batch(sh)
        equal += bool(np.array_equal(np.asarray(m.hashvalues, dtype=np.uint32), sigs[k]))
    return {
        "documents": len(texts),
        "identical_signatures": equal,
        "casefold_equals_lower": same_fold,
    }


def machine() -> dict[str, object]:
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    from importlib.metadata import version

    import datasketch
    import numba
    import xxhash

    from dedupe import kernels

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numba": numba.__version__,
        "datasketch": datasketch.__version__
        if hasattr(datasketch, "__version__")
        else version("datasketch"),
        "rensa": version("rensa"),
        "xxhash": xxhash.VERSION,
        "dedupe_kernels": kernels.BACKEND,
        "dedupe_source": dedupe_source(),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument(
        "--corpus-dir",
        type=Path,
        default=DEFAULT_DIR,
        help=f"corpus folder (default {DEFAULT_DIR}; built when missing)",
    )
    ap.add_argument("--docs", type=int, default=20_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--check", type=int, default=2000, help="texts compared with datasketch")
    ap.add_argument("--only", default="", help="comma-separated variant names to run")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "signatures.json")
    args = ap.parse_args(argv)

    corpus = args.corpus_dir / "corpus.jsonl"
    if not corpus.exists():
        n = max(args.docs, 100_000) if args.corpus_dir == DEFAULT_DIR else args.docs
        subprocess.run(
            [sys.executable, str(HERE / "make_corpus.py"), str(n), str(args.corpus_dir)], check=True
        )
    texts: list[str] = []
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            texts.append(json.loads(line)["text"])
            if len(texts) >= args.docs:
                break
    n_bytes = sum(len(t.encode("utf-8")) for t in texts)
    n_shingles = sum(len(t.split()) - NGRAM + 1 for t in texts)
    print(
        f"{len(texts):,} texts from {corpus}, mean {n_bytes / len(texts):,.0f} bytes, "
        f"{n_shingles / len(texts):.0f} word 5-grams; CPU {sorted(os.sched_getaffinity(0))}, "
        f"{args.rounds} rounds, CPU time, median"
    )

    check = check_equal(texts[: args.check])
    print(
        f"dedupe == datasketch: {check['identical_signatures']}/{check['documents']} signatures "
        f"identical (casefold == lower() for {check['casefold_equals_lower']} of them)"
    )

    funcs = variants()
    if args.only:
        wanted = set(args.only.split(","))
        funcs = {k: v for k, v in funcs.items() if k in wanted}
    for func in funcs.values():  # warm up (numba compilation, imports, caches)
        func(texts[:200])
    rows: list[dict[str, Any]] = []
    for name, func in funcs.items():
        times = []
        for _ in range(args.rounds):
            t0 = time.process_time()
            func(texts)
            times.append(time.process_time() - t0)
        t = statistics.median(times)
        rows.append(
            {
                "variant": name,
                "seconds": round(t, 3),
                "rounds": [round(x, 3) for x in times],
                "docs_per_s": len(texts) / t,
                "us_per_doc": t / len(texts) * 1e6,
                "mb_per_s": n_bytes / t / 1e6,
            }
        )
        print(f"  {name}: {len(texts) / t:,.0f} docs/s", file=sys.stderr, flush=True)
    base: dict[str, float] = {r["variant"]: r["docs_per_s"] for r in rows}
    for r in rows:
        r["vs_datasketch"] = r["docs_per_s"] / base["datasketch"] if "datasketch" in base else None
        r["vs_rensa"] = r["docs_per_s"] / base["rensa"] if "rensa" in base else None

    print()
    print("| variant | docs/s | µs/doc | MB/s | vs datasketch | vs rensa |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in rows:
        vd = f"{r['vs_datasketch']:.1f}x" if r["vs_datasketch"] else "-"
        vr = f"{r['vs_rensa']:.1f}x" if r["vs_rensa"] else "-"
        print(
            f"| {r['variant']} | {r['docs_per_s']:,.0f} | {r['us_per_doc']:.0f} | "
            f"{r['mb_per_s']:.1f} | {vd} | {vr} |"
        )
    ok = {}
    if "dedupe" in base and "datasketch" in base:
        ok["dedupe >= 10x datasketch"] = base["dedupe"] >= 10 * base["datasketch"]
    if "dedupe" in base and "rensa" in base:
        ok["dedupe >= 2x rensa"] = base["dedupe"] >= 2 * base["rensa"]
    ok["signatures identical to datasketch"] = check["identical_signatures"] == check["documents"]
    print()
    for k, v in ok.items():
        print(f"{'PASS' if v else 'FAIL'}: {k}")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    result = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "corpus": str(corpus),
        "documents": len(texts),
        "mean_bytes": n_bytes / len(texts),
        "mean_shingles": n_shingles / len(texts),
        "rounds": args.rounds,
        "timing": "CPU time (process_time), one core pinned, median of rounds",
        "machine": machine(),
        "equality_check": check,
        "rows": rows,
        "checks": ok,
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {args.out}")
    return 0 if all(ok.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
