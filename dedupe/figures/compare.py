"""Whether two documents tell the same figures, names and subject where their text is shared.

Two documents *agree* on a context key when they hold the same values there and *conflict*
when they hold different ones (:func:`agreement`); a number agrees with another written more
precisely when it is that number rounded ("3.1 mln" and "3,086,386"). :func:`changed_share` is
the share of the figures (and names) that conflict, :func:`different_subjects` says two
headlines are about different companies or people, and :func:`score` combines them into the
``figures`` score: 1.0 when nothing conflicts, 0.0 for another subject. A correction ("CORRECTED
- ...") changes a few figures of the story it corrects, so a pair in which one document says it
corrects and only a few figures conflict agrees.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter

from dedupe.figures import words as vocab
from dedupe.figures.extract import FIGURE, NAME, UNSPACED, Key, Slots, Value

__all__ = [
    "MAX_CORRECTED",
    "agreement",
    "changed_share",
    "different_subjects",
    "same_company",
    "same_value",
    "score",
]

#: A correction changes at most this many figures or names of the story it corrects.
MAX_CORRECTED = 4


def same_value(a: Value, b: Value) -> bool:
    """Equal figures: equal codes and dates, or numbers within the rounding of the less
    precise one (strictly: "two billion" is not "1.5 billion")."""
    if a[0] != b[0]:
        # a month alone agrees with a date in it ("in September", "on 20 September")
        return {a[0], b[0]} == {"d", "m"} and a[1] == b[1]
    if a[0] != "n":
        return a == b
    if a[1] == b[1]:
        return True
    tolerance = 0.5 * max(a[2], b[2])
    return abs(a[1] - b[1]) < tolerance * (1.0 - 1e-9)


def _same_name(a: str, b: str) -> bool:
    """Names agree when equal or when one is the other with words added at either end
    ("u.s" and "u.s credit": capitalisation decides where a name stops, and copies differ
    in capitalisation)."""
    return (
        a == b
        or a.startswith(b + " ")
        or b.startswith(a + " ")
        or a.endswith(" " + b)
        or b.endswith(" " + a)
    )


#: Under a key with more pairs of values than this, only the numbers near each are compared.
_FEW = 64

#: Kinds of figure values that are dates: a date that differs is other news.
_DATES = frozenset({"d", "m", "w"})


def _present(value: Value, doc: Slots) -> bool:
    """Whether the figure is anywhere in the document (then a conflict under one key is a
    figure moved, not changed: "ranged from 0.50 to 0.64" and "from 0.64 to 0.50"); a month
    is there when a date of that month is (:func:`same_value`)."""
    found = doc.all_figures
    if value[0] != "n":
        return any(same_value(value, other) for other in found)
    lo, hi = _near(value, found, doc.widest_rounding)
    return any(same_value(value, found[j]) for j in range(lo, hi))


def _widest(values: tuple[Value, ...]) -> float:
    """The widest rounding among the numbers of a sorted tuple of values."""
    lo = bisect.bisect_left(values, ("n",))
    hi = bisect.bisect_left(values, ("o",))
    return max((v[2] for v in values[lo:hi]), default=0.0)


def _near(value: Value, values: tuple[Value, ...], widest: float) -> tuple[int, int]:
    """The slice of a sorted tuple of values holding every number :func:`same_value` may
    find equal to the number ``value`` (those within the wider of the two roundings): the
    comparisons stay linear in the figures of long documents."""
    reach = 0.5 * max(value[2], widest)
    low, high = value[1] - reach, value[1] + reach
    if math.isnan(low) or math.isnan(high):  # (an infinite number: compare with every value)
        return 0, len(values)
    lo = bisect.bisect_left(values, ("n", low))
    hi = bisect.bisect_right(values, ("n", high, math.inf))
    return lo, hi


def _compare_key(
    key: Key, va: tuple[Value, ...], vb: tuple[Value, ...], a: Slots, b: Slots
) -> tuple[int, int, int]:
    """(values in common, values in conflict, dates in conflict) under one shared key.

    As many values are compared as the side with fewer has; an unmatched value conflicts
    only if the other document does not hold it anywhere. The same whichever document comes
    first.
    """
    if (len(va), va) > (len(vb), vb):
        va, vb, a, b = vb, va, b, a
    if key[1] == NAME:
        if len(va) == 1 and len(vb) == 1:
            same = _same_name(va[0][1], vb[0][1])
            moved = not same and va[0][1] in b.all_names
            return int(same), int(not same and not moved), 0
        common = sum((Counter(va) & Counter(vb)).values())
        unmatched = list((Counter(va) - Counter(vb)).elements())
        conflicts = sum(1 for x in unmatched if x[1] not in b.all_names)
        return common, min(conflicts, len(va) - common), 0
    if len(va) * len(vb) > _FEW:
        # Between numbers without rounding the only match is equality, so the first-unused
        # matching below is the multiset intersection: counted by Counter, at C speed (a
        # key repeated hundreds of times, as in tables and lists, cost seconds a pair).
        ca, cb = a.exact_counts(key), b.exact_counts(key)
        if ca is not None and cb is not None:
            unmatched = list((ca - cb).elements())
            conflicts = sum(1 for x in unmatched if not _present(x, b))
            return len(va) - len(unmatched), conflicts, 0
    used = [False] * len(vb)
    common = conflicts = dates = 0
    widest = _widest(vb) if len(va) * len(vb) > _FEW else math.inf
    for x in va:
        # (every value of vb, or only the numbers near x: the first unused one that is the
        # same either way, vb being sorted)
        lo, hi = (0, len(vb)) if x[0] != "n" or widest == math.inf else _near(x, vb, widest)
        for j in range(lo, hi):
            if not used[j] and same_value(x, vb[j]):
                used[j] = True
                common += 1
                break
        else:
            if not _present(x, b):
                conflicts += 1
                dates += x[0] in _DATES
    return common, conflicts, dates


def agreement(a: Slots, b: Slots) -> dict[str, tuple[int, int]]:
    """Per slot kind, ``(agreeing values, conflicting values)`` over the keys both share,
    and under ``"dates"`` the conflicting dates (see :func:`_compare_key`). Every occurrence
    is seen under two keys (before and after), so it may count twice.
    """
    if len(a.values) > len(b.values):
        a, b = b, a
    counts = {FIGURE: [0, 0], NAME: [0, 0], "dates": [0, 0]}
    other = b.values
    for key, va in a.values.items():
        vb = other.get(key)
        if vb is None:
            continue
        common, conflicts, dates = _compare_key(key, va, vb, a, b)
        tally = counts[key[1]]
        tally[0] += common
        tally[1] += conflicts
        counts["dates"][1] += dates
    return {kind: (agree, conflict) for kind, (agree, conflict) in counts.items()}


def same_company(a: Slots, b: Slots) -> bool:
    """False when both headlines name companies by ticker and share none: neither a ticker
    nor a company name (a respelt ticker of the same company still matches by name)."""
    if not a.companies or not b.companies:
        return True
    return any(
        ticker_a == ticker_b or (name_a and name_b and _same_name(name_a, name_b))
        for name_a, ticker_a in a.companies
        for name_b, ticker_b in b.companies
    )


def _subject(headline: tuple[str, ...], other: set[str]) -> list[str]:
    """The words of a headline before the first word the other headline has too (the
    subject of a wire headline: "CHASE MANHATTAN RAISES PRIME RATE"), less function words;
    empty when the headlines share nothing."""
    for k, word in enumerate(headline):
        if word in other:
            return [
                w
                for w in headline[:k]
                if len(w) > 1 and w not in vocab.HEADLINE_STOPWORDS and not w[0].isdigit()
            ]
    return []


def _letters(word: str) -> str:
    return "".join(c for c in word if c.isalnum())


def _mentioned(word: str, vocabulary: frozenset[str]) -> bool:
    """The word, a longer or shorter form of it ("Africa", "African"), or an abbreviation of
    it ("Int'l" of "International") is in the vocabulary."""
    if word in vocabulary:
        return True
    letters = _letters(word)
    if len(letters) < 3:
        return False
    for other in vocabulary:
        if other[:1] != word[:1]:
            continue
        plain = _letters(other)
        if len(plain) >= 3 and (plain.startswith(letters) or letters.startswith(plain)):
            return True
        if len(letters) < len(plain) and _subsequence(letters, plain):
            return True
    return False


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(c in it for c in short)


def different_subjects(a: Slots, b: Slots) -> bool:
    """True when the two documents are about different companies or people: their headlines
    name different tickers, or each begins with a subject the other document never mentions
    ("CHASE MANHATTAN RAISES PRIME RATE" and "BOATMEN'S NATIONAL BANK RAISES PRIME")."""
    if not same_company(a, b):
        return True
    if a.companies and b.companies:
        return False  # a shared ticker: the same company
    ha, hb = a.headline, b.headline
    if len(ha) < 3 or len(hb) < 3:
        return False
    if any(UNSPACED.search(w) for w in (*ha, *hb)):
        return False
    subject_a, subject_b = _subject(ha, set(hb)), _subject(hb, set(ha))
    if not subject_a or not subject_b:
        return False
    if a.headline_names.isdisjoint(subject_a) or b.headline_names.isdisjoint(subject_b):
        return False  # a first line opening with other words, no name: an edit, no subject
    return not any(_mentioned(w, b.vocabulary) for w in subject_a) and not any(
        _mentioned(w, a.vocabulary) for w in subject_b
    )


#: Dates in conflict (counted under each key) from which a pair is other news: one date
#: seen to differ both before and after it, or two dates.
DATE_CONFLICTS = 2


def changed_share(a: Slots, b: Slots, *, names: bool = True) -> float:
    """The share of the compared figures (and names) that differ between ``a`` and ``b``,
    in [0, 1]: conflicting values over the values compared under the keys both documents
    share. A corrected figure in a long story is a small share, the changed rate of a
    money-market flash is half of it, a changed date is all of it (:data:`DATE_CONFLICTS`).
    Names are judged together with the figures, so one respelt name in a report whose
    figures all agree is a small change, while the same sentence about another bank is not;
    the larger of the two shares is returned (``names=False``: figures only). 0 when nothing
    conflicts or nothing is compared.
    """
    return _share(agreement(a, b), names)


def _share(counts: dict[str, tuple[int, int]], names: bool) -> float:
    if counts["dates"][1] >= DATE_CONFLICTS:
        return 1.0
    agree, conflict = counts[FIGURE]
    share = conflict / (agree + conflict) if conflict else 0.0
    if names:
        name_agree, name_conflict = counts[NAME]
        compared = agree + conflict + name_agree + name_conflict
        if compared:
            share = max(share, (conflict + name_conflict) / compared)
    return min(1.0, share)


def score(a: Slots, b: Slots, *, names: bool = True) -> float:
    """The ``figures`` score of a pair: 0.0 for different subjects (``names=False``: not
    looked at), else 1 minus :func:`changed_share`, and 1.0 for a correction and the story
    it corrects (one of them says it corrects, at most :data:`MAX_CORRECTED` figures and
    names conflict)."""
    if names and different_subjects(a, b):
        return 0.0
    counts = agreement(a, b)
    if a.correction or b.correction:
        conflicts = counts[FIGURE][1] / 2 + (counts[NAME][1] / 2 if names else 0)
        if conflicts <= MAX_CORRECTED:
            return 1.0
    return 1.0 - _share(counts, names)
