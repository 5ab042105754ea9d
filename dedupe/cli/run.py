"""``dedupe run``: deduplicate files, folders or stdin into an output directory."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from dedupe import presets
from dedupe.cli.commands import summary
from dedupe.cli.interrupt import clean_interrupt
from dedupe.cli.jobs import check_options, run_with_index
from dedupe.cli.options import DOC_BYTES, NGRAM, SAMPLING, comma_list, scorer_specs
from dedupe.cli.output import BadRecordPrinter, StrictStop
from dedupe.config import DEFAULT_NORMALISERS, DEFAULT_WRITERS, OUTPUT_FORMATS, Config
from dedupe.display import safe
from dedupe.errors import ConfigError, DedupeError
from dedupe.executors import Job
from dedupe.presets import PRESETS
from dedupe.progress import MODES, Progress

DEFAULTS = Config()


#: Command-line parameters named otherwise than the setting they give.
_SETTING_OF = {"format_": "format", "rename_duplicate_ids": "duplicate_ids"}


def typed_settings(ctx: click.Context) -> set[str]:
    """The settings the user gave on the command line or in the environment (a preset does
    not override those)."""
    from click.core import ParameterSource

    typed = (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT)
    return {
        _SETTING_OF.get(name, name)
        for name in ctx.params
        if ctx.get_parameter_source(name) in typed
    }


@click.command(short_help=summary("run"))
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option(
    "-o",
    "--output-dir",
    default="dedupe-output",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Directory for the output files.",
)
@click.option(
    "--format",
    "format_",
    metavar="NAME",
    help="Reader for every input (default: by suffix; see `dedupe plugins`). Stdin is JSON "
    "Lines; `--format text` reads it as one document per line (files: one per file).",
)
@click.option(
    "--preset",
    default="default",
    show_default=True,
    metavar="NAME",
    help="Settings for one kind of copying; options given explicitly override it. "
    + "; ".join(f"{p.name}: {p.description}" for p in PRESETS.values()),
)
@click.option(
    "--id-field",
    default=DEFAULTS.id_field,
    show_default=True,
    help="JSONL/CSV field holding the id ('' numbers records by line).",
)
@click.option(
    "--text-field",
    default=DEFAULTS.text_field,
    show_default=True,
    help="JSONL/CSV field(s) holding the text; several, comma-separated, are joined.",
)
@click.option(
    "--date-field",
    default=DEFAULTS.date_field,
    show_default=True,
    help="Field used by --representative earliest and --window.",
)
@click.option(
    "--window",
    type=click.FloatRange(min=0),
    metavar="DAYS",
    help="Documents further apart than DAYS in --date-field are never copies (news monitoring: "
    "a template re-run on another day is other news). [default: off]",
)
@click.option(
    "--normalise",
    "--normalize",
    "normalise",
    default=",".join(DEFAULT_NORMALISERS),
    show_default=True,
    help="Comma-separated normaliser chain ('' for none).",
)
@click.option(
    "--unit", default=DEFAULTS.unit, show_default=True, help="Shingle unit: word or char."
)
@click.option(
    "-n",
    "--ngram",
    default=DEFAULTS.ngram,
    show_default=True,
    type=NGRAM,
    help="Shingle size in units.",
)
@click.option(
    "--num-perm",
    default=DEFAULTS.num_perm,
    show_default=True,
    type=click.IntRange(1, 4096),
    help="MinHash permutations.",
)
@click.option(
    "--seed",
    default=DEFAULTS.seed,
    show_default=True,
    type=click.IntRange(0, 2**32 - 1),
    help="MinHash seed (datasketch's default is 1).",
)
@click.option(
    "--threshold",
    default=DEFAULTS.threshold,
    show_default=True,
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    help="Jaccard similarity the LSH bands are tuned for (as datasketch's MinHashLSH).",
)
@click.option(
    "--bands", type=click.IntRange(min=1), help="LSH bands (with --rows: overrides --threshold)."
)
@click.option("--rows", type=click.IntRange(min=1), help="Rows per LSH band.")
@click.option(
    "--containment-sampling",
    default=DEFAULTS.containment_sampling,
    show_default=True,
    type=SAMPLING,
    help="Keep 1 in N shingles (1 in 4 of a document's first 64) as anchors to find copies "
    "that contain each other (teasers, wrapped reposts); 0 turns it off.",
)
@click.option(
    "--scorer",
    "scorers",
    multiple=True,
    metavar="NAME[=T]",
    help="Scorer verifying each candidate pair, with optional threshold; repeat to "
    "require several. [default: containment=0.45 and figures (a veto: templated stories "
    "whose figures, dates or subject differ)]",
)
@click.option(
    "--decide",
    default=DEFAULTS.decide,
    show_default=True,
    type=click.Choice(["all", "any"]),
    help="Accept a pair when all scorers pass, or any.",
)
@click.option(
    "--representative",
    default=DEFAULTS.representative,
    show_default=True,
    help="Which member of a cluster is kept: original, first, longest, earliest.",
)
@click.option(
    "--writers",
    default=",".join(DEFAULT_WRITERS),
    show_default=True,
    help="Comma-separated output files to write (also: dropped).",
)
@click.option(
    "--output-format",
    type=click.Choice(OUTPUT_FORMATS),
    default=DEFAULTS.output_format,
    show_default=True,
    help="Format of clusters, pairs, kept and dropped: jsonl, csv or parquet (pyarrow, the "
    "parquet extra); auto: csv when every input is CSV/TSV, parquet when every input is "
    "Parquet, else jsonl (always jsonl with --engine dask).",
)
@click.option(
    "--batch-size",
    default=DEFAULTS.batch_size,
    show_default=True,
    type=click.IntRange(min=1),
    help="Documents per batch.",
)
@click.option(
    "--workers",
    default=DEFAULTS.workers,
    show_default=True,
    type=click.IntRange(min=0),
    help="Processes for big inputs (0: one per core; with --engine dask --scheduler local, "
    "Dask's worker processes); the output does not change.",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Continue an interrupted run into the same --output-dir from its checkpoints "
    "(same input and settings; otherwise it starts over).",
)
@click.option(
    "--fsync",
    is_flag=True,
    help="Flush the outputs to disk before renaming them into place (survives a power loss; "
    "without it they are still atomic against an interrupted run).",
)
@click.option(
    "--max-doc-bytes",
    type=DOC_BYTES,
    help="Skip (and report) documents larger than this many bytes.",
)
@click.option(
    "--rename-duplicate-ids",
    is_flag=True,
    help="Make repeated ids unique (id#2, id#3...) instead of stopping.",
)
@click.option(
    "--engine",
    "engine_name",
    default="local",
    show_default=True,
    metavar="NAME",
    help="The executor: local (here), dask (a Dask cluster: pip install "
    "'dedupe-engine[dask]'), or one a plugin adds (`dedupe plugins --all`); same outputs.",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS|local",
    help="With --engine dask: the scheduler (tcp://host:8786 or a scheduler file), or 'local' "
    "for a LocalCluster of --workers processes. [default: local]",
)
@click.option(
    "--index",
    "index_path",
    metavar="PATH",
    help="Also find copies of the documents of this index (`dedupe index`), read only; its "
    "stored settings are used, and batch copies of indexed documents are not kept.",
)
@click.option(
    "--progress",
    "progress_mode",
    default="auto",
    show_default=True,
    type=click.Choice(MODES),
    help="Progress on stderr: a live display (bar), a line every few seconds (log), or none; "
    "auto: bar on a terminal, else log.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Fail (exit 1, the previous outputs unchanged) at the first input that would be "
    "skipped: a missing path, an unreadable file, a bad record.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress and no summary.")
@click.option("--json", "as_json", is_flag=True, help="Print the run's counts as JSON.")
def run(
    inputs: tuple[str, ...],
    output_dir: str,
    format_: str | None,
    id_field: str,
    text_field: str,
    date_field: str,
    window: float | None,
    normalise: str,
    unit: str,
    ngram: int,
    num_perm: int,
    seed: int,
    threshold: float,
    bands: int | None,
    rows: int | None,
    containment_sampling: int,
    scorers: tuple[str, ...],
    decide: str,
    representative: str,
    writers: str,
    output_format: str,
    batch_size: int,
    workers: int,
    resume: bool,
    fsync: bool,
    max_doc_bytes: int | None,
    rename_duplicate_ids: bool,
    engine_name: str,
    scheduler: str | None,
    index_path: str | None,
    quiet: bool,
    as_json: bool,
    preset: str,
    progress_mode: str,
    strict: bool,
) -> None:
    """Find copies in INPUT... (files, folders, or - for JSONL on stdin; with --format text,
    stdin is one document per line) and write clusters.

    \b
    Output files (in --output-dir, swapped in as one set; .csv or .parquet instead of
    .jsonl with --output-format, or by default when every input is CSV or Parquet):
      clusters.jsonl  one line per cluster: representative, members, scores
      pairs.jsonl     every accepted pair: scores, containment both ways, relation
      kept.jsonl      the corpus with copies removed, originals kept
      dropped.jsonl   each removed copy: the kept record it duplicates, score, role
      report.json     parameters (output_format among them), counts, skipped, timings

    \b
    Examples:
      dedupe run examples/news -o out
      dedupe run corpus.jsonl --id-field url --text-field title,body
      dedupe run corpus.jsonl --scorer containment=0.8 --scorer jaccard=0.3
      dedupe run site/ --unit char -n 7 --representative longest
      dedupe run 'shards/*.jsonl' --engine dask --scheduler tcp://head:8786
      cat notes.txt | dedupe run - --format text -o out
    """
    settings: dict[str, Any] = {
        "normalise": comma_list(normalise),
        "unit": unit,
        "ngram": ngram,
        "num_perm": num_perm,
        "seed": seed,
        "threshold": threshold,
        "bands": bands,
        "rows": rows,
        "containment_sampling": containment_sampling,
        "decide": decide,
        "representative": representative,
        "date_field": date_field,
        "window": window,
        "id_field": id_field,
        "text_field": text_field,
        "format": format_,
        "writers": comma_list(writers),
        "output_format": output_format,
        "batch_size": batch_size,
        "workers": workers,
        "fsync": fsync,
        "max_doc_bytes": max_doc_bytes,
        "duplicate_ids": "rename" if rename_duplicate_ids else "error",
    }
    if not output_dir.strip():
        # An unset shell variable (-o "$OUT") would write over files of the current folder.
        raise click.BadParameter("is empty: name a directory", param_hint="'-o' / '--output-dir'")
    specs = scorer_specs(scorers)
    if specs:
        settings["scorers"] = specs
    try:
        settings = presets.apply(preset, settings, typed_settings(click.get_current_context()))
    except ConfigError as exc:
        raise click.BadParameter(str(exc), param_hint="'--preset'") from None
    options = {k: v for k, v in {"scheduler": scheduler, "resume": resume}.items() if v}
    try:
        from dedupe.engine import Engine, make_config  # imported here: --help loads no kernel

        engine = Engine(make_config(**settings))
        executor = engine.registry.get("executor", engine_name)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    check_options(engine, executor, options, index_path)
    progress = Progress(mode="none" if quiet else progress_mode)
    listed_in = "report.json" if "report" in engine.config.writers else None
    printer = BadRecordPrinter(
        echo=progress.echo, listed_in=listed_in, strict=output_dir if strict else None
    )
    result: Any
    try:
        # The display is cleared (progress exits first) before an error or Ctrl-C's line.
        resumable = "resume" in executor.options
        with clean_interrupt(output_dir, resumable=resumable), progress:
            progress.stage("opening the inputs")
            if index_path is not None:
                result = run_with_index(
                    index_path, settings, inputs, output_dir, printer, progress, resume
                )
            else:
                job = Job(engine.plan, list(inputs), output_dir, printer, progress, options)
                result = executor.run(job)
    except StrictStop:
        raise
    except DedupeError:
        printer.finish(written=False)  # the count by reason comes before the error line
        raise
    printer.finish()
    counts = result.counts
    if as_json:
        click.echo(
            json.dumps(
                {"output_dir": output_dir, "counts": counts, "timings": result.timings}, indent=2
            )
        )
    elif not quiet:
        total = result.timings.get("total", 0.0)
        click.echo(
            f"read {counts['documents_read']:,} documents "
            f"({counts['documents_skipped']:,} skipped) in {total:.1f} s; "
            f"{counts['clusters']:,} clusters, {counts['duplicates_removed']:,} copies removed, "
            f"{counts['kept']:,} kept -> {safe(output_dir)}/"
        )
    if counts["documents_read"] == 0 and counts["documents_skipped"] > 0:
        raise DedupeError("no document could be read (see the skipped records above)")
    sys.stdout.flush()
