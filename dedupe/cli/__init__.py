"""The ``dedupe`` command line: a click group whose subcommands live one per module.

Commands only parse options and call the engine; user errors become one-line messages.
"""

from __future__ import annotations

from typing import Any

import click

from dedupe import __version__
from dedupe.errors import ConfigError, DedupeError


class DedupeGroup(click.Group):
    """Turns dedupe's own errors into one-line click errors (no traceback)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            raise click.UsageError(str(exc), ctx) from None
        except DedupeError as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=DedupeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dedupe")
def cli() -> None:
    """Find near-duplicate and syndicated copies in text corpora.

    \b
    Examples:
      dedupe run examples/news -o out          # a folder of .txt/.md/.html files
      dedupe run corpus.jsonl --id-field url   # JSON Lines
      cat corpus.jsonl | dedupe run - -o out   # JSONL on stdin
      dedupe explain original.txt repost.txt   # what two documents share
      dedupe eval --truth truth.jsonl out/clusters.jsonl
      dedupe plugins                           # what is installed
      dedupe index add news.db today.jsonl     # a persistent index (dedupe index -h)
    """


def _add_commands() -> None:
    from dedupe.cli.eval import eval_command
    from dedupe.cli.explain import explain
    from dedupe.cli.index import index_group
    from dedupe.cli.plugins import plugins
    from dedupe.cli.run import run

    cli.add_command(run)
    cli.add_command(explain)
    cli.add_command(eval_command)
    cli.add_command(plugins)
    cli.add_command(index_group)


_add_commands()


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``dedupe`` script: add plugin commands, then run."""
    from dedupe.plugins import get_plugin_manager

    try:
        pm = get_plugin_manager()
        pm.hook.register_commands(cli=cli)
    except DedupeError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(1) from None
    cli.main(args=argv, prog_name="dedupe")
