"""The bytes of a batch ``chrome`` encoded are reused for the texts it left as they were:
the next encoding gives the bytes a fresh one gives, for real pages, and forgets them."""

from __future__ import annotations

import json
import threading

import numpy as np
import pytest

from dedupe import kernels
from dedupe.default_plugins.chrome import strip_chrome_batch
from dedupe.engine import Engine
from dedupe.kernels import encoded

from .conftest import data_dir

pytest.importorskip("numba")


def _texts(name: str) -> list[str]:
    with open(data_dir(name) / "corpus.jsonl", encoding="utf-8") as f:
        return [json.loads(line).get("text", "") for line in f if line.strip()]


def _same(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> None:
    assert np.array_equal(a[1], b[1])
    assert a[0].tobytes() == b[0].tobytes()
    # (the same array type: a kernel given a writable buffer is compiled once more)
    assert a[0].flags.writeable == b[0].flags.writeable and a[0].dtype == b[0].dtype


@pytest.fixture(autouse=True)
def _compiled():
    from dedupe.kernels import compiled

    saved = kernels.BACKEND, kernels._impl
    kernels.BACKEND, kernels._impl = "compiled", compiled
    encoded.forget()
    yield
    encoded.forget()
    kernels.BACKEND, kernels._impl = saved


@pytest.mark.parametrize("name", ["syndication-dev", "html-dev", "intl-dev/ar"])
def test_texts_chrome_left_as_they_were_are_not_encoded_again(name):
    texts = _texts(name)[:400]
    out = strip_chrome_batch(texts)
    kept = [k for k, (a, b) in enumerate(zip(out, texts, strict=True)) if a is b]
    changed = [k for k, (a, b) in enumerate(zip(out, texts, strict=True)) if a != b]
    assert kept and len(kept) + len(changed) == len(texts)  # unchanged texts keep their object
    lent = encoded._local.last
    assert lent is not None and lent[0] == texts
    _same(kernels.encode_batch(out), kernels._encode(out))
    assert encoded._local.last is None  # taken over by that encoding
    _same(kernels.encode_batch(out), kernels._encode(out))


def test_chrome_stripping_lines_of_the_copies_still_gives_their_new_bytes():
    texts = _texts("syndication-dev")[:400]
    out = strip_chrome_batch(texts)
    assert any(a != b for a, b in zip(out, texts, strict=True))  # aggregators' chrome
    kernels.encode_batch(texts, remember=True)
    edited = list(texts)
    for k in range(0, len(edited), 7):
        edited[k] = out[k] + "\nnot in the remembered batch é"
    _same(kernels.encode_batch(edited), kernels._encode(edited))


def test_strings_of_the_remembered_batch_are_found_anywhere():
    """As in pass 1: chrome sees the documents learning did not prepare, the byte
    normalisers all of the batch, the prepared ones between the others."""
    texts = _texts("intl-dev/zh")[:300]
    misses = [t for k, t in enumerate(texts) if k % 5]
    kernels.encode_batch(misses, remember=True)
    mixed = [t if k % 5 else t + "，已准备" for k, t in enumerate(texts)]
    _same(kernels.encode_batch(mixed), kernels._encode(mixed))
    kernels.encode_batch(misses, remember=True)
    backwards = misses[::-1]
    _same(kernels.encode_batch(backwards), kernels._encode(backwards))


def test_other_batches_are_encoded_whole():
    texts = _texts("syndication-dev")[:100]
    kernels.encode_batch(texts, remember=True)
    fresh = [t + " " for t in texts]  # other objects
    assert encoded.reuse(fresh, kernels._encode) is None
    kernels.encode_batch(texts, remember=True)
    assert encoded.reuse(texts[:25] + fresh[25:], kernels._encode) is None  # mostly new
    kernels.encode_batch(texts, remember=True)
    seen: list[object] = []
    worker = threading.Thread(target=lambda: seen.append(encoded.reuse(texts, kernels._encode)))
    worker.start()
    worker.join()
    assert seen == [None]  # (each thread its own)
    found = encoded.reuse(texts, kernels._encode)  # (this thread's batch is still there)
    assert found is not None
    _same(found, kernels._encode(texts))


def test_signatures_are_those_of_the_chain_without_reuse(monkeypatch):
    texts = _texts("syndication-dev")
    engine = Engine(load_plugins=False)
    reused = engine.signatures_of(texts)[0]
    monkeypatch.setattr(encoded, "remember", lambda *a: None)
    assert np.array_equal(reused, engine.signatures_of(texts)[0])
