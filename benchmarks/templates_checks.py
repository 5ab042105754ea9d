"""The must-shows of issue 16 (templated text) in one go: the labelled Reuters pairs and the
silver clusters with the defaults, clough-stevenson with ``--preset rewrite``, and the dev sets
(syndication-dev, seeds, intl-dev zh/ja/ar, html-dev) with the defaults, each scored with
``../shared/tools/score.py`` (pairwise precision/recall/F1 and ARI).

    .venv/bin/python benchmarks/templates_checks.py [--ref main] [--json out.json]

``--ref REF`` also runs the same commands on a git ref's tree (extracted with ``git archive``
into a temporary folder, run with this venv), so "unchanged or better" is measured, not
remembered. Built-in plugins only (``DEDUPE_LOAD_PLUGINS=``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = REPO.parent / "shared" / "data"
SCORE = REPO.parent / "shared" / "tools" / "score.py"

#: name -> (inputs, truth, run options)
SETS: dict[str, tuple[list[Path], Path, list[str]]] = {
    "syndication-dev": (
        [DATA / "syndication-dev" / "corpus.jsonl"],
        DATA / "syndication-dev" / "truth.jsonl",
        [],
    ),
    "seeds": (
        [DATA / "seeds" / p for p in sorted(os.listdir(DATA / "seeds")) if p.endswith(".txt")]
        if (DATA / "seeds").exists()
        else [],
        DATA / "seeds" / "truth.json",
        [],
    ),
    **{
        f"intl-dev/{lang}": (
            [DATA / "intl-dev" / lang / "corpus.jsonl"],
            DATA / "intl-dev" / lang / "truth.jsonl",
            [],
        )
        for lang in ("zh", "ja", "ar")
    },
    "html-dev": ([DATA / "html-dev" / "corpus.jsonl"], DATA / "html-dev" / "truth.jsonl", []),
    "clough-stevenson (rewrite)": (
        [DATA / "clough-stevenson" / "corpus-20090418"],
        DATA / "clough-stevenson" / "truth.jsonl",
        ["--preset", "rewrite"],
    ),
    "clough-stevenson (default)": (
        [DATA / "clough-stevenson" / "corpus-20090418"],
        DATA / "clough-stevenson" / "truth.jsonl",
        [],
    ),
}


def run_set(tree: Path | None, name: str) -> dict[str, object]:
    """``dedupe run`` of one set on ``tree`` (None: this checkout), scored against its truth."""
    inputs, truth, options = SETS[name]
    env = {**os.environ, "DEDUPE_LOAD_PLUGINS": ""}
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-m", "dedupe", "run", *map(str, inputs), *options]
        start = time.perf_counter()
        # from the tree's folder: the current folder comes first on sys.path
        subprocess.run([*command, "-q", "-o", out], check=True, env=env, cwd=tree or REPO)
        seconds = time.perf_counter() - start
        scored = subprocess.run(
            [sys.executable, str(SCORE), str(truth), str(Path(out) / "clusters.jsonl")],
            check=True,
            capture_output=True,
            text=True,
        )
    return {"seconds": round(seconds, 1), **json.loads(scored.stdout)}


def reuters(tree: Path | None) -> dict[str, object]:
    """The labelled pairs (both samples) and silver clusters with the defaults."""
    env = {**os.environ}
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    out = {}
    for labels in ("reuters_pairs.tsv", "reuters_pairs_heldout.tsv"):
        done = subprocess.run(
            [
                sys.executable,
                str(HERE / "reuters_pairs_score.py"),
                "--labels",
                str(HERE / labels),
            ],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        )
        report = json.loads(done.stdout)
        out[labels] = {
            "same_cluster": report["same_cluster"],
            "silver": report["silver_clusters_found"],
            "corrections_labelled": report["corrections_labelled"],
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ref", help="also run a git ref's tree (e.g. main)")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--only", nargs="*", help="only these sets")
    args = parser.parse_args()
    names = args.only or list(SETS)
    results: dict[str, dict[str, object]] = {"this tree": {}}
    trees: list[tuple[str, Path | None]] = [("this tree", None)]
    with tempfile.TemporaryDirectory() as tmp:
        if args.ref:
            archive = subprocess.run(
                ["git", "-C", str(REPO), "archive", args.ref, "dedupe"],
                check=True,
                capture_output=True,
            )
            subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
            trees.append((args.ref, Path(tmp)))
            results[args.ref] = {}
        for label, tree in trees:
            for name in names:
                results[label][name] = run_set(tree, name)
                print(label, name, json.dumps(results[label][name]), flush=True)
        results["this tree"]["reuters"] = reuters(None)
        print("reuters", json.dumps(results["this tree"]["reuters"]), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
