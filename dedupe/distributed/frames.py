"""The column layouts of the Dask dataframes a distributed run builds (their ``meta``).

Kept in one place so every task that returns a partition returns the same columns and dtypes,
empty partitions included.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Sort keys: Python-backed strings, compared by code point as Python compares ``str``.
KEY = "string[python]"


def _frame(columns: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series([], dtype=dtype) for name, dtype in columns.items()})


#: Every document's id (duplicate-id check).
IDS = _frame({"doc": "int64", "id": "object"})
#: One row per band of a document: grouped by (band, key) they are the LSH buckets.
BANDS = _frame({"band": "int32", "key": "uint64", "doc": "int64", "rank": "uint64"})
#: One row per anchor of a document: grouped by value they are the containment index.
ANCHORS = _frame({"value": "uint32", "doc": "int64", "rank": "uint64", "count": "int64"})
#: Pairs found in one bucket (``lsh``) or sharing one anchor (``anchor``, with both sides'
#: anchor counts); grouped by (a, b) they decide the candidate pairs.
RAW_PAIRS = _frame(
    {"a": "int64", "b": "int64", "lsh": "int8", "anchor": "int64", "ca": "int64", "cb": "int64"}
)
#: Distinct candidate pairs, a < b; ``lsh`` says LSH found them (for the counts).
CANDIDATES = _frame({"a": "int64", "b": "int64", "lsh": "int8"})
#: A document number alone (candidate documents, dropped copies).
DOC = _frame({"doc": "int64"})
#: A candidate document and what verification and clustering read of it (a DocData).
DOCS = _frame({"doc": "int64", "data": "object"})
#: Node labels of the accepted-pair graph: ``label`` is the smallest node of the component.
LABELS = _frame({"doc": "int64", "label": "int64"})
#: Members of the components with their data (``a = b = -1``), and the accepted pairs of the
#: components with their primary score (``doc = -1``), shuffled together by label.
MEMBERS = _frame(
    {
        "doc": "int64",
        "label": "int64",
        "data": "object",
        "a": "int64",
        "b": "int64",
        "s0": "float64",
    }
)
#: Edges of the accepted-pair graph.
EDGES = _frame({"a": "int64", "b": "int64"})
#: A cluster (a :class:`dedupe.result.Cluster`, numbered later) by its sort key (first
#: member id), with the document numbers of its copies.
CLUSTERS = _frame(
    {"key": KEY, "cluster": "object", "dropped": "object", "verified": "object", "checked": "int64"}
)


def scored(n_scorers: int) -> pd.DataFrame:
    """Verified pairs: ids (sorted, ``id_a < id_b``), each scorer's score, the decision, whether
    the pair was found by verifying a member against its representative (``via``), the sort
    key of ``pairs.jsonl``, and the overlap of accepted pairs (shared shingles, set sizes of
    the ``id_a`` and ``id_b`` sides; -1 when not accepted: :mod:`dedupe.overlap`)."""
    columns = {"a": "int64", "b": "int64", "id_a": "object", "id_b": "object"}
    columns.update({f"s{k}": "float64" for k in range(n_scorers)})
    columns.update({"accepted": "bool", "via": "bool", "key": KEY})
    columns.update({"shared": "int64", "size_a": "int64", "size_b": "int64"})
    return _frame(columns)


def empty_like(meta: pd.DataFrame) -> pd.DataFrame:
    """An empty partition with ``meta``'s columns and dtypes."""
    return meta.iloc[:0].copy()


def int_column(values: list[int] | np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)
