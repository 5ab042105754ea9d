"""``dedupe explain --pairs`` on PAN 2013 text alignment (pan13-dev), scored by pan13_eval.py.

Each pair of ``pan13-dev/pairs`` becomes ``{"a": "src/SOURCE", "b": "susp/SUSPICIOUS"}``; one
``dedupe explain --pairs PAIRS -i pan13-dev --json`` call explains them all; the ``b`` offsets of
B's shared passages are the predicted passages (``[offset, length]`` into the suspicious file),
scored against the realigned and the given annotations. ``--sweep`` instead tries gap and
minimum-length settings in one process (the documents prepared once) to choose the defaults.

    .venv/bin/python benchmarks/pan13_explain.py [--data DIR] [--json results/pan13_explain.json]
    .venv/bin/python benchmarks/pan13_explain.py --sweep
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data" / "pan13-dev"
EVAL = REPO.parent / "shared" / "tools" / "pan13_eval.py"
TRUTHS = {"realigned": "pan13_cases_realigned.tsv", "given": "no_obfuscation_cases.tsv"}


def write_pairs(data: Path, path: Path) -> int:
    rows = [line.split() for line in (data / "pairs").read_text().splitlines() if line.strip()]
    with open(path, "w") as f:
        for susp, src in rows:
            f.write(json.dumps({"a": f"src/{src}", "b": f"susp/{susp}"}) + "\n")
    return len(rows)


def predictions(explained: list[dict], path: Path) -> None:
    """PAN predictions from explanations: B's shared passages as ``[offset, length]``."""
    with open(path, "w") as f:
        for ex in explained:
            passages = [
                [p["b"][0], p["b"][1] - p["b"][0]]
                for p in ex["b"]["passages"]
                if p["status"] == "shared"
            ]
            row = {
                "suspicious": ex["b"]["id"].split("/")[-1],
                "source": ex["a"]["id"].split("/")[-1],
                "passages": passages,
            }
            f.write(json.dumps(row) + "\n")


def score(data: Path, pred: Path) -> dict[str, dict]:
    out = {}
    for name, truth in TRUTHS.items():
        result = subprocess.run(
            [sys.executable, str(EVAL), str(data / truth), str(pred)],
            capture_output=True,
            text=True,
            check=True,
        )
        out[name] = json.loads(result.stdout)
    return out


def run_cli(data: Path, work: Path, extra: list[str]) -> dict:
    pairs = work / "pairs.jsonl"
    n = write_pairs(data, pairs)
    command = [sys.executable, "-m", "dedupe", "explain", "--pairs", str(pairs), "-i", str(data)]
    command += ["--json", *extra]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    explained = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    pred = work / "pred.jsonl"
    predictions(explained, pred)
    return {
        "command": " ".join(["dedupe", *command[3:]]),
        "pairs": n,
        "explained": len(explained),
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "pairs_per_s": round(len(explained) / wall, 1),
        "stderr_lines": len(result.stderr.splitlines()),
        "scores": score(data, pred),
    }


def sweep(data: Path, work: Path, gaps: list[int], lengths: list[int]) -> list[dict]:
    sys.path.insert(0, str(REPO))
    from dedupe.engine import Engine, make_config
    from dedupe.explain import Explainer

    engine = Engine(make_config())
    config = engine.config
    unit = engine.registry.get("shingle unit", config.unit)
    explainer = Explainer(engine.chain, unit.shingles, config.ngram, unit=config.unit)
    pairs = [line.split() for line in (data / "pairs").read_text().splitlines() if line.strip()]
    texts = {}
    for susp, src in pairs:
        for key in (f"src/{src}", f"susp/{susp}"):
            texts[key] = (data / key).read_text(encoding="utf-8", errors="replace")
    rows = []
    for gap in gaps:
        for length in lengths:
            explainer.gap, explainer.min_length = gap, length
            explained = []
            for susp, src in pairs:
                a, b = f"src/{src}", f"susp/{susp}"
                explained.append(explainer.explain((a, texts[a]), (b, texts[b])).to_dict())
            pred = work / f"pred-{gap}-{length}.jsonl"
            predictions(explained, pred)
            s = score(data, pred)
            r = s["realigned"]
            rows.append({"gap": gap, "min_length": length, **s})
            print(
                f"gap {gap:3d} min_length {length:3d}: recall {r['char_recall']:.4f} precision "
                f"{r['char_precision']:.4f} granularity {r['granularity']:.4f} plagdet "
                f"{r['plagdet']:.4f} (given: plagdet {s['given']['plagdet']:.4f})",
                flush=True,
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--sweep", action="store_true", help="try gap and min-length settings")
    parser.add_argument("--gaps", default="0,1,2,3,4,6,8,12,16,24")
    parser.add_argument("--lengths", default="5,6,8,10,12,16,20")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--work", type=Path, help="keep the pairs and predictions here")
    parser.add_argument("extra", nargs="*", help="more dedupe explain options (after --)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        if args.sweep:
            result: object = sweep(
                args.data,
                work,
                [int(x) for x in args.gaps.split(",")],
                [int(x) for x in args.lengths.split(",")],
            )
        else:
            result = run_cli(args.data, work, args.extra)
            print(json.dumps(result, indent=2))
    if args.json:
        sys.path.insert(0, str(REPO / "benchmarks"))
        from provenance import dedupe_source

        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {"source": dedupe_source(), "results": result}
        args.json.write_text(json.dumps(payload, indent=2) + "\n")


if __name__ == "__main__":
    main()
