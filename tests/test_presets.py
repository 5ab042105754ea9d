"""Presets fill the settings a user did not give; given ones win; the name is reported."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from dedupe import make_config, presets
from dedupe.cli import cli
from dedupe.errors import ConfigError

from .conftest import EXAMPLES


@pytest.fixture
def loose(monkeypatch):
    preset = presets.Preset("loose", "test preset", {"ngram": 3, "threshold": 0.3})
    monkeypatch.setitem(presets.PRESETS, "loose", preset)
    return preset


def test_a_preset_fills_what_is_not_given(loose):
    config = make_config(preset="loose", threshold=0.6)
    assert (config.ngram, config.threshold, config.preset) == (3, 0.6, "loose")
    assert config.to_dict()["preset"] == "loose"


def test_an_unknown_preset_is_one_line():
    with pytest.raises(ConfigError, match="unknown preset 'nope'"):
        make_config(preset="nope")


def test_the_command_line_preset_yields_to_typed_options(loose, tmp_path, monkeypatch):
    monkeypatch.setenv("DEDUPE_LOAD_PLUGINS", "")
    runner = CliRunner()
    args = ["run", str(EXAMPLES / "news"), "-q", "--preset", "loose"]
    result = runner.invoke(cli, [*args, "-o", str(tmp_path / "a"), "-n", "4"])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "a" / "report.json").read_text())["parameters"]
    assert (report["preset"], report["ngram"], report["threshold"]) == ("loose", 4, 0.3)
