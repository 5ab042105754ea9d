"""Cluster quality against a ground truth: pairwise precision, recall, F1 and adjusted Rand index.

A pair of documents is positive when both are in the same cluster. Documents in no predicted
cluster are singletons. Truth is JSONL (``id``, ``cluster``, optional ``role``) or a seeds-style
``truth.json`` (``clusters``, ``singletons``, ``original``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dedupe.errors import InputError

#: Role names that mark a cluster's original in truth files.
ORIGINAL_ROLES = ("original", "orig", "source")


@dataclass
class Truth:
    """Ground truth: a cluster label per id, optional roles and named originals."""

    labels: dict[str, str]
    roles: dict[str, str] = field(default_factory=dict)
    originals: dict[str, str] = field(default_factory=dict)


def load_truth(path: str | Path) -> Truth:
    """Read JSONL truth (``id``, ``cluster``[, ``role``]) or a seeds ``truth.json``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read truth: {exc.strerror}") from None
    stripped = text.lstrip()
    if stripped.startswith("{") and '"clusters"' in text and path.suffix == ".json":
        data = json.loads(text)
        labels: dict[str, str] = {}
        originals: dict[str, str] = {}
        for k, members in enumerate(data.get("clusters", [])):
            for m in members:
                labels[str(m)] = f"t{k}"
        for s in data.get("singletons", []):
            labels[str(s)] = f"s:{s}"
        for copy, orig in data.get("original", {}).items():
            originals[labels[str(copy)]] = str(orig)
        roles = {}
        for copy, orig in data.get("original", {}).items():
            roles[str(copy)] = "copy"
            roles[str(orig)] = "original"
        return Truth(labels, roles, originals)
    labels = {}
    roles = {}
    originals = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            doc, cluster = str(row["id"]), str(row["cluster"])
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(f"{path}:{n}: truth lines need id and cluster ({exc})") from None
        labels[doc] = cluster
        if row.get("role"):
            role = str(row["role"])
            roles[doc] = "original" if role in ORIGINAL_ROLES else role
            if role in ORIGINAL_ROLES:
                originals[cluster] = doc
    return Truth(labels, roles, originals)


def load_clusters(path: str | Path) -> list[dict[str, Any]]:
    """Read a clusters.jsonl (objects with ``members``, optionally ``representative``)."""
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                row["members"] = [str(m) for m in row["members"]]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise InputError(f"{path}:{n}: cluster lines need members ({exc})") from None
            out.append(row)
    return out


def _comb2(n: int) -> int:
    return n * (n - 1) // 2


def pairwise_scores(truth: Mapping[str, str], predicted: Mapping[str, Any]) -> dict[str, float]:
    """Pairwise precision, recall, F1 and ARI over the ids of ``truth``."""
    ids = list(truth)
    joint = Counter((truth[i], predicted[i]) for i in ids)
    true_sizes = Counter(truth[i] for i in ids)
    pred_sizes = Counter(predicted[i] for i in ids)
    tp = sum(_comb2(v) for v in joint.values())
    t_pairs = sum(_comb2(v) for v in true_sizes.values())
    p_pairs = sum(_comb2(v) for v in pred_sizes.values())
    precision = tp / p_pairs if p_pairs else 1.0
    recall = tp / t_pairs if t_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    total = _comb2(len(ids))
    expected = t_pairs * p_pairs / total if total else 0.0
    maximum = (t_pairs + p_pairs) / 2
    ari = (tp - expected) / (maximum - expected) if maximum != expected else 1.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "ari": ari,
        "true_pairs": float(t_pairs),
        "predicted_pairs": float(p_pairs),
    }


def predicted_labels(clusters: Iterable[Mapping[str, Any]], ids: Iterable[str]) -> dict[str, Any]:
    """Cluster label per id; ids in no cluster get their own singleton label."""
    labels: dict[str, Any] = {i: ("s", i) for i in ids}
    for n, cluster in enumerate(clusters):
        for m in cluster["members"]:
            if m in labels:
                labels[m] = ("c", n)
            else:
                tail = str(m).rsplit("/", 1)[-1]
                if tail in labels:
                    labels[tail] = ("c", n)
    return labels


def evaluate(truth: Truth, clusters: list[dict[str, Any]]) -> dict[str, Any]:
    """All figures: overall pairwise scores, recall per role, and how often the original is
    the representative."""
    pred = predicted_labels(clusters, truth.labels)
    report: dict[str, Any] = {"overall": pairwise_scores(truth.labels, pred)}
    report["documents"] = len(truth.labels)
    report["clusters"] = len(clusters)
    if truth.roles:
        by_role: dict[str, dict[str, float]] = {}
        members_of: dict[str, list[str]] = {}
        for doc, label in truth.labels.items():
            members_of.setdefault(label, []).append(doc)
        for role in sorted(set(truth.roles.values()) - {"original"}):
            found = total = 0
            for doc, r in truth.roles.items():
                if r != role:
                    continue
                original = truth.originals.get(truth.labels[doc])
                if original is None or original == doc:
                    continue
                total += 1
                found += pred[doc] == pred[original]
            if total:
                by_role[role] = {"recall": found / total, "count": float(total)}
        report["by_role"] = by_role
    if truth.originals:
        named = judged = 0
        for cluster in clusters:
            rep = cluster.get("representative")
            if rep is None:
                continue
            labels = {truth.labels[str(m)] for m in cluster["members"] if str(m) in truth.labels}
            if len(labels) != 1:
                continue
            original = truth.originals.get(labels.pop())
            if original is None or original not in cluster["members"]:
                continue
            judged += 1
            named += str(rep) == original
        report["original_named"] = {
            "share": named / judged if judged else 1.0,
            "correct": named,
            "clusters": judged,
        }
    return report
