"""``dedupe report``: a summary of a finished run, read from its output folder, in the terminal
and as a self-contained HTML page. What the command needs is imported when it runs, so
``dedupe --help`` does not pay for it."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from dedupe.cli.commands import summary
from dedupe.display import safe

if TYPE_CHECKING:
    from dedupe.progress import Progress
    from dedupe.report import Summary


@click.command(short_help=summary("report"))
@click.argument("output_dir", metavar="OUT")
@click.option(
    "--html",
    "html_path",
    metavar="FILE",
    help="Also write the report as one HTML page (no network needed to view it).",
)
@click.option(
    "--top",
    default=10,
    show_default=True,
    type=click.IntRange(min=1),
    help="Largest clusters, sources and flows shown.",
)
@click.option(
    "--by",
    default="file",
    show_default=True,
    metavar="file|FIELD",
    help="Count copies removed per input file (a folder of one-document files: per folder), "
    "or per value of a record field (a URL's host for URLs), e.g. --by url.",
)
@click.option(
    "--no-inputs",
    is_flag=True,
    help="Do not read the inputs again (no copies-per-source table; for a huge corpus).",
)
@click.option(
    "--explain",
    "explain_pages",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    metavar="N",
    help="With --html: also write the side-by-side explain page of the N largest clusters "
    "beside it, linked from the report.",
)
@click.option("-q", "--quiet", is_flag=True, help="No terminal report (with --html) or progress.")
def report(
    output_dir: str,
    html_path: str | None,
    top: int,
    by: str,
    no_inputs: bool,
    explain_pages: int,
    quiet: bool,
) -> None:
    """Summarise the run whose outputs are in OUT: cluster sizes, the largest clusters, copies
    removed per source, time per stage.

    \b
    Examples:
      dedupe report out
      dedupe report out --html report.html --explain 5
      dedupe report out --by url --top 20
    """
    from dedupe.errors import OutputError
    from dedupe.progress import Progress
    from dedupe.report import load

    if explain_pages and not html_path:
        raise click.UsageError("--explain writes pages linked from the report: give --html")
    if html_path is not None:
        if not html_path.strip():
            raise click.BadParameter("is empty: name a file", param_hint="'--html'")
        parent = Path(html_path).resolve().parent
        if not parent.is_dir():
            raise OutputError(f"cannot write {html_path}: folder {parent} does not exist")
    summary = load(output_dir)
    with Progress(mode="none" if quiet else "auto") as progress:
        if not no_inputs:
            _add_sources(summary, by, progress)
        pages = _explain(summary, explain_pages, html_path, progress) if explain_pages else {}
    for problem in summary.problems[:20]:
        click.echo(f"dedupe: {safe(problem)}", err=True)
    if len(summary.problems) > 20:
        click.echo(f"dedupe: {len(summary.problems) - 20:,} more problems", err=True)
    if not (quiet and html_path):
        from dedupe.report_text import render_text

        encoding = (getattr(sys.stdout, "encoding", None) or "").lower()
        click.echo(render_text(summary, top, unicode=encoding.startswith("utf")), nl=False)
    if html_path is not None:
        from dedupe.atomic import atomic_open
        from dedupe.report_html import render_html

        try:
            with atomic_open(Path(html_path), "w", encoding="utf-8") as f:
                f.write(render_html(summary, top=max(top, explain_pages), pages=pages))
        except OSError as exc:
            raise OutputError(f"cannot write {html_path}: {exc.strerror or exc}") from None
        click.echo(f"wrote {safe(html_path)}", err=True)


def _add_sources(summary: Summary, by: str, progress: Progress) -> None:
    from dedupe.report_sources import read_sources

    found = read_sources(summary, by, progress)
    if isinstance(found, str):
        summary.sources_note = found
    else:
        summary.sources = found


def _explain(summary: Summary, n: int, html_path: str | None, progress: Progress) -> dict[int, str]:
    """Write the explain page of the ``n`` largest clusters into a folder beside the report
    (``report-clusters/cluster-N.html``); cluster number -> its href from the report."""
    from dedupe.atomic import atomic_open
    from dedupe.engine import Engine, make_config
    from dedupe.errors import DedupeError, InputError, OutputError
    from dedupe.explain import Explainer, explain_cluster
    from dedupe.explain_html import render

    assert html_path is not None
    clusters = summary.largest(n)
    if not clusters:
        return {}
    inputs = summary.inputs
    if not inputs or "-" in inputs or not all(os.path.exists(p) for p in inputs):
        raise InputError(
            "--explain needs the run's inputs, as report.json names them: "
            + (", ".join(map(safe, inputs)) or "none named")
        )
    params = summary.parameters
    settings = {
        name: params[name]
        for name in ("id_field", "text_field", "format", "normalise", "unit", "ngram")
        if params.get(name) is not None
    }
    engine = Engine(make_config(**settings))
    unit = engine.config.unit
    explainer = Explainer(
        engine.chain,
        engine.registry.get("shingle unit", unit).shingles,
        engine.config.ngram,
        unit=unit,
    )
    wanted = {m for c in clusters for m in c.members}
    texts: dict[str, str] = {}
    corpus = engine.open_files(inputs)
    try:
        progress.stage("reading the clusters' documents")
        for record in corpus.records():
            if record.id in wanted and record.id not in texts:
                texts[record.id] = record.text
                if len(texts) == len(wanted):
                    break
    except DedupeError as exc:
        raise InputError(f"--explain: the inputs could not be read again: {exc}") from None
    finally:
        corpus.close()
    folder = Path(html_path).with_name(Path(html_path).stem + "-clusters")
    folder.mkdir(exist_ok=True)
    pages: dict[int, str] = {}
    progress.stage(f"explaining {len(clusters)} clusters")
    for cluster in clusters:
        docs = [(m, texts[m]) for m in cluster.ordered() if m in texts]
        if len(docs) < 2:
            continue
        reference, explanations = explain_cluster(explainer, docs)
        page = folder / f"cluster-{cluster.number}.html"
        title = f"dedupe: cluster {cluster.number}, {len(docs)} documents around {docs[0][0]}"
        try:
            with atomic_open(page, "w", encoding="utf-8") as f:
                f.write(render(reference, explanations, title))
        except OSError as exc:
            raise OutputError(f"cannot write {page}: {exc.strerror or exc}") from None
        pages[cluster.number] = f"{folder.name}/{page.name}"
    return pages
