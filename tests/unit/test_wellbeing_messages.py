"""Tests for the daily message library and its rotation."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from miwell.wellbeing.core.messages import EVERYDAY, HARD_MOMENT, LOW_MOOD, MESSAGES, choose_message, pool_for

# Without a pool the choice is among the everyday messages (the hard-moment ones come after them).
COUNT = len(EVERYDAY)


def test_at_least_sixty_distinct_messages() -> None:
    assert COUNT >= 60
    assert len({m.casefold() for m in MESSAGES}) == len(MESSAGES)


@pytest.mark.parametrize("message", MESSAGES)
def test_message_shape(message: str) -> None:
    assert message == message.strip() and message
    assert len(message) <= 160
    assert message[0].isupper()
    assert message[-1] in ".?!"
    # One or two sentences.
    assert 1 <= len(re.findall(r"[.?!](?:\s|$)", message)) <= 2
    # No quotations or attributions ("... — Someone").
    assert not any(mark in message for mark in ('"', "\u201c", "\u201d"))
    assert not re.search(r"[-\u2013\u2014]\s*[A-Z]\w+\s*$", message)


TOXIC_OR_RISKY = (
    "just be positive",
    "positive vibes",
    "good vibes",
    "everything happens for a reason",
    "cheer up",
    "snap out",
    "could be worse",
    "others have it worse",
    "choose happiness",
    "no excuses",
    "push through",
    "man up",
    "will get better",
    "worth living",
    "die",
    "dead",
    "suicid",
    "harm",
)


@pytest.mark.parametrize("message", MESSAGES)
def test_message_avoids_toxic_positivity_and_risk_words(message: str) -> None:
    lowered = message.casefold()
    for phrase in TOXIC_OR_RISKY:
        assert not re.search(rf"\b{re.escape(phrase)}", lowered), phrase


def test_choice_is_deterministic() -> None:
    day = date(2024, 5, 1)
    assert choose_message(day, 42, [3, 4]) == choose_message(day, 42, [3, 4])


def test_different_patients_usually_get_different_messages() -> None:
    day = date(2024, 5, 1)
    assert len({choose_message(day, patient, []) for patient in range(50)}) > 10


def test_different_days_usually_give_different_messages_even_without_history() -> None:
    start = date(2024, 1, 1)
    picks = {choose_message(start + timedelta(days=n), 7, []) for n in range(50)}
    assert len(picks) > 10


def test_all_excluded_picks_least_recent() -> None:
    # Most recent first, so the last distinct index listed is the least recent.
    recent = list(range(COUNT))
    assert choose_message(date(2024, 5, 1), 1, recent) == COUNT - 1
    # Repeats count from their most recent showing.
    recent = [5, *range(COUNT)]
    assert choose_message(date(2024, 5, 1), 1, recent) == COUNT - 1
    recent = [*range(1, COUNT), 0, COUNT - 1]
    assert choose_message(date(2024, 5, 1), 1, recent) == 0


def test_only_one_left_is_chosen() -> None:
    recent = [i for i in range(COUNT) if i != 17]
    assert choose_message(date(2024, 5, 1), 9, recent) == 17


def test_out_of_range_recent_indices_are_ignored() -> None:
    day = date(2024, 5, 1)
    assert choose_message(day, 3, [-1, COUNT, COUNT + 10]) == choose_message(day, 3, [])
    recent = [COUNT + 5, *range(COUNT)]
    assert choose_message(day, 3, recent) == COUNT - 1


@settings(max_examples=200)
@given(
    day=st.dates(date(2000, 1, 1), date(2100, 1, 1)),
    patient_id=st.integers(1, 10**9),
    recent=st.lists(st.integers(0, COUNT - 1), max_size=COUNT + 10),
)
def test_never_a_recent_index_when_alternatives_exist(
    day: date, patient_id: int, recent: list[int]
) -> None:
    chosen = choose_message(day, patient_id, recent)
    assert 0 <= chosen < COUNT
    if set(range(COUNT)) - set(recent):
        assert chosen not in recent


@settings(max_examples=200)
@given(start=st.dates(date(2000, 1, 1), date(2100, 1, 1)), patient_id=st.integers(1, 10**9))
def test_no_repeats_over_thirty_days_with_sliding_window(start: date, patient_id: int) -> None:
    shown: list[int] = []  # oldest first
    for offset in range(30):
        recent = list(reversed(shown[-30:]))  # last 30 days, most recent first
        shown.append(choose_message(start + timedelta(days=offset), patient_id, recent))
    assert len(set(shown)) == 30


@settings(max_examples=50)
@given(start=st.dates(date(2000, 1, 1), date(2100, 1, 1)), patient_id=st.integers(1, 10**9))
def test_any_31_consecutive_days_are_distinct_over_a_long_run(start: date, patient_id: int) -> None:
    shown: list[int] = []
    for offset in range(120):
        recent = list(reversed(shown[-30:]))
        shown.append(choose_message(start + timedelta(days=offset), patient_id, recent))
    for first in range(len(shown) - 30):
        assert len(set(shown[first : first + 31])) == 31


MIXED_FEELINGS = MESSAGES.index("It's okay to have mixed feelings about things. Most people do.")


@given(day=st.dates(date(2000, 1, 1), date(2100, 1, 1)), patient_id=st.integers(1, 10**9), score=st.integers(1, 7))
def test_after_an_entry_that_alerted_only_a_hard_moment_message_is_shown(day: date, patient_id: int, score: int) -> None:
    for level in ("watch", "urgent"):
        index = choose_message(day, patient_id, [], pool_for(score, level))
        assert index in HARD_MOMENT
        assert "psychiatrist" in MESSAGES[index] or "numbers below" in MESSAGES[index]


@given(day=st.dates(date(2000, 1, 1), date(2100, 1, 1)), patient_id=st.integers(1, 10**9), score=st.integers(1, 3))
def test_a_low_day_gets_a_low_day_message(day: date, patient_id: int, score: int) -> None:
    index = choose_message(day, patient_id, [], pool_for(score, "none"))
    assert index in LOW_MOOD and index != MIXED_FEELINGS


def test_the_pools_hold_real_messages_and_a_good_day_can_get_any_everyday_one() -> None:
    assert set(HARD_MOMENT) | set(LOW_MOOD) <= set(range(len(MESSAGES)))
    assert not set(HARD_MOMENT) & set(EVERYDAY) and MIXED_FEELINGS not in LOW_MOOD
    assert pool_for(6, "none") == EVERYDAY
