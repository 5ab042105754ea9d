"""The ``dedupe`` command line: a click group whose subcommands live one per module.

Commands only parse options and call the engine; user errors become one-line messages, with
text from the data escaped (:mod:`dedupe.cli.errors`).
"""

from __future__ import annotations

import importlib
import os
import warnings
from typing import Any

import click

from dedupe.cli.commands import BUILTIN, summary
from dedupe.cli.errors import one_line_errors
from dedupe.display import safe
from dedupe.errors import DedupeError
from dedupe.version import __version__

#: Set (to anything) to see the traceback of an unexpected error instead of its one line.
TRACEBACK_VAR = "DEDUPE_TRACEBACK"


class DedupeGroup(click.Group):
    """Turns dedupe's own errors into one-line click errors (no traceback) and escapes what
    click's errors print; its built-in commands (:data:`dedupe.cli.commands.BUILTIN`) are
    imported when they are used, and listed by their summary until then."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The built-in commands imported so far, by name.
        self.builtin: dict[str, click.Command] = {}

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        with one_line_errors():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        with one_line_errors():
            return super().invoke(ctx)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *BUILTIN})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in BUILTIN:
            self._load(cmd_name)
        return self.commands.get(cmd_name)

    def load_builtin(self) -> None:
        """Import every built-in command (before plugins add theirs, which are checked
        against them and may add to their groups)."""
        for name in BUILTIN:
            if name not in self.commands:
                self._load(name)

    def _load(self, name: str) -> None:
        module, attribute, _ = BUILTIN[name]
        command = getattr(importlib.import_module(module), attribute)
        self.builtin[name] = command
        self.add_command(command, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """As click lists commands, a built-in one not imported yet by its summary (the
        ``short_help`` it has once imported)."""
        shown: list[tuple[str, click.Command]] = []
        for name in self.list_commands(ctx):
            command = self.commands.get(name) or click.Command(name, short_help=summary(name))
            if not command.hidden:
                shown.append((name, command))
        if shown:
            limit = formatter.width - 6 - max(len(name) for name, _ in shown)
            with formatter.section("Commands"):
                formatter.write_dl([(name, c.get_short_help_str(limit)) for name, c in shown])


@click.group(cls=DedupeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dedupe")
def cli() -> None:
    """Find near-duplicate and syndicated copies in text corpora.

    \b
    Examples:
      dedupe run examples/news -o out          # a folder of .txt/.md/.html files
      dedupe run corpus.jsonl --id-field url   # JSON Lines
      cat corpus.jsonl | dedupe run - -o out   # JSONL on stdin
      cat notes.txt | dedupe run - --format text -o out   # plain text: a document per line
      dedupe explain original.txt repost.txt   # what two documents share
      dedupe eval --truth truth.jsonl out/clusters.jsonl
      dedupe plugins                           # what is installed
      dedupe index add news.db today.jsonl     # a persistent index (dedupe index -h)
    """


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    """A warning (a library's too) as one escaped line: its message may quote the data."""
    click.echo(f"dedupe: warning: {category.__name__}: {safe(message)}", err=True)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``dedupe`` script: add plugin commands, then run.

    An error nobody foresaw is still one line (and exit status 1), unless ``DEDUPE_TRACEBACK``
    is set: then its traceback, for a bug report.
    """
    from dedupe.cli.plugin_commands import add_plugin_commands
    from dedupe.plugins import get_plugin_manager

    try:
        pm = get_plugin_manager(builtins=False)  # (no built-in plugin adds commands)
    except DedupeError as exc:
        click.echo(f"Error: {safe(exc)}", err=True)
        raise SystemExit(1) from None
    if not os.environ.get(TRACEBACK_VAR):
        warnings.showwarning = _show_warning
    cli.commands = dict(cli.builtin)  # (main() may run twice: the last run's plugins gone)
    if pm.hook.register_commands.get_hookimpls():
        cli.load_builtin()
    add_plugin_commands(pm, cli, warn=lambda line: click.echo(f"dedupe: {line}", err=True))
    try:
        cli.main(args=argv, prog_name="dedupe")
    except Exception as exc:  # click shows its own errors and ours; this is anything else
        if os.environ.get(TRACEBACK_VAR):
            raise
        click.echo(
            f"Error: unexpected {type(exc).__name__}: {safe(exc)} (a bug: please report it; "
            f"{TRACEBACK_VAR}=1 shows the traceback)",
            err=True,
        )
        raise SystemExit(1) from None
