"""``--window DAYS``: documents further apart in ``--date-field`` are never copies (a veto)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from dedupe import Engine, make_config
from dedupe.cli import cli
from dedupe.errors import ConfigError
from dedupe.window import date_seconds

from .conftest import data_dir, read_jsonl, write_jsonl

NOTICE = (
    "FED ADDS RESERVES VIA CUSTOMER REPURCHASES\n\nThe Federal Reserve entered the U.S. "
    "Government securities market to arrange 1.5 billion dlrs of customer repurchase "
    "agreements, a Fed spokesman said. Dealers said Federal funds were trading at 6-3/16 pct "
    "when the Fed began its temporary and indirect supply of reserves to the banking system."
)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("2024-05-01", 1714521600.0),
        ("2024-05-01T08:00:00Z", 1714550400.0),
        (1714521600, 1714521600.0),
        ("1714521600000", 1714521600.0),
        ("26-FEB-1987 15:01:01.79", 541350061.79),
        ("Tue, 10 Jun 2003 04:00:00 GMT", 1055217600.0),
        ("20/05/2005", 1116547200.0),
        ("last Tuesday", None),
        (None, None),
    ],
)
def test_dates_are_read_in_the_usual_formats(value, seconds):
    assert date_seconds(value) == seconds


def _clusters(window=None, dates=("2024-05-01", "2024-05-03", None)):
    docs = [{"id": f"d{k}", "text": NOTICE, "date": d} for k, d in enumerate(dates)]
    docs = [{k: v for k, v in d.items() if v is not None} for d in docs]
    engine = Engine(load_plugins=False, window=window)
    return [sorted(c.members) for c in engine.run_documents(docs).clusters]


def test_the_same_notice_on_another_day_is_other_news_within_a_window():
    assert _clusters() == [["d0", "d1", "d2"]]  # off by default: identical texts are copies
    # d0 and d1 are two days apart: never together; d2 has no date and may join either
    together = _clusters(window=1)
    assert not any({"d0", "d1"} <= set(members) for members in together)
    assert sum(len(members) for members in together) == 2
    assert _clusters(window=2) == [["d0", "d1", "d2"]]


def test_a_window_is_a_number_of_days():
    assert make_config(window=3).window == 3
    with pytest.raises(ConfigError, match="window"):
        make_config(window=-1)


def test_the_command_line_window_splits_a_daily_reuters_flash(tmp_path, monkeypatch):
    # newids 519 and 1120: the Fed's flash, word for word, on 2 and 3 March 1987
    monkeypatch.setenv("DEDUPE_LOAD_PLUGINS", "")
    rows = [
        json.loads(line)
        for line in (data_dir("reuters21578") / "reuters21578_docs.jsonl").open(encoding="utf-8")
        if json.loads(line)["newid"] in (519, 1120)
    ]
    source = write_jsonl(tmp_path / "flashes.jsonl", rows)
    args = ["run", str(source), "--id-field", "newid", "--text-field", "title,body", "-q"]
    result = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "off")])
    assert result.exit_code == 0, result.output
    assert len(read_jsonl(tmp_path / "off" / "clusters.jsonl")) == 1
    result = CliRunner().invoke(cli, [*args, "--window", "0.5", "-o", str(tmp_path / "on")])
    assert result.exit_code == 0, result.output
    assert read_jsonl(tmp_path / "on" / "clusters.jsonl") == []
    report = json.loads((tmp_path / "on" / "report.json").read_text("utf-8"))
    assert report["parameters"]["window"] == 0.5
    assert "--window DAYS" in CliRunner().invoke(cli, ["run", "--help"]).output
