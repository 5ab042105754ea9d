"""Distributed runs on a Dask cluster (``dedupe run --engine dask``).

The same dedup as :class:`dedupe.Engine`, with the work spread over the workers of a
``dask.distributed`` cluster: each chunk of the input is read, normalised and signed where it
is scheduled (:func:`dedupe.passes.sign_chunk`), LSH buckets and containment anchors are
grouped with Dask shuffles, candidate pairs are verified by the engine's scorers on the workers,
connected components are found by label propagation over Dask dataframes, and the outputs are
written as shards plus the local engine's ``clusters.jsonl`` (byte for byte the same).

Dask is an optional dependency (``pip install 'dedupe-engine[dask]'``); nothing here imports it
until a distributed run starts. See ``docs/distributed.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dedupe.distributed.connect import MissingDependency, require_dask

if TYPE_CHECKING:
    from dedupe.distributed.engine import DaskEngine, DaskResult, run_dask

__all__ = ["DaskEngine", "DaskResult", "MissingDependency", "require_dask", "run_dask"]

_FROM_ENGINE = frozenset({"DaskEngine", "DaskResult", "run_dask"})


def __getattr__(name: str) -> Any:
    """The engine's names on first use: importing this package (or its ``connect`` module, to
    check for the extra) must not need pandas or dask."""
    if name in _FROM_ENGINE:
        from dedupe.distributed import engine

        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
