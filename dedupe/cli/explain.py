"""``dedupe explain``: show the passages two (or more) documents share and what each adds."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from dedupe.atomic import atomic_open
from dedupe.engine import Engine, make_config
from dedupe.errors import InputError
from dedupe.evaluate import load_clusters
from dedupe.explain import Explainer, Explanation, Side, explain_cluster
from dedupe.explain_html import render

STYLES: dict[str, dict[str, Any]] = {
    "added": {"fg": "yellow", "bold": True},
    "chrome": {"fg": "bright_black"},
}
SENTENCES = {
    "copy": "B is a copy of A",
    "teaser": "B is a teaser of A (a part of it)",
    "extended": "B is A plus added text",
    "overlapping": "B overlaps A",
    "different": "B differs from A",
}
MARKS = {"added": ("[+", "+]"), "chrome": ("[~", "~]")}


def _find_ids(engine: Engine, inputs: tuple[str, ...], ids: list[str]) -> dict[str, str]:
    """Texts of the given ids, read from the corpus (stops once all are found)."""
    wanted = set(ids)
    found: dict[str, str] = {}
    corpus = engine.open_files(list(inputs))
    try:
        for record in corpus.records():
            if record.id in wanted:
                found[record.id] = record.text
                if len(found) == len(wanted):
                    break
    finally:
        corpus.close()
    missing = [i for i in ids if i not in found]
    if missing:
        raise InputError(f"not found in {', '.join(inputs)}: {', '.join(missing)}")
    return found


def _read_files(engine: Engine, paths: list[str]) -> dict[str, str]:
    out = {}
    for path in paths:
        corpus = engine.open_files([path])
        try:
            records = list(corpus.records())
        finally:
            corpus.close()
        if not records:
            raise InputError(f"{path}: no readable document (missing, binary or empty)")
        out[path] = records[0].text
    return out


def _print_side(side: Side, color: bool, full: bool) -> None:
    for p in side.passages:
        if p.status == "shared" and not full:
            continue
        text = p.text if full or len(p.text) <= 300 else p.text[:300] + " …"
        if p.status == "shared":
            click.echo(text + " ", nl=False)
            continue
        if color:
            click.echo(click.style(text, **STYLES[p.status]) + " ", nl=False)
        else:
            left, right = MARKS[p.status]
            click.echo(f"{left} {text} {right}" + (" " if full else "\n"), nl=False)
    click.echo()


def _print(ex: Explanation, color: bool, full: bool) -> None:
    s = ex.scores
    click.echo(f"A: {ex.a.id}\nB: {ex.b.id}")
    click.echo(
        f"{SENTENCES[ex.relation]}: containment {s['containment']:.3f}, "
        f"jaccard {s['jaccard']:.3f}; "
        f"{s['a_in_b']:.0%} of A is in B, {s['b_in_a']:.0%} of B is in A"
    )
    for label, side in (("A", ex.a), ("B", ex.b)):
        words = {k: side.words(k) for k in ("shared", "added", "chrome")}
        click.echo(
            f"\n--- {label} ({words['shared']} words shared, {words['added']} added, "
            f"{words['chrome']} chrome){'' if full else ': what it adds'}"
        )
        _print_side(side, color, full)


@click.command()
@click.argument("documents", nargs=-1, metavar="A B [C...]")
@click.option(
    "-i",
    "--input",
    "inputs",
    multiple=True,
    help="Corpus to look the ids up in (else A, B are files).",
)
@click.option("--cluster", type=int, help="Explain this cluster of --clusters instead.")
@click.option(
    "--clusters",
    "clusters_path",
    type=click.Path(dir_okay=False),
    help="clusters.jsonl of a run (with --cluster).",
)
@click.option("--id-field", default="id", show_default=True)
@click.option("--text-field", default="text", show_default=True)
@click.option("--normalise", help="Normaliser chain (default: the run default).")
@click.option("-n", "--ngram", default=5, show_default=True, type=click.IntRange(min=1))
@click.option("--unit", default="word", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON.")
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False),
    help="Write a side-by-side HTML page here.",
)
@click.option("--full", is_flag=True, help="Print whole texts, not only what each adds.")
@click.option("--color/--no-color", default=None, help="Colour (default: when a terminal).")
def explain(
    documents: tuple[str, ...],
    inputs: tuple[str, ...],
    cluster: int | None,
    clusters_path: str | None,
    id_field: str,
    text_field: str,
    normalise: str | None,
    ngram: int,
    unit: str,
    as_json: bool,
    html_path: str | None,
    full: bool,
    color: bool | None,
) -> None:
    """Show why documents match: the passages they share and the text each adds.

    \b
    Examples:
      dedupe explain original.txt repost.txt
      dedupe explain -i corpus.jsonl d00012 d00345 --json
      dedupe explain -i corpus.jsonl --clusters out/clusters.jsonl --cluster 3 --html c3.html
    """
    settings: dict[str, object] = {
        "id_field": id_field,
        "text_field": text_field,
        "ngram": ngram,
        "unit": unit,
    }
    if normalise is not None:
        settings["normalise"] = normalise
    engine = Engine(make_config(**settings))
    ids = list(documents)
    if cluster is not None:
        if not clusters_path or not inputs:
            raise click.UsageError("--cluster needs --clusters and --input")
        rows = load_clusters(clusters_path)
        match = [r for r in rows if r.get("cluster") == cluster]
        if not match:
            raise click.UsageError(f"no cluster {cluster} in {clusters_path}")
        rep = str(match[0].get("representative") or match[0]["members"][0])
        ids = [rep] + [m for m in match[0]["members"] if m != rep]
    if len(ids) < 2:
        raise click.UsageError("give two or more documents (or --cluster)")
    texts = _find_ids(engine, inputs, ids) if inputs else _read_files(engine, ids)
    unit_impl = engine.registry.get("shingle unit", unit)
    explainer = Explainer(engine.chain, unit_impl.shingles, ngram)
    docs = [(i, texts[i]) for i in ids]
    reference, explanations = explain_cluster(explainer, docs)
    if html_path:
        title = f"dedupe: {len(docs)} documents around {docs[0][0]}"
        with atomic_open(Path(html_path), "w", encoding="utf-8") as f:
            f.write(render(reference, explanations, title))
        if not as_json:
            click.echo(f"wrote {html_path}", err=True)
    if as_json:
        payload = [ex.to_dict() for ex in explanations]
        click.echo(
            json.dumps(payload[0] if len(payload) == 1 else payload, ensure_ascii=False, indent=2)
        )
    elif not html_path:
        use_color = sys.stdout.isatty() if color is None else color
        for k, ex in enumerate(explanations):
            if k:
                click.echo("\n" + "=" * 60)
            _print(ex, use_color, full)
