"""``dedupe explain``: show the passages two (or more) documents share and what each adds, for
one pair, one cluster, or every pair of a ``pairs.jsonl`` in one process."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from dedupe import presets, tables
from dedupe.atomic import atomic_open
from dedupe.cli.commands import summary
from dedupe.cli.explain_text import print_explanation
from dedupe.cli.run import typed_settings
from dedupe.config import Config
from dedupe.display import BIDI, safe
from dedupe.errors import ConfigError, InputError, OutputError
from dedupe.evaluate import load_clusters
from dedupe.explain_defaults import DEFAULT_GAP, DEFAULT_MIN_LENGTH

if TYPE_CHECKING:  # imported when the command runs (``dedupe --help`` loads no kernel)
    from dedupe.engine import Engine
    from dedupe.explain import Explainer

# Characters JSON leaves raw that a terminal must not get: DEL and C1 controls, line and
# paragraph separators, bidi controls, lone surrogates (written as \u escapes, still JSON).
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff" + "".join(sorted(BIDI)) + "]")

#: The run's defaults (unit and n-gram size: explain shows the shingles a run uses).
DEFAULTS = Config()
#: Distinct documents read into memory at a time in ``--pairs`` mode (the corpus is read
#: once per this many).
PAIRS_DOCUMENTS = 20_000


def dumps(value: Any, indent: int | None = None) -> str:
    """JSON of ``value`` with non-ASCII text readable, escaping what must not reach a
    terminal raw (control characters are escaped by JSON itself)."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _scan(engine: Engine, inputs: tuple[str, ...], wanted: set[str]) -> dict[str, str]:
    """Texts of the wanted ids found in the corpus (stops once all are found)."""
    found: dict[str, str] = {}
    corpus = engine.open_files(list(inputs))
    try:
        for record in corpus.records():
            if record.id in wanted and record.id not in found:
                found[record.id] = record.text
                if len(found) == len(wanted):
                    break
    finally:
        corpus.close()
    return found


def _find_ids(engine: Engine, inputs: tuple[str, ...], ids: list[str]) -> dict[str, str]:
    found = _scan(engine, inputs, set(ids))
    missing = [i for i in ids if i not in found]
    if missing:
        raise InputError(
            f"not found in {', '.join(map(safe, inputs))}: {', '.join(map(safe, missing))}"
        )
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
            raise InputError(f"{safe(path)}: no readable document (missing, binary or empty)")
        out[path] = records[0].text
    return out


def _pairs(path: str) -> Iterator[tuple[int, str, str]]:
    """``(line number, a, b)`` of each pair; a bad line is reported on stderr and skipped. A
    run's ``pairs.csv`` or ``pairs.parquet`` is read as its rows (:mod:`dedupe.tables`)."""
    if tables.format_of(path) != "jsonl":
        if not os.path.isfile(path):
            raise InputError(f"cannot read {safe(path)}: no such file")
        for number, row in tables.read_rows(path, tables.COLUMNS["pairs"]):
            if "a" in row and "b" in row:
                yield number, str(row["a"]), str(row["b"])
            else:
                click.echo(f'{safe(path)}:{number}: skipped, needs ids "a" and "b"', err=True)
        return
    try:
        f = open(path, encoding="utf-8", errors="replace")  # noqa: SIM115
    except OSError as exc:
        raise InputError(f"cannot read {safe(path)}: {exc.strerror}") from None
    with f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as exc:
                click.echo(f"{safe(path)}:{number}: skipped, not JSON ({safe(exc)})", err=True)
                continue
            ids = [row.get(k) if isinstance(row, dict) else None for k in ("a", "b")]
            if not all(isinstance(i, (str, int)) and not isinstance(i, bool) for i in ids):
                click.echo(f'{safe(path)}:{number}: skipped, needs ids "a" and "b"', err=True)
                continue
            yield number, str(ids[0]), str(ids[1])


def _chunks(path: str) -> Iterator[list[tuple[int, str, str]]]:
    """The pairs in order, in chunks of at most :data:`PAIRS_DOCUMENTS` distinct ids."""
    chunk: list[tuple[int, str, str]] = []
    ids: set[str] = set()
    for pair in _pairs(path):
        if len(ids | {pair[1], pair[2]}) > PAIRS_DOCUMENTS and chunk:
            yield chunk
            chunk, ids = [], set()
        chunk.append(pair)
        ids.update(pair[1:])
    if chunk:
        yield chunk


def _explain_pairs(
    engine: Engine,
    explainer: Explainer,
    inputs: tuple[str, ...],
    path: str,
    as_json: bool,
    show: dict[str, Any],
) -> None:
    """Every pair of ``path``, one JSON object a line (or one explanation after another)."""
    first = True
    for chunk in _chunks(path):
        texts = _scan(engine, inputs, {i for _, a, b in chunk for i in (a, b)})
        for number, a, b in chunk:
            missing = [i for i in (a, b) if i not in texts]
            if missing:
                names = ", ".join(safe(i) for i in missing)
                click.echo(
                    f"{safe(path)}:{number}: skipped, not found in the input: {names}", err=True
                )
                continue
            ex = explainer.explain((a, texts[a]), (b, texts[b]))
            if as_json:
                click.echo(dumps(ex.to_dict()))
            else:
                if not first:
                    click.echo("\n" + "=" * 60)
                print_explanation(ex, **show)
            first = False


def _check_folder(path: str) -> None:
    parent = Path(path).resolve().parent
    if not parent.is_dir():
        raise OutputError(f"cannot write {safe(path)}: folder {safe(parent)} does not exist")


@click.command(short_help=summary("explain"))
@click.argument("documents", nargs=-1, metavar="A B [C...]")
@click.option(
    "-i",
    "--input",
    "inputs",
    multiple=True,
    help="Corpus to look the ids up in (files or folders; repeatable). Without it, A, B are files.",
)
@click.option(
    "--pairs",
    "pairs_path",
    type=click.Path(dir_okay=False),
    help='JSON Lines of pairs ({"a": ID, "b": ID}, e.g. a run\'s pairs.jsonl; also its '
    "pairs.csv or pairs.parquet): explain every pair in one process (with --input).",
)
@click.option("--cluster", type=int, help="Explain this cluster of --clusters instead.")
@click.option(
    "--clusters",
    "clusters_path",
    type=click.Path(dir_okay=False),
    help="clusters.jsonl of a run, or its clusters.csv or .parquet (with --cluster).",
)
@click.option(
    "--preset",
    default="default",
    show_default=True,
    metavar="NAME",
    help="The run's preset: its normalisers, unit and n, and the alignment it shows passages "
    "with (ocr: gaps and lengths in characters, as its aligned scorer reads reprints); options "
    "given explicitly override it.",
)
@click.option("--id-field", default="id", show_default=True, help="Id field of JSONL/CSV input.")
@click.option(
    "--text-field", default="text", show_default=True, help="Text field(s) of JSONL/CSV input."
)
@click.option("--normalise", help="Normaliser chain, comma-separated (default: the run default).")
@click.option(
    "-n",
    "--ngram",
    default=DEFAULTS.ngram,
    show_default=True,
    type=click.IntRange(min=1),
    help="Shingle size, as in the run; also the seed length of the alignment.",
)
@click.option(
    "--unit",
    default=DEFAULTS.unit,
    show_default=True,
    help="Shingle unit, as in the run (auto: words, and characters of scripts written without "
    "spaces; word; char).",
)
@click.option(
    "--gap",
    default=DEFAULT_GAP,
    show_default=True,
    type=click.IntRange(min=0),
    help="Join shared passages separated by at most this many differing units (words; "
    "characters of scripts written without spaces, or with --unit char) on both sides; the "
    "difference is shown as an edit.",
)
@click.option(
    "--min-length",
    default=DEFAULT_MIN_LENGTH,
    show_default=True,
    type=click.IntRange(min=1),
    help="Shared passages matching fewer units (words, or characters as for --gap) are not "
    "shared (common phrases).",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print JSON: passages with [start, end) character offsets into each text as read "
    "(one object a line with --pairs).",
)
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False),
    help="Write a side-by-side HTML page of the documents (or the cluster) here.",
)
@click.option("--full", is_flag=True, help="Print whole texts, not only what each adds.")
@click.option(
    "--context",
    default=4,
    show_default=True,
    type=click.IntRange(min=0),
    help="Words of shared text shown around what is added or edited.",
)
@click.option("--color/--no-color", default=None, help="Colour (default: when a terminal).")
def explain(
    documents: tuple[str, ...],
    inputs: tuple[str, ...],
    pairs_path: str | None,
    cluster: int | None,
    clusters_path: str | None,
    preset: str,
    id_field: str,
    text_field: str,
    normalise: str | None,
    ngram: int,
    unit: str,
    gap: int,
    min_length: int,
    as_json: bool,
    html_path: str | None,
    full: bool,
    context: int,
    color: bool | None,
) -> None:
    """Show why documents match: the passages they share and the text each adds.

    \b
    Examples:
      dedupe explain original.txt repost.txt
      dedupe explain -i reprints.jsonl d00012 d00345 --preset ocr
      dedupe explain -i corpus.jsonl d00012 d00345 --json
      dedupe explain -i corpus.jsonl --pairs out/pairs.jsonl --json > explained.jsonl
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
    given = typed_settings(click.get_current_context())
    try:
        settings = presets.apply(preset, settings, given)
    except ConfigError as exc:
        raise click.BadParameter(str(exc), param_hint="'--preset'") from None
    shown = presets.get(preset).explain
    gap = gap if "gap" in given else int(shown.get("gap", gap))
    min_length = min_length if "min_length" in given else int(shown.get("min_length", min_length))

    from dedupe.engine import Engine, make_config
    from dedupe.explain import Explainer, explain_cluster
    from dedupe.explain_html import render

    engine = Engine(make_config(**settings))
    unit, ngram = engine.plan.config.unit, engine.plan.config.ngram
    unit_impl = engine.registry.get("shingle unit", unit)
    explainer = Explainer(
        engine.chain, unit_impl.shingles, ngram, unit=unit, gap=gap, min_length=min_length
    )
    use_color = sys.stdout.isatty() if color is None else color
    show: dict[str, Any] = {"color": use_color, "full": full, "context": context}
    if pairs_path is not None:
        if not inputs:
            raise click.UsageError("--pairs needs --input (the corpus the ids are in)")
        if documents or cluster is not None:
            raise click.UsageError("--pairs explains the pairs of a file: give no documents")
        if html_path:
            raise click.UsageError("--html writes one page: use it with documents or --cluster")
        _explain_pairs(engine, explainer, inputs, pairs_path, as_json, show)
        return
    ids = list(documents)
    if cluster is not None:
        if not clusters_path or not inputs:
            raise click.UsageError("--cluster needs --clusters and --input")
        rows = load_clusters(clusters_path)
        match = [r for r in rows if r.get("cluster") == cluster]
        if not match:
            raise click.UsageError(f"no cluster {cluster} in {safe(clusters_path)}")
        rep = str(match[0].get("representative") or match[0]["members"][0])
        ids = [rep] + [m for m in match[0]["members"] if m != rep]
    if len(ids) < 2:
        raise click.UsageError("give two or more documents (or --cluster, or --pairs)")
    if html_path:
        _check_folder(html_path)
    texts = _find_ids(engine, inputs, ids) if inputs else _read_files(engine, ids)
    docs = [(i, texts[i]) for i in ids]
    reference, explanations = explain_cluster(explainer, docs)
    if html_path:
        title = f"dedupe: {len(docs)} documents around {docs[0][0]}"
        try:
            with atomic_open(Path(html_path), "w", encoding="utf-8") as f:
                f.write(render(reference, explanations, title))
        except OSError as exc:
            raise OutputError(f"cannot write {safe(html_path)}: {exc.strerror}") from None
        if not as_json:
            click.echo(f"wrote {safe(html_path)}", err=True)
    if as_json:
        payload = [ex.to_dict() for ex in explanations]
        click.echo(dumps(payload[0] if len(payload) == 1 else payload, indent=2))
    elif not html_path:
        for k, ex in enumerate(explanations):
            if k:
                click.echo("\n" + "=" * 60)
            print_explanation(ex, **show)
