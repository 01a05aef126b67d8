"""Tests for risk assessment and alert raising."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from miwell.wellbeing.core.risk import (
    LEVELS,
    RISK_PHRASES,
    RiskAssessment,
    assess,
    find_risk_phrases,
    raises_alert,
)


def test_levels() -> None:
    assert LEVELS == ("none", "watch", "urgent")


def test_phrase_list_is_curated_and_canonical() -> None:
    assert len(RISK_PHRASES) >= 30
    assert len(set(RISK_PHRASES)) == len(RISK_PHRASES)
    for phrase in RISK_PHRASES:
        # Canonical form is what makes the matcher's tolerance work.
        assert phrase == " ".join(phrase.lower().split())
        assert "\u2019" not in phrase
    for expected in (
        "kill myself",
        "end my life",
        "suicide",
        "suicidal",
        "self-harm",
        "self harm",
        "hurt myself",
        "cut myself",
        "want to die",
        "better off dead",
        "no reason to live",
        "overdose",
        "take my own life",
        "don't want to be here",
    ):
        assert expected in RISK_PHRASES
    # Bare words are too common in everyday speech to be useful.
    assert "die" not in RISK_PHRASES
    assert "dead" not in RISK_PHRASES


@pytest.mark.parametrize("phrase", RISK_PHRASES)
def test_each_phrase_alone_is_urgent(phrase: str) -> None:
    result = assess(6, phrase, [])
    assert result.level == "urgent"
    assert result.reasons == [f'Note mentions "{phrase}"']


@pytest.mark.parametrize(
    ("note", "phrase"),
    [
        ("I want to KILL MYSELF", "kill myself"),
        ("thinking about   ending\tmy\nlife", "ending my life"),
        ("I don\u2019t want to be here any more", "don't want to be here"),
        ("I don\u2018t want to live", "don't want to live"),
        ("i dont want to wake up", "don't want to wake up"),
        ("had urges to self\u2013harm", "self-harm"),
        ("had urges to self - harm", "self-harm"),
        ("Suicidal.", "suicidal"),
        ("(overdose)", "overdose"),
        ("everyone would be better off without me...", "better off without me"),
        ("suicide's been on my mind", "suicide"),
    ],
)
def test_matching_tolerates_case_whitespace_apostrophes_and_punctuation(
    note: str, phrase: str
) -> None:
    assert find_risk_phrases(note) == [phrase]
    assert assess(5, note, []).level == "urgent"


@pytest.mark.parametrize(
    "note",
    [
        "The dog was harmless really",
        "Started a new diet today",
        "My phone died and I was dead tired",
        "I'd die for a cup of tea",
        "Trying to upskill myself at work",
        "A lifeline of a friend",
        "Overdue library books",
        "Haircut, myself and my sister went",
        "self-harmless fun",
        "Endless meetings, but my life is okay",
        "Selfish of me to skip the gym",
        "",
    ],
)
def test_no_false_positives_on_word_boundaries(note: str) -> None:
    assert find_risk_phrases(note) == []
    assert assess(5, note, []).level == "none"


def test_several_phrases_listed_once_each_in_order() -> None:
    note = "Suicidal again. I want to die. So suicidal. Thought about an overdose."
    assert find_risk_phrases(note) == ["suicidal", "want to die", "overdose"]
    assert assess(5, note, []).reasons == [
        'Note mentions "suicidal"',
        'Note mentions "want to die"',
        'Note mentions "overdose"',
    ]


def test_none_note_is_fine() -> None:
    assert assess(7, None, []) == RiskAssessment("none", [])


@pytest.mark.parametrize(("score", "reason"), [(2, "Mood is Sad (2)"), (1, "Mood is Awful (1)")])
def test_low_score_is_watch(score: int, reason: str) -> None:
    assert assess(score, "", []) == RiskAssessment("watch", [reason])


@pytest.mark.parametrize("score", [3, 4, 5, 6, 7])
def test_score_three_or_more_alone_is_none(score: int) -> None:
    assert assess(score, "a quiet day", []) == RiskAssessment("none", [])


def test_three_low_days_in_a_row_is_watch() -> None:
    assert assess(3, "", [3, 3]) == RiskAssessment("watch", ["Mood 3 or lower for 3 days in a row"])


def test_long_low_run_reports_its_length() -> None:
    assert assess(3, "", [2, 1, 3, 5, 1]).reasons == ["Mood 3 or lower for 4 days in a row"]


@pytest.mark.parametrize(
    "recent",
    [[], [3], [3, 4], [4, 3], [None, 3], [3, None, 3], [7, 1, 1]],
)
def test_low_run_needs_two_low_previous_days(recent: list[int | None]) -> None:
    assert assess(3, "", recent).level == "none"


def test_low_score_and_low_run_give_both_reasons() -> None:
    assert assess(2, "", [3, 1]).reasons == [
        "Mood is Sad (2)",
        "Mood 3 or lower for 3 days in a row",
    ]


def test_urgent_keeps_watch_reasons() -> None:
    result = assess(1, "I want to end it all", [2, 3])
    assert result.level == "urgent"
    assert result.reasons == [
        'Note mentions "end it all"',
        "Mood is Awful (1)",
        "Mood 3 or lower for 3 days in a row",
    ]


@pytest.mark.parametrize(("score", "recent"), [(0, []), (8, []), (5, [9]), (5, [0, 3])])
def test_invalid_scores_raise(score: int, recent: list[int]) -> None:
    with pytest.raises(ValueError):
        assess(score, "", recent)


def test_assessment_rejects_unknown_level() -> None:
    with pytest.raises(ValueError):
        RiskAssessment("high", [])  # type: ignore[arg-type]


def test_assessment_is_frozen() -> None:
    result = assess(5, "", [])
    with pytest.raises(AttributeError):
        result.level = "urgent"  # type: ignore[misc]


# --- raises_alert -----------------------------------------------------------

NONE = RiskAssessment("none", [])
SAD = RiskAssessment("watch", ["Mood is Sad (2)"])
AWFUL = RiskAssessment("watch", ["Mood is Awful (1)"])
URGENT_SAD = RiskAssessment("urgent", ['Note mentions "suicide"', "Mood is Sad (2)"])


def test_first_assessment_alerts_only_when_not_none() -> None:
    assert raises_alert(None, SAD)
    assert raises_alert(None, URGENT_SAD)
    assert not raises_alert(None, NONE)


def test_new_level_none_never_alerts() -> None:
    assert not raises_alert(SAD, NONE)
    assert not raises_alert(URGENT_SAD, NONE)


def test_level_going_up_alerts() -> None:
    assert raises_alert(NONE, SAD)
    assert raises_alert(SAD, URGENT_SAD)


def test_typo_fix_on_alerted_entry_does_not_alert_again() -> None:
    old = assess(2, "felt awfull today", [])
    new = assess(2, "felt awful today", [])
    assert not raises_alert(old, new)
    old = assess(2, "thinking about suicde, suicide", [])
    new = assess(2, "thinking about suicide", [])
    assert not raises_alert(old, new)


def test_lowering_the_mood_alerts_again() -> None:
    assert raises_alert(assess(2, "", []), assess(1, "", []))
    assert raises_alert(SAD, AWFUL)


def test_adding_risk_language_alerts_again() -> None:
    old = assess(1, "I hurt myself", [])
    new = assess(1, "I hurt myself and want to die", [])
    assert old.level == new.level == "urgent"
    assert raises_alert(old, new)


def test_removing_reasons_does_not_alert() -> None:
    old = assess(1, "I hurt myself and want to die", [])
    new = assess(1, "I hurt myself", [])
    assert not raises_alert(old, new)


def test_level_going_down_with_nothing_new_does_not_alert() -> None:
    assert not raises_alert(URGENT_SAD, SAD)


# --- properties -------------------------------------------------------------

SAFE_WORDS = (
    "today", "walked", "the", "dog", "harmless", "diet", "died", "dead", "die",
    "dying", "tired", "work", "coffee", "skill", "selfish", "lifeline", "endless",
    "overdue", "haircut", "killer", "app", "hurts", "cuts", "friends", "rain",
    "sunny", "felt", "okay", "anxious", "sad", "angry", "happy", "lonely", "slept",
    "badly", "well", "and", "but", "so", "very", "a", "bit", "phone", "battery",
    "exam", "stress", "busy", "mum", "dad", "tea", "life", "good", "bad", "end",
    "of", "week", "don't", "can't", "won't", "!", ",", ".", "?", "...",
)  # fmt: skip

safe_word = st.sampled_from(SAFE_WORDS)
separator = st.sampled_from([" ", "  ", "\n", "\t", " \n "])


@st.composite
def safe_text(draw: st.DrawFn, max_words: int = 12) -> str:
    words = draw(st.lists(safe_word, max_size=max_words))
    out = ""
    for word in words:
        out += draw(separator) + word
    return out


@st.composite
def disguised_phrase(draw: st.DrawFn) -> tuple[str, str]:
    """A listed phrase in random case, with random whitespace and apostrophe styles."""
    phrase = draw(st.sampled_from(RISK_PHRASES))
    out = []
    for ch in phrase:
        if ch == " ":
            out.append(draw(st.sampled_from([" ", "  ", "\t", "\n", " \n "])))
        elif ch == "'":
            out.append(draw(st.sampled_from(["'", "\u2019", "\u2018"])))
        elif draw(st.booleans()):
            out.append(ch.upper())
        else:
            out.append(ch)
    return phrase, "".join(out)


@settings(max_examples=200)
@given(
    before=safe_text(),
    found=disguised_phrase(),
    after=safe_text(),
    score=st.integers(1, 7),
    recent=st.lists(st.integers(1, 7), max_size=5),
)
def test_listed_phrase_anywhere_is_urgent(
    before: str, found: tuple[str, str], after: str, score: int, recent: list[int]
) -> None:
    phrase, disguised = found
    # Separate with a space (or punctuation) so the phrase stays whole words.
    note = f"{before} {disguised}{after}"
    result = assess(score, note, recent)
    assert result.level == "urgent"
    assert f'Note mentions "{phrase}"' in result.reasons


@settings(max_examples=200)
@given(note=safe_text(max_words=40), score=st.integers(1, 7))
def test_safe_vocabulary_is_never_urgent(note: str, score: int) -> None:
    result = assess(score, note, [])
    assert result.level != "urgent"
    assert not any(reason.startswith("Note mentions") for reason in result.reasons)


def _expected_watch(score: int, recent: Sequence[int | None]) -> bool:
    if score <= 2:
        return True
    return len(recent) >= 2 and all(s is not None and s <= 3 for s in [score, *recent[:2]])


@settings(max_examples=200)
@given(
    score=st.integers(1, 7),
    recent=st.lists(st.one_of(st.none(), st.integers(1, 7)), max_size=6),
)
def test_watch_rule_matches_its_definition(score: int, recent: list[int | None]) -> None:
    result = assess(score, "an ordinary day", recent)
    assert result.level == ("watch" if _expected_watch(score, recent) else "none")
    assert (result.level == "none") == (result.reasons == [])
