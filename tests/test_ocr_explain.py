"""``dedupe explain --preset ocr``: two reprints read by OCR are shown as the passages they share
over the misread letters, on real pairs (ocr-dev) and on noisy English printings."""

from __future__ import annotations

import json
from collections import defaultdict

import numpy as np
from click.testing import CliRunner

from dedupe import aligned
from dedupe.cli import cli
from dedupe.presets import PRESETS

from .conftest import EXAMPLES, data_dir, read_jsonl, write_jsonl
from .ocr_noise import Noise, ocr_copy


def coverage(explained: dict) -> float:
    """Share of the shorter text's units (characters with the char unit) inside the passages
    explain marks shared (edits within a passage included)."""
    sides = [explained["a"]["words"], explained["b"]["words"]]
    totals = [w["shared"] + w["edited"] + w["added"] for w in sides]
    short = sides[int(np.argmin(totals))]
    return (short["shared"] + short["edited"]) / max(1, min(totals))


def explain_pairs(corpus, pairs: list[tuple[str, str]], tmp_path, *options: str) -> list[dict]:
    path = write_jsonl(tmp_path / "pairs.jsonl", [{"a": a, "b": b} for a, b in pairs])
    args = ["explain", "-i", str(corpus), "--pairs", str(path), "--json", *options]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_real_reprints_are_shown_as_shared_passages_despite_the_errors(tmp_path, monkeypatch):
    """ocr-dev: the first 40 reprint pairs of the file (each printing with its own OCR errors,
    line ends and cuts). With the preset nearly all of the shorter text lies in shared
    passages; the word passages of the defaults break at the errors."""
    monkeypatch.setenv("DEDUPE_LOAD_PLUGINS", "")
    folder = data_dir("ocr-dev")
    members = defaultdict(list)
    for row in read_jsonl(folder / "truth.jsonl"):
        if row["role"] == "reprint":
            members[row["cluster"]].append(row["id"])
    pairs = [(a, b) for a, b in list(members.values())[:40]]
    corpus = folder / "corpus.jsonl"
    ocr = [coverage(e) for e in explain_pairs(corpus, pairs, tmp_path, "--preset", "ocr")]
    default = [coverage(e) for e in explain_pairs(corpus, pairs, tmp_path)]
    assert np.median(ocr) >= 0.9, sorted(ocr)
    assert np.mean(np.array(ocr) >= 0.5) >= 0.95, sorted(ocr)
    assert np.percentile(ocr, 10) > np.percentile(default, 10) + 0.2, (sorted(ocr), default)


def test_two_noisy_english_printings_are_one_passage_with_edits(tmp_path):
    text = (EXAMPLES / "news" / "flood-original.txt").read_text("utf-8")
    rows = [
        {"id": "first", "text": ocr_copy(text, 11, Noise(rate=0.06))},
        {"id": "second", "text": ocr_copy(text, 12, Noise(rate=0.06))},
    ]
    corpus = write_jsonl(tmp_path / "printings.jsonl", rows)
    [ocr] = explain_pairs(corpus, [("first", "second")], tmp_path, "--preset", "ocr")
    [default] = explain_pairs(corpus, [("first", "second")], tmp_path)
    assert coverage(ocr) >= 0.9 > coverage(default) + 0.2
    shared = [p for p in ocr["b"]["passages"] if p["status"] == "shared"]
    # Misread letters are edits inside long passages, not breaks between short ones.
    assert max(p["b"][1] - p["b"][0] for p in shared) > len(rows[1]["text"]) // 3
    assert sum(len(p.get("edits", [])) for p in shared) >= 10


def test_the_preset_shows_passages_as_its_scorer_aligns_them(tmp_path):
    """The preset's explain gap and shortest passage are the aligned scorer's; an option given
    explicitly wins, and the text printed says what it used."""
    assert PRESETS["ocr"].explain == {"gap": aligned.GAP, "min_length": aligned.MIN_LENGTH}
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    text = (EXAMPLES / "news" / "flood-original.txt").read_text("utf-8")
    a.write_text(ocr_copy(text, 1, Noise(rate=0.05)), "utf-8")
    b.write_text(ocr_copy(text, 2, Noise(rate=0.05)), "utf-8")
    runner = CliRunner()
    wide = runner.invoke(cli, ["explain", str(a), str(b), "--preset", "ocr", "--json"])
    assert wide.exit_code == 0, wide.output
    narrow = runner.invoke(
        cli, ["explain", str(a), str(b), "--preset", "ocr", "--gap", "0", "--json"]
    )
    assert narrow.exit_code == 0, narrow.output
    assert coverage(json.loads(narrow.output)) < coverage(json.loads(wide.output))
    bad = runner.invoke(cli, ["explain", str(a), str(b), "--preset", "nope"])
    assert bad.exit_code == 2 and "unknown preset 'nope'" in bad.output
    assert "Traceback" not in bad.output
