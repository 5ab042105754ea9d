"""Exceptions a user can act on: each carries a one-line message that names what to fix."""

from __future__ import annotations


class DedupeError(Exception):
    """Base class for errors reported to the user as one line, without a traceback."""


class ConfigError(DedupeError):
    """Settings that cannot work together (bad option values, unknown component names)."""


class PluginError(DedupeError):
    """A plugin failed to load or registered something invalid."""


class DuplicateNameError(PluginError):
    """Two plugins registered a component of the same kind under the same name."""


class InputError(DedupeError):
    """The input as a whole cannot be used (as opposed to one bad record, which is skipped)."""


class MissingDependency(DedupeError):
    """An optional dependency of the feature asked for is not installed (the message says
    which extra to install)."""


class OutputError(DedupeError):
    """The output directory cannot be written."""
