"""The normaliser contract: total, idempotent, batch-consistent; what a learner learned is data."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedupe.normalise import Normaliser
from dedupe.testing.corpus import TINY_CORPUS

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
