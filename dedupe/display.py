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

_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r", "\\": "\\\\"}
# C0 and C1 controls, DEL, lone surrogates, bidi controls, and the line/paragraph separators.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029" + "".join(sorted(BIDI)) + "]")
_UNSAFE_TEXT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029" + "".join(sorted(BIDI)) + "]"
)


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if 0xD800 <= code <= 0xDFFF:
        return f"\\u{code:04x}"
    return f"<U+{code:04X}>"


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
    """A field of tab-separated output: like :func:`safe`, but a backslash is always doubled,
    so the escaping can be undone and one record is always one line."""
    text = str(value).replace("\\", "\\\\")
    return _UNSAFE.sub(lambda m: _escape(m.group()), text) if _UNSAFE.search(text) else text
