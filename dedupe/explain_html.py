"""A self-contained HTML page showing a cluster side by side: the reference document first,
then every other member, shared passages plain, added text highlighted, chrome struck out."""

from __future__ import annotations

import html
import json

from dedupe.explain import Explanation, Side

_CSS = """
body { font: 15px/1.5 Georgia, serif; margin: 0; color: #222; background: #fafafa; }
header { padding: 12px 20px; background: #263238; color: #eceff1; }
header h1 { font-size: 18px; margin: 0 0 4px; }
header label { font: 13px sans-serif; }
.legend span { padding: 0 6px; margin-right: 8px; }
.columns { display: flex; gap: 16px; padding: 16px; align-items: flex-start; overflow-x: auto; }
.doc { flex: 1 0 360px; max-width: 640px; background: white; border: 1px solid #ddd;
       border-radius: 4px; padding: 12px 16px; }
.doc h2 { font: bold 14px sans-serif; margin: 0 0 6px; word-break: break-all; }
.meta { font: 12px sans-serif; color: #555; margin-bottom: 10px; }
.text { white-space: pre-wrap; }
.added { background: #ffe08a; }
.chrome { color: #999; text-decoration: line-through; }
body.hide-shared .shared { display: none; }
"""

_JS = """
document.addEventListener('DOMContentLoaded', function () {
  var docs = document.querySelectorAll('.doc');
  var parts = [];
  docs.forEach(function (d) {
    var added = 0;
    d.querySelectorAll('.added').forEach(function (s) {
      added += s.textContent.split(/\\s+/).filter(Boolean).length;
    });
    d.dataset.addedWords = added;
    parts.push(d.dataset.id + ': ' + added + ' added words');
  });
  document.getElementById('summary').textContent = docs.length + ' documents; ' + parts.join('; ');
  document.getElementById('hide').addEventListener('change', function (e) {
    document.body.classList.toggle('hide-shared', e.target.checked);
  });
  document.body.dataset.ready = '1';
});
"""


def _column(side: Side, heading: str, meta: str) -> str:
    spans = "".join(
        f'<span class="{p.status}">{html.escape(p.text)}</span> ' for p in side.passages
    )
    return (
        f'<section class="doc" data-id="{html.escape(side.id, quote=True)}">'
        f'<h2>{html.escape(heading)}</h2><div class="meta">{html.escape(meta)}</div>'
        f'<div class="text">{spans}</div></section>'
    )


def render(reference: Side, explanations: list[Explanation], title: str) -> str:
    """The page for one reference document and its explanations against the others."""
    columns = [_column(reference, reference.id, "reference (representative)")]
    for ex in explanations:
        s = ex.scores
        meta = (
            f"{ex.relation}: containment {s['containment']:.2f}, jaccard {s['jaccard']:.2f}, "
            f"{s['b_in_a']:.0%} of it in the reference, {s['a_in_b']:.0%} of the reference in it"
        )
        columns.append(_column(ex.b, ex.b.id, meta))
    data = json.dumps(
        [ex.to_dict()["scores"] | {"id": ex.b.id, "relation": ex.relation} for ex in explanations]
    ).replace("</", "<\\/")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f'<header><h1>{html.escape(title)}</h1><div class="legend">'
        '<span class="shared">shared</span><span class="added">added</span>'
        '<span class="chrome">chrome</span>'
        '<label><input type="checkbox" id="hide"> hide shared text</label></div>'
        '<div id="summary"></div></header>'
        f'<main class="columns">{"".join(columns)}</main>'
        f'<script type="application/json" id="scores">{data}</script>'
        f"<script>{_JS}</script></body></html>\n"
    )
