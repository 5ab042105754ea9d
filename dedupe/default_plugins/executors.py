"""Built-in executors: ``local`` (this machine) and ``dask`` (a Dask cluster, the dask extra)."""

from __future__ import annotations

from collections.abc import Callable

from dedupe.executors import Executor, Job, RunSummary
from dedupe.hookspecs import hookimpl


def run_local(job: Job) -> RunSummary:
    """In this process, with worker processes for big inputs (``resume``: reuse the
    checkpoints of an interrupted run into the same folder)."""
    from dedupe.executors.local import run_files

    return run_files(
        job.plan,
        job.inputs,
        job.output_dir,
        on_bad=job.on_bad,
        progress=job.progress,
        resume=bool(job.options.get("resume", False)),
    )


def run_on_dask(job: Job) -> RunSummary:
    """On the Dask cluster at ``scheduler`` (default: a LocalCluster of ``workers``
    processes); dask is imported only now, with an install hint when it is missing."""
    from dedupe.distributed import require_dask
    from dedupe.distributed.connect import check_output_format

    check_output_format(job.plan.config.output_format)  # before the install hint
    require_dask()
    from dedupe.distributed.engine import run_dask

    return run_dask(
        job.plan,
        job.inputs,
        job.output_dir,
        scheduler=job.options.get("scheduler") or "local",
        on_bad=job.on_bad,
        progress=job.progress,
    )


@hookimpl
def register_executors(register: Callable[[Executor], None]) -> None:
    register(
        Executor(
            "local",
            run_local,
            "this machine: one process, worker processes for big inputs",
            ("resume",),
        )
    )
    register(
        Executor(
            "dask",
            run_on_dask,
            "a Dask cluster (pip install 'dedupe-engine[dask]'); the same outputs",
            ("scheduler",),
        )
    )
