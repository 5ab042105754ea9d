"""What a worker needs to act as the client's engine, shipped as data, never as code.

The client builds an :class:`EngineSpec`: the run's :class:`~dedupe.config.Config` and what
its normalisers learned from the corpus, as their ``state`` in JSON text (never the fitted
objects: nothing a worker receives can run code). A worker rebuilds ``Engine(config)`` from its
own installed plugins (entry points, as any run) and rebuilds each fitted normaliser with its
registered normaliser's ``restore(state)``, so its chain is exactly the client's. The engine
is built once per worker process and run, then reused.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import uuid
from dataclasses import dataclass

from dedupe.config import Config
from dedupe.corpus import FileCorpus
from dedupe.distributed.parquet import plugin_manager
from dedupe.engine import Engine
from dedupe.errors import ConfigError
from dedupe.normalise import Chain, Normaliser
from dedupe.read import Discovery


@dataclass(frozen=True)
class EngineSpec:
    """The engine of a run as data: ``learned`` holds, by chain position, each learning
    normaliser's name and fitted ``state`` as JSON text."""

    token: str
    config: Config
    learned: tuple[tuple[int, str, str], ...] = ()

    @classmethod
    def of(cls, engine: Engine) -> EngineSpec:
        """The spec of a client engine whose ``chain`` is already fitted to the corpus."""
        learned = []
        pairs = zip(engine.base_chain.normalisers, engine.chain.normalisers, strict=True)
        for k, (base, fitted) in enumerate(pairs):
            if base.learn is None:
                continue
            if fitted.state is None or base.restore is None:
                raise ConfigError(
                    f"normaliser {base.name!r} learns from the corpus but does not declare what "
                    "it learned as data (state and restore): it cannot run on Dask workers"
                )
            try:
                text = json.dumps(fitted.state, sort_keys=True)
            except (TypeError, ValueError) as exc:
                raise ConfigError(
                    f"normaliser {base.name!r}: its state is not JSON data ({exc})"
                ) from None
            learned.append((k, base.name, text))
        return cls(uuid.uuid4().hex, engine.config, tuple(learned))


def restored(base: Normaliser, state_json: str) -> Normaliser:
    """The fitted normaliser rebuilt from its JSON state by the registered one's ``restore``."""
    if base.restore is None:
        raise ConfigError(f"normaliser {base.name!r} here cannot restore a learned state")
    fitted = base.restore(json.loads(state_json))
    if not isinstance(fitted, Normaliser):
        raise ConfigError(f"normaliser {base.name!r}: restore() returned no normaliser")
    return dataclasses.replace(fitted, learn=None)


_LOCK = threading.Lock()
_ENGINES: dict[str, tuple[Engine, FileCorpus]] = {}


def build_engine(spec: EngineSpec) -> Engine:
    """A new engine from the spec, with the learned normalisers in its chain."""
    engine = Engine(spec.config, plugin_manager=plugin_manager())
    normalisers = list(engine.base_chain.normalisers)
    learned = {}
    for k, name, state in spec.learned:
        if k >= len(normalisers) or normalisers[k].name != name:
            raise ConfigError(f"the client's normaliser {name!r} is not in this worker's chain")
        normalisers[k] = restored(normalisers[k], state)
        learned[name] = normalisers[k].description
    engine.plan = engine.plan.with_chain(Chain(normalisers), learned)
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
