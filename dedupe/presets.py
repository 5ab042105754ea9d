"""Presets: named sets of settings for one kind of copying, so a user need not tune by hand.

The default settings find verbatim copies (reposts, re-runs, teasers). Other regimes need other
shingles, thresholds and candidate density: short rewritten answers, OCR'd reprints. A preset
fills every setting it names that the user did not give; anything given explicitly wins. The
preset's name is recorded in the run's settings (``report.json``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dedupe.chains import OCR_NORMALISERS
from dedupe.errors import ConfigError


@dataclass(frozen=True)
class Preset:
    """A named set of settings (``Config`` field names to values) and what it is for;
    ``explain``: the ``dedupe explain`` options (``gap``, ``min_length``) that show the
    passages this kind of copy shares."""

    name: str
    description: str
    settings: Mapping[str, Any] = field(default_factory=dict)
    explain: Mapping[str, Any] = field(default_factory=dict)


#: The presets by name; ``default`` is the settings of :class:`dedupe.config.Config` as they are.
PRESETS: dict[str, Preset] = {
    "default": Preset("default", "verbatim copies: reposts, re-runs, corrections, teasers"),
    # Measured on Clough & Stevenson (benchmarks/README.md, "rewrite"): a revision keeps its
    # source's phrases in the source's order, answers on the same topic share phrases in any
    # order, so pairs are decided by ``ordered`` (the share of the shorter text's word bigrams
    # found in the longer one in the same order): ARI 0.70-0.716 from 0.22 to 0.28, where
    # containment of bigram sets peaks at one threshold (0.70 at 0.3, 0.63 at 0.25 and 0.35).
    # No ``figures``: it compares figures in the same place of templated text, and a rewrite
    # rewords the places (6 of the 9 pairs it vetoed there were a revision and its source or
    # two revisions of one source). Candidates from every second shingle, LSH tuned for 0.2.
    # Words, in every script: two of the ``auto`` unit's character tokens (Arabic letters,
    # Chinese characters) are in every text of the script (intl-dev/ar: 918,229 candidate pairs
    # of 1,101,870, ARI 0.0; with words 1,455 and 0.9986).
    "rewrite": Preset(
        "rewrite",
        "short rewritten text: answers revised from a source, lightly edited passages",
        {
            "unit": "word",
            "ngram": 2,
            "threshold": 0.2,
            "containment_sampling": 2,
            "scorers": ["ordered=0.26"],
        },
    ),
    "ocr": Preset(
        "ocr",
        "reprints read by OCR: misread letters, broken words, other names and figures kept apart",
        {
            "normalise": OCR_NORMALISERS,
            "unit": "char",
            "ngram": 5,
            "threshold": 0.4,
            "scorers": ("containment=0.2", "aligned=0.4"),
        },
        # The aligned scorer's gap and shortest passage, in characters (``aligned.GAP``,
        # ``aligned.MIN_LENGTH``; not imported: the command line starts without the kernels).
        explain={"gap": 12, "min_length": 24},
    ),
}


def get(name: str) -> Preset:
    """The preset called ``name``, or a one-line error listing the known ones."""
    try:
        return PRESETS[name]
    except KeyError:
        known = ", ".join(sorted(PRESETS))
        raise ConfigError(f"unknown preset {name!r} (known: {known})") from None


def apply(name: str, settings: Mapping[str, Any], given: set[str]) -> dict[str, Any]:
    """``settings`` with the preset's values for every setting not in ``given`` (the ones the
    user set explicitly), and the preset's name recorded."""
    preset = get(name)
    out = dict(settings)
    for key, value in preset.settings.items():
        if key not in given:
            out[key] = value
    out["preset"] = preset.name
    return out
