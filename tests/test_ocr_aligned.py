"""The ``aligned`` scorer: a reprint with OCR errors verifies, a notice on the same formula with
other names and figures does not, and the compiled and Python kernels agree."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from dedupe import aligned
from dedupe.testing import check_scorer, isolated_engine, score_texts

from .conftest import DATA, EXAMPLES
from .ocr_formulas import ENGLISH, FRENCH, notice
from .ocr_noise import Noise, char_error_rate, ocr_copy

STORIES = ["flood-original", "council-budget-original", "earnings-original", "transfer-original"]
THRESHOLD = 0.4  # the ocr preset's


def story(name: str) -> str:
    return (EXAMPLES / "news" / f"{name}.txt").read_text("utf-8")


@pytest.fixture(scope="module")
def scorer():
    engine = isolated_engine(preset="ocr")
    return engine, engine.registry.get("scorer", "aligned")


def test_the_noise_model_reads_at_the_rate_it_is_given():
    text = story("flood-original")[:1500]  # a Levenshtein distance in Python: a short text
    for rate in (0.03, 0.08):
        measured = [
            char_error_rate(text, ocr_copy(text, seed, Noise(rate=rate))) for seed in (1, 2, 3)
        ]
        assert rate * 0.6 < np.mean(measured) < rate * 2.0


@pytest.mark.parametrize("rate", [0.05, 0.10])
def test_two_printings_read_with_5_to_10_percent_errors_verify(scorer, rate):
    """Each printing has its own errors (the pair differs by about twice the rate), its own
    line ends and hyphenation; word 5-grams barely survive, the aligned score does."""
    engine, aligned_scorer = scorer
    words = engine.registry.get("shingle unit", "word")
    for k, name in enumerate(STORIES):
        text = story(name)
        a = ocr_copy(text, 10 * k + 1, Noise(rate=rate))
        b = ocr_copy(text, 10 * k + 2, Noise(rate=rate))
        assert score_texts(aligned_scorer, a, b, engine) >= THRESHOLD, name
        grams = [set(words.shingles(" ".join(t.lower().split()), 5)) for t in (a, b)]
        assert len(grams[0] & grams[1]) / min(map(len, grams)) < 0.5


def test_a_cut_reprint_verifies_against_the_whole(scorer):
    engine, aligned_scorer = scorer
    text = story("council-budget-original")
    cut = text[: len(text) // 2]
    a = ocr_copy(text, 3, Noise(rate=0.05))
    b = ocr_copy(cut, 4, Noise(rate=0.05))
    assert score_texts(aligned_scorer, a, b, engine) >= 0.7


@pytest.mark.parametrize("language,formulas", [("en", ENGLISH), ("fr", FRENCH)])
def test_notices_on_one_formula_with_other_names_and_figures_do_not(scorer, language, formulas):
    """Ship arrivals, market prices, sales, deaths, strayed animals, meetings, auctions, civil
    registers: most pairs of two different notices on one formula stay below the threshold,
    and the same notice printed twice stays above it."""
    engine, aligned_scorer = scorer
    passed = total = 0
    for f in range(len(formulas)):
        texts = [notice(language, f, seed) for seed in range(6)]
        noisy = [ocr_copy(t, 100 + k, Noise(rate=0.03)) for k, t in enumerate(texts)]
        for i in range(len(noisy)):
            for j in range(i + 1, len(noisy)):
                passed += score_texts(aligned_scorer, noisy[i], noisy[j], engine) >= THRESHOLD
                total += 1
        again = ocr_copy(texts[0], 999, Noise(rate=0.03))
        assert score_texts(aligned_scorer, noisy[0], again, engine) >= THRESHOLD
    assert passed <= 0.1 * total, f"{passed} of {total} pairs of different notices passed"


def test_another_figure_or_name_counts_a_misread_letter_does_not():
    base = (
        "The steamer Columbia, Captain Hiram Walker, arrived at Portland on Tuesday with 340 "
        "passengers and a cargo of salt and iron from Liverpool after a passage of 19 days. "
        "She reports fine weather and spoke the bark Neptune of Boston on the 12th."
    )
    misread = base.replace("Walker", "Wa1ker").replace("passengers", "passcngers")
    other = base.replace("Hiram Walker", "Amos Peterson").replace("340", "125")
    other = other.replace("Portland", "Savannah").replace("19 days", "42 days")
    other = other.replace("Neptune", "Minerva").replace("Boston", "Salem")
    assert aligned.text_score(base, misread) > 0.95
    # 7 of its 12 names and figures are others: another notice on the same formula.
    assert aligned.text_score(base, other) < THRESHOLD
    spelled = base.replace("19 days", "nineteen days")
    assert aligned.text_score(base, spelled) > 0.9


def test_a_figure_spelled_out_against_digits_is_no_other_figure():
    """ocr-dev holds such pairs: one paper prints "trente-huit sièges", the other "38 sièges"."""
    words = (
        "ROME, 11. - Dimanche ont eu lieu les scrutins de ballottage pour trente-huit sièges. "
        "Vingt-cinq résultats sont connus : ils donnent quinze ministériels, cinq membres de "
        "l'opposition constitutionnelle et cinq candidats de l'extrême gauche. A Turin, le "
        "candidat socialiste a été battu par un ministériel."
    )
    digits = words.replace("trente-huit", "38").replace("Vingt-cinq", "25")
    digits = digits.replace("quinze", "15").replace("cinq membres", "5 membres")
    assert aligned.text_score(words, digits) > 0.9
    other = words.replace("trente-huit", "quarante").replace("Vingt-cinq", "Douze")
    assert aligned.text_score(words, other) < aligned.text_score(words, digits)


def test_another_address_or_signature_at_the_end_differs():
    """Two sale notices alike but for who sells and where: the address comes last, with
    nothing aligned after it, and is compared with the other's; the same notice read again
    with misread letters in the address is still one."""
    body = (
        "A VENDRE, pour cause de départ, un piano en palissandre, en très bon état, ainsi que "
        "un mobilier de salon. Prix modéré. S'adresser à M. "
    )
    a = body + "Pierre Bonnet, rue du Marché 32, Bex."
    b = body + "Louise Rochat, rue Centrale 7, Nyon."
    misread = body.replace("palissandre", "palissaudre") + "Pierre Bounet, rue du Marché 32, Bcx."
    assert aligned.text_score(a, b) < THRESHOLD
    assert aligned.text_score(a, misread) > 0.7
    # A long reprint cut short: what the longer text goes on with is not compared.
    text = story("council-budget-original")
    assert aligned.text_score(text, text[: len(text) // 2]) > 0.95


def test_edge_cases_are_scores_in_range():
    assert aligned.text_score("", "") == 1.0
    assert aligned.text_score("", "some text here") == 0.0
    assert aligned.text_score("a b c", "abc") == 1.0
    same = story("flood-original")
    assert aligned.text_score(same, same) == 1.0
    # A title is not covered by the article that repeats it.
    assert aligned.text_score(same.splitlines()[0], same) < 0.8


def test_it_keeps_the_scorer_contract(scorer):
    engine, aligned_scorer = scorer
    docs = [(name, ocr_copy(story(name), 7, Noise(rate=0.05))) for name in STORIES]
    docs += [(f"{name}-again", ocr_copy(story(name), 8, Noise(rate=0.05))) for name in STORIES]
    check = check_scorer(aligned_scorer, docs, engine=engine)
    assert check.scores.max() >= THRESHOLD


def test_compiled_and_python_kernels_agree(tmp_path):
    """The same code runs compiled (numba) and as Python (``DEDUPE_KERNELS=reference``):
    identical scores."""
    texts = [story(name) for name in STORIES]
    texts += [ocr_copy(t, 5, Noise(rate=0.08)) for t in texts]
    texts += [notice("en", f, 3) for f in range(len(ENGLISH))]
    path = DATA / "ocr-dev" / "corpus.jsonl"
    if path.exists():
        with open(path, encoding="utf-8") as f:
            texts += [json.loads(line)["text"] for _, line in zip(range(30), f, strict=False)]
    rng = np.random.default_rng(3)
    pairs = np.concatenate([[[k, k + 4] for k in range(4)], rng.integers(0, len(texts), (60, 2))])
    (tmp_path / "in.json").write_text(json.dumps({"texts": texts, "pairs": pairs.tolist()}))
    script = (
        "import json, sys; from dedupe import aligned, kernels; "
        "d = json.load(open(sys.argv[1])); "
        "s = aligned.scores(aligned.Seeds(d['texts']), d['pairs']); "
        "print(json.dumps([kernels.BACKEND, s.tolist()]))"
    )
    results = {}
    for backend in ("compiled", "reference"):
        env = {**os.environ, "DEDUPE_KERNELS": backend}
        out = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path / "in.json")],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        name, values = json.loads(out.stdout)
        assert name == backend
        results[backend] = values
    assert results["compiled"] == results["reference"]
    assert min(results["compiled"][:4]) >= THRESHOLD
