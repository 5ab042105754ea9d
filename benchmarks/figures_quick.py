"""How often the ``figures`` veto's first look (``dedupe/figures/sketch.py``) says a pair
agrees when reading both documents in full says otherwise.

Runs ``dedupe run`` with containment alone at a low threshold (every candidate pair that
passes it, templated stories among them: ``--scorer containment=0.3``) on each corpus, then
scores every pair both ways on the texts (as written: no furniture removed; pages, which the
scorer reads through the html normaliser, are left out: html-dev): the full
reading (:func:`dedupe.figures.score`) and the first look (:func:`dedupe.figures.sketch.agree`,
1.0 when it agrees). Reports the pairs, how many the first look settles, how many of those
score below 1.0 in full and how many below the veto's threshold (0.7: a decision the first
look would change), and the CPU seconds of each way.

    .venv/bin/python benchmarks/figures_quick.py [--json out.json]
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
DATA = HERE.parent.parent / "shared" / "data"

#: name -> (inputs, run options): the text of each document is its ``text`` field unless set.
CORPORA: dict[str, tuple[list[Path], list[str]]] = {
    "reuters": (
        [DATA / "reuters21578" / "reuters21578_docs.jsonl"],
        ["--id-field", "newid", "--text-field", "title,body"],
    ),
    "syndication-dev": ([DATA / "syndication-dev" / "corpus.jsonl"], []),
}


def texts_of(path: Path, options: list[str]) -> dict[str, str]:
    """Each record's text as ``dedupe run`` reads it with these options (jsonl only)."""
    id_field = options[options.index("--id-field") + 1] if "--id-field" in options else "id"
    fields = (
        options[options.index("--text-field") + 1].split(",")
        if "--text-field" in options
        else ["text"]
    )
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            out[str(row[id_field])] = "\n".join(str(row[k]) for k in fields if row.get(k))
    return out


def check(name: str) -> dict[str, object]:
    from dedupe.figures import extract, score
    from dedupe.figures.sketch import agree, sketch

    inputs, options = CORPORA[name]
    env = {**os.environ, "DEDUPE_LOAD_PLUGINS": ""}
    dedupe = Path(sys.executable).with_name("dedupe")
    with tempfile.TemporaryDirectory() as out:
        command = [str(dedupe), "run", *map(str, inputs), *options]
        command += ["--scorer", "containment=0.3", "-q", "-o", out]
        subprocess.run(command, check=True, env=env)
        with open(Path(out) / "pairs.jsonl", encoding="utf-8") as f:
            pairs = [(row["a"], row["b"]) for row in map(json.loads, f)]
    texts: dict[str, str] = {}
    for path in inputs:
        texts.update(texts_of(path, options))
    docs = sorted({d for pair in pairs for d in pair})
    start = time.process_time()
    slots = {d: extract(texts[d]) for d in docs}
    full = [score(slots[a], slots[b]) for a, b in pairs]
    full_s = time.process_time() - start
    start = time.process_time()
    sketches = {d: sketch(texts[d]) for d in docs}
    settled = [agree(sketches[a], sketches[b]) for a, b in pairs]
    quick_s = time.process_time() - start
    below = [s for s, ok in zip(full, settled, strict=True) if ok and s < 1.0]
    return {
        "pairs": len(pairs),
        "settled": sum(settled),
        "settled_below_1": len(below),
        "settled_below_0.7": sum(s < 0.7 for s in below),
        "full_cpu_s": round(full_s, 3),
        "first_look_cpu_s": round(quick_s, 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args(argv)
    results = {name: check(name) for name in CORPORA}
    for name, row in results.items():
        print(name, " ".join(f"{k}={v}" for k, v in row.items()))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
