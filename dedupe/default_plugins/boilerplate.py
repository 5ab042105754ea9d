"""Built-in ``boilerplate`` normaliser: page furniture learned from the corpus itself.

Boilerplate is text that recurs across documents that are otherwise different (in the spirit of
paragraph-level dedup and ONION). Lines shared only by copies of one article are the article:
a wire story reposted forty times, or a thousand identical documents, must keep every line.

**How many otherwise different documents carry a line.** A line's raw count (how many
documents hold it) cannot tell a footer from a syndicated story. What tells them apart is what
else the documents holding the line carry: copies of one story share their other text, with
or without a few lines of their own (a repost's chrome, an edit); the pages under one footer
share only the footer. So for each frequent line the learner counts its carriers that are not
copies of one another, the way deduplication itself would: a carrier counts when it shares
less than :data:`COPY_SHARE` of its other text (in characters, the other lines both hold,
over the smaller of the two) with every carrier before it. Identical copies count once, and so
do copies each wrapped in its own site's chrome or edited a little; different pages under one
template count each. The count is taken on at most :data:`CARRIERS` carriers, those with the
smallest hash of their text, so it does not depend on the order of the documents; a line with
``n`` carriers, more than the ``k`` sampled, has ``1 + (n - 1) (g - 1) / (k - 1)`` different
ones where ``g`` of the sampled are. That count then meets the short-line rules of
:func:`required_repeats` (floors scaled with the sample, higher for longer lines), as the raw
count once did. Learning goes in rounds: lines learned in one round are left out of the text
compared in the next, since documents that share only boilerplate are otherwise different.

**Never more than half a document.** The count can still be wrong for one document: a short
notice whose few lines all recur elsewhere, or a story whose reposts each carry more chrome
than story (so they are not copies of one another by their text). A document whose learned
lines would take more than :data:`MAX_REMOVED_SHARE` of its visible characters (those of its
lines, without the spaces around them) keeps them all: boilerplate is furniture around a
document, and where it would be most of one, the document stays whole and is compared on its
whole text. So no document is ever emptied. All or nothing per document keeps the normaliser
idempotent.

Line-based (run it after ``html``); it removes lines, never rewrites them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import xxhash

from dedupe.hookspecs import hookimpl
from dedupe.kernels.reference import auto_tokens
from dedupe.normalise import Normaliser

#: Lines longer than this are never boilerplate candidates (cookie notices are shorter).
MAX_BOILERPLATE_LINE = 600
#: A document keeps its learned lines when they would take more than this share of it.
MAX_REMOVED_SHARE = 0.5
#: Carriers of a frequent line on which its number of different documents is measured (at
#: most 64: which carriers hold a line is a 64-bit mask).
CARRIERS = 64
#: Carriers sharing this share of the smaller one's other text are copies of one document
#: (the engine's default verification, containment, accepts a copy at 0.7).
COPY_SHARE = 0.7
#: Rounds of learning at most: each measures the lines not learned yet, ignoring those learned.
ROUNDS = 4


def _line_key(line: str) -> str:
    return line.strip().casefold()


@dataclass(frozen=True)
class BoilerplateModel:
    """Lines learned as boilerplate, by their stripped, case-folded form; a document loses
    them only while they take at most ``max_share`` of its visible characters."""

    lines: frozenset[str]
    longest: int = 0
    max_share: float = MAX_REMOVED_SHARE

    def __call__(self, text: str) -> str:
        if not self.lines:
            return text
        # A line longer than the longest learned one (give or take some padding) cannot be
        # one: most lines are rejected on their length, without casefolding them.
        limit = self.longest + 16
        learned = self.lines
        lines = text.split("\n")
        drop = [len(line) <= limit and _line_key(line) in learned for line in lines]
        if not any(drop):
            return text
        removed = total = 0
        for line, gone in zip(lines, drop, strict=True):
            size = len(line.strip())
            total += size
            removed += size if gone else 0
        if removed >= total or removed > self.max_share * total:
            return text
        return "\n".join(line for line, gone in zip(lines, drop, strict=True) if not gone)


def line_words(line: str) -> int:
    """The length of a line in words, script-aware: a line of Chinese or Japanese is one
    run between spaces, so its characters are counted instead, two to a word (about the
    characters of a word in those scripts), as the ``auto`` shingle unit tokenises them."""
    if line.isascii():
        return len(line.split())
    tokens = auto_tokens(line)
    chars = sum(1 for _, is_char in tokens if is_char)
    return len(tokens) - chars + (chars + 1) // 2


def required_repeats(words: int, documents: int) -> int:
    """How many otherwise different documents a line of ``words`` words must appear in to be
    learned, in a sample of ``documents``.

    Short lines (a tag line, "Share on Facebook") need 10 documents or 0.1% of the sample;
    each further word raises the bar, so a paragraph shared only by an article and its copies
    is never boilerplate.
    """
    base = max(10, documents // 1000)
    return base if words <= 8 else base * (1 + (words - 8) // 4)


@dataclass(frozen=True)
class LineTable:
    """The distinct non-blank lines of a sample of documents, numbered: each document's line
    numbers (``values[offsets[d]:offsets[d + 1]]``, each line once), each line's key, length
    in characters and number of documents holding it."""

    keys: list[str]
    values: np.ndarray
    offsets: np.ndarray
    weights: np.ndarray
    counts: np.ndarray

    @classmethod
    def of(cls, texts: Sequence[str]) -> LineTable:
        number: dict[str, int] = {}
        add = number.setdefault
        flat: list[int] = []
        sizes = np.zeros(len(texts), dtype=np.int64)
        for d, text in enumerate(texts):
            # Case-folding the text, then stripping its lines, gives each line's _line_key.
            keys = set(map(str.strip, text.casefold().split("\n")))
            keys.discard("")
            flat.extend([add(k, len(number)) for k in keys])
            sizes[d] = len(keys)
        offsets = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        values = np.array(flat, dtype=np.int32)
        keys_list = list(number)
        weights = np.fromiter(map(len, keys_list), np.int64, len(keys_list))
        counts = np.bincount(values, minlength=len(keys_list)).astype(np.int64)
        return cls(keys_list, values, offsets, weights, counts)


def content_order(texts: Sequence[str]) -> np.ndarray:
    """Document numbers ordered by a hash of their text: an order that depends on what the
    documents say, not on where they stand in the input (identical texts are interchangeable)."""
    h = xxhash.xxh64_intdigest
    hashes = np.fromiter(
        (h(t.encode("utf-8", "surrogatepass")) for t in texts), np.uint64, len(texts)
    )
    return np.argsort(hashes, kind="stable")


@dataclass(frozen=True)
class Carriers:
    """What the counts of otherwise different documents are measured on, for some lines: how
    many documents hold each line, its sampled carriers (the first :data:`CARRIERS` in content
    order) and, per line, which of its sampled carriers hold which of the lines that two of
    them or more share (see :func:`_shared_lines`)."""

    lines: np.ndarray
    holders: np.ndarray
    docs: list[np.ndarray]
    shared: list[tuple[np.ndarray, np.ndarray, np.ndarray]]

    @classmethod
    def of(
        cls, table: LineTable, lines: np.ndarray, order: np.ndarray, carriers: int = CARRIERS
    ) -> Carriers:
        if not 2 <= carriers <= 64:
            raise ValueError("carriers are counted 2 to 64 at a time (a 64-bit mask each)")
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        sizes = np.diff(table.offsets)
        wanted = np.full(len(table.keys), -1, dtype=np.int64)
        wanted[lines] = np.arange(len(lines))
        line_of = wanted[table.values]
        keep = line_of >= 0
        line_of, doc_of = line_of[keep], np.repeat(np.arange(len(sizes)), sizes)[keep]
        by = np.lexsort((rank[doc_of], line_of))
        line_of, doc_of = line_of[by], doc_of[by]
        starts = np.searchsorted(line_of, np.arange(len(lines) + 1))
        holders = np.diff(starts)
        docs = [doc_of[a : min(b, a + carriers)] for a, b in itertools.pairwise(starts.tolist())]
        shared: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for block in range(0, len(lines), BLOCK):
            shared.extend(_shared_lines(table, lines[block : block + BLOCK], docs[block:]))
        return cls(lines, holders, docs, shared)

    def different(self, table: LineTable, weights: np.ndarray) -> np.ndarray:
        """Each line's number of otherwise different documents (see the module docstring), with
        each line of their text weighing ``weights`` (0: ignored)."""
        sizes = np.diff(table.offsets)
        doc_weight = np.bincount(
            np.repeat(np.arange(len(sizes)), sizes), weights[table.values], len(sizes)
        )
        out = np.zeros(len(self.lines))
        for c, (docs, (held, cols, group)) in enumerate(zip(self.docs, self.shared, strict=True)):
            other = doc_weight[docs] - weights[self.lines[c]]
            x = held.astype(np.float64)
            common = (x * np.bincount(group, weights[cols], held.shape[1])) @ x.T
            copy = common >= COPY_SHARE * np.minimum.outer(other, other)
            found = float((~np.tril(copy, -1).any(axis=1)).sum())
            k, n = len(docs), int(self.holders[c])
            out[c] = found if n <= k else 1.0 + (n - 1) * (found - 1.0) / (k - 1)
        return out


#: Lines whose carriers are gathered at once (bounds the memory of :meth:`Carriers.of`).
BLOCK = 64


def _shared_lines(
    table: LineTable, lines: np.ndarray, docs: list[np.ndarray]
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """For each line, which of its carriers ``docs`` hold which of the other lines that two of
    them or more hold: a 0/1 matrix of carriers by groups of lines held by the same carriers
    (a template's lines weigh as one group), those lines, and the group of each."""
    n = len(table.keys)
    sampled = np.concatenate(docs[: len(lines)])
    counts = np.fromiter((len(d) for d in docs[: len(lines)]), np.int64, len(lines))
    which = np.repeat(np.arange(len(lines)), counts)
    position = np.arange(len(sampled)) - np.repeat(np.cumsum(counts) - counts, counts)
    lengths = np.diff(table.offsets)[sampled]
    begin = np.cumsum(lengths) - lengths
    at = np.repeat(table.offsets[sampled] - begin, lengths) + np.arange(int(lengths.sum()))
    key = np.repeat(which, lengths) * n + table.values[at]
    # Each (measured line, other line) with the set of carriers holding both, as a bit mask
    # (at most CARRIERS <= 64 carriers).
    bit = np.left_shift(np.uint64(1), np.repeat(position, lengths).astype(np.uint64))
    by = np.argsort(key, kind="stable")
    key, bit = key[by], bit[by]
    first = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
    holders = np.diff(np.append(first, len(key)))
    masks = np.add.reduceat(bit, first) if len(first) else np.zeros(0, dtype=np.uint64)
    key = key[first]
    line = key % n
    keep = (holders >= 2) & (line != lines[key // n])
    key, line, masks = key[keep], line[keep], masks[keep]
    bounds = np.searchsorted(key // n, np.arange(len(lines) + 1))
    out = []
    for c in range(len(lines)):
        lo, hi = bounds[c], bounds[c + 1]
        patterns, group = np.unique(masks[lo:hi], return_inverse=True)
        shifts = np.arange(counts[c], dtype=np.uint64)
        held = ((patterns[None, :] >> shifts[:, None]) & np.uint64(1)).astype(np.uint8)
        out.append((held, line[lo:hi], group.reshape(-1)))
    return out


def boilerplate_lines(texts: Sequence[str]) -> frozenset[str]:
    """The lines of ``texts`` held by enough otherwise different documents (neither the lines
    nor the counts depend on the order of ``texts``).

    Candidates are the lines frequent enough by raw count. Their counts of different documents
    are measured in rounds: what a round learns is ignored by the next, since documents that
    share only boilerplate are otherwise different (a site's pages share their template, not
    their articles), until a round learns nothing more.
    """
    documents = len(texts)
    table = LineTable.of(texts)
    floor = required_repeats(1, documents)
    frequent = np.flatnonzero((table.counts >= floor) & (table.weights <= MAX_BOILERPLATE_LINE))
    needed = np.fromiter(
        (required_repeats(line_words(table.keys[k]), documents) for k in frequent.tolist()),
        np.int64,
        len(frequent),
    )
    enough = table.counts[frequent] >= needed
    candidates, needed = frequent[enough], needed[enough]
    carriers = Carriers.of(table, candidates, content_order(texts))
    learned = np.zeros(len(candidates), dtype=bool)
    weights = table.weights.astype(np.float64)
    for _ in range(ROUNDS):
        now = (carriers.different(table, weights) >= needed) | learned
        if (now == learned).all():
            break
        learned = now
        weights[candidates[learned]] = 0.0
    return frozenset(table.keys[k] for k in candidates[learned].tolist())


def learn_boilerplate(batches: Iterable[list[str]]) -> Normaliser:
    """Learn the boilerplate lines of a sample of the corpus (batches of its texts)."""
    texts = [text for batch in batches for text in batch]
    return fitted_boilerplate(boilerplate_lines(texts), len(texts))


def fitted_boilerplate(
    lines: Iterable[str], documents: int, max_share: float = MAX_REMOVED_SHARE
) -> Normaliser:
    """The ``boilerplate`` normaliser removing ``lines`` (while they take at most
    ``max_share`` of a document); its state is the sorted lines and those numbers."""
    learned = frozenset(lines)
    model = BoilerplateModel(learned, max((len(k) for k in learned), default=0), max_share)
    return Normaliser(
        "boilerplate",
        model,
        description=f"{len(learned)} lines learned from {documents} documents",
        removes_boilerplate=True,
        state={"lines": sorted(learned), "documents": documents, "max_share": max_share},
        restore=restore_boilerplate,
    )


def restore_boilerplate(state: Mapping[str, Any]) -> Normaliser:
    """The fitted ``boilerplate`` normaliser from its state (checked: a list of strings, a
    count of documents, a share in (0, 1]; a state without a share has the default)."""
    lines = state.get("lines")
    documents = state.get("documents", 0)
    max_share = state.get("max_share", MAX_REMOVED_SHARE)
    if not isinstance(lines, list) or not all(isinstance(x, str) for x in lines):
        raise ValueError("boilerplate state: 'lines' must be a list of strings")
    if not isinstance(documents, int) or isinstance(documents, bool):
        raise ValueError("boilerplate state: 'documents' must be an integer")
    if (
        not isinstance(max_share, (int, float))
        or isinstance(max_share, bool)
        or not 0 < max_share <= 1
    ):
        raise ValueError("boilerplate state: 'max_share' must be a number in (0, 1]")
    return fitted_boilerplate(lines, documents, float(max_share))


@hookimpl
def register_normalisers(register: Callable[[Normaliser], None]) -> None:
    register(
        Normaliser(
            "boilerplate",
            BoilerplateModel(frozenset()),
            description="remove lines that recur across many otherwise different documents "
            "(learned per run)",
            learn=learn_boilerplate,
            removes_boilerplate=True,
            restore=restore_boilerplate,
        )
    )
