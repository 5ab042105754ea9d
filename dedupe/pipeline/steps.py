"""The steps after pass 1, as functions of the plan and the data of the whole run (or of one
Dask partition): candidates, verification, clustering with representatives.

Candidates are the pairs sharing an LSH band plus those sharing enough containment anchors;
every candidate is verified by the plan's scorers (:func:`verify`); clusters are the connected
components of the accepted pairs made coherent around their representatives
(:func:`represent`: :func:`dedupe.represent.clusters` with the plan's policy and a
:class:`~dedupe.decide.Verifier` scoring members against the representative when candidates
missed the pair), so that every dropped document has a verified pair with the one kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dedupe import candidates
from dedupe.cluster import Adjacency, components
from dedupe.decide import Verifier, cannot_links, score_and_decide
from dedupe.figures.roles import label_corrections
from dedupe.overlap import accepted_overlap
from dedupe.pipeline.signed import Signed
from dedupe.plan import RunPlan
from dedupe.represent import RepresentativePolicy
from dedupe.represent import clusters as represent_clusters
from dedupe.result import Cluster
from dedupe.score import PairContext


def find_candidates(plan: RunPlan, first: Signed) -> tuple[np.ndarray, int]:
    """Candidate pairs (i < j) of the run, and how many of them LSH found: documents sharing
    a band key, and (with anchors) documents sharing enough anchors; documents without
    shingles are candidates of nothing. The two sources are found side by side unless the
    run is told to use one core (``workers`` 1)."""
    return candidates.find(
        first.band_keys,
        first.anchor_parts,
        first.ids,
        first.empty,
        plan.config.max_bucket,
        plan.anchors,
        side_by_side=plan.config.workers != 1,
    )


def verify(
    plan: RunPlan, pairs: np.ndarray, ctx: PairContext
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Every scorer's scores for the pairs (NaN where an earlier scorer decided) and which are
    accepted (see :func:`dedupe.decide.score_and_decide`)."""
    return score_and_decide(pairs, plan.scorers, ctx, plan.config.decide)


def represent(
    plan: RunPlan,
    groups: list[np.ndarray],
    ctx: PairContext,
    ids: list[str],
    n: int,
    adjacency: Adjacency,
    verifier: Verifier | None,
    policy: RepresentativePolicy | None = None,
) -> tuple[list[Cluster], np.ndarray]:
    """Coherent clusters of connected ``groups`` with their representatives, and which
    documents are dropped (see :func:`dedupe.represent.clusters`; ``policy``: another than
    the plan's, as ``run --index`` takes its centres among indexed documents).

    No two members of a cluster are a pair a vetoing scorer rejects
    (:func:`dedupe.decide.cannot_links`: the pairs inside each group, and those the verifier
    rejects against a centre); with a vetoing scorer that reads texts (``figures``), members
    that say they correct the story they are kept with are labelled ``correction``.
    """
    options = {"date_field": plan.config.date_field}
    cannot = cannot_links(groups, plan.scorers, ctx, verifier.cannot if verifier else None)
    made = represent_clusters(
        groups, ctx, ids, n, adjacency, policy or plan.policy, options, verifier, cannot
    )
    if any(s.vetoes and s.needs_text for s, _ in plan.scorers):
        label_corrections(made[0], ctx, ids)
    return made


@dataclass
class Clustered:
    """Clusters of a run, dropped documents, and the verified pairs: the candidates' and,
    after them, those found verifying members against their representative; ``overlap``:
    shared shingles and set sizes of the accepted pairs (see :mod:`dedupe.overlap`)."""

    clusters: list[Cluster]
    dropped: np.ndarray
    pairs: np.ndarray
    scores: dict[str, np.ndarray]
    accepted: np.ndarray
    candidates: int
    verified: int
    overlap: np.ndarray


def cluster(
    plan: RunPlan,
    ids: list[str],
    pairs: np.ndarray,
    scores: dict[str, np.ndarray],
    accepted: np.ndarray,
    ctx: PairContext,
) -> Clustered:
    """Clusters of the accepted pairs of documents numbered 0..len(ids)-1."""
    n = len(ids)
    primary = scores[plan.primary]
    adjacency = Adjacency(n, pairs[accepted], primary[accepted])
    groups = components(n, pairs[accepted])
    verifier = Verifier(plan.scorers, ctx, plan.config.decide)
    clusters, dropped = represent(plan, groups, ctx, ids, n, adjacency, verifier)
    more_pairs, more_scores, more_accepted = verifier.extend(pairs, scores, accepted)
    overlap = accepted_overlap(ctx, more_pairs, more_accepted)  # lookups, for pairs.jsonl
    return Clustered(
        clusters,
        dropped,
        more_pairs,
        more_scores,
        more_accepted,
        len(pairs),
        verifier.count,
        overlap,
    )
