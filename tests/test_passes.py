"""Shingle sets kept by pass 1 are read back exactly, from memory or from a spill file."""

import numpy as np
import pytest

from dedupe.pipeline.pass2 import copy_sets


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
