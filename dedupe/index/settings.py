"""The settings an index is created with, stored in it and used by every later open.

Signatures, band keys, anchors and verified pairs only mean something under the settings that
made them, so an index stores its whole :class:`dedupe.Config` (with its fingerprint), the
banding and anchor rules the engine derived from it, and what learning normalisers learned at
creation. Every open rebuilds the engine from these; settings that change what is stored or what
counts as a duplicate (:data:`FIXED`) cannot be changed later, and giving a different value is
refused with one line. Reading options (fields, format, batch size) may differ per call.

Normalisers that learn from a corpus (``boilerplate``) cannot learn from a stream: an index
uses what they learned from the ``--learn-from`` sample given at creation, or, without one, the
normaliser unfitted (``boilerplate`` then removes nothing). The fitted normaliser is stored
pickled; it is loaded back with only dedupe's own classes, numpy's and those of the plugin
that registered it allowed.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import json
import os
import pickle
import time
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from dedupe import __version__
from dedupe.config import Config
from dedupe.engine import Engine, make_config
from dedupe.errors import ConfigError
from dedupe.learn import learn_chain
from dedupe.normalise import Chain, Normaliser

FORMAT = "dedupe-index/1"

#: Settings fixed at creation -> the command-line option that sets them.
FIXED: dict[str, str] = {
    "normalise": "--normalise",
    "unit": "--unit",
    "ngram": "--ngram",
    "num_perm": "--num-perm",
    "seed": "--seed",
    "threshold": "--threshold",
    "bands": "--bands",
    "rows": "--rows",
    "containment_sampling": "--containment-sampling",
    "max_bucket": "--max-bucket",
    "scorers": "--scorer",
    "decide": "--decide",
}
#: Built-in plugins whose scorers and policies read no text beyond its length: an index that
#: does not keep texts can serve them.
TEXT_FREE_PLUGINS = frozenset(
    {"dedupe.default_plugins.scorers", "dedupe.default_plugins.representatives"}
)
_SAFE_BUILTINS = frozenset(
    {"frozenset", "set", "tuple", "list", "dict", "str", "int", "float", "bool", "bytes"}
)


def meta_for(engine: Engine, *, keep_text: bool, learned: Sequence[Normaliser]) -> dict[str, str]:
    """What an index stores about itself at creation (all values JSON or text)."""
    cfg = engine.config
    try:
        blob = pickle.dumps({n.name: n for n in learned}, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        names = ", ".join(n.name for n in learned)
        raise ConfigError(f"what {names} learned cannot be stored in an index: {exc}") from None
    return {
        "format": FORMAT,
        "config": json.dumps(cfg.to_dict(), sort_keys=True),
        "extra": json.dumps(cfg.extra, sort_keys=True, default=str),
        "fingerprint": cfg.fingerprint(),
        "signature_settings": json.dumps(cfg.signature_settings(), sort_keys=True),
        "banding": json.dumps({"bands": engine.banding.bands, "rows": engine.banding.rows}),
        "anchors": json.dumps(asdict(engine.anchors) if engine.anchors else None),
        "learned": base64.b64encode(blob).decode("ascii"),
        "learned_descriptions": json.dumps({n.name: n.description for n in learned}),
        "keep_text": "1" if keep_text else "0",
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "dedupe_version": __version__,
    }


def config_from_meta(meta: dict[str, str], location: str) -> Config:
    """The stored :class:`Config` (its fingerprint checked)."""
    if meta.get("format") != FORMAT:
        raise ConfigError(
            f"{location} is an index of format {meta.get('format')!r}; this dedupe reads {FORMAT!r}"
        )
    settings = json.loads(meta["config"])
    settings.pop("fingerprint", None)
    settings["extra"] = json.loads(meta.get("extra", "{}"))
    config = make_config(**settings)
    if config.fingerprint() != meta["fingerprint"]:
        raise ConfigError(
            f"{location}: its settings give fingerprint {config.fingerprint()} in this version "
            f"of dedupe, not the stored {meta['fingerprint']}; its signatures cannot be reused"
        )
    return config


def check_engine(engine: Engine, meta: dict[str, str], location: str) -> None:
    """Refuse an engine whose derived banding or anchor rules differ from the stored ones
    (a new dedupe version could derive them differently)."""
    banding = {"bands": engine.banding.bands, "rows": engine.banding.rows}
    if banding != json.loads(meta["banding"]):
        raise ConfigError(
            f"{location} was built with LSH banding {meta['banding']}; this engine uses "
            f"{json.dumps(banding)}"
        )
    anchors = asdict(engine.anchors) if engine.anchors else None
    if anchors != json.loads(meta["anchors"]):
        raise ConfigError(
            f"{location} was built with anchors {meta['anchors']}; this engine uses "
            f"{json.dumps(anchors)}"
        )


def merged_config(
    stored: Config, overrides: dict[str, Any], engine: Engine, location: str
) -> Config:
    """The stored config with per-call settings applied; a fixed setting given with another
    value than the stored one is a :class:`ConfigError` naming the option."""
    given = {k: v for k, v in overrides.items() if v is not None}
    base = dict(json.loads(json.dumps(stored.to_dict())))
    base.pop("fingerprint", None)
    extra = dict(stored.extra)
    extra.update({k: v for k, v in given.items() if k not in Config.__dataclass_fields__})
    known = {k: v for k, v in given.items() if k in Config.__dataclass_fields__}
    wanted = make_config(**{**base, **known, "extra": extra})
    for key, option in FIXED.items():
        if key not in given:
            continue
        before, after = getattr(stored, key), getattr(wanted, key)
        if key == "scorers":
            before, after = _effective(before, engine), _effective(after, engine)
        if before != after:
            raise ConfigError(
                f"index {location} was created with {option} {_shown(before)}, not "
                f"{_shown(after)}: an index never mixes settings (create a new one)"
            )
    if extra.get("scorer_options") != stored.extra.get("scorer_options"):
        raise ConfigError(f"index {location} was created with other scorer options")
    return wanted


def _effective(specs: Any, engine: Engine) -> list[tuple[str, float]]:
    out = []
    for spec in specs:
        scorer = engine.registry.get("scorer", spec.name)
        threshold = scorer.default_threshold if spec.threshold is None else spec.threshold
        out.append((spec.name, float(threshold)))
    return out


def _shown(value: Any) -> str:
    if isinstance(value, (tuple, list)):
        return ",".join(
            f"{v[0]}={v[1]:g}" if isinstance(v, tuple) and len(v) == 2 else str(v) for v in value
        )
    return str(value)


def check_text_free(engine: Engine, keep_text: bool, kinds: Sequence[str] = ("scorer",)) -> None:
    """An index without texts serves only the built-in scorers (and policies): refuse others."""
    if keep_text:
        return
    chosen = {
        "scorer": [s.name for s in engine.config.scorers],
        "representative policy": [engine.config.representative],
    }
    for kind in kinds:
        entries = engine.registry.entries(kind)
        for name in chosen[kind]:
            entry = entries.get(name)
            if entry is not None and entry.plugin not in TEXT_FREE_PLUGINS:
                raise ConfigError(
                    f"{kind} {name!r} (from {entry.plugin}) may read document texts, which "
                    "this index does not keep: create it with --keep-text"
                )


# -- learning normalisers -----------------------------------------------------------------------


def learn(engine: Engine, sample: Sequence[str | os.PathLike[str]]) -> list[Normaliser]:
    """Fit the chain's learning normalisers on a sample of files (as a run fits them)."""
    if not engine.base_chain.needs_learning:
        return []
    corpus = engine.open_files(list(sample))
    try:
        chain = learn_chain(engine, corpus)
    finally:
        corpus.close()
    return [
        dataclasses.replace(n, learn=None) for n in chain.normalisers if n.name in engine.learned
    ]


class _Unpickler(pickle.Unpickler):
    """Loads only classes of dedupe, numpy, the given plugin packages and plain builtins."""

    def __init__(self, data: bytes, roots: set[str]) -> None:
        super().__init__(io.BytesIO(data))
        self.roots = roots

    def find_class(self, module: str, name: str) -> Any:
        root = module.split(".")[0]
        if root in self.roots or (module == "builtins" and name in _SAFE_BUILTINS):
            return super().find_class(module, name)
        raise ConfigError(f"the index's learned normalisers refer to {module}.{name}; not loaded")


def restore_chain(engine: Engine, meta: dict[str, str]) -> None:
    """Put the stored fitted normalisers in the engine's chain, and freeze the rest: learning
    normalisers learn nothing more (the index's normalisation never changes)."""
    chain = engine.base_chain
    roots = {"dedupe", "numpy"}
    for n in chain.normalisers:
        if n.learn is not None:
            roots.add(type(n.func).__module__.split(".")[0])
            roots.add(n.learn.__module__.split(".")[0])
    stored: dict[str, Normaliser] = {}
    if meta.get("learned"):
        stored = _Unpickler(base64.b64decode(meta["learned"]), roots).load()
    normalisers = []
    for n in chain.normalisers:
        if n.learn is not None:
            n = dataclasses.replace(stored.get(n.name, n), learn=None)
        normalisers.append(n)
    engine.base_chain = engine.chain = Chain(normalisers)
    engine.learned = {name: n.description for name, n in stored.items()}
