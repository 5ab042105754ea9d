"""A self-contained HTML page showing a cluster side by side: the reference document first (it
stays in view while the others scroll past, for any number of members), then every other member;
shared passages plain, added text highlighted, chrome struck out, and each edit shown as the
pair it is: the reference's words struck, the member's words beside them. Every passage carries
its ``[start, end)`` offsets in its document's raw text (``data-start``, ``data-end``)."""

from __future__ import annotations

import html
import json

from dedupe.explain import Explanation
from dedupe.passages import Passage, Side

_CSS = """
html, body { height: 100%; }
body { font: 15px/1.5 Georgia, serif; margin: 0; color: #222; background: #fafafa;
       display: flex; flex-direction: column; }
header { flex: none; padding: 12px 20px; background: #263238; color: #eceff1; }
header h1 { font-size: 18px; margin: 0 0 4px; word-break: break-all; }
header label { font: 13px sans-serif; }
.legend span { padding: 0 6px; margin-right: 8px; }
.legend .shared, .legend .added, .legend del, .legend ins { color: #222; }
.legend .shared { background: white; }
main.columns { flex: 1 1 auto; min-height: 0; display: flex; gap: 16px; padding: 16px;
               align-items: flex-start; overflow: auto; }
.doc { flex: 0 0 400px; background: white; border: 1px solid #ddd; border-radius: 4px;
       padding: 12px 16px; box-sizing: border-box; }
.doc.reference { position: sticky; left: 0; z-index: 1; box-shadow: 4px 0 8px rgba(0,0,0,.15); }
.doc h2 { font: bold 14px sans-serif; margin: 0 0 6px; word-break: break-all; }
.meta { font: 12px sans-serif; color: #555; margin-bottom: 10px; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
.added { background: #ffe08a; }
.chrome { color: #999; text-decoration: line-through; }
.edit del { background: #ffd6d6; color: #8a1c1c; }
.edit ins { background: #d3f5d3; text-decoration: none; }
body.hide-shared .same { display: none; }
"""

_JS = """
document.addEventListener('DOMContentLoaded', function () {
  var docs = document.querySelectorAll('.doc');
  var parts = [];
  function words(nodes) {
    var n = 0;
    nodes.forEach(function (s) { n += s.textContent.split(/\\s+/).filter(Boolean).length; });
    return n;
  }
  docs.forEach(function (d) {
    var added = words(d.querySelectorAll('.added'));
    var edited = words(d.querySelectorAll('.edit ins'));
    d.dataset.addedWords = added;
    d.dataset.editedWords = edited;
    parts.push(d.dataset.id + ': ' + added + ' added words, ' + edited + ' edited');
  });
  document.getElementById('summary').textContent = docs.length + ' documents; ' + parts.join('; ');
  document.getElementById('hide').addEventListener('change', function (e) {
    document.body.classList.toggle('hide-shared', e.target.checked);
  });
  document.body.dataset.ready = '1';
});
"""


def _span(p: Passage, own: str) -> str:
    span = p.a if own == "a" else p.b
    if span is None:
        return ""
    return f' data-start="{span[0]}" data-end="{span[1]}"'


def _passage(p: Passage, own: str) -> str:
    esc = html.escape
    if p.status != "shared":
        return f'<span class="{p.status}"{_span(p, own)}>{esc(p.text)}</span>'
    inner = []
    for text, other in p.parts or [(p.text, None)]:
        if other is None:
            inner.append(f'<span class="same">{esc(text)}</span>')
        else:
            old, new = (text, other) if own == "a" else (other, text)
            inner.append(
                f'<span class="edit" title="edited"><del>{esc(old)}</del><ins>{esc(new)}</ins>'
                "</span>"
            )
    return f'<span class="shared"{_span(p, own)}>{"".join(inner)}</span>'


def _column(side: Side, own: str, heading: str, meta: str, extra: str = "") -> str:
    spans = " ".join(_passage(p, own) for p in side.passages)
    return (
        f'<section class="doc{extra}" data-id="{html.escape(side.id, quote=True)}">'
        f'<h2>{html.escape(heading)}</h2><div class="meta">{html.escape(meta)}</div>'
        f'<div class="text">{spans}</div></section>'
    )


def render(reference: Side, explanations: list[Explanation], title: str) -> str:
    """The page for one reference document and its explanations against the others."""
    columns = [_column(reference, "a", reference.id, "reference (representative)", " reference")]
    for ex in explanations:
        s = ex.scores
        meta = (
            f"{ex.relation}: containment {s['containment']:.2f}, jaccard {s['jaccard']:.2f}, "
            f"{s['b_in_a']:.0%} of it in the reference, {s['a_in_b']:.0%} of the reference in it"
        )
        columns.append(_column(ex.b, "b", ex.b.id, meta))
    data = json.dumps(
        [ex.to_dict()["scores"] | {"id": ex.b.id, "relation": ex.relation} for ex in explanations]
    ).replace("</", "<\\/")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f'<header><h1>{html.escape(title)}</h1><div class="legend">'
        '<span class="shared">shared</span><span class="added">added</span>'
        '<span class="chrome">chrome</span>'
        '<span class="edit"><del>reference</del><ins>member</ins> edited</span>'
        '<label><input type="checkbox" id="hide"> hide shared text</label></div>'
        '<div id="summary"></div></header>'
        f'<main class="columns">{"".join(columns)}</main>'
        f'<script type="application/json" id="scores">{data}</script>'
        f"<script>{_JS}</script></body></html>\n"
    )
