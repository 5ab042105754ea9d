"""The learn stage: a deterministic sample of the whole input, the same for any order of the
rows, drawn without parsing the JSON lines it does not take."""

from __future__ import annotations

import pickle
import random
from collections import Counter

import numpy as np
import pytest

from dedupe import Engine
from dedupe.learn import learn_chain, sample

from .conftest import data_dir, write_jsonl
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


def _fitted(engine: Engine, path) -> tuple:
    """The fitted chain of a corpus and its records, read as pass 1 reads them."""
    from dedupe.documents import Record

    corpus = engine.open_files([str(path)])
    try:
        chain = learn_chain(engine, corpus)
        records = [
            r
            for chunk in corpus.chunks(1 << 30)
            for r in corpus.read(chunk)
            if isinstance(r, Record)
        ]
    finally:
        corpus.close()
    return chain, records


def _same_facts(got: tuple, want: tuple) -> None:
    for g, w in zip(got, want, strict=True):
        assert np.asarray(g).tolist() == np.asarray(w).tolist()


@pytest.mark.parametrize("name", ["syndication-dev", "html-dev"])
def test_pass_1_starts_the_sample_where_learning_left_it(name):
    """What learning made of the sample (``html`` and ``chrome``) is used again in pass 1:
    the same bytes, furniture shares and declared shares as normalising from the start."""
    engine = Engine(load_plugins=False)
    chain, records = _fitted(engine, data_dir(name) / "corpus.jsonl")
    prepared = chain.prepared
    assert prepared is not None and prepared.changed  # chrome or html changed some
    assert chain.names == engine.plan.chain.names
    for start in range(0, len(records), 500):
        batch = records[start : start + 500]
        texts = [r.text for r in batch]
        assert (prepared.lookup(texts, batch) >= 0).all()  # the whole dev set is the sample
        _same_facts(chain.encoded_facts(texts, batch), chain.encoded_facts(texts))
    assert pickle.loads(pickle.dumps(chain)).prepared is None  # never sent anywhere


def test_a_record_not_learned_from_is_normalised_from_the_start(tmp_path):
    """Another text at a learned location, documents beyond the sample and changed texts
    beyond the budget all take the whole chain, mixed in one batch with learned ones."""
    from dedupe.documents import Record
    from dedupe.learn import fit

    engine = Engine(load_plugins=False)
    _, records = _fitted(engine, data_dir("syndication-dev") / "corpus.jsonl")
    texts = [r.text for r in records]
    locations = [(r.source, r.line) for r in records]
    half = len(texts) // 2
    small, _ = fit(engine.plan.chain, texts[:half], 1000, locations[:half], budget=0)
    prepared = small.prepared
    assert prepared is not None and not prepared.changed
    batch = records[half - 300 : half + 300]
    batch[0] = Record(batch[0].id, batch[0].text + " more", batch[0].source, batch[0].line)
    batch_texts = [r.text for r in batch]
    hits = prepared.lookup(batch_texts, batch)
    assert hits[0] == -1 and (hits[300:] == -1).all() and (hits[1:300] >= 0).sum() > 100
    _same_facts(small.encoded_facts(batch_texts, batch), small.encoded_facts(batch_texts))


def test_lines_are_hashed_in_blocks_as_read_whole_and_long_ones_left_out(
    tmp_path, wire_rows, monkeypatch
):
    """Hashing a source's lines block by block gives each line's hash, number, offset and size
    as one read of the whole range does (blocks smaller than many lines: real wire stories,
    CRLF line ends, an empty line, a last line without its end); a line longer than
    --max-doc-bytes is left out and the lines after it keep their numbers."""
    import dedupe.learn as learn
    from dedupe.read import Source

    path = write_jsonl(tmp_path / "rows.jsonl", wire_rows[:300])
    data = path.read_bytes().replace(b"\n", b"\r\n", 40) + b"\n" + b'{"id": "end", "text": "x"}'
    path.write_bytes(data)
    source = Source(str(path), id="rows", reader="jsonl")
    whole = learn._line_hashes(source)
    assert len(whole.hashes) == 301 and whole.numbers[-1] == 302  # (the empty line counted)
    monkeypatch.setattr(learn, "_HASH_BLOCK", 1000)  # a story is 1-4 KB
    blocks = learn._line_hashes(source)
    for column in ("hashes", "numbers", "starts", "sizes"):
        assert np.array_equal(getattr(blocks, column), getattr(whole, column)), column
    longest = int(whole.sizes.max())
    limited = learn._line_hashes(source, longest - 1)
    assert len(limited.hashes) == len(whole.hashes) - int((whole.sizes == longest).sum())
    kept = whole.sizes < longest
    assert np.array_equal(limited.numbers, whole.numbers[kept])
    assert np.array_equal(limited.hashes, whole.hashes[kept])
