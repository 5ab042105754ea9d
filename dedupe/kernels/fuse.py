"""Runs of byte normalisers as one table and one kernel pass (:func:`fused_map`).

Most normalisers of the default chain are context free, one code point at a time: NFKC's fast
path, quotes, scripts and case folding are code point maps, punctuation turns some classes of
code points into spaces, and the whitespace collapse makes each run of spaces one. Composed,
they are one image per code point and a collapse: one decode and one write per code point
instead of one pass (and one buffer) per normaliser. Each normaliser says what it is to the
composition with a :class:`FuseStep`; :func:`compose` builds the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dedupe.kernels.codepoints import SIZE, CodepointMap, _utf8_len

SPACE_CP = 0x20


@dataclass(frozen=True)
class FuseStep:
    """What one normaliser does per code point, for the composition.

    ``table``: a code point map (``flagged``: code points for which the normaliser takes
    another path, so their document is normalised without the fused kernel; only the first
    step of a run may have them). ``spaces``: code points of these character classes
    (:mod:`dedupe.kernels.charclass`) become spaces, a run of them one space; exact per code
    point only when a collapse follows, which :func:`fusable` checks. ``collapse``: runs of
    whitespace become one space, none at either end (the last step of a run).
    """

    table: CodepointMap | None = None
    flagged: np.ndarray | None = None
    spaces: tuple[int, ...] = ()
    collapse: bool = False


def fusable(steps: Sequence[FuseStep]) -> bool:
    """Whether a run of steps composes exactly: two or more, a collapse last and only there,
    flags only on the first step, and every map after a ``spaces`` step leaving the space
    alone (runs of spaces are one space only once collapsed)."""
    if len(steps) < 2 or not steps[-1].collapse or any(s.collapse for s in steps[:-1]):
        return False
    if any(s.flagged is not None for s in steps[1:]):
        return False
    seen_spaces = False
    for step in steps:
        if step.spaces:
            seen_spaces = True
        if seen_spaces and step.table is not None and step.table.single[SPACE_CP] != SPACE_CP:
            return False
    return True


def _image(table: CodepointMap, cp: int) -> list[int]:
    v = int(table.single[cp])
    if v >= 0:
        return [v]
    k = -v - 1
    return table.multi[table.starts[k] : table.starts[k + 1]].tolist()


def compose(steps: Sequence[FuseStep]) -> tuple[CodepointMap, np.ndarray]:
    """The table of a fusable run (see :func:`fusable`) for :func:`fused_map`, and its flagged
    code points: each code point's image through every step, 0x20 for a space.

    Code points no map changes are set by their class at once (numpy); the few thousand that
    some map changes are taken through every step one by one.
    """
    from dedupe.kernels.charclass import SPACE, classes

    cls = classes()
    identity = np.arange(SIZE, dtype=np.int32)
    changed = np.zeros(SIZE, dtype=bool)
    for step in steps:
        if step.table is not None:
            changed |= step.table.single != identity
    to_space = cls == SPACE
    for step in steps:
        for c in step.spaces:
            to_space |= cls == c
    single = identity.copy()
    single[to_space & ~changed] = SPACE_CP
    starts = [0]
    multi: list[int] = []
    expansion = 1
    for cp in np.flatnonzero(changed).tolist():
        cps = [cp]
        for step in steps:
            if step.table is not None:
                cps = [y for x in cps for y in _image(step.table, x)]
            if step.spaces:
                cps = [SPACE_CP if int(cls[x]) in step.spaces else x for x in cps]
            if step.collapse:
                cps = [SPACE_CP if cls[x] == SPACE else x for x in cps]
        if len(cps) == 1:
            single[cp] = cps[0]
        else:
            single[cp] = -len(starts)
            multi.extend(cps)
            starts.append(len(multi))
        out = sum(_utf8_len(x) for x in cps)
        expansion = max(expansion, -(-out // _utf8_len(cp)))
    first = steps[0].flagged
    flagged = np.zeros(SIZE, dtype=np.uint8) if first is None else first.astype(np.uint8)
    table = CodepointMap(
        single, np.asarray(starts, dtype=np.int64), np.asarray(multi, dtype=np.int32), expansion
    )
    return table, flagged
