#!/usr/bin/env python3
"""``strip_chrome`` with per-document fast paths, timed beside today's and checked to give the
same text on real data (the throughput corpus, syndication-dev, html-dev after extraction, the
Chinese, Arabic and Japanese sets).

    .venv/bin/python benchmarks/prototypes/proto_chrome.py [--corpus CORPUS.jsonl] [--docs 5000]

Today every short line (<= 200 characters) pays a call of ``_chrome_kind``: a first-word
match, a casefold of the whole line and three substring tests for "all rights reserved",
and ``script_chrome_kind``'s regex search for a CJK/Arabic character. The prototype finds,
with one regex over the whole document (C speed), the lines that can be chrome for some rule
(a superset: first words of the rules, "serv", a title's site separator); a document with
none is returned as it is, and in the others only those lines are tried. Documents holding a
CJK/Arabic character, or a character whose casefold is several letters (which IGNORECASE
does not fold), take today's path.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
import unicodedata
from functools import cache

import numpy as np
from numba import njit

from dedupe import kernels
from dedupe.default_plugins import chrome as C
from dedupe.default_plugins.chrome_scripts import list_item
from dedupe.kernels import compiled

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data")


# -- the candidate scan, a byte kernel over the batch -------------------------------------------
FNV_OFFSET = np.uint64(0xCBF29CE484222325)
FNV_PRIME = np.uint64(0x100000001B3)


def _fnv(cps: list[int]) -> int:
    h = 0xCBF29CE484222325
    for c in cps:
        h = ((h ^ c) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


@cache
def tables() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(per code point: 1 letter of ``[^\\W\\d_]``, 2 space, 4 a CJK/Arabic script character
    or one whose casefold is several characters (its document takes today's path); casefold
    images (one code point, else -1); sorted FNV hashes of the rules' first words; of the
    editorial-note words; the longest first word)."""
    from dedupe.kernels.charclass import classes
    from dedupe.kernels.codepoints import SIZE, casefold

    cls = classes()
    kind = np.zeros(SIZE, dtype=np.uint8)
    kind[cls == 1] = 1
    for cp in np.flatnonzero(cls == 1).tolist():
        if unicodedata.category(chr(cp)) == "Nd":
            kind[cp] = 0
    kind[cls == 2] = 2
    for lo, hi in (
        (0x590, 0x8FF),
        (0x3000, 0x30FF),
        (0x3400, 0x4DBF),
        (0x4E00, 0x9FFF),
        (0xF900, 0xFAFF),
        (0xFF00, 0xFFEF),
    ):
        kind[lo : hi + 1] = 4
    fold = casefold()
    single = fold.single.copy()
    multi = single < 0
    kind[multi & (kind != 2)] = 4
    single[multi] = -1
    keys = [k for k in C._BY_FIRST_WORD if k != "#"]
    key_hashes = np.array(sorted({_fnv([ord(c) for c in k]) for k in keys}), dtype=np.uint64)
    notes = ("correction", "clarification", "editor", "rectificatif", "erratum")
    note_hashes = np.array(sorted({_fnv([ord(c) for c in k]) for k in notes}), dtype=np.uint64)
    return kind, single, key_hashes, note_hashes, np.array([max(map(len, keys))])


@njit(cache=True, nogil=True)
def _in_sorted(arr, x):
    i = np.searchsorted(arr, x)
    return i < arr.shape[0] and arr[i] == x


@njit(cache=True, nogil=True)
def chrome_candidates(buf, doc_offsets, kind, fold, keys, notes, longest, short, reserved_len):
    """Per document: whether it takes today's path whole (``full``); else its candidate lines
    as (line number, first and end character offset of the line, non-empty lines before it),
    CSR by document. A line is a candidate when it may be chrome for some rule: stripped, at
    most ``short`` characters and starting with a rule's first word or "(", "©" or a digit; or
    longer and starting with an editorial-note word; or at most ``reserved_len`` characters
    holding "serv"; or, while it may still be among a document's first three content lines, at
    most ``short`` characters holding a separator between spaces (a title's site name)."""
    n_docs = doc_offsets.shape[0] - 1
    full = np.zeros(n_docs, dtype=np.bool_)
    cap = doc_offsets[n_docs] // 8 + n_docs + 1
    lines = np.empty(cap, dtype=np.int64)
    starts = np.empty(cap, dtype=np.int64)
    ends = np.empty(cap, dtype=np.int64)
    before = np.empty(cap, dtype=np.int64)
    counts = np.zeros(n_docs + 1, dtype=np.int64)
    nc = 0
    for d in range(n_docs):
        p = doc_offsets[d]
        end = doc_offsets[d + 1]
        ch = 0  # character offset in the document
        line = 0
        nonempty = 0
        cands_before = 0
        while p <= end and not full[d]:
            # One line: [p, line end).
            line_start_ch = ch
            q = p
            first_ns = -1  # characters: first and last non-space, stripped length
            last_ns = -1
            state = 0  # 0 leading space, 1 in the first word, 2 after it
            word_len = 0
            h = FNV_OFFSET
            first_cp = -1
            serv = 0
            sep = 0  # 1 after a space, 2 after space + separator
            has_sep = False
            has_serv = False
            while q < end and buf[q] != 0x0A:
                c = buf[q]
                if c < 0x80:
                    cp = np.int64(c)
                    size = 1
                else:
                    cp, size = compiled._decode(buf, q)
                k = kind[cp]
                if k == 4:
                    full[d] = True
                    break
                if k != 2:
                    if first_ns < 0:
                        first_ns = ch
                        first_cp = cp
                    last_ns = ch
                f = fold[cp]
                if state == 0 and k != 2:
                    state = 1 if k == 1 else 2
                if state == 1:
                    if k == 1:
                        h = (h ^ np.uint64(f)) * FNV_PRIME
                        word_len += 1
                    else:
                        state = 2
                # "serv", casefolded
                if f == 0x73:
                    serv = 1
                elif serv == 1 and f == 0x65:
                    serv = 2
                elif serv == 2 and f == 0x72:
                    serv = 3
                elif serv == 3 and f == 0x76:
                    has_serv = True
                    serv = 0
                else:
                    serv = 0
                # a separator between spaces
                if k == 2:
                    if sep == 2:
                        has_sep = True
                    sep = 1
                elif sep == 1 and (cp == 0x7C or cp == 0x2013 or cp == 0x2014 or cp == 0x2D):
                    sep = 2
                else:
                    sep = 0
                ch += 1
                q += size
                if (
                    state == 2
                    and ch - line_start_ch > short + 1
                    and first_ns >= 0
                    and (ch - first_ns > short + 1)
                    and not (word_len > 0 and _in_sorted(notes, h))
                ):
                    # Longer than any short line: only a note's first word can make it a
                    # candidate; the rest of the line is skipped, counting its characters
                    # and looking only at lead bytes for a character sending the document
                    # to today's path.
                    while q < end and buf[q] != 0x0A:
                        c = buf[q]
                        if c >= 0xC3:
                            if c == 0xC3:
                                if q + 1 < end and buf[q + 1] == 0x9F:
                                    full[d] = True
                                    break
                            else:
                                cp, size = compiled._decode(buf, q)
                                if kind[cp] == 4:
                                    full[d] = True
                                    break
                        if (c & 0xC0) != 0x80:
                            ch += 1
                        q += 1
                    first_ns = ch  # no candidate: size unknown but > short
                    last_ns = ch + short + 1
                    break
            if full[d]:
                break
            line_end_ch = ch
            if first_ns >= 0:
                size_ch = last_ns - first_ns + 1
                cand = False
                if size_ch <= short:
                    if (
                        (word_len > 0 and word_len <= longest and _in_sorted(keys, h))
                        or (
                            word_len == 0
                            and (first_cp == 0x28 or first_cp == 0xA9 or (0x30 <= first_cp <= 0x39))
                        )
                        or (has_sep and nonempty - cands_before < 3)
                    ):
                        cand = True
                elif word_len > 0 and _in_sorted(notes, h):
                    cand = True
                if has_serv and size_ch <= reserved_len:
                    cand = True
                if cand:
                    lines[nc] = line
                    starts[nc] = line_start_ch
                    ends[nc] = line_end_ch
                    before[nc] = nonempty
                    nc += 1
                    cands_before += 1
                nonempty += 1
            line += 1
            p = q + 1
            ch += 1  # the newline
        counts[d + 1] = nc
    return full, lines[:nc], starts[:nc], ends[:nc], before[:nc], counts


def strip_candidates(
    text: str, lines: list[int], starts: list[int], ends: list[int], before: list[int], n_lines: int
) -> str:
    """``strip_chrome`` of a document whose only possible chrome lines are the candidates
    (every other line is content and kept as it is)."""
    out: list[str] = []
    at = 0  # characters of text copied so far
    dropped = 0  # non-empty lines dropped before the current one
    short = C.SHORT
    for i, cs, ce, nb in zip(lines, starts, ends, before, strict=True):
        line = text[cs:ce]
        stripped = line.strip()
        content_seen = nb - dropped
        kind = C._chrome_kind(stripped) if len(stripped) <= short else None
        if kind is None and len(stripped) > short and C._NOTE.match(stripped):
            kind = C._chrome_kind(stripped)
        if kind == "related":
            if i >= n_lines // 3:
                rest = text[ce + 1 :].split("\n") if ce < len(text) else []
                if all(list_item(x.strip(), C.LIST_ITEM) for x in rest):
                    out.append(text[at:cs])  # the heading and everything after it go
                    result = "".join(out)
                    return result[:-1] if result.endswith("\n") and cs > 0 else result
            out.append(text[at:cs])
            at = ce + 1 if ce < len(text) else ce
            dropped += 1
            continue
        if kind in ("line", "byline"):
            out.append(text[at:cs])
            at = ce + 1 if ce < len(text) else ce
            dropped += 1
            continue
        if content_seen < 3 and len(stripped) <= short:
            new = line
            crumb = C._BREADCRUMB_PREFIX.match(stripped)
            if crumb and crumb.end() > 0 and crumb.group(1):
                stripped = stripped[crumb.end() :].strip()
                new = stripped
            suffix = C._SITE_SUFFIX.match(stripped)
            if suffix and not C._SENTENCE_END.search(stripped):
                new = suffix.group(1)
            trimmed = new != stripped or crumb
            if trimmed and C._chrome_kind(new.strip()) is not None:
                out.append(text[at:cs])
                at = ce + 1 if ce < len(text) else ce
                dropped += 1
                continue
            if new != line:
                out.append(text[at:cs])
                out.append(new)
                at = ce
    out.append(text[at:])
    result = "".join(out)
    if at == len(text) and result.endswith("\n") and at > 0 and text.endswith("\n") is False:
        result = result[:-1]
    return result


def strip_chrome_batch(texts: list[str]) -> list[str]:
    """``strip_chrome`` of each text of a batch: candidates found by the byte kernel."""
    kind, fold, keys, notes, longest = tables()
    buf, offsets = kernels.encode_batch(texts)
    full, lines, starts, ends, before, counts = chrome_candidates(
        buf, offsets, kind, fold, keys, notes, int(longest[0]), C.SHORT, 120
    )
    out = []
    bounds = counts.tolist()
    lines_l, starts_l, ends_l, before_l = (x.tolist() for x in (lines, starts, ends, before))
    for d, text in enumerate(texts):
        if full[d]:
            out.append(C.strip_chrome(text))
            continue
        a, b = bounds[d], bounds[d + 1]
        if a == b:
            out.append(text)
            continue
        out.append(
            strip_candidates(
                text, lines_l[a:b], starts_l[a:b], ends_l[a:b], before_l[a:b], text.count("\n") + 1
            )
        )
    return out


def texts_of(path: str, limit: int | None = None, field: str = "text") -> list[str]:
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if limit is not None and len(out) >= limit:
                break
            if line.strip():
                out.append(json.loads(line)[field])
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="/work/bench-data/20000/corpus.jsonl")
    ap.add_argument("--docs", type=int, default=5000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    from dedupe.default_plugins.main_content import main_text

    sets = {"throughput corpus": texts_of(args.corpus, args.docs)}
    for name in ("syndication-dev", "intl-dev/zh", "intl-dev/ar", "intl-dev/ja", "html-dev"):
        folder = os.path.join(DATA, name)
        files = (
            [
                f
                for f in sorted(os.listdir(folder))
                if f.endswith(".jsonl") and "truth" not in f and "works" not in f
            ]
            if os.path.isdir(folder)
            else []
        )
        if files:
            texts = texts_of(os.path.join(folder, files[0]))
            sets[name] = [main_text(t) for t in texts]  # what chrome receives: after html
    for name, texts in sets.items():
        fast = [
            y for s in range(0, len(texts), 1000) for y in strip_chrome_batch(texts[s : s + 1000])
        ]
        bad = [
            k for k, (t, y) in enumerate(zip(texts, fast, strict=False)) if C.strip_chrome(t) != y
        ]
        if bad:
            k = bad[0]
            print(repr(C.strip_chrome(texts[k])[:3000]))
            print(repr(fast[k][:3000]))
        same = len(texts) - len(bad)
        print(f"{name}: {len(texts)} documents, identical output {same}/{len(texts)}")
        assert same == len(texts), name
    print(f"\n{'set':<20} {'today us/doc':>12} {'proto us/doc':>12} {'speed-up':>8}")
    for name, texts in sets.items():
        times: dict[str, list[float]] = {"today": [], "proto": []}
        for _ in range(args.rounds):
            for label in ("today", "proto"):
                t0 = time.process_time()
                if label == "today":
                    for t in texts:
                        C.strip_chrome(t)
                else:
                    for s in range(0, len(texts), 1000):
                        strip_chrome_batch(texts[s : s + 1000])
                times[label].append(time.process_time() - t0)
        a, b = (1e6 * statistics.median(times[k]) / len(texts) for k in ("today", "proto"))
        print(f"{name:<20} {a:12.1f} {b:12.1f} {a / b:7.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
