"""Every error the command line shows is one line, with text from the data escaped.

Messages carry paths, ids and option values that came from files a user was handed, so each is
passed through :func:`dedupe.display.safe` before it reaches the terminal; dedupe's own errors
and the operating system's (a missing folder, a full disk) become ``Error: ...`` lines instead
of tracebacks.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import click

from dedupe.display import safe
from dedupe.errors import ConfigError, DedupeError, MissingDependency

#: Exit status of a usage or settings error, and of a feature whose extra is not installed.
USAGE_EXIT = 2


class OneLineError(click.ClickException):
    """``Error: MESSAGE`` and nothing else (no usage lines), with a chosen exit status."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(safe(message))
        self.exit_code = exit_code  # type: ignore[misc]  # click declares a class default


def describe_os_error(exc: OSError) -> str:
    """``PATH: reason`` for an error of the operating system (the reason without errno)."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    if exc.filename is None:
        return reason
    where = os.fsdecode(exc.filename)
    if exc.filename2 is not None:
        where = f"{where} -> {os.fsdecode(exc.filename2)}"
    return f"{where}: {reason}"


def escape_click_error(exc: click.ClickException) -> None:
    """Escape, in place, the message a click error will print (a ``FileError``'s file name is
    printed with ``repr``, which escapes already)."""
    # click declares it Final; it is a plain attribute, set once more here.
    object.__setattr__(exc, "message", safe(exc.message))


@contextmanager
def one_line_errors() -> Iterator[None]:
    """Turn dedupe's errors and the operating system's into one-line click errors, and escape
    the messages of click's own."""
    try:
        yield
    except click.ClickException as exc:
        escape_click_error(exc)
        raise
    except MissingDependency as exc:
        raise OneLineError(str(exc), USAGE_EXIT) from None
    except ConfigError as exc:
        raise OneLineError(str(exc), USAGE_EXIT) from None
    except DedupeError as exc:
        raise OneLineError(str(exc)) from None
    except BrokenPipeError:
        raise  # click ends quietly when the reader of stdout has gone
    except OSError as exc:
        raise OneLineError(describe_os_error(exc)) from None
