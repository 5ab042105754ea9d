"""The SQLite index survives a killed writer and serves readers while a writer adds.

Real processes on real data: a writer subprocess is SIGKILLed (inside an open transaction, or
anywhere), then the file must pass ``PRAGMA integrity_check`` and every document the writer
reported committed must be found by a query; reader processes query while a writer adds.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from dedupe.index import Index

from .conftest import REPO, read_jsonl

WRITER = textwrap.dedent(
    """
    import json, sys, time
    from dedupe.index import Index

    path, corpus, batch, stall_at = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    rows = [json.loads(line) for line in open(corpus, encoding="utf-8")]
    index = Index.open(path, load_plugins=False, batch_size=batch)
    put, calls = index.storage.put, [0]

    def stalling_put(docs, postings):
        put(docs, postings)  # rows written in the open transaction, not committed
        calls[0] += 1
        if calls[0] == stall_at:
            print("IN-TRANSACTION " + json.dumps([d.id for d in docs]), flush=True)
            time.sleep(120)

    index.storage.put = stalling_put
    for outcomes in index.add_corpus(index.engine.open_documents(rows)):
        added = [o.id for o in outcomes if o.status == "added"]
        print("COMMITTED " + json.dumps(added), flush=True)
    print("DONE", flush=True)
    """
)

READER = textwrap.dedent(
    """
    import json, os, sys, time
    from dedupe.index import Index

    path, queries, ready, done = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    docs = [json.loads(line) for line in open(queries, encoding="utf-8")]
    counts, rounds = [], 0
    with Index.open(path, read_only=True, load_plugins=False) as index:
        open(ready, "w").close()
        while True:
            finished = os.path.exists(done)
            for outcome in index.query(docs):
                assert outcome.id in [m.id for m in outcome.duplicates], outcome
            counts.append(len(index))
            rounds += 1
            if finished:
                break
    print(json.dumps({"rounds": rounds, "counts": counts}))
    """
)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEDUPE_")}
    env["PYTHONPATH"] = str(REPO)
    return env


def _writer(path: Path, corpus: Path, batch: int, stall_at: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(corpus), str(batch), str(stall_at)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )


@pytest.fixture
def corpus(syndication: Path, tmp_path: Path) -> Path:
    return syndication / "corpus.jsonl"


@pytest.mark.parametrize("when", ["inside-a-transaction", "anywhere"])
def test_a_killed_writer_leaves_every_committed_document_findable(corpus, tmp_path, when):
    path = tmp_path / "news.db"
    Index.create(path, load_plugins=False).close()
    stall_at = 12 if when == "inside-a-transaction" else 0
    writer = _writer(path, corpus, 40, stall_at)
    committed: list[str] = []
    uncommitted: list[str] = []
    assert writer.stdout is not None
    for line in writer.stdout:
        kind, _, payload = line.partition(" ")
        if kind == "COMMITTED":
            committed += json.loads(payload)
            if when == "anywhere" and len(committed) >= 400:
                time.sleep(0.05 * (len(committed) % 7))  # somewhere in the next batch
                break
        elif kind == "IN-TRANSACTION":
            uncommitted = json.loads(payload)
            break
        else:
            pytest.fail(f"writer: {line!r}; {writer.stderr.read() if writer.stderr else ''}")
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=60)
    assert writer.returncode == -signal.SIGKILL

    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    db.close()
    texts = {r["id"]: r for r in read_jsonl(corpus)}
    with Index.open(path, read_only=True, load_plugins=False) as index:
        indexed = set(index.ids())
        assert set(committed) <= indexed
        if when == "inside-a-transaction":
            assert uncommitted and indexed == set(committed)
            assert not indexed & set(uncommitted)
        else:  # whole batches, in input order: those reported and any committed since
            order = list(texts)
            assert len(indexed) % 40 == 0 and indexed == set(order[: len(indexed)])
        for outcome in index.query([texts[i] for i in committed]):
            assert outcome.id in {m.id for m in outcome.duplicates if m.score == 1.0}

    # the same add again finishes the job: committed documents exist, the rest is added
    writer = _writer(path, corpus, 500, 0)
    _out, err = writer.communicate(timeout=600)
    assert writer.returncode == 0, err
    with Index.open(path, read_only=True, load_plugins=False) as index:
        assert len(index) == len(texts)


def test_readers_query_while_a_writer_adds(corpus, tmp_path):
    path = tmp_path / "news.db"
    rows = read_jsonl(corpus)
    with Index.create(path, load_plugins=False) as index:
        index.add(rows[:100])
    queries = tmp_path / "queries.jsonl"
    queries.write_text("".join(json.dumps(r) + "\n" for r in rows[:20]), "utf-8")
    done = tmp_path / "done"
    readers = []
    for k in range(3):
        readers.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    READER,
                    str(path),
                    str(queries),
                    str(tmp_path / f"r{k}"),
                    str(done),
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=_env(),
            )
        )
    deadline = time.monotonic() + 120
    while not all((tmp_path / f"r{k}").exists() for k in range(3)):
        assert time.monotonic() < deadline and all(r.poll() is None for r in readers)
        time.sleep(0.05)
    writer = _writer(path, corpus, 20, 0)  # 103 commits while the readers read
    out, err = writer.communicate(timeout=600)
    assert writer.returncode == 0 and out.splitlines()[-1] == "DONE", err
    done.touch()
    final = len(rows)
    for reader in readers:
        out, err = reader.communicate(timeout=300)
        assert reader.returncode == 0, err
        seen = json.loads(out)
        counts = seen["counts"]
        assert counts == sorted(counts), "a reader saw the index shrink"
        assert counts[0] >= 100 and counts[-1] == final
        assert seen["rounds"] >= 2
