"""The built-in ``figures`` scorer: templated stories whose figures, dates or subject differ are
not copies, and its rejection is a veto.

Wire services and data sites publish from templates: the Fed's daily repurchase notice, dividend
declarations, weekly rate tables. Two such stories share almost every shingle and differ in the
figures that carry the news, so a shingle measure calls them copies. ``figures`` reads each
document's figures, names and headline (:mod:`dedupe.figures`) from its text as a reader sees it
(markup and page furniture removed by the run's structural and furniture normalisers, case and
punctuation kept) and scores a pair by the share of figures that agree where the two texts hold
one in the same place. A pair with nothing to compare scores a neutral 1.0, so the scorer only
ever rejects; when it does, the pair is a cannot-link (``vetoes``): the two documents never end
in one cluster, through other members neither.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from dedupe.cluster import component_labels
from dedupe.default_plugins.page_metadata import ATTRIBUTION
from dedupe.figures import Slots, extract, is_correction, score
from dedupe.figures.extract import PAGE, READ_CHARS
from dedupe.figures.roles import MEMO
from dedupe.figures.sketch import Sketch, agree, sketch
from dedupe.normalise import Chain
from dedupe.recent import Recent
from dedupe.score import PairContext, Scorer

#: A pair passes when at least this share of the compared figures (and of the names) agree:
#: one corrected figure in four passes, one of two (a different day's rate) does not.
DEFAULT_THRESHOLD = 0.7

#: Markup that makes a text a page (a closing tag, a line break, a doctype): the ``html``
#: normaliser extracts its content first. "<P>" alone is Phillips Petroleum's ticker.
_HTML = PAGE
_MEMO = MEMO
_WRITTEN, _READABLE, _SCORED = MEMO + ".written", MEMO + ".readable", MEMO + ".scored"
#: The differing sentences read by first looks, by text (a template's notices differ in the
#: same lines from each other notice: read once), the most recent this many kept.
_SENTENCES, _KEPT_SENTENCES = MEMO + ".sentences", 8_192


def reading_chains(chain: Any) -> tuple[Chain | None, Chain | None]:
    """The run's normalisers that remove markup (applied to pages only: "<ESY>" in wire copy
    is a ticker, not a tag) and those that remove page furniture, in chain order."""
    normalisers = getattr(chain, "normalisers", None)
    if not normalisers:
        return None, None
    structural = [n for n in normalisers if n.structural]
    furniture = [n for n in normalisers if n.removes_boilerplate]
    return (Chain(structural) if structural else None, Chain(furniture) if furniture else None)


def readable_texts(texts: list[str], chain: Any) -> list[str]:
    """The texts as a reader sees them: pages through the structural normalisers, every text
    through the furniture normalisers; case, punctuation and figures as written."""
    structural, furniture = reading_chains(chain)
    out = list(texts)
    if structural is not None:
        pages = [k for k, t in enumerate(out) if "</" in t and _HTML.search(t)]
        if pages:
            for k, text in zip(pages, structural([out[k] for k in pages]), strict=True):
                out[k] = text
    if furniture is not None and out:
        out = furniture(out)
    return [_without_credits(text) for text in out]


#: Credit phrases inside a line that :data:`ATTRIBUTION` (made to match a whole link) misses.
_CREDIT = re.compile(r"\b(?:paru|publi[ée]e?) (?:initialement|à l['’]origine|d['’]abord)\b", re.I)
#: A credit is a line of furniture, never a paragraph of the story.
_CREDIT_LINE = 200


def _credit_line(line: str) -> bool:
    if len(line) > _CREDIT_LINE:
        return False
    found = ATTRIBUTION.search(line)
    if found is not None and not found.group(0).lower().startswith("via"):
        return True
    return _CREDIT.search(line) is not None


#: What each credit holds, in lower case: every match of :data:`ATTRIBUTION` (but its "via"
#: links, which :func:`_credit_line` does not take for credits) and of :data:`_CREDIT` has one
#: of these, so a text or a line without any credits no source (plain-string searches, far
#: cheaper than the patterns; "public" or "first" alone, common words, are not enough).
_CREDIT_WORDS = (
    "source",
    "original",
    "原文",
    "元記事",
    "quelle",
    "fuente",
    "fonte",
    "źródło",
    "bron",
    "来源",
    "來源",
    "出典",
    "出处",
    "المصدر",
    "first published",
    "first appeared",
    "initialement",
    "origine",
    "abord",
    "zuerst",
    "pubblicato",
    "转载自",
)


def _without_credits(text: str) -> str:
    """The text without its lines crediting a source ("Originally published at X",
    "Source: X", "Cet article est paru initialement sur X"): aggregators that repost one
    article credit other sites, and a site's name there is no figure or name of the story
    (two copies must not conflict on it)."""
    lines = text.split("\n")
    # (only a short line can be a credit: the words are looked for in those alone, most of a
    # story's text is in its long paragraphs)
    short = "\n".join(line for line in lines if len(line) <= _CREDIT_LINE).lower()
    words = [w for w in _LATIN_CREDIT_WORDS if w in short]
    if not short.isascii():
        # (a word of another script is looked for where its first letter is: a search for
        # one character is a fraction of one for a word)
        words += [w for w in _OTHER_CREDIT_WORDS if w[0] in short and w in short]
    if not words:
        return text
    kept = []
    for line in lines:
        if len(line) <= _CREDIT_LINE:
            low = line.lower()
            if any(w in low for w in words) and _credit_line(line):
                continue
        kept.append(line)
    return text if len(kept) == len(lines) else "\n".join(kept)


_LATIN_CREDIT_WORDS = tuple(w for w in _CREDIT_WORDS if w.isascii())
_OTHER_CREDIT_WORDS = tuple(w for w in _CREDIT_WORDS if not w.isascii())


def _page(text: str) -> bool:
    return "</" in text and _HTML.search(text) is not None


#: Documents whose readings are kept at a time, per kind of reading (sentences as written, as
#: read, the figures): a document's reading is 30-50 KiB, and the documents of a run's
#: candidate pairs are many (20,000 of 100,000 documents with 10% copies took 600 MB).
KEPT = 512
#: Candidate pairs are verified in groups of at most this many documents, in the order of
#: the candidate graph's components (the documents of one cluster read together, once).
_GROUP_DOCS = 512


def _recent(ctx: PairContext, key: str) -> Recent[int, Any]:
    found = ctx.memo.get(key)
    if found is None:
        found = ctx.memo[key] = Recent(KEPT)
    return found


def sketches_of(ctx: PairContext, docs: list[int], *, readable: bool) -> dict[int, Sketch | None]:
    """Each document's sentences (:mod:`dedupe.figures.sketch`) from its first
    :data:`READ_CHARS` characters, made on first use and kept for the :data:`KEPT` documents
    used last (the scorer sees the candidate pairs, then the members of clusters): as written
    (``readable=False``; None for a page, whose markup is no text), or as a reader sees it
    (:func:`readable_texts`)."""
    cache = _recent(ctx, _READABLE if readable else _WRITTEN)
    found = {d: cache[d] for d in docs if d in cache}
    missing = [d for d in docs if d not in found]
    if missing:
        raw = [ctx.text(d)[:READ_CHARS] for d in missing]
        if readable:
            raw = readable_texts(raw, getattr(ctx.store, "normalise", None))
        for doc, text in zip(missing, raw, strict=True):
            found[doc] = cache[doc] = None if not readable and _page(text) else sketch(text)
    return found


def slots_of(ctx: PairContext, docs: list[int]) -> dict[int, Slots]:
    """Each document's figures, read in full on first use (for a pair its sketch does not
    settle) and kept for the :data:`KEPT` documents read last."""
    cache = _recent(ctx, _MEMO)
    found = {d: cache[d] for d in docs if d in cache}
    missing = [d for d in docs if d not in found]
    if missing:
        sketches = sketches_of(ctx, missing, readable=True)
        for doc in missing:
            read = sketches[doc]
            text = read.text if read is not None else ""  # (never None as read)
            found[doc] = cache[doc] = extract(text, correction=is_correction(ctx.text(doc)))
    return found


def _settled(pairs: list[tuple[int, int]], ctx: PairContext, names: bool) -> list[int]:
    """The indices of the pairs whose sketches, as read, do not agree (what a pair scores
    depends on its two texts only, never on the pairs scored with it: executors that batch
    pairs differently write the same scores)."""
    sketches = sketches_of(ctx, sorted({d for pair in pairs for d in pair}), readable=True)
    read = ctx.memo.get(_SENTENCES)
    if read is None:
        read = ctx.memo[_SENTENCES] = Recent(_KEPT_SENTENCES)
    todo = []
    for k, (a, b) in enumerate(pairs):
        first, second = sketches[a], sketches[b]
        if first is None or second is None or not agree(first, second, names=names, read=read):
            todo.append(k)
    return todo


def _groups(pairs: list[tuple[int, int]]) -> list[list[int]]:
    """The indices of the pairs in groups of at most :data:`_GROUP_DOCS` documents, a
    component of the pairs' graph after another (each document's readings are then used
    while they are kept)."""
    edges = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    docs, local = np.unique(edges, return_inverse=True)
    local = local.reshape(-1, 2)
    labels = component_labels(len(docs), local)
    order = np.lexsort((local[:, 1], local[:, 0], labels[local[:, 0]])).tolist()
    groups: list[list[int]] = []
    current: list[int] = []
    seen: set[int] = set()
    for k in order:
        a, b = pairs[k]
        if current and len(seen) + (a not in seen) + (b not in seen) > _GROUP_DOCS:
            groups.append(current)
            current, seen = [], set()
        current.append(k)
        seen.update((a, b))
    if current:
        groups.append(current)
    return groups


def _scores(pairs: np.ndarray, ctx: PairContext, with_names: bool) -> np.ndarray:
    """1.0 for the pairs whose sketches agree (most copies), the full score for the others;
    each pair's score kept for the run (pairs are verified again around representatives)."""
    out = np.ones(len(pairs), dtype=np.float64)
    if not len(pairs):
        return out
    known: dict[tuple[int, int, bool], float] = ctx.memo.setdefault(_SCORED, {})
    listed = [(a, b) for a, b in pairs.tolist()]
    fresh = sorted({pair for pair in listed if (*pair, with_names) not in known})
    # texts the same as read agree (nothing read: exact copies are a large share of copies)
    same = [pair for pair in fresh if ctx.same_text(*pair)]
    for a, b in same:
        known[a, b, with_names] = 1.0
    if same:
        fresh = [pair for pair in fresh if (*pair, with_names) not in known]
    for group in _groups(fresh) if fresh else []:
        chosen = [fresh[k] for k in group]
        full = {chosen[k] for k in _settled(chosen, ctx, with_names)}
        slots = slots_of(ctx, sorted({d for pair in full for d in pair})) if full else {}
        for a, b in chosen:
            scored = score(slots[a], slots[b], names=with_names) if (a, b) in full else 1.0
            known[a, b, with_names] = scored
    for k, (a, b) in enumerate(listed):
        out[k] = known[a, b, with_names]
    return out


def figures(pairs: np.ndarray, ctx: PairContext) -> np.ndarray:
    """Agreement of the figures, dates and names the two texts hold in the same places; 0 for
    headlines about different subjects."""
    return _scores(pairs, ctx, with_names=True)


def numbers(pairs: np.ndarray, ctx: PairContext) -> np.ndarray:
    """Agreement of the figures alone (names and subjects not looked at)."""
    return _scores(pairs, ctx, with_names=False)


#: The scorer (registered with the other built-in scorers, :mod:`dedupe.default_plugins.scorers`).
FIGURES = Scorer(
    "figures",
    figures,
    DEFAULT_THRESHOLD,
    True,
    "figures, dates and subjects agree where the texts are shared (a veto)",
    vetoes=True,
    pure=True,
)
