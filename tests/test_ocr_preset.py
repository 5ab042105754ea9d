"""``--preset ocr`` end to end: real reprints read by OCR (ocr-dev), English printings made
noisy with the OCR model, formulaic notices kept apart, the default settings for contrast."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from dedupe import Engine
from dedupe.cli import cli
from dedupe.evaluate import load_clusters, load_truth, pairwise_scores, predicted_labels

from .conftest import EXAMPLES, data_dir, write_jsonl
from .ocr_formulas import ENGLISH, notice
from .ocr_noise import Noise, ocr_copy

STORIES = ["flood-original", "council-budget-original", "earnings-original", "transfer-original"]


def test_real_ocr_reprints_are_found(tmp_path, monkeypatch):
    """ocr-dev: 450 pairs printed by two Swiss papers in 1900, each read by OCR, among 400
    unrelated passages of the same papers."""
    folder = data_dir("ocr-dev")
    monkeypatch.setenv("DEDUPE_LOAD_PLUGINS", "")
    out = tmp_path / "out"
    args = ["run", str(folder / "corpus.jsonl"), "--preset", "ocr", "-q", "-o", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    truth = load_truth(folder / "truth.jsonl")
    scores = pairwise_scores(
        truth.labels, predicted_labels(load_clusters(out / "clusters.jsonl"), truth.labels)
    )
    assert scores["precision"] >= 0.99 and scores["ari"] >= 0.98, scores
    report = json.loads((out / "report.json").read_text())["parameters"]
    assert (report["preset"], report["unit"]) == ("ocr", "char")
    assert report["scorers"] == ["containment=0.2", "aligned=0.4"]


@pytest.fixture(scope="module")
def noisy_corpus():
    """English stories printed three times each (one printing cut short), each printing read
    with 3-8% character errors; five notices on each of six formulas, one of each printed
    twice; truth as cluster labels."""
    rows, labels = [], {}

    def add(text: str, label: str) -> None:
        doc_id = f"d{len(rows):03d}"
        rows.append({"id": doc_id, "text": text})
        labels[doc_id] = label

    for k, name in enumerate(STORIES):
        text = (EXAMPLES / "news" / f"{name}.txt").read_text("utf-8")
        for copy, rate in enumerate((0.03, 0.05, 0.08)):
            printed = text if copy < 2 else text[: len(text) * 2 // 3]
            add(ocr_copy(printed, 100 * k + copy, Noise(rate=rate)), name)
    for f in range(len(ENGLISH)):
        for seed in range(5):
            text = notice("en", f, 1000 * f + seed)
            add(ocr_copy(text, 7 * seed + f, Noise(rate=0.04)), f"notice-{f}-{seed}")
            if seed == 0:
                add(ocr_copy(text, 999 + f, Noise(rate=0.04)), f"notice-{f}-{seed}")
    return rows, labels


def _clusters(rows: list[dict], **settings) -> list[list[str]]:
    result = Engine(load_plugins=False, **settings).run_documents(rows)
    return [list(c.members) for c in result.clusters]


def test_noisy_english_printings_are_grouped_and_notices_kept_apart(noisy_corpus):
    rows, labels = noisy_corpus
    clusters = _clusters(rows, preset="ocr")
    where = {m: k for k, members in enumerate(clusters) for m in members}
    for name in STORIES:
        printings = [d for d, label in labels.items() if label == name]
        assert len({where.get(d, d) for d in printings}) == 1, name
    # Each notice printed twice is one cluster; two different notices are never in one
    # cluster more than once per formula, and no cluster grows beyond a pair of them.
    for f in range(len(ENGLISH)):
        twice = [d for d, label in labels.items() if label == f"notice-{f}-0"]
        assert where.get(twice[0]) is not None and where.get(twice[0]) == where.get(twice[1])
    mixed = [m for m in clusters if len({labels[d] for d in m}) > 1]
    assert len(mixed) <= 2, [[labels[d] for d in m] for m in mixed]
    assert all(len({labels[d] for d in m}) <= 2 for m in mixed)


def test_the_default_settings_miss_them(noisy_corpus):
    """Word 5-grams do not survive OCR: with the defaults the printings stay apart."""
    rows, labels = noisy_corpus
    clusters = _clusters(rows)
    pairs = pairwise_scores(labels, predicted_labels([{"members": m} for m in clusters], labels))
    preset = _clusters(rows, preset="ocr")
    found = pairwise_scores(labels, predicted_labels([{"members": m} for m in preset], labels))
    assert pairs["recall"] < 0.5 < found["recall"]


def test_given_options_override_the_preset(tmp_path):
    rows = [{"id": "a", "text": "x"}, {"id": "b", "text": "y"}]
    path = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["run", str(path), "--preset", "ocr", "--scorer", "containment=0.6", "-q", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text())["parameters"]
    assert (report["unit"], report["scorers"]) == ("char", ["containment=0.6"])
