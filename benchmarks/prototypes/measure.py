#!/usr/bin/env python3
"""Run commands alternately, several rounds, and report wall, CPU and peak memory of each.

    python benchmarks/prototypes/measure.py --rounds 3 --label a -- CMD... [--label b -- CMD...]

Each command runs as a child; wall time, CPU time (user+sys of the child and every process it
waited for, from ``os.wait4``), peak RSS of the process tree (psutil, sampled every 50 ms) and
the 1-minute load average before and after. Variants are interleaved round by round (a, b, a,
b...) so that a shared machine's load falls on each alike; medians are printed, and every
round is written as JSON lines to ``--out`` when given. A command whose ``report.json`` lands
in a folder named by ``--report`` also has its stage timings recorded.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import statistics
import subprocess
import sys
import threading
import time

import psutil


def tree_rss(proc: psutil.Process) -> int:
    try:
        total = proc.memory_info().rss
        for child in proc.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += child.memory_info().rss
        return total
    except psutil.Error:
        return 0


def run_once(cmd: list[str], env: dict[str, str], report: str | None) -> dict:
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    child = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        try:
            proc = psutil.Process(child.pid)
        except psutil.Error:
            return
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss(proc))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    err = child.stderr.read().decode("utf-8", "replace") if child.stderr else ""
    out = {
        "rc": os.waitstatus_to_exitcode(status),
        "wall_s": round(wall, 3),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
        "user_s": round(usage.ru_utime, 3),
        "sys_s": round(usage.ru_stime, 3),
        "peak_tree_mb": round(peak[0] / 1e6, 1),
        "maxrss_mb": round(usage.ru_maxrss / 1e3, 1),
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }
    if out["rc"] != 0:
        out["stderr"] = err[-2000:]
    if report and os.path.exists(os.path.join(report, "report.json")):
        with open(os.path.join(report, "report.json")) as f:
            out["timings"] = {k: round(v, 3) for k, v in json.load(f).get("timings", {}).items()}
    return out


def parse_variants(argv: list[str]) -> list[tuple[str, list[str], str | None]]:
    variants = []
    label, report = None, None
    i = 0
    while i < len(argv):
        if argv[i] == "--label":
            label = argv[i + 1]
            i += 2
        elif argv[i] == "--report":
            report = argv[i + 1]
            i += 2
        elif argv[i] == "--":
            j = i + 1
            while j < len(argv) and argv[j] not in ("--label",):
                j += 1
            variants.append((label or f"v{len(variants)}", argv[i + 1 : j], report))
            label, report = None, None
            i = j
        else:
            raise SystemExit(f"unexpected argument {argv[i]!r}")
    return variants


def main() -> int:
    ap = argparse.ArgumentParser(add_help=False)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", default=None)
    ap.add_argument("--env", action="append", default=[], help="NAME=VALUE for every command")
    args, rest = ap.parse_known_args()
    variants = parse_variants(rest)
    env = dict(os.environ)
    for item in args.env:
        name, _, value = item.partition("=")
        env[name] = value
    results: dict[str, list[dict]] = {label: [] for label, _, _ in variants}
    sink = open(args.out, "a") if args.out else None  # noqa: SIM115 - closed at exit
    for r in range(args.rounds):
        for label, cmd, report in variants:
            res = run_once(cmd, env, report)
            res.update(label=label, round=r, cmd=shlex.join(cmd))
            results[label].append(res)
            print(json.dumps(res), file=sys.stderr, flush=True)
            if sink:
                sink.write(json.dumps(res) + "\n")
                sink.flush()
    print(f"{'variant':<28} {'wall s':>8} {'CPU s':>8} {'tree MB':>8} {'load':>9}")
    for label, runs in results.items():
        ok = [x for x in runs if x["rc"] == 0] or runs
        med = {k: statistics.median(x[k] for x in ok) for k in ("wall_s", "cpu_s", "peak_tree_mb")}
        loads = f"{min(x['load_before'] for x in ok):.1f}-{max(x['load_after'] for x in ok):.1f}"
        print(
            f"{label:<28} {med['wall_s']:>8.2f} {med['cpu_s']:>8.2f} "
            f"{med['peak_tree_mb']:>8.0f} {loads:>9}"
        )
        timings = [x["timings"] for x in ok if "timings" in x]
        if timings:
            keys = timings[0].keys()
            print(
                "    "
                + ", ".join(
                    f"{k} {statistics.median(t.get(k, 0) for t in timings):.2f}" for k in keys
                )
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
