"""What a command imports: ``dedupe --help`` and plugin loading load no kernel backend (numba),
no engine and no datasketch; the public names of ``dedupe`` are there on first use."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("datasketch", "dedupe.engine", "dedupe.kernels.compiled", "numba")


def loaded_after(code: str, modules: tuple[str, ...] = HEAVY) -> set[str]:
    """Which of ``modules`` a fresh interpreter has imported after running ``code``."""
    probe = f"{code}\nimport sys\nprint(' '.join(m for m in {modules!r} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    return set(out.split())


def test_help_loads_no_kernel_engine_or_datasketch():
    code = (
        "import contextlib, io\n"
        "from dedupe.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.suppress(SystemExit):\n"
        "    main(['--help'])\n"
        "assert 'run' in out.getvalue() and 'explain' in out.getvalue()\n"
    )
    assert loaded_after(code) == set()


#: What ``dedupe --help`` needs none of: the commands' modules, the stages, numpy.
COMMANDS = (
    "numpy",
    "dedupe.cli.run",
    "dedupe.cli.eval",
    "dedupe.cli.explain",
    "dedupe.cli.index",
    "dedupe.cli.report",
    "dedupe.cli.plugins",
    "dedupe.default_plugins",
    "dedupe.normalise",
)


def test_help_and_version_import_no_command_and_no_numpy():
    for args in (["--help"], ["--version"], []):
        code = (
            "import contextlib, io\n"
            "from dedupe.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
            f"    main({args!r})\n"
        )
        assert loaded_after(code, COMMANDS) == set(), args


def test_the_help_lists_a_command_not_imported_as_it_does_once_imported():
    code = (
        "import contextlib, io\n"
        "from dedupe.cli import cli, main\n"
        "from dedupe.cli.commands import BUILTIN\n"
        "def shown():\n"
        "    with contextlib.redirect_stdout(io.StringIO()) as out, "
        "contextlib.suppress(SystemExit):\n"
        "        main(['--help'])\n"
        "    return out.getvalue()\n"
        "lazy = shown()\n"
        "assert not cli.builtin, cli.builtin\n"
        "cli.load_builtin()\n"
        "assert sorted(cli.builtin) == sorted(BUILTIN)\n"
        "assert all(c.name == n for n, c in cli.builtin.items())\n"
        "assert shown() == lazy, (shown(), lazy)\n"
        "assert all(f'  {n} ' in lazy for n in BUILTIN), lazy\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout == "ok\n", out.stderr


def test_plugins_load_without_the_kernel_backend():
    code = "from dedupe.plugins import get_plugin_manager\nget_plugin_manager()\n"
    assert loaded_after(code) == set()


def test_public_names_are_imported_on_first_use():
    import dedupe

    assert dedupe.Engine.__module__ == "dedupe.engine"
    assert dedupe.__version__
    assert set(dedupe.__all__) <= set(dir(dedupe)) | set(dedupe._WHERE)
    try:
        dedupe.not_a_name  # noqa: B018
    except AttributeError as exc:
        assert "not_a_name" in str(exc)
    else:
        raise AssertionError("an unknown name must raise AttributeError")


def test_a_run_imports_the_compiled_kernels_when_it_signs():
    code = (
        "from dedupe import Engine\n"
        "text = 'one two three four five six seven eight nine ten'\n"
        "r = Engine().run_documents([('a', text), ('b', text)])\n"
        "assert len(r.clusters) == 1, r.clusters\n"
        "from dedupe import kernels\n"
        "assert kernels.BACKEND == 'compiled'\n"
    )
    assert "dedupe.kernels.compiled" in loaded_after(code)


def test_a_small_input_runs_the_reference_twins_with_the_same_outputs(tmp_path):
    """The bundled example (32 KB) is signed by the reference kernels, without numba's (none
    loaded, none compiled on a first run), and gives the compiled kernels' outputs byte for
    byte."""
    import json
    import os
    from pathlib import Path

    example = Path(__file__).resolve().parent.parent / "examples" / "news.jsonl"
    outputs = {}
    for kernels in ("auto", "compiled"):
        out = tmp_path / kernels
        env = dict(os.environ, DEDUPE_KERNELS=kernels, DEDUPE_LOAD_PLUGINS="")
        probe = (
            "import sys\nfrom dedupe.cli import main\n"
            f"try:\n    main(['run', {str(example)!r}, '-o', {str(out)!r}, '-q'])\n"
            "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
            "print('dedupe.kernels.compiled' in sys.modules)"
        )
        done = subprocess.run(
            [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
        report = json.loads((out / "report.json").read_text())
        assert report["kernels"] == ("reference" if kernels == "auto" else "compiled")
        assert done.stdout.split()[-1] == ("False" if kernels == "auto" else "True")
        outputs[kernels] = {
            name: (out / name).read_bytes()
            for name in ("clusters.jsonl", "pairs.jsonl", "dropped.jsonl", "kept.jsonl")
        }
    assert outputs["auto"] == outputs["compiled"]
    assert outputs["auto"]["clusters.jsonl"]
