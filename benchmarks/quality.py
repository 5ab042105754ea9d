"""Accuracy of dedupe beside datasketch's MinHashLSH on the shared labelled data.

Regenerates ``benchmarks/QUALITY.md`` (and ``results/quality.json``) with one command:

    .venv/bin/python benchmarks/quality.py

For each data set: dedupe with default settings (and, where the README documents other
settings for that kind of data, with those), and datasketch 2 ``MinHashLSH`` over word 5-grams
of ``text.lower().split()`` hashed with xxh32 (128 permutations), connected components of its
query results, at thresholds 0.5 and 0.8 and at the best of a 0.05-0.95 grid.
"""

from __future__ import annotations

import csv
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import xxhash
from datasketch import MinHash, MinHashLSH

from dedupe import Engine
from dedupe.evaluate import (
    Truth,
    evaluate,
    load_clusters,
    load_truth,
    pairwise_scores,
    predicted_labels,
)

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data"


def read_corpus(engine: Engine, inputs: list[Path]) -> dict[str, str]:
    corpus = engine.open_files([str(p) for p in inputs])
    try:
        return {r.id: r.text for r in corpus.records()}
    finally:
        corpus.close()


def datasketch_clusters(texts: dict[str, str], threshold: float, n: int = 5) -> list[dict]:
    """What a datasketch script does: MinHash per document, MinHashLSH, connected components."""
    sketches = {}
    for doc_id, text in texts.items():
        words = text.lower().split()
        grams = [" ".join(words[i : i + n]).encode() for i in range(max(1, len(words) - n + 1))]
        m = MinHash(num_perm=128, seed=1, hashfunc=xxhash.xxh32_intdigest)
        m.update_batch(grams)
        sketches[doc_id] = m
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    for doc_id, m in sketches.items():
        lsh.insert(doc_id, m)
    parent = {k: k for k in sketches}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for doc_id, m in sketches.items():
        for other in lsh.query(m):
            a, b = find(doc_id), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = defaultdict(list)
    for k in sketches:
        groups[find(k)].append(k)
    return [{"members": g} for g in groups.values() if len(g) > 1]


def datasketch_rows(name: str, texts: dict[str, str], truth: Truth) -> list[dict]:
    rows = []
    grid = {round(float(t), 2): None for t in np.arange(0.05, 0.96, 0.05)}
    for threshold in grid:
        scores = pairwise_scores(
            truth.labels, predicted_labels(datasketch_clusters(texts, threshold), truth.labels)
        )
        grid[threshold] = scores
    best = max(grid, key=lambda t: grid[t]["ari"])
    for threshold, label in (
        (0.5, "threshold 0.5"),
        (0.8, "threshold 0.8"),
        (best, f"best threshold {best}"),
    ):
        rows.append(
            {
                "data": name,
                "tool": "datasketch MinHashLSH",
                "settings": label,
                **{k: grid[threshold][k] for k in ("precision", "recall", "f1", "ari")},
            }
        )
    return rows


def dedupe_row(name: str, inputs: list[Path], truth: Truth, label: str, **settings) -> dict:
    engine = Engine(load_plugins=False, **settings)
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        engine.run([str(p) for p in inputs], out)
        seconds = time.perf_counter() - start
        report = evaluate(truth, load_clusters(Path(out) / "clusters.jsonl"))
    row = {
        "data": name,
        "tool": "dedupe",
        "settings": label,
        "seconds": round(seconds, 2),
        **{k: report["overall"][k] for k in ("precision", "recall", "f1", "ari")},
    }
    for role, figures in report.get("by_role", {}).items():
        row[f"recall {role}"] = figures["recall"]
    if "original_named" in report:
        row["original named"] = report["original_named"]["share"]
    return row


def with_heavy(truth: Truth, labels_csv: Path) -> Truth:
    """Clough-Stevenson truth where heavy revisions count as copies of their source too."""
    labels = dict(truth.labels)
    with open(labels_csv, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["category"] == "heavy":
                labels[row["file"]] = f"task{row['task']}"
    return Truth(labels, truth.roles, truth.originals)


def reuters_rows() -> list[dict]:
    """Every silver exact-duplicate cluster of Reuters-21578 must be found."""
    folder = DATA / "reuters21578"
    silver: dict[str, list[str]] = defaultdict(list)
    with open(folder / "silver_exact_duplicate_clusters.tsv", encoding="utf-8") as f:
        for row in list(csv.reader(f, delimiter="\t"))[1:]:
            silver[row[0]].append(row[1])
    rows = []
    variants: list[tuple[str, dict]] = [("default", {})]
    try:
        import dedupe_figures  # noqa: F401  (the plugin in plugins/dedupe-figures)

        variants.append(
            ("--scorer containment --scorer figures", {"scorers": ["containment", "figures"]})
        )
    except ImportError:
        print(
            "dedupe-figures is not installed, so no figures row "
            "(pip install -e plugins/dedupe-figures)"
        )
    for label_text, settings in variants:
        engine = Engine(
            load_plugins=bool(settings), id_field="newid", text_field="title,body", **settings
        )
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            result = engine.run([str(folder / "reuters21578_docs.jsonl")], out)
            seconds = time.perf_counter() - start
        label = {m: c.number for c in result.clusters for m in c.members}
        found = sum(1 for ms in silver.values() if len({label.get(m, ("s", m)) for m in ms}) == 1)
        rows.append(
            {
                "data": "reuters21578",
                "tool": "dedupe",
                "settings": label_text,
                "seconds": round(seconds, 2),
                "silver clusters found": f"{found}/{len(silver)}",
                "clusters": len(result.clusters),
            }
        )
    return rows


def main() -> None:
    rows: list[dict] = []
    seeds = DATA / "seeds"
    truth = load_truth(seeds / "truth.json")
    rows.append(dedupe_row("seeds", [seeds], truth, "default"))
    texts = {
        k: v
        for k, v in read_corpus(Engine(load_plugins=False), [seeds]).items()
        if k in truth.labels
    }
    rows += datasketch_rows("seeds", texts, truth)

    synd = DATA / "syndication-dev"
    truth = load_truth(synd / "truth.jsonl")
    rows.append(dedupe_row("syndication-dev", [synd / "corpus.jsonl"], truth, "default"))
    rows += datasketch_rows(
        "syndication-dev", read_corpus(Engine(load_plugins=False), [synd / "corpus.jsonl"]), truth
    )

    cs = DATA / "clough-stevenson"
    corpus = cs / "corpus-20090418"
    texts = read_corpus(Engine(load_plugins=False), [corpus])
    documented = {
        "ngram": 4,
        "scorers": ["containment=0.4"],
        "threshold": 0.3,
        "containment_sampling": 2,
    }
    for truth_name, truth in (
        ("cut+light", load_truth(cs / "truth.jsonl")),
        ("cut+light+heavy", with_heavy(load_truth(cs / "truth.jsonl"), cs / "labels.csv")),
    ):
        name = f"clough-stevenson ({truth_name})"
        rows.append(dedupe_row(name, [corpus], truth, "default"))
        rows.append(
            dedupe_row(
                name,
                [corpus],
                truth,
                "-n 4 --scorer containment=0.4 --threshold 0.3 --containment-sampling 2",
                **documented,
            )
        )
        rows += datasketch_rows(name, texts, truth)

    rows += reuters_rows()
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "quality.json").write_text(json.dumps(rows, indent=2) + "\n")
    write_markdown(rows)


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4f}"
    return "" if value is None else str(value)


def write_markdown(rows: list[dict]) -> None:
    columns = [
        "data",
        "tool",
        "settings",
        "precision",
        "recall",
        "f1",
        "ari",
        "recall teaser",
        "recall copy",
        "original named",
        "silver clusters found",
        "clusters",
        "seconds",
    ]
    lines = [
        "# Accuracy beside datasketch",
        "",
        "Generated by `.venv/bin/python benchmarks/quality.py` (do not edit by hand).",
        "Pairwise precision/recall/F1 and adjusted Rand index against each set's truth;",
        "datasketch = MinHashLSH over word 5-grams of `text.lower().split()`, xxh32, 128",
        "permutations, connected components of its query results.",
        "",
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
    ]
    for row in rows:
        lines.append("| " + " | ".join(_fmt(row.get(c)) for c in columns) + " |")
    (HERE / "QUALITY.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
