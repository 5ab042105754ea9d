"""Plugins: built-ins register through the hooks, third-party plugins load from entry points,
duplicates and broken plugins fail with one clear message, env vars control loading."""

from __future__ import annotations

import inspect
import json
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from dedupe import Engine, PluginError, hookspecs
from dedupe.cli import cli
from dedupe.default_plugins import parquet
from dedupe.errors import DuplicateNameError
from dedupe.plugins import DEFAULT_PLUGINS, get_plugin_manager
from dedupe.registry import KINDS, Registry

from .conftest import EXAMPLES


def make_dist(tmp_path: Path, name: str, module_source: str, entry: str | None = None) -> Path:
    """A minimal installed distribution on sys.path with a ``dedupe`` entry point."""
    module = name.replace("-", "_")
    (tmp_path / f"{module}.py").write_text(textwrap.dedent(module_source), "utf-8")
    info = tmp_path / f"{module}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n", "utf-8")
    (info / "entry_points.txt").write_text(f"[dedupe]\n{entry or name} = {module}\n", "utf-8")
    return tmp_path


SHOUT = """
    from dedupe import hookimpl, Normaliser, Scorer
    import numpy as np

    @hookimpl
    def register_normalisers(register):
        register(Normaliser("shout", str.upper, description="upper case"))

    @hookimpl
    def register_scorers(register):
        register(Scorer("always", lambda pairs, ctx: np.ones(len(pairs)), 0.5))
"""


@pytest.fixture
def shout_plugin(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(make_dist(tmp_path, "dedupe-shout", SHOUT)))
    monkeypatch.delenv("DEDUPE_LOAD_PLUGINS", raising=False)
    monkeypatch.delenv("DEDUPE_DISABLE_PLUGINS", raising=False)
    return "dedupe-shout"


def test_builtins_are_plugins_registered_through_hooks():
    pm = get_plugin_manager(load_entrypoints=False)
    assert sorted(pm.infos) == sorted(DEFAULT_PLUGINS)
    registry = Registry(pm)
    owners = {e.plugin for kind in KINDS for e in registry.entries(kind).values()}
    # The Parquet reader registers itself only where pyarrow is installed (the parquet extra).
    optional = set() if parquet.available() else {"dedupe.default_plugins.parquet"}
    assert owners == set(DEFAULT_PLUGINS) - optional


def test_entry_point_plugin_is_loaded_and_used(shout_plugin, seed_texts):
    engine = Engine(normalise="shout", scorers=["always"])
    assert engine.registry.entries("normaliser")["shout"].plugin == shout_plugin
    assert engine.chain.one("abc") == "ABC"
    result = engine.run_documents([("a", "one two three"), ("b", "one two three")])
    assert len(result.clusters) == 1


def test_load_and_disable_env_vars(shout_plugin, monkeypatch):
    monkeypatch.setenv("DEDUPE_LOAD_PLUGINS", "")
    assert "dedupe-shout" not in get_plugin_manager().infos
    monkeypatch.setenv("DEDUPE_LOAD_PLUGINS", "dedupe-shout")
    assert "dedupe-shout" in get_plugin_manager().infos
    monkeypatch.delenv("DEDUPE_LOAD_PLUGINS")
    monkeypatch.setenv("DEDUPE_DISABLE_PLUGINS", "dedupe-shout")
    assert "dedupe-shout" not in get_plugin_manager().infos


def test_plugins_command_lists_plugin(shout_plugin):
    result = CliRunner().invoke(cli, ["plugins"])
    assert result.exit_code == 0, result.output
    assert "dedupe-shout from dedupe-shout 1.0" in result.output
    assert "normaliser: shout" in result.output and "scorer: always" in result.output
    result = CliRunner().invoke(cli, ["plugins", "--json", "--all"])
    assert '"dedupe.default_plugins.scorers"' in result.output


def test_duplicate_name_names_both_plugins(tmp_path, monkeypatch):
    source = """
        from dedupe import hookimpl, Normaliser
        @hookimpl
        def register_normalisers(register):
            register(Normaliser("casefold", str.lower))
    """
    monkeypatch.syspath_prepend(str(make_dist(tmp_path, "dedupe-dup", source)))
    monkeypatch.delenv("DEDUPE_LOAD_PLUGINS", raising=False)
    with pytest.raises(DuplicateNameError) as info:
        Engine()
    message = str(info.value)
    assert "normaliser 'casefold'" in message
    assert "'dedupe.default_plugins.normalisers'" in message and "'dedupe-dup'" in message
    assert "\n" not in message


def test_broken_plugin_is_named_and_env_var_escapes(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(
        str(make_dist(tmp_path, "dedupe-broken", "raise RuntimeError('boom')\n"))
    )
    monkeypatch.delenv("DEDUPE_LOAD_PLUGINS", raising=False)
    expected = r"plugin 'dedupe-broken' .* failed to load: RuntimeError: boom; run with DEDUPE_LOAD"
    with pytest.raises(PluginError, match=expected):
        get_plugin_manager()
    monkeypatch.setenv("DEDUPE_LOAD_PLUGINS", "")
    assert "dedupe-broken" not in get_plugin_manager().infos


def test_misspelt_hook_fails_check_pending(tmp_path, monkeypatch):
    source = """
        from dedupe import hookimpl
        @hookimpl
        def register_normaliser(register):
            pass
    """
    monkeypatch.syspath_prepend(str(make_dist(tmp_path, "dedupe-typo", source)))
    monkeypatch.delenv("DEDUPE_LOAD_PLUGINS", raising=False)
    with pytest.raises(PluginError, match="register_normaliser"):
        get_plugin_manager()


def test_wrong_component_type_is_refused():
    pm = get_plugin_manager(load_entrypoints=False)

    class Bad:
        @staticmethod
        @hookspecs.hookimpl
        def register_scorers(register):
            register(lambda pairs, ctx: np.ones(len(pairs)))

    pm.register(Bad, name="bad")
    with pytest.raises(
        PluginError, match=r"plugin 'bad' registered a scorer that is not a dedupe\.score\.Scorer"
    ):
        Registry(pm)


def test_register_commands_hook_adds_a_cli_command(tmp_path, monkeypatch):
    source = """
        import click
        from dedupe import hookimpl
        @hookimpl
        def register_commands(cli):
            @cli.command(name="hello-plugin")
            def hello():
                click.echo("hello from a plugin")
    """
    monkeypatch.syspath_prepend(str(make_dist(tmp_path, "dedupe-hello", source)))
    monkeypatch.delenv("DEDUPE_LOAD_PLUGINS", raising=False)
    from dedupe.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["hello-plugin"])
    assert exit_info.value.code == 0
    cli.commands.pop("hello-plugin", None)


@pytest.mark.parametrize("hook", hookspecs.hook_names())
def test_every_hook_is_documented(hook):
    spec = getattr(hookspecs, hook)
    doc = inspect.getdoc(spec) or ""
    assert "Called" in doc and "Return" in doc
    params = list(inspect.signature(spec).parameters)
    assert params, hook
    for name in params:
        assert f"``{name}" in doc or name in doc


HELLO = """
    import click
    from dedupe import hookimpl
    @hookimpl
    def register_commands(cli):
        @cli.command(name="hello-plugin")
        def hello():
            click.echo("hello from a plugin")
"""


def run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``dedupe ARGS`` as the installed script runs it (plugins' commands added by main())."""
    from dedupe.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main([str(a) for a in args])
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 1), out, err


def install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **sources: str) -> None:
    """Install each source as a plugin distribution named by its key (``_`` -> ``-``)."""
    for name, source in sources.items():
        folder = tmp_path / name
        folder.mkdir()
        monkeypatch.syspath_prepend(str(make_dist(folder, name.replace("_", "-"), source)))
        monkeypatch.delitem(sys.modules, name, raising=False)  # another test's of that name
    monkeypatch.delenv("DEDUPE_LOAD_PLUGINS", raising=False)
    monkeypatch.delenv("DEDUPE_DISABLE_PLUGINS", raising=False)


def test_a_failing_register_commands_is_one_line_and_the_rest_works(tmp_path, monkeypatch, capsys):
    raises = """
        import click
        from dedupe import hookimpl
        @hookimpl
        def register_commands(cli):
            @cli.command(name="half-added")
            def half():
                click.echo("should not be reachable")
            raise RuntimeError("boom")
    """
    install(tmp_path, monkeypatch, dedupe_raises=raises, dedupe_hello=HELLO)
    code, out, err = run_main(["hello-plugin"], capsys)
    assert (code, out) == (0, "hello from a plugin\n")
    assert err.splitlines() == [
        "dedupe: plugin 'dedupe-raises' failed in register_commands: RuntimeError: boom; its "
        "commands are left out (DEDUPE_DISABLE_PLUGINS=dedupe-raises stops loading it)"
    ]
    code, out, err = run_main(["half-added"], capsys)
    assert code == 2 and "No such command 'half-added'" in err and "Traceback" not in err
    out_dir = tmp_path / "out"
    code, out, err = run_main(["run", EXAMPLES / "news", "-o", out_dir, "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["counts"]["clusters"] == 4
    assert len(err.splitlines()) == 1  # only the plugin's line


@pytest.mark.parametrize("taken", [("run",), ("eval",), ("index", "add")], ids=" ".join)
def test_a_plugin_command_may_not_replace_a_builtin(tmp_path, monkeypatch, capsys, taken):
    group = "cli" if len(taken) == 1 else f"cli.commands[{taken[0]!r}]"
    hijack = f"""
        import click
        from dedupe import hookimpl
        @hookimpl
        def register_commands(cli):
            @{group}.command(name={taken[-1]!r})
            def hijacked():
                click.echo("hijacked")
            @cli.command(name="own-command")
            def own():
                click.echo("own command works")
    """
    install(tmp_path, monkeypatch, dedupe_hijack=hijack)
    code, out, err = run_main(["own-command"], capsys)
    assert (code, out) == (0, "own command works\n")
    assert err.splitlines() == [
        f"dedupe: plugin 'dedupe-hijack' may not replace the command {' '.join(taken)!r}, "
        "which is a built-in command; kept it (the plugin must name its command otherwise)"
    ]
    if taken == ("run",):
        out_dir = tmp_path / "out"
        code, out, err = run_main(["run", EXAMPLES / "news", "-o", out_dir], capsys)
        assert code == 0 and "hijacked" not in out and "4 clusters" in out
        assert (out_dir / "clusters.jsonl").exists()
    else:
        code, out, _ = run_main([*taken, "--help"], capsys)
        assert code == 0 and "hijacked" not in out and "Usage: dedupe" in out


def test_a_second_plugin_may_not_replace_the_first_ones_command(tmp_path, monkeypatch, capsys):
    again = HELLO.replace("hello from a plugin", "the other hello")
    install(tmp_path, monkeypatch, dedupe_hello=HELLO, dedupe_hello2=again)
    code, out, err = run_main(["hello-plugin"], capsys)
    assert (code, out) == (0, "hello from a plugin\n")
    assert err.splitlines() == [
        "dedupe: plugin 'dedupe-hello2' may not replace the command 'hello-plugin', which is "
        "plugin 'dedupe-hello''s; kept it (the plugin must name its command otherwise)"
    ]


SPLITTABLE = """
    from dedupe import Reader, hookimpl
    from dedupe.default_plugins.readers import read_jsonl

    @hookimpl
    def register_readers(register):
        register(Reader("mylines", read_jsonl, (".mylines",), "my lines", splittable=True))
"""


def test_a_plugin_reader_that_is_splittable_is_cut_and_copied_like_jsonl(
    syndication, tmp_path, monkeypatch
):
    """No reader is privileged by name: a plugin's reader that says it is splittable is cut
    into chunks at line starts, sampled by raw line and its kept records copied raw, giving
    the outputs of the same file read as JSON Lines."""
    monkeypatch.syspath_prepend(str(make_dist(tmp_path, "dedupe-mylines", SPLITTABLE)))
    monkeypatch.delenv("DEDUPE_LOAD_PLUGINS", raising=False)
    source = syndication / "corpus.jsonl"
    mine = tmp_path / "corpus.mylines"
    mine.write_bytes(source.read_bytes())
    settings = {"chunk_mb": 0.5, "parallel_min_mb": 0, "workers": 1}
    plugin = Engine(**settings)
    corpus = plugin.open_files([mine])
    assert len(corpus.chunks(int(0.5 * 2**20))) > 2  # cut at line starts
    corpus.close()
    a = plugin.run([mine], tmp_path / "a")
    b = Engine(load_plugins=False, **settings).run([source], tmp_path / "b")
    assert a.counts["chunks"] == b.counts["chunks"] > 2
    for name in ("clusters.jsonl", "pairs.jsonl", "kept.jsonl"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
