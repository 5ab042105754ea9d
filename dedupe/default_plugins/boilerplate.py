"""Built-in ``boilerplate`` normaliser: page furniture learned from the corpus itself.

Lines that recur in many different documents (in the spirit of paragraph-level dedup and
ONION). Short lines need fewer repetitions than long ones, so an article's paragraphs, repeated
only by its few copies, are never learned. Line-based (run it after ``html``); it removes text,
never rewrites it, and is idempotent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from dedupe.hookspecs import hookimpl
from dedupe.normalise import Normaliser

#: Lines longer than this are never boilerplate candidates (cookie notices are shorter).
MAX_BOILERPLATE_LINE = 600


def _line_key(line: str) -> str:
    return line.strip().casefold()


@dataclass(frozen=True)
class BoilerplateModel:
    """Lines learned as boilerplate, by their stripped, case-folded form."""

    lines: frozenset[str]
    longest: int = 0

    def __call__(self, text: str) -> str:
        if not self.lines:
            return text
        # A line longer than the longest learned one (give or take some padding) cannot be
        # one: most lines are rejected on their length, without casefolding them.
        limit = self.longest + 16
        learned = self.lines
        lines = text.split("\n")
        kept = [line for line in lines if len(line) > limit or _line_key(line) not in learned]
        return text if len(kept) == len(lines) else "\n".join(kept)


def required_repeats(words: int, documents: int) -> int:
    """How many different documents a line of ``words`` words must appear in to be learned.

    Short lines (a tag line, "Share on Facebook") need 10 documents or 0.1% of the sample;
    each further word raises the bar, so a paragraph shared only by an article and its copies
    is never boilerplate.
    """
    base = max(10, documents // 1000)
    return base if words <= 8 else base * (1 + (words - 8) // 4)


def learn_boilerplate(batches: Iterable[list[str]]) -> Normaliser:
    """Count in how many documents each line occurs and keep the frequent ones."""
    counts: Counter[str] = Counter()
    documents = 0
    for texts in batches:
        for text in texts:
            documents += 1
            counts.update(
                {
                    _line_key(line)
                    for line in text.split("\n")
                    if len(line) <= MAX_BOILERPLATE_LINE and not line.isspace() and line
                }
            )
    floor = required_repeats(1, documents)
    learned = frozenset(
        key
        for key, count in counts.items()
        if count >= floor and count >= required_repeats(len(key.split()), documents)
    )
    return fitted_boilerplate(learned, documents)


def fitted_boilerplate(lines: Iterable[str], documents: int) -> Normaliser:
    """The ``boilerplate`` normaliser removing ``lines``; its state is the sorted lines."""
    learned = frozenset(lines)
    model = BoilerplateModel(learned, max((len(k) for k in learned), default=0))
    return Normaliser(
        "boilerplate",
        model,
        description=f"{len(learned)} lines learned from {documents} documents",
        removes_boilerplate=True,
        state={"lines": sorted(learned), "documents": documents},
        restore=restore_boilerplate,
    )


def restore_boilerplate(state: Mapping[str, Any]) -> Normaliser:
    """The fitted ``boilerplate`` normaliser from its state (checked: a list of strings)."""
    lines = state.get("lines")
    documents = state.get("documents", 0)
    if not isinstance(lines, list) or not all(isinstance(x, str) for x in lines):
        raise ValueError("boilerplate state: 'lines' must be a list of strings")
    if not isinstance(documents, int):
        raise ValueError("boilerplate state: 'documents' must be an integer")
    return fitted_boilerplate(lines, documents)


@hookimpl
def register_normalisers(register: Callable[[Normaliser], None]) -> None:
    register(
        Normaliser(
            "boilerplate",
            BoilerplateModel(frozenset()),
            description="remove lines that recur across many documents (learned per run)",
            learn=learn_boilerplate,
            removes_boilerplate=True,
            restore=restore_boilerplate,
        )
    )
