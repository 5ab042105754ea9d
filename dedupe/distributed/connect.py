"""Finding the Dask cluster to run on: a scheduler address, or a LocalCluster started here.

Dask is optional: :func:`require_dask` turns its absence into a one-line error with the install
hint, checked only when a distributed run is asked for.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dedupe.errors import DedupeError, MissingDependency
from dedupe.workers import available_cores

INSTALL_HINT = "pip install 'dedupe-engine[dask]'"


def require_dask() -> None:
    """Import what a distributed run needs, or say in one line how to install it."""
    try:
        import dask
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
        import pandas  # noqa: F401
    except ImportError as exc:
        missing = exc.name or "dask"
        raise MissingDependency(
            f"--engine dask needs dask.distributed ({missing} is not installed): {INSTALL_HINT}"
        ) from None


@contextmanager
def connect(scheduler: str | None = "local", workers: int = 0) -> Iterator[Any]:
    """A ``distributed.Client``: to the scheduler at ``scheduler`` (``tcp://host:8786``, or a
    scheduler file ending in ``.json``), or, for ``local``/``None``, to a LocalCluster of
    ``workers`` single-threaded worker processes (0: one per core) closed on exit."""
    require_dask()
    from distributed import Client, LocalCluster

    if scheduler in (None, "", "local"):
        n = workers or available_cores()
        with (
            LocalCluster(
                n_workers=n,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
                silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    assert scheduler is not None
    try:
        if scheduler.endswith(".json"):
            client = Client(scheduler_file=scheduler, timeout="30s")
        else:
            client = Client(scheduler, timeout="30s")
    except (OSError, TimeoutError) as exc:
        raise DedupeError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    with client:
        yield client
