"""The words two texts do not share (dedupe/figures/edits.py): copies edited throughout are
settled without a full reading, a changed figure, spelled figure or many changed names are
not (real Reuters-21578 wire copy, and a short story whose characters are renamed)."""

from __future__ import annotations

import pytest

from dedupe.figures import extract, score
from dedupe.figures.edits import Words, same_figures
from dedupe.figures.sketch import agree, sketch

from .conftest import reuters_wire


@pytest.fixture(scope="module")
def reuters_texts() -> dict[str, str]:
    return reuters_wire()


def _edited_throughout(text: str) -> str:
    """Every sentence with a lower-case word changed, the whitespace reflowed, a header."""
    out = []
    for sentence in text.split(". "):
        words = sentence.split()
        for k, word in enumerate(words):
            if word.isalpha() and word.islower() and len(word) > 3:
                words[k] = "thing"
                break
        out.append(" ".join(words))
    return "Home News " + ". ".join(out)


def test_a_copy_edited_throughout_is_settled_by_its_words(reuters_texts):
    story = reuters_texts["3322"]
    copy = _edited_throughout(story)
    shared = set(sketch(story).sentences) & set(sketch(copy).sentences)
    assert shared == {"Reuter"}  # no sentence of the story left as it was
    assert same_figures(Words(story), Words(copy), names=True)
    assert agree(sketch(story), sketch(copy))
    assert score(extract(story), extract(copy)) >= 0.7  # the full reading agrees


@pytest.mark.parametrize(
    ("old", "new"),
    [("six pct", "6-1/4 pct"), ("six pct", "seven pct"), ("1.5 billion", "1.5 mln")],
    ids=["number", "spelled", "scale"],
)
def test_a_changed_figure_is_not_settled_by_the_words(reuters_texts, old, new):
    story = reuters_texts["7207"]  # the Fed's repurchase notice: "trading at six pct"
    assert old in story
    changed = _edited_throughout(story.replace(old, new))
    assert not same_figures(Words(story), Words(changed), names=True)
    assert not same_figures(Words(story), Words(changed), names=False)


def test_many_changed_names_are_not_settled_by_the_words():
    story = (
        "Marie Duclos quitta Lyon au matin. Elle retrouva Pierre Morel et Jeanne Roux a la "
        "gare. Pierre parla longtemps avec Jeanne de la ferme de Saint-Genis."
    )
    renamed = (
        story.replace("Marie Duclos", "Louise Garnier")
        .replace("Pierre", "Henri")
        .replace("Jeanne", "Claire")
    )
    assert same_figures(Words(story), Words(story.replace("matin", "soir")), names=True)
    assert not same_figures(Words(story), Words(renamed), names=True)
    assert same_figures(Words(story), Words(renamed), names=False)  # figures alone agree


def _same_figures_by_strings(a: str, b: str, *, names: bool) -> bool:
    """The definition of :func:`same_figures` on sets of word strings (what the table of
    word hashes stands for)."""
    import re
    from collections import Counter

    from dedupe.figures.edits import _FIGURE_WORDS, _SPELLED, _SPELLING_WORDS, NAMES_SHARE
    from dedupe.figures.words import CONNECTORS

    def _figure_words(differing):
        joined = " ".join(differing)
        if re.search(r"[\d%]", joined):
            return True, False
        letters = set(re.findall(r"[^\W\d_]+", joined.casefold()))
        return not _FIGURE_WORDS.isdisjoint(letters), not _SPELLING_WORDS.isdisjoint(letters)

    def _name(word):
        return word != word.lower() or word.lower() in CONNECTORS

    words_a, words_b = a.split(), b.split()
    only_a, only_b = set(words_a) - set(words_b), set(words_b) - set(words_a)
    figure, spelling = _figure_words(only_a | only_b)
    spelled_a, spelled_b = (Counter(_SPELLED.findall(t.casefold())) for t in (a, b))
    if figure or (spelling and spelled_a != spelled_b):
        return False
    if not names:
        return True
    named_a, named_b = [w for w in only_a if _name(w)], [w for w in only_b if _name(w)]
    if not named_a and not named_b:
        return True
    counted_a, counted_b = Counter(words_a), Counter(words_b)
    differing_a = sum(counted_a[w] for w in named_a)
    differing_b = sum(counted_b[w] for w in named_b)
    capitals = sum(w != w.lower() for w in words_a)
    shared = capitals + sum(w in CONNECTORS for w in words_a) - differing_a
    return differing_a + differing_b <= NAMES_SHARE * shared


def test_the_word_tables_decide_as_the_sets_of_words_do(reuters_texts):
    """On real wire copy, each story against the next ones (templated notices of one kind
    side by side) and against an edited copy of itself, in both directions, with and
    without names; the words include capitals that change length in lower case ("İ"),
    connectors written with a capital, and whitespace other than spaces."""
    stories = [reuters_texts[k] for k in sorted(reuters_texts, key=int)[:400]]
    stories += [
        "İstanbul de la Banque of England De Gaulle\u00a0Σ 12\u2003percent",
        "istanbul De la banque of England de gaulle\u00a0σ twelve\u2003percent",
        "Profits rose in the ﬁrst quarter, said the bank on Monday",
        "Profits rose in the second quarter, said the bank on MONDAY",
        "Les bénéfices ont augmenté en FÉVRIER, a dit la banque mardi",
        "Les bénéfices ont augmenté en mars, a dit la banque (deux milliards)",
        "",
    ]
    tables = [Words(text) for text in stories]
    decided = {True: 0, False: 0}
    for i, text in enumerate(stories):
        edited = _edited_throughout(text)
        others = [(text, tables[i], edited, Words(edited))]
        others += [
            (text, tables[i], stories[j], tables[j]) for j in (i + 1, i + 7) if j < len(stories)
        ]
        for a, words_a, b, words_b in others:
            for first, second, x, y in ((a, b, words_a, words_b), (b, a, words_b, words_a)):
                for names in (True, False):
                    want = _same_figures_by_strings(first, second, names=names)
                    assert same_figures(x, y, names=names) == want, (first[:60], second[:60])
                    decided[want] += 1
    assert decided[True] > 200 and decided[False] > 200  # (both answers are tested)


def test_spelled_figures_are_found_as_the_plain_alternation_finds_them(reuters_texts):
    """The spelled-figure pattern's prefix trees match what alternations of the words,
    longer first, match: on real wire copy and on French text with "un", "une", "vingt-et-un"."""
    import re

    from dedupe.figures import edits
    from dedupe.figures import words as vocab

    def plain(words):
        return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))

    number, after = edits._NUMBER_WORDS, edits._AFTER_NUMBERS
    ordinal, of = edits._ORDINAL_WORDS, frozenset(vocab.ORDINAL_OF)
    reference = re.compile(
        rf"(?<![^\W\d_])(?:(?:{plain(number)})(?:-[^\W\d_]+)*[^\w-]+(?:{plain(after)})"
        rf"|(?:{plain(ordinal)})[^\w-]+(?:{plain(of)})|(?:{plain(number)})-[^\W\d_]+)"
        r"(?![^\W\d_])"
    )
    texts = [text.casefold() for text in list(reuters_texts.values())[:3000]]
    texts.append("vingt-et-un ans, une fois, trois milliards, premier trimestre, aucun an")
    found = 0
    for text in texts:
        want = reference.findall(text)
        assert edits._SPELLED.findall(text) == want
        found += len(want)
    assert found > 500
