"""``dedupe index``: a persistent index that says, per incoming document, what it duplicates."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from dedupe.cli.commands import summary
from dedupe.cli.options import NGRAM, SAMPLING, comma_list, scorer_specs
from dedupe.cli.output import BadRecordPrinter
from dedupe.config import DEFAULT_NORMALISERS, Config
from dedupe.display import safe, tsv_field

if TYPE_CHECKING:
    from dedupe.index.index import Index
    from dedupe.index.outcome import Match, Outcome


def _index_class() -> type[Index]:
    """The index (imported when a command runs: ``dedupe --help`` loads no kernel)."""
    from dedupe.index.index import Index

    return Index


def parse_now(value: str | float | None, default: float) -> float:
    """:func:`dedupe.index.dates.parse_now`, imported when used."""
    from dedupe.index.dates import parse_now as parse

    return parse(value, default)


DEFAULTS = Config()

# (parameter declarations, click options) of the settings fixed when an index is created.
_FIXED_OPTIONS: list[tuple[tuple[str, ...], dict[str, Any], Any]] = [
    (
        ("--normalise", "--normalize", "normalise"),
        {"help": "Comma-separated normaliser chain ('' for none)."},
        ",".join(DEFAULT_NORMALISERS),
    ),
    (("--unit",), {"help": "Shingle unit: word or char."}, DEFAULTS.unit),
    (("-n", "--ngram"), {"type": NGRAM, "help": "Shingle size."}, DEFAULTS.ngram),
    (
        ("--num-perm",),
        {"type": click.IntRange(1, 4096), "help": "MinHash permutations."},
        DEFAULTS.num_perm,
    ),
    (
        ("--seed",),
        {"type": click.IntRange(0, 2**32 - 1), "help": "MinHash seed."},
        DEFAULTS.seed,
    ),
    (
        ("--threshold",),
        {
            "type": click.FloatRange(0, 1, min_open=True, max_open=True),
            "help": "Jaccard similarity the LSH bands are tuned for.",
        },
        DEFAULTS.threshold,
    ),
    (("--bands",), {"type": click.IntRange(min=1), "help": "LSH bands (with --rows)."}, None),
    (("--rows",), {"type": click.IntRange(min=1), "help": "Rows per LSH band."}, None),
    (
        ("--containment-sampling",),
        {"type": SAMPLING, "help": "Anchor density (1 in N shingles; 0: off)."},
        DEFAULTS.containment_sampling,
    ),
    (
        ("--scorer", "scorers"),
        {"multiple": True, "metavar": "NAME[=T]", "help": "Scorer verifying each pair."},
        (),
    ),
    (
        ("--decide",),
        {"type": click.Choice(["all", "any"]), "help": "Accept when all scorers pass, or any."},
        DEFAULTS.decide,
    ),
]
_READING_OPTIONS: list[tuple[tuple[str, ...], dict[str, Any], Any]] = [
    (("--id-field",), {"help": "JSONL/CSV field holding the id."}, DEFAULTS.id_field),
    (("--text-field",), {"help": "JSONL/CSV field(s) holding the text."}, DEFAULTS.text_field),
    (
        ("--date-field",),
        {"help": "Field holding a document's date (for --max-age)."},
        DEFAULTS.date_field,
    ),
    (("--format", "format_"), {"metavar": "NAME", "help": "Reader for every input."}, None),
    (
        ("--batch-size",),
        {"type": click.IntRange(min=1), "help": "Documents per batch (one transaction each)."},
        DEFAULTS.batch_size,
    ),
]


def _options(
    specs: list[tuple[tuple[str, ...], dict[str, Any], Any]], with_defaults: bool, note: str
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add the options; without defaults, an option not given means "as stored"."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        for decls, kwargs, default in reversed(specs):
            extra = dict(kwargs)
            if with_defaults:
                extra["default"] = default
                extra["show_default"] = default not in (None, ())
            else:
                extra["help"] = f"{kwargs['help']} {note}"
            func = click.option(*decls, **extra)(func)
        return func

    return decorate


def _settings(params: dict[str, Any]) -> dict[str, Any]:
    """Engine settings from the command's parameters (options not given left out)."""
    out: dict[str, Any] = {}
    names = {"format_": "format"}
    for key, value in params.items():
        if value is None or value == ():
            continue
        if key == "normalise":
            out["normalise"] = comma_list(value)
        elif key == "scorers":
            out["scorers"] = scorer_specs(value)
        else:
            out[names.get(key, key)] = value
    return out


def _pop(params: dict[str, Any], *names: str) -> list[Any]:
    return [params.pop(name) for name in names]


# What json.dumps(ensure_ascii=False) leaves raw but a terminal must not see (C1 controls, DEL,
# lone surrogates, bidi controls, line separators): written as \uXXXX, the same JSON value.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def json_line(value: Any) -> str:
    """One line of JSON whose strings cannot reach a terminal as control characters."""
    text = json.dumps(value, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _print(outcome: Outcome, as_json: bool) -> None:
    """One output line: JSON, or tab-separated fields escaped with ``tsv_field`` (a tab or a
    newline in an id cannot make another field or line)."""
    if as_json:
        click.echo(json_line(outcome.to_dict()))
        return
    found = "".join(f"\t{_match_field(m)}" for m in outcome.duplicates)
    click.echo(f"{tsv_field(outcome.id)}\t{outcome.status}{found}")


def _match_field(match: Match) -> str:
    """``ID SCORE ROLE IN HOLDS``: the indexed id, the score, the document's role against it
    and containment both ways (share of the document in it, share of it in the document)."""
    field = f"{tsv_field(match.id)} {match.score:.3f}"
    if match.role is None or match.doc_in_match is None or match.match_in_doc is None:
        return field
    return f"{field} {match.role} {match.doc_in_match:.3f} {match.match_in_doc:.3f}"


_AS_STORED = "[default: as stored at creation; another value is refused]"
_READ_AS_STORED = "[default: as given at creation]"


@click.group(name="index", short_help=summary("index"))
def index_group() -> None:
    """A persistent index: is an incoming document a copy of one seen before?

    \b
    PATH is an SQLite file (no server; one writer and many readers at once), or
    redis://host:6379/0?prefix=NAME with the redis extra. Settings are fixed at creation.
    Each output line: ID, status, then, tab-separated, each indexed id it duplicates as
    "ID SCORE ROLE IN HOLDS": the score, the document's role against it (copy; teaser: a
    part of it; extended: it plus added text), the share of the document found in it and
    the share of it found in the document (--json: role, doc_in_match, match_in_doc).

    \b
    Examples:
      dedupe index create news.db --learn-from sample.jsonl
      dedupe index add news.db today.jsonl --max-age 30
      dedupe index query news.db incoming.jsonl --json
      dedupe index remove news.db a123 a124
      dedupe index stats news.db
      dedupe run batch.jsonl --index news.db -o out
    """


@index_group.command()
@click.argument("path")
@_options(_FIXED_OPTIONS, True, "")
@_options(_READING_OPTIONS, True, "")
@click.option(
    "--learn-from",
    multiple=True,
    type=click.Path(exists=True),
    help="Files that normalisers which learn (boilerplate) are fitted on, once, at creation; "
    "without it they learn nothing.",
)
@click.option(
    "--keep-text",
    is_flag=True,
    help="Store texts too (needed by scorers and policies that read texts).",
)
@click.option("--storage", metavar="NAME", help="Storage backend (default: by PATH).")
def create(
    path: str, learn_from: tuple[str, ...], keep_text: bool, storage: str | None, **params: Any
) -> None:
    """Create an empty index at PATH with these settings, fixed from now on."""
    index = _index_class().create(
        path, keep_text=keep_text, learn_from=learn_from, storage=storage, **_settings(params)
    )
    with index:
        learned = "; ".join(f"{k}: {v}" for k, v in index.engine.learned.items()) or "nothing"
        click.echo(
            f"created {safe(path)} (fingerprint {index.meta['fingerprint']}; "
            f"learned {safe(learned)})"
        )


def _open(path: str, params: dict[str, Any], read_only: bool, options: dict[str, Any]) -> Index:
    return _index_class().open(path, read_only=read_only, options=options, **_settings(params))


@index_group.command()
@click.argument("path")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@_options(_READING_OPTIONS, False, _READ_AS_STORED)
@_options(_FIXED_OPTIONS, False, _AS_STORED)
@click.option(
    "--max-age",
    type=click.FloatRange(min=0),
    metavar="DAYS",
    help="Evict documents dated (by --date-field, else when added) more than DAYS ago.",
)
@click.option("--now", metavar="DATE", help="Reference time for --max-age (default: now).")
@click.option("--fsync", is_flag=True, help="Sync every commit to disk (survives power loss).")
@click.option(
    "--only-new",
    is_flag=True,
    help="Add only the documents that duplicate nothing indexed (nor an earlier one added "
    "by this call); the others are printed with status duplicate and what they duplicate.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per document.")
@click.option("-q", "--quiet", is_flag=True, help="No summary on stderr.")
def add(
    path: str,
    inputs: tuple[str, ...],
    max_age: float | None,
    now: str | None,
    fsync: bool,
    only_new: bool,
    as_json: bool,
    quiet: bool,
    **params: Any,
) -> None:
    """Add INPUT... to the index; print, per document, the indexed ids it duplicates.

    Documents are also compared with the others of the same call. Each batch is committed
    before its lines are printed; an id already indexed is not added again (status exists),
    so an interrupted add can be run again. With --only-new the index keeps one document of
    each story: a copy of one indexed (or added earlier in the call) is not added.
    """
    counts: Counter[str] = Counter()
    evicted: list[str] = []
    printer = BadRecordPrinter()
    with _open(path, params, False, {"durable": fsync}) as index:
        corpus = index.engine.open_files(list(inputs))
        try:
            batches = index.add_corpus(
                corpus,
                on_bad=printer,
                max_age=max_age,
                now=None if now is None else parse_now(now, 0.0),
                on_evict=evicted.extend,
                only_new=only_new,
            )
            for batch in batches:
                for outcome in batch:
                    counts[outcome.status] += 1
                    counts["with duplicates"] += bool(outcome.duplicates)
                    _print(outcome, as_json)
        finally:
            corpus.close()
        total = len(index)
    printer.finish()
    if not quiet:
        summary = ", ".join(f"{v:,} {k}" for k, v in counts.items())
        click.echo(
            f"{summary or 'nothing read'}; {len(evicted):,} evicted; {safe(path)} holds {total:,}",
            err=True,
        )


@index_group.command()
@click.argument("path")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@_options(_READING_OPTIONS, False, _READ_AS_STORED)
@_options(_FIXED_OPTIONS, False, _AS_STORED)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per document.")
def query(path: str, inputs: tuple[str, ...], as_json: bool, **params: Any) -> None:
    """Print, per document of INPUT..., the indexed ids it duplicates (read-only).

    Status is duplicate or new; the documents of INPUT are not compared with each other.
    """
    printer = BadRecordPrinter()
    with _open(path, params, True, {}) as index:
        corpus = index.engine.open_files(list(inputs))
        try:
            for batch in index.query_corpus(corpus, on_bad=printer):
                for outcome in batch:
                    _print(outcome, as_json)
        finally:
            corpus.close()
    printer.finish()


@index_group.command()
@click.argument("path")
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
def remove(path: str, ids: tuple[str, ...]) -> None:
    """Remove documents by id (one transaction)."""
    with _index_class().open(path) as index:
        removed = index.remove(ids)
        missing = len(set(ids)) - len(removed)
        click.echo(f"removed {len(removed):,}; {missing:,} not in the index; {len(index):,} left")


@index_group.command()
@click.argument("path")
@click.option("--max-age", type=click.FloatRange(min=0), required=True, metavar="DAYS")
@click.option("--now", metavar="DATE", help="Reference time (default: now).")
def evict(path: str, max_age: float, now: str | None) -> None:
    """Remove the documents dated more than DAYS before now."""
    with _index_class().open(path) as index:
        gone = index.evict(max_age, None if now is None else parse_now(now, 0.0))
        click.echo(f"evicted {len(gone):,}; {len(index):,} left")


@index_group.command()
@click.argument("path")
@click.option("--json", "as_json", is_flag=True, help="As JSON.")
def stats(path: str, as_json: bool) -> None:
    """Documents, size per document, settings and storage facts."""
    with _index_class().open(path, read_only=True) as index:
        facts = index.stats()
    if as_json:
        click.echo(json.dumps(facts, indent=2))
        return
    for key, value in facts.items():
        shown = json.dumps(value) if isinstance(value, (dict, list)) else safe(value)
        click.echo(f"{key}: {shown}")
