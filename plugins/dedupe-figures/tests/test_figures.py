"""dedupe-figures on real wire copy: the ``numbers`` scorer vetoes templated Reuters stories
whose figures or dates differ, re-runs and exact duplicates still match, and a run with it
differs from one with containment alone. The ``figures`` scorer it introduced is built in now
(tests/test_figures.py of dedupe)."""

from __future__ import annotations

import json
from pathlib import Path

import dedupe_figures
import numpy as np
import pytest
from click.testing import CliRunner
from dedupe_figures import DEFAULT_THRESHOLD
from dedupe_figures.extract import extract

from dedupe.cli import cli
from dedupe.figures import extract as builtin_extract
from dedupe.result import RunResult
from dedupe.testing import check_plugin, check_scorer, isolated_engine, pair_context


def test_the_plugin_keeps_the_contracts():
    assert check_plugin(dedupe_figures) == {"scorer": ["numbers"]}


def test_the_old_import_path_reads_figures_with_the_builtin_reader():
    text = "Shr 81 cts vs 57 cts\nNet 3,660,273 vs 2,437,914\nPay April 30"
    assert extract(text) == builtin_extract(text)


def test_numbers_is_a_veto():
    scorer = isolated_engine(dedupe_figures).registry.get("scorer", "numbers")
    assert scorer.vetoes and scorer.default_threshold == DEFAULT_THRESHOLD


def test_numbers_is_symmetric_and_in_range_on_real_wire_copy(reuters_texts):
    ids = ["522", "1125", "1708", "4387", "18045", "20211", "483", "783", "16483", "16597"]
    scorer = isolated_engine(dedupe_figures).registry.get("scorer", "numbers")
    result = check_scorer(scorer, [(i, reuters_texts[i]) for i in ids])
    assert result.score("483", "783") == 1.0
    assert result.score("522", "1125") < DEFAULT_THRESHOLD


def _numbers(texts: dict[str, str], a: str, b: str) -> float:
    engine = isolated_engine(dedupe_figures)
    ctx, _ = pair_context([(a, texts[a]), (b, texts[b])], engine)
    return float(engine.registry.get("scorer", "numbers")(np.array([[0, 1]]), ctx)[0])


#: Real Reuters-21578 pairs sharing a template, not a story (newids; what differs).
TEMPLATED = {
    "fed-repos-another-day": ("522", "1125"),  # funds rate 6-3/16 vs 6-1/4 pct
    "gold-fix-june-vs-october": ("18045", "20211"),
    "copper-price-cut-another-week": ("12215", "14476"),  # 0.25 vs 0.50 ct
    "treasury-bill-auction-another-week": ("1309", "11704"),
    "freddie-mac-rates-another-day": ("12010", "13909"),
    "dividend-another-company": ("1714", "11571"),  # pay and record dates
}
#: Real re-transmissions of one story (same figures, wording or layout edited).
RERUNS = {
    "earnings-rerun-revs-for-rev": ("483", "783"),
    "earnings-rerun-note-reworded": ("1135", "1317"),
    "earnings-rerun-avg-shares-added": ("1271", "1301"),
}


@pytest.mark.parametrize(("a", "b"), TEMPLATED.values(), ids=TEMPLATED.keys())
def test_templated_stories_are_vetoed(reuters_texts, a, b):
    assert _numbers(reuters_texts, a, b) < DEFAULT_THRESHOLD


@pytest.mark.parametrize(("a", "b"), RERUNS.values(), ids=RERUNS.keys())
def test_reruns_of_one_story_still_match(reuters_texts, a, b):
    assert _numbers(reuters_texts, a, b) >= DEFAULT_THRESHOLD


def test_every_silver_exact_duplicate_pair_scores_1(reuters_texts, silver_clusters):
    docs = sorted({d for cluster in silver_clusters for d in cluster}, key=int)
    ctx, ids = pair_context([(d, reuters_texts[d]) for d in docs])
    row = {d: k for k, d in enumerate(ids)}
    pairs = np.array([(row[c[0]], row[d]) for c in silver_clusters for d in c[1:]])
    assert len(silver_clusters) == 290 and len(pairs) == 584 - 290
    assert dedupe_figures.numbers(pairs, ctx).min() == 1.0


def test_each_document_is_read_once_per_run(reuters_texts, monkeypatch):
    calls: list[str] = []
    real = dedupe_figures.extract

    def counting(text: str):
        calls.append(text)
        return real(text)

    monkeypatch.setattr(dedupe_figures, "extract", counting)
    docs = [(i, reuters_texts[i]) for i in ("522", "1125", "3164", "7207")]
    ctx, _ = pair_context(docs)
    pairs = np.array([(i, j) for i in range(4) for j in range(4) if i != j])
    dedupe_figures.numbers(pairs, ctx)
    dedupe_figures.numbers(pairs, ctx)
    assert len(calls) == 4


# -- whole runs ---------------------------------------------------------------------------------


def _cluster_of(result: RunResult) -> dict[str, int]:
    return {m: n for n, c in enumerate(result.clusters) for m in c.members}


@pytest.fixture(scope="module")
def reuters_runs(reuters: Path) -> dict[str, RunResult]:
    """Reuters-21578 deduplicated with containment alone, and with numbers as well."""
    fields = {"id_field": "newid", "text_field": "title,body"}
    path = reuters / "reuters21578_docs.jsonl"
    return {
        name: isolated_engine(dedupe_figures, scorers=scorers, **fields).run([path])
        for name, scorers in {
            "containment": ["containment"],
            "numbers": ["containment", "numbers"],
        }.items()
    }


def test_a_run_with_numbers_splits_templated_clusters(reuters_runs):
    before, after = reuters_runs["containment"], reuters_runs["numbers"]
    assert after.counts["duplicates_removed"] < before.counts["duplicates_removed"] - 30
    cluster = _cluster_of(after)
    for a, b in TEMPLATED.values():
        assert cluster.get(a) is None or cluster.get(a) != cluster.get(b), (a, b)


def test_a_run_with_numbers_still_finds_every_exact_duplicate(reuters_runs, silver_clusters):
    cluster = _cluster_of(reuters_runs["numbers"])
    missed = [c for c in silver_clusters if len({cluster.get(d, d) for d in c}) != 1]
    assert not missed, f"{len(missed)} silver clusters split, e.g. {missed[:3]}"


def test_dedupe_plugins_lists_the_installed_plugin():
    result = CliRunner().invoke(cli, ["plugins", "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.output)}
    assert "figures" in rows, "pip install -e plugins/dedupe-figures first"
    assert rows["figures"]["distribution"] == "dedupe-figures"
    assert rows["figures"]["registers"] == {"scorer": ["numbers"]}
