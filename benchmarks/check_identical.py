"""Outputs of this working tree against those of a git ref, byte for byte.

Runs ``dedupe run`` on each corpus with each executor (local ``--workers 1`` and ``2``, Dask,
and ``run --index`` against an index built as ``tests/test_index_cli.py`` builds one: created
with ``--learn-from`` the whole corpus, the first half added), once with the code of ``--ref``
(exported with ``git archive`` and put first on ``PYTHONPATH``) and once with this tree, and
compares every output file but ``report.json`` byte for byte (of the report, the counts).
The ref's outputs are kept under ``--store/<commit>/`` and reused, so a baseline is made once
per commit of the ref::

    .venv/bin/python benchmarks/check_identical.py --ref main --store /work/baseline-14
    .venv/bin/python benchmarks/check_identical.py --ref main --corpora syndication,seeds \
        --modes local1,dask

Exit status 1 when any output differs (each difference is printed).
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
#: corpus name -> (input, extra run options)
CORPORA: dict[str, tuple[Path, list[str]]] = {
    "syndication": (DATA / "syndication-dev" / "corpus.jsonl", []),
    "seeds": (DATA / "seeds", []),
    "reuters": (
        DATA / "reuters21578" / "reuters21578_docs.jsonl",
        ["--id-field", "newid", "--text-field", "title,body"],
    ),
    "bench100k": (Path("/work/bench-data/100000/corpus.jsonl"), []),
}
MODES = ("local1", "local2", "dask", "index")
WRITERS = "clusters,pairs,kept,dropped,report"


def export(ref: str, store: Path) -> tuple[str, Path]:
    """The ref's commit and a tree of its files (made once)."""
    sha = subprocess.run(
        ["git", "rev-parse", ref], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout.strip()
    tree = store / "src" / sha
    if not (tree / "dedupe" / "__init__.py").exists():
        tree.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "archive", sha, "dedupe"], cwd=REPO, check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return sha, tree


def dedupe(code: Path, *args: str) -> float:
    """Run ``python -m dedupe ARGS`` with the package at ``code`` (run from there: ``-m``
    puts the working directory first on the path); wall seconds."""
    env = dict(os.environ, PYTHONPATH=str(code), DEDUPE_LOAD_PLUGINS="")
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "dedupe", *args], env=env, cwd=code, capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise SystemExit(f"dedupe {' '.join(args)} failed ({code}):\n{proc.stderr[-3000:]}")
    return time.perf_counter() - started


def halves(path: Path, work: Path) -> tuple[Path, Path]:
    """The first half of a JSON Lines file and the rest (or a folder, twice)."""
    if path.is_dir():
        return path, path
    first, rest = work / "first.jsonl", work / "rest.jsonl"
    if not rest.exists():
        lines = path.read_bytes().splitlines(keepends=True)
        first.write_bytes(b"".join(lines[: len(lines) // 2]))
        rest.write_bytes(b"".join(lines[len(lines) // 2 :]))
    return first, rest


def run_case(code: Path, corpus: str, mode: str, out: Path, work: Path) -> float:
    """One run into ``out`` (replaced)."""
    path, options = CORPORA[corpus]
    if out.exists():
        shutil.rmtree(out)
    common = [*options, "--writers", WRITERS, "-q", "-o", str(out)]
    if mode in ("local1", "local2"):
        # parallel_min_mb is 32: the small corpora run in one process whatever --workers says,
        # so the 100k corpus is the one where 2 workers matter.
        return dedupe(code, "run", str(path), "--workers", mode[-1], *common)
    if mode == "dask":
        return dedupe(code, "run", str(path), "--engine", "dask", "--workers", "2", *common)
    first, rest = halves(path, work)
    db = work / "index.db"
    for leftover in work.glob(db.name + "*"):
        leftover.unlink()
    dedupe(code, "index", "create", str(db), "--learn-from", str(path), *options)
    dedupe(code, "index", "add", str(db), str(first), *options, "-q")
    seconds = dedupe(code, "run", str(rest), "--index", str(db), *common)
    for leftover in work.glob(db.name + "*"):
        leftover.unlink()
    return seconds


def output_files(out: Path) -> list[Path]:
    """The outputs (links into the output set included), not dedupe's hidden staging; a
    folder of shards counts as one output."""
    return sorted(Path(e.name) for e in out.iterdir() if not e.name.startswith("."))


def same_bytes(a: Path, b: Path) -> bool:
    """Whether two outputs hold the same bytes; folders of shards are compared as the
    concatenation of their shards (where a Dask sort cuts its partitions varies by run)."""
    if a.is_dir() and b.is_dir():
        parts_a, parts_b = sorted(a.glob("part-*")), sorted(b.glob("part-*"))
        return b"".join(p.read_bytes() for p in parts_a) == b"".join(
            p.read_bytes() for p in parts_b
        )
    if a.is_dir() or b.is_dir():
        return False
    return filecmp.cmp(a, b, shallow=False)


def compare(before: Path, after: Path) -> list[str]:
    """What differs between two output folders (empty: identical)."""
    problems = []
    a, b = output_files(before), output_files(after)
    if a != b:
        problems.append(f"files differ: {sorted(set(a) ^ set(b))}")
    for rel in a:
        if rel not in b:
            continue
        if rel.name == "report.json":
            ca = json.loads((before / rel).read_text())["counts"]
            cb = json.loads((after / rel).read_text())["counts"]
            for counts in (ca, cb):  # the index's path is a temporary one
                counts.get("index", {}).pop("location", None)
            if ca != cb:
                keys = sorted(k for k in set(ca) | set(cb) if ca.get(k) != cb.get(k))
                problems.append(f"{rel}: counts differ in {keys}")
        elif not same_bytes(before / rel, after / rel):
            problems.append(f"{rel} differs")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ref", default="main")
    parser.add_argument("--store", type=Path, default=Path("/work/baseline-14"))
    parser.add_argument("--corpora", default=",".join(CORPORA))
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--keep", action="store_true", help="keep this tree's outputs")
    parser.add_argument(
        "--against",
        metavar="REF",
        help="compare this commit's code instead of the working tree (so the tree may change)",
    )
    parser.add_argument(
        "--baseline-only", action="store_true", help="make the ref's outputs, compare nothing"
    )
    args = parser.parse_args()
    args.store = args.store.resolve()
    args.store.mkdir(parents=True, exist_ok=True)
    sha, tree = export(args.ref, args.store)
    code = export(args.against, args.store)[1] if args.against else REPO
    failed = False
    work = Path(tempfile.mkdtemp(prefix="check-identical-", dir=args.store))
    try:
        for corpus in args.corpora.split(","):
            if not CORPORA[corpus][0].exists():
                print(f"{corpus}: {CORPORA[corpus][0]} is not here, skipped")
                continue
            split = work / corpus
            split.mkdir(exist_ok=True)
            for mode in args.modes.split(","):
                base = args.store / sha / f"{corpus}-{mode}"
                if not (base / "clusters.jsonl").exists():
                    seconds = run_case(tree, corpus, mode, base, split)
                    print(f"{corpus} {mode}: baseline at {sha[:10]} made ({seconds:.1f} s)")
                if args.baseline_only:
                    continue
                mine = args.store / "current" / f"{corpus}-{mode}"
                seconds = run_case(code, corpus, mode, mine, split)
                problems = compare(base, mine)
                status = "identical" if not problems else "DIFFERENT"
                print(f"{corpus} {mode}: {status} to {args.ref} ({seconds:.1f} s)", flush=True)
                for problem in problems:
                    print(f"  {problem}")
                failed |= bool(problems)
                if not args.keep and not problems:
                    shutil.rmtree(mine)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
