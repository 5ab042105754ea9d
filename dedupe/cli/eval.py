"""``dedupe eval``: score a run's clusters against a ground truth."""

from __future__ import annotations

import json

import click

from dedupe.cli.commands import summary
from dedupe.cli.errors import USAGE_EXIT, OneLineError
from dedupe.display import safe
from dedupe.evaluate import (
    ForeignClusters,
    check_same_corpus,
    evaluate,
    load_clusters,
    load_truth,
)


@click.command(name="eval", short_help=summary("eval"))
@click.argument("clusters", type=click.Path(exists=True, dir_okay=False), metavar="CLUSTERS")
@click.option(
    "--truth",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="JSONL with id, cluster[, role], or a seeds-style truth.json.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def eval_command(clusters: str, truth: str, as_json: bool) -> None:
    """Pairwise precision, recall, F1 and adjusted Rand index of CLUSTERS (a clusters.jsonl,
    or a run's clusters.csv or clusters.parquet), recall per role where the truth has roles,
    and how often the original is named.
    Refused (exit 2) when fewer than half the clusters' ids are in the truth.

    \b
    Example:
      dedupe run corpus.jsonl -o out && dedupe eval --truth truth.jsonl out/clusters.jsonl
    """
    truth_set, rows = load_truth(truth), load_clusters(clusters)
    try:
        check_same_corpus(truth_set, rows, clusters)
    except ForeignClusters as exc:
        raise OneLineError(str(exc), USAGE_EXIT) from None
    report = evaluate(truth_set, rows)
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    o = report["overall"]
    click.echo(f"{report['documents']:,} documents, {report['clusters']:,} predicted clusters")
    click.echo(f"{'precision':>12} {'recall':>8} {'f1':>8} {'ari':>8}")
    click.echo(f"{o['precision']:>12.4f} {o['recall']:>8.4f} {o['f1']:>8.4f} {o['ari']:>8.4f}")
    for role, figures in report.get("by_role", {}).items():
        click.echo(f"recall of {safe(role)}: {figures['recall']:.4f} ({int(figures['count'])})")
    named = report.get("original_named")
    if named:
        click.echo(f"original named: {named['share']:.4f} ({named['correct']}/{named['clusters']})")
