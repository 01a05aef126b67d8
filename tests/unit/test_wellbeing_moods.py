"""Tests for the mood scale and entry validation."""

from __future__ import annotations

import re

import pytest

from miwell.text import strip_bidi
from hypothesis import given, settings
from hypothesis import strategies as st

from miwell.wellbeing.core.moods import (
    MINUTES_MAX,
    MINUTES_STEP,
    MOODS,
    NOTE_MAX,
    Mood,
    mood_band,
    mood_by_score,
    validate_entry,
)


def test_seven_moods_in_picker_order() -> None:
    assert [(m.score, m.emoji, m.label) for m in MOODS] == [
        (7, "😀", "Great"),
        (6, "🙂", "Good"),
        (5, "😶", "Okay"),
        (4, "😕", "Uneasy"),
        (3, "😔", "Low"),
        (2, "😢", "Sad"),
        (1, "😫", "Awful"),
    ]


def test_constants() -> None:
    assert (NOTE_MAX, MINUTES_MAX, MINUTES_STEP) == (280, 120, 5)


def test_moods_are_frozen() -> None:
    with pytest.raises(AttributeError):
        MOODS[0].score = 1  # type: ignore[misc]


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def test_colours_are_distinct_hex_and_run_green_to_red() -> None:
    colours = [m.colour for m in MOODS]
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in colours)
    assert len(set(colours)) == 7
    # "Greenness minus redness" falls steadily from Great to Awful.
    greenness = [g - r for r, g, _ in map(_rgb, colours)]
    assert greenness == sorted(greenness, reverse=True)
    assert greenness[0] > 0 > greenness[-1]


@pytest.mark.parametrize("mood", MOODS)
def test_mood_by_score_finds_each_mood(mood: Mood) -> None:
    assert mood_by_score(mood.score) is mood


@pytest.mark.parametrize("bad", [0, 8, -1, 100, True, False, 3.0, "3", None])
def test_mood_by_score_rejects_anything_else(bad: object) -> None:
    with pytest.raises(ValueError):
        mood_by_score(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("score", "band"),
    [(1, "low"), (2, "low"), (3, "low"), (4, "mid"), (5, "mid"), (6, "high"), (7, "high")],
)
def test_mood_band(score: int, band: str) -> None:
    assert mood_band(score) == band


def test_mood_band_rejects_invalid_score() -> None:
    with pytest.raises(ValueError):
        mood_band(0)


def test_validate_entry_returns_cleaned_values() -> None:
    assert validate_entry(5, "  a good walk \n", 15) == (5, "a good walk", 15)


def test_validate_entry_optional_note_and_minutes() -> None:
    assert validate_entry(3, None, None) == (3, "", 0)
    assert validate_entry(3, "", 0) == (3, "", 0)


def test_validate_entry_requires_a_mood() -> None:
    with pytest.raises(ValueError, match="choose how you're feeling"):
        validate_entry(None, "note", 10)


@pytest.mark.parametrize("bad", [0, 8, True, "5", 5.0])
def test_validate_entry_rejects_unknown_mood(bad: object) -> None:
    with pytest.raises(ValueError, match="seven moods"):
        validate_entry(bad, "", 0)  # type: ignore[arg-type]


def test_note_limit_is_inclusive() -> None:
    assert validate_entry(4, "x" * NOTE_MAX, 0)[1] == "x" * NOTE_MAX


def test_note_over_limit_is_rejected_with_count() -> None:
    with pytest.raises(ValueError, match=r"281 characters.*280 characters or fewer"):
        validate_entry(4, "x" * (NOTE_MAX + 1), 0)


def test_surrounding_whitespace_does_not_count_towards_limit() -> None:
    note = "   " + "y" * NOTE_MAX + "\n\n"
    assert validate_entry(4, note, 0)[1] == "y" * NOTE_MAX


@pytest.mark.parametrize("minutes", [0, 5, 60, 115, 120])
def test_valid_minutes(minutes: int) -> None:
    assert validate_entry(6, "", minutes)[2] == minutes


@pytest.mark.parametrize("minutes", [-5, 1, 3, 7, 121, 125, 1000, True, 5.0, "10"])
def test_invalid_minutes(minutes: object) -> None:
    with pytest.raises(ValueError, match="steps of 5, from 0 to 120"):
        validate_entry(6, "", minutes)  # type: ignore[arg-type]


@settings(max_examples=200)
@given(
    score=st.integers(1, 7),
    note=st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=NOTE_MAX),
    steps=st.integers(0, MINUTES_MAX // MINUTES_STEP),
)
def test_valid_entries_round_trip(score: int, note: str, steps: int) -> None:
    """Notes without control characters are kept as typed, less outer spaces and bidi controls."""
    minutes = steps * MINUTES_STEP
    assert validate_entry(score, note, minutes) == (score, strip_bidi(note).strip(), minutes)


@settings(max_examples=200)
@given(minutes=st.integers(-500, 500))
def test_minutes_accepted_exactly_on_the_grid(minutes: int) -> None:
    on_grid = 0 <= minutes <= MINUTES_MAX and minutes % MINUTES_STEP == 0
    if on_grid:
        assert validate_entry(7, "", minutes)[2] == minutes
    else:
        with pytest.raises(ValueError):
            validate_entry(7, "", minutes)


def test_feelings_are_known_keys_each_once_in_scale_order():
    from miwell.wellbeing.core.moods import FEELINGS_MAX, validate_feelings

    assert validate_feelings(["tired", "Anxious", "tired", " angry "]) == ("anxious", "angry", "tired")
    assert validate_feelings("lonely,hopeful") == ("lonely", "hopeful")
    assert validate_feelings(None) == () and validate_feelings([]) == ()
    for bad in (["sleepy"], [3], "angry,\x00", 5, {"a": 1}):
        with pytest.raises(ValueError):
            validate_feelings(bad)
    with pytest.raises(ValueError, match=f"at most {FEELINGS_MAX}"):
        validate_feelings(["anxious", "angry", "lonely", "tired", "stressed", "overwhelmed", "numb"])
