"""What a worker needs to act as the client's engine, shipped as data, never as code.

The client builds an :class:`EngineSpec`: the run's :class:`~dedupe.config.Config` and the
normalisers it learned from the corpus (the ``boilerplate`` model is a frozen dataclass of
strings, so it pickles as plain data). A worker rebuilds ``Engine(config)`` from its own
installed plugins (entry points, as any run) and swaps the learned normalisers in, so its chain
is exactly the client's. The engine is built once per worker process and run, then reused.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass

from dedupe.config import Config
from dedupe.corpus import FileCorpus
from dedupe.distributed.parquet import plugin_manager
from dedupe.engine import Engine
from dedupe.normalise import Chain, Normaliser
from dedupe.read import Discovery


@dataclass(frozen=True)
class EngineSpec:
    """The engine of a run as data: ``learned`` holds the fitted normalisers by chain position."""

    token: str
    config: Config
    learned: tuple[tuple[int, Normaliser], ...] = ()

    @classmethod
    def of(cls, engine: Engine) -> EngineSpec:
        """The spec of a client engine whose ``chain`` is already fitted to the corpus."""
        learned = tuple(
            (k, fitted)
            for k, (base, fitted) in enumerate(
                zip(engine.base_chain.normalisers, engine.chain.normalisers, strict=True)
            )
            if base.learn is not None
        )
        return cls(uuid.uuid4().hex, engine.config, learned)


_LOCK = threading.Lock()
_ENGINES: dict[str, tuple[Engine, FileCorpus]] = {}


def build_engine(spec: EngineSpec) -> Engine:
    """A new engine from the spec, with the learned normalisers in its chain."""
    engine = Engine(spec.config, plugin_manager=plugin_manager())
    learned = dict(spec.learned)
    engine.chain = Chain([learned.get(k, n) for k, n in enumerate(engine.base_chain.normalisers)])
    engine.learned = {n.name: n.description for _, n in spec.learned}
    return engine


def worker_engine(spec: EngineSpec) -> tuple[Engine, FileCorpus]:
    """This process's engine for the run (built on first use) and a corpus to read chunks with.

    Chunks carry their sources (paths and byte ranges), so the corpus needs no discovery.
    """
    with _LOCK:
        hit = _ENGINES.get(spec.token)
        if hit is None:
            engine = build_engine(spec)
            corpus = FileCorpus(Discovery(), engine.readers, engine.read_options, [])
            _ENGINES.clear()  # one run at a time per worker: drop the previous run's engine
            hit = _ENGINES[spec.token] = (engine, corpus)
        return hit


def loaded_plugins() -> dict[str, str | None]:
    """Third-party plugins loaded in this process (name -> version), for the client's check
    that every worker has the plugins it has."""
    pm = plugin_manager()
    return {name: info.version for name, info in pm.infos.items() if not info.builtin}
