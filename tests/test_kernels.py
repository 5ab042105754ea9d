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


#: Words joined by single spaces (what the default chain leaves), with quotes, dashes and
#: other characters whose UTF-8 lead byte is also that of a space; sometimes another space.
_WORD = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Zs", "Zl", "Zp", "Cc", "Cs")),
        st.sampled_from([*"’«»—… ab", "\u2009", "\xa0", "\t"]),
    ),
    min_size=1,
    max_size=6,
)
single_spaced = st.lists(st.lists(_WORD, max_size=12).map(" ".join), min_size=1, max_size=8)


@given(single_spaced, st.integers(1, 6), st.integers(0, 3))
@settings(max_examples=300, deadline=None)
def test_the_stages_word_hashes_equal_reference_from_any_first_document(texts, n, skip):
    """The stage's word path (the spaces found by numpy, single-spaced text split at them in
    place, any other text laid out first) on a batch whose documents start past its first
    bytes, as a slice of a batch's documents does."""
    buf, offsets = kernels.encode_batch(texts)
    skip = min(skip, len(texts) - 1)
    h1, o1 = kernels.word_hashes_encoded(buf, offsets[skip:], n)
    h2, o2 = reference.word_hashes(texts[skip:], n)
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


@pytest.mark.parametrize("num_perm,seed", [(1, 0), (128, 1), (64, 42), (256, 7), (500, 2**31)])
def test_permutations_are_datasketchs_without_importing_it(num_perm, seed):
    from dedupe.signature import permutations

    a, b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    mine = permutations(num_perm, seed)
    assert mine[0].dtype == mine[1].dtype == np.uint32
    assert mine[0].tolist() == a.tolist() and mine[1].tolist() == b.tolist()


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


# The auto unit: words, and one token per character of the scripts written without spaces
# and of Arabic, Hebrew and Syriac (see dedupe.kernels.scripts).
MIXED = list("東京大阪の日本語。、「」ーゃっ々〇カタカナ한국어กินข้าวລາວខ្មែរမြန်မာ")
MIXED += list("أحمد إلى المدرسةـًٌٍَُِّْ שָׁלוֹם ܫܠܡܐ हिन्दी")
MIXED += ["\u0301", "\u200d", "\ufe0f", "\U00020000"]
auto_texts = st.lists(
    st.text(
        alphabet=st.one_of(
            st.characters(), st.sampled_from(MIXED), st.sampled_from(list(SPACES + "ab é1"))
        ),
        max_size=80,
    ),
    min_size=1,
    max_size=8,
)


@given(auto_texts, st.integers(1, 6))
@settings(max_examples=400, deadline=None)
def test_compiled_auto_hashes_equal_reference(texts, n):
    from dedupe.kernels.scripts import token_classes

    buf, offsets = kernels.encode_batch(texts)
    h1, o1 = compiled.auto_hashes(buf, offsets, n, token_classes())
    h2, o2 = reference.auto_hashes(texts, n)
    assert o1.tolist() == o2.tolist()
    assert h1.tolist() == h2.tolist()
    # The routed path (the word kernel for batches without character tokens) agrees too.
    h3, o3 = kernels.auto_hashes_encoded(buf, offsets, n)
    assert h3.tolist() == h2.tolist() and o3.tolist() == o2.tolist()
    tokens = [reference.auto_tokens(t) for t in texts]
    assert kernels.has_character_tokens(buf) == any(c for ts in tokens for _, c in ts)


def test_auto_tokens_and_shingles():
    tokens = reference.auto_tokens("東京 2020年、iPhone手机 กินข้าว हिन्दी والذي")
    words = ["東", "京", "2020", "年", "、iPhone", "手", "机", "กิ", "น", "ข้", "า", "ว", "हिन्दी"]
    assert [t for t, _ in tokens] == [*words, *"والذي"]
    assert [c for _, c in tokens][:4] == [True, True, False, True]
    # Characters join directly, words with one space; spaces between characters count for
    # nothing, so a line break or an indent inside Chinese text changes no shingle.
    assert reference.auto_shingles("东京2020年 的 abc", 3) == [
        "东京 2020",
        "京 2020 年",
        "2020 年的",
        "年的 abc",
    ]
    assert reference.auto_shingles("天气 很好\n\u3000\u3000今天", 4) == reference.auto_shingles(
        "天气很好今天", 4
    )
    assert reference.auto_shingles("a b", 5) == ["a b"]
    assert reference.auto_shingles("  ", 5) == []


def test_auto_equals_word_on_latin_text(seed_texts):
    # A batch without character tokens is routed to the word kernel: same shingles as `word`.
    texts = [t.lower() for t in seed_texts.values()] + [
        "Ελληνικά и русский текст",
        "e\u0301t\u00e9",
    ]
    for impl in (kernels.auto_hashes, reference.auto_hashes):
        h1, o1 = impl(texts, 5)
        h2, o2 = reference.word_hashes(texts, 5)
        assert h1.tolist() == h2.tolist() and o1.tolist() == o2.tolist()
    assert [reference.auto_shingles(t, 5) for t in texts] == [
        reference.word_shingles(t, 5) for t in texts
    ]


def _intl_texts(count: int) -> list[str]:
    from .conftest import data_dir, read_jsonl

    texts = []
    for lang in ("zh", "ja", "ar"):
        rows = read_jsonl(data_dir("intl-dev") / lang / "corpus.jsonl")
        texts += [r["text"] for r in rows[:count]]
    return texts


@pytest.mark.parametrize("backend", ["compiled", "reference"])
def test_auto_signatures_equal_datasketch_on_real_chinese_japanese_arabic(backend):
    from dedupe import Engine

    engine = Engine(load_plugins=False)
    texts = [*engine.chain(_intl_texts(40)), "mixed 東京 text, عربي and English words"]
    hasher = MinHasher(128, 1)
    impl = compiled if backend == "compiled" else reference
    hashes, offsets = kernels.auto_hashes(texts, 5)
    sigs = impl.minhash(hashes, offsets, hasher.a, hasher.b)
    for sig, text in zip(sigs, texts, strict=True):
        shingles = reference.auto_shingles(text, 5)
        assert len(shingles) > 5
        m = MinHash(num_perm=128, seed=1, hashfunc=xxhash.xxh32_intdigest, scheme="affine32")
        m.update_batch([s.encode("utf-8") for s in shingles])
        assert np.array_equal(m.hashvalues, sig)


def test_character_ranges_are_the_unicode_script_properties():
    # The shipped ranges are what the regex module's Script / Script_Extensions tables give,
    # on every code point Python's unicodedata knows.
    pytest.importorskip("regex", reason="regex (a test dependency) missing")
    import unicodedata

    from dedupe.kernels.scripts import (
        CHARACTER_RANGES,
        SIZE,
        generate_character_ranges,
        token_classes,
    )

    def mask(ranges):
        m = np.zeros(SIZE, dtype=bool)
        for a, b in ranges:
            m[a : b + 1] = True
        return m

    assigned = np.array([unicodedata.category(chr(c)) != "Cn" for c in range(SIZE)])
    differ = np.flatnonzero(
        (mask(CHARACTER_RANGES) != mask(generate_character_ranges())) & assigned
    )
    assert differ.size == 0, f"regenerate with python -m dedupe.kernels.scripts: {differ[:10]}"
    table = token_classes()
    assert table[ord("東")] == table[ord("ー")] == table[ord("ก")] == table[ord("ب")] == 2
    assert table[ord("a")] == table[ord("한")] == table[ord("ж")] == table[ord("·")] == 0
    assert table[0x0E34] == table[0x064E] == 3  # Thai sara i, fatha: marks
    assert table[0x3000] == 1


@given(auto_texts)
@settings(max_examples=300, deadline=None)
def test_punctuation_kernel_keeps_marks_like_the_regex(texts):
    assert kernels.punctuation_to_spaces(texts) == [
        reference.PUNCTUATION.sub(" ", t) for t in texts
    ]


def test_punctuation_keeps_combining_marks():
    assert reference.PUNCTUATION.sub(" ", "हिन्दी, กิน!") == "हिन्दी  กิน "
    assert kernels.punctuation_to_spaces(["हिन्दी, กิน!"]) == ["हिन्दी  กิน "]


@pytest.mark.parametrize("where", [0, 5, 7, 8, 4093, 4095, 4096, 9999])
def test_character_tokens_are_found_anywhere_in_a_long_batch(where):
    # The compiled test reads 8 bytes at a time; a character at any offset (word edges, the
    # tail) is found, and a Latin batch full of high bytes that are no such character is not.
    latin = "l’été à Paris — 50 € " * 600
    text = latin[:where] + "東" + latin[where:]
    assert kernels.has_character_tokens(kernels.encode_batch([latin, text])[0])
    assert kernels.has_character_tokens(kernels.encode_batch([latin + "ب"])[0])
    assert not kernels.has_character_tokens(kernels.encode_batch([latin, latin[:where]])[0])


# -- every compiled kernel has a reference twin of the same signature and values ----------------

FAMILIES = list(compiled.FAMILIES.items())


@pytest.mark.parametrize(("family", "names"), FAMILIES, ids=[f for f, _ in FAMILIES])
def test_every_compiled_kernel_has_a_reference_twin_of_the_same_signature(family, names):
    import importlib
    import inspect

    compiled_module = importlib.import_module(f"dedupe.kernels.compiled.{family}")
    twin_module = importlib.import_module(f"dedupe.kernels.reference.{family}")
    public = {
        n for n, f in vars(compiled_module).items() if not n.startswith("_") and callable(f)
    } - {"njit"}
    assert public == set(names)
    for name in names:
        kernel = getattr(compiled_module, name).py_func
        twin = getattr(twin_module, name)
        assert list(inspect.signature(kernel).parameters) == list(
            inspect.signature(twin).parameters
        ), name


def _twins_agree(name, *args):
    from dedupe.kernels.reference import twins

    got, want = getattr(twins, name)(*args), getattr(compiled, name)(*args)
    if isinstance(want, tuple):
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            assert np.asarray(g).tolist() == np.asarray(w).tolist(), name
    else:
        assert np.asarray(got).tolist() == np.asarray(want).tolist(), name


@given(texts_strategy, st.integers(1, 4))
@settings(max_examples=100, deadline=None)
def test_reference_twins_give_the_compiled_values(texts, n):
    from dedupe.kernels.charclass import classes
    from dedupe.kernels.codepoints import casefold
    from dedupe.kernels.scripts import LOWEST_LEAD_BYTE, token_classes

    texts = [*texts, "Mixed 東京 text, عربي and ‘quotes’ __ — ÉTÉ ﬁ"]
    buf, offsets = kernels.encode_batch(texts)
    for name in ("word_hashes", "char_hashes"):
        _twins_agree(name, buf, offsets, n)
    _twins_agree("auto_hashes", buf, offsets, n, token_classes())
    _twins_agree("has_character_tokens", buf, token_classes(), LOWEST_LEAD_BYTE)
    _twins_agree("xxh32", buf, 0, len(buf))
    hashes, hash_offsets = compiled.word_hashes(buf, offsets, n)
    _twins_agree("unique_segments", hashes, hash_offsets)
    hasher = MinHasher(16, 1)
    _twins_agree("minhash", hashes, hash_offsets, hasher.a, hasher.b)
    docs = np.arange(7, 7 + len(texts), dtype=np.int64)
    for head, head_rate, rate in ((64, 4, 16), (2, 1, 3), (0, 1, 0)):
        _twins_agree(
            "sign_batch", hashes, hash_offsets, hasher.a, hasher.b, docs, head, head_rate, rate
        )
    values, set_offsets = compiled.unique_segments(hashes, hash_offsets)
    pairs = np.array([[i, j] for i in range(len(texts)) for j in range(len(texts))], np.int64)
    _twins_agree("intersections", values, set_offsets, pairs)
    _twins_agree("punctuation_to_spaces", buf, offsets, classes())
    _twins_agree("collapse_spaces", buf, offsets, classes())
    table = casefold()
    maps = (table.single, table.starts, table.multi, table.expansion)
    _twins_agree("map_codepoints", buf, offsets, *maps)
    mask = np.arange(len(texts)) % 2 == 0
    _twins_agree("map_docs", buf, offsets, *maps, mask)
    flagged = np.zeros(len(table.single), dtype=np.uint8)
    flagged[0x6771] = 1  # 東
    _twins_agree("map_or_flag", buf, offsets, *maps, flagged)
    kinds = compiled.lead_kinds(table.single)
    _twins_agree("lead_kinds", table.single)
    _twins_agree("any_byte_in", buf, 0xC3, 0xC3, 0xE4, 0xE6)
    _twins_agree("any_mapped", buf, table.single, kinds)
    from dedupe.default_plugins.normalisers import FUSE_STEPS
    from dedupe.kernels.fuse import compose

    fused, fused_flags = compose(
        [FUSE_STEPS[n]() for n in ("quotes", "casefold", "punctuation", "whitespace")]
    )
    fused_maps = (fused.single, fused.starts, fused.multi, fused.expansion)
    _twins_agree("fused_map", buf, offsets, *fused_maps, fused_flags)
    _twins_agree("fused_map", buf, offsets, *fused_maps, flagged)
    _twins_agree("docs_to_map", buf, offsets, table.single, kinds, 0x41, 0x5A, 0xC3, 0xD6)
    _twins_agree("line_keys", buf, offsets, classes(), *maps[:3])
    from dedupe.default_plugins.chrome import _FIRST_WORDS
    from dedupe.default_plugins.chrome_lines import RESERVED_LINE, tables

    chrome = [*texts, "Home » News\nTags: a\n(c) 2024\n" + "text " * 50, "Tous droits réservés"]
    chrome_buf, chrome_offsets = kernels.encode_batch(chrome)
    _twins_agree(
        "chrome_candidates", chrome_buf, chrome_offsets, *tables(_FIRST_WORDS), 200, RESERVED_LINE
    )
    _twins_agree("chrome_candidates", chrome_buf, chrome_offsets, *tables(_FIRST_WORDS), 8, 4)
    from dedupe.figures.edits import _vocabulary
    from dedupe.kernels.charclass import word_classes

    connectors, figures, spellings = _vocabulary()
    folds = (table.single, table.starts, table.multi)
    for text in [*texts, "İstanbul of De\u00a0Σ de\u2003x x", "", "Two MILLION ﬁrst 12% ǅx"]:
        cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        _twins_agree("word_table", cps, word_classes(), connectors)
        made = (*compiled.word_table(cps, word_classes(), connectors), cps)
        half_cps = cps[: len(cps) // 2].copy()
        half = (*compiled.word_table(half_cps, word_classes(), connectors), half_cps)
        for x, y in ((made, half), (half, made), (made, made)):
            _twins_agree("differing", x, y, word_classes(), *folds, figures, spellings)


@given(texts_strategy, st.integers(1, 4))
@settings(max_examples=50, deadline=None)
def test_sign_batch_gives_the_signatures_anchors_and_sets_of_the_separate_stages(texts, n):
    from dedupe.candidates.anchors import AnchorSettings, select_anchors

    texts = [*texts, "the same words the same words again and again " * 40]
    hashes, offsets = kernels.word_hashes(texts, n)
    hasher = MinHasher(32, 3)
    docs = np.arange(3, 3 + len(texts), dtype=np.int64)
    anchors = AnchorSettings()
    sig, packed, values, set_offsets = kernels.sign(
        hashes, offsets, hasher.a, hasher.b, docs, anchors
    )
    assert sig.tolist() == hasher(hashes, offsets).tolist()
    assert packed.tolist() == select_anchors(hashes, offsets, docs, anchors).tolist()
    want_values, want_offsets = kernels.unique_segments(hashes, offsets)
    assert values.tolist() == want_values.tolist()
    assert set_offsets.tolist() == want_offsets.tolist()
    assert len(kernels.sign(hashes, offsets, hasher.a, hasher.b, docs, None)[1]) == 0


def test_batches_with_a_lone_surrogate_encode_and_decode_as_surrogatepass_does():
    """The strict codec's fast path, and surrogatepass for a batch it refuses: the same
    bytes either way, and the texts back."""
    from dedupe import kernels

    for texts in (["l’été « déjà »", "plain"], ["l’été", "a lone \ud800 surrogate", "x"]):
        buf, offsets = kernels.encode_batch(texts)
        assert buf.tobytes() == "".join(texts).encode("utf-8", "surrogatepass")
        assert offsets.tolist()[-1] == len(buf)
        assert kernels.decode_batch(buf, offsets) == texts


def _utf8_cases() -> list[bytes]:
    """Byte strings at every edge of UTF-8 (overlong forms, surrogates, past U+10FFFF, cut
    sequences, stray continuation bytes, carriage returns and byte order marks) inside ASCII
    runs of every length, and random ones."""
    import random

    edges = [
        "l’été « déjà » 中文 العربية 😀".encode(),
        b"\xc0\xaf", b"\xc1\xbf", b"\xc2\x80", b"\xdf\xbf", b"\xe0\x9f\xbf", b"\xe0\xa0\x80",
        b"\xed\x9f\xbf", b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xee\x80\x80", b"\xef\xbf\xbf",
        b"\xf0\x8f\xbf\xbf", b"\xf0\x90\x80\x80", b"\xf4\x8f\xbf\xbf", b"\xf4\x90\x80\x80",
        b"\xf5\x80\x80\x80", b"\xff", b"\x80", b"\xbf", b"\xe2\x82", b"\xf0\x9f\x98", b"\xc3",
        b"\xe2\x28\xa1", b"\xc3\x28", b"\r", b"\r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbe",
    ]  # fmt: skip
    cases = [b""]
    for edge in edges:
        for before in range(0, 6):
            for after in range(0, 6):
                cases.append(b"a" * before + edge + b"b" * after)
    rng = random.Random(7)
    alphabet = [
        b"a",
        b"\xc3\xa9",
        b"\xe2\x80\x99",
        b"\xf0\x9f\x98\x80",
        b"\n",
        b"\r",
        b"\xef\xbb\xbf",
    ]
    for _ in range(2000):
        good = b"".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 40)))
        if rng.random() < 0.5:  # one byte changed at random
            at = rng.randrange(len(good))
            good = good[:at] + bytes([rng.randrange(256)]) + good[at + 1 :]
        cases.append(good)
    return cases


def test_utf8_is_checked_as_pythons_strict_codec_takes_it():
    import numpy as np

    from dedupe import kernels
    from dedupe.kernels.reference import twins

    valid = invalid = marked = 0
    for data in _utf8_cases():
        try:
            data.decode("utf-8")
            want = True
        except UnicodeDecodeError:
            want = False
        buf = np.frombuffer(data, dtype=np.uint8)
        assert bool(compiled.valid_utf8(buf, False)) is want, data
        assert bool(twins.valid_utf8(buf, False)) is want, data
        assert kernels.is_utf8(data) is want, data
        # plain: also no carriage return and no byte order mark, wherever they stand
        plain = want and b"\r" not in data and b"\xef\xbb\xbf" not in data
        assert bool(compiled.valid_utf8(buf, True)) is plain, data
        assert bool(twins.valid_utf8(buf, True)) is plain, data
        assert kernels.is_utf8(data, plain=True) is plain, data
        valid, invalid = valid + want, invalid + (not want)
        marked += want and not plain
    assert valid > 500 and invalid > 500 and marked > 100
