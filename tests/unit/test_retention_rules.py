from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from miwell.scheduling.core.retention import RetentionError, cutoff, parse_years


def test_years_are_blank_or_a_whole_number_from_1_to_100():
    assert parse_years("") is None and parse_years(None) is None and parse_years(" 7 ") == 7
    for bad in ("0", "101", "-1", "2.5", "seven", "1e2"):
        with pytest.raises(RetentionError, match="from 1 to 100"):
            parse_years(bad)


def test_the_cutoff_of_a_leap_day_falls_on_the_28th():
    assert cutoff(datetime(2028, 2, 29, 3, 30), 1) == datetime(2027, 2, 28, 3, 30)
    assert cutoff(datetime(2026, 12, 4, 3, 30), 7) == datetime(2019, 12, 4, 3, 30)


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2999, 12, 31)), st.integers(1, 100))
def test_the_cutoff_is_that_many_years_back_give_or_take_a_leap_day(now, years):
    then = cutoff(now, years)
    assert then.year == now.year - years and (then.month, then.time()) == (now.month, now.time())
    assert 0 <= (now.day - then.day) <= 1
