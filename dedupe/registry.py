"""Named components collected from the plugins' ``register_*`` hooks, once per engine.

Each hook implementation is called separately with its own ``register`` callback, so every
component is attributed to the plugin that registered it, and a duplicate name is refused with
both plugins named.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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
            # get_hookimpls() lists in registration order: built-ins first.
            for impl in caller.get_hookimpls():
                register = self._register_for(kind, expected, impl.plugin_name)
                try:
                    impl.function(register=register)
                except (PluginError, ConfigError):
                    raise
                except Exception as exc:
                    raise PluginError(
                        f"plugin {impl.plugin_name!r} failed in {hook_name}: "
                        f"{type(exc).__name__}: {exc}; {ESCAPE_HINT}"
                    ) from None

    def _register_for(self, kind: str, expected: type, plugin: str) -> Callable[[Any], None]:
        def register(component: Any) -> None:
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
            taken = self._entries[kind].get(name)
            if taken is not None:
                raise DuplicateNameError(
                    f"{kind} {name!r} is registered by both {taken.plugin!r} and {plugin!r}; "
                    f"disable one with DEDUPE_DISABLE_PLUGINS, or {ESCAPE_HINT}"
                )
            self._entries[kind][name] = Entry(component, plugin)

        return register

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
