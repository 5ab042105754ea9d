#!/usr/bin/env python3
"""End to end, corpus file to clusters: datasketch, rensa and ``dedupe run`` on the same corpora.

    python benchmarks/bench_e2e.py --sizes 10000,100000,1000000 --corpus-dir /work/bench-data

For each size N the corpus ``CORPUS_DIR/N/corpus.jsonl`` (with ``truth.jsonl``) is built with
make_corpus.py when missing. Each tool then runs in its own subprocess, one at a time:

* ``datasketch`` and ``rensa``: ``benchmarks/peers.py`` (read JSONL, MinHash of word 5-grams,
  LSH query + insert, union-find; see its docstring);
* ``dedupe``: ``dedupe run CORPUS -o OUT -q`` with default settings (after one untimed run on a
  tiny corpus, so that numba's compiled kernels are in its cache, as on any second run).

Measured per run: wall time, CPU time (user + system, from ``os.wait4``), peak RSS (the larger
of ``ru_maxrss`` from ``os.wait4`` and the sum of the RSS of the process tree sampled every
0.1 s with psutil), docs/s and MB/s of the JSONL input; accuracy of the clusters against
``truth.jsonl`` (pairwise precision, recall, F1, ARI; recall of copies and of teasers) with
``dedupe.evaluate``. A tool whose time, extrapolated linearly from its previous size, would
exceed ``--cap-minutes`` (15) is skipped at that size and marked so. Results are merged into
``benchmarks/results/e2e.json`` (same tool and size replaced) and plotted, log-log time against
corpus size, in ``benchmarks/results/e2e_time_vs_size.png``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from provenance import dedupe_source

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
VENV_BIN = Path(sys.executable).parent
TOOLS = ("datasketch", "rensa", "dedupe")
RSS_LIMIT_GB = 4.0
DEDUPE_1M_LIMIT_S = 180.0


def corpus_for(corpus_dir: Path, n: int) -> Path:
    folder = corpus_dir / str(n)
    if not (folder / "corpus.jsonl").exists() or not (folder / "truth.jsonl").exists():
        print(f"building the corpus of {n:,} documents in {folder}", flush=True)
        subprocess.run(
            [sys.executable, str(HERE / "make_corpus.py"), str(n), str(folder)], check=True
        )
    return folder


def command(tool: str, corpus: Path, out: Path) -> list[str]:
    if tool == "dedupe":
        exe = VENV_BIN / "dedupe"
        return [str(exe) if exe.exists() else "dedupe", "run", str(corpus), "-o", str(out), "-q"]
    return [sys.executable, str(HERE / "peers.py"), tool, str(corpus), str(out)]


def measure(cmd: list[str], timeout: float, log: Path) -> dict[str, Any]:
    """Run cmd; wall and CPU time, peak RSS (wait4 and a sampled process-tree sum)."""
    try:
        import psutil
    except ImportError:  # the tree sampling is optional
        psutil = None
    peak_tree = 0
    timeline: list[tuple[float, int]] = []  # (seconds, tree RSS MB), one point a second
    stop = threading.Event()
    t0 = time.perf_counter()
    with open(log, "w") as err:
        proc = subprocess.Popen(cmd, stdout=err, stderr=subprocess.STDOUT, cwd=ROOT)

        def sample() -> None:
            nonlocal peak_tree
            if psutil is None:
                return
            try:
                root = psutil.Process(proc.pid)
            except psutil.Error:
                return
            while not stop.is_set():
                try:
                    total = root.memory_info().rss
                    for child in root.children(recursive=True):
                        with contextlib.suppress(psutil.Error):
                            total += child.memory_info().rss
                except psutil.Error:
                    break
                peak_tree = max(peak_tree, total)
                now = time.perf_counter() - t0
                if now - (timeline[-1][0] if timeline else -1.0) >= 1.0:
                    timeline.append((round(now, 1), round(total / 2**20)))
                stop.wait(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        timed_out = False

        def kill() -> None:
            nonlocal timed_out
            timed_out = True
            proc.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        timer.cancel()
        stop.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    return {
        "returncode": proc.returncode,
        "timed_out": timed_out,
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": max(usage.ru_maxrss / 1024, peak_tree / 2**20),
        "maxrss_wait4_mb": usage.ru_maxrss / 1024,
        "peak_rss_tree_sampled_mb": peak_tree / 2**20,
        "rss_timeline_mb": timeline,
    }


def peak_stage(timings: Any, timeline: list[tuple[float, int]], startup: float) -> str:
    """The dedupe stage running when the sampled RSS peaked: the report's stages laid end to
    end after ``startup`` seconds (measured on the warm-up run); after them, writing."""
    if not isinstance(timings, dict) or not timeline:
        return ""
    t_peak = max(timeline, key=lambda p: p[1])[0]
    if t_peak < startup:
        return "start-up"
    t = startup
    for name, seconds in timings.items():
        if name in ("total", "write"):
            continue
        if t <= t_peak < t + seconds:
            return name
        t += seconds
    return "write"


def accuracy(truth_path: Path, clusters_path: Path) -> dict[str, Any]:
    from dedupe.evaluate import evaluate, load_clusters, load_truth

    report = evaluate(load_truth(truth_path), load_clusters(clusters_path))
    o = report["overall"]
    out = {k: round(o[k], 4) for k in ("precision", "recall", "f1", "ari")}
    for role, v in report.get("by_role", {}).items():
        out[f"recall_{role}"] = round(v["recall"], 4)
    return out


def warm_dedupe(work: Path, corpus: Path) -> float:
    """One untimed run on 200 documents: numba writes its compiled kernels to its cache.
    Returns the start-up time of a run (a second tiny run's wall time less its report total)."""
    tiny = work / "warmup.jsonl"
    with open(corpus, encoding="utf-8") as f, open(tiny, "w", encoding="utf-8") as g:
        for k, line in enumerate(f):
            if k >= 200:
                break
            g.write(line)
    subprocess.run(command("dedupe", tiny, work / "warmup-out"), check=True, cwd=ROOT)
    t0 = time.perf_counter()
    subprocess.run(command("dedupe", tiny, work / "warmup-out"), check=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    report = json.loads((work / "warmup-out" / "report.json").read_text())
    return max(0.0, wall - float(report.get("timings", {}).get("total", 0.0)))


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            mem = f"{int(f.readline().split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": mem,
        "python": platform.python_version(),
        "dedupe_source": dedupe_source(),
    }


def plot(rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 5), dpi=120)
    markers = {"datasketch": "o", "rensa": "s", "dedupe": "D"}
    for tool in TOOLS:
        pts = sorted(
            (r["documents"], r["wall_s"])
            for r in rows
            if r["tool"] == tool and r.get("status") == "ok"
        )
        if not pts:
            continue
        xs, ys = zip(*pts, strict=True)
        ax.plot(xs, ys, marker=markers.get(tool, "o"), label=tool)
        for x, y in pts:
            ax.annotate(
                f"{x / y:,.0f}/s", (x, y), textcoords="offset points", xytext=(4, -10), fontsize=7
            )
        skipped = sorted(
            r["documents"]
            for r in rows
            if r["tool"] == tool and r.get("status", "").startswith("skipped")
        )
        for x in skipped:
            est = next(
                (r.get("estimated_s") for r in rows if r["tool"] == tool and r["documents"] == x),
                None,
            )
            if est:
                ax.plot([pts[-1][0], x], [pts[-1][1], est], linestyle=":", color="grey")
                ax.plot([x], [est], marker=markers.get(tool, "o"), mfc="none", color="grey")
                ax.annotate(
                    f"{tool} (est., skipped)",
                    (x, est),
                    textcoords="offset points",
                    xytext=(-60, 6),
                    fontsize=7,
                    color="grey",
                )
    ax.plot([1e6], [DEDUPE_1M_LIMIT_S], marker="*", markersize=12, color="red", linestyle="none")
    ax.annotate(
        "target: 1M docs in 3 min",
        (1e6, DEDUPE_1M_LIMIT_S),
        textcoords="offset points",
        xytext=(-120, 8),
        fontsize=7,
        color="red",
    )
    ax.set_xlim(5e3, 2e6)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("documents (3-4 KB each)")
    ax.set_ylabel("wall time, s (JSONL to clusters)")
    ax.set_title("End to end: time against corpus size (2 vCPU)")
    ax.grid(True, which="both", linewidth=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def table(rows: list[dict[str, Any]]) -> str:
    """The Markdown results table (wall and CPU time; load average around the run)."""
    out = [
        "| documents | tool | wall s | CPU s | docs/s | MB/s | peak RSS MB | precision "
        "| recall | recall teasers | ARI | load avg |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if r.get("status") != "ok":
            out.append(
                f"| {r['documents']:,} | {r['tool']} | {r.get('status')} | | | | | | | | | |"
            )
            continue
        a = r["accuracy"]
        load = r.get("loadavg_1min_before_after")
        out.append(
            f"| {r['documents']:,} | {r['tool']} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | "
            f"{r['docs_per_s']:,} | {r['mb_per_s']:.1f} | {r['peak_rss_mb']:,.0f} | "
            f"{a['precision']:.3f} | {a['recall']:.3f} | {a.get('recall_teaser', float('nan')):.3f}"
            f" | {a['ari']:.3f} | {'/'.join(f'{x:.1f}' for x in load) if load else ''} |"
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument(
        "--sizes",
        default="10000,100000,1000000",
        help="comma-separated corpus sizes ('' : only redo the checks and the plot)",
    )
    ap.add_argument("--corpus-dir", type=Path, default=Path("/work/bench-data"))
    ap.add_argument("--tools", default=",".join(TOOLS))
    ap.add_argument(
        "--work-dir",
        type=Path,
        default=None,
        help="outputs of the runs (default CORPUS_DIR/e2e-out)",
    )
    ap.add_argument(
        "--cap-minutes",
        type=float,
        default=15.0,
        help="skip a tool whose extrapolated time exceeds this (15)",
    )
    ap.add_argument("--fresh", action="store_true", help="discard earlier results in e2e.json")
    ap.add_argument("--keep-outputs", action="store_true")
    ap.add_argument(
        "--table", action="store_true", help="only print the table of benchmarks/results/e2e.json"
    )
    args = ap.parse_args(argv)
    if args.table:
        print(table(json.loads((RESULTS / "e2e.json").read_text())["rows"]))
        return 0
    sizes = sorted(int(s) for s in args.sizes.split(",") if s)
    tools = [t for t in args.tools.split(",") if t]
    work = args.work_dir or args.corpus_dir / "e2e-out"
    work.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out_json = RESULTS / "e2e.json"
    old: list[dict[str, Any]] = []
    if out_json.exists() and not args.fresh:
        old = json.loads(out_json.read_text()).get("rows", [])

    rows: list[dict[str, Any]] = []
    last: dict[str, tuple[int, float]] = {}
    for r in sorted(old, key=lambda r: r["documents"]):  # extrapolate from earlier sessions too
        if r.get("status") == "ok" and sizes and r["documents"] < sizes[0]:
            last[r["tool"]] = (r["documents"], r["wall_s"])
    warmed = False
    startup = 0.0
    for n in sizes:
        folder = corpus_for(args.corpus_dir, n)
        corpus = folder / "corpus.jsonl"
        in_bytes = corpus.stat().st_size
        for tool in tools:
            row: dict[str, Any] = {"tool": tool, "documents": n, "input_mb": in_bytes / 1e6}
            if tool in last:
                n0, t0 = last[tool]
                est = t0 * n / n0
                row["estimated_s"] = round(est, 1)
                if est > args.cap_minutes * 60:
                    row["status"] = (
                        f"skipped: estimated {est / 60:.0f} min > {args.cap_minutes:g} min cap"
                    )
                    print(f"{tool:10s} {n:>9,}  {row['status']}", flush=True)
                    rows.append(row)
                    continue
            if tool == "dedupe" and not warmed:
                startup = warm_dedupe(work, corpus)
                warmed = True
            out = work / f"{tool}-{n}"
            shutil.rmtree(out, ignore_errors=True)
            cmd = command(tool, corpus, out)
            row["command"] = " ".join(Path(c).name if k == 0 else c for k, c in enumerate(cmd))
            load_before = os.getloadavg()[0]
            m = measure(cmd, timeout=args.cap_minutes * 60 * 2, log=work / f"{tool}-{n}.log")
            # Other work on the machine inflates wall time: the load average flags it.
            row["loadavg_1min_before_after"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
            row.update({k: (round(v, 2) if isinstance(v, float) else v) for k, v in m.items()})
            if m["returncode"] != 0:
                row["status"] = "timed out" if m["timed_out"] else f"failed ({m['returncode']})"
                print(
                    f"{tool:10s} {n:>9,}  {row['status']}; log {work / f'{tool}-{n}.log'}",
                    flush=True,
                )
                rows.append(row)
                continue
            row["status"] = "ok"
            row["docs_per_s"] = round(n / m["wall_s"])
            row["mb_per_s"] = round(in_bytes / 1e6 / m["wall_s"], 1)
            if tool == "dedupe":
                report = json.loads((out / "report.json").read_text())
                row["stage_timings"] = (
                    {k: round(v, 2) for k, v in report.get("timings", {}).items()}
                    if isinstance(report.get("timings"), dict)
                    else report.get("timings")
                )
                row["counts"] = {
                    k: report.get("counts", {}).get(k)
                    for k in ("candidate_pairs", "accepted_pairs", "clusters")
                }
                row["dedupe_source"] = dedupe_source()
                row["peak_rss_stage"] = peak_stage(
                    row["stage_timings"], m["rss_timeline_mb"], startup
                )
            else:
                stats = json.loads((out / "stats.json").read_text())
                row["stage_timings"] = stats["timings"]
                row["counts"] = {
                    "candidate_pairs": stats["candidate_pairs"],
                    "clusters": stats["clusters"],
                    "bands_rows": stats["bands_rows"],
                }
            row["accuracy"] = accuracy(folder / "truth.jsonl", out / "clusters.jsonl")
            last[tool] = (n, m["wall_s"])
            a = row["accuracy"]
            print(
                f"{tool:10s} {n:>9,}  {m['wall_s']:8.1f} s  {row['docs_per_s']:>8,} docs/s  "
                f"{row['mb_per_s']:6.1f} MB/s  {row['peak_rss_mb']:7.0f} MB  "
                f"P {a['precision']:.3f} R {a['recall']:.3f} ARI {a['ari']:.3f}",
                flush=True,
            )
            rows.append(row)
            if not args.keep_outputs:
                shutil.rmtree(out, ignore_errors=True)

    merged = {(r["tool"], r["documents"]): r for r in old}
    merged.update({(r["tool"], r["documents"]): r for r in rows})
    all_rows = sorted(merged.values(), key=lambda r: (r["documents"], TOOLS.index(r["tool"])))

    print()
    print(table(all_rows))

    checks: dict[str, Any] = {}
    ok = {r["documents"]: r for r in all_rows if r["tool"] == "dedupe" and r.get("status") == "ok"}
    if 100_000 in ok and 1_000_000 in ok:
        per_doc_small = ok[100_000]["wall_s"] / 100_000
        per_doc_big = ok[1_000_000]["wall_s"] / 1_000_000
        ratio = per_doc_big / per_doc_small
        checks["linearity: time/doc at 1M vs 100k (<= 1.2)"] = {
            "ratio": round(ratio, 3),
            "pass": ratio <= 1.2,
        }
        # Wall time suffers from other work on the machine; CPU time much less (informative).
        cpu_ratio = (ok[1_000_000]["cpu_s"] / 1_000_000) / (ok[100_000]["cpu_s"] / 100_000)
        checks["(info) CPU time/doc at 1M vs 100k"] = {"ratio": round(cpu_ratio, 3), "pass": True}
    if 1_000_000 in ok:
        r = ok[1_000_000]
        checks["dedupe 1M <= 180 s"] = {
            "wall_s": r["wall_s"],
            "pass": r["wall_s"] <= DEDUPE_1M_LIMIT_S,
        }
        checks["dedupe 1M peak RSS <= 4 GB"] = {
            "peak_rss_mb": r["peak_rss_mb"],
            "pass": r["peak_rss_mb"] <= RSS_LIMIT_GB * 1024,
        }
    if checks:
        print()
        for k, v in checks.items():
            verdict = "INFO" if k.startswith("(info)") else ("PASS" if v["pass"] else "FAIL")
            k = k.removeprefix("(info) ")
            print(f"{verdict}: {k}: " + ", ".join(f"{a}={b}" for a, b in v.items() if a != "pass"))

    result = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "rows": all_rows,
        "checks": checks,
    }
    out_json.write_text(json.dumps(result, indent=1) + "\n")
    plot(all_rows, RESULTS / "e2e_time_vs_size.png")
    print(f"\nwrote {out_json} and {RESULTS / 'e2e_time_vs_size.png'}")
    return 0 if all(v["pass"] for v in checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
