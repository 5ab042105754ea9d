"""What a worker needs to run the client's plan, shipped as data, never as code.

The client builds a :class:`PlanSpec`: the run's :class:`~dedupe.config.Config` and what its
normalisers learned from the corpus, as their ``state`` in JSON text (never the fitted
objects: nothing a worker receives can run code). A worker resolves the config into a
:class:`~dedupe.plan.RunPlan` with its own installed plugins (entry points, as any run) and
rebuilds each fitted normaliser with its registered normaliser's ``restore(state)``, so its
chain is exactly the client's. The plan is built once per worker process and run, then reused.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import uuid
from dataclasses import dataclass

from dedupe.config import Config
from dedupe.corpus import FileCorpus
from dedupe.errors import ConfigError
from dedupe.normalise import Chain, Normaliser
from dedupe.plan import RunPlan, plan_for
from dedupe.plugins import get_plugin_manager
from dedupe.read import Discovery
from dedupe.registry import Registry


@dataclass(frozen=True)
class PlanSpec:
    """The plan of a run as data: ``learned`` holds, by chain position, each learning
    normaliser's name and fitted ``state`` as JSON text."""

    token: str
    config: Config
    learned: tuple[tuple[int, str, str], ...] = ()

    @classmethod
    def of(cls, plan: RunPlan) -> PlanSpec:
        """The spec of a client plan whose chain is already fitted to the corpus."""
        learned = []
        pairs = zip(plan.base_chain.normalisers, plan.chain.normalisers, strict=True)
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
        return cls(uuid.uuid4().hex, plan.config, tuple(learned))


def restored(base: Normaliser, state_json: str) -> Normaliser:
    """The fitted normaliser rebuilt from its JSON state by the registered one's ``restore``."""
    if base.restore is None:
        raise ConfigError(f"normaliser {base.name!r} here cannot restore a learned state")
    fitted = base.restore(json.loads(state_json))
    if not isinstance(fitted, Normaliser):
        raise ConfigError(f"normaliser {base.name!r}: restore() returned no normaliser")
    return dataclasses.replace(fitted, learn=None)


_LOCK = threading.Lock()
_PLANS: dict[str, tuple[RunPlan, FileCorpus]] = {}


def build_plan(spec: PlanSpec) -> RunPlan:
    """A new plan from the spec, with the learned normalisers in its chain."""
    plan = plan_for(spec.config, Registry(get_plugin_manager()))
    normalisers = list(plan.base_chain.normalisers)
    learned = {}
    for k, name, state in spec.learned:
        if k >= len(normalisers) or normalisers[k].name != name:
            raise ConfigError(f"the client's normaliser {name!r} is not in this worker's chain")
        normalisers[k] = restored(normalisers[k], state)
        learned[name] = normalisers[k].description
    return plan.with_chain(Chain(normalisers), learned)


def worker_plan(spec: PlanSpec) -> tuple[RunPlan, FileCorpus]:
    """This process's plan for the run (built on first use) and a corpus to read chunks with.

    Chunks carry their sources (paths and byte ranges), so the corpus needs no discovery.
    """
    with _LOCK:
        hit = _PLANS.get(spec.token)
        if hit is None:
            plan = build_plan(spec)
            corpus = FileCorpus(Discovery(), plan.readers, plan.read_options, [])
            _PLANS.clear()  # one run at a time per worker: drop the previous run's plan
            hit = _PLANS[spec.token] = (plan, corpus)
        return hit


def loaded_plugins() -> dict[str, str | None]:
    """Third-party plugins loaded in this process (name -> version), for the client's check
    that every worker has the plugins it has."""
    pm = get_plugin_manager()
    return {name: info.version for name, info in pm.infos.items() if not info.builtin}
