"""Text from the data made safe to show on a terminal.

Ids, file names and texts come from files a user was handed: a control sequence in them (OSC 52
writes the clipboard, CSI 2J clears the screen) must never reach a terminal raw, and a bidi
override must not make one id look like another. Everything printed that came from the data goes
through :func:`safe` (one line: ids, paths, reasons) or :func:`safe_text` (multi-line text).
"""

from __future__ import annotations

import re

#: Bidirectional formatting characters: shown as ``<U+202E>`` so a reader sees them.
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Invisible characters that make one id look like another (zero-width space, word joiner and
#: invisible operators, zero-width no-break space, tag characters); escaped in ids and fields,
#: not in texts, where scripts need the zero-width (non-)joiners, which are not here.
INVISIBLE = "\u200b\u2060-\u2064\ufeff\U000e0000-\U000e007f"

_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r", "\\": "\\\\"}
_NAMED_CODES = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}
# C0 and C1 controls, DEL, lone surrogates, bidi controls, and the line/paragraph separators.
_CONTROLS = "\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029" + "".join(sorted(BIDI))
_UNSAFE = re.compile(f"[{_CONTROLS}{INVISIBLE}]")
_UNSAFE_TEXT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029" + "".join(sorted(BIDI)) + "]"
)
_TSV_ESCAPE = re.compile(r"\\(?:x([0-9a-f]{2})|u([0-9a-f]{4})|U([0-9a-f]{8})|(.))", re.DOTALL)


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if 0xD800 <= code <= 0xDFFF:
        return f"\\u{code:04x}"
    return f"<U+{code:04X}>"


def _escape_tsv(char: str) -> str:
    """Like :func:`_escape`, but always a backslash escape, so it can be undone."""
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def safe(value: object) -> str:
    """One printable line: control characters, tabs, newlines, lone surrogates and bidi
    controls escaped (``\\x1b``, ``\\t``, ``<U+202E>``); a backslash is doubled only where
    something else was escaped, so ordinary Windows paths read as they are."""
    text = str(value)
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(lambda m: _escape(m.group()), text.replace("\\", "\\\\"))


def safe_text(value: object) -> str:
    """Multi-line text for a terminal: newlines and tabs kept, every other control character,
    lone surrogate and bidi control escaped."""
    text = str(value)
    if not _UNSAFE_TEXT.search(text):
        return text
    return _UNSAFE_TEXT.sub(lambda m: _escape(m.group()), text)


def tsv_field(value: object) -> str:
    """A field of tab-separated output: like :func:`safe`, but a backslash is always doubled
    and every escape is a backslash one (``\\x1b``, ``\\u202e``), so one record is always one
    line and :func:`from_tsv_field` gives the value back exactly."""
    text = str(value)
    return _UNSAFE.sub(lambda m: _escape_tsv(m.group()), text.replace("\\", "\\\\"))


def from_tsv_field(field: str) -> str:
    """The value a :func:`tsv_field` was made from (for programs that read dedupe's output)."""

    def unescape(m: re.Match[str]) -> str:
        hex_code = m.group(1) or m.group(2) or m.group(3)
        if hex_code:
            return chr(int(hex_code, 16))
        named = _NAMED_CODES.get(m.group(4))
        if named is None:
            raise ValueError(f"not a tsv_field: unknown escape {m.group()!r} in {field!r}")
        return named

    return _TSV_ESCAPE.sub(unescape, field)
