"""The built-in ``figures`` veto: reading figures, comparing them, subjects and corrections, on
small examples and real Reuters-21578 wire copy; and the default settings on the hand-labelled
Reuters pairs (benchmarks/reuters_pairs.tsv)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from dedupe import Engine
from dedupe.figures import compare, extract, is_correction
from dedupe.figures.extract import tokens
from dedupe.testing import check_scorer

from .conftest import DATA, REPO, data_dir, reuters_wire

LABELS = REPO / "benchmarks" / "reuters_pairs.tsv"


def figures_of(text: str) -> list[tuple]:
    return [value for kind, value in tokens(text) if kind == "f"]


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        ("Shr 81 cts vs 57 cts", [("n", 81.0, 0.0), ("n", 57.0, 0.0)]),
        ("Net 3,660,273 vs 2,437,914", [("n", 3660273.0, 0.0), ("n", 2437914.0, 0.0)]),
        ("Rev 3.1 mln", [("n", 3100000.0, 100000.0)]),
        ("a 14,5 % hausse", [("n", 14.5, 0.0)]),
        ("Qtly div 12-1/2 cts", [("n", 12.5, 0.0)]),
        ("$14m in fines", [("n", 14000000.0, 1000000.0)]),
        ("two billion dlrs at six pct", [("n", 2e9, 1e9), ("n", 6.0, 0.0)]),
        ("a six-day operation", [("n", 6.0, 0.0)]),
        ("one-billion-dlr offering", [("n", 1e9, 1e9)]),
        ("the 3RD QTR and the first quarter", [("o", 3.0), ("o", 1.0)]),
        ("Pay April 30 / Record April 15", [("d", 4, 30), ("d", 4, 15)]),
        ("Pay May One\nRecord April Three", [("d", 5, 1), ("d", 4, 3)]),
        ("on Monday, March 3, 1987", [("w", 1), ("d", 3, 3), ("n", 1987.0, 0.0)]),
        ("le 30 avril 2005", [("d", 4, 30), ("n", 2005.0, 0.0)]),
        ("from 16 to 20 of September", [("n", 16.0, 0.0), ("d", 9, 20)]),
        ("sales in February", [("m", 2)]),
        ("the period 2001-2012", [("n", 2001.0, 0.0), ("n", 2012.0, 0.0)]),
        ("The offer was posted on 20/05/2005 here", [("c", "20/05/2005")]),
        ("one of the two men", []),
        ("FED MAY ADD RESERVES", []),
        ("长达２，７００小时", [("n", 2700.0, 0.0)]),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_figures_are_read_by_value(text, figures):
    assert figures_of(text) == figures


def test_a_publication_stamp_is_not_a_figure_of_the_story():
    for stamp in ("南山新闻网客户端 2018-10-25 10:03:52", "25 أغسطس 2015 - 12:58", "2018-10-25"):
        assert figures_of(f"Headline here\n{stamp}\nThe story says 42 pct.") == [("n", 42.0, 0.0)]
    # a dividend's dates are the story's
    assert figures_of("Qtly div 12 cts\nPay April 30\nRecord April 15") != [("n", 12.0, 0.0)]


@pytest.mark.parametrize("byline", ["Par admin – 21.11.2023", "Par newsdesk – 20.10.2016"])
def test_a_byline_with_its_date_is_a_stamp(byline):
    """A repost's byline ("Par admin – 21.11.2023": a date in figures and a name) is its own,
    not the story's: two reposts of one story under other bylines are not other news (on the
    1M throughput corpus four pairs of copies were vetoed on them). A date in a sentence of
    the story is still a figure."""
    body = "Le conseil a vote le budget.\nLa seance a ete longue."
    assert figures_of(f"{byline}\n{body}") == []
    assert _score(f"Par admin – 21.11.2023\n{body}", f"Par admin – 13.06.2018\n{body}") == 1.0
    dated = "Le conseil a vote le budget du 21.11.2023 en seance."
    assert len(figures_of(dated)) == 1


def _score(a: str, b: str, **kwargs) -> float:
    return compare.score(extract(a), extract(b), **kwargs)


def test_rounding_a_figure_is_not_changing_it():
    rounded = "Net profit was 3.1 mln dlrs in the year, the company said."
    exact = "Net profit was 3,086,386 dlrs in the year, the company said."
    other = "Net profit was 3,400,000 dlrs in the year, the company said."
    assert _score(rounded, exact) == 1.0
    assert _score(rounded, other) < 0.7
    # "two billion" is not a rounding of 1.5 billion, "six" is exactly 6
    assert not compare.same_value(("n", 2e9, 1e9), ("n", 1.5e9, 1e8))
    assert not compare.same_value(("n", 6.0, 0.0), ("n", 6.375, 0.0))


def test_number_words_in_compounds_are_compared():
    a = "The Bank will hold a six-day repurchase operation at 3.4 pct, dealers said."
    b = "The Bank will hold a two-day repurchase operation at 3.4 pct, dealers said."
    assert _score(a, b) < 0.7
    assert _score(a, a.replace("six-day", "6-day")) == 1.0  # the same figure written in digits


def test_another_date_is_other_news_even_when_most_figures_agree():
    table = "National average price through April {day} as follows: wheat 2.40 corn 1.92 oats 0.99"
    assert _score(table.format(day=6), table.format(day=8)) == 0.0
    assert _score(table.format(day=6), table.format(day=6)) == 1.0


def test_a_figure_moved_is_not_a_figure_changed():
    a = "Assays of tailings ranged from 0.50 to 0.64 ounces of gold per ton."
    b = "Assays of tailings indicated ounces of gold per ton ranged from 0.64 to 0.50."
    assert _score(a, b) == 1.0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "CHASE MANHATTAN RAISES PRIME RATE TO 7-3/4 PCT FROM 7-1/2, EFFECTIVE TODAY",
            "BOATMEN'S NATIONAL BANK <BOAT> RAISES PRIME\nBoatmen's Bancshares said its "
            "Boatmen's National Bank raised the prime rate to 7-3/4 pct from 7-1/2 pct.",
        ),
        (
            "E-SYSTEMS INC <ESY> SETS QUARTERLY\nQtly div 12-1/2 cts vs 12-1/2 cts prior",
            "D.H. HOLMES CO LTD <HLME> SETS QUARTERLY\nQtly div 12-1/2 cts vs 12-1/2 cts prior",
        ),
    ],
    ids=["headline-subject", "ticker"],
)
def test_headlines_about_other_subjects_differ(a, b):
    assert compare.different_subjects(extract(a), extract(b))
    assert _score(a, b) == 0.0
    assert _score(a, b, names=False) == 1.0  # the figures alone agree


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "W. AFRICA CENTRAL BANK WANTS IMF PARTICIPATION\nThe Governor of the Central Bank",
            "WEST AFRICAN CENTRAL BANK SEEKS JOINING IMF TALKS\nThe Governor of the Central Bank",
        ),
        (
            "INTERNATIONAL HYDRON CORP <HYD> 4TH QTR NET\nOper shr profit six cts",
            "INT'L HYDRON CORP <HYD> 4TH QTR OPER NET\nOper shr profit six cts",
        ),
        ("CORRECTED - REXNORD <REX> TO SELL UNIT\nRexnord said", "REXNORD TO SELL UNIT\nRexnord"),
        ("前方赛后神秘人更衣室外等老詹 韦德看了咋想\n正文", "易闻网消息 体坛 韦德看了咋想\n正文"),
    ],
    ids=["respelt", "abbreviated", "marker", "unspaced-script"],
)
def test_headlines_of_one_story_do_not_differ(a, b):
    assert not compare.different_subjects(extract(a), extract(b))


def test_corrections_are_told_by_their_marker():
    assert is_correction("CORRECTED - GOODYEAR <GT> 1ST QTR LOSS\nShr loss 59 cts")
    assert is_correction("(CORRECTED)-BANKERS TRUST <BT> PAYOUT\nbody")
    assert is_correction("REXNORD TO SELL UNIT\nwith sales of 83 mln dlrs. -- Corrects name")
    assert is_correction("LILLY 1ST QTR\n    Company corrects current year sales.\n Reuter")
    assert not is_correction("EQUITIES SEEN DUE FOR DOWNWARD CORRECTION\nA correction is due.")
    assert not is_correction("Officials said the figures would be corrected later.")


# -- real Reuters-21578 wire copy --------------------------------------------------------------


@pytest.fixture(scope="module")
def reuters_texts() -> dict[str, str]:
    return reuters_wire("\n\n")


def _figures(texts: dict[str, str], a: str, b: str) -> float:
    engine = Engine(load_plugins=False)
    ctx = engine.pair_context([(a, texts[a]), (b, texts[b])])
    return float(engine.registry.get("scorer", "figures")(np.array([[0, 1]]), ctx)[0])


#: Hand-labelled pairs (benchmarks/reuters_pairs.tsv) that the figures decide.
TEMPLATED = {
    "fed-repos-other-day-and-rate": ("7207", "11425"),  # six pct vs 6-3/8 pct
    "average-prices-other-date": ("13799", "15952"),  # through April 6 vs April 8
    "soviet-crop-estimate-other-month": ("3312", "15844"),  # vs 210 in FEB / in MARCH
    "grain-shipments-other-week": ("12711", "15999"),
    "fed-expected-other-day": ("475", "1078"),
    "chevron-vs-pride-contract": ("6302", "6307"),  # subject in the headline
}
COPIES = {
    "rerun-reworded-figures-moved": ("3322", "3327"),
    "rerun-rounded-figures": ("20187", "20833"),  # 134 vs 134.0 mln, 1.1 vs 1.10 billion
    "correction-of-a-name": ("3790", "3910"),
    "correction-of-a-figure": ("4239", "4292"),  # 13,000 vs 131,000 dlr tax credit
    "first-take": ("7057", "7068"),
}


@pytest.mark.parametrize(("a", "b"), TEMPLATED.values(), ids=TEMPLATED.keys())
def test_templated_wire_stories_are_vetoed(reuters_texts, a, b):
    assert _figures(reuters_texts, a, b) < 0.7


@pytest.mark.parametrize(("a", "b"), COPIES.values(), ids=COPIES.keys())
def test_copies_of_one_story_pass(reuters_texts, a, b):
    assert _figures(reuters_texts, a, b) >= 0.7


def test_the_scorer_keeps_the_scorer_contract(reuters_texts):
    ids = [i for pair in (*TEMPLATED.values(), *COPIES.values()) for i in pair]
    scorer = Engine(load_plugins=False).registry.get("scorer", "figures")
    assert scorer.vetoes and scorer.needs_text
    result = check_scorer(scorer, [(i, reuters_texts[i]) for i in ids])
    assert result.score("3790", "3910") == 1.0


@pytest.fixture(scope="module")
def default_run(tmp_path_factory) -> tuple[dict[str, dict], dict[str, int]]:
    """Reuters-21578 deduplicated with the default settings: each document's cluster row."""
    path = data_dir("reuters21578") / "reuters21578_docs.jsonl"
    out = tmp_path_factory.mktemp("reuters")
    Engine(load_plugins=False, id_field="newid", text_field="title,body").run([path], out)
    rows = [json.loads(line) for line in (out / "clusters.jsonl").open(encoding="utf-8")]
    cluster_of = {m: row["cluster"] for row in rows for m in row["members"]}
    return {m: row for row in rows for m in row["members"]}, cluster_of


def test_the_defaults_on_the_labelled_reuters_pairs(default_run):
    # 300 candidate pairs drawn at random from a low-threshold run, read and labelled by hand
    _, cluster_of = default_run
    with open(LABELS, encoding="utf-8") as f:
        labels = list(csv.DictReader(f, delimiter="\t"))
    assert len(labels) >= 200 and {r["label"] for r in labels} == {"copy", "distinct", "ambiguous"}
    together = {
        (r["a"], r["b"]): r["a"] in cluster_of and cluster_of.get(r["a"]) == cluster_of.get(r["b"])
        for r in labels
    }
    copies = [together[(r["a"], r["b"])] for r in labels if r["label"] == "copy"]
    distinct = [together[(r["a"], r["b"])] for r in labels if r["label"] == "distinct"]
    tp, fp = sum(copies), sum(distinct)
    assert tp / (tp + fp) >= 0.97  # measured 0.988 (81 / 82)
    assert tp / len(copies) >= 0.95  # measured 0.953 (81 / 85)


def test_the_held_out_pairs_keep_the_precision(default_run):
    # 100 more pairs drawn from the same pool after the figure rules were written: precision
    # holds; recall is lower (first takes and reformatted re-sends at containment 0.30-0.41)
    _, cluster_of = default_run
    with open(LABELS.with_name("reuters_pairs_heldout.tsv"), encoding="utf-8") as f:
        labels = list(csv.DictReader(f, delimiter="\t"))
    with open(LABELS, encoding="utf-8") as f:
        assert not {(r["a"], r["b"]) for r in csv.DictReader(f, delimiter="\t")} & {
            (r["a"], r["b"]) for r in labels
        }
    same = {
        (r["a"], r["b"]): r["a"] in cluster_of and cluster_of.get(r["a"]) == cluster_of.get(r["b"])
        for r in labels
    }
    tp = sum(same[(r["a"], r["b"])] for r in labels if r["label"] == "copy")
    fp = sum(same[(r["a"], r["b"])] for r in labels if r["label"] == "distinct")
    copies = sum(r["label"] == "copy" for r in labels)
    assert tp / (tp + fp) >= 0.97  # measured 1.0 (29 / 29)
    assert tp / copies >= 0.8  # measured 0.829 (29 / 35)


def test_the_defaults_find_every_silver_cluster_and_label_corrections(default_run):
    row_of, cluster_of = default_run
    silver: dict[str, list[str]] = {}
    lines = (DATA / "reuters21578" / "silver_exact_duplicate_clusters.tsv").read_text("utf-8")
    for line in lines.splitlines()[1:]:
        if line.strip():
            cluster, newid = line.split("\t")
            silver.setdefault(cluster, []).append(newid)
    assert len(silver) == 290
    missed = [c for c in silver.values() if len({cluster_of.get(d, d) for d in c}) != 1]
    assert not missed
    # the Rexnord story and its correction (another purchaser named): kept together, labelled
    row = row_of["3790"]
    assert "3910" in row["members"] and row["roles"]["3910"] == "correction"


def test_the_labelled_sample_is_ids_and_labels_only():
    header = LABELS.read_text("utf-8").splitlines()[0].split("\t")
    assert header == ["a", "b", "containment", "label", "kind"]
    assert Path(REPO / "benchmarks" / "reuters_pairs_draw.py").exists()
    assert Path(REPO / "benchmarks" / "reuters_pairs_score.py").exists()


def test_an_index_keeps_figures_only_when_it_keeps_texts(tmp_path):
    from dedupe.errors import ConfigError
    from dedupe.index import Index

    with Index.create(str(tmp_path / "a.db"), load_plugins=False) as index:
        assert [(s.name, t) for s, t in index.engine.scorers] == [("containment", 0.7)]
    with Index.create(str(tmp_path / "b.db"), load_plugins=False, keep_text=True) as index:
        assert [s.name for s, _ in index.engine.scorers] == ["containment", "figures"]
    with pytest.raises(ConfigError, match="keep-text"):
        Index.create(str(tmp_path / "c.db"), load_plugins=False, scorers=["figures"])


def test_copies_crediting_other_sites_are_not_vetoed_on_the_site_names():
    """Aggregators repost one article and each credits a site of its own ("Cet article est
    paru initialement sur ...", "Originally published at ..."): those names are furniture,
    not names of the story, so the figures veto passes the two copies (on the 100k
    throughput corpus one teaser was kept out of its cluster this way)."""
    body = (
        "Il se promettait de boire un bon coup là-bas, dans les pays de bon vin où il se "
        "rendait. Et sa face exprimait une joie si puissante que les deux pêcheurs se "
        "tordaient les côtes.\nHarassés, les deux pêcheurs rentrèrent tard ce soir-là, et "
        "Pierre resta longtemps sur la grève à regarder la mer monter sous la lune."
    )
    docs = [
        ("a", body + "\nCet article est paru initialement sur Le Fil Info. Lire l'original."),
        ("b", body + "\nCet article est paru initialement sur La Gazette du Net. Lire l'original."),
        ("c", body + "\nOriginally published at The Morning Ledger."),
    ]
    result = Engine(load_plugins=False).run_documents(docs)
    assert [sorted(c.members) for c in result.clusters] == [["a", "b", "c"]]


@pytest.mark.parametrize(
    "credit",
    [
        "Source: Le Monde",
        "Sources : AFP",
        "Quelle: dpa",
        "Fuente: EFE",
        "来源：新华社",
        "阅读原文",
        "Source link",
        "Read the original article",
        "Originally published at The Morning Ledger",
        "First published in The Herald",
        "Cet article est paru initialement sur Le Fil Info.",
        "Publié à l'origine sur La Gazette",
        "Zuerst erschienen bei der Zeit",
        "Publicado originalmente en El País",
        "Pubblicato originariamente su La Stampa",
    ],
)
def test_credit_lines_in_each_language_are_not_read(credit):
    """Each kind of credit line is found (the plain-string search that comes before the
    patterns misses none of them), and the story's own lines stay, a "via" line among them."""
    from dedupe.default_plugins.figures import _without_credits

    story = "The council met on Monday.\nIt agreed the budget, via a vote of 7 to 2."
    assert _without_credits(f"{story}\n{credit}") == story
    assert _without_credits(story) == story


def test_a_first_line_opening_on_an_edited_word_names_no_other_subject():
    """A passage's first line whose opening word an edit changed ("Coiffe-moi" and
    "l'honneur", the rest of the line the same) does not name another subject: only a name
    is a subject in a line written in mixed case (on the 100k throughput corpus one copy was
    kept out of its cluster this way). Headlines in mixed case naming other banks still do."""
    rest = (
        " fais-moi bien belle, et je te réponds du comte de Lameth.\nOn vint avertir MM. de Lameth."
    )
    a, b = "Coiffe-moi," + rest, "— l'honneur…" + rest
    assert not compare.different_subjects(extract(a), extract(b))
    assert _score(a, b) == 1.0
    chase = "Chase Manhattan raises prime rate to 7-3/4 pct\nThe lender said it acted today."
    boatmen = (
        "Boatmen's National Bank raises prime rate to 7-3/4 pct\nThe lender said it acted today."
    )
    assert compare.different_subjects(extract(chase), extract(boatmen))


def test_the_word_corrects_is_found_as_str_lower_finds_it():
    """Looked for in the UTF-8 bytes in lower case: the same answer as ``str.lower`` on
    characters whose case maps are odd (long s, Kelvin sign, dotted capital I) and accents."""
    import random

    from dedupe.figures.corrections import _has_corrects

    rng = random.Random(3)
    odd = [*"ſİKé\u212a ", "\ud800"]
    cases = ["CORRECTS", "Corrects", "correctſ", "\u212aorrects", "x \ud800 corrects"]
    for _ in range(20_000):  # the word in random case, a letter sometimes an odd character
        word = [rng.choice((c, c.upper())) for c in "corrects"]
        if rng.random() < 0.5:
            word[rng.randrange(8)] = rng.choice(odd)
        cases.append(rng.choice(odd) + "".join(word) + rng.choice(odd))
    found = [_has_corrects(text) for text in cases]
    assert found == ["corrects" in text.lower() for text in cases]
    assert 50 < sum(found) < len(cases) - 50
