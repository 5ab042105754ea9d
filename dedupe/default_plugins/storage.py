"""Built-in storage backends of the persistent index: an SQLite file (default) and Redis."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dedupe.hookspecs import hookimpl
from dedupe.index.base import Storage, StorageBackend


def open_sqlite(location: str, read_only: bool, options: dict[str, Any]) -> Storage:
    from dedupe.index.sqlite import open_sqlite as opener

    return opener(location, read_only, options)


def open_redis(location: str, read_only: bool, options: dict[str, Any]) -> Storage:
    # The redis package is optional: imported on use, with an install hint if missing.
    from dedupe.index.redis import open_redis as opener

    return opener(location, read_only, options)


@hookimpl
def register_storage_backends(register: Callable[[StorageBackend], None]) -> None:
    register(
        StorageBackend(
            "sqlite",
            open_sqlite,
            "one SQLite file in WAL mode: no server, one writer and many readers",
            ("sqlite",),
        )
    )
    register(
        StorageBackend(
            "redis",
            open_redis,
            "a Redis server (redis://host:6379/0?prefix=name; needs the redis extra)",
            ("redis", "rediss", "unix"),
        )
    )
