"""Named components collected from the plugins' ``register_*`` hooks, once per engine.

Each hook is called once, through pluggy (so hook wrappers, tracing and call monitoring apply
as to any pluggy hook), with one ``register`` callback. Every component is attributed to the
plugin whose hook implementation is running when ``register`` is called (the innermost one on
the call stack), and a duplicate name is refused with both plugins named.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import CodeType
from typing import Any

from dedupe.display import safe
from dedupe.errors import ConfigError, DuplicateNameError, PluginError
from dedupe.plugins import ESCAPE_HINT, DedupePluginManager

#: kind of component -> (hook that contributes it, class every component must be).
KINDS: dict[str, tuple[str, str]] = {
    "reader": ("register_readers", "dedupe.read:Reader"),
    "normaliser": ("register_normalisers", "dedupe.normalise:Normaliser"),
    "shingle unit": ("register_shingle_units", "dedupe.shingle:ShingleUnit"),
    "scorer": ("register_scorers", "dedupe.score:Scorer"),
    "representative policy": (
        "register_representative_policies",
        "dedupe.represent:RepresentativePolicy",
    ),
    "writer": ("register_writers", "dedupe.write:Writer"),
    "storage backend": ("register_storage_backends", "dedupe.index.base:StorageBackend"),
    "executor": ("register_executors", "dedupe.executors:Executor"),
}


def _import_class(path: str) -> type:
    import importlib

    module, _, attr = path.partition(":")
    cls: type = getattr(importlib.import_module(module), attr)
    return cls


@dataclass(frozen=True)
class Entry:
    """A registered component and the plugin that registered it."""

    component: Any
    plugin: str


class Registry:
    """All components of every kind, by name."""

    def __init__(self, pm: DedupePluginManager) -> None:
        self.pm = pm
        self._entries: dict[str, dict[str, Entry]] = {kind: {} for kind in KINDS}
        for kind, (hook_name, class_path) in KINDS.items():
            expected = _import_class(class_path)
            caller = getattr(pm.hook, hook_name)
            # The plugin of each implementation, by its function's code; pluggy calls the
            # implementations last registered first: registered first, built-ins win a name.
            owners = {impl.function.__code__: impl.plugin_name for impl in caller.get_hookimpls()}
            found: list[tuple[int, str, Any]] = []
            register = self._register_for(kind, expected, owners, found)
            try:
                caller(register=register)
            except (PluginError, ConfigError):
                raise
            except Exception as exc:
                plugin = _failed(owners, exc) or "a plugin"
                raise PluginError(
                    f"plugin {plugin!r} failed in {hook_name}: "
                    f"{type(exc).__name__}: {exc}; {ESCAPE_HINT}"
                ) from None
            order = {name: k for k, name in enumerate(pm.infos)}
            for _, plugin, component in sorted(found, key=lambda f: (order.get(f[1], 0), f[0])):
                self._add(kind, plugin, component)

    def _register_for(
        self,
        kind: str,
        expected: type,
        owners: dict[CodeType, str],
        found: list[tuple[int, str, Any]],
    ) -> Callable[[Any], None]:
        def register(component: Any) -> None:
            plugin = _running(owners)
            if plugin is None:
                raise PluginError(f"a {kind} was registered outside a register hook")
            if not isinstance(component, expected):
                raise PluginError(
                    f"plugin {plugin!r} registered a {kind} that is not a "
                    f"{expected.__module__}.{expected.__name__}: {component!r}"
                )
            name = getattr(component, "name", None)
            # A name is typed on command lines and printed: no comma, blank or control character.
            if not isinstance(name, str) or not name.strip() or "," in name or safe(name) != name:
                raise PluginError(
                    f"plugin {plugin!r} registered a {kind} with a bad name {safe(repr(name))}"
                )
            found.append((len(found), plugin, component))

        return register

    def _add(self, kind: str, plugin: str, component: Any) -> None:
        name = component.name
        taken = self._entries[kind].get(name)
        if taken is not None:
            raise DuplicateNameError(
                f"{kind} {name!r} is registered by both {taken.plugin!r} and {plugin!r}; "
                f"disable one with DEDUPE_DISABLE_PLUGINS, or {ESCAPE_HINT}"
            )
        self._entries[kind][name] = Entry(component, plugin)

    def names(self, kind: str) -> list[str]:
        """Registered names of one kind, sorted."""
        return sorted(self._entries[kind])

    def entries(self, kind: str) -> dict[str, Entry]:
        """Name -> entry for one kind."""
        return dict(self._entries[kind])

    def get(self, kind: str, name: str) -> Any:
        """The component, or a :class:`ConfigError` listing the names that exist."""
        entry = self._entries[kind].get(name)
        if entry is None:
            known = ", ".join(self.names(kind)) or "none"
            raise ConfigError(f"unknown {kind} {name!r} (known: {known})")
        return entry.component

    def by_plugin(self) -> dict[str, dict[str, list[str]]]:
        """plugin name -> kind -> names it registered (for ``dedupe plugins``)."""
        out: dict[str, dict[str, list[str]]] = {}
        for kind, entries in self._entries.items():
            for name, entry in sorted(entries.items()):
                out.setdefault(entry.plugin, {}).setdefault(kind, []).append(name)
        return out


def _running(owners: dict[CodeType, str]) -> str | None:
    """The plugin whose hook implementation is innermost on the call stack, if any."""
    frame = sys._getframe(1)
    while frame is not None:
        plugin = owners.get(frame.f_code)
        if plugin is not None:
            return plugin
        frame = frame.f_back  # type: ignore[assignment]
    return None


def _failed(owners: dict[CodeType, str], exc: BaseException) -> str | None:
    """The plugin whose hook implementation raised ``exc`` (innermost in its traceback)."""
    plugin = None
    tb = exc.__traceback__
    while tb is not None:
        plugin = owners.get(tb.tb_frame.f_code, plugin)
        tb = tb.tb_next
    return plugin
