"""The run plan: every setting of a run and the components they name, resolved and frozen.

A :class:`RunPlan` is what every step of a run is given (``steps(plan, chunk or partition)``),
whichever executor runs it: the :class:`~dedupe.config.Config` (every setting, typed) and the
components looked up once in the plugin registry (readers, the normaliser chain, the shingle
unit, the MinHasher, the LSH banding, the anchor rules, the scorers with their thresholds, the
representative policy, the writers). It is never changed in place: learning normalisers are
fitted on the corpus by :func:`dedupe.learn.learn_plan`, which returns a new plan whose chain
holds the fitted normalisers and whose ``learned`` says what each learned.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dedupe.candidates.anchors import AnchorSettings
from dedupe.candidates.lsh import Banding
from dedupe.config import Config
from dedupe.normalise import Chain
from dedupe.read import Reader, ReadOptions
from dedupe.registry import Registry
from dedupe.represent import RepresentativePolicy
from dedupe.score import Scorer
from dedupe.shingle import ShingleUnit
from dedupe.signature import MinHasher
from dedupe.tables import in_format, require_parquet
from dedupe.window import WINDOW_THRESHOLD, window_scorer
from dedupe.write import Writer


@dataclass(frozen=True, eq=False)
class RunPlan:
    """Resolved components and settings of a run (see the module doc).

    ``base_chain`` is the chain as registered, ``chain`` the one a run normalises with (the
    same until learning normalisers are fitted); ``plugins`` names every loaded plugin and
    ``third_party`` maps the others to their versions (what a distributed worker must load).
    """

    config: Config
    readers: dict[str, Reader]
    base_chain: Chain
    chain: Chain
    unit: ShingleUnit
    hasher: MinHasher
    banding: Banding
    anchors: AnchorSettings | None
    scorers: tuple[tuple[Scorer, float], ...]
    policy: RepresentativePolicy
    writers: tuple[Writer, ...]
    learned: Mapping[str, str] = field(default_factory=dict)
    plugins: tuple[str, ...] = ()
    third_party: Mapping[str, str | None] = field(default_factory=dict)

    @property
    def read_options(self) -> ReadOptions:
        """What the readers are told (fields, the size limit)."""
        cfg = self.config
        return ReadOptions(
            id_field=cfg.id_field,
            text_field=cfg.text_field,
            keep_fields=(cfg.date_field,),
            max_doc_bytes=cfg.max_doc_bytes,
        )

    @property
    def needs_text(self) -> bool:
        """Whether a scorer or the policy reads texts (then they are read again)."""
        return any(s.needs_text for s, _ in self.scorers) or self.policy.needs_text

    @property
    def needs_signatures(self) -> bool:
        """Whether a scorer reads signatures (then pass 1 hands them all back)."""
        return any(s.needs_signatures for s, _ in self.scorers)

    @property
    def primary(self) -> str:
        """The first scorer's name: its score is the one clusters and pairs report."""
        return self.scorers[0][0].name

    @property
    def scorer_options(self) -> dict[str, Any]:
        """What every scorer sees as ``ctx.options``."""
        return self.config.scorer_option_map

    def with_output_format(self, output_format: str) -> RunPlan:
        """This plan writing its tables in ``output_format`` (the format ``auto`` decided)."""
        config = dataclasses.replace(self.config, output_format=output_format)
        writers = tuple(in_format(w, output_format) for w in self.writers)
        return dataclasses.replace(self, config=config, writers=writers)

    def with_chain(self, chain: Chain, learned: Mapping[str, str] | None = None) -> RunPlan:
        """This plan normalising with ``chain`` (``learned``: what its normalisers learned)."""
        return dataclasses.replace(
            self, chain=chain, learned=dict(self.learned if learned is None else learned)
        )


def plan_for(config: Config, registry: Registry) -> RunPlan:
    """Look up every component the config names, so a bad name fails before any work."""
    cfg, reg = config, registry
    readers = {name: reg.get("reader", name) for name in reg.names("reader")}
    if cfg.format is not None:
        reg.get("reader", cfg.format)
    if cfg.output_format == "parquet":
        require_parquet()  # before any work: one line naming the extra
    chain = Chain([reg.get("normaliser", name) for name in cfg.normalise])
    scorers = []
    for spec in cfg.scorers:
        scorer = reg.get("scorer", spec.name)
        threshold = scorer.default_threshold if spec.threshold is None else spec.threshold
        scorers.append((scorer, threshold))
    if cfg.window is not None:
        scorers.append((window_scorer(cfg.window, cfg.date_field), WINDOW_THRESHOLD))
    if cfg.bands is not None and cfg.rows is not None:
        banding = Banding(cfg.bands, cfg.rows)
    else:
        banding = Banding.for_threshold(cfg.threshold, cfg.num_perm)
    anchors = (
        AnchorSettings(
            sampling=cfg.containment_sampling, head_sampling=min(4, cfg.containment_sampling)
        )
        if cfg.containment_sampling > 0
        else None
    )
    infos = registry.pm.infos
    return RunPlan(
        config=cfg,
        readers=readers,
        base_chain=chain,
        chain=chain,
        unit=reg.get("shingle unit", cfg.unit),
        hasher=MinHasher(cfg.num_perm, cfg.seed),
        banding=banding,
        anchors=anchors,
        scorers=tuple(scorers),
        policy=reg.get("representative policy", cfg.representative),
        writers=tuple(
            in_format(reg.get("writer", name), cfg.output_format) for name in cfg.writers
        ),
        plugins=tuple(sorted(infos)),
        third_party={n: i.version for n, i in infos.items() if not i.builtin},
    )
