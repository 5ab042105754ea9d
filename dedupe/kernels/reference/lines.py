"""Reference line kernels, twins of :mod:`dedupe.kernels.compiled.lines`: the same names,
signatures and values, one line at a time over the decoded texts."""

from __future__ import annotations

import numpy as np

from dedupe.kernels.reference.utf8 import decode

_M64 = (1 << 64) - 1
_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3
_MIX = 0x9E3779B97F4A7C15
_SPACE = 2


#: The line keys' hashes: seeds and multipliers (xxh64's primes).
_KEY_SEED1, _KEY_SEED2 = 0x27D4EB2F165667C5, 0x165667B19E3779F9
_KEY_P1, _KEY_P2 = 0x9E3779B185EBCA87, 0xC2B2AE3D27D4EB4F


def _rotl64(x: int, r: int) -> int:
    return ((x << r) | (x >> (64 - r))) & _M64


def _fmix64(h: int) -> int:
    h ^= h >> 33
    h = (h * 0xC2B2AE3D27D4EB4F) & _M64
    h ^= h >> 29
    h = (h * 0x165667B19E3779F9) & _M64
    return h ^ (h >> 32)


def key_hashes(data: bytes) -> tuple[int, int]:
    """The two 64-bit hashes of a line key's UTF-8 bytes: each word of eight bytes
    (little-endian; the last padded with zeros) mixed into both, then the length, and
    xxh64's avalanche (what the compiled ``line_keys`` computes)."""
    h1, h2 = _KEY_SEED1, _KEY_SEED2
    for i in range(0, len(data), 8):
        x = int.from_bytes(data[i : i + 8], "little")
        h1 = (_rotl64(h1 ^ ((x * _KEY_P2) & _M64), 31) * _KEY_P1) & _M64
        h2 = ((h2 + x) * _MIX) & _M64
        h2 ^= h2 >> 29
    n = len(data)
    return _fmix64(h1 ^ n), _fmix64((h2 + n * _KEY_P1) & _M64)


def _fold(text: str, single: np.ndarray, starts: np.ndarray, multi: np.ndarray) -> str:
    out = []
    for c in text:
        image = int(single[ord(c)])
        if image >= 0:
            out.append(chr(image))
        else:
            m = -image - 1
            out.extend(chr(int(x)) for x in multi[starts[m] : starts[m + 1]])
    return "".join(out)


def line_keys(
    buf: np.ndarray,
    doc_offsets: np.ndarray,
    classes: np.ndarray,
    single: np.ndarray,
    starts: np.ndarray,
    multi: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per non-blank line: document, the two hashes and length of its stripped, case-folded
    key, and the stripped line's range in characters of its document."""
    rows: list[tuple[int, int, int, int, int, int]] = []
    for d, text in enumerate(decode(buf, doc_offsets)):
        at = 0
        for line in text.split("\n"):
            spaces = [classes[ord(c)] == _SPACE for c in line]
            if not all(spaces):
                a = spaces.index(False)
                b = len(line) - spaces[::-1].index(False)
                key = _fold(line[a:b], single, starts, multi)
                rows.append(
                    (d, *key_hashes(key.encode("utf-8", "surrogatepass")), len(key), at + a, at + b)
                )
            at += len(line) + 1
    columns = list(zip(*rows, strict=True)) if rows else [()] * 6
    types = (np.int64, np.uint64, np.uint64, np.int64, np.int64, np.int64)
    d_, h1, h2, w, a_, b_ = (np.array(c, dtype=t) for c, t in zip(columns, types, strict=True))
    return d_, h1, h2, w, a_, b_


def _word_hash(word: str, fold: np.ndarray) -> int:
    h = _FNV_OFFSET
    for c in word:
        h = ((h ^ int(fold[ord(c)])) * _FNV_PRIME) & _M64
    return h


def chrome_candidates(
    buf: np.ndarray,
    doc_offsets: np.ndarray,
    kind: np.ndarray,
    fold: np.ndarray,
    keys: np.ndarray,
    notes: np.ndarray,
    longest: int,
    needy: np.ndarray,
    pairs: np.ndarray,
    short: int,
    reserved: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Which documents go to ``strip_chrome`` whole, and the lines of the others that can be
    chrome with the non-blank lines before each (see the compiled kernel)."""
    key_set = {int(k) for k in keys}
    note_set = {int(k) for k in notes}
    needy_set = {int(k) for k in needy}
    pair_set = {int(k) for k in pairs}
    texts = decode(buf, doc_offsets)
    full = np.zeros(len(texts), dtype=bool)
    lines: list[int] = []
    before: list[int] = []
    counts = [0]
    for d, text in enumerate(texts):
        kinds = [int(kind[ord(c)]) for c in text]
        if 4 in kinds:
            full[d] = True
            counts.append(len(lines))
            continue
        nonempty = found = at = 0
        for number, line in enumerate(text.split("\n")):
            ks = kinds[at : at + len(line)]
            at += len(line) + 1
            if all(k == 2 for k in ks):
                continue
            a = next(i for i, k in enumerate(ks) if k != 2)
            b = len(ks) - next(i for i, k in enumerate(ks[::-1]) if k != 2)
            stripped = line[a:b]
            word_len = 0
            while word_len < len(stripped) and ks[a + word_len] == 1:
                word_len += 1
            word = "".join(chr(int(fold[ord(c)])) for c in stripped[:word_len])
            h = _word_hash(stripped[:word_len], fold)
            keyed = True  # (a needy first word needs one space and a second word of its pairs)
            if h in needy_set:
                rest = stripped[word_len + 1 :] if stripped[word_len : word_len + 1] == " " else ""
                second = 0
                while second < len(rest) and kind[ord(rest[second])] == 1:
                    second += 1
                paired = ((h * _MIX) & _M64) ^ _word_hash(rest[:second], fold)
                keyed = second > 0 and paired in pair_set
            folded = "".join(chr(int(fold[ord(c)])) for c in stripped)
            spaced = "".join(" " if k == 2 else c for c, k in zip(stripped, ks[a:b], strict=True))
            has_sep = any(f" {s} " in spaced for s in "|–—-")
            if len(stripped) <= short:
                cand = (
                    (0 < word_len <= longest and h in key_set and keyed)
                    or (word_len == 0 and (stripped[0] in "(©" or "0" <= stripped[0] <= "9"))
                    or (
                        nonempty - found < 3
                        and (has_sep or word.startswith("home") or word.startswith("accueil"))
                    )
                )
                reserves = "ts reserv" in folded or "ts réserv" in folded
                cand = cand or (reserves and len(stripped) <= reserved)
            else:
                cand = word_len > 0 and h in note_set
            if cand:
                lines.append(number)
                before.append(nonempty)
                found += 1
            nonempty += 1
        counts.append(len(lines))
    return (
        full,
        np.array(lines, dtype=np.int64),
        np.array(before, dtype=np.int64),
        np.array(counts, dtype=np.int64),
    )
