"""What the commands print about a run: one line per skipped record, up to a limit."""

from __future__ import annotations

from collections.abc import Callable

import click

from dedupe.display import safe
from dedupe.documents import BadRecord

MAX_PRINTED_BAD = 50


def _echo_err(line: str) -> None:
    click.echo(line, err=True)


class BadRecordPrinter:
    """One stderr line per skipped record, up to a limit; the report has them all. ``echo``
    prints a line (a progress display's, which clears itself first)."""

    def __init__(
        self, limit: int = MAX_PRINTED_BAD, echo: Callable[[str], None] = _echo_err
    ) -> None:
        self.limit = limit
        self.count = 0
        self.echo = echo

    def __call__(self, bad: BadRecord) -> None:
        self.count += 1
        if self.count <= self.limit:
            self.echo(f"dedupe: skipped {safe(bad)}")
        elif self.count == self.limit + 1:
            self.echo("dedupe: more records skipped; report.json lists them")
