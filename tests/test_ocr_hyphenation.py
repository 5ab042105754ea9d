"""The ``hyphenation`` normaliser: words broken at line ends joined, compounds kept, ordinary
text left alone, and nothing to do costs nothing."""

from __future__ import annotations

import json

import pytest

from dedupe import Engine
from dedupe.default_plugins.ocr import HYPHENATION
from dedupe.hyphenation import dehyphenate
from dedupe.presets import OCR_NORMALISERS
from dedupe.testing import check_normaliser

from .conftest import DATA, EXAMPLES, data_dir


@pytest.mark.parametrize(
    "text,expected",
    [
        ("il y a quel-\nques jours", "il y a quelques jours"),
        ("les ventes d'antipy-\nrine", "les ventes d'antipyrine"),
        ("the news-\n  paper of the day", "the newspaper of the day"),
        ("Windows line \u00e9-\r\nnds", "Windows line \u00e9nds"),
        # A soft hyphen and the Fraktur marks are always breaks.
        ("Eisen\u00ad\nbahn und Eisen\u00ac\nbahn", "Eisenbahn und Eisenbahn"),
        # Compounds: a capital or a digit after the hyphen, a word written after a hyphen, or
        # the hyphenated form used elsewhere in the text.
        ("New-\nYork et Paris", "New-York et Paris"),
        ("l'hiver 1899-\n1900", "l'hiver 1899-1900"),
        ("lui-\nmême, dit-\nil, vingt-\nquatre fois", "lui-même, dit-il, vingt-quatre fois"),
        ("my mother-\nin-law", "my mother-in-law"),
        ("le train-\nposte, puis le train-poste", "le train-poste, puis le train-poste"),
        # Without a hyphen, only on the text's own evidence.
        ("il est de\nvant la porte, devant lui", "il est devant la porte, devant lui"),
        ("de sé\nrieuses études", "de sé\nrieuses études"),
        ("some\ntimes, and at times", "some\ntimes, and at times"),
        ("a dash -\nnot a word", "a dash -\nnot a word"),
        ("end of a sentence.\nNext one", "end of a sentence.\nNext one"),
    ],
)
def test_broken_words_are_joined_and_compounds_kept(text, expected):
    assert dehyphenate(text) == expected


def test_a_text_without_line_breaks_is_returned_as_it_is():
    text = "Une ligne sans retour, avec des traits-d'union et des mots-clés. " * 50
    assert dehyphenate(text) is text


def test_it_keeps_the_normaliser_contract_on_ocr_text():
    samples = [(EXAMPLES / "news" / "flood-original.txt").read_text("utf-8")]
    path = DATA / "ocr-dev" / "corpus.jsonl"
    if path.exists():
        with open(path, encoding="utf-8") as f:
            samples += [json.loads(line)["text"] for _, line in zip(range(50), f, strict=False)]
    check_normaliser(HYPHENATION, samples=samples, max_examples=150)


def test_ordinary_text_is_unchanged():
    """Paragraphs end with punctuation, so clean text with line breaks keeps every one."""
    for path in sorted((EXAMPLES / "news").glob("*.txt")):
        text = path.read_text("utf-8")
        assert dehyphenate(text) == text, path.name


def test_real_ocr_reprints_share_more_word_shingles_once_joined():
    """On real OCR'd reprints (ocr-dev) the words of two printings, broken at other line ends,
    agree more once the breaks are undone: word 5-gram containment rises for most pairs."""
    folder = data_dir("ocr-dev")
    texts = {}
    with open(folder / "corpus.jsonl", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            texts[row["id"]] = row["text"]
    mates: dict[str, list[str]] = {}
    with open(folder / "truth.jsonl", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            mates.setdefault(row["cluster"], []).append(row["id"])
    pairs = [ids for ids in mates.values() if len(ids) == 2][:120]
    plain = Engine(normalise="casefold,punctuation,whitespace", load_plugins=False)
    joined = Engine(normalise="hyphenation,casefold,punctuation,whitespace", load_plugins=False)

    def containment(engine: Engine, a: str, b: str) -> float:
        grams = [
            {tuple(words[i : i + 5]) for i in range(len(words) - 4)}
            for words in (engine.chain.one(a).split(), engine.chain.one(b).split())
        ]
        return len(grams[0] & grams[1]) / max(1, min(len(grams[0]), len(grams[1])))

    before = [containment(plain, texts[a], texts[b]) for a, b in pairs]
    after = [containment(joined, texts[a], texts[b]) for a, b in pairs]
    better = sum(y > x for x, y in zip(before, after, strict=True))
    worse = sum(y < x for x, y in zip(before, after, strict=True))
    assert better > 0.6 * len(pairs) and worse < 0.05 * len(pairs)
    assert sum(after) / len(after) > sum(before) / len(before) + 0.05


def test_the_ocr_preset_does_not_need_it_for_its_shingles():
    """Character n-grams of the text without spaces are the same with or without joining:
    the preset leaves it out of its signature chain (the aligned scorer applies it)."""
    path = DATA / "ocr-dev" / "corpus.jsonl"
    texts = [(EXAMPLES / "news" / "flood-original.txt").read_text("utf-8"), "quel-\nques, A-\nB"]
    if path.exists():
        with open(path, encoding="utf-8") as f:
            texts += [json.loads(line)["text"] for _, line in zip(range(200), f, strict=False)]
    assert "hyphenation" not in OCR_NORMALISERS
    chain = ",".join(n for n in OCR_NORMALISERS if n not in ("html", "chrome", "boilerplate"))
    without = Engine(normalise=chain, load_plugins=False).chain
    at = chain.index("scripts")
    with_it = Engine(normalise=chain[:at] + "hyphenation," + chain[at:], load_plugins=False).chain
    assert with_it(texts) == without(texts)
