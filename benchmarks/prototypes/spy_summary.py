#!/usr/bin/env python3
"""Summarise py-spy ``--format raw`` output (collapsed stacks): self and inclusive share per
function, and the share of each pipeline stage and step (markers on the stack).

    python benchmarks/prototypes/spy_summary.py SPY.txt [--rate 250] [--top 40]
"""

from __future__ import annotations

import argparse
import re
from collections import Counter

LINE = re.compile(r"\s*\((.*?)(?::\d+)?\)$")

#: Stages (first marker found on the stack, in this order) and, inside a stage, the step (first
#: marker found); markers are substrings of ``func (file)`` frames, ``|`` separating options.
STAGES = [
    ("import", "_find_and_load"),
    ("numba load/compile", "Dispatcher.compile|_compile_for_args"),
    ("learn", "learn_plan|learn_chain"),
    ("pass1", "sign_chunk"),
    ("merge", "_merge_signed"),
    ("candidates", "candidates_from_keys|anchor_pairs|id_ranks"),
    ("store", "_load_store"),
    ("score", "score_and_decide"),
    ("cluster+represent", "components|_clusters|Adjacency|Verifier"),
    ("write", "write_outputs|Engine.write"),
    ("pool/wait", "imap|IMapIterator|Pool|_wait"),
    ("other", ""),
]
STEPS = [
    ("sample: line hashes", "_line_hashes"),
    ("sample: read chosen", "_read_chosen"),
    ("JSON read+parse", "read_jsonl"),
    ("batches/records", "batches (dedupe/read.py)"),
    ("html", "main_text|strip_html"),
    ("chrome", "strip_chrome"),
    ("boilerplate fit", "boilerplate_lines"),
    ("boilerplate apply", "BoilerplateModel.__call__"),
    ("nfkc", "_nfkc_bytes"),
    ("quotes", "_quotes_bytes"),
    ("scripts", "scripts.py"),
    ("casefold", "casefold_bytes"),
    ("punctuation", "punctuation_bytes"),
    ("whitespace", "collapse_bytes"),
    ("encode/decode batch", "encode_batch|decode_batch"),
    ("chain: measuring len()", "Chain._run"),
    ("shingle hash", "hash_encoded (dedupe/shingle.py)"),
    ("minhash", "MinHasher.__call__"),
    ("band keys", "band_keys"),
    ("anchors", "select_anchors"),
    ("shingle sets", "ShingleSets.from_hashes"),
    ("char counts", "code_points"),
    ("spill save", "save (numpy"),
    ("", ""),
]


def classify(joined: str) -> tuple[str, str]:
    def first(table: list[tuple[str, str]]) -> str:
        for name, marker in table:
            if not marker or any(m in joined for m in marker.split("|")):
                return name
        return ""

    stage = first(STAGES)
    step = first(STEPS) if stage in ("learn", "pass1", "write") else ""
    return stage, step


def key(frame: str) -> str:
    return LINE.sub(lambda m: f" ({m.group(1)})", frame)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("raw")
    ap.add_argument("--rate", type=float, default=250)
    ap.add_argument("--top", type=int, default=40)
    args = ap.parse_args()
    self_t: Counter[str] = Counter()
    incl: Counter[str] = Counter()
    parts: Counter[tuple[str, str]] = Counter()
    total = 0
    with open(args.raw) as f:
        for line in f:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            n = int(count)
            frames = [key(x) for x in stack.split(";")]
            total += n
            self_t[frames[-1]] += n
            for fr in set(frames):
                incl[fr] += n
            parts[classify(";".join(frames))] += n
    sec = 1.0 / args.rate
    print(f"samples {total} = {total * sec:.2f} s at {args.rate:g} Hz\n")
    print("== stage / step (first matching marker on the stack) ==")
    for stage, _ in STAGES:
        here = {k: v for k, v in parts.items() if k[0] == stage}
        if not here:
            continue
        n = sum(here.values())
        print(f"{n * sec:8.2f} s {100 * n / total:5.1f}%  {stage}")
        for (_, step), m in sorted(here.items(), key=lambda kv: -kv[1]):
            if step:
                print(f"{m * sec:8.2f} s {100 * m / total:5.1f}%      {step}")
    print("\n== self time ==")
    for fr, n in self_t.most_common(args.top):
        print(f"{n * sec:8.2f} s {100 * n / total:5.1f}%  {fr}")
    print("\n== inclusive time ==")
    for fr, n in incl.most_common(args.top * 2):
        print(f"{n * sec:8.2f} s {100 * n / total:5.1f}%  {fr}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
