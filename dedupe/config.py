"""One frozen set of settings shared by every stage of a run: every setting is a typed field.

Its :meth:`Config.fingerprint` covers exactly the settings that change signatures, so stored
signatures (checkpoints, indexes) made with other settings are recognised and never mixed.
There is no bag of extra settings: a setting that is not a field (a typo such as
``treshold``) is refused by :func:`make_config` with its name, so every setting takes part in
equality, in :meth:`Config.to_dict` (``report.json``) and in checkpoint keys.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from dedupe.chains import DEFAULT_NORMALISERS as DEFAULT_NORMALISERS  # re-exported
from dedupe.errors import ConfigError

DEFAULT_SCORERS: tuple[str, ...] = ("containment", "figures")
DEFAULT_WRITERS: tuple[str, ...] = ("clusters", "pairs", "kept", "dropped", "report")

#: Hash scheme of signatures: datasketch 2's ``affine32`` over xxh32 shingle hashes.
SIGNATURE_SCHEME = "affine32+xxh32"
#: ``--output-format`` values (``auto``: decided by the inputs).
OUTPUT_FORMATS = ("auto", "jsonl", "csv", "parquet")
#: Records a learning normaliser is fitted on, by default (see :mod:`dedupe.learn`).
DEFAULT_LEARN_SAMPLE = 20_000


@dataclass(frozen=True)
class ScorerSpec:
    """A scorer by name and the score a candidate pair needs to be accepted by it
    (``None``: the scorer's own default)."""

    name: str
    threshold: float | None = None

    @classmethod
    def parse(cls, text: str) -> ScorerSpec:
        """Parse ``name`` or ``name=0.8`` (also ``name:0.8``)."""
        for sep in ("=", ":"):
            if sep in text:
                name, _, value = text.partition(sep)
                try:
                    threshold = float(value)
                except ValueError:
                    raise ConfigError(f"scorer threshold must be a number: {text!r}") from None
                return cls(name.strip(), threshold)
        return cls(text.strip())

    def __str__(self) -> str:
        return self.name if self.threshold is None else f"{self.name}={self.threshold:g}"


@dataclass(frozen=True)
class Config:
    """Settings of a dedup run (see ``dedupe run --help`` for each one's meaning)."""

    normalise: tuple[str, ...] = DEFAULT_NORMALISERS
    unit: str = "auto"
    ngram: int = 5
    num_perm: int = 128
    seed: int = 1
    threshold: float = 0.5
    bands: int | None = None
    rows: int | None = None
    scorers: tuple[ScorerSpec, ...] = tuple(ScorerSpec(s) for s in DEFAULT_SCORERS)
    decide: str = "all"
    representative: str = "original"
    date_field: str = "date"
    #: Documents further apart than this many days in ``date_field`` are never copies (None: off).
    window: float | None = None
    id_field: str = "id"
    text_field: str = "text"
    format: str | None = None
    writers: tuple[str, ...] = DEFAULT_WRITERS
    batch_size: int = 1000
    max_bucket: int = 500
    containment_sampling: int = 16
    workers: int = 0
    chunk_mb: float = 16
    parallel_min_mb: float = 32
    #: The preset whose settings filled those not given (see :mod:`dedupe.presets`).
    preset: str = "default"
    #: Skip (and report) documents larger than this many bytes (``--max-doc-bytes``).
    max_doc_bytes: int | None = None
    #: A repeated id stops the run (``error``) or is renamed ``id#2``... (``rename``).
    duplicate_ids: str = "error"
    #: Flush the outputs to disk before they are swapped into place (``--fsync``).
    fsync: bool = False
    #: Records a learning normaliser (``boilerplate``) is fitted on (see :mod:`dedupe.learn`).
    learn_sample: int = DEFAULT_LEARN_SAMPLE
    #: How the tables (clusters, pairs, dropped, kept) are written: ``jsonl``, ``csv``,
    #: ``parquet``, or ``auto`` (CSV when every input is, Parquet when every input is, else
    #: JSON Lines; a run's plan holds the format decided: :mod:`dedupe.tables`).
    output_format: str = "auto"
    #: Options every scorer sees as ``ctx.options`` (name, JSON value), sorted by name; give a
    #: mapping, it is stored as pairs so that the config stays hashable.
    scorer_options: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        if isinstance(self.scorer_options, Mapping):
            object.__setattr__(self, "scorer_options", tuple(sorted(self.scorer_options.items())))
        if not 0.0 < self.threshold < 1.0:
            raise ConfigError(
                f"threshold must be between 0 and 1 (exclusive), not {self.threshold}"
            )
        if self.ngram < 1:
            raise ConfigError(f"ngram must be at least 1, not {self.ngram}")
        if not 1 <= self.num_perm <= 4096:
            raise ConfigError(f"num-perm must be between 1 and 4096, not {self.num_perm}")
        if not 0 <= self.seed < 2**32:
            raise ConfigError(f"seed must be between 0 and 2^32-1, not {self.seed}")
        if (self.bands is None) != (self.rows is None):
            raise ConfigError("give both --bands and --rows, or neither")
        if self.bands is not None and self.rows is not None:
            if self.bands < 1 or self.rows < 1:
                raise ConfigError("bands and rows must be at least 1")
            if self.bands * self.rows > self.num_perm:
                raise ConfigError(
                    f"bands x rows ({self.bands} x {self.rows} = {self.bands * self.rows}) "
                    f"exceeds num-perm ({self.num_perm})"
                )
        if self.decide not in ("all", "any"):
            raise ConfigError(f"decide must be 'all' or 'any', not {self.decide!r}")
        if not self.scorers:
            raise ConfigError("at least one scorer is needed")
        for spec in self.scorers:
            if spec.threshold is not None and not 0.0 <= spec.threshold <= 1.0:
                raise ConfigError(f"scorer threshold must be in [0, 1]: {spec}")
        if not self.normalise and self.normalise != ():
            raise ConfigError("normalise must be a list of normaliser names")
        if self.batch_size < 1:
            raise ConfigError(f"batch size must be at least 1, not {self.batch_size}")
        if self.containment_sampling < 0:
            raise ConfigError("containment sampling must be 0 (off) or a positive number")
        if self.workers < 0:
            raise ConfigError(f"workers must be 0 (all cores) or more, not {self.workers}")
        if not self.chunk_mb > 0 or self.parallel_min_mb < 0:
            raise ConfigError("chunk size must be more than 0 MB")
        from dedupe.presets import PRESETS

        if self.preset not in PRESETS:
            raise ConfigError(f"unknown preset {self.preset!r} (known: {', '.join(PRESETS)})")
        if self.window is not None and not self.window >= 0:
            raise ConfigError(f"window must be a number of days, 0 or more, not {self.window}")
        if self.max_bucket < 2:
            raise ConfigError(f"max bucket must be at least 2, not {self.max_bucket}")
        if self.max_doc_bytes is not None and self.max_doc_bytes < 1:
            raise ConfigError(f"max doc bytes must be at least 1, not {self.max_doc_bytes}")
        if self.duplicate_ids not in ("error", "rename"):
            raise ConfigError(
                f"duplicate ids must be 'error' or 'rename', not {self.duplicate_ids!r}"
            )
        if self.output_format not in OUTPUT_FORMATS:
            raise ConfigError(
                f"output format must be one of {', '.join(OUTPUT_FORMATS)}, "
                f"not {self.output_format!r}"
            )
        if self.learn_sample < 0:
            raise ConfigError(f"learn sample must be 0 or more, not {self.learn_sample}")
        if not all(isinstance(k, str) for k, _ in self.scorer_options):
            raise ConfigError("scorer options must be named by strings")

    def with_changes(self, **changes: Any) -> Config:
        """A copy with some settings changed (validated again; unknown names refused)."""
        return replace(self, **coerce(changes))

    @property
    def scorer_option_map(self) -> dict[str, Any]:
        """:attr:`scorer_options` as a dict (what a :class:`dedupe.score.PairContext` gets)."""
        return dict(self.scorer_options)

    def signature_settings(self) -> dict[str, Any]:
        """The settings that determine a document's signature."""
        return {
            "scheme": SIGNATURE_SCHEME,
            "normalise": list(self.normalise),
            "unit": self.unit,
            "ngram": self.ngram,
            "num_perm": self.num_perm,
            "seed": self.seed,
        }

    def fingerprint(self) -> str:
        """A short hash of :meth:`signature_settings`: equal fingerprints, comparable signatures."""
        blob = json.dumps(self.signature_settings(), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        """All settings as plain JSON values (for report.json)."""
        d = asdict(self)
        d["scorers"] = [str(s) for s in self.scorers]
        d["normalise"] = list(self.normalise)
        d["writers"] = list(self.writers)
        d["scorer_options"] = dict(self.scorer_options)
        d["fingerprint"] = self.fingerprint()
        return d


#: Every setting's name (the fields of :class:`Config`).
SETTINGS: frozenset[str] = frozenset(f.name for f in fields(Config))


def check_names(names: Any) -> None:
    """Refuse settings that are not fields of :class:`Config`, naming the closest one."""
    unknown = sorted(set(names) - SETTINGS)
    if unknown:
        name = unknown[0]
        close = difflib.get_close_matches(name, sorted(SETTINGS), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        more = f" and {len(unknown) - 1} more" if len(unknown) > 1 else ""
        raise ConfigError(f"unknown setting {name!r}{hint}{more}")


def coerce(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Settings with friendly Python values made typed (lists for tuples, strings for scorer
    specs, ``"a,b"`` for a chain); an unknown setting is a :class:`ConfigError` naming it."""
    check_names(settings)
    out = dict(settings)
    if "normalise" in out and isinstance(out["normalise"], str):
        out["normalise"] = tuple(s for s in out["normalise"].split(",") if s)
    for key in ("normalise", "writers"):
        if key in out:
            out[key] = tuple(out[key])
    if "scorers" in out:
        value = out["scorers"]
        if isinstance(value, str):
            value = value.split(",")
        out["scorers"] = tuple(
            v if isinstance(v, ScorerSpec) else ScorerSpec.parse(v) for v in value
        )
    return out


def make_config(**settings: Any) -> Config:
    """A :class:`Config` from keyword settings (``preset``: a :mod:`dedupe.presets` name whose
    settings fill those not given). A name that is not a setting is refused."""
    from dedupe import presets

    if "preset" in settings:
        settings = presets.apply(settings["preset"], settings, set(settings) - {"preset"})
    try:
        return Config(**coerce(settings))
    except TypeError as exc:
        raise ConfigError(str(exc)) from None
