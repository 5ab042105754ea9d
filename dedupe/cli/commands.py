"""The built-in subcommands by name: the module that holds each and the line ``dedupe --help``
lists it with.

The group imports a command's module only when the command is used, so that ``dedupe --help``
(and ``--version``) does not import numpy, the engine and every stage for a list of names:
each command takes its ``short_help`` from here, and the listing shows the same line.
"""

from __future__ import annotations

#: name -> (module, attribute, one-line summary), in the order ``dedupe --help`` lists them.
BUILTIN: dict[str, tuple[str, str, str]] = {
    "eval": (
        "dedupe.cli.eval",
        "eval_command",
        "Score clusters against a truth file: precision, recall, F1, ARI.",
    ),
    "explain": (
        "dedupe.cli.explain",
        "explain",
        "Show why documents match: the passages they share.",
    ),
    "index": (
        "dedupe.cli.index",
        "index_group",
        "A persistent index: is a new document a copy of one seen before?",
    ),
    "plugins": (
        "dedupe.cli.plugins",
        "plugins",
        "List installed plugins and what they register.",
    ),
    "report": (
        "dedupe.cli.report",
        "report",
        "Summarise a run: cluster sizes, copies per source, time per stage.",
    ),
    "run": (
        "dedupe.cli.run",
        "run",
        "Find the copies in files, folders or stdin and write clusters.",
    ),
}


def summary(name: str) -> str:
    """The line the built-in command ``name`` is listed with."""
    return BUILTIN[name][2]
