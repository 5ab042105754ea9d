"""What a finished run found, read back from its output folder, for ``dedupe report``.

The folder's report.json (counts, timings, settings, inputs), the clusters and, when there,
the dropped copies and pairs (``clusters.jsonl``, or ``.csv`` or ``.parquet``: the format
report.json names, :mod:`dedupe.tables`) are summed up into a :class:`Summary`: cluster
sizes binned for a histogram, the largest clusters with their members and roles, the time of
each stage, and the command that explains a cluster. Copies removed per input file (or per a
field of the records) need to know where each document came from, which the outputs do not
say: :mod:`dedupe.report_sources` reads the inputs again for it. A bad line in an output is
one problem line (file, line, reason) and is left out; only a folder without report.json is
an error.
"""

from __future__ import annotations

import json
import shlex
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dedupe import tables
from dedupe.errors import DedupeError, InputError

#: Upper bounds of the cluster-size bins after the exact sizes 2..5.
SIZE_BINS = (5, 10, 20, 50, 100, 1000)

#: Names of the run's timings, as the stages are called in the progress display.
STAGE_NAMES = {
    "learn": "learning",
    "read+signatures": "reading and signing",
    "lsh": "candidates",
    "read candidates": "reading candidates again",
    "score+decide": "verifying",
    "cluster+represent": "clustering",
    "write": "writing",
}


@dataclass
class ClusterRow:
    """One cluster of clusters.jsonl: its members, the one kept, and each member's role."""

    number: int
    representative: str
    members: list[str]
    roles: dict[str, str] = field(default_factory=dict)
    scores: dict[str, float | None] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.members)

    def ordered(self) -> list[str]:
        """The representative first, then the other members as the run listed them."""
        return [self.representative] + [m for m in self.members if m != self.representative]

    def role_counts(self) -> dict[str, int]:
        """How many members have each role other than the kept one's (copy, teaser...)."""
        roles = Counter(self.roles.get(m, "copy") for m in self.members if m != self.representative)
        return dict(sorted(roles.items(), key=lambda kv: (-kv[1], kv[0])))


@dataclass
class SourceRow:
    """Documents of one input file (or one value of a field), and how many were removed as
    copies."""

    name: str
    documents: int = 0
    removed: int = 0

    @property
    def share(self) -> float:
        return self.removed / self.documents if self.documents else 0.0


@dataclass
class Sources:
    """Copies removed per source, and which source's documents the copies duplicate."""

    #: What a source is: "input file", "folder" or "field NAME".
    kind: str
    rows: list[SourceRow]
    #: (source of the removed copy, source of the kept original) -> copies.
    flows: list[tuple[str, str, int]]
    #: Documents of the run the inputs did not give back (renamed ids, changed inputs).
    unknown: int = 0


@dataclass
class Summary:
    """A run's output folder, summed up."""

    folder: Path
    report: dict[str, Any]
    clusters: list[ClusterRow]
    #: Removed documents: id -> id of the kept document it duplicates.
    dropped: dict[str, str]
    pairs: int | None = None
    pairs_via_representative: int = 0
    problems: list[str] = field(default_factory=list)
    sources: Sources | None = None
    #: Why there is no per-source table, when there is none.
    sources_note: str = ""

    @property
    def counts(self) -> dict[str, Any]:
        counts = self.report.get("counts")
        return counts if isinstance(counts, dict) else {}

    @property
    def parameters(self) -> dict[str, Any]:
        params = self.report.get("parameters")
        return params if isinstance(params, dict) else {}

    @property
    def inputs(self) -> list[str]:
        inputs = self.report.get("inputs")
        return [str(i) for i in inputs] if isinstance(inputs, list) else []

    def count(self, name: str) -> int:
        value = self.counts.get(name, 0)
        return int(value) if isinstance(value, (int, float)) else 0

    def largest(self, n: int) -> list[ClusterRow]:
        """The ``n`` largest clusters, largest first (ties: by cluster number)."""
        return sorted(self.clusters, key=lambda c: (-c.size, c.number))[:n]

    def size_histogram(self) -> list[tuple[str, int]]:
        """(size or range of sizes, clusters of that size), from 2 up to the largest bin in
        use; exact sizes up to 5, then ranges."""
        sizes = Counter(c.size for c in self.clusters)
        if not sizes:
            return []
        top = max(sizes)
        bins: list[tuple[str, int]] = [(str(s), sizes.get(s, 0)) for s in range(2, min(top, 5) + 1)]
        low = 6
        for high in SIZE_BINS[1:]:
            if low > top:
                break
            bins.append((f"{low}-{high}", sum(n for s, n in sizes.items() if low <= s <= high)))
            low = high + 1
        if top >= low:
            bins.append((f"{low}+", sum(n for s, n in sizes.items() if s >= low)))
        return bins

    def stage_times(self) -> list[tuple[str, float]]:
        """(stage, seconds) in the order the run spent them, without the total."""
        timings = self.report.get("timings")
        if not isinstance(timings, dict):
            return []
        return [
            (STAGE_NAMES.get(k) or str(k), float(v))
            for k, v in timings.items()
            if k != "total" and isinstance(v, (int, float))
        ]

    def total_time(self) -> float | None:
        timings = self.report.get("timings")
        total = timings.get("total") if isinstance(timings, dict) else None
        return float(total) if isinstance(total, (int, float)) else None

    def explain_command(self, cluster: ClusterRow, html: str | None = None) -> str:
        """The shell command that shows ``cluster`` side by side (``dedupe explain``)."""
        params = self.parameters
        args = ["dedupe", "explain"]
        for path in self.inputs or ["CORPUS"]:
            args += ["-i", path]
        for option, name, default in (
            ("--id-field", "id_field", "id"),
            ("--text-field", "text_field", "text"),
        ):
            value = params.get(name)
            if isinstance(value, str) and value != default:
                args += [option, value]
        args += [
            "--clusters",
            str(output_path(self.folder, "clusters", self.report)),
            "--cluster",
            str(cluster.number),
        ]
        if html is not None:
            args += ["--html", html]
        return shlex.join(args)


def _lines(path: Path, problems: list[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line or row number, object) of an output table (JSON Lines, CSV or Parquet); a bad
    line is a problem, left out."""
    if not path.exists():
        return
    if tables.format_of(path) != "jsonl":
        yield from _rows(path, problems)
        return
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            for n, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    problems.append(f"{path}:{n}: malformed JSON ({exc.msg}); line left out")
                    continue
                if not isinstance(obj, dict):
                    problems.append(f"{path}:{n}: not a JSON object; line left out")
                    continue
                yield n, obj
    except OSError as exc:
        problems.append(f"{path}: cannot be read ({exc.strerror or exc})")


def _rows(path: Path, problems: list[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """The rows of a CSV or Parquet output; one that cannot be read is a problem."""
    try:
        yield from tables.read_rows(path, tables.COLUMNS.get(path.stem, ()))
    except OSError as exc:
        problems.append(f"{path}: cannot be read ({exc.strerror or exc})")
    except DedupeError as exc:  # a CSV cell of the wrong kind, Parquet without pyarrow
        problems.append(str(exc))


def output_path(folder: Path, stem: str, report: dict[str, Any]) -> Path:
    """Where the run wrote its ``stem`` table: in the format report.json names (a run of an
    older version: JSON Lines), else in whichever format is there."""
    params = report.get("parameters")
    fmt = params.get("output_format") if isinstance(params, dict) else None
    if fmt in tables.SUFFIXES:
        return folder / f"{stem}{tables.SUFFIXES[fmt]}"
    return tables.find(folder, stem) or folder / f"{stem}.jsonl"


def _cluster(obj: dict[str, Any]) -> ClusterRow | None:
    members = obj.get("members")
    number = obj.get("cluster")
    if not isinstance(members, list) or not members or not isinstance(number, int):
        return None
    ids = [str(m) for m in members]
    rep = obj.get("representative")
    roles = obj.get("roles") if isinstance(obj.get("roles"), dict) else {}
    scores = obj.get("scores") if isinstance(obj.get("scores"), dict) else {}
    return ClusterRow(
        number,
        str(rep) if rep is not None else ids[0],
        ids,
        {str(k): str(v) for k, v in (roles or {}).items()},
        {str(k): v if isinstance(v, (int, float)) else None for k, v in (scores or {}).items()},
    )


def load(folder: str | Path) -> Summary:
    """Read a run's output folder (an :class:`InputError` if it holds no report.json)."""
    folder = Path(folder)
    report_path = folder / "report.json"
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder (give the --output-dir of a run)")
    try:
        report = json.loads(report_path.read_text("utf-8", errors="surrogateescape"))
    except FileNotFoundError:
        raise InputError(
            f"{folder} has no report.json: not the output folder of a finished run"
        ) from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{report_path}: cannot be read as JSON ({exc})") from None
    if not isinstance(report, dict):
        raise InputError(f"{report_path}: not a report (a JSON object)")
    problems: list[str] = []
    clusters: list[ClusterRow] = []
    path = output_path(folder, "clusters", report)
    if not path.exists():
        problems.append(f"{path}: missing (the run did not write clusters)")
    for n, obj in _lines(path, problems):
        row = _cluster(obj)
        if row is None:
            problems.append(f"{path}:{n}: not a cluster (cluster number and members); left out")
        else:
            clusters.append(row)
    dropped: dict[str, str] = {}
    path = output_path(folder, "dropped", report)
    if path.exists():
        for n, obj in _lines(path, problems):
            if "id" in obj and "duplicate_of" in obj:
                dropped[str(obj["id"])] = str(obj["duplicate_of"])
            else:
                problems.append(f"{path}:{n}: no id and duplicate_of; left out")
    else:  # an older run, or --writers without dropped: every non-representative member
        for c in clusters:
            dropped.update({m: c.representative for m in c.members if m != c.representative})
    summary = Summary(folder, report, clusters, dropped, problems=problems)
    path = output_path(folder, "pairs", report)
    if path.exists():
        summary.pairs = 0
        for _, obj in _lines(path, problems):
            summary.pairs += 1
            summary.pairs_via_representative += obj.get("via") == "representative"
    return summary
