"""Tests for local days, streaks, averages, trends and the year in pixels."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from miwell.wellbeing.core.calendar_rules import (
    entry_day,
    is_valid_timezone,
    rolling_average,
    streak,
    latest_drop,
    trend,
    year_in_pixels,
)

D = date(2024, 1, 15)


def days_before(n: int, end: date = D) -> date:
    return end - timedelta(days=n)


# --- entry_day --------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz_name", "expected"),
    [
        ("Pacific/Auckland", date(2024, 1, 16)),  # UTC+13: 12:30 next day
        ("Asia/Tokyo", date(2024, 1, 16)),
        ("Europe/London", date(2024, 1, 15)),  # GMT in winter
        ("UTC", date(2024, 1, 15)),
        ("America/New_York", date(2024, 1, 15)),
        ("America/Los_Angeles", date(2024, 1, 15)),  # UTC-8: 15:30 same day
        ("Pacific/Honolulu", date(2024, 1, 15)),
    ],
)
def test_one_instant_across_time_zones(tz_name: str, expected: date) -> None:
    assert entry_day(datetime(2024, 1, 15, 23, 30, tzinfo=UTC), tz_name) == expected


def test_early_utc_morning_is_still_yesterday_in_the_americas() -> None:
    now = datetime(2024, 1, 15, 0, 30, tzinfo=UTC)
    assert entry_day(now, "America/Los_Angeles") == date(2024, 1, 14)
    assert entry_day(now, "Europe/Paris") == date(2024, 1, 15)


def test_daylight_saving_time_is_respected() -> None:
    # 23:30 UTC in July is 00:30 BST the next day.
    assert entry_day(datetime(2024, 7, 15, 23, 30, tzinfo=UTC), "Europe/London") == date(
        2024, 7, 16
    )


def test_non_utc_aware_input_is_converted() -> None:
    now = datetime(2024, 1, 15, 20, 0, tzinfo=timezone(timedelta(hours=-5)))  # 01:00 UTC
    assert entry_day(now, "UTC") == date(2024, 1, 16)


def test_naive_datetime_is_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        entry_day(datetime(2024, 1, 15, 12, 0), "UTC")


@pytest.mark.parametrize(
    "tz_name", ["Mars/Olympus", "", "utc ", "../etc/passwd", "Europe", "localtime", None, 5]
)
def test_unknown_time_zone_is_rejected(tz_name: object) -> None:
    assert not is_valid_timezone(tz_name)
    with pytest.raises(ValueError, match="Unknown time zone"):
        entry_day(datetime(2024, 1, 15, tzinfo=UTC), tz_name)  # type: ignore[arg-type]


ZONES = [
    "UTC",
    "Pacific/Auckland",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "America/Los_Angeles",
    "America/St_Johns",
    "Europe/London",
    "Asia/Kolkata",
    "Australia/Adelaide",
]


@settings(max_examples=200)
@given(
    instant=st.datetimes(datetime(1990, 1, 1), datetime(2080, 1, 1), timezones=st.just(UTC)),
    tz_name=st.sampled_from(ZONES),
)
def test_entry_day_is_the_local_wall_clock_date(instant: datetime, tz_name: str) -> None:
    local = entry_day(instant, tz_name)
    offset = instant.astimezone(ZoneInfo(tz_name)).utcoffset()
    assert offset is not None
    assert local == (instant.replace(tzinfo=None) + offset).date()
    assert abs((local - instant.date()).days) <= 1


# --- streak -----------------------------------------------------------------


def test_streak_ending_today() -> None:
    assert streak([D, days_before(1), days_before(2), days_before(4)], D) == 3


def test_streak_not_broken_before_todays_entry() -> None:
    assert streak([days_before(1), days_before(2)], D) == 2


def test_streak_broken_by_a_missed_yesterday() -> None:
    assert streak([days_before(2), days_before(3)], D) == 0


def test_streak_empty_and_future_days() -> None:
    assert streak([], D) == 0
    assert streak([D + timedelta(days=1)], D) == 0
    assert streak([D, D + timedelta(days=1)], D) == 1


def test_streak_accepts_duplicates_and_any_order() -> None:
    assert streak(iter([days_before(1), D, D, days_before(1)]), D) == 2


def _brute_force_streak(days: set[date], today: date) -> int:
    # Longest run of k days all present, ending today; failing that, yesterday.
    for end in (today, today - timedelta(days=1)):
        longest = max(
            k for k in range(0, 50) if all(end - timedelta(days=i) in days for i in range(k))
        )
        if longest:
            return longest
    return 0


@settings(max_examples=200)
@given(offsets=st.sets(st.integers(-3, 40), max_size=40))
def test_streak_matches_brute_force(offsets: set[int]) -> None:
    days = {days_before(n) for n in offsets}
    assert streak(days, D) == _brute_force_streak(days, D)


# --- rolling_average --------------------------------------------------------


def test_rolling_average_uses_calendar_days_not_entries() -> None:
    points = [(days_before(14), 1), (days_before(6), 7), (D, 4)]
    assert rolling_average(points) == [
        (days_before(14), 1.0),
        (days_before(6), 7.0),  # day -14 is outside the 7-day window
        (D, 5.5),  # days -6..0
    ]


def test_rolling_average_window_edges() -> None:
    points = [(days_before(7), 1), (days_before(6), 3), (D, 5)]
    assert rolling_average(points)[-1] == (D, 4.0)  # day -7 just left the window
    assert rolling_average(points, window=8)[-1] == (D, 3.0)
    assert rolling_average(points, window=1) == [(d, float(s)) for d, s in points]


def test_rolling_average_sorts_input_and_handles_empty() -> None:
    assert rolling_average([]) == []
    assert rolling_average([(D, 2), (days_before(1), 4)]) == [(days_before(1), 4.0), (D, 3.0)]


def test_rolling_average_counts_each_point_on_duplicate_days() -> None:
    assert rolling_average([(D, 2), (D, 6), (days_before(1), 1)]) == [
        (days_before(1), 1.0),
        (D, 3.0),
    ]


def test_rolling_average_rejects_bad_window() -> None:
    with pytest.raises(ValueError):
        rolling_average([(D, 3)], window=0)


@settings(max_examples=200)
@given(
    points=st.lists(st.tuples(st.integers(0, 60), st.integers(1, 7)), max_size=40),
    window=st.integers(1, 14),
)
def test_rolling_average_matches_brute_force(points: list[tuple[int, int]], window: int) -> None:
    dated = [(days_before(n), score) for n, score in points]
    expected = []
    for day in sorted({d for d, _ in dated}):
        scores = [s for d, s in dated if day - timedelta(days=window - 1) <= d <= day]
        expected.append((day, sum(scores) / len(scores)))
    result = rolling_average(dated, window)
    assert [d for d, _ in result] == [d for d, _ in expected]
    assert all(abs(a - b) < 1e-9 for (_, a), (_, b) in zip(result, expected, strict=True))


# --- trend ------------------------------------------------------------------


def weeks(recent: list[int], previous: list[int]) -> Mapping[date, int]:
    """Scores for the last 7 days (from today backwards) and the 7 before."""
    scores = {days_before(n): s for n, s in enumerate(recent)}
    scores.update({days_before(7 + n): s for n, s in enumerate(previous)})
    return scores


def test_trend_up_down_steady() -> None:
    assert trend(weeks([5] * 7, [4] * 7), D) == "up"
    assert trend(weeks([3] * 7, [4] * 7), D) == "down"
    assert trend(weeks([4, 5, 4, 5, 4, 4, 4], [4] * 7), D) == "steady"


def test_trend_threshold_is_inclusive_and_exact() -> None:
    assert trend(weeks([5, 4, 5, 4], [4, 4, 4, 4]), D) == "up"  # +0.5 exactly
    assert trend(weeks([4, 4, 4, 4], [5, 4, 5, 4]), D) == "down"  # -0.5 exactly
    assert trend(weeks([5, 4, 4, 4, 4, 4, 4], [4] * 7), D) == "steady"  # +1/7


def test_trend_works_with_missing_days() -> None:
    scores = {days_before(0): 6, days_before(3): 6, days_before(6): 6}
    scores.update({days_before(8): 3, days_before(10): 3, days_before(13): 3})
    assert trend(scores, D) == "up"


def test_trend_unknown_without_enough_data() -> None:
    assert trend({}, D) == "unknown"
    assert trend(weeks([7] * 7, []), D) == "unknown"
    assert trend(weeks([], [7] * 7), D) == "unknown"
    assert trend(weeks([7, 7], [1, 1, 1]), D) == "unknown"


def test_trend_ignores_days_outside_the_two_weeks() -> None:
    scores = dict(weeks([4] * 7, [4] * 7))
    scores[days_before(14)] = 1
    scores[D + timedelta(days=1)] = 7
    assert trend(scores, D) == "steady"


def test_a_fall_to_the_bottom_after_good_days_is_a_drop_not_steady() -> None:
    # The tester's case: "Steady" right after a score of 1.
    scores = dict(weeks([1, 6, 6, 6, 6, 6, 6], [6] * 7))
    assert latest_drop(scores, D) == 5 and trend(scores, D) == "drop"
    # Yesterday's fall still shows today when there is no entry today.
    yesterday = {d - timedelta(days=1): s for d, s in weeks([1, 6, 6, 6], [6, 6, 6]).items()}
    assert trend(yesterday, D) == "drop"


def test_a_one_point_dip_is_no_drop() -> None:
    scores = dict(weeks([5, 6, 6, 6, 6, 6, 6], [6] * 7))
    assert latest_drop(scores, D) == 1 and trend(scores, D) == "steady"
    assert latest_drop({D: 1}, D) == 0  # nothing before it to fall from


@given(st.dictionaries(st.integers(0, 20), st.integers(1, 7), max_size=21))
def test_a_drop_is_whole_points_below_the_previous_week(raw: dict[int, int]) -> None:
    scores = {days_before(n): s for n, s in raw.items()}
    fall = latest_drop(scores, D)
    assert 0 <= fall <= 6
    if fall:
        last = max(d for d in scores if d > D - timedelta(days=7))
        before = [s for d, s in scores.items() if last - timedelta(days=7) <= d < last]
        assert sum(before) / len(before) - scores[last] >= fall


# --- year_in_pixels ---------------------------------------------------------


def test_year_in_pixels_covers_the_year_oldest_first() -> None:
    end = date(2024, 12, 31)
    grid = year_in_pixels([(end, 7), (date(2024, 1, 1), 1), (date(2024, 6, 1), 4)], end)
    assert len(grid) == 365
    assert grid[0] == (date(2024, 1, 2), None)  # 2024 is a leap year
    assert grid[-1] == (end, 7)
    assert dict(grid)[date(2024, 6, 1)] == 4
    assert date(2024, 1, 1) not in dict(grid)
    assert [d for d, _ in grid] == sorted(d for d, _ in grid)
    assert all(b - a == timedelta(days=1) for (a, _), (b, _) in pairwise(grid))


def test_year_in_pixels_custom_length_and_duplicates() -> None:
    grid = year_in_pixels([(D, 2), (D, 5), (D + timedelta(days=1), 7)], D, days=3)
    assert grid == [(days_before(2), None), (days_before(1), None), (D, 5)]
    assert year_in_pixels([(D, 2)], D, days=0) == []
    with pytest.raises(ValueError):
        year_in_pixels([], D, days=-1)
