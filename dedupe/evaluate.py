"""Cluster quality against a ground truth: pairwise precision, recall, F1 and adjusted Rand index.

A pair of documents is positive when both are in the same cluster. Documents in no predicted
cluster are singletons. Truth is JSONL (``id``, ``cluster``, optional ``role``) or a seeds-style
``truth.json`` (``clusters``, ``singletons``, ``original``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dedupe import tables
from dedupe.errors import InputError

#: Role names that mark a cluster's original in truth files.
ORIGINAL_ROLES = ("original", "orig", "source")


@dataclass
class Truth:
    """Ground truth: a cluster label per id, optional roles and named originals."""

    labels: dict[str, str]
    roles: dict[str, str] = field(default_factory=dict)
    originals: dict[str, str] = field(default_factory=dict)


def _json_lines(path: Path, what: str) -> Iterator[tuple[int, Any]]:
    """(line number, JSON value) of each non-blank line; a file that cannot be read, a binary
    or non-UTF-8 file and a malformed line are an :class:`InputError` naming the file and line."""
    try:
        f = open(path, "rb")  # noqa: SIM115  # closed below; open() errors are reported
    except OSError as exc:
        raise InputError(f"{path}: cannot read {what}: {exc.strerror}") from None
    with f:
        n = 0
        try:
            head = f.read(8192)  # a binary file is said to be one, not "not UTF-8"
            if b"\x00" in head:
                _decode(head, path, 1, what)
            f.seek(0)
            for n, raw in enumerate(f, start=1):
                line = _decode(raw, path, n, what)
                if line.strip():
                    yield n, _parse(line, path, n)
        except OSError as exc:
            raise InputError(f"{path}:{n + 1}: cannot read {what}: {exc.strerror}") from None


def _decode(raw: bytes, path: Path, first_line: int, what: str) -> str:
    """``raw`` (the file from line ``first_line`` on) as text; NUL bytes or bytes that are not
    UTF-8 are an :class:`InputError` naming the line and column."""

    def line_of(offset: int) -> str:
        line = first_line + raw.count(b"\n", 0, offset)
        return f"{path}:{line}"

    nul = raw.find(b"\x00")
    if nul >= 0:
        raise InputError(f"{line_of(nul)}: binary file (contains NUL bytes), not {what}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        column = exc.start - raw.rfind(b"\n", 0, exc.start)
        raise InputError(
            f"{line_of(exc.start)}: not UTF-8 (byte {raw[exc.start]:#04x} at column {column})"
        ) from None
    return text.removeprefix("\ufeff") if first_line == 1 else text


def _parse(text: str, path: Path, n: int | None) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"{path}:{n}" if n is not None else f"{path}:{exc.lineno}"
        raise InputError(f"{where}: malformed JSON: {exc.msg} at column {exc.colno}") from None
    except RecursionError:
        raise InputError(f"{path}:{n or 1}: JSON nested too deeply") from None


def _id(value: Any, where: str, name: str) -> str:
    """An id or cluster label: a string or an integer (not a bool, list, object or null)."""
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return str(value)
    raise InputError(f"{where}: {name} must be a string or an integer, not {_kind(value)}")


def _kind(value: Any) -> str:
    names = {
        dict: "an object",
        list: "a list",
        bool: "a boolean",
        float: "a number",
        int: "an integer",
        str: "a string",
    }
    return "null" if value is None else names.get(type(value), type(value).__name__)


def load_truth(path: str | Path) -> Truth:
    """Read JSONL truth (``id``, ``cluster``[, ``role``]) or a seeds ``truth.json``.

    A truth that cannot be read, a malformed line, an id given twice and an empty truth are an
    :class:`InputError` naming the file and line: scores against a truth misread are worse than
    none."""
    path = Path(path)
    if path.suffix == ".json":
        try:
            with open(path, "rb") as f:
                head = f.read(4096)
        except OSError as exc:
            raise InputError(f"{path}: cannot read truth: {exc.strerror}") from None
        text_head = head.decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
        if text_head.startswith("{") and '"clusters"' in text_head:
            truth = _seeds_truth(path)
            if not truth.labels:
                raise InputError(f"{path}: the truth names no documents")
            return truth
    labels: dict[str, str] = {}
    first: dict[str, int] = {}
    roles: dict[str, str] = {}
    originals: dict[str, str] = {}
    for n, row in _json_lines(path, "a truth file"):
        where = f"{path}:{n}"
        if not isinstance(row, dict) or "id" not in row or "cluster" not in row:
            raise InputError(f"{where}: truth lines are objects with id and cluster")
        doc, cluster = _id(row["id"], where, "id"), _id(row["cluster"], where, "cluster")
        if doc in first:
            raise InputError(f"{where}: id {doc!r} is given twice (first at line {first[doc]})")
        first[doc] = n
        labels[doc] = cluster
        role = row.get("role")
        if role is None or role == "":
            continue
        if not isinstance(role, str):
            raise InputError(f"{where}: role must be a string, not {_kind(role)}")
        roles[doc] = "original" if role in ORIGINAL_ROLES else role
        if role in ORIGINAL_ROLES:
            originals[cluster] = doc
    if not labels:
        raise InputError(f"{path}: the truth names no documents")
    return Truth(labels, roles, originals)


def _seeds_truth(path: Path) -> Truth:
    """A seeds-style ``truth.json``: ``clusters`` (lists of ids), ``singletons``, ``original``
    (copy -> original), every id named once."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read truth: {exc.strerror}") from None
    data = _parse(_decode(raw, path, 1, "a truth file"), path, None)
    where = str(path)
    if not isinstance(data, dict):
        raise InputError(f"{where}: a truth.json is an object with clusters, singletons, original")
    labels: dict[str, str] = {}

    def add(value: Any, label: str, field_name: str) -> str:
        doc = _id(value, where, f"each id of {field_name}")
        if doc in labels:
            raise InputError(f"{where}: id {doc!r} is named twice")
        labels[doc] = label
        return doc

    clusters = _list(data.get("clusters", []), where, "clusters")
    for k, members in enumerate(clusters):
        for m in _list(members, where, f"clusters[{k}]"):
            add(m, f"t{k}", "clusters")
    for s in _list(data.get("singletons", []), where, "singletons"):
        add(s, f"s:{s}", "singletons")
    original = data.get("original", {})
    if not isinstance(original, dict):
        raise InputError(f"{where}: original must be an object (copy id -> original id)")
    roles: dict[str, str] = {}
    originals: dict[str, str] = {}
    for copy, orig in original.items():
        orig_id = _id(orig, where, f"original[{copy!r}]")
        for doc in (copy, orig_id):
            if doc not in labels:
                raise InputError(f"{where}: original names {doc!r}, which is in no cluster")
        if labels[copy] != labels[orig_id]:
            raise InputError(f"{where}: original of {copy!r} is {orig_id!r}, in another cluster")
        originals[labels[copy]] = orig_id
        roles[copy] = "copy"
        roles[orig_id] = "original"
    return Truth(labels, roles, originals)


def _list(value: Any, where: str, name: str) -> list[Any]:
    if not isinstance(value, list):
        raise InputError(f"{where}: {name} must be a list, not {_kind(value)}")
    return value


def load_clusters(path: str | Path) -> list[dict[str, Any]]:
    """Read a run's clusters (objects with ``members``, a list of ids, and optionally a
    ``representative``): ``clusters.jsonl``, or ``.csv`` or ``.parquet`` as
    ``--output-format`` writes them (:mod:`dedupe.tables`); a line that is not one is an
    :class:`InputError` naming it."""
    path = Path(path)
    out = []
    if tables.format_of(path) == "jsonl":
        rows = _json_lines(path, "a clusters file")
    else:
        if not path.is_file():
            raise InputError(f"{path}: cannot read a clusters file: no such file")
        rows = tables.read_rows(path, tables.COLUMNS["clusters"])
    for n, row in rows:
        where = f"{path}:{n}"
        if not isinstance(row, dict) or not isinstance(row.get("members"), list):
            raise InputError(f"{where}: cluster lines are objects with a list of members")
        if not row["members"]:
            raise InputError(f"{where}: a cluster has at least one member")
        row["members"] = [_id(m, where, "each member") for m in row["members"]]
        if row.get("representative") is not None:
            row["representative"] = _id(row["representative"], where, "representative")
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


#: Below this share of the clusters' ids found in the truth, ``dedupe eval`` refuses to score.
MIN_KNOWN_SHARE = 0.5


class ForeignClusters(InputError):
    """Most ids of the clusters are not in the truth: they are of another corpus (or were
    read with other ids), and every figure would be meaningless (recall 0, say)."""


def ids_in_truth(truth: Truth, clusters: Iterable[Mapping[str, Any]]) -> tuple[int, int]:
    """(ids of the clusters' members found in the truth, all of them), matched as
    :func:`predicted_labels` matches them (the id, or its last path part)."""
    found = total = 0
    for cluster in clusters:
        for m in cluster["members"]:
            total += 1
            found += m in truth.labels or str(m).rsplit("/", 1)[-1] in truth.labels
    return found, total


def check_same_corpus(truth: Truth, clusters: list[dict[str, Any]], where: str = "") -> None:
    """Raise :class:`ForeignClusters` when fewer than :data:`MIN_KNOWN_SHARE` of the clusters'
    ids are in the truth (no clusters at all is a run that found none: it is scored)."""
    found, total = ids_in_truth(truth, clusters)
    if total and found < MIN_KNOWN_SHARE * total:
        prefix = f"{where}: " if where else ""
        raise ForeignClusters(
            f"{prefix}only {found:,} of the {total:,} ids in the clusters are in the truth: "
            "the clusters are of another corpus, or the run read other ids (--id-field)"
        )


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
