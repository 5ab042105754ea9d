"""What each step of a run holds and what a distributed run shuffles, measured on a corpus.

Runs the local executor over the corpus with one more step after clustering that looks at
what pass 1 kept and what the later steps made, and prints, per document and in all: the
signatures, band keys, anchors and exact shingle sets pass 1 keeps; the rows (and bytes, at the
column widths of ``dedupe/distributed/frames.py``) that each Dask shuffle moves (ids, band
keys, anchors, raw pairs, candidate pairs, the candidate documents carried through the two
verification joins, the accepted pairs); what can grow faster than the corpus (the biggest LSH
buckets and anchor posting lists and how many pass the caps that bound them, the biggest
clusters, the pairs verified against representatives); peak memory of the main process and of
the biggest worker; and the stage timings. These are the figures ``docs/distributed.md``
scales to 10^9 documents::

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


def group_sizes(values: np.ndarray) -> np.ndarray:
    """Sizes of the groups of equal values (sorted in place)."""
    values.sort()
    if not len(values):
        return np.zeros(0, dtype=np.int64)
    boundaries = np.flatnonzero(values[1:] != values[:-1]) + 1
    return np.diff(np.concatenate([[0], boundaries, [len(values)]]))


def size_stats(sizes: np.ndarray, cap: int) -> dict[str, Any]:
    """Groups of two or more: how many, the biggest, the 99.9th percentile, how many are over
    ``cap`` (paired as a star plus a chain, not exhaustively), the documents in those, and the
    pairs the groups under the cap give exhaustively."""
    multi = sizes[sizes >= 2]
    under = multi[multi <= cap]
    return {
        "groups": len(multi),
        "max": int(multi.max()) if len(multi) else 0,
        "p999": float(np.percentile(multi, 99.9)) if len(multi) else 0.0,
        "over_cap": int((multi > cap).sum()),
        "members_over_cap": int(multi[multi > cap].sum()),
        "exhaustive_pairs": int((under * (under - 1) // 2).sum()),
    }


def growth(plan: Any, first: Any, result: Any) -> dict[str, Any]:
    """What can grow faster than linearly, with the caps that bound it."""
    skipped = np.zeros(len(first.ids), dtype=bool)
    skipped[first.empty] = True  # documents without shingles are in no bucket
    keys = first.band_keys[~skipped]
    buckets = [group_sizes(keys[:, b].copy()) for b in range(keys.shape[1])]
    per_band = [size_stats(s, plan.config.max_bucket) for s in buckets]
    lsh = {
        "cap (max_bucket)": plan.config.max_bucket,
        "max": max((b["max"] for b in per_band), default=0),
        "over_cap": sum(b["over_cap"] for b in per_band),
        "members_over_cap": sum(b["members_over_cap"] for b in per_band),
        "exhaustive_pairs": sum(b["exhaustive_pairs"] for b in per_band),
        "p999_max_over_bands": max((b["p999"] for b in per_band), default=0.0),
    }
    settings = plan.anchors
    postings: dict[str, Any] = {}
    if settings is not None:
        sizes = np.concatenate(
            [
                group_sizes(np.concatenate(parts) >> np.uint64(32))
                for parts in first.anchor_parts
                if len(parts) and sum(len(p) for p in parts)
            ]
            or [np.zeros(0, dtype=np.int64)]
        )
        postings = size_stats(sizes, settings.max_group)
        postings["cap (max_group: star + chain above)"] = settings.max_group
        postings["dropped (max_posting: a stock phrase)"] = settings.max_posting
        postings["over_max_posting"] = int((sizes > settings.max_posting).sum())
    members = np.array([len(c.members) for c in result.clusters], dtype=np.int64)
    return {
        "lsh_buckets": lsh,
        "anchor_postings": postings,
        "clusters": {
            "count": len(members),
            "max_members": int(members.max()) if len(members) else 0,
            "p999_members": float(np.percentile(members, 99.9)) if len(members) else 0.0,
            "over_2": int((members > 2).sum()),
        },
        "representative_pairs_verified": int(result.counts["representative_pairs_verified"]),
    }


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
            growth=growth(plan, first, result),
        )

    with tempfile.TemporaryDirectory(prefix="volumes-") as out:
        result = local.run_files(engine.plan, [str(corpus)], out, extend=look)
    seen["timings"] = {k: round(v, 2) for k, v in result.timings.items()}
    seen["peak_rss_mb_main"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    # the largest of the worker processes' peaks (ru_maxrss of the children is their maximum)
    seen["peak_rss_mb_biggest_worker"] = round(
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    )
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
