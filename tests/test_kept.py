"""kept.jsonl copied a chunk at a time as bytes equals the line-by-line copy, whatever the bytes."""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedupe import Engine, Record
from dedupe.corpus import Corpus

ENGINE = Engine(load_plugins=False)


def record_line(k: int, text: str, encoding: str) -> bytes:
    line = json.dumps({"id": f"d{k}", "text": text}, ensure_ascii=False)
    return line.encode(encoding, errors="replace")


lines = st.lists(
    st.tuples(
        st.text(min_size=1, max_size=60),
        st.sampled_from(["utf-8", "cp1252", "latin-1"]),
        st.sampled_from([b"\n", b"\r\n", b"\r\r\n"]),
        st.booleans(),  # a BOM before the line
    ),
    min_size=1,
    max_size=40,
)


def both_ways(corpus: Corpus, keep_share: float, seed: int) -> tuple[bytes, bytes]:
    rng = random.Random(seed)
    blocks, per_line = b"", b""
    for chunk in corpus.chunks(256):
        locations = {(r.source, r.line) for r in corpus.read(chunk) if isinstance(r, Record)}
        keep = {loc for loc in sorted(locations, key=str) if rng.random() < keep_share}
        if not keep:
            continue
        blocks += b"".join(corpus.kept_blocks(chunk, keep))
        per_line += b"".join(
            (line + "\n").encode("utf-8") for line in corpus.kept_lines(chunk, keep)
        )
    return blocks, per_line


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=lines, last_newline=st.booleans(), keep_share=st.sampled_from([0.3, 1.0]))
def test_blocks_equal_line_by_line(rows, last_newline, keep_share):
    data = b""
    for k, (text, encoding, end, bom) in enumerate(rows):
        data += (b"\xef\xbb\xbf" if bom else b"") + record_line(k, text, encoding) + end
    if not last_newline:
        data = data.rstrip(b"\r\n")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.jsonl"
        path.write_bytes(data)
        corpus = ENGINE.open_files([path])
        try:
            blocks, per_line = both_ways(corpus, keep_share, len(data))
        finally:
            corpus.close()
    assert blocks == per_line


def test_kept_jsonl_of_a_run_is_the_input_minus_the_copies(syndication, tmp_path):
    result = Engine(load_plugins=False, chunk_mb=1, parallel_min_mb=0, workers=1).run(
        [syndication / "corpus.jsonl"], tmp_path
    )
    source = (syndication / "corpus.jsonl").read_bytes().splitlines(keepends=True)
    dropped = {m for c in result.clusters for m in c.members if m != c.representative}
    expected = b"".join(line for line in source if json.loads(line)["id"] not in dropped)
    assert result.counts["chunks"] > 1
    assert (tmp_path / "kept.jsonl").read_bytes() == expected


def reference_kept(data: bytes, wanted: set[int]) -> bytes:
    """kept.jsonl's bytes for the lines numbered ``wanted``, the simplest way: every line
    split out of the whole file, decoded and written again."""
    from dedupe.read import decode_bytes

    lines = data.split(b"\n")
    if data.endswith(b"\n"):
        lines.pop()
    picked = [lines[n - 1] for n in sorted(wanted) if n <= len(lines)]
    return b"".join((decode_bytes(raw)[0].rstrip("\r\n") + "\n").encode("utf-8") for raw in picked)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=lines,
    last_newline=st.booleans(),
    block=st.sampled_from([1, 2, 3, 7, 64, 4096]),
    seed=st.integers(0, 1000),
)
def test_kept_lines_read_in_small_blocks_are_the_lines_kept(rows, last_newline, block, seed):
    """Copying kept lines block by block (lines longer than a block, cut anywhere) gives
    exactly the kept lines."""
    import dedupe.corpus

    data = b""
    for k, (text, encoding, end, bom) in enumerate(rows):
        data += (b"\xef\xbb\xbf" if bom else b"") + record_line(k, text, encoding) + end
    if not last_newline:
        data = data.rstrip(b"\r\n")
    rng = random.Random(seed)
    real_block = dedupe.corpus.BLOCK
    dedupe.corpus.BLOCK = block
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "c.jsonl"
            path.write_bytes(data)
            corpus = ENGINE.open_files([path])
            try:
                got, wanted = b"", set()
                for chunk in corpus.chunks(256):
                    here = {(r.source, r.line) for r in corpus.read(chunk) if isinstance(r, Record)}
                    keep = {loc for loc in sorted(here, key=str) if rng.random() < 0.5}
                    wanted |= {line for _, line in keep}
                    got += b"".join(corpus.kept_blocks(chunk, keep))
            finally:
                corpus.close()
    finally:
        dedupe.corpus.BLOCK = real_block
    assert got == reference_kept(data, wanted)


class CountingSet(set):
    """A set of kept locations that counts how many of its elements were looked at."""

    looked_at = 0

    def __iter__(self):
        CountingSet.looked_at += len(self)
        return super().__iter__()


def test_kept_lines_of_a_folder_of_files_take_linear_work(tmp_path):
    """kept.jsonl for a folder of n small files looks at each kept location a constant number
    of times (it was n times each: 19,000 files took 34 s to write)."""
    n = 3000
    for k in range(n):
        (tmp_path / f"{k:05d}.txt").write_text(f"document number {k} of the folder", "utf-8")
    corpus = ENGINE.open_files([tmp_path])
    try:
        (chunk,) = corpus.chunks(16 * 1024 * 1024)
        keep = CountingSet({(f"{tmp_path}/{k:05d}.txt", None) for k in range(n) if k % 3})
        CountingSet.looked_at = 0
        kept = b"".join(corpus.kept_blocks(chunk, keep)).splitlines()
    finally:
        corpus.close()
    assert CountingSet.looked_at <= 2 * len(keep)
    assert [json.loads(line)["id"] for line in kept] == [f"{k:05d}.txt" for k in range(n) if k % 3]
