"""What the commands print about a run: skipped inputs on stderr, each kind of reason shown a few
times, then counted once.

A file whose every record lacks the ``--id-field`` would otherwise print the same reason for
every line: a reason already shown is not shown again, and each kind of reason (the reason up
to its first colon, as ``report.json`` counts them) is shown at most :data:`PER_KIND` times;
:meth:`BadRecordPrinter.finish` then says in one line how many were skipped of each kind.
With ``strict``, the first skipped input stops the command instead (``--strict``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import click

from dedupe.display import safe
from dedupe.documents import BadRecord
from dedupe.errors import InputError

#: Lines printed at most, whatever the reasons.
MAX_PRINTED_BAD = 50
#: Lines printed at most for one kind of reason (different lines of malformed JSON, say).
PER_KIND = 3


def reason_kind(reason: str) -> str:
    """The kind of a reason: its text up to the first colon (``malformed JSON``, ``missing
    id field 'id'``), as the engine counts skipped records by reason."""
    return reason.split(":")[0]


def _echo_err(line: str) -> None:
    click.echo(line, err=True)


class StrictStop(InputError):
    """``--strict``: an input was skipped, so the command stops before writing anything."""


class BadRecordPrinter:
    """Prints skipped inputs as ``dedupe: skipped FILE:LINE: reason`` lines (see the module
    doc); ``echo`` prints a line (a progress display's, which clears itself first).
    ``listed_in`` names where every skipped record is listed (the run's ``report.json``).
    ``strict``: raise :class:`StrictStop` at the first one, naming ``strict`` (the output
    folder left unchanged)."""

    def __init__(
        self,
        limit: int = MAX_PRINTED_BAD,
        echo: Callable[[str], None] = _echo_err,
        *,
        per_kind: int = PER_KIND,
        listed_in: str | None = None,
        strict: str | None = None,
    ) -> None:
        self.limit = limit
        self.per_kind = per_kind
        self.echo = echo
        self.listed_in = listed_in
        self.strict = strict
        self.count = 0
        self.printed = 0
        self.kinds: Counter[str] = Counter()
        self._shown: set[str] = set()
        self._shown_kinds: Counter[str] = Counter()

    def __call__(self, bad: BadRecord) -> None:
        if self.strict is not None:
            raise StrictStop(
                f"{bad}; stopped by --strict (the outputs in {self.strict} are unchanged)"
            )
        self.count += 1
        kind = reason_kind(bad.reason)
        self.kinds[kind] += 1
        if (
            bad.reason in self._shown
            or self._shown_kinds[kind] >= self.per_kind
            or self.printed >= self.limit
        ):
            return
        self._shown.add(bad.reason)
        self._shown_kinds[kind] += 1
        self.printed += 1
        self.echo(f"dedupe: skipped {safe(bad)}")

    def finish(self, written: bool = True) -> None:
        """One line counting the skipped inputs by kind, when some were not printed
        (``written``: the outputs that list every one were written)."""
        if self.count == self.printed:
            return
        kinds = "; ".join(f"{n:,} {safe(kind)}" for kind, n in self.kinds.most_common())
        where = f"; {self.listed_in} lists every one" if self.listed_in and written else ""
        self.echo(f"dedupe: skipped {self.count:,} in all ({kinds}){where}")
