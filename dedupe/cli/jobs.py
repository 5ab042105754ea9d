"""How ``dedupe run`` hands its work to an executor: the executor options checked against
the chosen executor, and ``--index`` (a run joined with an index, here)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from dedupe.engine import Engine
    from dedupe.executors import Executor


def check_options(
    engine: Engine, executor: Executor, options: dict[str, Any], index_path: str | None
) -> None:
    """Refuse an executor option the chosen executor does not take (naming those that do),
    and ``--index`` anywhere but here (the index is read by this process)."""
    for name in options:
        if name not in executor.options:
            takers = [
                e.component.name
                for e in engine.registry.entries("executor").values()
                if name in e.component.options
            ]
            engines = " or ".join(f"--engine {t}" for t in takers) or "another executor"
            raise click.UsageError(f"--{name} needs {engines}")
    if index_path is not None and executor.name != "local":
        raise click.UsageError("--index works with --engine local only")


def run_with_index(
    location: str,
    settings: dict[str, Any],
    inputs: tuple[str, ...],
    output_dir: str,
    on_bad: Callable[..., None],
    progress: Any,
    resume: bool,
) -> Any:
    """``dedupe run --index PATH``: the run's settings, minus the fixed ones the user did not
    type (those come from the index; typed ones must match it)."""
    from click.core import ParameterSource

    from dedupe.index import batch
    from dedupe.index.settings import FIXED

    if resume:
        raise click.UsageError("--resume cannot be used with --index")
    ctx = click.get_current_context()
    typed = (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT)
    given = {name for name in FIXED if ctx.get_parameter_source(name) in typed}
    return batch.run_with_index(
        location, settings, given, inputs, output_dir, on_bad=on_bad, progress=progress
    )
