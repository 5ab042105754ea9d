"""Hook specifications: the whole plugin surface of dedupe, grouped by pipeline stage.

Every hook is a *contribution* hook: it is called once per run (when the engine looks up named
components, never per document) with a ``register`` callback, and the plugin calls
``register(component)`` for each component it provides. Built-in components are registered
through these same hooks by the modules in :mod:`dedupe.default_plugins`.

Hooks are called with keyword arguments only. A name registered twice (by two plugins, or twice
by one) is refused with an error naming both plugins.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click

    from dedupe.executors import Executor
    from dedupe.index.base import StorageBackend
    from dedupe.normalise import Normaliser
    from dedupe.read import Reader
    from dedupe.represent import RepresentativePolicy
    from dedupe.score import Scorer
    from dedupe.shingle import ShingleUnit
    from dedupe.write import Writer

hookspec = pluggy.HookspecMarker("dedupe")
hookimpl = pluggy.HookimplMarker("dedupe")


# -- read ---------------------------------------------------------------------------------------
@hookspec
def register_readers(register: Callable[[Reader], None]) -> None:
    """Contribute input readers.

    Called once when the registry is built. Call ``register(reader)`` with a
    :class:`dedupe.read.Reader` for each format: its ``name`` is what ``--format`` selects and
    its ``suffixes`` (e.g. ``(".jsonl",)``) pick it for files found by suffix. Return nothing.
    """


# -- normalise ----------------------------------------------------------------------------------
@hookspec
def register_normalisers(register: Callable[[Normaliser], None]) -> None:
    """Contribute text normalisers.

    Called once when the registry is built. Call ``register(normaliser)`` with a
    :class:`dedupe.normalise.Normaliser`; its ``name`` is what ``--normalise`` chains. A
    normaliser maps a batch of texts to a batch of texts of the same length, is total (never
    raises on any Unicode text) and idempotent. Return nothing.
    """


# -- shingle ------------------------------------------------------------------------------------
@hookspec
def register_shingle_units(register: Callable[[ShingleUnit], None]) -> None:
    """Contribute shingle units (how a text is cut into the items of its set).

    Called once when the registry is built. Call ``register(unit)`` with a
    :class:`dedupe.shingle.ShingleUnit`; its ``name`` is what ``--unit`` selects. A unit
    returns, for a batch of texts, the 32-bit hashes of their n-grams in CSR layout.
    Return nothing.
    """


# -- score --------------------------------------------------------------------------------------
@hookspec
def register_scorers(register: Callable[[Scorer], None]) -> None:
    """Contribute pair scorers (the verification of LSH candidates).

    Called once when the registry is built. Call ``register(scorer)`` with a
    :class:`dedupe.score.Scorer`; its ``name`` is what ``--scorer`` selects. A scorer gets an
    array of candidate pairs and a :class:`dedupe.score.PairContext` and returns one score in
    [0, 1] per pair. Return nothing.
    """


# -- choose representative ----------------------------------------------------------------------
@hookspec
def register_representative_policies(register: Callable[[RepresentativePolicy], None]) -> None:
    """Contribute policies that pick the representative (kept) member of each cluster.

    Called once when the registry is built. Call ``register(policy)`` with a
    :class:`dedupe.represent.RepresentativePolicy`; its ``name`` is what ``--representative``
    selects. Return nothing.
    """


# -- write --------------------------------------------------------------------------------------
@hookspec
def register_writers(register: Callable[[Writer], None]) -> None:
    """Contribute output writers.

    Called once when the registry is built. Call ``register(writer)`` with a
    :class:`dedupe.write.Writer`; its ``name`` is what ``--writers`` selects. A writer writes
    one file into the output directory, atomically (temp file + rename). Return nothing.
    """


# -- run ----------------------------------------------------------------------------------------
@hookspec
def register_executors(register: Callable[[Executor], None]) -> None:
    """Contribute executors: ways to run a plan (this machine, a cluster).

    Called once when the registry is built. Call ``register(executor)`` with a
    :class:`dedupe.executors.Executor`: its ``name`` is what ``dedupe run --engine`` selects,
    ``run(job)`` gets a :class:`dedupe.executors.Job` (the resolved
    :class:`dedupe.plan.RunPlan`, inputs, output folder, where skipped records and progress
    go, and the options given among those named in ``options``) and runs the steps of
    :mod:`dedupe.pipeline` (every built-in executor runs the same ones), returning the run's
    counts and timings. Return nothing.
    """


# -- index storage ------------------------------------------------------------------------------
@hookspec
def register_storage_backends(register: Callable[[StorageBackend], None]) -> None:
    """Contribute storage backends for the persistent index (``dedupe index``).

    Called once when the registry is built. Call ``register(backend)`` with a
    :class:`dedupe.index.StorageBackend`: its ``name`` is what ``--storage`` selects, its
    ``schemes`` (e.g. ``("redis",)``) pick it for locations such as ``redis://host/0``, and
    ``open(location, read_only, options)`` returns a :class:`dedupe.index.Storage`. Return
    nothing.
    """


# -- command line -------------------------------------------------------------------------------
@hookspec
def register_commands(cli: click.Group) -> None:
    """Add subcommands to the ``dedupe`` command line.

    Called once when the CLI starts, with the top-level click group: use ``@cli.command()``.
    Return nothing.
    """


def hook_names() -> list[str]:
    """Names of all hooks, in the order they are declared (used by docs and tests)."""
    return [
        name
        for name, value in globals().items()
        if callable(value) and hasattr(value, "dedupe_spec")
    ]


__all__: list[Any] = ["hook_names", "hookimpl", "hookspec"]
