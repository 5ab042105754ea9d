"""The settings an index is created with, stored in it and used by every later open.

Signatures, band keys, anchors and verified pairs only mean something under the settings that
made them, so an index stores its whole :class:`dedupe.Config` (with its fingerprint), the
banding and anchor rules the engine derived from it, and what learning normalisers learned at
creation. Every open rebuilds the engine from these; settings that change what is stored or what
counts as a duplicate (:data:`FIXED`) cannot be changed later, and giving a different value is
refused with one line. Reading options (fields, format, batch size) may differ per call.

Normalisers that learn from a corpus (``boilerplate``) cannot learn from a stream: an index
uses what they learned from the ``--learn-from`` sample given at creation, or, without one, the
normaliser unfitted (``boilerplate`` then removes nothing). What they learned is stored as
data, never as code: each fitted normaliser's ``state`` (JSON), rebuilt at every open by the
registered normaliser's ``restore(state)``. Everything stored is JSON or text, so opening an
index runs no code from it.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from dedupe.config import Config
from dedupe.engine import Engine, make_config
from dedupe.errors import ConfigError
from dedupe.index.base import StorageError
from dedupe.learn import learn_chain
from dedupe.normalise import Chain, Normaliser
from dedupe.plan import RunPlan
from dedupe.version import __version__

FORMAT = "dedupe-index/2"

#: Settings fixed at creation -> the command-line option that sets them.
#: The scorers of an index created without ``--keep-text`` when none are chosen: the default
#: ``figures`` veto reads texts, and without it the containment threshold is the verbatim
#: one (0.7) that holds templated stories apart on shingles alone.
TEXT_FREE_SCORERS: tuple[str, ...] = ("containment=0.7",)


def text_free_defaults(settings: dict[str, Any], keep_text: bool) -> dict[str, Any]:
    """``settings`` with :data:`TEXT_FREE_SCORERS` where an index keeps no texts and neither
    scorers nor a preset were chosen."""
    if keep_text or "scorers" in settings or settings.get("preset", "default") != "default":
        return settings
    return {**settings, "scorers": list(TEXT_FREE_SCORERS)}


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


def meta_for(engine: Engine, *, keep_text: bool, learned: Sequence[Normaliser]) -> dict[str, str]:
    """What an index stores about itself at creation (all values JSON or text)."""
    cfg = engine.config
    return {
        "format": FORMAT,
        "config": json.dumps(cfg.to_dict(), sort_keys=True),
        "fingerprint": cfg.fingerprint(),
        "signature_settings": json.dumps(cfg.signature_settings(), sort_keys=True),
        "banding": json.dumps({"bands": engine.banding.bands, "rows": engine.banding.rows}),
        "anchors": json.dumps(asdict(engine.anchors) if engine.anchors else None),
        "learned": json.dumps({n.name: _stored_state(n) for n in learned}, sort_keys=True),
        "keep_text": "1" if keep_text else "0",
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "dedupe_version": __version__,
    }


def _stored_state(normaliser: Normaliser) -> Any:
    """A fitted normaliser's ``state`` as stored (checked to be JSON data)."""
    if normaliser.state is None:
        raise ConfigError(
            f"normaliser {normaliser.name!r} learns but does not declare what it learned as "
            "data (state and restore): it cannot be stored in an index"
        )
    try:
        return json.loads(json.dumps(normaliser.state))
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"normaliser {normaliser.name!r}: its state is not JSON data ({exc})"
        ) from None


def _json(meta: dict[str, str], key: str, location: str) -> Any:
    """A stored JSON value, or a :class:`StorageError` saying the index is damaged."""
    try:
        return json.loads(meta[key])
    except (KeyError, TypeError, ValueError):
        raise StorageError(f"{location}: its stored settings are damaged ({key!r})") from None


def config_from_meta(meta: dict[str, str], location: str) -> Config:
    """The stored :class:`Config` (its fingerprint checked)."""
    if meta.get("format") != FORMAT:
        raise StorageError(
            f"{location} is an index of format {meta.get('format')!r}; this dedupe reads "
            f"{FORMAT!r} (create a new index and add the documents again)"
        )
    settings = _json(meta, "config", location)
    # Indexes made before every setting was a field kept some settings apart, as "extra".
    extra = _json(meta, "extra", location) if "extra" in meta else {}
    if not isinstance(settings, dict) or not isinstance(extra, dict):
        raise StorageError(f"{location}: its stored settings are damaged")
    settings.pop("fingerprint", None)
    settings.update(extra)
    try:
        config = make_config(**settings)
    except (ConfigError, TypeError, ValueError) as exc:
        raise StorageError(f"{location}: its stored settings cannot be used: {exc}") from None
    if config.fingerprint() != meta.get("fingerprint"):
        raise StorageError(
            f"{location}: its settings give fingerprint {config.fingerprint()} in this version "
            f"of dedupe, not the stored {meta.get('fingerprint')!r}; its signatures cannot be "
            "reused"
        )
    return config


def check_engine(engine: Engine, meta: dict[str, str], location: str) -> None:
    """Refuse an engine whose derived banding or anchor rules differ from the stored ones
    (a new dedupe version could derive them differently)."""
    banding = {"bands": engine.banding.bands, "rows": engine.banding.rows}
    if banding != _json(meta, "banding", location):
        raise ConfigError(
            f"{location} was built with LSH banding {meta['banding']}; this engine uses "
            f"{json.dumps(banding)}"
        )
    anchors = asdict(engine.anchors) if engine.anchors else None
    if anchors != _json(meta, "anchors", location):
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
    wanted = make_config(**{**base, **given})
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
    if wanted.scorer_options != stored.scorer_options:
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


def check_text_free(plan: RunPlan, keep_text: bool, kinds: Sequence[str] = ("scorer",)) -> None:
    """An index without texts serves only the scorers (and policies) that read none, as their
    own ``needs_text`` says (whichever plugin registered them): refuse the others."""
    if keep_text:
        return
    chosen: dict[str, list[Any]] = {
        "scorer": [s for s, _ in plan.scorers],
        "representative policy": [plan.policy],
    }
    for kind in kinds:
        for component in chosen[kind]:
            if component.needs_text:
                raise ConfigError(
                    f"{kind} {component.name!r} reads document texts, which this index does "
                    "not keep: create it with --keep-text"
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


def restore_chain(engine: Engine, meta: dict[str, str], location: str = "the index") -> None:
    """Put the stored fitted normalisers in the engine's chain, and freeze the rest: learning
    normalisers learn nothing more (the index's normalisation never changes). Each is rebuilt
    from its stored ``state`` by the registered normaliser's ``restore``."""
    stored = _json(meta, "learned", location) if meta.get("learned") else {}
    if not isinstance(stored, dict):
        raise StorageError(f"{location}: its stored learned normalisers are damaged")
    normalisers = []
    learned: dict[str, str] = {}
    for n in engine.base_chain.normalisers:
        if n.learn is not None:
            if n.name in stored:
                n = _restored(n, stored[n.name], location)
                learned[n.name] = n.description
            n = dataclasses.replace(n, learn=None)
        normalisers.append(n)
    chain = Chain(normalisers)
    engine.plan = dataclasses.replace(engine.plan, base_chain=chain, chain=chain, learned=learned)


def _restored(registered: Normaliser, state: Any, location: str) -> Normaliser:
    """The fitted normaliser from its stored state; a state its ``restore`` refuses (or a
    normaliser that cannot restore) is a :class:`StorageError` naming it."""
    name = registered.name
    if registered.restore is None:
        raise StorageError(
            f"{location} stores what normaliser {name!r} learned, but the installed {name!r} "
            "cannot restore a learned state"
        )
    try:
        fitted = registered.restore(state)
    except Exception as exc:
        raise StorageError(
            f"{location}: the stored state of normaliser {name!r} cannot be restored: {exc}"
        ) from None
    if not isinstance(fitted, Normaliser) or fitted.name != name:
        raise StorageError(f"{location}: normaliser {name!r} restored something else")
    return fitted
