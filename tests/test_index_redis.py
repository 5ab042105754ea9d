"""The Redis storage backend gives the SQLite backend's answers (same protocol, same rules).

A throw-away ``redis-server`` (Debian's package) is started on a free loopback port with
persistence off; without it, or without the ``redis`` Python package, the tests are skipped
with the reason.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest

from dedupe.config import DEFAULT_NORMALISERS
from dedupe.errors import ConfigError
from dedupe.index import Index

from .conftest import read_jsonl

#: The default chain without its learning normaliser: what an index without --learn-from does.
NO_BOILERPLATE = ",".join(n for n in DEFAULT_NORMALISERS if n != "boilerplate")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    redis = pytest.importorskip("redis", reason="the redis package is not installed (extra: redis)")
    port = _free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.skip("redis-server did not start")
            time.sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def docs(request: pytest.FixtureRequest) -> list[dict]:
    from .conftest import DATA

    path = DATA / "syndication-dev" / "corpus.jsonl"
    if not path.exists():
        pytest.skip(f"{path} is not here")
    return read_jsonl(path)[:600]


def outcomes_as_sets(outcomes: list) -> list[tuple[str, str, frozenset]]:
    return [(o.id, o.status, frozenset((m.id, m.score) for m in o.duplicates)) for o in outcomes]


def test_redis_and_sqlite_report_the_same_duplicates(redis_url, docs, tmp_path):
    settings = {"load_plugins": False, "normalise": NO_BOILERPLATE, "batch_size": 200}
    with Index.create(f"{redis_url}?prefix=same", **settings) as on_redis:
        assert on_redis.storage.stats()["backend"] == "redis"
        added_redis = on_redis.add(docs)
        queried_redis = on_redis.query(docs[:100])
    with Index.create(tmp_path / "i.db", **settings) as on_sqlite:
        added_sqlite = on_sqlite.add(docs)
        queried_sqlite = on_sqlite.query(docs[:100])
    assert sum(len(o.duplicates) for o in added_sqlite) > 50
    assert outcomes_as_sets(added_redis) == outcomes_as_sets(added_sqlite)
    assert outcomes_as_sets(queried_redis) == outcomes_as_sets(queried_sqlite)


def test_redis_index_reopens_refuses_mixing_and_removes(redis_url, docs):
    location = f"{redis_url}?prefix=reopen"
    Index.create(location, load_plugins=False).close()
    with pytest.raises(ConfigError, match="already exists"):
        Index.create(location, load_plugins=False)
    with pytest.raises(ConfigError, match="--num-perm 128, not 32"):
        Index.open(location, load_plugins=False, num_perm=32)
    with Index.open(location, load_plugins=False) as index:
        index.add(docs[:100])
        assert len(index) == 100 and docs[0]["id"] in index
        assert index.remove([docs[0]["id"]]) == [docs[0]["id"]]
        assert docs[0]["id"] not in {m.id for m in index.query([docs[0]])[0].duplicates}
        index.remove(list(index.ids()))
        assert len(index) == 0
        keys = [k.decode() for k in index.storage.client.keys("reopen:*")]
    # nothing is left behind but the settings and the document counter
    assert sorted(keys) == ["reopen:meta", "reopen:seq"]


def test_an_unreachable_server_is_a_one_line_error():
    pytest.importorskip("redis", reason="the redis package is not installed (extra: redis)")
    with pytest.raises(ConfigError, match="cannot reach the Redis server"):
        Index.open(f"redis://127.0.0.1:{_free_port()}/0", load_plugins=False)


def test_redis_keeps_ids_with_lone_surrogates_and_nuls(redis_url):
    """Ids UTF-8 cannot hold (a lone surrogate) or that hide a NUL are stored exactly, and a
    second add finds them (``exists``), on Redis as on SQLite."""
    text = "Eleven members of the council voted for the plan to close the bridge on Friday"
    ids = ["x\ud800", "a\x00b", "\x01plain"]
    location = f"{redis_url}?prefix=odd"
    with Index.create(location, load_plugins=False, normalise=NO_BOILERPLATE) as index:
        first = index.add([(i, f"{text} {k}") for k, i in enumerate(ids)])
        assert [(o.id, o.status) for o in first] == [(i, "added") for i in ids]
        again = index.add([(i, text) for i in ids])
        assert [o.status for o in again] == ["exists"] * 3
        assert list(index.ids()) == ids and index.remove(ids[:1]) == ids[:1]
        texts = index.storage.fetch(sorted(index.storage.docs_by_id(ids[1:]).values()))
        assert [d.id for d in texts] == ids[1:]


def test_without_the_redis_package_the_hint_is_one_line(monkeypatch):
    """A redis:// index without the extra: the install hint, not a traceback."""
    import builtins

    real_import = builtins.__import__

    def no_redis(name, *args, **kwargs):
        if name == "redis" or name.startswith("redis."):
            raise ImportError("No module named 'redis'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_redis)
    with pytest.raises(ConfigError, match=r"pip install 'dedupe-engine\[redis\]'"):
        Index.open(f"redis://127.0.0.1:{_free_port()}/0", load_plugins=False)
