"""Plugin subcommands (the ``register_commands`` hook), added one plugin at a time.

A plugin's command must not change what a built-in command does: one named ``run`` (or any
name already taken) is refused and the command that was there is kept; a plugin whose hook
raises loses what it added. Each refusal is one line naming the plugin, and every other
command still works.
"""

from __future__ import annotations

from collections.abc import Callable

import click

from dedupe.display import safe
from dedupe.plugins import DedupePluginManager


def add_plugin_commands(
    pm: DedupePluginManager, group: click.Group, warn: Callable[[str], None]
) -> dict[str, str]:
    """Call each plugin's ``register_commands(cli=group)`` in turn; return command name ->
    plugin for the commands added. ``warn`` gets one line per plugin failure or refusal."""
    owners = {name: "dedupe" for name in group.commands}
    added: dict[str, str] = {}
    for impl in pm.hook.register_commands.get_hookimpls():
        plugin = impl.plugin_name
        before = dict(group.commands)
        try:
            impl.function(cli=group)
        except Exception as exc:
            _restore(group, before)
            warn(
                f"plugin {safe(repr(plugin))} failed in register_commands: "
                f"{type(exc).__name__}: {safe(exc)}; its commands are left out "
                f"(DEDUPE_DISABLE_PLUGINS={safe(plugin)} stops loading it)"
            )
            continue
        for name in sorted(set(group.commands) | set(before)):
            refusal = _refusal(name, group.commands.get(name), before.get(name), owners)
            if refusal is not None:
                warn(f"plugin {safe(repr(plugin))} {refusal}")
                _restore_one(group, name, before)
            elif name not in before:
                owners[name] = added[name] = plugin
    return added


def _refusal(
    name: str, new: click.Command | None, old: click.Command | None, owners: dict[str, str]
) -> str | None:
    """Why the change a plugin made to the command ``name`` is undone, or None to keep it."""
    if old is not None and new is old:
        return None
    if old is not None:
        owner = owners[name]
        taken = "a built-in command" if owner == "dedupe" else f"plugin {safe(repr(owner))}'s"
        verb = "remove" if new is None else "replace"
        return (
            f"may not {verb} the command {safe(repr(name))}, which is {taken}; kept it "
            f"(the plugin must name its command otherwise)"
        )
    if safe(name) != name or not name.strip():
        return f"may not add a command named {safe(repr(name))} (blank or control characters)"
    return None


def _restore(group: click.Group, before: dict[str, click.Command]) -> None:
    group.commands.clear()
    group.commands.update(before)


def _restore_one(group: click.Group, name: str, before: dict[str, click.Command]) -> None:
    if name in before:
        group.commands[name] = before[name]
    else:
        group.commands.pop(name, None)
