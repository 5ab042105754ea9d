"""An explanation on a terminal: scores in one sentence, a legend, then what each document adds
(and how B edits A), each with a few words of the shared text around it.

All text from the data goes through :func:`dedupe.display.safe` / :func:`safe_text` before any
style is added, so no control sequence from a document reaches the terminal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from dedupe.display import safe, safe_text

if TYPE_CHECKING:
    from dedupe.explain import Explanation
    from dedupe.passages import Side

STYLES: dict[str, dict[str, Any]] = {
    "added": {"fg": "yellow", "bold": True},
    "chrome": {"fg": "bright_black"},
    "old": {"fg": "red", "strikethrough": True},
    "new": {"fg": "green", "bold": True},
    "context": {"dim": True},
}
SENTENCES = {
    "copy": "B is a copy of A",
    "teaser": "B is a teaser of A (a part of it)",
    "extended": "B is A plus added text",
    "overlapping": "B overlaps A",
    "different": "B differs from A",
}
MARKS = {"added": ("[+ ", " +]"), "chrome": ("[~ ", " ~]")}
LONG = 300
CONTEXT_CHARS = 40


def _short(text: str, full: bool) -> str:
    return text if full or len(text) <= LONG else text[:LONG] + " …"


def _context(text: str, words: int, tail: bool) -> str:
    """The last (``tail``) or first ``words`` words of ``text``, at most :data:`CONTEXT_CHARS`
    characters (a script without spaces has no words to count)."""
    if not words:
        return ""
    split = text.split()
    kept = " ".join(split[-words:] if tail else split[:words])
    if len(kept) > CONTEXT_CHARS:
        kept = kept[-CONTEXT_CHARS:] if tail else kept[:CONTEXT_CHARS]
    return kept


def _segments(side: Side, edits: bool) -> list[tuple[str, str, str | None]]:
    """The side as ``(kind, text, other text)``: ``same`` (shared), ``added``, ``chrome`` and,
    when ``edits``, ``edit`` (this side's text and the other's where a passage differs)."""
    out: list[tuple[str, str, str | None]] = []
    for p in side.passages:
        if p.status != "shared":
            out.append((p.status, p.text, None))
            continue
        for text, other in p.parts or [(p.text, None)]:
            if other is None or not edits:
                out.append(("same", text, None))
            else:
                out.append(("edit", text, other))
    return out


class _Printer:
    def __init__(self, color: bool, full: bool, context: int) -> None:
        self.color, self.full, self.context = color, full, context

    def style(self, text: str, kind: str) -> str:
        return click.style(text, **STYLES[kind]) if self.color and text else text

    def mark(self, kind: str, text: str, other: str | None) -> str:
        """One added, chrome or edited stretch, escaped, then marked or coloured."""
        flat = (lambda t: t) if self.full else (lambda t: " ".join(t.split()))
        if kind == "edit":
            # This side is B: ``other`` is A's text, ``text`` B's.
            old = safe_text(_short(flat(other or ""), self.full))
            new = safe_text(_short(flat(text), self.full))
            if self.color:
                return self.style(old or "∅", "old") + " " + self.style(new or "∅", "new")
            return f"[* {old or '∅'} => {new or '∅'} *]"
        body = safe_text(_short(flat(text), self.full))
        if self.color:
            return self.style(body, kind)
        left, right = MARKS[kind]
        return left + body + right

    def side(self, side: Side, edits: bool) -> None:
        segments = _segments(side, edits)
        if self.full:
            out = []
            for kind, text, other in segments:
                out.append(safe_text(text) if kind == "same" else self.mark(kind, text, other))
            click.echo(" ".join(out), color=self.color)
            return
        k, shown = 0, 0
        while k < len(segments):
            if segments[k][0] == "same":
                k += 1
                continue
            j = k
            while j + 1 < len(segments) and segments[j + 1][0] != "same":
                j += 1
            before = _context(segments[k - 1][1], self.context, True) if k else ""
            after = (
                _context(segments[j + 1][1], self.context, False) if j + 1 < len(segments) else ""
            )
            line = [self.mark(kind, text, other) for kind, text, other in segments[k : j + 1]]
            if before:
                line.insert(0, self.style("… " + safe(before), "context"))
            if after:
                line.append(self.style(safe(after) + " …", "context"))
            click.echo(" ".join(line), color=self.color)
            shown += 1
            k = j + 1
        if not shown:
            click.echo("(nothing)")

    def legend(self) -> str:
        if self.color:
            parts = [
                self.style("added", "added"),
                self.style("chrome", "chrome"),
                self.style("A's text", "old") + " " + self.style("B's text", "new") + " edited",
                self.style("… shared context …", "context"),
            ]
        else:
            parts = [
                "[+ added +]",
                "[~ chrome ~]",
                "[* A's text => B's text *] edited",
                "… shared context …",
            ]
        return "legend: " + "  ".join(parts)


def print_explanation(ex: Explanation, color: bool, full: bool, context: int = 4) -> None:
    """Print one explanation: the relation and scores, a legend, then A's and B's passages."""
    s = ex.scores
    printer = _Printer(color, full, context)
    click.echo(f"A: {safe(ex.a.id)}\nB: {safe(ex.b.id)}")
    click.echo(
        f"{SENTENCES[ex.relation]}: containment {s['containment']:.3f}, "
        f"jaccard {s['jaccard']:.3f}; "
        f"{s['a_in_b']:.0%} of A is in B, {s['b_in_a']:.0%} of B is in A"
    )
    click.echo(printer.legend(), color=color)
    for label, side in (("A", ex.a), ("B", ex.b)):
        words = {k: side.words(k) for k in ("shared", "edited", "added", "chrome")}
        what = "what it adds" if label == "A" else "what it adds and edits"
        click.echo(
            f"\n--- {label} ({words['shared']} words shared, {words['edited']} edited, "
            f"{words['added']} added, {words['chrome']} chrome){'' if full else ': ' + what}"
        )
        printer.side(side, edits=label == "B")
