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
