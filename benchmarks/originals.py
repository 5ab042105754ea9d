"""Originals named on the dev sets, per role of the other members (html-dev: repost,
repost-teaser, plain), with default settings: what the original policy is measured by.

usage: .venv/bin/python benchmarks/originals.py [OUT_JSON]  (default: print only)
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

from dedupe import Engine
from dedupe.evaluate import evaluate, load_truth

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
SETS = {
    "html-dev": ("html-dev/corpus.jsonl", "html-dev/truth.jsonl"),
    "syndication-dev": ("syndication-dev/corpus.jsonl", "syndication-dev/truth.jsonl"),
    "intl-dev/zh": ("intl-dev/zh/corpus.jsonl", "intl-dev/zh/truth.jsonl"),
    "intl-dev/ja": ("intl-dev/ja/corpus.jsonl", "intl-dev/ja/truth.jsonl"),
    "intl-dev/ar": ("intl-dev/ar/corpus.jsonl", "intl-dev/ar/truth.jsonl"),
    "seeds": ("seeds", "seeds/truth.json"),
}


def by_role(truth_path: Path, clusters: list[dict]) -> dict[str, str]:
    """For each role of the copies: clusters (one true cluster, its original in it) holding
    such a copy whose representative is the original, as "named/clusters"; and who is named."""
    if truth_path.suffix != ".jsonl":
        return {}
    with open(truth_path, encoding="utf-8") as f:
        truth = {r["id"]: r for r in map(json.loads, f)}
    named: Counter[str] = Counter()
    total: Counter[str] = Counter()
    winners: Counter[str] = Counter()
    for c in clusters:
        rows = [truth[m] for m in c["members"] if m in truth]
        if len({r["cluster"] for r in rows}) != 1 or "original" not in {r["role"] for r in rows}:
            continue
        winner = truth[c["representative"]]["role"]
        winners[f"named:{winner}"] += 1
        for role in sorted({r["role"] for r in rows} - {"original"}):
            total[role] += 1
            named[role] += winner == "original"
    return {**{k: f"{named[k]}/{total[k]}" for k in sorted(total)}, **dict(sorted(winners.items()))}


def main() -> None:
    out = {}
    for name, (corpus, truth) in SETS.items():
        if not (DATA / corpus).exists():
            continue
        with tempfile.TemporaryDirectory() as tmp:
            Engine(load_plugins=False).run([DATA / corpus], tmp)
            with open(Path(tmp) / "clusters.jsonl", encoding="utf-8") as f:
                clusters = [json.loads(line) for line in f]
        report = evaluate(load_truth(DATA / truth), clusters)
        out[name] = {
            "ari": report["overall"]["ari"],
            "original_named": report.get("original_named"),
            "by_role": by_role(DATA / truth, clusters),
        }
        print(name, json.dumps(out[name]), flush=True)
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(json.dumps(out, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    main()
