"""``chrome`` on a batch (the candidate-line kernel, then the rules on those lines) gives
``strip_chrome``'s text for every document: real pages of every dev set, and generated pages
made of chrome lines, their near misses and random text."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe import kernels
from dedupe.default_plugins import chrome_lines
from dedupe.default_plugins.chrome import _FIRST_WORDS, SHORT, strip_chrome, strip_chrome_batch
from dedupe.default_plugins.main_content import main_text
from dedupe.kernels.charclass import SPACE, classes
from dedupe.kernels.codepoints import SIZE

from .conftest import data_dir

pytest.importorskip("numba")


def _batch(texts: list[str]) -> list[str]:
    """``strip_chrome_batch`` on the compiled kernels, whatever backend the tests run on."""
    from dedupe.kernels import compiled

    saved = kernels.BACKEND, kernels._impl
    kernels.BACKEND, kernels._impl = "compiled", compiled
    try:
        assert kernels.active() == "compiled"
        return strip_chrome_batch(texts)
    finally:
        kernels.BACKEND, kernels._impl = saved


def test_whitespace_and_case_folding_are_what_strip_and_casefold_use():
    """The kernels strip what ``str.strip`` strips (``re``'s ``\\s`` is ``str.isspace``), and
    case folding never makes or removes whitespace (so stripping, then folding a line, gives
    what folding the text, then stripping its lines, gives)."""
    spaces = classes() == SPACE
    for cp in range(SIZE):
        c = chr(cp)
        assert bool(spaces[cp]) == c.isspace(), hex(cp)
        folded = c.casefold()
        assert folded and (folded == c if c.isspace() else not any(x.isspace() for x in folded))


def _texts(name: str) -> list[str]:
    path = data_dir(name) / "corpus.jsonl"
    with open(path, encoding="utf-8") as f:
        return [json.loads(line).get("text", "") for line in f if line.strip()]


@pytest.mark.parametrize(
    "name", ["syndication-dev", "html-dev", "intl-dev/zh", "intl-dev/ja", "intl-dev/ar"]
)
def test_batch_gives_strip_chrome_on_real_pages(name):
    texts = [main_text(t) for t in _texts(name)]  # what chrome gets: after html
    want = [strip_chrome(t) for t in texts]
    assert sum(w != t for w, t in zip(want, texts, strict=True)) > 10  # chrome was removed
    assert _batch(texts) == want


CHROME = [
    "Source link",
    "Read more at the source.",
    "Share on Facebook Share on X Email",
    "Tags: London",
    "Comments (0)",
    "(c) 2024 The Daily",
    "© Metro",
    "Copyright 2005. All rights reserved.",
    "Tous droits réservés",
    "Contents ALL RIGHTS RESERVED by us",
    "BREAKING",
    "Par Jean Dupont et Marie Curie, AFP",
    "By Jane Doe | Daily Wire",
    "Accueil > Actualités > Culture",
    "Home » News » World",
    "Homepage » World",
    "ACCUEILLIR les réfugiés",
    "Oscars steer clear of controversy | The Daily Herald",
    "Oscars steer clear of controversy - Le Monde",
    "You may also like",
    "À lire aussi :",
    "Correction: " + "an earlier version of this story misstated the figures. " * 6,
    "Editor’s note: " + "this story was updated. " * 12,
    "Lıre la suite",
    "Straße | Site",
    "Share" + " " * 250,
    " " * 250 + "Tags: x",
    "新闻标题在这里",
    "来源：新华网",
]
WORDS = st.text(
    alphabet=st.sampled_from(list("abcdeéßı 東|–-©(0129\t\r\u2028\u00a0.:»")), max_size=40
)


@given(st.lists(st.one_of(st.sampled_from(CHROME), WORDS, st.just("")), max_size=14))
@settings(max_examples=300, deadline=None)
def test_batch_gives_strip_chrome_on_generated_pages(lines):
    page = "\n".join(lines)
    body = "A paragraph of the article itself, long enough to be its text. " * 5
    texts = [page, f"{body}\n{page}", f"{page}\n{body}\n{body}", page.upper()]
    assert _batch(texts) == [strip_chrome(t) for t in texts]


def test_only_a_few_lines_of_a_page_are_tried():
    from dedupe.kernels import compiled

    texts = [main_text(t) for t in _texts("syndication-dev")]
    buf, offsets = kernels.encode_batch(texts)
    full, lines, _, counts = compiled.chrome_candidates(
        buf, offsets, *chrome_lines.tables(_FIRST_WORDS), SHORT, chrome_lines.RESERVED_LINE
    )
    nonblank = sum(len(re.findall(r"\S.*", t)) for t in texts)
    assert full.sum() < len(texts) / 20 and 0 < len(lines) < nonblank / 3
    assert counts[-1] == len(lines)


def test_the_kinds_cached_on_disk_are_the_kinds_built():
    assert (chrome_lines.kinds() == chrome_lines._build_kinds()).all()
    kind = chrome_lines.kinds()
    assert kind[ord("é")] == 1 and kind[ord("1")] == 0 and kind[ord("_")] == 0
    assert kind[ord("\u00a0")] == 2 and kind[ord("東")] == kind[ord("ß")] == 4


def _rule_words() -> list[str]:
    """Every run of letters in the rules' patterns and first words (what a line of chrome
    is made of), with their completions' words."""
    from dedupe.default_plugins.chrome import _RULES, SECOND_WORDS

    words = {w for _, first, pattern in _RULES for w in re.findall(r"[^\W\d_]+", first + pattern)}
    words |= {w for seconds in SECOND_WORDS.values() for w in seconds}
    return sorted(words | {"même", "également", "réfugiés", "Monde", "France", "était"})


_SEPARATORS = [" ", "", "  ", "\t", ":", " : ", "-", "'", "’", " » ", "\u00a0"]


def test_second_words_are_all_a_rule_can_follow_its_first_word_with():
    """A line opening with a first word of ``SECOND_WORDS`` matches its rule only when one
    space and one of its words follow: every pair of the rules' words, joined every way and
    completed by the rules' words, checked against the rule."""
    from dedupe.default_plugins.chrome import _BY_FIRST_WORD, SECOND_WORDS

    vocabulary = _rule_words()
    tails = ["", " aussi", " ici", " sur Le Monde", " même sujet", " thème", " also like", " lus"]
    tails += [" rubrique", " la suite", " spéciaux", " AFP", ".", " :"]
    matched = 0
    for first, seconds in SECOND_WORDS.items():
        rules = [rule for _, rule in _BY_FIRST_WORD[first]]
        for opening in (first, first.upper(), first.capitalize()):
            for sep in _SEPARATORS:
                for second in vocabulary:
                    for tail in tails:
                        line = opening + sep + second + tail
                        if any(rule.match(line) for rule in rules):
                            matched += 1
                            following = re.match(r"[^\W\d_]+", line[len(first) + 1 :])
                            assert sep == " " and following, line
                            assert following.group().casefold() in seconds, line
    assert matched > 100  # (the completions make real chrome lines of each rule)


#: Lines of the rules' words (and of prose openings that share a rule's first word).
_OPENINGS = ["La", "À", "EN", "De", "From", "More", "You", "A", "Les", "C'est", "Nos"]
LINES = st.lists(st.sampled_from([*_rule_words(), *_OPENINGS]), min_size=1, max_size=6)


@given(st.lists(st.tuples(LINES, st.sampled_from(_SEPARATORS)), max_size=10))
@settings(max_examples=300, deadline=None)
def test_batch_gives_strip_chrome_on_lines_of_the_rules_words(lines):
    page = "\n".join(sep.join(words) for words, sep in lines)
    body = "A paragraph of the article itself, long enough to be its text. " * 5
    texts = [page, f"{body}\n{page}", f"{page}\n{body}", page.upper()]
    assert _batch(texts) == [strip_chrome(t) for t in texts]
