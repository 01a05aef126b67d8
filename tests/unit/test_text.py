"""Free text that cannot corrupt storage or spoof what is displayed."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from miwell.accounts.core import rules
from miwell.text import BIDI_CONTROLS, clean_block, clean_line
from miwell.wellbeing.core import moods


@pytest.mark.parametrize("raw", ["Robin\x00Hale", "Robin\x07", "a\x1bb", "x\x85y", "lone \ud800 surrogate"])
def test_control_characters_are_refused_with_a_message(raw):
    with pytest.raises(ValueError, match="cannot be stored"):
        clean_line(raw, "The name")
    with pytest.raises(ValueError, match="cannot be stored"):
        clean_block(raw, "Your note")


def test_bidi_overrides_are_removed_so_text_shows_as_it_is():
    spoof = "Invoice\u202egnp.exe"
    assert clean_line(spoof) == "Invoicegnp.exe"
    assert clean_block("ok \u2066hidden\u2069 text") == "ok hidden text"


@pytest.mark.parametrize(
    "name",
    ["محمد الأحمد", "שרה כהן", "Zoë Ångström-Núñez", "李小龍", "Family 👨‍👩‍👧 emoji"],
)
def test_ordinary_right_to_left_and_accented_names_still_save(name):
    assert rules.validate_name(name) == name


def test_notes_keep_their_lines_and_names_do_not():
    assert clean_block("first line\r\nsecond\tline") == "first line\nsecond\tline"
    assert clean_line("first\nsecond") == "first second"


def test_a_note_with_nul_is_refused_by_the_entry_rules():
    with pytest.raises(ValueError, match="cannot be stored"):
        moods.validate_entry(3, "bad\x00note", 0)


@given(st.text())
def test_cleaned_text_never_holds_controls_or_bidi_overrides(raw):
    for clean, allowed in ((clean_line, ""), (clean_block, "\n\t")):
        try:
            out = clean(raw)
        except ValueError:
            continue
        assert not any(ch in BIDI_CONTROLS for ch in out)
        assert all(unicodedata.category(ch) not in ("Cc", "Cs") or ch in allowed for ch in out)
