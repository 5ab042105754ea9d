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
