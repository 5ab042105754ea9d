"""Normalise stage: each built-in normaliser, the default chain, totality and idempotence."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe import Engine, Normaliser
from dedupe.config import DEFAULT_NORMALISERS
from dedupe.default_plugins.normalisers import BUILTIN
from dedupe.normalise import Chain


@pytest.mark.parametrize(
    "name,text,expected",
    [
        (
            "html",
            "<p>Hello <b>world</b></p><script>var x=1;</script>&amp; more",
            "\nHello  world \n & more",
        ),
        ("html", "a &lt;p&gt;escaped&lt;/p&gt; tag", "a \nescaped\n tag"),
        ("html", "<!-- note -->x < y and y > z", " x < y and y > z"),
        ("nfkc", "ﬁnance ５０ km\u00a0h", "finance 50 km h"),
        ("quotes", "« Bonjour » “hi” l’été… — fin", '" Bonjour " "hi" l\'été... - fin'),
        ("casefold", "Straße ÉTÉ", "strasse été"),
        ("accents", "Été déjà çà", "Ete deja ca"),
        ("punctuation", "end.Start, (really)!", "end Start   really "),
        ("whitespace", "  a \t b\n\n c\u3000d ", "a b c d"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 12 else None,
)
def test_builtin_normalisers(name, text, expected):
    func, _ = BUILTIN[name]
    assert func(text) == expected


@pytest.mark.parametrize("name", sorted(BUILTIN))
@given(text=st.text(max_size=200))
def test_normalisers_are_total_and_idempotent(name, text):
    func, _ = BUILTIN[name]
    once = func(text)
    assert isinstance(once, str)
    assert func(once) == once


@given(text=st.text(alphabet=st.sampled_from(list("<>&;#pP/ab x1é“’«»")), max_size=60))
def test_html_idempotent_on_markup_soup(text):
    func, _ = BUILTIN["html"]
    assert func(func(text)) == func(text)


def test_default_chain_folds_typographic_copies_together(engine):
    chain = engine.chain
    assert chain.names == list(DEFAULT_NORMALISERS)
    straight = 'He said: "It\'s over." <p>The END</p>'
    curly = "He said: “It’s over.”   The end"
    assert chain.one(straight) == chain.one(curly) == "he said it s over the end"


def test_chain_of_plugin_normalisers_batch_and_single():
    upper = Normaliser("upper", str.upper)
    rev = Normaliser("rev", lambda texts: [t[::-1] for t in texts], batch=True)
    assert Chain([upper, rev])(["ab", "cd"]) == ["BA", "DC"]
    broken = Normaliser("broken", lambda texts: texts[:1], batch=True)
    with pytest.raises(ValueError, match="returned 1 texts for 2"):
        broken(["a", "b"])


def test_accent_folding_is_opt_in(seed_texts):
    default = Engine(load_plugins=False)
    folded = Engine(load_plugins=False, normalise=[*DEFAULT_NORMALISERS, "accents"])
    text = seed_texts["lemonde_original.txt"]
    assert "é" in default.chain.one(text)
    assert "é" not in folded.chain.one(text)


def test_byte_kernels_and_text_path_agree(engine, syndication):
    from dedupe import kernels

    from .conftest import read_jsonl

    texts = [r["text"] for r in read_jsonl(syndication / "corpus.jsonl")[:300]]
    texts += ["", "  ", "a_b!!c  d", "é\u00a0ü\u3000x"]
    buf, offsets = engine.chain.encoded(texts)
    assert kernels.decode_batch(buf, offsets) == engine.chain(texts)
    assert kernels.decode_batch(buf, offsets) == [
        " ".join(kernels.reference.PUNCTUATION.sub(" ", t).split())
        for t in Chain(engine.chain.normalisers[:-2])(texts)
    ]


def _text_path(chain: Chain) -> Chain:
    """The same normalisers, each on Python strings (no byte kernel, no fusion)."""
    import dataclasses

    return Chain([dataclasses.replace(n, bytes_func=None, fuse=None) for n in chain.normalisers])


def _fused_part(engine) -> Chain:
    chain = engine.chain
    runs = chain._fused_runs()
    assert runs, "the default chain has a fused run"
    ((start, end),) = runs.items()
    assert chain.names[start:end] == [
        "nfkc", "quotes", "scripts", "casefold", "punctuation", "whitespace"
    ]  # fmt: skip
    return Chain(chain.normalisers[start:end])


def test_fused_byte_chain_gives_the_text_path_on_real_data(engine, syndication):
    """The default chain's byte normalisers, fused into one kernel pass, give what each
    normaliser gives on Python strings, on news in Latin, Chinese, Japanese and Arabic script
    (documents the kernel flags for NFKC included)."""
    from dedupe import kernels

    from .conftest import data_dir, read_jsonl

    fused = _fused_part(engine)
    texts = [r["text"] for r in read_jsonl(syndication / "corpus.jsonl")[:400]]
    for lang in ("zh", "ja", "ar"):
        texts += [r["text"] for r in read_jsonl(data_dir("intl-dev") / lang / "corpus.jsonl")[:60]]
    texts += ["", "  ", "a_b!!c  d", "é\u00a0ü\u3000x", "ﬁne Straße ΐ “q” — x…y", "b\u200bc \t\n"]
    buf, offsets = fused.encoded(texts)
    assert kernels.decode_batch(buf, offsets) == _text_path(fused)(texts)


@given(st.lists(st.text(max_size=40), min_size=1, max_size=8))
@settings(max_examples=200, deadline=None)
def test_fused_byte_chain_gives_the_text_path_on_any_text(texts):
    from dedupe import kernels

    fused = _fused_part(Engine(load_plugins=False))
    buf, offsets = fused.encoded(texts)
    assert kernels.decode_batch(buf, offsets) == _text_path(fused)(texts)
