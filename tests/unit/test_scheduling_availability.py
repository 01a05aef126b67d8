"""Tests for miwell.scheduling.core.availability: rule validation, conflicts and free slots."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from miwell.scheduling.core.availability import (
    AgendaRule,
    Slot,
    _free_slot_offers,
    conflicts,
    free_slots,
    free_slots_range,
    rule_applies_on,
    validate_rule,
)

MON = date(2026, 3, 2)  # a Monday, so MON + n has weekday n for n < 7
TUE = MON + timedelta(days=1)
ONE_MINUTE = timedelta(minutes=1)


def rule(
    start_date: date = MON,
    end_date: date = MON + timedelta(days=27),
    start: time = time(9),
    end: time = time(12),
    slot_minutes: object = 30,
    weekdays: object = range(7),
) -> AgendaRule:
    return AgendaRule(start_date, end_date, start, end, slot_minutes, weekdays)  # type: ignore[arg-type]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def slot(day: date, start: tuple[int, int], end: tuple[int, int]) -> Slot:
    return Slot(at(day, *start), at(day, *end))


# --------------------------------------------------------------------------- #
# AgendaRule
# --------------------------------------------------------------------------- #


class TestAgendaRule:
    def test_weekdays_default_to_every_day(self) -> None:
        assert AgendaRule(MON, MON, time(9), time(10), 15).weekdays == frozenset(range(7))

    @pytest.mark.parametrize("weekdays", [[0, 2, 2], (2, 0), {0, 2}, iter([2, 0]), range(0, 3, 2)])
    def test_any_iterable_of_weekdays_is_stored_as_a_frozenset(self, weekdays: object) -> None:
        stored = rule(weekdays=weekdays).weekdays
        assert stored == frozenset({0, 2})
        assert isinstance(stored, frozenset)

    def test_rules_are_hashable_and_compare_by_value(self) -> None:
        assert rule(weekdays=[2, 0]) == rule(weekdays={0, 2})
        assert len({rule(weekdays=[2, 0]), rule(weekdays=(0, 2))}) == 1

    def test_rules_are_frozen(self) -> None:
        with pytest.raises(dataclasses.FrozenInstanceError):
            rule().slot_minutes = 10  # type: ignore[misc]


# --------------------------------------------------------------------------- #
# validate_rule
# --------------------------------------------------------------------------- #


class TestValidateRule:
    @pytest.mark.parametrize(
        "valid",
        [
            rule(),
            rule(start_date=MON, end_date=MON, weekdays={0}),
            rule(start=time(9), end=time(10), slot_minutes=60),  # slot exactly fills the window
            rule(start=time(9), end=time(10), slot_minutes=45),  # leftover time is fine
            rule(start=time(9), end=time(10, 0, 30), slot_minutes=60),
            rule(start_date=MON, end_date=MON + timedelta(days=6), weekdays={6}),
            rule(start_date=date.min, end_date=date.max, weekdays={3}),
        ],
    )
    def test_valid_rules_return_none(self, valid: AgendaRule) -> None:
        assert validate_rule(valid) is None

    def test_end_date_before_start_date(self) -> None:
        with pytest.raises(ValueError) as error:
            validate_rule(rule(start_date=date(2026, 3, 5), end_date=date(2026, 3, 3)))
        assert str(error.value) == "The end date (3 March 2026) is before the start date (5 March 2026)."

    @pytest.mark.parametrize(
        ("start", "end", "message"),
        [
            (time(9), time(9), "The end time (09:00) must be after the start time (09:00)."),
            (time(12), time(9, 30), "The end time (09:30) must be after the start time (12:00)."),
            (time(9, 0, 30), time(9), "The end time (09:00) must be after the start time (09:00:30)."),
        ],
    )
    def test_end_time_not_after_start_time(self, start: time, end: time, message: str) -> None:
        with pytest.raises(ValueError) as error:
            validate_rule(rule(start=start, end=end))
        assert str(error.value) == message

    @pytest.mark.parametrize("slot_minutes", [0, -15, 15.0, 15.5, True, False, "15", None])
    def test_slot_length_must_be_a_positive_whole_number(self, slot_minutes: object) -> None:
        with pytest.raises(ValueError) as error:
            validate_rule(rule(slot_minutes=slot_minutes))
        assert str(error.value) == (
            "The slot length must be a whole number of minutes greater than zero "
            f"(got {slot_minutes!r})."
        )

    def test_slot_longer_than_the_daily_window(self) -> None:
        with pytest.raises(ValueError) as error:
            validate_rule(rule(start=time(9), end=time(10), slot_minutes=90))
        assert str(error.value) == (
            "A 90-minute slot does not fit in the daily window from 09:00 to 10:00 (60 minutes)."
        )

    def test_one_minute_too_long_for_the_window(self) -> None:
        with pytest.raises(ValueError, match="A 61-minute slot does not fit"):
            validate_rule(rule(start=time(9), end=time(10, 0, 59), slot_minutes=61))

    def test_absurd_slot_length_gives_the_message_not_an_overflow(self) -> None:
        with pytest.raises(ValueError, match="does not fit in the daily window"):
            validate_rule(rule(slot_minutes=10**30))

    def test_weekdays_must_not_be_empty(self) -> None:
        with pytest.raises(ValueError) as error:
            validate_rule(rule(weekdays=[]))
        assert str(error.value) == "Choose at least one day of the week for the agenda."

    @pytest.mark.parametrize(
        ("weekdays", "shown"),
        [
            ({0, 7}, "7 is"),
            ({-1}, "-1 is"),
            ({10, 7, 1}, "7, 10 are"),
            ({"1"}, "'1' is"),
            ({1.5}, "1.5 is"),
            ({None}, "None is"),
            ({2, 9, "x"}, "9, 'x' are"),
        ],
    )
    def test_weekdays_outside_monday_to_sunday(self, weekdays: set[object], shown: str) -> None:
        with pytest.raises(ValueError) as error:
            validate_rule(rule(weekdays=weekdays))
        assert str(error.value) == (
            f"Days of the week must be numbers from 0 (Monday) to 6 (Sunday); {shown} not valid."
        )

    def test_boolean_weekday_is_refused(self) -> None:
        # {True} would otherwise sneak through as Tuesday.
        with pytest.raises(ValueError, match="True is not valid"):
            validate_rule(rule(weekdays={True}))

    def test_single_day_that_is_not_a_chosen_weekday(self) -> None:
        with pytest.raises(ValueError) as error:
            validate_rule(rule(start_date=TUE, end_date=TUE, weekdays={0}))
        assert str(error.value) == (
            "3 March 2026 is a Tuesday, but the agenda only runs on Monday, "
            "so it would never offer a slot."
        )

    def test_date_range_without_any_chosen_weekday(self) -> None:
        with pytest.raises(ValueError) as error:
            validate_rule(rule(start_date=TUE, end_date=TUE + timedelta(days=2), weekdays={6, 0, 4}))
        assert str(error.value) == (
            "No Monday, Friday or Sunday falls between 3 March 2026 and 5 March 2026, "
            "so the agenda would never offer a slot."
        )

    def test_six_day_range_missing_exactly_the_chosen_weekday(self) -> None:
        with pytest.raises(ValueError, match="No Monday falls between"):
            validate_rule(rule(start_date=TUE, end_date=TUE + timedelta(days=5), weekdays={0}))
        validate_rule(rule(start_date=TUE, end_date=TUE + timedelta(days=6), weekdays={0}))

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("start_date", datetime(2026, 3, 2, 9), "The start date must be a calendar date"),
            ("end_date", "2026-03-02", "The end date must be a calendar date"),
            ("start_time", "09:00", "The start time must be a time of day"),
            ("end_time", datetime(2026, 3, 2, 12), "The end time must be a time of day"),
            (
                "end_time",
                time(12, tzinfo=timezone.utc),
                "The end time must be a clinic local time without a time zone.",
            ),
        ],
    )
    def test_wrong_types_are_refused_with_a_value_error(
        self, field: str, value: object, message: str
    ) -> None:
        bad = dataclasses.replace(rule(), **{field: value})
        with pytest.raises(ValueError) as error:
            validate_rule(bad)
        assert str(error.value).startswith(message)


# --------------------------------------------------------------------------- #
# conflicts
# --------------------------------------------------------------------------- #


class TestConflicts:
    def test_no_existing_rules(self) -> None:
        assert conflicts(rule(), []) == []

    def test_identical_rules_conflict(self) -> None:
        assert conflicts(rule(), [rule()]) == [rule()]

    def test_windows_that_only_touch_do_not_conflict(self) -> None:
        morning = rule(start=time(9), end=time(12))
        afternoon = rule(start=time(12), end=time(15))
        assert conflicts(morning, [afternoon]) == []
        assert conflicts(afternoon, [morning]) == []

    def test_windows_overlapping_by_one_minute_conflict(self) -> None:
        morning = rule(start=time(9), end=time(12, 1))
        afternoon = rule(start=time(12), end=time(15))
        assert conflicts(morning, [afternoon]) == [afternoon]

    def test_nested_windows_conflict(self) -> None:
        assert conflicts(rule(start=time(8), end=time(18)), [rule(start=time(10), end=time(11))])

    def test_disjoint_date_ranges_do_not_conflict(self) -> None:
        march = rule(start_date=MON, end_date=MON + timedelta(days=6))
        later = rule(start_date=MON + timedelta(days=7), end_date=MON + timedelta(days=13))
        assert conflicts(march, [later]) == []

    def test_date_ranges_sharing_only_their_edge_day_conflict(self) -> None:
        first = rule(start_date=MON, end_date=MON + timedelta(days=7))
        second = rule(start_date=MON + timedelta(days=7), end_date=MON + timedelta(days=13))
        assert conflicts(first, [second]) == [second]

    def test_disjoint_weekdays_do_not_conflict(self) -> None:
        assert conflicts(rule(weekdays={0, 2, 4}), [rule(weekdays={1, 3, 5, 6})]) == []

    def test_shared_weekday_must_occur_inside_the_shared_dates(self) -> None:
        # The ranges overlap on Monday 9 March only; both rules run on Tuesdays.
        first = rule(start_date=MON, end_date=MON + timedelta(days=7), weekdays={1})
        second = rule(
            start_date=MON + timedelta(days=7), end_date=MON + timedelta(days=14), weekdays={1}
        )
        assert conflicts(first, [second]) == []

    def test_weekday_in_both_sets_but_only_one_rule_runs_on_it_in_range(self) -> None:
        # Common weekdays are {2}; the shared dates are Mon-Tue, so there is no clash.
        first = rule(start_date=MON, end_date=TUE, weekdays={0, 2})
        second = rule(start_date=MON - timedelta(days=5), end_date=TUE, weekdays={1, 2})
        assert conflicts(first, [second]) == []

    def test_returns_every_conflict_in_the_given_order(self) -> None:
        candidate = rule(start=time(9), end=time(17))
        late = rule(start=time(16), end=time(18))
        clear = rule(start=time(17), end=time(19))
        early = rule(start=time(7), end=time(10))
        assert conflicts(candidate, [late, clear, early]) == [late, early]
        assert conflicts(candidate, iter([early, clear, late])) == [early, late]

    def test_huge_date_ranges_are_cheap(self) -> None:
        everything = rule(start_date=date.min, end_date=date.max, weekdays={5})
        other = rule(start_date=date.min, end_date=date.max, weekdays={6})
        assert conflicts(everything, [other] * 1000) == []


# --------------------------------------------------------------------------- #
# free_slots / free_slots_range
# --------------------------------------------------------------------------- #


class TestFreeSlots:
    def test_cuts_the_window_into_slots(self) -> None:
        assert free_slots([rule(start=time(9), end=time(11), slot_minutes=30)], [], TUE) == [
            slot(TUE, (9, 0), (9, 30)),
            slot(TUE, (9, 30), (10, 0)),
            slot(TUE, (10, 0), (10, 30)),
            slot(TUE, (10, 30), (11, 0)),
        ]

    def test_last_partial_slot_is_not_offered(self) -> None:
        assert free_slots([rule(start=time(9), end=time(11), slot_minutes=50)], [], TUE) == [
            slot(TUE, (9, 0), (9, 50)),
            slot(TUE, (9, 50), (10, 40)),
        ]

    def test_returns_slot_values(self) -> None:
        (only,) = free_slots([rule(start=time(9), end=time(10), slot_minutes=60)], [], TUE)
        assert isinstance(only, Slot)
        assert (only.start, only.end) == (at(TUE, 9), at(TUE, 10))

    def test_rule_not_running_that_weekday(self) -> None:
        assert free_slots([rule(weekdays={0, 2})], [], TUE) == []

    @pytest.mark.parametrize("day", [MON - timedelta(days=1), MON + timedelta(days=28)])
    def test_day_outside_the_date_range(self, day: date) -> None:
        assert free_slots([rule()], [], day) == []

    def test_first_and_last_day_of_the_range_are_included(self) -> None:
        agenda = rule(start_date=MON, end_date=TUE, start=time(9), end=time(10), slot_minutes=60)
        assert free_slots([agenda], [], MON) == [slot(MON, (9, 0), (10, 0))]
        assert free_slots([agenda], [], TUE) == [slot(TUE, (9, 0), (10, 0))]

    def test_no_rules(self) -> None:
        assert free_slots([], [(at(TUE, 9), at(TUE, 10))], TUE) == []

    def test_booking_blocks_every_slot_it_overlaps(self) -> None:
        agenda = rule(start=time(9), end=time(11), slot_minutes=30)
        booked = [(at(TUE, 9, 15), at(TUE, 10, 5))]
        assert free_slots([agenda], booked, TUE) == [slot(TUE, (10, 30), (11, 0))]

    def test_bookings_that_only_touch_a_slot_do_not_block_it(self) -> None:
        agenda = rule(start=time(9), end=time(11), slot_minutes=30)
        booked = [
            (at(TUE, 8, 30), at(TUE, 9)),
            (at(TUE, 9, 30), at(TUE, 10)),
            (at(TUE, 11), at(TUE, 12)),
        ]
        assert free_slots([agenda], booked, TUE) == [
            slot(TUE, (9, 0), (9, 30)),
            slot(TUE, (10, 0), (10, 30)),
            slot(TUE, (10, 30), (11, 0)),
        ]

    def test_bookings_of_other_days_are_ignored(self) -> None:
        agenda = rule(start=time(9), end=time(10), slot_minutes=60)
        next_week = TUE + timedelta(days=7)
        booked = [(at(MON, 9), at(MON, 10)), (at(next_week, 9), at(next_week, 10))]
        assert free_slots([agenda], booked, TUE) == [slot(TUE, (9, 0), (10, 0))]

    def test_booking_running_past_midnight_blocks_the_next_morning(self) -> None:
        agenda = rule(start=time(0), end=time(2), slot_minutes=60)
        booked = [(at(MON, 23), at(TUE, 0, 30))]
        assert free_slots([agenda], booked, TUE) == [slot(TUE, (1, 0), (2, 0))]

    def test_booking_ending_at_midnight_does_not_touch_the_next_day(self) -> None:
        agenda = rule(start=time(0), end=time(1), slot_minutes=60)
        booked = [(at(MON, 23), at(TUE, 0))]
        assert free_slots([agenda], booked, TUE) == [slot(TUE, (0, 0), (1, 0))]

    def test_empty_or_reversed_bookings_block_nothing(self) -> None:
        agenda = rule(start=time(9), end=time(10), slot_minutes=30)
        booked = [(at(TUE, 9, 10), at(TUE, 9, 10)), (at(TUE, 9, 50), at(TUE, 9, 40))]
        assert len(free_slots([agenda], booked, TUE)) == 2

    def test_overlapping_and_repeated_bookings(self) -> None:
        agenda = rule(start=time(9), end=time(13), slot_minutes=60)
        booked = [
            (at(TUE, 9, 30), at(TUE, 10, 30)),
            (at(TUE, 9, 0), at(TUE, 9, 45)),
            (at(TUE, 9, 30), at(TUE, 10, 30)),
            (at(TUE, 12, 59), at(TUE, 13)),
        ]
        assert free_slots([agenda], booked, TUE) == [slot(TUE, (11, 0), (12, 0))]

    def test_booked_may_be_a_generator_and_is_read_once(self) -> None:
        reads = 0

        def bookings() -> Iterator[tuple[datetime, datetime]]:
            nonlocal reads
            reads += 1
            yield at(TUE, 9), at(TUE, 10)

        agenda = rule(start=time(9), end=time(11), slot_minutes=60)
        assert free_slots([agenda], bookings(), TUE) == [slot(TUE, (10, 0), (11, 0))]
        assert reads == 1

    def test_rules_may_be_a_generator(self) -> None:
        agenda = rule(start=time(9), end=time(10), slot_minutes=60)
        assert free_slots(iter([agenda]), [], TUE) == [slot(TUE, (9, 0), (10, 0))]

    def test_booked_slots_may_be_passed_back_in(self) -> None:
        agenda = rule(start=time(9), end=time(10), slot_minutes=30)
        first, second = free_slots([agenda], [], TUE)
        assert free_slots([agenda], [first], TUE) == [second]

    def test_not_before_hides_slots_starting_earlier(self) -> None:
        agenda = rule(start=time(9), end=time(11), slot_minutes=30)
        assert free_slots([agenda], [], TUE, not_before=at(TUE, 9, 45)) == [
            slot(TUE, (10, 0), (10, 30)),
            slot(TUE, (10, 30), (11, 0)),
        ]
        # A slot starting exactly at not_before is kept.
        assert free_slots([agenda], [], TUE, not_before=at(TUE, 10, 30)) == [
            slot(TUE, (10, 30), (11, 0))
        ]

    def test_not_before_on_other_days(self) -> None:
        agenda = rule(start=time(9), end=time(10), slot_minutes=60)
        assert free_slots([agenda], [], TUE, not_before=at(TUE + timedelta(days=1), 0)) == []
        assert free_slots([agenda], [], TUE, not_before=at(MON, 23)) == [slot(TUE, (9, 0), (10, 0))]

    def test_identical_slots_from_several_rules_appear_once(self) -> None:
        agenda = rule(start=time(9), end=time(10), slot_minutes=30)
        twin = rule(start=time(9), end=time(10), slot_minutes=30, weekdays={1})
        assert free_slots([agenda, twin, agenda], [], TUE) == [
            slot(TUE, (9, 0), (9, 30)),
            slot(TUE, (9, 30), (10, 0)),
        ]

    def test_slots_of_several_rules_are_merged_in_start_order(self) -> None:
        afternoon = rule(start=time(14), end=time(15), slot_minutes=60)
        morning = rule(start=time(9), end=time(10), slot_minutes=30)
        long_morning = rule(start=time(9), end=time(10), slot_minutes=60)
        assert free_slots([afternoon, morning, long_morning], [], TUE) == [
            slot(TUE, (9, 0), (9, 30)),
            slot(TUE, (9, 0), (10, 0)),
            slot(TUE, (9, 30), (10, 0)),
            slot(TUE, (14, 0), (15, 0)),
        ]

    def test_inputs_are_not_modified(self) -> None:
        rules = [rule(start=time(14), end=time(15)), rule(start=time(9), end=time(10))]
        booked = [(at(TUE, 14, 30), at(TUE, 15)), (at(TUE, 9), at(TUE, 9, 30))]
        rules_before, booked_before = list(rules), list(booked)
        free_slots(rules, booked, TUE)
        assert rules == rules_before
        assert booked == booked_before

    def test_invalid_rule_is_refused(self) -> None:
        with pytest.raises(ValueError, match="slot length"):
            free_slots([rule(slot_minutes=0)], [], TUE)

    def test_day_must_be_a_date(self) -> None:
        with pytest.raises(TypeError):
            free_slots([rule()], [], at(TUE, 9))  # type: ignore[arg-type]

    def test_many_bookings_and_one_minute_slots(self) -> None:
        agenda = rule(start=time(0), end=time(23, 59), slot_minutes=1)
        # Book every other minute, in reverse order, to exercise sorting and bisection.
        midnight = at(TUE, 0)
        booked = [
            (midnight + i * ONE_MINUTE, midnight + (i + 1) * ONE_MINUTE) for i in range(0, 1439, 2)
        ]
        free = free_slots([agenda], reversed(booked), TUE)
        assert [s.start.hour * 60 + s.start.minute for s in free] == list(range(1, 1439, 2))


class TestFreeSlotsRange:
    def test_maps_every_day_of_the_range_in_order(self) -> None:
        agenda = rule(start=time(9), end=time(10), slot_minutes=60, weekdays={1, 3})
        result = free_slots_range([agenda], [], MON, MON + timedelta(days=6))
        assert list(result) == [MON + timedelta(days=i) for i in range(7)]
        assert {day: len(slots) for day, slots in result.items() if slots} == {
            TUE: 1,
            MON + timedelta(days=3): 1,
        }

    def test_single_day_range(self) -> None:
        agenda = rule(start=time(9), end=time(10), slot_minutes=30)
        assert free_slots_range([agenda], [], TUE, TUE) == {TUE: free_slots([agenda], [], TUE)}

    def test_booking_spanning_several_days_blocks_each_of_them(self) -> None:
        agenda = rule(start=time(9), end=time(10), slot_minutes=60)
        booked = iter([(at(MON, 12), at(MON + timedelta(days=3), 9, 30))])
        result = free_slots_range([agenda], booked, MON, MON + timedelta(days=4))
        assert [day for day, slots in result.items() if slots] == [MON, MON + timedelta(days=4)]

    def test_bookings_outside_the_range_are_ignored(self) -> None:
        agenda = rule(start=time(9), end=time(10), slot_minutes=60)
        booked = [(datetime.min, at(MON, 10)), (at(TUE + timedelta(days=1), 9), datetime.max)]
        result = free_slots_range([agenda], booked, MON, MON + timedelta(days=2))
        assert [day for day, slots in result.items() if slots] == [TUE]

    def test_not_before_clears_earlier_days(self) -> None:
        agenda = rule(start=time(9), end=time(10), slot_minutes=60)
        wed = MON + timedelta(days=2)
        result = free_slots_range([agenda], [], MON, wed, not_before=at(TUE, 9, 1))
        assert result == {MON: [], TUE: [], wed: [slot(wed, (9, 0), (10, 0))]}

    def test_last_day_before_first_day(self) -> None:
        with pytest.raises(ValueError) as error:
            free_slots_range([rule()], [], TUE, MON)
        assert str(error.value) == "The last day (2 March 2026) is before the first day (3 March 2026)."

    def test_range_reaching_the_last_representable_day(self) -> None:
        agenda = rule(
            start_date=date.max - timedelta(days=1),
            end_date=date.max,
            start=time(9),
            end=time(10),
            slot_minutes=60,
        )
        result = free_slots_range([agenda], [], date.max - timedelta(days=2), date.max)
        assert [len(slots) for slots in result.values()] == [0, 1, 1]


# --------------------------------------------------------------------------- #
# Property-based tests
# --------------------------------------------------------------------------- #

# Everything is whole minutes so the minute-by-minute brute force is exact.
PROPERTY_SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def minutes_to_time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def is_valid(candidate: AgendaRule) -> bool:
    try:
        validate_rule(candidate)
    except ValueError:
        return False
    return True


@st.composite
def agenda_rules(draw: st.DrawFn, max_days: int = 27) -> AgendaRule:
    first = MON + timedelta(days=draw(st.integers(0, max_days)))
    last = first + timedelta(days=draw(st.integers(0, max_days)))
    slot_minutes = draw(st.integers(1, 90))
    start = draw(st.integers(6 * 60, 20 * 60))
    end = draw(st.integers(start + slot_minutes, min(start + slot_minutes + 240, 24 * 60 - 1)))
    weekdays = draw(st.frozensets(st.integers(0, 6), min_size=1))
    return AgendaRule(first, last, minutes_to_time(start), minutes_to_time(end), slot_minutes, weekdays)


valid_rules = agenda_rules().filter(is_valid)


@st.composite
def bookings(draw: st.DrawFn, around: date) -> tuple[datetime, datetime]:
    # Some bookings fall on neighbouring days or are empty/reversed on purpose.
    start = datetime.combine(around - timedelta(days=1), time()) + ONE_MINUTE * draw(
        st.integers(0, 3 * 24 * 60)
    )
    return start, start + ONE_MINUTE * draw(st.integers(-30, 240))


@st.composite
def scenarios(
    draw: st.DrawFn,
) -> tuple[list[AgendaRule], list[tuple[datetime, datetime]], date, datetime | None]:
    day = MON + timedelta(days=draw(st.integers(0, 30)))
    rules = draw(st.lists(valid_rules, max_size=4))
    booked = draw(st.lists(bookings(day), max_size=8))
    not_before = draw(
        st.none()
        | st.integers(-60, 25 * 60).map(lambda m: datetime.combine(day, time()) + m * ONE_MINUTE)
    )
    return rules, booked, day, not_before


def naive_slots(candidate: AgendaRule, day: date) -> list[Slot]:
    if not candidate.start_date <= day <= candidate.end_date:
        return []
    if day.weekday() not in candidate.weekdays:
        return []
    step = timedelta(minutes=candidate.slot_minutes)
    limit = datetime.combine(day, candidate.end_time)
    current = datetime.combine(day, candidate.start_time)
    slots = []
    while current + step <= limit:
        slots.append(Slot(current, current + step))
        current += step
    return slots


def minute_is_booked(minute: datetime, booked: list[tuple[datetime, datetime]]) -> bool:
    return any(start <= minute < end for start, end in booked)


def brute_force_free(
    rules: list[AgendaRule],
    booked: list[tuple[datetime, datetime]],
    day: date,
    not_before: datetime | None,
) -> list[Slot]:
    free = set()
    for candidate in rules:
        for s in naive_slots(candidate, day):
            if not_before is not None and s.start < not_before:
                continue
            minutes = (s.end - s.start) // ONE_MINUTE
            if not any(minute_is_booked(s.start + i * ONE_MINUTE, booked) for i in range(minutes)):
                free.add(s)
    return sorted(free)


@PROPERTY_SETTINGS
@given(scenarios())
def test_free_slots_match_a_minute_by_minute_brute_force(scenario) -> None:
    rules, booked, day, not_before = scenario
    expected = brute_force_free(rules, booked, day, not_before)
    assert free_slots(rules, booked, day, not_before) == expected


@PROPERTY_SETTINGS
@given(scenarios())
def test_free_slots_lie_in_a_rule_window_and_avoid_bookings(scenario) -> None:
    rules, booked, day, not_before = scenario
    rules_before, booked_before = copy.deepcopy(rules), copy.deepcopy(booked)

    result = free_slots(rules, iter(booked), day, not_before)

    assert rules == rules_before and booked == booked_before
    assert all(earlier < later for earlier, later in zip(result, result[1:])), "sorted and unique"
    for s in result:
        assert s.start.date() == day
        assert not_before is None or s.start >= not_before
        assert any(s in naive_slots(candidate, day) for candidate in rules)
        assert any(
            datetime.combine(day, r.start_time) <= s.start
            and s.end <= datetime.combine(day, r.end_time)
            for r in rules
        )
        # An empty or reversed booking blocks nothing (see test_empty_or_reversed_bookings_block_nothing).
        assert not any(start < end and start < s.end and s.start < end for start, end in booked)


@PROPERTY_SETTINGS
@given(scenarios(), st.integers(0, 6))
def test_free_slots_range_agrees_with_free_slots_per_day(scenario, extra_days: int) -> None:
    rules, booked, day, not_before = scenario
    first, last = day - timedelta(days=extra_days), day + timedelta(days=extra_days)
    result = free_slots_range(rules, (b for b in booked), first, last, not_before)
    assert list(result) == [first + timedelta(days=i) for i in range(2 * extra_days + 1)]
    for each_day, slots in result.items():
        assert slots == free_slots(rules, booked, each_day, not_before)


def brute_force_overlap(first: AgendaRule, second: AgendaRule) -> bool:
    def minutes(r: AgendaRule) -> set[int]:
        begin = r.start_time.hour * 60 + r.start_time.minute
        end = r.end_time.hour * 60 + r.end_time.minute
        return set(range(begin, end))

    if not minutes(first) & minutes(second):
        return False
    day = max(first.start_date, second.start_date)
    while day <= min(first.end_date, second.end_date):
        if day.weekday() in first.weekdays and day.weekday() in second.weekdays:
            return True
        day += timedelta(days=1)
    return False


any_rules = agenda_rules(max_days=40)


@PROPERTY_SETTINGS
@given(any_rules, st.lists(any_rules, max_size=5))
def test_conflicts_agree_with_a_day_by_day_brute_force(
    candidate: AgendaRule, existing: list[AgendaRule]
) -> None:
    expected = [r for r in existing if brute_force_overlap(candidate, r)]
    assert conflicts(candidate, existing) == expected


@PROPERTY_SETTINGS
@given(any_rules, any_rules)
def test_conflicts_are_symmetric(first: AgendaRule, second: AgendaRule) -> None:
    assert bool(conflicts(first, [second])) == bool(conflicts(second, [first]))
    # A generated rule always has a sane window and slot, so it clashes with
    # itself exactly when one of its weekdays occurs in its date range.
    assert bool(conflicts(first, [first])) == is_valid(first)


@PROPERTY_SETTINGS
@given(agenda_rules(max_days=10))
def test_a_rule_is_valid_exactly_when_it_offers_some_slot(candidate: AgendaRule) -> None:
    span = (candidate.end_date - candidate.start_date).days
    days = [candidate.start_date + timedelta(days=i) for i in range(span + 1)]
    assert is_valid(candidate) == any(naive_slots(candidate, day) for day in days)


# --------------------------------------------------------------------------- #
# The fast free-slot computation against a plain reference
# --------------------------------------------------------------------------- #

# free_slots_range and the service's _free_slot_offers work from day templates, merged bookings
# and a single forward sweep; these tests hold them to the obvious day-by-day, slot-by-slot,
# booking-by-booking computation below.

SWEEP_START = MON + timedelta(days=3)  # a Thursday, so ranges cross a weekend
# How far a moment may fall off a slot edge: mostly not at all, else a minute, a second or a
# microsecond either way.
NUDGES = (ONE_MINUTE, timedelta(seconds=1), timedelta(microseconds=1))
OFF_EDGE = [timedelta(0)] * 6 + [sign * unit for sign in (1, -1) for unit in NUDGES]


def reference_offers(
    rules: list[AgendaRule],
    booked: list[tuple[datetime, datetime]],
    first: date,
    last: date,
    not_before: datetime | None,
) -> dict[date, list[tuple[Slot, int]]]:
    """Every day's free slots, each with the position of the first rule that runs that day and
    whose window holds its start."""
    for candidate in rules:
        validate_rule(candidate)
    result = {}
    day = first
    while day <= last:
        offered = set()
        for candidate in rules:
            if not candidate.start_date <= day <= candidate.end_date:
                continue
            if day.weekday() not in candidate.weekdays:
                continue
            step = timedelta(minutes=candidate.slot_minutes)
            start = datetime.combine(day, candidate.start_time)
            while start + step <= datetime.combine(day, candidate.end_time):
                offered.add(Slot(start, start + step))
                start += step
        free = []
        for s in sorted(offered):
            if not_before is not None and s.start < not_before:
                continue
            if any(start < end and start < s.end and s.start < end for start, end in booked):
                continue
            owner = next(
                i
                for i, r in enumerate(rules)
                if r.start_date <= day <= r.end_date
                and day.weekday() in r.weekdays
                and r.start_time <= s.start.time() < r.end_time
            )
            free.append((s, owner))
        result[day] = free
        day += timedelta(days=1)
    return result


@st.composite
def sweep_rules(draw: st.DrawFn) -> AgendaRule:
    # Few distinct start times and slot lengths, so that rules overlap, share slots and nest often.
    first = SWEEP_START + timedelta(days=draw(st.integers(-3, 6)))
    last = first + timedelta(days=draw(st.integers(0, 10)))
    slot_minutes = draw(st.sampled_from([10, 15, 20, 30, 45, 60]))
    start = draw(st.sampled_from([0, 8 * 60, 9 * 60, 9 * 60 + 30, 10 * 60, 13 * 60, 22 * 60]))
    end = start + slot_minutes * draw(st.integers(1, 6)) + draw(st.sampled_from([0, 0, 5, 17]))
    end = min(end, 24 * 60 - 1)
    # Now and then a window edge off the minute, as the rule type allows.
    start_second, end_second = draw(st.sampled_from([(0, 0), (0, 0), (0, 0), (30, 0), (0, 30)]))
    weekdays = draw(st.frozensets(st.integers(0, 6), min_size=1))
    return AgendaRule(
        first,
        last,
        time(start // 60, start % 60, start_second),
        time(end // 60, end % 60, end_second),
        slot_minutes,
        weekdays,
    )


@st.composite
def sweep_scenarios(draw: st.DrawFn):
    rules = draw(st.lists(sweep_rules().filter(is_valid), max_size=4))
    first = SWEEP_START + timedelta(days=draw(st.integers(-2, 4)))
    last = first + timedelta(days=draw(st.integers(0, 8)))
    days = [first + timedelta(days=i) for i in range(-1, (last - first).days + 2)]

    def moment(near: AgendaRule | None = None, day: date | None = None) -> datetime:
        # From the day before the range to the day after it: mostly a slot edge of one of the
        # rules on a day it runs, or next to one, so that bookings, slots and not_before meet
        # exactly as often as they miss by a little; otherwise any minute.
        if near is None and rules and draw(st.sampled_from([True, True, False])):
            near = draw(st.sampled_from(rules))
        if near is None:
            midnight = datetime.combine(draw(st.sampled_from(days)), time())
            return midnight + ONE_MINUTE * draw(st.integers(0, 24 * 60 - 1))
        if day is None:
            day = draw(st.sampled_from([d for d in days if rule_applies_on(near, d)] or days))
        opens, closes = datetime.combine(day, near.start_time), datetime.combine(day, near.end_time)
        step = timedelta(minutes=near.slot_minutes)
        edge = opens + step * draw(st.integers(0, (closes - opens) // step))
        return edge + draw(st.sampled_from(OFF_EDGE))

    booked = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["slots", "slots", "length", "anything"]))
        if kind == "slots" and rules:
            # From one edge to another of the same rule's slots, which may be the same edge, an
            # earlier one, or on another day.
            near = draw(st.sampled_from(rules))
            start = moment(near)
            end = moment(near, start.date() if draw(st.sampled_from([True, True, False])) else None)
        else:
            start = moment()
            if kind == "length":
                end = start + ONE_MINUTE * draw(st.sampled_from([0, -30, 15, 30, 90, 24 * 60 + 30]))
            else:
                end = moment()
        booked.append((start, end))
    if draw(st.booleans()):
        booked.sort()  # the order bookings come in from an index, which has its own path
    not_before = moment() if draw(st.booleans()) else None
    return rules, booked, first, last, not_before


SWEEP_SETTINGS = settings(PROPERTY_SETTINGS, max_examples=500)


@SWEEP_SETTINGS
@given(sweep_scenarios())
def test_free_slots_range_matches_the_reference(scenario) -> None:
    rules, booked, first, last, not_before = scenario
    expected = reference_offers(rules, booked, first, last, not_before)
    result = free_slots_range(rules, iter(booked), first, last, not_before)
    assert result == {day: [s for s, _ in offered] for day, offered in expected.items()}
    assert all(type(s) is Slot for slots in result.values() for s in slots)


@SWEEP_SETTINGS
@given(sweep_scenarios())
def test_free_slot_offers_match_the_reference(scenario) -> None:
    rules, booked, first, last, not_before = scenario
    expected = reference_offers(rules, booked, first, last, not_before)
    offers = _free_slot_offers(rules, iter(booked), first, last, not_before)
    assert offers == [(s.start, s.end, owner) for day in expected.values() for s, owner in day]


def test_offers_credit_the_first_rule_whose_window_holds_the_start() -> None:
    # The second rule's 09:00-09:30 lies in the first rule's window too: the first is credited.
    hourly = rule(start=time(9), end=time(11), slot_minutes=60)
    half_hourly = rule(start=time(9), end=time(10), slot_minutes=30)
    assert _free_slot_offers([hourly, half_hourly], [], TUE, TUE) == [
        (at(TUE, 9), at(TUE, 9, 30), 0),
        (at(TUE, 9), at(TUE, 10), 0),
        (at(TUE, 9, 30), at(TUE, 10), 0),
        (at(TUE, 10), at(TUE, 11), 0),
    ]


def test_bookings_out_of_order_give_the_same_answer_as_in_order() -> None:
    agenda = rule(start=time(9), end=time(13), slot_minutes=30)
    booked = [
        (at(TUE, 11), at(TUE, 11, 30)),
        (at(TUE, 9, 10), at(TUE, 9, 20)),
        (at(MON, 23), at(TUE, 9, 5)),
        (at(TUE, 12), at(TUE, 12)),
        (at(TUE, 10), at(TUE, 10, 45)),
    ]
    expected = free_slots([agenda], sorted(booked), TUE)
    assert [s.start.time() for s in expected] == [time(9, 30), time(11, 30), time(12), time(12, 30)]
    assert free_slots([agenda], booked, TUE) == expected
    assert free_slots([agenda], reversed(booked), TUE) == expected
