"""``dedupe report`` in a terminal: the run in figures, a histogram of cluster sizes, the largest
clusters with the command that explains each, copies removed per source, the time per stage.
Everything from the data (ids, paths, field values) is escaped with :func:`dedupe.display.safe`.
"""

from __future__ import annotations

from dedupe.display import safe
from dedupe.report import ClusterRow, Sources, Summary

#: Width of the longest bar, in characters.
BAR_WIDTH = 40
#: Members listed per cluster (the rest are counted).
MEMBERS_SHOWN = 8


def bar(value: float, largest: float, char: str) -> str:
    """A bar of ``char`` as long as ``value`` is to ``largest`` (at least one for non-zero)."""
    if largest <= 0 or value <= 0:
        return ""
    return char * max(1, round(BAR_WIDTH * value / largest))


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def overview(summary: Summary) -> list[str]:
    """The run in a few lines: what was read, what was found, what was kept."""
    c = summary.count
    read, skipped = c("documents_read"), c("documents_skipped")
    removed = c("duplicates_removed")
    lines = [
        f"dedupe report of {safe(summary.folder)}/ "
        f"(dedupe {safe(summary.report.get('dedupe_version', '?'))})",
        "inputs: " + (", ".join(safe(i) for i in summary.inputs) or "-"),
        f"{read:,} documents read ({skipped:,} skipped); {c('clusters'):,} clusters hold "
        f"{c('documents_in_clusters'):,} documents; {removed:,} copies removed "
        f"({percent(removed, read)}), {c('kept'):,} kept",
    ]
    if summary.pairs is not None:
        via = summary.pairs_via_representative
        lines.append(
            f"{summary.pairs:,} accepted pairs from {c('candidate_pairs'):,} candidates"
            + (f" (+{via:,} verified against a representative)" if via else "")
        )
    preset = summary.parameters.get("preset")
    if preset:
        lines.append(f"preset: {safe(preset)}")
    return lines


def histogram(summary: Summary, char: str) -> list[str]:
    bins = summary.size_histogram()
    if not bins:
        return ["no cluster: no document was found to be a copy of another"]
    largest = max(n for _, n in bins)
    width = max(len(label) for label, _ in bins)
    lines = ["cluster sizes (documents per cluster: clusters)"]
    lines += [
        f"  {label:>{width}}  {bar(n, largest, char):<{BAR_WIDTH}}  {n:,}" for label, n in bins
    ]
    return lines


def cluster_lines(summary: Summary, cluster: ClusterRow) -> list[str]:
    roles = ", ".join(f"{n} {role}" for role, n in cluster.role_counts().items())
    members = cluster.ordered()
    shown = [
        f"{safe(m)} ({safe(cluster.roles.get(m, 'original' if k == 0 else 'copy'))})"
        for k, m in enumerate(members[:MEMBERS_SHOWN])
    ]
    more = len(members) - MEMBERS_SHOWN
    return [
        f"  cluster {cluster.number}: {cluster.size} documents, "
        f"kept {safe(cluster.representative)}" + (f" ({roles})" if roles else ""),
        "    " + ", ".join(shown) + (f", and {more:,} more" if more > 0 else ""),
        "    " + safe(summary.explain_command(cluster)),
    ]


def source_lines(sources: Sources, char: str, top: int) -> list[str]:
    rows = sources.rows[:top]
    width = min(max([len(safe(r.name)) for r in rows] + [len(sources.kind)]), 60)
    largest = max((r.removed for r in rows), default=0)
    lines = [
        f"copies removed by {safe(sources.kind)}",
        f"  {sources.kind:<{width}}  {'documents':>10}  {'removed':>8}  {'share':>6}",
    ]
    for r in rows:
        name = safe(r.name)
        name = name if len(name) <= width else "..." + name[-(width - 3) :]
        lines.append(
            f"  {name:<{width}}  {r.documents:>10,}  {r.removed:>8,}  "
            f"{percent(r.removed, r.documents):>6}  {bar(r.removed, largest, char)}"
        )
    if len(sources.rows) > top:
        lines.append(f"  ... and {len(sources.rows) - top:,} more")
    if sources.unknown:
        lines.append(f"  ({sources.unknown:,} removed copies not found in the inputs read again)")
    if sources.flows and len(sources.rows) > 1:
        lines.append(f"who copies whom ({safe(sources.kind)} of the copy -> of the original kept)")
        for copy, original, n in sources.flows[:top]:
            lines.append(f"  {n:>8,}  {safe(copy)} -> {safe(original)}")
    return lines


def timing_lines(summary: Summary, char: str) -> list[str]:
    stages = summary.stage_times()
    if not stages:
        return []
    total = summary.total_time()
    largest = max(t for _, t in stages)
    width = max(len(name) for name, _ in stages)
    head = "time per stage" + (f" (total {total:.1f} s)" if total is not None else "")
    lines = [head]
    for name, seconds in stages:
        lines.append(f"  {name:<{width}}  {seconds:>8.1f} s  {bar(seconds, largest, char)}")
    return lines


def render_text(summary: Summary, top: int = 10, unicode: bool = True) -> str:
    """The whole terminal report (``unicode``: block characters for the bars, else ``#``)."""
    char = "█" if unicode else "#"
    sections = [overview(summary), histogram(summary, char)]
    largest = summary.largest(top)
    if largest:
        lines = [f"largest clusters ({len(largest)} of {len(summary.clusters):,})"]
        for cluster in largest:
            lines += cluster_lines(summary, cluster)
        sections.append(lines)
    if summary.sources is not None:
        sections.append(source_lines(summary.sources, char, top))
    elif summary.sources_note:
        sections.append([f"copies removed by source: not shown ({safe(summary.sources_note)})"])
    sections.append(timing_lines(summary, char))
    if summary.problems:
        sections.append([f"problems: {len(summary.problems):,} output lines left out"])
    return "\n\n".join("\n".join(s) for s in sections if s) + "\n"
