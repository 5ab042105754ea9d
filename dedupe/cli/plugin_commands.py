"""Plugin subcommands (the ``register_commands`` hook), added one plugin at a time.

A plugin's command must not change what a command already there does: one named ``run`` (or
any taken name, ``index add`` included) is refused and the command that was there is kept; a
plugin whose hook raises loses everything it added. Each refusal is one line naming the plugin,
and every other command still works.
"""

from __future__ import annotations

from collections.abc import Callable

import click

from dedupe.display import safe
from dedupe.plugins import DedupePluginManager

Path = tuple[str, ...]  # a command's names from the top group down: ("index", "add")


def add_plugin_commands(
    pm: DedupePluginManager, group: click.Group, warn: Callable[[str], None]
) -> dict[str, str]:
    """Call each plugin's ``register_commands(cli=group)`` in turn; return ``"index add"``-style
    command name -> plugin for the commands kept. ``warn`` gets one line per refusal."""
    owners: dict[Path, str] = dict.fromkeys(_commands(group), "dedupe")
    added: dict[str, str] = {}
    for impl in pm.hook.register_commands.get_hookimpls():
        plugin = safe(repr(impl.plugin_name))
        saved = _snapshot(group)
        before = _commands(group)
        try:
            impl.function(cli=group)
        except Exception as exc:
            _restore(saved)
            warn(
                f"plugin {plugin} failed in register_commands: {type(exc).__name__}: "
                f"{safe(exc)}; its commands are left out "
                f"(DEDUPE_DISABLE_PLUGINS={safe(impl.plugin_name)} stops loading it)"
            )
            continue
        after = _commands(group)
        undone: list[Path] = []
        for path in sorted(set(before) | set(after), key=len):
            if any(path[: len(p)] == p for p in undone):
                continue  # inside a command already put back
            refusal = _refusal(path, after.get(path), before.get(path), owners)
            if refusal is None:
                if path not in before:
                    owners[path] = impl.plugin_name
                    added[" ".join(path)] = impl.plugin_name
                continue
            warn(f"plugin {plugin} {refusal}")
            _put_back(group, path, before, saved)
            undone.append(path)
    return added


def _refusal(
    path: Path,
    new: click.Command | None,
    old: click.Command | None,
    owners: dict[Path, str],
) -> str | None:
    """Why a plugin's change to the command at ``path`` is undone, or None to keep it."""
    shown = safe(repr(" ".join(path)))
    if old is not None and new is old:
        return None
    if old is not None:
        owner = owners.get(path, "dedupe")
        taken = "a built-in command" if owner == "dedupe" else f"plugin {safe(repr(owner))}'s"
        verb = "remove" if new is None else "replace"
        return (
            f"may not {verb} the command {shown}, which is {taken}; kept it "
            f"(the plugin must name its command otherwise)"
        )
    name = path[-1]
    if safe(name) != name or not name.strip():
        return f"may not add a command named {shown} (blank or control characters)"
    return None


def _commands(group: click.Group) -> dict[Path, click.Command]:
    """Every command under ``group`` by path (each group visited once)."""
    out: dict[Path, click.Command] = {}
    seen: set[int] = set()

    def walk(current: click.Group, prefix: Path) -> None:
        seen.add(id(current))
        for name, command in current.commands.items():
            out[(*prefix, name)] = command
            if isinstance(command, click.Group) and id(command) not in seen:
                walk(command, (*prefix, name))

    walk(group, ())
    return out


def _snapshot(group: click.Group) -> list[tuple[click.Group, dict[str, click.Command]]]:
    groups = [group] + [c for c in _commands(group).values() if isinstance(c, click.Group)]
    unique = {id(g): g for g in groups}.values()
    return [(g, dict(g.commands)) for g in unique]


def _restore(saved: list[tuple[click.Group, dict[str, click.Command]]]) -> None:
    for group, commands in saved:
        group.commands.clear()
        group.commands.update(commands)


def _put_back(
    group: click.Group,
    path: Path,
    before: dict[Path, click.Command],
    saved: list[tuple[click.Group, dict[str, click.Command]]],
) -> None:
    """The command at ``path`` as it was before the plugin ran (or gone, if it added it)."""
    parent = before.get(path[:-1], group) if len(path) > 1 else group
    if not isinstance(parent, click.Group):
        return
    old = before.get(path)
    if old is not None:
        parent.commands[path[-1]] = old
        if isinstance(old, click.Group):
            _restore([(g, c) for g, c in saved if g is old])
    else:
        parent.commands.pop(path[-1], None)
