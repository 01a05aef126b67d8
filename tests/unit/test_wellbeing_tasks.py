"""Tests for choosing the daily task."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from miwell.wellbeing.core.moods import BANDS, mood_band
from miwell.wellbeing.core.tasks import (
    GROWTH_NUDGE_MINUTES,
    TaskOption,
    choose_task,
    target_minutes,
)


def task(id: int, minutes: int = 10, band: str = "mid", retired: bool = False) -> TaskOption:
    return TaskOption(id, f"Task {id}", minutes, band, retired)  # type: ignore[arg-type]


def test_task_option_defaults_and_is_frozen() -> None:
    option = TaskOption(1, "Breathe", 5, "low")
    assert option.retired is False
    with pytest.raises(AttributeError):
        option.minutes = 10  # type: ignore[misc]


def test_no_tasks_gives_none() -> None:
    assert choose_task([], 5, [], set()) is None


def test_only_retired_tasks_gives_none() -> None:
    assert choose_task([task(1, retired=True), task(2, retired=True)], 5, [], set(), [1]) is None


def test_invalid_mood_raises() -> None:
    with pytest.raises(ValueError):
        choose_task([task(1)], 0, [], set())


# --- pinned -----------------------------------------------------------------


def test_pinned_task_wins_over_band_match() -> None:
    tasks = [task(1, band="high"), task(2, band="low")]
    assert choose_task(tasks, 2, [], set(), pinned_ids=[1]) == tasks[0]


def test_first_pinned_in_pin_order() -> None:
    tasks = [task(1), task(2), task(3)]
    assert choose_task(tasks, 5, [], set(), pinned_ids=[3, 2]).id == 3  # type: ignore[union-attr]


def test_pinned_not_shown_recently_is_preferred() -> None:
    tasks = [task(1), task(2), task(3)]
    assert choose_task(tasks, 5, [], {3}, pinned_ids=[3, 2]).id == 2  # type: ignore[union-attr]


def test_pinned_still_returned_when_all_pinned_shown_recently() -> None:
    tasks = [task(1), task(2), task(3)]
    chosen = choose_task(tasks, 5, [], {2, 3}, pinned_ids=[3, 2])
    assert chosen is not None and chosen.id == 3


def test_retired_or_unknown_pinned_ids_are_skipped() -> None:
    tasks = [task(1, retired=True), task(2), task(3)]
    assert choose_task(tasks, 5, [], set(), pinned_ids=[99, 1, 3]).id == 3  # type: ignore[union-attr]


def test_only_retired_pinned_falls_back_to_normal_choice() -> None:
    tasks = [task(1, retired=True, band="mid"), task(2, band="high"), task(3, band="mid")]
    assert choose_task(tasks, 5, [], set(), pinned_ids=[1]).id == 3  # type: ignore[union-attr]


# --- band and minutes ----------------------------------------------------------


@pytest.mark.parametrize(("score", "expected_id"), [(1, 1), (3, 1), (4, 2), (5, 2), (6, 3), (7, 3)])
def test_band_matches_mood(score: int, expected_id: int) -> None:
    tasks = [task(1, band="low"), task(2, band="mid"), task(3, band="high")]
    assert choose_task(tasks, score, [], set()).id == expected_id  # type: ignore[union-attr]


def test_target_is_median_plus_nudge_except_on_low_days() -> None:
    assert target_minutes(5, []) == GROWTH_NUDGE_MINUTES == 5
    assert target_minutes(6, [10, 20, 90]) == 25
    assert target_minutes(4, [10, 20]) == 20  # median of an even count is the midpoint
    assert target_minutes(2, [10, 20, 90]) == 20


def test_nearest_to_target_minutes() -> None:
    tasks = [task(1, 5), task(2, 15), task(3, 30), task(4, 60)]
    # Median 10, nudged to 15.
    assert choose_task(tasks, 5, [10, 10, 5, 20], set()).id == 2  # type: ignore[union-attr]
    # Median 55, nudged to 60.
    assert choose_task(tasks, 6, [60, 50], set()).id == 4  # type: ignore[union-attr]


def test_low_day_is_not_nudged_upwards() -> None:
    tasks = [task(1, 10, "low"), task(2, 15, "low")]
    assert choose_task(tasks, 2, [10], set()).id == 1  # type: ignore[union-attr]
    assert choose_task(tasks, 5, [10], set()) is not None
    tasks_mid = [task(1, 10, "mid"), task(2, 15, "mid")]
    assert choose_task(tasks_mid, 5, [10], set()).id == 2  # type: ignore[union-attr]


def test_no_practice_yet_prefers_short_tasks() -> None:
    tasks = [task(1, 30, "low"), task(2, 5, "low"), task(3, 0, "low")]
    assert choose_task(tasks, 1, [], set()).id == 3  # type: ignore[union-attr]


def test_ties_go_to_lowest_id_whatever_the_input_order() -> None:
    tasks = [task(9, 10), task(4, 20), task(7, 20)]
    # Target 15: 10 and 20 are equally near; lowest id among them wins.
    assert choose_task(tasks, 5, [10], set()).id == 4  # type: ignore[union-attr]
    assert choose_task(list(reversed(tasks)), 5, [10], set()).id == 4  # type: ignore[union-attr]


# --- recency and fallbacks ----------------------------------------------------


def test_recently_shown_band_task_is_skipped() -> None:
    tasks = [task(1, 15), task(2, 60)]
    assert choose_task(tasks, 5, [10], {1}).id == 2  # type: ignore[union-attr]


def test_falls_back_to_nearest_other_band_not_shown() -> None:
    tasks = [task(1, band="low"), task(2, band="high"), task(3, band="mid")]
    # Low mood, low task shown: mid is closer to low than high is.
    assert choose_task(tasks, 2, [], {1}).id == 3  # type: ignore[union-attr]
    # Low mood and no mid task: high is still better than repeating.
    assert choose_task(tasks[:2], 2, [], {1}).id == 2  # type: ignore[union-attr]


def test_falls_back_to_band_task_when_everything_was_shown() -> None:
    tasks = [task(1, band="low"), task(2, band="high"), task(3, band="mid", minutes=30)]
    assert choose_task(tasks, 5, [25], {1, 2, 3}).id == 3  # type: ignore[union-attr]


def test_falls_back_to_any_task_when_band_empty_and_all_shown() -> None:
    tasks = [task(1, band="low"), task(2, band="high")]
    # Mid mood: both other bands are one step away; tie broken by id.
    assert choose_task(tasks, 4, [], {1, 2}).id == 1  # type: ignore[union-attr]


# --- properties -------------------------------------------------------------

task_options = st.builds(
    TaskOption,
    id=st.integers(1, 30),
    title=st.just("t"),
    minutes=st.sampled_from(range(0, 125, 5)),
    band=st.sampled_from(BANDS),
    retired=st.booleans(),
)
task_lists = st.lists(task_options, max_size=12, unique_by=lambda t: t.id)
id_sets = st.sets(st.integers(1, 30), max_size=12)
minute_lists = st.lists(st.sampled_from(range(0, 125, 5)), max_size=10)


@settings(max_examples=200)
@given(
    tasks=task_lists,
    score=st.integers(1, 7),
    recent_minutes=minute_lists,
    shown=id_sets,
    pinned=st.lists(st.integers(1, 30), max_size=3),
)
def test_never_retired_and_never_needlessly_repeated(
    tasks: list[TaskOption],
    score: int,
    recent_minutes: list[int],
    shown: set[int],
    pinned: list[int],
) -> None:
    chosen = choose_task(tasks, score, recent_minutes, shown, pinned)
    active = [t for t in tasks if not t.retired]
    if not active:
        assert chosen is None
        return
    assert chosen is not None
    assert chosen in active

    active_pinned = [t for t in active if t.id in pinned]
    if active_pinned:
        assert chosen.id in pinned
        # A recently shown pinned task only when every pinned task was shown.
        if chosen.id in shown:
            assert all(t.id in shown for t in active_pinned)
        return

    if any(t.id not in shown for t in active):
        assert chosen.id not in shown
    if any(t.id not in shown and t.band == mood_band(score) for t in active):
        assert chosen.band == mood_band(score)


@settings(max_examples=200)
@given(
    tasks=task_lists,
    score=st.integers(1, 7),
    recent_minutes=minute_lists,
    shown=id_sets,
    data=st.data(),
)
def test_choice_does_not_depend_on_input_order(
    tasks: list[TaskOption],
    score: int,
    recent_minutes: list[int],
    shown: set[int],
    data: st.DataObject,
) -> None:
    shuffled = data.draw(st.permutations(tasks))
    assert choose_task(tasks, score, recent_minutes, shown) == choose_task(
        shuffled, score, recent_minutes, shown
    )


def test_a_hard_moment_gets_the_shortest_grounding_task_even_over_a_pin() -> None:
    tasks = [task(1, 15, "low"), task(2, 2, "low"), task(3, 5, "low"), task(4, 1, "high"), task(5, 3, "low", retired=True)]
    assert choose_task(tasks, 1, [20], set(), pinned_ids=[1], hard_moment=True).id == 2
    # Shown recently is only a tie-breaker: the shortest fresh one first.
    assert choose_task(tasks, 1, [], {2}, hard_moment=True).id == 3
    # With no short low task, it still returns something rather than nothing.
    assert choose_task([task(9, 30, "high")], 1, [], set(), hard_moment=True).id == 9
