"""``dedupe plugins``: the loaded plugins and the components each registers."""

from __future__ import annotations

import json
from typing import Any

import click

from dedupe.cli.commands import summary
from dedupe.display import safe
from dedupe.plugins import get_plugin_manager
from dedupe.registry import Registry


@click.command(short_help=summary("plugins"))
@click.option("--json", "as_json", is_flag=True, help="Output as JSON.")
@click.option("--all", "show_all", is_flag=True, help="Include the built-in plugins.")
def plugins(as_json: bool, show_all: bool) -> None:
    """List installed plugins and what they register.

    \b
    Plugins load from the `dedupe` entry-point group. Environment variables:
      DEDUPE_LOAD_PLUGINS=a,b   load only these plugins ('' loads none)
      DEDUPE_DISABLE_PLUGINS=a  do not load these
    """
    pm = get_plugin_manager()
    registry = Registry(pm)
    contributed = registry.by_plugin()
    rows: list[dict[str, Any]] = []
    for name, info in pm.infos.items():
        if info.builtin and not show_all:
            continue
        plugin = pm.get_plugin(name)
        hooks = sorted(caller.name for caller in (pm.get_hookcallers(plugin) or []))
        rows.append(
            {
                "name": name,
                "distribution": info.distribution,
                "version": info.version,
                "builtin": info.builtin,
                "hooks": hooks,
                "registers": contributed.get(name, {}),
            }
        )
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("No third-party plugins installed (--all lists the built-ins).")
        return
    for row in rows:
        version = f" {row['version']}" if row["version"] else ""
        source = (
            " (built-in)"
            if row["builtin"]
            else (f" from {row['distribution']}{version}" if row["distribution"] else "")
        )
        click.echo(safe(f"{row['name']}{source}"))
        for kind, names in row["registers"].items():
            click.echo(safe(f"  {kind}: {', '.join(names)}"))
        if not row["registers"] and row["hooks"]:
            click.echo(safe(f"  hooks: {', '.join(row['hooks'])}"))
