"""Option parsing shared by commands: comma lists and scorer specs."""

from __future__ import annotations

import click

from dedupe.config import ScorerSpec
from dedupe.errors import ConfigError

#: Option ranges that keep values within what the kernels take (an int64, a C long): a larger
#: number would fail deep in a run instead of as a usage error.
NGRAM = click.IntRange(1, 2**31 - 1)
SAMPLING = click.IntRange(0, 2**31 - 1)
DOC_BYTES = click.IntRange(1, 2**62)


def comma_list(value: str | None) -> tuple[str, ...] | None:
    """``"a,b , c"`` -> ``("a", "b", "c")``; an empty string is an empty list."""
    if value is None:
        return None
    return tuple(part.strip() for part in value.split(",") if part.strip())


def scorer_specs(values: tuple[str, ...]) -> tuple[ScorerSpec, ...] | None:
    """Repeated or comma-separated ``--scorer NAME[=THRESHOLD]`` values."""
    specs = []
    for value in values:
        for part in value.split(","):
            if part.strip():
                try:
                    specs.append(ScorerSpec.parse(part))
                except ConfigError as exc:
                    raise click.BadParameter(str(exc), param_hint="--scorer") from None
    return tuple(specs) or None
