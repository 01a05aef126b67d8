"""Recurring series (``miwell.scheduling.core.series``): their dates and how they meet free slots."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from miwell.scheduling.core.series import (
    MAX_OCCURRENCES,
    Occurrence,
    SeriesRule,
    occurrences,
    plan_series,
    too_close,
    validate_series,
)

FIRST = datetime(2027, 3, 2, 10, 0)  # a Tuesday
HALF_HOUR = timedelta(minutes=30)


def test_a_weekly_series_of_ten_keeps_the_weekday_and_time() -> None:
    starts = occurrences(FIRST, SeriesRule(1, count=10))
    assert len(starts) == 10 and starts[-1] == datetime(2027, 5, 4, 10, 0)
    assert {s.weekday() for s in starts} == {1} and {s.time() for s in starts} == {FIRST.time()}


def test_until_is_inclusive_and_every_two_or_four_weeks_step() -> None:
    assert occurrences(FIRST, SeriesRule(2, until=date(2027, 3, 30))) == [FIRST + timedelta(weeks=w) for w in (0, 2, 4)]
    assert occurrences(FIRST, SeriesRule(4, until=date(2027, 3, 29))) == [FIRST]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (SeriesRule(3, count=4), "every week, every 2 weeks or every 4 weeks"),
        (SeriesRule(1), "Say how the series ends"),
        (SeriesRule(1, count=4, until=date(2027, 6, 1)), "Say how the series ends"),
        (SeriesRule(1, count=1), "from 2 to 52"),
        (SeriesRule(1, count=53), "from 2 to 52"),
        (SeriesRule(1, until=date(2027, 3, 2)), "must end after its first"),
        (SeriesRule(4, until=date(2027, 3, 20)), "leaves only the first"),
        (SeriesRule(1, until=date(2028, 6, 1)), "at most 52 appointments"),
    ],
)
def test_unusable_series_are_refused_in_plain_words(rule: SeriesRule, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_series(FIRST, rule)


def test_the_longest_series_is_accepted() -> None:
    validate_series(FIRST, SeriesRule(1, count=MAX_OCCURRENCES))
    validate_series(FIRST, SeriesRule(1, until=(FIRST + timedelta(weeks=MAX_OCCURRENCES - 1)).date()))


def test_each_date_fits_or_gets_the_nearest_free_alternative() -> None:
    starts = occurrences(FIRST, SeriesRule(1, count=4))
    week = timedelta(weeks=1)
    free = [
        (FIRST, FIRST + HALF_HOUR),
        # week 2 taken at 10:00: 11:00 the same day is nearer than 09:00 the next day
        (FIRST + week + timedelta(hours=1), FIRST + week + timedelta(hours=1, minutes=30)),
        (FIRST + week + timedelta(hours=23), FIRST + week + timedelta(hours=23, minutes=30)),
        # week 3: equally near before and after, the earlier wins
        (FIRST + 2 * week - timedelta(hours=1), FIRST + 2 * week - timedelta(minutes=30)),
        (FIRST + 2 * week + timedelta(hours=1), FIRST + 2 * week + timedelta(hours=1, minutes=30)),
        # week 4: nothing within three days
        (FIRST + 3 * week + timedelta(days=4), FIRST + 3 * week + timedelta(days=4, minutes=30)),
    ]
    plan = plan_series(starts, reversed(free))
    assert plan[0] == Occurrence(FIRST, FIRST + HALF_HOUR, True)
    assert (plan[1].fits, plan[1].alternative) == (False, FIRST + week + timedelta(hours=1))
    assert plan[2].alternative == FIRST + 2 * week - timedelta(hours=1)
    assert plan[2].alternative_end == FIRST + 2 * week - timedelta(minutes=30)
    assert (plan[3].fits, plan[3].alternative) == (False, None)


def test_too_close_finds_overlaps_and_buffers() -> None:
    a = (FIRST, FIRST + HALF_HOUR)
    b = (FIRST + HALF_HOUR, FIRST + 2 * HALF_HOUR)
    assert too_close([b, a]) is None
    assert too_close([b, a], timedelta(minutes=10)) == (a[0], b[0])


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 30),
    st.sampled_from([1, 2, 4]),
    st.sets(st.integers(0, 60 * 24 * 7), max_size=60),
)
def test_a_plan_covers_every_date_and_offers_only_free_slots(count, every, free_minutes) -> None:
    starts = occurrences(FIRST, SeriesRule(every, count=count))
    free = [(FIRST + timedelta(minutes=m * 5), FIRST + timedelta(minutes=m * 5) + HALF_HOUR) for m in free_minutes]
    plan = plan_series(starts, free)
    free_starts = {s for s, _ in free}
    assert [o.start for o in plan] == starts
    for item in plan:
        assert item.fits == (item.start in free_starts)
        if item.alternative is not None:
            assert item.alternative in free_starts and abs(item.alternative - item.start) <= timedelta(days=3)
            nearest = min(abs(s - item.start) for s in free_starts)
            assert abs(item.alternative - item.start) == nearest
    alternatives = [o.alternative for o in plan if o.alternative is not None]
    assert len(alternatives) == len(set(alternatives))  # windows never share a slot
