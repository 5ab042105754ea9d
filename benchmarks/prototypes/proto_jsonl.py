#!/usr/bin/env python3
"""Reading JSON Lines records: the reader's path today (``json.loads`` of each decoded line)
beside orjson and msgspec on the raw bytes, and msgspec with a typed struct that decodes only
the fields a run needs. Checks that every variant gives the same (id, text) per line.

    .venv/bin/python benchmarks/prototypes/proto_jsonl.py CORPUS.jsonl [--docs 20000] [--rounds 3]

CPU time (process_time) per variant, rounds interleaved, median; one core.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import msgspec
import orjson


class Doc(msgspec.Struct):
    id: str | int | float
    text: str | None = None
    date: object = None


def today(lines: list[bytes]) -> list[tuple[str, str]]:
    out = []
    for line in lines:
        text = line.decode("utf-8-sig")
        obj = json.loads(text)
        out.append((str(obj["id"]), obj["text"]))
    return out


def with_orjson(lines: list[bytes]) -> list[tuple[str, str]]:
    loads = orjson.loads
    out = []
    for line in lines:
        obj = loads(line)  # orjson takes bytes (UTF-8 checked; a BOM needs stripping first)
        out.append((str(obj["id"]), obj["text"]))
    return out


_generic = msgspec.json.Decoder()


def with_msgspec(lines: list[bytes]) -> list[tuple[str, str]]:
    dec = _generic.decode
    out = []
    for line in lines:
        obj = dec(line)
        out.append((str(obj["id"]), obj["text"]))
    return out


_typed = msgspec.json.Decoder(Doc)


def with_msgspec_struct(lines: list[bytes]) -> list[tuple[str, str]]:
    dec = _typed.decode
    out = []
    for line in lines:
        obj = dec(line)
        out.append((str(obj.id), obj.text))
    return out


_typed_lines = msgspec.json.Decoder(list[Doc])


def with_msgspec_batch(lines: list[bytes]) -> list[tuple[str, str]]:
    """One decode call per batch: the lines joined into a JSON array (what a byte scanner
    could hand over per chunk; a bad line then needs a per-line retry to be named)."""
    out = []
    for s in range(0, len(lines), 1000):
        blob = b"[" + b",".join(lines[s : s + 1000]) + b"]"
        out.extend((str(d.id), d.text) for d in _typed_lines.decode(blob))
    return out


VARIANTS = {
    "json (today)": today,
    "orjson": with_orjson,
    "msgspec": with_msgspec,
    "msgspec Struct": with_msgspec_struct,
    "msgspec Struct, 1 call/1000": with_msgspec_batch,
}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with open(args.corpus, "rb") as f:
        lines = [line.rstrip(b"\r\n") for _, line in zip(range(args.docs), f, strict=False)]
    reference = today(lines)
    for name, func in VARIANTS.items():
        assert func(lines) == reference, name
    times: dict[str, list[float]] = {k: [] for k in VARIANTS}
    for _ in range(args.rounds):
        for name, func in VARIANTS.items():
            t0 = time.process_time()
            func(lines)
            times[name].append(time.process_time() - t0)
    n = len(lines)
    mb = sum(map(len, lines)) / 1e6
    base = statistics.median(times["json (today)"])
    print(f"{n} lines, {mb:.1f} MB; identical (id, text) for every variant")
    print(f"{'variant':<30} {'us/doc':>8} {'docs/s':>10} {'MB/s':>7} {'vs today':>8}")
    for name, ts in times.items():
        t = statistics.median(ts)
        print(f"{name:<30} {1e6 * t / n:8.1f} {n / t:10,.0f} {mb / t:7.0f} {base / t:7.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
