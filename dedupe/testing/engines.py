"""Engines with exactly the plugins a test names, and the context a scorer sees in a run."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from dedupe.engine import Engine
from dedupe.plugins import DedupePluginManager, PluginInfo, get_plugin_manager
from dedupe.score import PairContext, Scorer


def _plugin_name(plugin: object) -> str:
    name = getattr(plugin, "__name__", None)
    return name if isinstance(name, str) else type(plugin).__name__


def isolated_engine(*plugins: object, **settings: Any) -> Engine:
    """An engine with the built-ins plus exactly ``plugins`` (modules or objects with hook
    implementations), whatever is installed in the environment.

    Tests of one plugin should not depend on which other plugins happen to be installed next
    to it: this never reads the ``dedupe`` entry points. ``settings`` are
    :class:`dedupe.Engine` settings (``normalise="html,news,casefold"``, ``scorers=[...]``).
    """
    pm: DedupePluginManager = get_plugin_manager(load_entrypoints=False)
    for plugin in plugins:
        pm.add(plugin, PluginInfo(_plugin_name(plugin)))
    pm.check_pending()
    return Engine(plugin_manager=pm, **settings)


# -- building a pair context without a run ------------------------------------------------------


def pair_context(
    documents: Iterable[tuple[str, str]], engine: Engine | None = None
) -> tuple[PairContext, list[str]]:
    """A :class:`PairContext` over ``documents`` (``(id, text)``), numbered 0, 1, ... in order.

    Normalisers that learn from a corpus are first fitted on these documents, then the engine
    builds the context as a run does (:meth:`dedupe.Engine.pair_context`), so a scorer sees
    what it would see in ``dedupe run``. Returns the context and the ids. Use it to score
    chosen pairs::

        ctx, ids = pair_context([("a", text_a), ("b", text_b)])
        scorer(np.array([[0, 1]]), ctx)
    """
    engine = engine or isolated_engine()
    docs = list(documents)
    if not docs:
        raise ValueError("pair_context needs at least one document")
    engine.chain = engine.learn(engine.open_documents(docs))
    ctx = engine.pair_context(docs)
    return ctx, list(ctx.store.ids)


def score_texts(scorer: Scorer, a: str, b: str, engine: Engine | None = None) -> float:
    """The score ``scorer`` gives the pair of texts (a, b), as in a run with ``engine``."""
    ctx, _ = pair_context([("a", a), ("b", b)], engine)
    return float(scorer(np.array([[0, 1]], dtype=np.int64), ctx)[0])
