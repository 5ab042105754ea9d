"""Score a dedupe run on the hand-labelled Reuters-21578 pairs (``benchmarks/reuters_pairs.tsv``).

300 candidate pairs were drawn at random by ``reuters_pairs_draw.py`` and labelled by reading
both texts: ``copy`` (re-sends, corrections, first takes, a story and its extended or cut
version, identical texts), ``distinct`` (one template with other figures, another day or another
company; another story) or ``ambiguous`` (left out of the scores). ``kind`` says which.

    .venv/bin/python benchmarks/reuters_pairs_score.py                  # default settings
    .venv/bin/python benchmarks/reuters_pairs_score.py -- --scorer containment   # any run options
    .venv/bin/python benchmarks/reuters_pairs_score.py --labels benchmarks/reuters_pairs_heldout.tsv

``reuters_pairs_heldout.tsv`` holds 100 more pairs, drawn from the same pool (``--exclude``)
after the figure rules were written, labelled the same way: a check that they generalise.

Runs ``dedupe run`` on the corpus (no third-party plugins) and reports, over copy and distinct
pairs, precision and recall of "the two documents end in one cluster" (what a user gets) and of
"the pair is accepted" (pairs.jsonl), the errors by kind, and the silver exact-duplicate
clusters found. ``--json PATH`` also writes the numbers.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data" / "reuters21578"
LABELS = HERE / "reuters_pairs.tsv"
FIELDS = ["--id-field", "newid", "--text-field", "title,body"]


def read_labels(path: Path = LABELS) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def run(args: list[str], out: Path) -> None:
    """``dedupe run`` on the corpus with ``args`` (built-in plugins only)."""
    dedupe = Path(sys.executable).with_name("dedupe")
    command = [str(dedupe), "run", str(DATA / "reuters21578_docs.jsonl"), *FIELDS, "-q"]
    env = {**os.environ, "DEDUPE_LOAD_PLUGINS": ""}
    subprocess.run([*command, *args, "-o", str(out)], check=True, env=env)


def rates(labels: list[dict[str, str]], predicted: set[tuple[str, str]]) -> dict[str, float]:
    """Precision and recall of ``predicted`` pairs on the copy/distinct pairs."""
    tp = fp = fn = 0
    for row in labels:
        pair = (row["a"], row["b"])
        if row["label"] == "copy":
            tp += pair in predicted
            fn += pair not in predicted
        elif row["label"] == "distinct":
            fp += pair in predicted
    return {
        "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
        "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0,
        "true_positives": tp,
        "false_positives": fp,
        "false_negatives": fn,
    }


def silver_found(cluster_of: dict[str, int]) -> tuple[int, int]:
    groups: dict[str, list[str]] = {}
    lines = (DATA / "silver_exact_duplicate_clusters.tsv").read_text("utf-8").splitlines()
    for line in lines[1:]:
        if line.strip():
            cluster, newid = line.split("\t")
            groups.setdefault(cluster, []).append(newid)
    found = sum(
        1
        for members in groups.values()
        if members[0] in cluster_of and len({cluster_of.get(m) for m in members}) == 1
    )
    return found, len(groups)


def score(out: Path, labels: list[dict[str, str]]) -> dict[str, object]:
    cluster_of: dict[str, int] = {}
    roles: dict[str, str] = {}
    with open(out / "clusters.jsonl", encoding="utf-8") as f:
        for line in f:
            cluster = json.loads(line)
            for member in cluster["members"]:
                cluster_of[member] = cluster["cluster"]
            roles.update(cluster.get("roles", {}))
    accepted = set()
    with open(out / "pairs.jsonl", encoding="utf-8") as f:
        for line in f:
            pair = json.loads(line)
            accepted.add(tuple(sorted((pair["a"], pair["b"]), key=int)))
    together = {
        (r["a"], r["b"])
        for r in labels
        if r["a"] in cluster_of and cluster_of.get(r["a"]) == cluster_of.get(r["b"])
    }
    errors = []
    for r in labels:
        same = (r["a"], r["b"]) in together
        if (r["label"] == "copy" and not same) or (r["label"] == "distinct" and same):
            errors.append(
                {
                    "a": r["a"],
                    "b": r["b"],
                    "label": r["label"],
                    "kind": r["kind"],
                    "containment": r["containment"],
                }
            )
    found, silver = silver_found(cluster_of)
    return {
        "labelled": dict(Counter(r["label"] for r in labels)),
        "same_cluster": rates(labels, together),
        "accepted_pair": rates(labels, accepted),
        "errors": errors,
        "errors_by_kind": dict(Counter(f"{e['label']}/{e['kind']}" for e in errors)),
        "corrections_labelled": sum(
            1
            for r in labels
            if r["kind"] == "correction" and "correction" in {roles.get(r["a"]), roles.get(r["b"])}
        ),
        "silver_clusters_found": f"{found}/{silver}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    parser.add_argument(
        "--labels",
        type=Path,
        default=LABELS,
        help="the labelled pairs (default: the sample; reuters_pairs_heldout.tsv: held out)",
    )
    parser.add_argument("run_args", nargs="*", help="options for dedupe run (after --)")
    args = parser.parse_args()
    labels = read_labels(args.labels)
    with tempfile.TemporaryDirectory() as tmp:
        run(args.run_args, Path(tmp))
        report = score(Path(tmp), labels)
    report["run_options"] = args.run_args
    print(json.dumps(report, indent=1))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    main()
