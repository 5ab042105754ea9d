"""Plugin loading: built-ins first, then third-party plugins from the ``dedupe`` entry-point group.

``DEDUPE_LOAD_PLUGINS`` (comma-separated entry-point or distribution names; empty for none)
limits which third-party plugins load, ``DEDUPE_DISABLE_PLUGINS`` skips some. A plugin that
fails to import or to validate raises :class:`PluginError` naming it and the way out.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
from dataclasses import dataclass

import pluggy

from dedupe import hookspecs
from dedupe.errors import PluginError

#: Built-in components, registered through the same hooks as any third-party plugin.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "dedupe.default_plugins.readers",
    "dedupe.default_plugins.parquet",
    "dedupe.default_plugins.normalisers",
    "dedupe.default_plugins.scripts",
    "dedupe.default_plugins.chrome",
    "dedupe.default_plugins.boilerplate",
    "dedupe.default_plugins.shingles",
    "dedupe.default_plugins.scorers",
    "dedupe.default_plugins.ocr",
    "dedupe.default_plugins.rewrite",
    "dedupe.default_plugins.representatives",
    "dedupe.default_plugins.writers",
    "dedupe.default_plugins.storage",
    "dedupe.default_plugins.executors",
)

ENTRY_POINT_GROUP = "dedupe"
ESCAPE_HINT = "run with DEDUPE_LOAD_PLUGINS= (empty) to start without third-party plugins"


@dataclass(frozen=True)
class PluginInfo:
    """Where a loaded plugin came from (for ``dedupe plugins``)."""

    name: str
    distribution: str | None = None
    version: str | None = None
    builtin: bool = False


class DedupePluginManager(pluggy.PluginManager):
    """A pluggy manager that also remembers where each plugin came from."""

    def __init__(self) -> None:
        super().__init__("dedupe")
        self.add_hookspecs(hookspecs)
        self.infos: dict[str, PluginInfo] = {}

    def add(self, plugin: object, info: PluginInfo) -> None:
        """Register ``plugin`` under ``info.name``; a taken name is a :class:`PluginError`."""
        if self.has_plugin(info.name):
            raise PluginError(f"plugin name {info.name!r} is already taken; {ESCAPE_HINT}")
        try:
            self.register(plugin, name=info.name)
        except pluggy.PluginValidationError as exc:
            raise PluginError(f"plugin {info.name!r} is invalid: {exc}; {ESCAPE_HINT}") from None
        self.infos[info.name] = info


def _names_from_env(var: str) -> set[str] | None:
    value = os.environ.get(var)
    if value is None:
        return None
    return {part.strip() for part in value.split(",") if part.strip()}


def load_entrypoint_plugins(pm: DedupePluginManager) -> None:
    """Load third-party plugins from the ``dedupe`` entry-point group, honouring the env vars."""
    allowed = _names_from_env("DEDUPE_LOAD_PLUGINS")
    blocked = _names_from_env("DEDUPE_DISABLE_PLUGINS") or set()
    for ep in sorted(
        importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name
    ):
        dist = ep.dist.name if ep.dist is not None else None
        names = {ep.name} | ({dist} if dist else set())
        if allowed is not None and not names & allowed:
            continue
        if names & blocked:
            continue
        try:
            plugin = ep.load()
        except Exception as exc:
            source = f" (from {dist})" if dist else ""
            raise PluginError(
                f"plugin {ep.name!r}{source} failed to load: {type(exc).__name__}: {exc}; "
                f"{ESCAPE_HINT}, or uninstall it"
            ) from None
        version = ep.dist.version if ep.dist is not None else None
        pm.add(plugin, PluginInfo(ep.name, dist, version))


def get_plugin_manager(
    *, load_entrypoints: bool = True, builtins: bool = True
) -> DedupePluginManager:
    """A new plugin manager with the built-ins (unless ``builtins`` is false: the command
    line's own manager, which needs only the plugins' commands and so does not import the
    stages) and (unless told not to) installed plugins.

    A factory rather than a global, so tests and notebooks can build isolated engines.
    """
    pm = DedupePluginManager()
    for module_name in DEFAULT_PLUGINS if builtins else ():
        pm.add(importlib.import_module(module_name), PluginInfo(module_name, builtin=True))
    if load_entrypoints:
        load_entrypoint_plugins(pm)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"{exc}; {ESCAPE_HINT}") from None
    return pm
