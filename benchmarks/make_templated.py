#!/usr/bin/env python3
"""Build a corpus of templated wire notices: hard negatives that differ only in their figures.

    python benchmarks/make_templated.py N OUT_DIR [--copy-share 0.2] [--seed 1] [--prefix t]

Writes ``OUT_DIR/corpus.jsonl`` (``{"id", "text"}``) and ``OUT_DIR/truth.jsonl`` (``{"id",
"cluster", "role", "ops", "source"}``, the format of ``make_corpus.py``), so the two corpora can
be concatenated (``cat``) to measure verification inside a throughput run. The throughput corpus
has no hard negatives: its distinct documents share almost no 5-gram, so every candidate is a
copy and the scorers are barely exercised.

What a document is
------------------
* **Notices.** Twelve wire templates written for this benchmark (dividends, buybacks, debt
  offerings, central bank operations, commodity levies, rate fixings, earnings, crop and port
  figures, weather warnings...), each of three to six sentences with slots: issuer names made of
  seeded syllables (about 400 per corpus, so an issuer recurs), amounts with scales (``mln``,
  ``bln``), percentages, prices, dates (month and day, weekday), quantities with units. Every
  notice fills its slots afresh from ``(seed, its index)``, so two notices of one template and
  one issuer share nearly all their word 5-grams and differ in one to five figures: distinct
  documents (another day, another amount), the pairs a copy detector must not merge.
* **Copies.** Document ``i`` is a copy when ``floor((i+1)*share) > floor(i*share)``; it copies a
  notice chosen uniformly among the earlier originals and applies one of: ``resend`` (the text
  again), ``repeat`` (a ``REPEAT`` or ``RPT`` line first), ``wrap`` (a dateline header and a
  source footer), ``droplast`` (the last sentence dropped; kept only when it leaves two), and
  ``retype`` (``mln`` -> ``million``, ``pct`` -> ``percent``: the same figures written out).
  A copy's cluster is its original's.
Deterministic: the same N, share and seed give the same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

SHARE_SCALE = 1_000_000
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
SYLLABLES = [
    "al",
    "ber",
    "cor",
    "dan",
    "el",
    "fen",
    "gar",
    "hol",
    "in",
    "jor",
    "kal",
    "lun",
    "mer",
    "nor",
    "ost",
    "pel",
    "quin",
    "ros",
    "sal",
    "tor",
    "ul",
    "ven",
    "wes",
]
KINDS = ("Corp", "Inc", "Group", "Holdings", "Industries", "Bancorp", "Resources", "Co")
PORTS = ("Rotterdam", "Santos", "Durban", "Vancouver", "Gdansk", "Mombasa", "Chittagong")
REGIONS = ("northern plains", "coastal districts", "central valley", "eastern highlands")
CROPS = ("wheat", "maize", "soybeans", "barley", "sugar", "cocoa")

#: The templates: each a list of sentences; ``{name}`` slots are filled by ``_slots``.
TEMPLATES: tuple[tuple[str, ...], ...] = (
    (
        "{issuer} said its board declared a quarterly dividend of {cents} cts a share, "
        "payable {month} {day} to shareholders of record on {month2} {day2}.",
        "The company paid {cents2} cts a share in the previous quarter.",
        "The board also said it expects to maintain the dividend at that level for the "
        "rest of the fiscal year, subject to its usual review of earnings and cash flow.",
        "{issuer} shares closed at {price} dlrs on {weekday}.",
    ),
    (
        "The Federal Reserve entered the government securities market to arrange "
        "{days}-day repurchase agreements for the system account, a spokesman said.",
        "Fed funds were trading at {rate} pct when the Fed began its temporary and indirect "
        "supply of reserves to the banking system.",
        "Economists said the operation was in line with expectations and that the Fed was "
        "adding reserves to offset seasonal pressures ahead of the {month} settlement.",
        "The operation totalled about {amount} bln dlrs, dealers estimated.",
    ),
    (
        "{issuer} said it plans to repurchase up to {shares} mln of its common shares in "
        "the open market or in privately negotiated transactions.",
        "The company has about {shares2} mln shares outstanding.",
        "It said the repurchase will be funded from working capital and that the timing "
        "and amount of purchases will depend on market conditions.",
    ),
    (
        "{issuer} said it filed with the Securities and Exchange Commission for a proposed "
        "offering of {amount} mln dlrs of {years}-year senior notes.",
        "Proceeds will be used to repay bank debt and for general corporate purposes, the "
        "company said.",
        "The offering will be managed by a group of underwriters led by {issuer2}.",
    ),
    (
        "The European Community Commission set the export levy on {crop} at {levy} European "
        "currency units a tonne for the week starting {weekday} {month} {day}.",
        "The previous week's levy was {levy2} ecus a tonne.",
        "Trade sources said the commission had granted licences for {tonnes} tonnes at "
        "its weekly tender, against {tonnes2} tonnes the week before.",
    ),
    (
        "{issuer} reported net income of {amount} mln dlrs, or {cents} cts a share, for the "
        "quarter ended {month} {day}, against {amount2} mln dlrs, or {cents2} cts, a year "
        "earlier.",
        "Revenues rose to {amount3} mln dlrs from {amount4} mln.",
        "The company said results in the year-ago quarter included a one-time charge "
        "related to the restructuring of its operations.",
        "It said it remains cautious about the outlook for the second half of the year.",
    ),
    (
        "Shipping at the port of {port} totalled {tonnes} tonnes in the week to {month} "
        "{day}, up from {tonnes2} tonnes the previous week, port officials said.",
        "{crop_cap} accounted for {share} pct of the cargoes loaded.",
        "Vessels waiting to load numbered {ships}, against {ships2} a week earlier, and "
        "officials said congestion was expected to ease as the harvest moves to inland "
        "storage.",
    ),
    (
        "The national weather service issued a frost warning for the {region} for the "
        "night of {weekday} {month} {day}, with temperatures expected to fall to minus "
        "{degrees} degrees Celsius.",
        "Growers said the {crop} crop was at a sensitive stage and that losses could be "
        "heavy if the cold lasted more than {hours} hours.",
        "The service said a further update would be issued on {weekday2} morning.",
    ),
    (
        "The Bank of England said it provided the money market with {amount} mln stg of "
        "assistance in the morning session, buying bills in band {band} at {rate} pct.",
        "This compares with the bank's revised estimate of a {amount2} mln stg shortage in "
        "the system today.",
        "Dealers said the bank's dealing rates were unchanged, a sign that it does not want "
        "a move in base lending rates.",
    ),
    (
        "{issuer} said it agreed to acquire {issuer2} for about {amount} mln dlrs in cash "
        "and stock.",
        "Under the agreement, holders of {issuer2} will receive {price} dlrs a share in cash "
        "and {ratio} of a {issuer} share for each share held.",
        "The transaction, which is subject to regulatory approval and the vote of "
        "{issuer2}'s shareholders, is expected to close by the end of {month}.",
    ),
    (
        "{crop_cap} production in the {region} is estimated at {tonnes} tonnes this season, "
        "the agriculture ministry said in its {month} report.",
        "That compares with {tonnes2} tonnes last season and the ministry's previous "
        "estimate of {tonnes3} tonnes.",
        "Yields averaged {yield_} tonnes a hectare on an area of {hectares} hectares, the "
        "ministry said, citing favourable rains during planting.",
    ),
    (
        "{issuer} said it cut its prime lending rate to {rate} pct from {rate2} pct, "
        "effective {weekday} {month} {day}.",
        "The move follows similar cuts by other major banks earlier this week.",
        "Bank economists said further reductions were possible if money market rates "
        "continued to fall.",
    ),
)


def _issuer(rng: random.Random, pool: list[str]) -> str:
    return rng.choice(pool)


def _issuers(seed: int, n: int = 400) -> list[str]:
    rng = random.Random(f"issuers-{seed}")
    names = set()
    while len(names) < n:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        names.add(f"{word} {rng.choice(KINDS)}")
    return sorted(names)


def _slots(rng: random.Random, issuers: list[str]) -> dict[str, str]:
    """Fresh figures for one notice; issuers drawn from a small pool so that they recur."""
    two = rng.sample(issuers, 2)
    return {
        "issuer": two[0],
        "issuer2": two[1],
        "cents": str(rng.randint(5, 95)),
        "cents2": str(rng.randint(5, 95)),
        "price": f"{rng.randint(5, 120)}-{rng.choice(('1/8', '1/4', '3/8', '1/2', '3/4'))}",
        "month": rng.choice(MONTHS),
        "month2": rng.choice(MONTHS),
        "day": str(rng.randint(1, 28)),
        "day2": str(rng.randint(1, 28)),
        "weekday": rng.choice(WEEKDAYS),
        "weekday2": rng.choice(WEEKDAYS),
        "days": rng.choice(("two", "three", "four", "six", "seven")),
        "rate": f"{rng.randint(2, 11)}-{rng.choice(('1/8', '1/4', '3/8', '1/2', '5/8', '3/4'))}",
        "rate2": f"{rng.randint(2, 11)}-{rng.choice(('1/4', '1/2', '3/4'))}",
        "amount": f"{rng.randint(1, 999)}.{rng.randint(0, 9)}",
        "amount2": f"{rng.randint(1, 999)}.{rng.randint(0, 9)}",
        "amount3": f"{rng.randint(1, 9999)}.{rng.randint(0, 9)}",
        "amount4": f"{rng.randint(1, 9999)}.{rng.randint(0, 9)}",
        "shares": f"{rng.randint(1, 40)}",
        "shares2": f"{rng.randint(40, 400)}",
        "years": str(rng.choice((3, 5, 7, 10, 12, 20, 30))),
        "crop": rng.choice(CROPS),
        "crop_cap": rng.choice(CROPS).capitalize(),
        "levy": f"{rng.randint(20, 180)}.{rng.randint(10, 99)}",
        "levy2": f"{rng.randint(20, 180)}.{rng.randint(10, 99)}",
        "tonnes": f"{rng.randint(1, 990)},{rng.randint(0, 999):03d}",
        "tonnes2": f"{rng.randint(1, 990)},{rng.randint(0, 999):03d}",
        "tonnes3": f"{rng.randint(1, 990)},{rng.randint(0, 999):03d}",
        "port": rng.choice(PORTS),
        "share": str(rng.randint(10, 90)),
        "ships": str(rng.randint(3, 60)),
        "ships2": str(rng.randint(3, 60)),
        "region": rng.choice(REGIONS),
        "degrees": str(rng.randint(1, 12)),
        "hours": str(rng.randint(2, 12)),
        "band": str(rng.randint(1, 4)),
        "ratio": f"0.{rng.randint(1, 99):02d}",
        "yield_": f"{rng.randint(1, 9)}.{rng.randint(0, 9)}",
        "hectares": f"{rng.randint(10, 990)},{rng.randint(0, 999):03d}",
    }


def notice(seed: int, k: int, issuers: list[str]) -> tuple[str, int]:
    """The k-th original notice and its template number, from (seed, k) alone."""
    rng = random.Random(seed * 1_000_003 + 2 * k)
    t = rng.randrange(len(TEMPLATES))
    slots = _slots(rng, issuers)
    return " ".join(s.format(**slots) for s in TEMPLATES[t]), t


def make_copy(rng: random.Random, text: str) -> tuple[str, str]:
    """A copy of ``text`` by one of the operations of the module docstring, and its name."""
    op = rng.choice(("resend", "repeat", "wrap", "droplast", "retype"))
    if op == "repeat":
        text = rng.choice(("REPEAT", "RPT", "REPEATING FOR ALL RECIPIENTS")) + "\n" + text
    elif op == "wrap":
        city = rng.choice(("NEW YORK", "LONDON", "CHICAGO", "BRUSSELS", "TOKYO"))
        text = f"{city}, {rng.choice(MONTHS)} {rng.randint(1, 28)} - {text}\nSource: wire service"
    elif op == "droplast":
        head, sep, _ = text.rstrip(".").rpartition(". ")
        if sep and head.count(". ") >= 1:
            text = head + "."
        else:
            op = "resend"
    elif op == "retype":
        text = text.replace(" mln ", " million ").replace(" pct", " percent")
    return text, op


def generate(n: int, out: Path, share: float, seed: int, prefix: str) -> dict[str, int]:
    out.mkdir(parents=True, exist_ok=True)
    issuers = _issuers(seed)
    scaled = round(share * SHARE_SCALE)
    width = max(6, len(str(n - 1)))
    originals: list[int] = []  # document index of each original, in order
    counts = {"documents": n, "copies": 0}
    with open(out / "corpus.jsonl", "w") as fc, open(out / "truth.jsonl", "w") as ft:
        for i in range(n):
            doc_id = f"{prefix}{i:0{width}d}"
            is_copy = i > 0 and (i + 1) * scaled // SHARE_SCALE > i * scaled // SHARE_SCALE
            if is_copy and originals:
                rng = random.Random(seed * 1_000_003 + 2 * i + 1)
                j = rng.randrange(len(originals))
                oi = originals[j]
                base, _ = notice(seed, j, issuers)
                text, op = make_copy(rng, base)
                row = {"cluster": f"c{prefix}{oi:0{width}d}", "role": "copy", "ops": op}
                row["source"] = f"{prefix}{oi:0{width}d}"
                counts["copies"] += 1
            else:
                text, t = notice(seed, len(originals), issuers)
                originals.append(i)
                row = {"cluster": f"c{prefix}{i:0{width}d}", "role": "original", "ops": ""}
                row["source"] = f"template-{t}"
            fc.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
            ft.write(json.dumps({"id": doc_id, **row}) + "\n")
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of documents")
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--copy-share", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--prefix", default="t", help="id prefix (keeps ids apart from other corpora)")
    args = ap.parse_args(argv)
    counts = generate(args.n, args.out_dir, args.copy_share, args.seed, args.prefix)
    print(json.dumps(counts), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
