"""The learn stage: a deterministic sample of the whole input, the same for any order of the
rows, drawn without parsing the JSON lines it does not take."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from dedupe import Engine
from dedupe.learn import learn_chain, sample

from .conftest import write_jsonl
from .wire import wire_stories

FOOTER = "The Evening Wire is published by Wire Group Holdings"


def _state(engine: Engine, inputs: list) -> dict:
    corpus = engine.open_files([str(p) for p in inputs])
    try:
        chain = learn_chain(engine, corpus)
    finally:
        corpus.close()
    (fitted,) = [n for n in chain.normalisers if n.name == "boilerplate"]
    assert fitted.state is not None
    return dict(fitted.state)


def _rows(texts: list[str]) -> list[dict]:
    return [{"id": f"d{i}", "text": t} for i, t in enumerate(texts)]


def test_a_footer_of_the_last_500_of_40000_documents_is_learned_in_any_order(tmp_path):
    """Issue 13: learning sampled the first 20,000 documents, so a footer shared by the last
    500 of 40,000 was learned only when the rows were reversed."""
    rng = random.Random(1)
    words = [f"w{k}" for k in range(5000)]
    texts = [" ".join(rng.choice(words) for _ in range(12)) for _ in range(40000)]
    texts[-500:] = [f"{t}\n{FOOTER}" for t in texts[-500:]]
    rows = _rows(texts)
    forward = write_jsonl(tmp_path / "forward.jsonl", rows)
    backward = write_jsonl(tmp_path / "backward.jsonl", rows[::-1])
    engine = Engine(load_plugins=False)
    states = [_state(engine, [forward]), _state(engine, [backward])]
    assert states[0] == states[1]
    assert FOOTER.casefold() in states[0]["lines"]
    assert states[0]["documents"] == 20000


@pytest.fixture
def wire_rows() -> list[dict]:
    """2,000 wire stories, one in 7 under one footer, and one reposted 30 times."""
    stories = wire_stories(2000, seed=11)
    texts = [f"{s}\n{FOOTER}" if k % 7 == 0 else s for k, s in enumerate(stories)]
    texts += [stories[5]] * 30
    return _rows(texts)


def test_learned_lines_are_the_same_reversed_shuffled_split_and_with_crlf(tmp_path, wire_rows):
    engine = Engine(load_plugins=False, learn_sample=700)  # a sample of a third of the rows
    first = _state(engine, [write_jsonl(tmp_path / "rows.jsonl", wire_rows)])
    assert FOOTER.casefold() in first["lines"] and "reuter" in first["lines"]
    assert first["documents"] == 700
    shuffled = list(wire_rows)
    random.Random(3).shuffle(shuffled)
    split = tmp_path / "split"
    split.mkdir()
    for k, (lo, hi) in enumerate([(0, 333), (333, 1500), (1500, len(shuffled))]):
        write_jsonl(split / f"part{k}.jsonl", shuffled[lo:hi])
    crlf = tmp_path / "crlf.jsonl"
    crlf.write_bytes((tmp_path / "rows.jsonl").read_bytes().replace(b"\n", b"\r\n"))
    for inputs in (
        [write_jsonl(tmp_path / "reversed.jsonl", wire_rows[::-1])],
        [write_jsonl(tmp_path / "shuffled.jsonl", shuffled)],
        [split],
        [crlf],
    ):
        assert _state(engine, inputs) == first, inputs


def test_small_inputs_are_sampled_whole_and_big_ones_spread(tmp_path, wire_rows):
    engine = Engine(load_plugins=False)
    path = write_jsonl(tmp_path / "rows.jsonl", wire_rows)
    corpus = engine.open_files([str(path)])
    try:
        whole = sample(corpus, 10_000, 1 << 16)  # small chunks: the file is cut in many
        assert Counter(whole) == Counter(r["text"] for r in wire_rows)
        part = sample(corpus, 500, 1 << 16)
    finally:
        corpus.close()
    assert len(part) == 500
    position = {r["text"]: k for k, r in enumerate(wire_rows)}
    middle = len(wire_rows) // 2
    first_half = sum(position[t] < middle for t in part)
    assert 150 < first_half < 350  # drawn from the whole input, not its first rows


def test_other_formats_sample_the_same_records_in_any_order(tmp_path):
    """Files read whole (text files) and in-memory documents are hashed on their text."""
    stories = wire_stories(300, seed=4)
    folder = tmp_path / "texts"
    folder.mkdir()
    for k, story in enumerate(stories):
        (folder / f"{(k * 37) % 300:04d}.txt").write_text(story, "utf-8")
    engine = Engine(load_plugins=False)
    corpus = engine.open_files([str(folder)])
    try:
        from_files = sample(corpus, 100, 1 << 16)
    finally:
        corpus.close()
    from_memory = sample(
        engine.open_documents([(str(k), s) for k, s in enumerate(stories)]), 100, 0
    )
    backwards = [(str(k), s) for k, s in enumerate(stories)][::-1]
    assert from_files == from_memory == sample(engine.open_documents(backwards), 100, 0)
    assert len(from_files) == 100


def test_chosen_bad_lines_are_replaced_by_the_next_good_ones(tmp_path):
    good = [f'{{"id": "g{k}", "text": "story number {k}"}}' for k in range(30)]
    bad = [f"not json {k}" for k in range(60)] + ['{"id": "e", "text": 5}', ""]
    rows = good + bad
    random.Random(5).shuffle(rows)
    engine = Engine(load_plugins=False)
    samples = []
    for name, lines in (("rows", rows), ("reversed", rows[::-1])):
        path = tmp_path / f"{name}.jsonl"
        path.write_text("\n".join(lines) + "\n")
        corpus = engine.open_files([str(path)])
        try:
            samples.append(sample(corpus, 20, 1 << 20))
            assert sorted(sample(corpus, 100, 1 << 20)) == sorted(
                f"story number {k}" for k in range(30)
            )
        finally:
            corpus.close()
    assert samples[0] == samples[1] and len(samples[0]) == 20
    assert all(t.startswith("story number") for t in samples[0])
