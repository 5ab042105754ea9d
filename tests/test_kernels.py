"""Shingle hashes and signatures: compiled and reference kernels agree, and signatures equal
datasketch 2's MinHash (affine32) fed the same shingles."""

from __future__ import annotations

import numpy as np
import pytest
import xxhash
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe import kernels
from dedupe.kernels import reference
from dedupe.signature import MinHasher

compiled = pytest.importorskip("dedupe.kernels.compiled", reason="numba (the fast extra) missing")

SPACES = (
    " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2005\u200a\u2028\u2029\u202f\u205f\u3000"
)
texts_strategy = st.lists(
    st.text(
        alphabet=st.one_of(st.characters(), st.sampled_from(list(SPACES + "ab é"))), max_size=80
    ),
    min_size=1,
    max_size=8,
)


def test_there_are_exactly_29_split_characters():
    # The compiled word splitter hard-codes str.split()'s whitespace; check the premise.
    found = [c for c in map(chr, range(0x110000)) if len(("a" + c + "b").split()) == 2]
    assert len(found) == 29
    assert set(found) == set(SPACES + "\u2001\u2002\u2003\u2004\u2006\u2007\u2008\u2009")


@given(texts_strategy, st.integers(1, 6))
@settings(max_examples=300, deadline=None)
def test_compiled_word_hashes_equal_reference(texts, n):
    buf, offsets = kernels.encode_batch(texts)
    h1, o1 = compiled.word_hashes(buf, offsets, n)
    h2, o2 = reference.word_hashes(texts, n)
    assert o1.tolist() == o2.tolist()
    assert h1.tolist() == h2.tolist()


@given(texts_strategy, st.integers(1, 6))
@settings(max_examples=300, deadline=None)
def test_compiled_char_hashes_equal_reference(texts, n):
    buf, offsets = kernels.encode_batch(texts)
    h1, o1 = compiled.char_hashes(buf, offsets, n)
    h2, o2 = reference.char_hashes(texts, n)
    assert o1.tolist() == o2.tolist()
    assert h1.tolist() == h2.tolist()


@given(st.binary(max_size=100))
def test_xxh32_equals_xxhash(data):
    buf = np.frombuffer(data, dtype=np.uint8) if data else np.zeros(0, dtype=np.uint8)
    assert int(compiled.xxh32(buf, 0, len(data))) == xxhash.xxh32_intdigest(data)


def test_short_texts_give_one_shingle_and_empty_none():
    assert reference.word_shingles("a b", 5) == ["a b"]
    assert reference.word_shingles("   ", 5) == []
    assert reference.word_shingles("a b c", 2) == ["a b", "b c"]
    assert reference.char_shingles("abc", 5) == ["abc"]
    assert reference.char_shingles("abcd", 3) == ["abc", "bcd"]


@pytest.mark.parametrize("num_perm,seed", [(128, 1), (64, 42), (256, 7)])
@pytest.mark.parametrize("backend", ["compiled", "reference"])
def test_signatures_equal_datasketch_affine32(seed_texts, num_perm, seed, backend):
    hasher = MinHasher(num_perm, seed)
    impl = compiled if backend == "compiled" else reference
    texts = [t.lower() for t in seed_texts.values()]
    shingle_lists = [reference.word_shingles(t, 5) for t in texts]
    hashes, offsets = reference.word_hashes(texts, 5)
    sigs = impl.minhash(hashes, offsets, hasher.a, hasher.b)
    for sig, shingles in zip(sigs, shingle_lists, strict=True):
        m = MinHash(
            num_perm=num_perm, seed=seed, hashfunc=xxhash.xxh32_intdigest, scheme="affine32"
        )
        m.update_batch([s.encode("utf-8") for s in shingles])
        assert m.hashvalues.dtype == np.uint32
        assert np.array_equal(m.hashvalues, sig)


def test_signature_converts_to_datasketch_and_works_in_its_lsh(seed_texts):
    from datasketch import MinHashLSH

    hasher = MinHasher(128, 1)
    texts = [t.lower() for t in seed_texts.values()]
    hashes, offsets = kernels.word_hashes(texts, 5)
    sigs = hasher(hashes, offsets)
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    names = list(seed_texts)
    for name, sig in zip(names, sigs, strict=True):
        lsh.insert(name, hasher.to_datasketch(sig))
    repost = names.index("003_63ffa25ad3faf19a.txt")
    found = lsh.query(hasher.to_datasketch(sigs[repost]))
    assert "lemonde_original.txt" in found
    assert "000_6a26846614f97611.txt" not in found


def test_empty_document_keeps_the_empty_signature():
    hasher = MinHasher(16, 1)
    hashes, offsets = kernels.word_hashes(["", "a b c"], 5)
    sigs = hasher(hashes, offsets)
    assert (sigs[0] == np.uint32(0xFFFFFFFF)).all()
    assert not (sigs[1] == np.uint32(0xFFFFFFFF)).all()


def test_set_kernels_agree(seed_texts):
    hashes, offsets = reference.word_hashes(list(seed_texts.values()), 3)
    v1, o1 = compiled.unique_segments(hashes, offsets)
    v2, o2 = reference.unique_segments(hashes, offsets)
    assert v1.tolist() == v2.tolist() and o1.tolist() == o2.tolist()
    pairs = np.array([[0, 1], [2, 3], [4, 5], [3, 3]])
    expected = [len(set(v2[o2[i] : o2[i + 1]]) & set(v2[o2[j] : o2[j + 1]])) for i, j in pairs]
    assert compiled.intersections(v1, o1, pairs).tolist() == expected
    assert reference.intersections(v2, o2, pairs).tolist() == expected


@given(texts_strategy, st.integers(1, 6))
@settings(max_examples=200, deadline=None)
def test_compiled_word_hashes_on_single_spaced_text(texts, n):
    # The whitespace normaliser's output takes the kernel's in-place path.
    clean = [" ".join(t.split()) for t in texts]
    buf, offsets = kernels.encode_batch(clean)
    h1, o1 = compiled.word_hashes(buf, offsets, n)
    h2, o2 = reference.word_hashes(clean, n)
    assert o1.tolist() == o2.tolist()
    assert h1.tolist() == h2.tolist()


@given(texts_strategy)
@settings(max_examples=300, deadline=None)
def test_casefold_and_quote_kernels_equal_python(texts):
    from dedupe.default_plugins.normalisers import _quotes_bytes, fold_quotes

    buf, offsets = kernels.encode_batch(texts)
    assert kernels.decode_batch(*kernels.casefold_bytes(buf, offsets)) == [
        t.casefold() for t in texts
    ]
    assert kernels.decode_batch(*_quotes_bytes(buf, offsets)) == [fold_quotes(t) for t in texts]


def test_casefold_kernel_on_every_special_case():
    everything = "".join(map(chr, range(0x20, 0x30000)))
    buf, offsets = kernels.encode_batch([everything])
    assert kernels.decode_batch(*kernels.casefold_bytes(buf, offsets)) == [everything.casefold()]


@given(
    st.lists(
        st.text(
            alphabet=st.one_of(
                st.characters(max_codepoint=0x3000),
                st.sampled_from(list("\xa0\u202f\u2009…ﬁ\u0301\u0327éŉ²½ｆ")),
            ),
            max_size=60,
        ),
        max_size=6,
    )
)
@settings(max_examples=400, deadline=None)
def test_nfkc_kernel_equals_unicodedata(texts):
    import unicodedata

    from dedupe.default_plugins.normalisers import _nfkc_bytes

    buf, offsets = kernels.encode_batch(texts)
    assert kernels.decode_batch(*_nfkc_bytes(buf, offsets)) == [
        unicodedata.normalize("NFKC", t) for t in texts
    ]
