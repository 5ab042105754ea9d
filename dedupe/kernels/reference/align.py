"""Reference kernel of the aligned score (:mod:`dedupe.aligned`), in Python: the definition
the compiled kernel (:mod:`dedupe.kernels.compiled.align`) is, compiled by numba from this very
code (same name, same signature, same values).

The helpers are marked ``_jitable``: plain Python functions here, compiled into the kernel that
calls them when numba is in use. Run as Python, the loops are slow (a few pairs a second on
news-length texts): this is the definition and the fallback where numba cannot be imported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from dedupe.kernels.align_codes import CODE, FIGURE, NAME, START


def _python(func: Callable[..., Any]) -> Callable[..., Any]:
    return func


try:  # numba compiles a marked function into its compiled callers, and leaves it as it is
    from numba.extending import register_jitable as _jitable
except ImportError:  # pragma: no cover - numba is a dependency
    _jitable = _python  # type: ignore[assignment]


#: Names and figures of an edge of B missing from A's edge that make it another notice's
#: address or signature (one alone is a reworded lead or a line read into the passage).
EDGE_MIN = 2


@_jitable
def _edit_distance(ca, a0, a1, cb, b0, b1):
    """Levenshtein distance of ``ca[a0:a1]`` and ``cb[b0:b1]`` (short strings: a gap)."""
    nb = b1 - b0
    prev = np.arange(nb + 1, dtype=np.int64)
    cur = np.empty(nb + 1, dtype=np.int64)
    for i in range(1, a1 - a0 + 1):
        cur[0] = i
        x = ca[a0 + i - 1] & CODE
        for j in range(1, nb + 1):
            best = prev[j - 1] + (0 if x == (cb[b0 + j - 1] & CODE) else 1)
            if prev[j] + 1 < best:
                best = prev[j] + 1
            if cur[j - 1] + 1 < best:
                best = cur[j - 1] + 1
            cur[j] = best
        for j in range(nb + 1):
            prev[j] = cur[j]
    return prev[nb]


@_jitable
def _misread_figure(ca, a0, a1, cb, b0, b1):
    """Whether two gaps of one length differ only where one holds a digit OCR takes for the
    other (3 and 8, 6 and 8, 5 and 6, 0 and 8, 0 and 6, 0 and 9, 1 and 7, 3 and 5, 8 and 9)."""
    if a1 - a0 != b1 - b0:
        return False
    for k in range(a1 - a0):
        x = ca[a0 + k] & CODE
        y = cb[b0 + k] & CODE
        if x == y:
            continue
        if not (48 <= x <= 57 and 48 <= y <= 57):
            return False
        lo = min(x, y) - 48
        hi = max(x, y) - 48
        pair = lo * 10 + hi
        if not (
            pair == 38
            or pair == 68
            or pair == 56
            or pair == 8
            or pair == 6
            or pair == 9
            or pair == 17
            or pair == 35
            or pair == 89
        ):
            return False
    return True


@_jitable
def _spelled_against_digits(ca, a0, a1, cb, b0, b1):
    """Whether one gap holds a figure written in words and the other one in digits (one paper
    spells out what the other prints in digits: no other figure, and none to compare)."""
    words_a = False
    digits_a = False
    for i in range(a0, a1):
        if ca[i] & FIGURE:
            c = ca[i] & CODE
            digits_a = digits_a or 48 <= c <= 57
            words_a = words_a or not 48 <= c <= 57
    words_b = False
    digits_b = False
    for i in range(b0, b1):
        if cb[i] & FIGURE:
            c = cb[i] & CODE
            digits_b = digits_b or 48 <= c <= 57
            words_b = words_b or not 48 <= c <= 57
    return (words_a and digits_b) or (digits_a and words_b)


@_jitable
def _slot(ca, a0, a1, cb, b0, b1):
    """Whether the gap ``ca[a0:a1]`` / ``cb[b0:b1]`` between two aligned pieces holds another
    figure (digits of figures on both sides, not only misread) or another name (letters of
    names on both sides, three or more characters each, differing in more than half of them)."""
    if a1 == a0 or b1 == b0:
        return False
    digit_a = False
    spelled_a = False
    name_a = False
    for i in range(a0, a1):
        if ca[i] & FIGURE:
            c = ca[i] & CODE
            digit_a = digit_a or 48 <= c <= 57
            spelled_a = spelled_a or not 48 <= c <= 57
        name_a = name_a or (ca[i] & NAME) != 0
    digit_b = False
    spelled_b = False
    name_b = False
    for i in range(b0, b1):
        if cb[i] & FIGURE:
            c = cb[i] & CODE
            digit_b = digit_b or 48 <= c <= 57
            spelled_b = spelled_b or not 48 <= c <= 57
        name_b = name_b or (cb[i] & NAME) != 0
    # Figures in digits on both sides, or in words on both sides (one paper may spell out
    # what the other prints in digits: that is no other figure).
    if digit_a and digit_b:
        return not _misread_figure(ca, a0, a1, cb, b0, b1)
    if spelled_a and spelled_b:
        return 2 * _edit_distance(ca, a0, a1, cb, b0, b1) > max(a1 - a0, b1 - b0)
    if not (name_a and name_b) or a1 - a0 < 3 or b1 - b0 < 3:
        return False
    return 2 * _edit_distance(ca, a0, a1, cb, b0, b1) > max(a1 - a0, b1 - b0)


@_jitable
def _found(ca, a0, a1, cb, b0, b1, kind):
    """Whether ``ca[a0:a1]`` holds the name or figure ``cb[b0:b1]`` (of marks ``kind``): a word
    of the same kind that is the same figure (or a misread of it), or the same name with at
    most half of its characters different."""
    x = a0
    while x < a1:
        if (ca[x] & (NAME | FIGURE)) != kind or (ca[x] & START) == 0:
            x += 1
            continue
        y = x + 1
        while y < a1 and (ca[y] & (NAME | FIGURE)) == kind and (ca[y] & START) == 0:
            y += 1
        if kind & FIGURE:
            if _misread_figure(ca, x, y, cb, b0, b1):
                return True
        elif 2 * _edit_distance(ca, x, y, cb, b0, b1) <= max(y - x, b1 - b0):
            return True
        x = y
    return False


@_jitable
def _pieces(ha, pa, hb, n, nb, max_occ):
    """Exact runs of shared seeds claimed longest first, each character of B once: arrays
    ``(a0, b0, length)`` of the pieces (in characters) and their number."""
    m = len(hb)
    pa0 = np.empty(nb + 1, dtype=np.int64)
    pb0 = np.empty(nb + 1, dtype=np.int64)
    plen = np.empty(nb + 1, dtype=np.int64)
    if m == 0 or len(ha) == 0:
        return pa0, pb0, plen, 0
    lo = np.searchsorted(ha, hb, side="left")
    hi = np.searchsorted(ha, hb, side="right")
    total = 0
    for j in range(m):
        if hi[j] - lo[j] <= max_occ:
            total += hi[j] - lo[j]
    mi = np.empty(total, dtype=np.int64)
    mj = np.empty(total, dtype=np.int64)
    k = 0
    for j in range(m):
        if hi[j] - lo[j] <= max_occ:
            for q in range(lo[j], hi[j]):
                mi[k] = pa[q]
                mj[k] = j
                k += 1
    # Exact runs: consecutive seeds on one diagonal.
    diag = mi - mj
    order = np.argsort(diag * np.int64(m + 1) + mj, kind="mergesort")
    ra = np.empty(total, dtype=np.int64)
    rb = np.empty(total, dtype=np.int64)
    rl = np.empty(total, dtype=np.int64)
    runs = 0
    for t in range(total):
        s = order[t]
        if (
            runs > 0
            and diag[s] == ra[runs - 1] - rb[runs - 1]
            and mj[s] == rb[runs - 1] + rl[runs - 1]
        ):
            rl[runs - 1] += 1
        else:
            ra[runs] = mi[s]
            rb[runs] = mj[s]
            rl[runs] = 1
            runs += 1
    # Claim runs longest first; a run overlapping those taken keeps its free stretches.
    lengths = rl[:runs] + (n - 1)
    claim = np.argsort(-lengths * np.int64(m + 1) + rb[:runs], kind="mergesort")
    taken = np.zeros(nb + 1, dtype=np.bool_)
    pieces = 0
    for t in range(runs):
        r = claim[t]
        start = -1
        for x in range(lengths[r] + 1):
            if x < lengths[r] and not taken[rb[r] + x]:
                if start < 0:
                    start = x
            elif start >= 0:
                pa0[pieces] = ra[r] + start
                pb0[pieces] = rb[r] + start
                plen[pieces] = x - start
                pieces += 1
                for y in range(start, x):
                    taken[rb[r] + y] = True
                start = -1
    return pa0, pb0, plen, pieces


@_jitable
def _score(ha, pa, hb, ca, cb, n, gap, slot, min_length, max_occ):
    """Covered characters of B (code points ``cb``, positional seed hashes ``hb``) in
    passages aligned with A (code points ``ca``; seed hashes sorted, ``ha``, at positions
    ``pa``), and the names and figures of B in those passages that agree and that differ."""
    nb = len(cb)
    pa0, pb0, plen, pieces = _pieces(ha, pa, hb, n, nb, max_occ)
    # Chain the pieces in B order (no two start at one character of B): a piece continues
    # the nearest open passage ending within ``slot`` characters on both sides, over a gap of
    # at most ``gap`` that is not a slot, or over a slot (then remembered).
    border = np.argsort(pb0[:pieces], kind="mergesort")
    sa0 = np.empty(pieces, dtype=np.int64)
    sa1 = np.empty(pieces, dtype=np.int64)
    sb0 = np.empty(pieces, dtype=np.int64)
    sb1 = np.empty(pieces, dtype=np.int64)
    matched = np.empty(pieces, dtype=np.int64)
    open_ = np.empty(pieces, dtype=np.int64)
    slot_of = np.empty(pieces, dtype=np.int64)
    slot_b0 = np.empty(pieces, dtype=np.int64)
    slot_b1 = np.empty(pieces, dtype=np.int64)
    slot_kind = np.empty(pieces, dtype=np.int8)
    owner = np.empty(pieces, dtype=np.int64)
    passages = 0
    slots = 0
    n_open = 0
    for t in range(pieces):
        p = border[t]
        a0 = pa0[p]
        b0 = pb0[p]
        best = -1
        best_cost = np.int64(1 << 62)
        keep = 0
        for u in range(n_open):
            q = open_[u]
            if b0 - sb1[q] > slot:
                continue
            open_[keep] = q
            keep += 1
            da = a0 - sa1[q]
            db = b0 - sb1[q]
            if 0 <= da <= slot and db <= slot and da + db < best_cost:
                best_cost = da + db
                best = q
        n_open = keep
        join = False
        if best >= 0:
            if _slot(ca, sa1[best], a0, cb, sb1[best], b0):
                slot_of[slots] = best
                slot_b0[slots] = sb1[best]
                slot_b1[slots] = b0
                slot_kind[slots] = 2
                slots += 1
                join = True
            else:
                join = a0 - sa1[best] <= gap and b0 - sb1[best] <= gap
                if join and _spelled_against_digits(ca, sa1[best], a0, cb, sb1[best], b0):
                    slot_of[slots] = best
                    slot_b0[slots] = sb1[best]
                    slot_b1[slots] = b0
                    slot_kind[slots] = 5
                    slots += 1
        if join:
            sa1[best] = a0 + plen[p]
            sb1[best] = b0 + plen[p]
            matched[best] += plen[p]
            owner[p] = best
        else:
            owner[p] = passages
            sa0[passages] = a0
            sb0[passages] = b0
            sa1[passages] = a0 + plen[p]
            sb1[passages] = b0 + plen[p]
            matched[passages] = plen[p]
            open_[n_open] = passages
            n_open += 1
            passages += 1
    # What the kept passages cover, less their slots (0: not covered, 1: inside a passage,
    # 2: in a slot, 3: in an exact piece of a passage, 5: a figure spelled out on one side and
    # in digits on the other, inside a passage).
    state = np.zeros(nb, dtype=np.int8)
    for q in range(passages):
        if matched[q] >= min_length:
            state[sb0[q] : sb1[q]] = 1
    for p in range(pieces):
        if matched[owner[p]] >= min_length:
            state[pb0[p] : pb0[p] + plen[p]] = 3
    for s in range(slots):
        if matched[slot_of[s]] >= min_length:
            state[slot_b0[s] : slot_b1[s]] = slot_kind[s]
    # The edges: where both texts begin (or end) within two slots of the first (last) kept
    # passage, B's text before (after) it is an edge (4) and its names and figures are looked
    # for in A's (the address or the signature of a notice; where a reprint is cut, the longer
    # text goes on beyond that).
    first = -1
    last = -1
    for q in range(passages):
        if matched[q] >= min_length:
            if first < 0 or sb0[q] < sb0[first]:
                first = q
            if last < 0 or sb1[q] > sb1[last]:
                last = q
    head_a = 0
    head_b = 0
    tail_a = len(ca)
    tail_b = nb
    if last >= 0:
        edge = 2 * slot
        if sb0[first] <= edge and sa0[first] <= edge:
            head_a = sa0[first]
            head_b = sb0[first]
            for x in range(head_b):
                if state[x] == 0:
                    state[x] = 4
        if nb - sb1[last] <= edge and len(ca) - sa1[last] <= edge:
            tail_a = sa1[last]
            tail_b = sb1[last]
            for x in range(tail_b, nb):
                if state[x] == 0:
                    state[x] = 4
    covered = 0
    for i in range(nb):
        if state[i] == 1 or state[i] == 3 or state[i] == 5:
            covered += 1
    # B's names and figures, word by word: one in a slot differs; one outside the kept
    # passages is not compared (a cut or a line lost); one inside agrees when at least half of
    # it lies in exact pieces, else it differs (read as something else than A's).
    agree = 0
    differ = 0
    edge_agree = 0
    edge_differ = 0
    i = 0
    while i < nb:
        kind = cb[i] & (NAME | FIGURE)
        if kind == 0:
            i += 1
            continue
        j = i + 1
        while j < nb and (cb[j] & (NAME | FIGURE)) == kind and (cb[j] & START) == 0:
            j += 1
        exact = 0
        slotted = False
        spelled = False
        outside = False
        edged = True
        for x in range(i, j):
            exact += state[x] == 3
            slotted = slotted or state[x] == 2
            spelled = spelled or state[x] == 5
            outside = outside or state[x] == 0
            edged = edged and state[x] == 4
        if spelled:
            pass
        elif slotted:
            differ += 1
        elif edged:
            if i < head_b:
                found = _found(ca, 0, head_a, cb, i, j, kind)
            else:
                found = _found(ca, tail_a, len(ca), cb, i, j, kind)
            edge_agree += found
            edge_differ += not found
        elif outside:
            pass
        elif 2 * exact >= j - i:
            agree += 1
        else:
            differ += 1
        i = j
    if edge_differ >= EDGE_MIN:
        agree += edge_agree
        differ += edge_differ
    return covered, agree, differ


def aligned_scores(
    hashes,
    offsets,
    sorted_hashes,
    positions,
    codes,
    starts,
    pairs,
    n,
    gap,
    slot,
    min_length,
    max_occ,
    floor,
):
    """The aligned score of each pair of texts (rows of ``pairs``; see :mod:`dedupe.aligned`),
    the shorter text as B; a tie of lengths takes the larger of both ways. Texts are CSR
    arrays: character ``codes`` by ``starts``, seed ``hashes`` by ``offsets`` in text order,
    and the same sorted within each text (``sorted_hashes``) with their ``positions``."""
    out = np.zeros(len(pairs), dtype=np.float64)
    for k in range(len(pairs)):
        x = pairs[k, 0]
        y = pairs[k, 1]
        nx = starts[x + 1] - starts[x]
        ny = starts[y + 1] - starts[y]
        if nx > ny:
            x, y = y, x
            nx, ny = ny, nx
        if nx == 0 or nx < n:
            # Too short to seed anything: a copy only if the very same.
            same = nx == ny
            for i in range(nx):
                same = same and (codes[starts[x] + i] & CODE) == (codes[starts[y] + i] & CODE)
            out[k] = 1.0 if same else 0.0
            continue
        # Against a text shorter than twice ``min_length``, half of it makes a passage.
        shortest = max(n, min(min_length, nx // 2))
        best = 0.0
        for turn in range(2 if nx == ny and x != y else 1):
            b, a = (x, y) if turn == 0 else (y, x)
            covered, agree, differ = _score(
                sorted_hashes[offsets[a] : offsets[a + 1]],
                positions[offsets[a] : offsets[a + 1]],
                hashes[offsets[b] : offsets[b + 1]],
                codes[starts[a] : starts[a + 1]],
                codes[starts[b] : starts[b + 1]],
                n,
                gap,
                slot,
                shortest,
                max_occ,
            )
            # A short text counts over ``floor`` characters (or the other text's length).
            value = covered / max(nx, min(floor, ny))
            if differ > 0:
                value *= agree / (agree + differ)
            best = max(best, min(1.0, value))
        out[k] = best
    return out
