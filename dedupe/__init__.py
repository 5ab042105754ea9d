"""dedupe: near-duplicate and syndication detection for text corpora.

MinHash signatures and LSH banding find candidate pairs, scorers verify every one, and copies
are grouped into clusters with their original named. Everything named (readers, normalisers,
shingle units, scorers, representative policies, writers) is a plugin.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dedupe.config import Config, ScorerSpec
    from dedupe.documents import BadRecord, Record
    from dedupe.engine import Corpus, Engine, make_config
    from dedupe.errors import ConfigError, DedupeError, InputError, OutputError, PluginError
    from dedupe.hookspecs import hookimpl
    from dedupe.normalise import Normaliser
    from dedupe.plugins import get_plugin_manager
    from dedupe.read import Reader, ReadOptions, Source
    from dedupe.represent import ClusterView, RepresentativePolicy
    from dedupe.result import Cluster, RunResult
    from dedupe.score import PairContext, Scorer
    from dedupe.shingle import ShingleUnit
    from dedupe.version import __version__
    from dedupe.write import Writer

#: Where each public name lives: imported on first use (PEP 562), so that ``dedupe --help``
#: and ``import dedupe.cli`` load no kernel, numba or numpy.
_WHERE = {
    "Config": "dedupe.config",
    "ScorerSpec": "dedupe.config",
    "BadRecord": "dedupe.documents",
    "Record": "dedupe.documents",
    "Corpus": "dedupe.engine",
    "Engine": "dedupe.engine",
    "make_config": "dedupe.engine",
    "ConfigError": "dedupe.errors",
    "DedupeError": "dedupe.errors",
    "InputError": "dedupe.errors",
    "OutputError": "dedupe.errors",
    "PluginError": "dedupe.errors",
    "hookimpl": "dedupe.hookspecs",
    "Normaliser": "dedupe.normalise",
    "get_plugin_manager": "dedupe.plugins",
    "Reader": "dedupe.read",
    "ReadOptions": "dedupe.read",
    "Source": "dedupe.read",
    "ClusterView": "dedupe.represent",
    "RepresentativePolicy": "dedupe.represent",
    "Cluster": "dedupe.result",
    "RunResult": "dedupe.result",
    "PairContext": "dedupe.score",
    "Scorer": "dedupe.score",
    "ShingleUnit": "dedupe.shingle",
    "__version__": "dedupe.version",
    "Writer": "dedupe.write",
}


def __getattr__(name: str) -> Any:
    """A public name, imported from its module the first time it is asked for."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'dedupe' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "BadRecord",
    "Cluster",
    "ClusterView",
    "Config",
    "ConfigError",
    "Corpus",
    "DedupeError",
    "Engine",
    "InputError",
    "Normaliser",
    "OutputError",
    "PairContext",
    "PluginError",
    "ReadOptions",
    "Reader",
    "Record",
    "RepresentativePolicy",
    "RunResult",
    "Scorer",
    "ScorerSpec",
    "ShingleUnit",
    "Source",
    "Writer",
    "__version__",
    "get_plugin_manager",
    "hookimpl",
    "make_config",
]
