"""Repeated ids across the whole corpus, found with a shuffle on the id.

No id list is gathered on the client: only the rows of repeated ids come back. With
``--rename-duplicate-ids`` the local engine renames a repeated id to ``id#2`` (or the first of
``id#3``, ``id#4``... not seen before it); the documents that rule can touch are the repeated
ones and those whose id extends a touched id with ``#``. Those are gathered, to a fixpoint, and
the local rule is run over them in run order, which renames exactly as the local engine does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from dedupe.corpus import Location
from dedupe.distributed.frames import IDS, empty_like
from dedupe.errors import InputError
from dedupe.pipeline.signed import renamed


def repeated(part: pd.DataFrame) -> pd.DataFrame:
    """The rows of a partition whose id occurs more than once (all rows of an id are here)."""
    if part.empty:
        return empty_like(IDS)
    return part[part.duplicated("id", keep=False)]


def touching(part: pd.DataFrame, prefixes: frozenset[str]) -> pd.DataFrame:
    """The rows whose id is in ``prefixes`` or extends one of them with ``#...``."""
    if part.empty:
        return empty_like(IDS)

    def hit(doc_id: str) -> bool:
        if doc_id in prefixes:
            return True
        cut = doc_id.rfind("#")
        while cut > 0:
            if doc_id[:cut] in prefixes:
                return True
            cut = doc_id.rfind("#", 0, cut)
        return False

    return part[[hit(i) for i in part["id"]]]


def _where(location: Location) -> str:
    source, line = location
    return source if line is None else f"{source}:{line}"


def check_ids(
    ids: Any, policy: str, locate: Callable[[int], Location], partitions: int
) -> tuple[dict[int, str], int]:
    """Stop on a repeated id as the local engine does, or return its renames (document ->
    new id) and their number. ``ids`` is a Dask dataframe of (doc, id) rows."""
    by_id = ids.shuffle(on="id", npartitions=partitions)
    dups = by_id.map_partitions(repeated, meta=IDS).compute()
    if dups.empty:
        return {}, 0
    dups = dups.sort_values("doc", kind="stable")
    if policy != "rename":
        first: dict[str, int] = {}
        second: list[tuple[int, str]] = []
        for doc, doc_id in zip(dups["doc"].tolist(), dups["id"].tolist(), strict=True):
            if doc_id in first:
                second.append((doc, doc_id))
            else:
                first[doc_id] = doc
        doc, doc_id = min(second)
        raise InputError(
            f"{_where(locate(doc))}: duplicate id {doc_id!r} "
            f"(first seen at {_where(locate(first[doc_id]))}); "
            "make ids unique or pass --rename-duplicate-ids"
        )
    prefixes = frozenset(dups["id"].tolist())
    while True:
        rows = by_id.map_partitions(touching, prefixes, meta=IDS).compute()
        grown = prefixes | frozenset(rows["id"].tolist())
        if grown == prefixes:
            break
        prefixes = grown
    rows = rows.sort_values("doc", kind="stable")
    renames = renamed(zip(rows["doc"].tolist(), rows["id"].tolist(), strict=True))
    return renames, len(renames)
