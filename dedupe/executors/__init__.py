"""Executors: where and how a run plan runs. Each is a component registered by a plugin.

An :class:`Executor` gets a :class:`Job` (the resolved plan, the inputs, the output folder,
where skipped records and progress go, and the executor options given) and runs the steps of
:mod:`dedupe.pipeline` over it, grouping their inputs its own way; it returns what the run
reports (``counts`` and ``timings``, as :class:`~dedupe.result.RunResult` has them). The
built-in ``local`` (this machine) and ``dask`` (a Dask cluster) are registered by
:mod:`dedupe.default_plugins.executors` through ``register_executors``, the hook a third party
uses to add one; ``dedupe run --engine NAME`` picks it (see ``docs/plugins.md``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from dedupe.documents import BadRecord
from dedupe.progress import Progress

if TYPE_CHECKING:
    from dedupe.plan import RunPlan


class RunSummary(Protocol):
    """What a run reports back: its counts and timings (as in ``report.json``)."""

    counts: dict[str, Any]
    timings: dict[str, float]


@dataclass(frozen=True)
class Job:
    """One run for an executor: ``options`` holds the executor options that were given (only
    names in the executor's :attr:`Executor.options`)."""

    plan: RunPlan
    inputs: list[str]
    output_dir: str
    on_bad: Callable[[BadRecord], None] | None = None
    progress: Progress = field(default_factory=lambda: Progress(enabled=False))
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Executor:
    """A named way to run a plan: ``run(job)`` deduplicates ``job.inputs`` into
    ``job.output_dir`` with ``job.plan`` and returns a :class:`RunSummary`. ``options`` names
    the executor options it understands beyond the plan's settings (the built-ins: ``resume``
    for ``local``, ``scheduler`` for ``dask``); a job giving another one is refused before it
    starts."""

    name: str
    run: Callable[[Job], RunSummary]
    description: str = ""
    options: tuple[str, ...] = ()
