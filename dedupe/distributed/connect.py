"""Finding the Dask cluster to run on: a scheduler address, or a LocalCluster started here.

Dask is optional: :func:`require_dask` turns its absence into a one-line error with the install
hint, checked only when a distributed run is asked for.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dedupe.errors import ConfigError, DedupeError, MissingDependency
from dedupe.executors.pool import available_cores

INSTALL_HINT = "pip install 'dedupe-engine[dask]'"
#: Seconds a run waits for a scheduler file to appear (or be complete) before giving up.
SCHEDULER_FILE_WAIT = 30.0


#: The output formats the Dask executor writes (its shards are joined byte by byte).
DASK_FORMATS = ("auto", "jsonl")


def check_output_format(output_format: str) -> None:
    """Refuse, in one line and before anything starts, a format the Dask executor cannot
    join (CSV headers and Parquet files are not concatenated)."""
    if output_format not in DASK_FORMATS:
        raise ConfigError(
            f"--output-format {output_format} works with --engine local only "
            "(the Dask executor joins JSON Lines shards)"
        )


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


def address_in_file(path: str, wait: float | None = None) -> str:
    """The scheduler's address in a scheduler file (``dask scheduler --scheduler-file``),
    waiting up to ``wait`` seconds (default :data:`SCHEDULER_FILE_WAIT`) for a scheduler that
    is starting to write it: dask itself would wait forever, and fail on a malformed file."""
    deadline = time.monotonic() + (SCHEDULER_FILE_WAIT if wait is None else wait)
    while True:
        try:
            with open(path, encoding="utf-8") as f:
                address = json.load(f)["address"]
            if isinstance(address, str) and address:
                return address
            problem = f"{path} is not a Dask scheduler file (its address is not a string)"
        except FileNotFoundError:
            problem = f"no Dask scheduler file at {path}"
        except (ValueError, KeyError, TypeError):  # not a scheduler file, or not flushed yet
            problem = f"{path} is not a Dask scheduler file (JSON with an address)"
        except OSError as exc:
            raise DedupeError(
                f"cannot read the Dask scheduler file {path}: {exc.strerror}"
            ) from None
        if time.monotonic() >= deadline:
            raise DedupeError(problem)
        time.sleep(0.1)


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
    address = address_in_file(scheduler) if scheduler.endswith(".json") else scheduler
    try:
        client = Client(address, timeout="30s")
    except (OSError, TimeoutError) as exc:
        raise DedupeError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    with client:
        yield client
