"""The bounded mapping that keeps scorers' readings of the documents in use
(dedupe/recent.py)."""

from __future__ import annotations

import pytest

from dedupe.recent import Recent


def test_the_least_recently_used_entry_goes_first():
    kept: Recent[int, str] = Recent(2)
    kept[1], kept[2] = "one", "two"
    assert kept[1] == "one"  # 1 is now the most recent
    kept[3] = "three"
    assert 2 not in kept and list(kept) == [1, 3] and len(kept) == 2
    assert kept.get(2) is None and kept.get(3) == "three"
    del kept[1]
    assert list(kept) == [3]


def test_a_capacity_below_one_is_refused():
    with pytest.raises(ValueError, match="capacity"):
        Recent(0)
