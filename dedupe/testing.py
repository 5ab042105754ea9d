"""Test helpers for plugin authors: pytest fixtures, a tiny corpus and contract checks.

A plugin is only as trustworthy as the promises the engine relies on: a normaliser is *total*
(any Unicode text in, text out, never an exception) and *idempotent* (normalising twice changes
nothing, so a copy normalised by another chain still hashes the same); a scorer returns one
number in [0, 1] per pair, the same for (a, b) and (b, a) when it says it is symmetric, and
does not depend on which other pairs are scored with it. The checks here test those promises
the same way for the built-ins (``tests/test_testing.py``) and for third-party plugins.

Use it as a pytest plugin, in your plugin's ``tests/conftest.py``::

    pytest_plugins = ["dedupe.testing"]

which gives the fixtures ``dedupe_engine`` (built-ins only), ``dedupe_engine_factory``
(an engine with only the plugins you pass), ``tiny_corpus`` (documents with known copies) and
``tiny_corpus_file`` (the same as a JSONL file). The contract checks are plain functions::

    from dedupe.testing import check_normaliser, check_plugin, check_scorer

    def test_my_plugin_keeps_the_contracts():
        check_plugin(my_plugin_module)

Needs the ``test`` extra (``pip install 'dedupe-engine[test]'``): pytest and hypothesis.
"""

from __future__ import annotations

import json
import math
import types
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

try:
    import pytest
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - exercised only without the test extra
    raise ImportError(
        f"dedupe.testing needs pytest and hypothesis ({exc.name} is missing): "
        "pip install 'dedupe-engine[test]'"
    ) from None

from dedupe.engine import Engine
from dedupe.normalise import Normaliser
from dedupe.plugins import DedupePluginManager, PluginInfo, get_plugin_manager
from dedupe.registry import Registry
from dedupe.score import PairContext, Scorer

__all__ = [
    "TINY_CLUSTERS",
    "TINY_CORPUS",
    "TINY_ORIGINALS",
    "ScorerCheck",
    "check_normaliser",
    "check_plugin",
    "check_restore",
    "check_scorer",
    "dedupe_engine",
    "dedupe_engine_factory",
    "isolated_engine",
    "pair_context",
    "score_texts",
    "texts",
    "tiny_corpus",
    "tiny_corpus_file",
]

# -- the tiny corpus ----------------------------------------------------------------------------
# Written for this module (CC0). Two stories, each with an original and its copies as
# aggregators make them, a separately written report of the first event (same topic, not a
# copy: it must stay apart) and an unrelated notice.

_FLOOD = (
    "River Arden bursts its banks after a week of rain\n\n"
    "The river Arden burst its banks on Tuesday night after seven days of almost constant "
    "rain, flooding the lower streets of Millbrook and cutting the town's only road bridge.\n\n"
    "Fire crews moved about forty families from houses near the old mill to the school hall, "
    "where volunteers served soup and blankets until the early hours. Nobody was hurt, the "
    "county council said, but several shops on Quay Street lost all of their stock.\n\n"
    "The council's engineer, Ruth Okafor, said the new flood wall had held along most of its "
    "length and that water had come in behind it through a drain that should have been "
    "sealed. Repairs to the bridge are expected to take at least three weeks, and a free bus "
    "will run to the station at Castleford in the meantime."
)
_FLOOD_REPOST = (
    "Home » News » Local\n"
    "River Arden bursts its banks after a week of rain | Daily Wire\n"
    "By Staff Reporter\n"
    "Posted on 14/03/2024 by admin\n\n"
    + _FLOOD.split("\n\n", 1)[1].replace("'", "’")
    + "\n\nSource link\nShare on Facebook Share on X Email\n\nYou may also like\n"
    "Council votes to keep the library open\nNew bus timetable from April\n"
)
_FLOOD_TEASER = (
    "River Arden bursts its banks after a week of rain\n\n"
    "The river Arden burst its banks on Tuesday night after seven days of almost constant "
    "rain, flooding the lower streets of Millbrook and cutting the town's only road bridge.\n\n"
    "Continue reading..."
)
_FLOOD_OTHER = (
    "Millbrook under water as the Arden rises\n\n"
    "Residents of Millbrook spent Wednesday clearing mud from their kitchens after the Arden "
    'rose faster than anyone could remember. "We had ten minutes," said one baker, who '
    "carried his flour sacks upstairs before the water reached the counter. Volunteers "
    "from the rugby club filled sandbags through the night, and the mayor praised the fire "
    "service for its calm work. Drivers are asked to avoid the town until the bridge reopens."
)
_BUDGET = (
    "Le conseil municipal adopte un budget en hausse pour les écoles\n\n"
    "Le conseil municipal a adopté lundi soir, après quatre heures de débat, un budget qui "
    "augmente de huit pour cent les crédits consacrés aux écoles primaires de la ville.\n\n"
    "La maire, Claire Dubois, a expliqué que cet argent servira d'abord à rénover les "
    "cantines et à isoler les bâtiments les plus anciens, dont certains datent d'avant la "
    "guerre. L'opposition a voté contre, en reprochant à la majorité de financer ces travaux "
    "par une hausse de la taxe sur les parkings du centre."
)
_BUDGET_COPY = (
    "<p>"
    + _BUDGET.replace("d'", "d’").replace("L'", "L’").replace("\n\n", "</p>\n<p>")
    + "</p>\n<p>Partager sur Facebook</p>\n<p>Lire la suite</p>"
)
_NOTICE = (
    "Lost cat: a grey tabby answering to Biscuit went missing from Elm Road on Sunday. She "
    "wears a red collar with a bell. Please check sheds and garages, and call the number on "
    "the poster at the post office if you see her."
)

#: ``(id, text)`` documents: copies of two originals, a same-topic report, an unrelated notice.
TINY_CORPUS: tuple[tuple[str, str], ...] = (
    ("flood-original", _FLOOD),
    ("flood-repost", _FLOOD_REPOST),
    ("flood-teaser", _FLOOD_TEASER),
    ("flood-other-report", _FLOOD_OTHER),
    ("budget-original", _BUDGET),
    ("budget-copy", _BUDGET_COPY),
    ("lost-cat", _NOTICE),
)
#: The clusters a correct engine finds in :data:`TINY_CORPUS` (member ids, sorted).
TINY_CLUSTERS: tuple[tuple[str, ...], ...] = (
    ("budget-copy", "budget-original"),
    ("flood-original", "flood-repost", "flood-teaser"),
)
#: The original of each cluster of :data:`TINY_CLUSTERS`, by its first member.
TINY_ORIGINALS: Mapping[str, str] = types.MappingProxyType(
    {"budget-copy": "budget-original", "flood-original": "flood-original"}
)

# -- engines ------------------------------------------------------------------------------------


def _plugin_name(plugin: object) -> str:
    name = getattr(plugin, "__name__", None)
    return name if isinstance(name, str) else type(plugin).__name__


def isolated_engine(*plugins: object, **settings: Any) -> Engine:
    """An engine with the built-ins plus exactly ``plugins`` (modules or objects with hook
    implementations), whatever is installed in the environment.

    Tests of one plugin should not depend on which other plugins happen to be installed next
    to it: this never reads the ``dedupe`` entry points. ``settings`` are
    :class:`dedupe.Engine` settings (``normalise="html,news,casefold"``, ``scorers=[...]``).
    """
    pm: DedupePluginManager = get_plugin_manager(load_entrypoints=False)
    for plugin in plugins:
        pm.add(plugin, PluginInfo(_plugin_name(plugin)))
    pm.check_pending()
    return Engine(plugin_manager=pm, **settings)


# -- building a pair context without a run ------------------------------------------------------


def pair_context(
    documents: Iterable[tuple[str, str]], engine: Engine | None = None
) -> tuple[PairContext, list[str]]:
    """A :class:`PairContext` over ``documents`` (``(id, text)``), numbered 0, 1, ... in order.

    Normalisers that learn from a corpus are first fitted on these documents, then the engine
    builds the context as a run does (:meth:`dedupe.Engine.pair_context`), so a scorer sees
    what it would see in ``dedupe run``. Returns the context and the ids. Use it to score
    chosen pairs::

        ctx, ids = pair_context([("a", text_a), ("b", text_b)])
        scorer(np.array([[0, 1]]), ctx)
    """
    engine = engine or isolated_engine()
    docs = list(documents)
    if not docs:
        raise ValueError("pair_context needs at least one document")
    engine.chain = engine.learn(engine.open_documents(docs))
    ctx = engine.pair_context(docs)
    return ctx, list(ctx.store.ids)


def score_texts(scorer: Scorer, a: str, b: str, engine: Engine | None = None) -> float:
    """The score ``scorer`` gives the pair of texts (a, b), as in a run with ``engine``."""
    ctx, _ = pair_context([("a", a), ("b", b)], engine)
    return float(scorer(np.array([[0, 1]], dtype=np.int64), ctx)[0])


# -- the normaliser contract --------------------------------------------------------------------

#: Fragments that exercise what normalisers look for: markup, entities, chrome lines, bylines,
#: numbers, typographic punctuation, other scripts, combining marks and odd whitespace.
_FRAGMENTS = (
    "<p>",
    "</p>",
    "<br/>",
    "<script>x()</script>",
    "&amp;",
    "&lt;p&gt;",
    "&#8217;",
    "Source link",
    "Share on Facebook",
    "By Jane Doe, Reuters | 12 Sept 2023",
    "Par Jean Dupont, AFP",
    "Lire aussi :",
    "Related:",
    "You may also like",
    "Home » News » World",
    "Photo: STR / AFP",
    "LONDON (Reuters) -",
    "Shr 1.20 dlrs vs 98 cts",
    "12,5 %",
    "« guillemets »",
    "“quotes”",
    "…",
    "ﬁ",
    "Straße",
    "é",
    "e\u0301",
    "İ",
    "ß",
    "\u00a0",
    "\u200b",
    "\t",
    "\r\n",
    "\n",
    "\n\n",
    " ",
    ".",
    "|",
    "--",
    "東京",
    "مرحبا",
    "😀",
)


def texts() -> st.SearchStrategy[str]:
    """A hypothesis strategy for normaliser inputs: any Unicode text, and text assembled from
    fragments that normalisers react to (markup, chrome lines, bylines, figures, quotes), so
    that both the general and the pattern-specific paths are exercised."""
    fragment = st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=12))
    assembled = st.lists(fragment, max_size=24).map("".join)
    lines = st.lists(assembled, max_size=6).map("\n".join)
    return st.one_of(st.text(), assembled, lines)


def _fitted(normaliser: Normaliser, sample: Sequence[str]) -> Normaliser:
    """A learning normaliser fitted on ``sample``; others unchanged."""
    if normaliser.learn is None:
        return normaliser
    fitted = normaliser.learn(iter([list(sample)]))
    assert isinstance(fitted, Normaliser), (
        f"normaliser {normaliser.name!r}: learn() returned {type(fitted).__name__}, "
        "not a Normaliser"
    )
    return fitted


def _check_normaliser_on(normaliser: Normaliser, text: str) -> None:
    name = normaliser.name
    try:
        out = normaliser([text])
    except Exception as exc:
        raise AssertionError(
            f"normaliser {name!r} is not total: {type(exc).__name__}: {exc} on {text!r}"
        ) from exc
    assert isinstance(out, list) and len(out) == 1, (
        f"normaliser {name!r} returned {out!r} for a batch of one text"
    )
    once = out[0]
    assert isinstance(once, str), f"normaliser {name!r} returned {type(once).__name__} on {text!r}"
    twice = normaliser([once])[0]
    assert twice == once, (
        f"normaliser {name!r} is not idempotent on {text!r}: once {once!r}, twice {twice!r}"
    )


def check_restore(registered: Normaliser, fitted: Normaliser, texts: Sequence[str]) -> None:
    """Assert that a fitted learning normaliser declares what it learned as data: its
    ``state`` survives a JSON round trip, and the registered normaliser's ``restore`` rebuilds
    from that JSON a normaliser with the same name, the same state and the same output on
    ``texts``. Checkpoints (``--resume``), indexes and Dask workers store and ship only this
    state, never the fitted object."""
    name = registered.name
    assert fitted.state is not None, (
        f"normaliser {name!r} learns but its fitted normaliser declares no state: "
        "--resume, indexes and --engine dask cannot use it"
    )
    assert registered.restore is not None, (
        f"normaliser {name!r} learns but gives no restore(state) to rebuild what it learned"
    )
    try:
        as_json = json.loads(json.dumps(fitted.state))
    except (TypeError, ValueError) as exc:
        raise AssertionError(f"normaliser {name!r}: its state is not JSON data: {exc}") from exc
    restored = registered.restore(as_json)
    assert isinstance(restored, Normaliser) and restored.name == name, (
        f"normaliser {name!r}: restore() returned {restored!r}, not the {name!r} normaliser"
    )
    assert json.loads(json.dumps(restored.state)) == as_json, (
        f"normaliser {name!r}: restore(state).state differs from the state restored"
    )
    assert restored(list(texts)) == fitted(list(texts)), (
        f"normaliser {name!r}: restore(state) normalises differently from the fitted normaliser"
    )


def check_normaliser(
    normaliser: Normaliser,
    *,
    samples: Iterable[str] = (),
    max_examples: int = 200,
    derandomize: bool = True,
) -> None:
    """Assert that ``normaliser`` keeps the normaliser contract; raise ``AssertionError`` with
    the failing text otherwise.

    - total: any Unicode text gives a ``str`` and never an exception (hypothesis searches
      :func:`texts` for ``max_examples`` inputs, and shrinks a failure to a small example);
    - idempotent: normalising its own output changes nothing;
    - batch-consistent: a batch gives the same texts as one text at a time, same length;
    - for a normaliser that learns: what it learned is data (:func:`check_restore`).

    ``samples`` are real texts to check as well (the tiny corpus is always checked). The search
    is derandomised by default, so a CI run is repeatable; pass ``derandomize=False`` to explore
    new inputs on each run. A
    normaliser that learns from the corpus is fitted on the samples first and the fitted one
    is checked.
    """
    real = [text for _, text in TINY_CORPUS] + list(samples)
    fitted = _fitted(normaliser, real)
    if normaliser.learn is not None:
        check_restore(normaliser, fitted, real)
    for text in real:
        _check_normaliser_on(fitted, text)
    batch = fitted(list(real))
    assert batch == [fitted([t])[0] for t in real], (
        f"normaliser {fitted.name!r} gives different texts in a batch than one at a time"
    )

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=derandomize,
        suppress_health_check=list(HealthCheck),
    )
    @given(text=texts())
    def total_and_idempotent(text: str) -> None:
        _check_normaliser_on(fitted, text)

    total_and_idempotent()


# -- the scorer contract ------------------------------------------------------------------------


@dataclass(frozen=True)
class ScorerCheck:
    """What :func:`check_scorer` measured: the pairs (document numbers), their ids and scores."""

    pairs: np.ndarray
    ids: list[str]
    scores: np.ndarray

    def score(self, a: str, b: str) -> float:
        """The score of the pair of documents with ids ``a`` and ``b``."""
        i, j = self.ids.index(a), self.ids.index(b)
        hit = np.flatnonzero((self.pairs[:, 0] == i) & (self.pairs[:, 1] == j))
        if not len(hit):
            raise KeyError(f"pair ({a!r}, {b!r}) was not scored")
        return float(self.scores[hit[0]])


def _raw_scores(scorer: Scorer, pairs: np.ndarray, ctx: PairContext) -> np.ndarray:
    try:
        out = scorer.func(pairs, ctx)
    except Exception as exc:
        raise AssertionError(
            f"scorer {scorer.name!r} raised {type(exc).__name__}: {exc} on {len(pairs)} pairs"
        ) from exc
    scores = np.asarray(out, dtype=np.float64)
    assert scores.shape == (len(pairs),), (
        f"scorer {scorer.name!r} returned shape {scores.shape} for {len(pairs)} pairs"
    )
    bad = ~np.isfinite(scores) | (scores < 0.0) | (scores > 1.0)
    assert not bad.any(), (
        f"scorer {scorer.name!r} returned {scores[bad][:5].tolist()} (not in [0, 1]) for pairs "
        f"{pairs[bad][:5].tolist()}"
    )
    return scores


def check_scorer(
    scorer: Scorer,
    documents: Iterable[tuple[str, str]] | None = None,
    *,
    engine: Engine | None = None,
) -> ScorerCheck:
    """Assert that ``scorer`` keeps the scorer contract on real pairs; return what it scored.

    Every ordered pair of distinct ``documents`` (default: :data:`TINY_CORPUS`) is scored at
    once, through a context built as a run builds it (see :func:`pair_context`). Checked:

    - the result has one finite number in [0, 1] per pair (and none for no pairs);
    - ``scorer.symmetric`` is true to its word: (a, b) scores as (b, a);
    - a pair scores the same alone as in the batch, and the batch order does not matter
      (a scorer that caches per document must not mix documents up);
    - ``default_threshold`` is in [0, 1].
    """
    assert isinstance(scorer, Scorer), f"{scorer!r} is not a dedupe.score.Scorer"
    assert 0.0 <= scorer.default_threshold <= 1.0, (
        f"scorer {scorer.name!r}: default_threshold {scorer.default_threshold} is not in [0, 1]"
    )
    docs = list(TINY_CORPUS if documents is None else documents)
    assert len(docs) >= 2, "check_scorer needs at least two documents"
    ctx, ids = pair_context(docs, engine)
    n = len(ids)
    pairs = np.array([(i, j) for i in range(n) for j in range(n) if i != j], dtype=np.int64)

    empty = _raw_scores(scorer, np.zeros((0, 2), dtype=np.int64), ctx)
    assert empty.shape == (0,)
    scores = _raw_scores(scorer, pairs, ctx)

    if scorer.symmetric:
        index = {(int(a), int(b)): k for k, (a, b) in enumerate(pairs)}
        for k, (a, b) in enumerate(pairs):
            other = scores[index[(int(b), int(a))]]
            assert math.isclose(scores[k], other, rel_tol=1e-9, abs_tol=1e-9), (
                f"scorer {scorer.name!r} claims to be symmetric but scores ({ids[a]!r}, "
                f"{ids[b]!r}) {scores[k]:.6f} and the reverse {other:.6f}"
            )

    fresh, _ = pair_context(docs, engine)
    order = np.random.default_rng(0).permutation(len(pairs))
    shuffled = _raw_scores(scorer, pairs[order], fresh)
    assert np.allclose(shuffled, scores[order], rtol=1e-9, atol=1e-9), (
        f"scorer {scorer.name!r} gives different scores when the pairs come in another order"
    )
    for k in (0, len(pairs) // 2, len(pairs) - 1):
        alone, _ = pair_context(docs, engine)
        one = _raw_scores(scorer, pairs[k : k + 1], alone)[0]
        assert math.isclose(one, scores[k], rel_tol=1e-9, abs_tol=1e-9), (
            f"scorer {scorer.name!r} scores ({ids[pairs[k][0]]!r}, {ids[pairs[k][1]]!r}) "
            f"{one:.6f} alone but {scores[k]:.6f} in a batch"
        )
    return ScorerCheck(pairs, ids, scores)


# -- a whole plugin -----------------------------------------------------------------------------


def check_plugin(plugin: object, *, samples: Iterable[str] = (), max_examples: int = 100) -> dict:
    """Register ``plugin`` beside the built-ins (no other installed plugin) and check every
    normaliser and scorer it contributes; return ``{kind: [names]}`` of what it registered.

    Fails when a hook name is misspelt (pluggy's ``check_pending``), when a name clashes
    with a built-in, or when a component breaks its contract.
    """
    engine = isolated_engine(plugin)
    registry: Registry = engine.registry
    registered = registry.by_plugin().get(_plugin_name(plugin), {})
    assert registered, f"plugin {_plugin_name(plugin)!r} registered nothing"
    sample_list = list(samples)
    for name in registered.get("normaliser", []):
        check_normaliser(
            registry.get("normaliser", name), samples=sample_list, max_examples=max_examples
        )
    for name in registered.get("scorer", []):
        check_scorer(registry.get("scorer", name), engine=engine)
    return registered


# -- pytest fixtures (``pytest_plugins = ["dedupe.testing"]``) ----------------------------------


@pytest.fixture
def dedupe_engine() -> Engine:
    """An engine with only the built-in plugins and default settings."""
    return isolated_engine()


@pytest.fixture
def dedupe_engine_factory() -> Any:
    """``make(*plugins, **settings)``: an engine with the built-ins plus only ``plugins``."""
    return isolated_engine


@pytest.fixture
def tiny_corpus() -> list[tuple[str, str]]:
    """:data:`TINY_CORPUS` as a list of ``(id, text)``; :data:`TINY_CLUSTERS` are its copies."""
    return list(TINY_CORPUS)


@pytest.fixture
def tiny_corpus_file(tmp_path: Path) -> Path:
    """:data:`TINY_CORPUS` written as ``corpus.jsonl`` (``id`` and ``text`` fields)."""
    path = tmp_path / "corpus.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in TINY_CORPUS
        ),
        encoding="utf-8",
    )
    return path
