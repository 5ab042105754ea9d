"""Text from the data is shown escaped: no control sequence reaches a terminal raw."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedupe.display import safe, safe_text, tsv_field


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain id", "plain id"),
        ("clip\x1b]52;c;Zm9v\x07", "clip\\x1b]52;c;Zm9v\\x07"),
        ("\x1b[2Jclear", "\\x1b[2Jclear"),
        ("evil\u202etxt.exe", "evil<U+202E>txt.exe"),
        ("tab\there", "tab\\there"),
        ("C:\\data\\a.txt", "C:\\data\\a.txt"),
        ("\x9bcsi", "\\x9bcsi"),
        ("lone \ud800", "lone \\ud800"),
    ],
    ids=["plain", "osc52", "csi", "bidi", "tab", "windows-path", "c1", "surrogate"],
)
def test_safe(raw, shown):
    assert safe(raw) == shown


def test_safe_text_keeps_lines_but_not_escapes():
    assert safe_text("one\n\ttwo\x1b[31m") == "one\n\ttwo\\x1b[31m"


@given(st.text())
def test_escaped_output_is_one_printable_line(text):
    for out in (safe(text), tsv_field(text)):
        assert "\n" not in out and "\t" not in out and "\x1b" not in out
        assert all(not (0xD800 <= ord(c) <= 0xDFFF) for c in out)
        out.encode("utf-8")


@given(st.text())
def test_tsv_fields_are_unambiguous(text):
    decoded = tsv_field(text)
    assert tsv_field(text + "x") != decoded or text + "x" == text
    assert (decoded == tsv_field(text + "\\")) is False
