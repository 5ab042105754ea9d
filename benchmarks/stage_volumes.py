"""What each step of a run holds and what a distributed run shuffles, measured on a corpus.

Runs the local executor over the corpus with one more step after clustering that looks at
what pass 1 kept and what the later steps made, and prints, per document and in all: the
signatures, band keys, anchors and exact shingle sets pass 1 keeps; the rows (and bytes, at the
column widths of ``dedupe/distributed/frames.py``) that each Dask shuffle moves (ids, band
keys, anchors, raw pairs, candidate pairs, the candidate documents carried through the two
verification joins, the accepted pairs); and the stage timings. These are the figures
``docs/distributed.md`` scales to 10^9 documents::

    .venv/bin/python benchmarks/stage_volumes.py /work/bench-data/100000/corpus.jsonl \
        --json benchmarks/results/volumes_100000.json
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from dedupe import Engine  # noqa: E402
from dedupe.executors import local  # noqa: E402

#: Bytes of a row of each shuffled frame (dedupe/distributed/frames.py), ids at their length.
ROW = {"bands": 4 + 8 + 8 + 8, "anchors": 4 + 8 + 8 + 8, "raw_pairs": 8 + 8 + 1 + 8 + 8 + 8}


def measure(corpus: Path) -> dict[str, Any]:
    engine = Engine(load_plugins=False)
    seen: dict[str, Any] = {}

    def look(plan: Any, first: Any, pool: Any, result: Any) -> None:
        n = len(first.ids)
        anchors = int(sum(len(p) for parts in first.anchor_parts for p in parts))
        sets = int(first.set_sizes.sum())
        pairs = int(result.counts["candidate_pairs"])
        docs = int(result.counts["candidate_documents"])
        id_bytes = int(sum(len(i.encode("utf-8", "surrogatepass")) for i in first.ids))
        doc_set_bytes = 4 * float(first.set_sizes.mean()) if n else 0.0
        # raw pairs: every LSH pair found in each band it shares, and one row per shared anchor
        seen.update(
            documents=n,
            bands=plan.banding.bands,
            pass1_bytes={
                "signatures": 4 * plan.config.num_perm * n,
                "band_keys": int(first.band_keys.nbytes),
                "anchors": 8 * anchors,
                "shingle_sets": 4 * sets,
                "ids": id_bytes,
            },
            per_document={
                "anchors": anchors / max(n, 1),
                "shingles": sets / max(n, 1),
                "id_bytes": id_bytes / max(n, 1),
            },
            shuffled_bytes={
                "ids": (8 + 8) * n + id_bytes,
                "bands": ROW["bands"] * n * plan.banding.bands,
                "anchors": ROW["anchors"] * anchors,
                "candidate_pairs": 17 * pairs,
                # each candidate pair carries both documents' shingle sets through two joins
                "verification_joins": int(2 * pairs * (16 + doc_set_bytes) * 2),
                "accepted_pairs": 25 * int(result.counts["accepted_pairs"]),
            },
            counts={
                k: result.counts[k]
                for k in (
                    "candidate_pairs_lsh",
                    "candidate_pairs",
                    "candidate_documents",
                    "accepted_pairs",
                    "clusters",
                    "documents_in_clusters",
                    "chunks",
                    "workers",
                )
            },
            candidate_document_share=docs / max(n, 1),
        )

    with tempfile.TemporaryDirectory(prefix="volumes-") as out:
        result = local.run_files(engine.plan, [str(corpus)], out, extend=look)
    seen["timings"] = {k: round(v, 2) for k, v in result.timings.items()}
    seen["peak_rss_mb_main"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    seen["corpus"] = str(corpus)
    seen["corpus_bytes"] = corpus.stat().st_size
    return seen


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    found = measure(args.corpus)
    text = json.dumps(
        found, indent=2, default=lambda x: x.item() if isinstance(x, np.generic) else x
    )
    print(text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
