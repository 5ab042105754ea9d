"""Text from the data is shown escaped: no control sequence reaches a terminal raw."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedupe.display import from_tsv_field, safe, safe_text, tsv_field


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


@given(st.text())
def test_tsv_field_gives_back_exactly_what_it_was_made_from(text):
    assert from_tsv_field(tsv_field(text)) == text


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ("evil\u202etxt", "evil\\u202etxt"),  # not <U+202E>: a literal "<U+202E>" id reads so
        ("<U+202E>", "<U+202E>"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("back\\slash", "back\\\\slash"),
        ("C:\\x1b", "C:\\\\x1b"),
    ],
)
def test_tsv_field_escapes_are_backslash_escapes(raw, field):
    assert tsv_field(raw) == field
    assert from_tsv_field(field) == raw


@pytest.mark.parametrize(
    "lookalike", ["pay\u200bpal", "pay\u2060pal", "\ufeffpaypal", "paypal\U000e0041\U000e0042"]
)
def test_invisible_characters_cannot_make_an_id_look_like_another(lookalike):
    assert safe(lookalike) != "paypal" and "<U+" in safe(lookalike)
    assert tsv_field(lookalike) != "paypal"


def test_texts_keep_the_joiners_scripts_need():
    persian = "می\u200cخواهم"  # zero-width non-joiner inside a word
    assert safe_text(persian) == persian and safe(persian) == persian
