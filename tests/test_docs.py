"""The plugin guide (docs/plugins.md) cannot drift: every hook is documented with its exact
signature and has a test, the code it shows is the code in the plugins, and what it says a
broken plugin prints is what dedupe prints."""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dedupe import hookspecs

from .test_hooks import HOOK_TESTS
from .test_plugins import make_dist

REPO = Path(__file__).resolve().parent.parent
GUIDE = REPO / "docs" / "plugins.md"
INCLUDE = re.compile(r"<!-- include (\S+) (\S+) -->\n```[a-z]*\n(.*?)```", re.DOTALL)


def guide() -> str:
    return GUIDE.read_text("utf-8")


def signature_line(hook: str) -> str:
    """The hook's ``def`` line as written in dedupe/hookspecs.py (annotations verbatim)."""
    source = inspect.getsource(getattr(hookspecs, hook))
    header = []
    for line in source.splitlines():
        if line.startswith("@"):
            continue
        header.append(line.strip())
        if line.rstrip().endswith(":"):
            break
    return re.sub(r"\(\s+", "(", re.sub(r",?\s*\)", ")", " ".join(header)))


def section(hook: str) -> str:
    """The guide's section for ``hook`` (from its heading to the next heading)."""
    match = re.search(rf"^### `{hook}`\n(.*?)(?=^#{{2,3}} |\Z)", guide(), re.MULTILINE | re.DOTALL)
    assert match, f"docs/plugins.md has no '### `{hook}`' section"
    return match.group(1)


@pytest.mark.parametrize("hook", hookspecs.hook_names())
def test_every_hook_is_documented_with_its_exact_signature(hook):
    body = section(hook)
    assert f"```python\n{signature_line(hook)}\n```" in body, (
        f"the signature of {hook} in docs/plugins.md differs from dedupe/hookspecs.py: "
        f"{signature_line(hook)}"
    )
    first = (inspect.getdoc(getattr(hookspecs, hook)) or "").split("\n")[0].rstrip(".")
    assert first.replace("``", "`") in body, f"{hook}: say what it does ({first!r})"


def test_the_guide_documents_no_hook_that_does_not_exist():
    documented = re.findall(r"^### `(register_\w+)`", guide(), re.MULTILINE)
    assert sorted(documented) == sorted(hookspecs.hook_names())


@pytest.mark.parametrize("hook", hookspecs.hook_names())
def test_every_hook_has_a_test(hook):
    test = HOOK_TESTS.get(hook)
    assert test is not None, f"tests/test_hooks.py has no test for {hook}"
    assert test.__name__ == f"test_hook_{hook}"


def includes() -> list[tuple[str, str, str]]:
    found = INCLUDE.findall(guide())
    assert found, "docs/plugins.md includes no code"
    return found


def region(path: str, name: str) -> str:
    """The lines between ``# -- start NAME --`` and ``# -- end NAME --`` in ``path``."""
    text = (REPO / path).read_text("utf-8")
    match = re.search(rf"^# -- start {name} --\n(.*?)^# -- end {name} --$", text, re.M | re.S)
    assert match, f"{path} has no '# -- start {name} --' ... '# -- end {name} --' markers"
    return match.group(1).strip("\n") + "\n"


@pytest.mark.parametrize(
    ("path", "name", "block"), includes(), ids=[f"{p}:{n}" for p, n, _ in includes()]
)
def test_code_in_the_guide_is_the_code_in_the_plugins(path, name, block):
    assert block == region(path, name), (
        f"docs/plugins.md shows other code than {path} ({name}); paste this:\n{region(path, name)}"
    )


# -- what the guide says about a broken plugin --------------------------------------------------


def _dedupe(args: list[str], site: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m dedupe ARGS`` with ``site`` on the path, the user's DEDUPE_* unset."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("DEDUPE_")}
    base["PYTHONPATH"] = os.pathsep.join([str(site), str(REPO)])
    return subprocess.run(
        [sys.executable, "-m", "dedupe", *args],
        capture_output=True,
        text=True,
        env={**base, **env},
        timeout=120,
    )


def test_a_broken_plugin_stops_dedupe_run_with_the_line_the_guide_shows(tmp_path):
    """A distribution ``dedupe-broken`` whose plugin ``broken`` raises at import."""
    (tmp_path / "site").mkdir()
    site = make_dist(tmp_path / "site", "dedupe-broken", "raise RuntimeError('boom')\n", "broken")
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text('{"id": "a", "text": "one two three four five six"}\n', "utf-8")
    done = _dedupe(["run", str(corpus), "-o", str(tmp_path / "out")], site)
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0] in guide(), f"docs/plugins.md should show the line dedupe prints: {lines[0]}"
    assert "'broken' (from dedupe-broken)" in lines[0] and "DEDUPE_LOAD_PLUGINS=" in lines[0]
    assert not (tmp_path / "out").exists()

    for escape in ({"DEDUPE_LOAD_PLUGINS": ""}, {"DEDUPE_DISABLE_PLUGINS": "broken"}):
        done = _dedupe(["run", str(corpus), "-o", str(tmp_path / "out")], site, **escape)
        assert done.returncode == 0, (escape, done.stderr)
        assert (tmp_path / "out" / "clusters.jsonl").exists()


def test_a_plugin_registering_a_taken_name_is_named_with_the_other(tmp_path):
    source = """
        from dedupe import hookimpl, Normaliser
        @hookimpl
        def register_normalisers(register):
            register(Normaliser("casefold", str.lower))
    """
    site = make_dist(tmp_path, "dedupe-dup", source, "dup")
    done = _dedupe(["plugins"], site)
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert "normaliser 'casefold'" in line and "'dup'" in line
    assert "'dedupe.default_plugins.normalisers'" in line
    assert _dedupe(["plugins"], site, DEDUPE_LOAD_PLUGINS="").returncode == 0
