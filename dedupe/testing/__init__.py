"""Test helpers for plugin authors: pytest fixtures, a tiny corpus and contract checks.

A plugin is only as trustworthy as the promises the engine relies on: a normaliser is *total*
(any Unicode text in, text out, never an exception) and *idempotent* (normalising twice changes
nothing, so a copy normalised by another chain still hashes the same); a scorer returns one
number in [0, 1] per pair, the same for (a, b) and (b, a) when it says it is symmetric, and
does not depend on which other pairs are scored with it. The checks here test those promises
the same way for the built-ins (``tests/test_testing.py``) and for third-party plugins.

Use it as a pytest plugin, in your plugin's ``tests/conftest.py``::

    pytest_plugins = ["dedupe.testing"]

which gives the fixtures ``dedupe_engine`` (built-ins only), ``dedupe_engine_factory``
(an engine with only the plugins you pass), ``tiny_corpus`` (documents with known copies) and
``tiny_corpus_file`` (the same as a JSONL file). The contract checks are plain functions, one
per component kind: :func:`check_reader`, :func:`check_normaliser` (with
:func:`check_restore` for what a learner learned), :func:`check_shingle_unit`,
:func:`check_scorer`, :func:`check_policy`, :func:`check_writer`,
:func:`check_storage_backend` and :func:`check_executor`; :func:`check_plugin` runs the right
ones on everything a plugin registers::

    from dedupe.testing import check_plugin

    def test_my_plugin_keeps_the_contracts():
        check_plugin(my_plugin_module)

Needs the ``test`` extra (``pip install 'dedupe-engine[test]'``): pytest and hypothesis.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

try:
    import hypothesis  # noqa: F401
    import pytest
except ImportError as exc:  # pragma: no cover - exercised only without the test extra
    raise ImportError(
        f"dedupe.testing needs pytest and hypothesis ({exc.name} is missing): "
        "pip install 'dedupe-engine[test]'"
    ) from None

from dedupe.engine import Engine
from dedupe.registry import Registry
from dedupe.testing.components import (
    check_executor,
    check_policy,
    check_reader,
    check_shingle_unit,
    check_storage_backend,
    check_writer,
)
from dedupe.testing.corpus import TINY_CLUSTERS, TINY_CORPUS, TINY_ORIGINALS
from dedupe.testing.engines import _plugin_name, isolated_engine, pair_context, score_texts
from dedupe.testing.normalisers import check_normaliser, check_restore, texts
from dedupe.testing.scorers import ScorerCheck, check_scorer

__all__ = [
    "TINY_CLUSTERS",
    "TINY_CORPUS",
    "TINY_ORIGINALS",
    "ScorerCheck",
    "check_executor",
    "check_normaliser",
    "check_plugin",
    "check_policy",
    "check_reader",
    "check_restore",
    "check_scorer",
    "check_shingle_unit",
    "check_storage_backend",
    "check_writer",
    "dedupe_engine",
    "dedupe_engine_factory",
    "isolated_engine",
    "pair_context",
    "score_texts",
    "texts",
    "tiny_corpus",
    "tiny_corpus_file",
]


# -- a whole plugin -----------------------------------------------------------------------------


def check_plugin(
    plugin: object,
    *,
    samples: Iterable[str] = (),
    max_examples: int = 100,
    files: Mapping[str, str | os.PathLike[str]] | None = None,
) -> dict:
    """Register ``plugin`` beside the built-ins (no other installed plugin) and check every
    component it contributes against the contract of its kind; return ``{kind: [names]}`` of
    what it registered. ``files`` maps a reader's name to a file of its format (a reader
    without one is not checked); ``samples`` are texts for its normalisers.

    Fails when a hook name is misspelt (pluggy's ``check_pending``), when a name clashes
    with a built-in, or when a component breaks its contract.
    """
    engine = isolated_engine(plugin)
    registry: Registry = engine.registry
    registered = registry.by_plugin().get(_plugin_name(plugin), {})
    assert registered, f"plugin {_plugin_name(plugin)!r} registered nothing"
    sample_list = list(samples)
    get = registry.get
    for name in registered.get("reader", []):
        if files and name in files:
            check_reader(get("reader", name), files[name])
    for name in registered.get("normaliser", []):
        check_normaliser(get("normaliser", name), samples=sample_list, max_examples=max_examples)
    for name in registered.get("shingle unit", []):
        check_shingle_unit(get("shingle unit", name))
    for name in registered.get("scorer", []):
        check_scorer(get("scorer", name), engine=engine)
    for name in registered.get("representative policy", []):
        check_policy(get("representative policy", name), engine)
    for name in registered.get("writer", []):
        check_writer(get("writer", name), engine)
    with tempfile.TemporaryDirectory() as tmp:
        for name in registered.get("storage backend", []):
            check_storage_backend(get("storage backend", name), f"{tmp}/{name}.db", engine)
    for name in registered.get("executor", []):
        check_executor(get("executor", name))
    return registered


# -- pytest fixtures (``pytest_plugins = ["dedupe.testing"]``) ----------------------------------


@pytest.fixture
def dedupe_engine() -> Engine:
    """An engine with only the built-in plugins and default settings."""
    return isolated_engine()


@pytest.fixture
def dedupe_engine_factory() -> Any:
    """``make(*plugins, **settings)``: an engine with the built-ins plus only ``plugins``."""
    return isolated_engine


@pytest.fixture
def tiny_corpus() -> list[tuple[str, str]]:
    """:data:`TINY_CORPUS` as a list of ``(id, text)``; :data:`TINY_CLUSTERS` are its copies."""
    return list(TINY_CORPUS)


@pytest.fixture
def tiny_corpus_file(tmp_path: Path) -> Path:
    """:data:`TINY_CORPUS` written as ``corpus.jsonl`` (``id`` and ``text`` fields)."""
    path = tmp_path / "corpus.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in TINY_CORPUS
        ),
        encoding="utf-8",
    )
    return path
