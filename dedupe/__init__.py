"""dedupe: near-duplicate and syndication detection for text corpora.

MinHash signatures and LSH banding find candidate pairs, scorers verify every one, and copies
are grouped into clusters with their original named. Everything named (readers, normalisers,
shingle units, scorers, representative policies, writers) is a plugin.
"""

from __future__ import annotations

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
