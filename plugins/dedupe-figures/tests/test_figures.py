"""dedupe-figures on real wire copy: templated Reuters stories with other figures or another
company are vetoed, re-runs and exact duplicates still match, syndication-dev does not change."""

from __future__ import annotations

import json
from pathlib import Path

import dedupe_figures
import numpy as np
import pytest
from click.testing import CliRunner
from dedupe_figures import DEFAULT_THRESHOLD, extract
from dedupe_figures.extract import _Tokens

from dedupe.cli import cli
from dedupe.evaluate import evaluate, load_truth
from dedupe.result import RunResult
from dedupe.testing import check_plugin, check_scorer, isolated_engine, pair_context


def test_the_plugin_keeps_the_contracts():
    assert check_plugin(dedupe_figures) == {"scorer": ["figures", "numbers"]}


def test_figures_is_symmetric_and_in_range_on_real_wire_copy(reuters_texts):
    ids = ["522", "1125", "1708", "4387", "18045", "20211", "483", "783", "16483", "16597"]
    scorer = isolated_engine(dedupe_figures).registry.get("scorer", "figures")
    result = check_scorer(scorer, [(i, reuters_texts[i]) for i in ids])
    assert result.score("483", "783") == 1.0
    assert result.score("522", "1125") < DEFAULT_THRESHOLD


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        ("Shr 81 cts vs 57 cts", ["81", "57"]),
        ("Net 3,660,273 vs 2,437,914", ["3660273", "2437914"]),
        ("Rev 28.5 mln vs 23.1 mln", ["28500000", "23100000"]),
        ("a 14,5 % hausse", ["14.5"]),
        ("Qtly div 12-1/2 cts", ["12.5"]),
        ("up 1/4 point", ["0.25"]),
        ("$14m and £7.74m", ["14000000", "7740000"]),
        ("3.4 bln dlrs or 1.2 billion", ["3400000000", "1200000000"]),
        ("two billion dlrs at six pct", ["2000000000", "6"]),
        ("the 3RD QTR and the 1er trimestre", ["ordinal 3", "ordinal 1"]),
        ("Posted on 20/05/2005", ["20/05/2005"]),
        ("one of the two men", []),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_figures_are_read_by_value(text, figures):
    tokens = _Tokens(text)
    found = [v for k, v in zip(tokens.kinds, tokens.values, strict=True) if k == "f"]
    assert found == figures


def test_names_and_companies_are_read():
    tokens = _Tokens(
        "UNICORP AMERICAN CORP <UAC.O> SETS QUARTERLY\n\n"
        "The Bank of England said. Eduardo Lizano, President of Costa\nRica's central bank"
    )
    assert tokens.companies == frozenset({("unicorp american corp", "uac")})
    slots = extract(
        "The Bank of England said. Eduardo Lizano, President of Costa\nRica's central bank"
    )
    names = {v for key, vals in slots.values.items() if key[1] == "n" for v in vals}
    assert names == {"bank of england", "eduardo lizano", "president of costa rica"}


def _scores(texts: dict[str, str], a: str, b: str) -> tuple[float, float]:
    engine = isolated_engine(dedupe_figures)
    ctx, _ = pair_context([(a, texts[a]), (b, texts[b])], engine)
    pair = np.array([[0, 1]])
    registry = engine.registry
    return (
        float(registry.get("scorer", "containment")(pair, ctx)[0]),
        float(registry.get("scorer", "figures")(pair, ctx)[0]),
    )


#: Real Reuters-21578 pairs sharing a template, not a story (newids; what differs).
TEMPLATED = {
    "fed-repos-another-day": ("522", "1125"),  # funds rate 6-3/16 vs 6-1/4 pct
    "gold-fix-june-vs-october": ("18045", "20211"),
    "copper-price-cut-another-week": ("12215", "14476"),  # 0.25 vs 0.50 ct
    "treasury-bill-auction-another-week": ("1309", "11704"),
    "freddie-mac-rates-another-day": ("12010", "13909"),
    "dividend-another-company": ("1714", "11571"),  # Unicorp American vs BIC
    "dividend-another-company-same-amount": ("4380", "7913"),  # General Host vs MCM
    "sdi-contract-another-contractor": ("6854", "6857"),  # Lockheed vs Grumman
}
#: Real re-transmissions of one story (same figures, wording or layout edited).
RERUNS = {
    "earnings-rerun-revs-for-rev": ("483", "783"),
    "earnings-rerun-note-reworded": ("1135", "1317"),
    "earnings-rerun-avg-shares-added": ("1271", "1301"),
    "corrected-earnings": ("3676", "4239"),
}


@pytest.mark.parametrize(("a", "b"), TEMPLATED.values(), ids=TEMPLATED.keys())
def test_templated_stories_are_vetoed(reuters_texts, a, b):
    containment, figures = _scores(reuters_texts, a, b)
    assert containment >= 0.5  # the text is mostly the template
    assert figures < DEFAULT_THRESHOLD


@pytest.mark.parametrize(("a", "b"), RERUNS.values(), ids=RERUNS.keys())
def test_reruns_of_one_story_still_match(reuters_texts, a, b):
    _, figures = _scores(reuters_texts, a, b)
    assert figures >= DEFAULT_THRESHOLD


def test_every_silver_exact_duplicate_pair_scores_1(reuters_texts, silver_clusters):
    docs = sorted({d for cluster in silver_clusters for d in cluster}, key=int)
    ctx, ids = pair_context([(d, reuters_texts[d]) for d in docs])
    row = {d: k for k, d in enumerate(ids)}
    pairs = np.array([(row[c[0]], row[d]) for c in silver_clusters for d in c[1:]])
    assert len(silver_clusters) == 290 and len(pairs) == 584 - 290
    assert dedupe_figures.figures(pairs, ctx).min() == 1.0


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
    dedupe_figures.figures(pairs, ctx)
    dedupe_figures.numbers(pairs, ctx)
    assert len(calls) == 4


# -- whole runs ---------------------------------------------------------------------------------


def _run(path: Path, *scorers: str, **settings) -> RunResult:
    engine = isolated_engine(dedupe_figures, scorers=list(scorers), **settings)
    return engine.run([path])


@pytest.fixture(scope="module")
def reuters_runs(reuters: Path) -> dict[str, RunResult]:
    """Reuters-21578 deduplicated with containment alone, and with figures as well."""
    fields = {"id_field": "newid", "text_field": "title,body"}
    path = reuters / "reuters21578_docs.jsonl"
    return {
        "containment": _run(path, "containment", **fields),
        "figures": _run(path, "containment", "figures", **fields),
    }


def _cluster_of(result: RunResult) -> dict[str, int]:
    return {m: n for n, c in enumerate(result.clusters) for m in c.members}


@pytest.mark.parametrize(("a", "b"), TEMPLATED.values(), ids=TEMPLATED.keys())
def test_run_keeps_templated_stories_apart_only_with_figures(reuters_runs, a, b):
    before = _cluster_of(reuters_runs["containment"])
    after = _cluster_of(reuters_runs["figures"])
    if before.get(a) is None or before.get(a) != before.get(b):
        pytest.skip(f"containment alone does not cluster {a} and {b} either")
    assert after.get(a) is None or after.get(a) != after.get(b)


def test_run_with_figures_splits_templated_clusters(reuters_runs):
    before, after = reuters_runs["containment"], reuters_runs["figures"]
    # Measured: 779 clusters / 826 copies removed -> 758 / 787 (the Fed's repo notices, bill
    # auctions, gold fixes, price notices, dividends of other companies...).
    assert after.counts["duplicates_removed"] < before.counts["duplicates_removed"] - 30
    templated = sum(
        1 for a, b in TEMPLATED.values() if _cluster_of(before).get(a) == _cluster_of(before).get(b)
    )
    assert templated >= 5


def test_run_with_figures_still_finds_every_exact_duplicate(reuters_runs, silver_clusters):
    for name, result in reuters_runs.items():
        cluster = _cluster_of(result)
        missed = [c for c in silver_clusters if len({cluster.get(d, d) for d in c}) != 1]
        assert not missed, f"{name}: {len(missed)} silver clusters split, e.g. {missed[:3]}"


def test_syndication_quality_does_not_drop(syndication: Path):
    truth = load_truth(syndication / "truth.jsonl")
    scores = {}
    for name, scorers in {
        "containment": ["containment"],
        "figures": ["containment", "figures"],
    }.items():
        result = _run(syndication / "corpus.jsonl", *scorers)
        clusters = [
            {"members": c.members, "representative": c.representative} for c in result.clusters
        ]
        scores[name] = evaluate(truth, clusters)["overall"]
    assert scores["figures"]["precision"] >= scores["containment"]["precision"]
    assert scores["figures"]["ari"] >= scores["containment"]["ari"] - 1e-9


def test_dedupe_plugins_lists_the_installed_plugin():
    result = CliRunner().invoke(cli, ["plugins", "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.output)}
    assert "figures" in rows, "pip install -e plugins/dedupe-figures first"
    assert rows["figures"]["distribution"] == "dedupe-figures"
    assert rows["figures"]["registers"] == {"scorer": ["figures", "numbers"]}
