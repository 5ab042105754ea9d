"""``dedupe report --html``: the run as one self-contained page (inline CSS, SVG and a few lines
of JS; nothing fetched): the figures, a cluster-size histogram, the largest clusters with their
members and a link to, or the command for, their side-by-side explain page, copies removed per
source with who copies whom, and the time per stage. Everything from the data is escaped:
:func:`dedupe.display.safe`, then HTML.
"""

from __future__ import annotations

import math
from html import escape

from dedupe.display import safe
from dedupe.report import ClusterRow, Sources, Summary
from dedupe.report_text import percent

_CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0;
       color: #1f2933; background: #f5f7fa; }
header { padding: 16px 28px; background: #263238; color: #eceff1; }
header h1 { font-size: 20px; margin: 0 0 4px; }
header p { margin: 2px 0; font-size: 13px; color: #b0bec5; word-break: break-all; }
main { padding: 8px 28px 40px; max-width: 1200px; }
section { background: white; border: 1px solid #dde3ea; border-radius: 6px; margin: 16px 0;
          padding: 12px 18px; }
h2 { font-size: 16px; margin: 4px 0 10px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.card { background: white; border: 1px solid #dde3ea; border-radius: 6px; padding: 10px 16px;
        min-width: 130px; }
.card b { display: block; font-size: 22px; color: #0b6e4f; }
.card span { font-size: 12px; color: #52606d; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #eef1f4;
         vertical-align: top; }
th { font-size: 12px; color: #52606d; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.id { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px;
      overflow-wrap: anywhere; }
td.kept { min-width: 150px; }
.role { font-size: 11px; padding: 0 5px; border-radius: 3px; background: #e4e7eb; }
.role.original { background: #c6f7e2; } .role.teaser { background: #fff3c4; }
.role.copy { background: #ffe3e3; }
details summary { cursor: pointer; color: #334e68; }
ol.members { margin: 0; padding-left: 0; list-style: none; }
ol.members li { display: inline-block; margin: 0 10px 4px 0; white-space: nowrap; }
details summary { margin-top: 2px; }
td.explain { width: 34%; }
.cmd { display: flex; gap: 6px; align-items: flex-start; margin-top: 4px; }
.cmd code { flex: 1; font-size: 11.5px; background: #f0f4f8; padding: 4px 6px;
            border-radius: 3px; word-break: break-all; white-space: pre-wrap; }
button.copy { font-size: 11px; padding: 2px 8px; cursor: pointer; }
.bar { background: #3ebd93; height: 10px; border-radius: 2px; display: inline-block; }
svg text { font: 11px system-ui, sans-serif; fill: #334e68; }
svg .count { fill: #1f2933; font-weight: 600; }
.note { color: #52606d; font-size: 13px; }
"""

_JS = """
document.querySelectorAll('button.copy').forEach(function (b) {
  b.addEventListener('click', function () {
    var text = b.parentNode.querySelector('code').textContent;
    function done() {
      b.textContent = 'copied';
      setTimeout(function () { b.textContent = 'copy'; }, 1500);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done);
    } else {
      var area = document.createElement('textarea');
      area.value = text; document.body.appendChild(area); area.select();
      document.execCommand('copy'); area.remove(); done();
    }
  });
});
document.body.dataset.ready = '1';
"""

#: Members listed in a cluster's row before the rest are folded away.
MEMBERS_OPEN = 8


def _e(value: object) -> str:
    """Text for the page: control and bidi characters shown as escapes (as in the terminal:
    a bidi override would make one id look like another), then HTML-escaped."""
    return escape(safe(value), quote=True)


def _cards(summary: Summary) -> str:
    c = summary.count
    read = c("documents_read")
    items = [
        (f"{read:,}", "documents read"),
        (f"{c('documents_skipped'):,}", "skipped"),
        (f"{c('clusters'):,}", "clusters"),
        (
            f"{c('duplicates_removed'):,}",
            f"copies removed ({percent(c('duplicates_removed'), read)})",
        ),
        (f"{c('kept'):,}", "kept"),
    ]
    if summary.pairs is not None:
        items.append((f"{summary.pairs:,}", "accepted pairs"))
    total = summary.total_time()
    if total is not None:
        items.append((f"{total:.1f} s", "run time"))
    return (
        '<div class="cards">'
        + "".join(f'<div class="card"><b>{_e(v)}</b><span>{_e(k)}</span></div>' for v, k in items)
        + "</div>"
    )


def histogram_svg(summary: Summary) -> str:
    """Vertical bars, one per size bin, each labelled with its number of clusters; heights on
    a log scale, so a bin of a few big clusters stays visible beside thousands of pairs."""
    bins = summary.size_histogram()
    if not bins:
        return '<p class="note">No cluster: no document was found to be a copy of another.</p>'
    width, height, left, bottom, top = 56, 180, 40, 36, 18
    largest = max(n for _, n in bins)
    total_w = max(left + width * len(bins) + 10, 240)
    parts = [
        f'<svg id="histogram" role="img" width="{total_w}" height="{height + bottom + top}" '
        f'viewBox="0 0 {total_w} {height + bottom + top}" '
        'aria-label="clusters by number of documents">'
    ]
    parts.append(
        f'<line x1="{left}" y1="{top + height}" x2="{total_w - 5}" y2="{top + height}" '
        'stroke="#9aa5b1"/>'
    )
    for k, (label, n) in enumerate(bins):
        h = 0 if not n else max(2.0, height * math.log1p(n) / math.log1p(largest))
        x = left + k * width + 8
        y = top + height - h
        parts.append(
            f'<rect class="bin" data-size="{_e(label)}" data-clusters="{n}" x="{x}" y="{y:.1f}" '
            f'width="{width - 16}" height="{h:.1f}" fill="#3ebd93"><title>{n:,} clusters of '
            f"{_e(label)} documents</title></rect>"
        )
        cx = x + (width - 16) / 2
        parts.append(
            f'<text class="count" x="{cx}" y="{y - 4:.1f}" text-anchor="middle">{n:,}</text>'
        )
        parts.append(
            f'<text x="{cx}" y="{top + height + 16}" text-anchor="middle">{_e(label)}</text>'
        )
    parts.append(
        f'<text x="{left + (total_w - left) / 2}" y="{top + height + 32}" text-anchor="middle">'
        "documents in the cluster</text>"
    )
    parts.append(
        f'<text x="12" y="{top + height / 2}" text-anchor="middle" '
        f'transform="rotate(-90 12 {top + height / 2})">clusters (log scale)</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _member(cluster: ClusterRow, member: str, first: bool) -> str:
    role = cluster.roles.get(member, "original" if first else "copy")
    score = cluster.scores.get(member)
    shown = f" {score:.3f}" if isinstance(score, (int, float)) else ""
    return (
        f'<li><span class="id">{_e(member)}</span> <span class="role {_e(role)}">{_e(role)}</span>'
        f'<span class="note">{_e(shown)}</span></li>'
    )


def _cluster_row(summary: Summary, cluster: ClusterRow, page: str | None) -> str:
    members = cluster.ordered()
    items = [_member(cluster, m, k == 0) for k, m in enumerate(members)]
    listed = '<ol class="members">' + "".join(items[:MEMBERS_OPEN]) + "</ol>"
    if len(items) > MEMBERS_OPEN:
        listed += (
            f"<details><summary>{len(items) - MEMBERS_OPEN:,} more</summary>"
            '<ol class="members">' + "".join(items[MEMBERS_OPEN:]) + "</ol></details>"
        )
    roles = ", ".join(f"{n} {role}" for role, n in cluster.role_counts().items())
    command = summary.explain_command(cluster, html=f"cluster-{cluster.number}.html")
    link = (
        f'<a class="explain" href="{_e(page)}">side by side</a>'
        if page
        else '<span class="note">side by side:</span>'
    )
    return (
        f'<tr class="cluster" id="cluster-{cluster.number}" data-cluster="{cluster.number}">'
        f'<td class="n">{cluster.number}</td><td class="n">{cluster.size:,}</td>'
        f'<td class="kept"><span class="id">{_e(cluster.representative)}</span>'
        f'<div class="note">{_e(roles)}</div></td>'
        f"<td>{listed}</td>"
        f'<td class="explain">{link}<div class="cmd"><code>{_e(command)}</code>'
        '<button class="copy" type="button">copy</button></div></td></tr>'
    )


def _clusters(summary: Summary, top: int, pages: dict[int, str]) -> str:
    largest = summary.largest(top)
    if not largest:
        return ""
    rows = "".join(_cluster_row(summary, c, pages.get(c.number)) for c in largest)
    return (
        f"<section><h2>Largest clusters ({len(largest)} of {len(summary.clusters):,})</h2>"
        '<table id="clusters"><tr><th class="n">cluster</th><th class="n">size</th>'
        "<th>kept</th><th>members</th><th>explain</th></tr>" + rows + "</table></section>"
    )


def _sources(sources: Sources, top: int) -> str:
    largest = max((r.removed for r in sources.rows[:top]), default=0) or 1
    rows = "".join(
        f'<tr class="source"><td class="id">{_e(r.name)}</td><td class="n">{r.documents:,}</td>'
        f'<td class="n">{r.removed:,}</td><td class="n">{percent(r.removed, r.documents)}</td>'
        f'<td><span class="bar" style="width:{200 * r.removed / largest:.0f}px"></span></td></tr>'
        for r in sources.rows[:top]
    )
    more = (
        f'<p class="note">... and {len(sources.rows) - top:,} more.</p>'
        if len(sources.rows) > top
        else ""
    )
    unknown = (
        f'<p class="note">{sources.unknown:,} removed copies were not found in the inputs '
        "read again.</p>"
        if sources.unknown
        else ""
    )
    html = (
        f"<section><h2>Copies removed by {_e(sources.kind)}</h2>"
        f'<table id="sources"><tr><th>{_e(sources.kind)}</th><th class="n">documents</th>'
        '<th class="n">removed</th><th class="n">share</th><th></th></tr>'
        + rows
        + "</table>"
        + more
        + unknown
    )
    if sources.flows and len(sources.rows) > 1:
        flows = "".join(
            f'<tr class="flow"><td class="n">{n:,}</td><td class="id">{_e(a)}</td>'
            f'<td class="id">{_e(b)}</td></tr>'
            for a, b, n in sources.flows[:top]
        )
        html += (
            "<h2>Who copies whom</h2>"
            f'<table id="flows"><tr><th class="n">copies</th><th>{_e(sources.kind)} of the '
            f"copy</th><th>{_e(sources.kind)} of the original kept</th></tr>" + flows + "</table>"
        )
    return html + "</section>"


def timings_svg(summary: Summary) -> str:
    """One horizontal bar per stage, with its seconds."""
    stages = summary.stage_times()
    if not stages:
        return ""
    label_w, bar_w, row_h = 170, 420, 22
    largest = max(t for _, t in stages) or 1.0
    height = row_h * len(stages) + 6
    parts = [
        f'<svg id="timings" role="img" width="{label_w + bar_w + 90}" height="{height}" '
        'aria-label="seconds per stage">'
    ]
    for k, (name, seconds) in enumerate(stages):
        y = 4 + k * row_h
        w = max(1.0, bar_w * seconds / largest) if seconds > 0 else 0
        parts.append(f'<text x="{label_w - 8}" y="{y + 13}" text-anchor="end">{_e(name)}</text>')
        parts.append(
            f'<rect class="stage" data-stage="{_e(name)}" data-seconds="{seconds}" x="{label_w}" '
            f'y="{y}" width="{w:.1f}" height="{row_h - 6}" fill="#4098d7"/>'
        )
        parts.append(
            f'<text class="count" x="{label_w + w + 6:.1f}" y="{y + 13}">{seconds:.2f} s</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def render_html(summary: Summary, top: int = 20, pages: dict[int, str] | None = None) -> str:
    """The whole page; ``pages``: cluster number -> href of its explain page, where made."""
    inputs = ", ".join(summary.inputs) or "-"
    total = summary.total_time()
    sources = ""
    if summary.sources is not None:
        sources = _sources(summary.sources, top)
    elif summary.sources_note:
        sources = (
            '<section><h2>Copies removed by source</h2><p class="note">Not shown: '
            f"{_e(summary.sources_note)}.</p></section>"
        )
    problems = ""
    if summary.problems:
        problems = (
            f"<section><h2>Problems ({len(summary.problems):,})</h2><ul>"
            + "".join(f'<li class="id">{_e(p)}</li>' for p in summary.problems[:100])
            + "</ul></section>"
        )
    timing = timings_svg(summary)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>dedupe report: {_e(summary.folder)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>dedupe report</h1><p>output folder: {_e(summary.folder)}</p>"
        f"<p>inputs: {_e(inputs)}</p>"
        f"<p>dedupe {_e(summary.report.get('dedupe_version', '?'))}, preset "
        f"{_e(summary.parameters.get('preset', 'default'))}</p></header><main>"
        + _cards(summary)
        + f"<section><h2>Cluster sizes</h2>{histogram_svg(summary)}</section>"
        + _clusters(summary, top, pages or {})
        + sources
        + (
            "<section><h2>Time per stage"
            + (f" (total {total:.1f} s)" if total is not None else "")
            + f"</h2>{timing}</section>"
            if timing
            else ""
        )
        + problems
        + f"</main><script>{_JS}</script></body></html>\n"
    )
