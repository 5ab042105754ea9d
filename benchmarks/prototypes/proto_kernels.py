#!/usr/bin/env python3
"""Prototype kernels for pass 1, timed beside today's and checked to give identical values.

    .venv/bin/python benchmarks/prototypes/proto_kernels.py CORPUS.jsonl [--docs 20000] [--rounds 3]

Today, after ``html``/``chrome``/``boilerplate``, a batch goes through six byte kernels
(``nfkc``, ``quotes``, ``scripts``, ``casefold``, ``punctuation``, ``whitespace``: six passes,
six buffers), then the shingle kernel, then ``minhash``, ``select_anchors`` (numpy),
``unique_segments`` (a sort per document) and ``char_counts`` (numpy), each its own pass.

Prototypes:

* ``fused chain``: the six normalisers are each context-free code point maps (``nfkc`` on the
  documents its fast path covers; the others are flagged and take today's path), so their
  composition is one table: image of every code point through all six, spaces marked. One
  kernel decodes each code point once and writes the collapsed output (words joined by single
  spaces): the same bytes as today's chain.
* ``sign fused``: one kernel per batch giving the signatures, the anchors (packed and sorted
  as ``select_anchors`` gives them) and the sorted distinct shingle sets (an LSD radix sort
  per document instead of a comparison sort), from the shingle hashes in text order.

The process is pinned to one core; CPU time (process_time) per step, rounds interleaved,
median, per document.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from functools import cache

import numpy as np
from numba import njit

os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import contextlib

from dedupe import Engine, kernels
from dedupe.anchors import select_anchors
from dedupe.kernels import compiled
from dedupe.normalise import Chain
from dedupe.passes import char_counts
from dedupe.shingle import ShingleSets, hash_encoded

SUFFIX = ("nfkc", "quotes", "scripts", "casefold", "punctuation", "whitespace")


# -- the composed table -----------------------------------------------------------------------
@cache
def composed_table() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(single, starts, multi) of the six normalisers' composition per code point; an image
    code point 0x20 stands for any space (the collapse emits one 0x20 per run); ``single`` is
    -2 for a code point nfkc's fast path flags (its document takes today's path) and
    ``-(k + 3)`` for an image of several (or no) code points at ``multi[starts[k]:...]``."""
    from dedupe.default_plugins.normalisers import _QUOTE_MAP, _nfkc_tables
    from dedupe.default_plugins.scripts import table as scripts_table
    from dedupe.kernels.charclass import classes
    from dedupe.kernels.codepoints import SIZE, casefold, mapping

    nfkc_map, flagged = _nfkc_tables()
    maps = [nfkc_map, mapping(tuple(_QUOTE_MAP.items())), scripts_table(), casefold()]
    cls = classes()

    def image(table, cp: int) -> list[int]:
        v = int(table.single[cp])
        if v >= 0:
            return [v]
        k = -v - 1
        return table.multi[table.starts[k] : table.starts[k + 1]].tolist()

    # Code points some map changes, or whose class is not a plain word character's: the
    # others map to themselves.
    changed = np.zeros(SIZE, dtype=bool)
    ident = np.arange(SIZE, dtype=np.int32)
    for t in maps:
        changed |= t.single != ident
    changed |= cls != 1
    single = ident.copy()
    single[flagged.astype(bool)] = -2
    starts = [0]
    multi: list[int] = []
    for cp in np.flatnonzero(changed & ~flagged.astype(bool)).tolist():
        cps = [cp]
        for t in maps:
            cps = [y for x in cps for y in image(t, x)]
        out = []
        for x in cps:
            c = cls[x]
            if c == 0 or c == 3 or c == 2:  # punctuation/underscore become spaces; spaces
                out.append(0x20)
            else:
                out.append(x)
        if len(out) == 1:
            single[cp] = out[0]
        else:
            single[cp] = -(len(starts) + 2)
            multi.extend(out)
            starts.append(len(multi))
    return single, np.asarray(starts, dtype=np.int64), np.asarray(multi, dtype=np.int32)


@njit(cache=True, nogil=True)
def fused_chain(buf, doc_offsets, single, starts, multi):
    """The six normalisers in one pass: (buffer, offsets, flagged documents)."""
    n_docs = doc_offsets.shape[0] - 1
    out = np.empty(3 * doc_offsets[n_docs] + 4, dtype=np.uint8)
    offsets = np.zeros(n_docs + 1, dtype=np.int64)
    flags = np.zeros(n_docs, dtype=np.bool_)
    k = 0
    for d in range(n_docs):
        p = doc_offsets[d]
        end = doc_offsets[d + 1]
        start = k
        pending = False
        while p < end:
            c = buf[p]
            if c < 0x80:
                v = single[c]
                size = 1
            else:
                cp, size = compiled._decode(buf, p)
                v = single[cp]
            p += size
            if v >= 0:
                if v == 0x20:
                    pending = True
                    continue
                if pending and k > start:
                    out[k] = 0x20
                    k += 1
                pending = False
                k = compiled._encode(out, k, v)
            elif v == -2:
                flags[d] = True
            else:
                j = -v - 3
                for q in range(starts[j], starts[j + 1]):
                    x = multi[q]
                    if x == 0x20:
                        pending = True
                        continue
                    if pending and k > start:
                        out[k] = 0x20
                        k += 1
                    pending = False
                    k = compiled._encode(out, k, x)
        offsets[d + 1] = k
    return out[:k].copy(), offsets, flags


def fused_encoded(chain_suffix: Chain, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The suffix chain's encoded output, with the fused kernel (flagged documents through
    today's chain)."""
    single, starts, multi = composed_table()
    buf, offsets = kernels.encode_batch(texts)
    out, new_offsets, flags = fused_chain(buf, offsets, single, starts, multi)
    if not flags.any():
        return out, new_offsets
    docs = np.flatnonzero(flags).tolist()
    redo_buf, redo_off = chain_suffix.encoded([texts[d] for d in docs])
    parts = []
    sizes = np.diff(new_offsets)
    redo = dict(zip(docs, range(len(docs)), strict=True))
    for d in range(len(texts)):
        if d in redo:
            r = redo[d]
            parts.append(redo_buf[redo_off[r] : redo_off[r + 1]])
        else:
            parts.append(out[new_offsets[d] : new_offsets[d + 1]])
        sizes[d] = len(parts[-1])
    offsets2 = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets2[1:])
    return np.concatenate(parts) if parts else out[:0], offsets2


# -- signatures, anchors and sets in one kernel -----------------------------------------------
@njit(cache=True, nogil=True)
def _fmix(h):
    h ^= h >> np.uint32(16)
    h = np.uint32(h * np.uint32(0x85EBCA6B))
    h ^= h >> np.uint32(13)
    h = np.uint32(h * np.uint32(0xC2B2AE35))
    h ^= h >> np.uint32(16)
    return h


@njit(cache=True, nogil=True)
def sign_fused(hashes, offsets, a, b, doc_numbers, head, head_rate, rate):
    """(signatures, anchor codes sorted and distinct, set values, set offsets)."""
    n_docs = offsets.shape[0] - 1
    num_perm = a.shape[0]
    sig = np.empty((n_docs, num_perm), dtype=np.uint32)
    total = hashes.shape[0]
    values = np.empty(total, dtype=np.uint32)
    set_offsets = np.zeros(n_docs + 1, dtype=np.int64)
    anchors = np.empty(total, dtype=np.uint64)
    na = 0
    longest = 0
    for d in range(n_docs):
        longest = max(longest, offsets[d + 1] - offsets[d])
    tmp = np.empty(longest, dtype=np.uint32)
    mixed = np.empty(longest, dtype=np.uint32)
    count = np.empty(256, dtype=np.int64)
    k = 0
    for d in range(n_docs):
        lo = offsets[d]
        m = offsets[d + 1] - lo
        row = sig[d]
        for p in range(num_perm):
            row[p] = np.uint32(0xFFFFFFFF)
        for i in range(m):
            h = _fmix(hashes[lo + i])
            mixed[i] = h
        # MinHash (one pass over the shingles per 4 permutations keeps the row in registers).
        for i in range(m):
            h = mixed[i]
            for p in range(num_perm):
                row[p] = min(row[p], np.uint32(a[p] * h + b[p]))
        # Anchors: 1 in head_rate of the first `head` shingles, 1 in rate after.
        dn = np.uint64(doc_numbers[d])
        first_a = na
        for i in range(m):
            h = mixed[i]
            r = head_rate if i < head else rate
            if h % np.uint32(r) == 0:
                anchors[na] = (np.uint64(h) << np.uint64(32)) | dn
                na += 1
        # Sets: LSD radix sort of the raw hashes (4 passes of 8 bits), then distinct values.
        src = values[k : k + m]
        for i in range(m):
            src[i] = hashes[lo + i]
        dst = tmp[:m]
        for shift in range(0, 32, 8):
            count[:] = 0
            for i in range(m):
                count[(src[i] >> np.uint32(shift)) & np.uint32(0xFF)] += 1
            s = 0
            for j in range(256):
                c = count[j]
                count[j] = s
                s += c
            for i in range(m):
                v = src[i]
                j = (v >> np.uint32(shift)) & np.uint32(0xFF)
                dst[count[j]] = v
                count[j] += 1
            src, dst = dst, src
        # After 4 passes the sorted values are back in values[k:k+m] (even number of swaps).
        w = k
        for i in range(m):
            v = values[k + i]
            if i == 0 or v != values[w - 1]:
                values[w] = v
                w += 1
        k = w
        set_offsets[d + 1] = k
        # Distinct anchors of this document, sorted (insertion sort: a few dozen).
        for i in range(first_a + 1, na):
            x = anchors[i]
            j = i - 1
            while j >= first_a and anchors[j] > x:
                anchors[j + 1] = anchors[j]
                j -= 1
            anchors[j + 1] = x
        w = first_a
        for i in range(first_a, na):
            if i == first_a or anchors[i] != anchors[w - 1]:
                anchors[w] = anchors[i]
                w += 1
        na = w
    out = anchors[:na].copy()
    out.sort()  # across documents: values first (what np.unique gives)
    return sig, out, values[:k].copy(), set_offsets


@njit(cache=True, nogil=True)
def char_counts_kernel(buf, offsets):
    n = offsets.shape[0] - 1
    out = np.zeros(n, dtype=np.int64)
    for d in range(n):
        c = 0
        for p in range(offsets[d], offsets[d + 1]):
            if (buf[p] & 0xC0) != 0x80:
                c += 1
        out[d] = c
    return out


# -- driver -----------------------------------------------------------------------------------
def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--batch", type=int, default=1000)
    args = ap.parse_args()
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    with open(args.corpus, "rb") as f:
        docs = [json.loads(line) for _, line in zip(range(args.docs), f, strict=False)]
    texts = [d["text"] for d in docs]
    engine = Engine()
    corpus = engine.open_documents([(str(d["id"]), d["text"]) for d in docs])
    chain = engine.learn(corpus)
    names = chain.names
    cut = names.index("nfkc")
    prefix, suffix = Chain(chain.normalisers[:cut]), Chain(chain.normalisers[cut:])
    assert tuple(suffix.names) == SUFFIX, suffix.names
    t0 = time.process_time()
    composed_table()
    table_s = time.process_time() - t0
    batches = [
        prefix(texts[s : s + args.batch]) for s in range(0, len(texts), args.batch)
    ]  # what the byte chain receives
    cfg = engine.config
    settings = engine.anchors
    hasher = engine.hasher

    # Checks (and the kernels' compile/cache load) first.
    base = 0
    for batch in batches:
        buf, off = suffix.encoded(batch)
        fbuf, foff = fused_encoded(suffix, batch)
        assert np.array_equal(off, foff) and np.array_equal(buf, fbuf), "fused chain differs"
        hashes, hoff = hash_encoded(engine.unit, buf, off, cfg.ngram)
        local = np.arange(base, base + len(batch), dtype=np.int64)
        base += len(batch)
        sig = hasher(hashes, hoff)
        anchors = select_anchors(hashes, hoff, local, settings)
        sets = ShingleSets.from_hashes(hashes, hoff)
        s2, a2, v2, o2 = sign_fused(
            hashes,
            hoff,
            hasher.a,
            hasher.b,
            local,
            settings.head,
            settings.head_sampling,
            settings.sampling,
        )
        assert np.array_equal(sig, s2), "signatures differ"
        assert np.array_equal(anchors, a2), "anchors differ"
        assert np.array_equal(sets.values, v2) and np.array_equal(sets.offsets, o2), "sets"
        assert np.array_equal(char_counts(buf, off), char_counts_kernel(buf, off))
    print(
        f"{len(texts)} documents, batches of {args.batch}: fused chain, signatures, anchors, "
        f"sets and char counts identical to today's. Composed table built in {table_s:.1f} s "
        "CPU (cached on disk in a real build)."
    )

    steps: dict[str, list[float]] = {}

    def timed(name: str, func, *a):  # type: ignore[no-untyped-def]
        t0 = time.process_time()
        out = func(*a)
        steps[name][-1] += time.process_time() - t0
        return out

    order = [
        "today: 6 byte normalisers (+encode)",
        "proto: fused chain (+encode)",
        "shingle hash (auto unit)",
        "today: minhash",
        "today: select_anchors",
        "today: unique_segments",
        "today: char_counts",
        "proto: sign_fused (sig+anchors+sets)",
        "proto: char_counts kernel",
    ]
    for _ in range(args.rounds):
        for k in order:
            steps.setdefault(k, []).append(0.0)
        base = 0
        for batch in batches:
            local = np.arange(base, base + len(batch), dtype=np.int64)
            base += len(batch)
            buf, off = timed(order[0], suffix.encoded, batch)
            timed(order[1], fused_encoded, suffix, batch)
            hashes, hoff = timed(order[2], hash_encoded, engine.unit, buf, off, cfg.ngram)
            timed(order[3], hasher, hashes, hoff)
            timed(order[4], select_anchors, hashes, hoff, local, settings)
            timed(order[5], ShingleSets.from_hashes, hashes, hoff)
            timed(order[6], char_counts, buf, off)
            timed(
                order[7],
                sign_fused,
                hashes,
                hoff,
                hasher.a,
                hasher.b,
                local,
                settings.head,
                settings.head_sampling,
                settings.sampling,
            )
            timed(order[8], char_counts_kernel, buf, off)
    n = len(texts)
    print(f"\n{'step (one core, CPU)':<42} {'us/doc':>8} {'s total':>8}")
    for k in order:
        t = statistics.median(steps[k])
        print(f"{k:<42} {1e6 * t / n:8.1f} {t:8.2f}")
    today = sum(statistics.median(steps[k]) for k in order[:7])
    proto = sum(statistics.median(steps[k]) for k in (order[1], order[2], order[7], order[8]))
    print(
        f"\nafter boilerplate -> signature, anchors, sets: today {1e6 * today / n:.1f} us/doc "
        f"({n / today:,.0f} docs/s), prototype {1e6 * proto / n:.1f} us/doc "
        f"({n / proto:,.0f} docs/s)"
    )
    print(json.dumps({k: statistics.median(v) for k, v in steps.items()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
