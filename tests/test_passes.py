"""Shingle sets kept by pass 1 are read back exactly, from memory or from a spill file; pass
1's character counts are those of the texts."""

import json

import numpy as np
import pytest

from dedupe.kernels import compiled
from dedupe.kernels.reference import twins
from dedupe.pipeline.pass2 import copy_sets
from tests.conftest import data_dir


@pytest.mark.parametrize("version", [(1, 0), (2, 0)])
def test_copy_sets_from_spill_file_equals_in_memory(tmp_path, version):
    rng = np.random.default_rng(3)
    values = rng.integers(0, 2**32, 5_000, dtype=np.uint64).astype(np.uint32)
    path = tmp_path / "sets.npy"
    with open(path, "wb") as f:
        np.lib.format.write_array(f, values, version=version)
    starts = np.array([0, 17, 1_000, 4_990])
    ends = np.array([17, 400, 1_000, 5_000])
    offsets = np.concatenate([[0], np.cumsum(ends - starts)])
    from_file = np.zeros(int(offsets[-1]), dtype=np.uint32)
    from_memory = np.zeros_like(from_file)
    copy_sets(str(path), starts, ends, from_file, offsets[:-1])
    copy_sets(values, starts, ends, from_memory, offsets[:-1])
    expected = np.concatenate([values[s:e] for s, e in zip(starts, ends, strict=True)])
    assert np.array_equal(from_file, expected)
    assert np.array_equal(from_memory, expected)


def test_copy_sets_refuses_a_truncated_spill_file(tmp_path):
    path = tmp_path / "sets.npy"
    np.save(path, np.arange(100, dtype=np.uint32))
    path.write_bytes(path.read_bytes()[:-40])
    out = np.zeros(100, dtype=np.uint32)
    with pytest.raises(ValueError, match="truncated"):
        copy_sets(str(path), np.array([0]), np.array([100]), out, np.array([0]))


@pytest.mark.parametrize("backend", [compiled, twins], ids=["compiled", "reference"])
def test_char_counts_are_the_code_points_of_each_document(backend):
    """Pass 1's kept share counts characters on the encoded batch: real news in Chinese,
    Arabic and Japanese (3-byte and 2-byte UTF-8) and Latin script, with empty documents at
    the start, the end and between others."""
    texts = []
    for script in ("zh", "ar", "ja"):
        corpus = data_dir("intl-dev") / script / "corpus.jsonl"
        texts += [json.loads(line)["text"] for line in corpus.read_text("utf-8").splitlines()[:40]]
    syndication = (data_dir("syndication-dev") / "corpus.jsonl").read_text("utf-8")
    texts += [json.loads(line)["text"] for line in syndication.splitlines()[:40]]
    texts = ["", *texts[:50], "", "", *texts[50:], "𝄞 é", ""]
    encoded = [t.encode("utf-8") for t in texts]
    buf = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    offsets = np.concatenate([[0], np.cumsum([len(e) for e in encoded])]).astype(np.int64)
    assert backend.code_points(buf, offsets).tolist() == [len(t) for t in texts]
    assert backend.code_points(buf[:0], np.zeros(1, dtype=np.int64)).tolist() == []
    assert backend.code_points(buf[:0], np.zeros(3, dtype=np.int64)).tolist() == [0, 0]
    # a batch cut out of a larger buffer: offsets need not start at 0
    assert backend.code_points(buf, offsets[3:]).tolist() == [len(t) for t in texts[3:]]
