"""Buffers, minimum notice and booking horizon of agenda rules (``miwell.scheduling.availability``).

The contract: ``AgendaRule`` gains ``buffer_minutes``, ``min_notice_minutes`` and ``horizon_days``
(all 0 by default, so every existing rule behaves as before); a slot ``[s, e)`` is free only if no
booking overlaps ``[s - buffer, e + buffer)``; with ``now``, only slots with ``s >= now + notice``
and (horizon > 0) ``s < now + horizon days`` are offered.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from miwell.scheduling.availability import (
    AgendaRule,
    Slot,
    free_slots,
    free_slots_range,
    validate_rule,
)
from miwell.scheduling.core.availability import _free_slot_offers

MON = date(2027, 3, 1)  # a Monday
ONE_MINUTE = timedelta(minutes=1)


def rule(**changes) -> AgendaRule:
    fields = dict(
        start_date=MON,
        end_date=MON + timedelta(days=27),
        start_time=time(9),
        end_time=time(12),
        slot_minutes=30,
    )
    fields.update(changes)
    return AgendaRule(**fields)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def starts(slots: list[Slot]) -> list[str]:
    return [f"{s.start:%H:%M}" for s in slots]


# --------------------------------------------------------------------------- #
# Validation
# --------------------------------------------------------------------------- #


def test_the_new_fields_default_to_none_and_a_default_rule_is_valid() -> None:
    plain = AgendaRule(MON, MON, time(9), time(10), 30)
    assert (plain.buffer_minutes, plain.min_notice_minutes, plain.horizon_days) == (0, 0, 0)
    validate_rule(plain)
    # Positional construction keeps its old meaning: weekdays stays the sixth field.
    assert AgendaRule(MON, MON, time(9), time(10), 30, {0}).weekdays == frozenset({0})


@pytest.mark.parametrize("field", ["buffer_minutes", "min_notice_minutes", "horizon_days"])
@pytest.mark.parametrize("bad", [-1, 1.5, 2.0, "10", True, None])
def test_the_new_fields_must_be_whole_numbers_not_negative(field: str, bad: object) -> None:
    with pytest.raises(ValueError, match="whole number, 0 or more"):
        validate_rule(rule(**{field: bad}))


@pytest.mark.parametrize(
    ("field", "too_much", "words"),
    [
        ("buffer_minutes", 24 * 60 + 1, "buffer between sessions can be at most 1440 minutes"),
        ("min_notice_minutes", 366 * 24 * 60 + 1, "minimum notice can be at most"),
        ("horizon_days", 3661, "booking horizon can be at most 3660 days"),
    ],
)
def test_absurd_limits_are_refused_with_the_bound(field: str, too_much: int, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        validate_rule(rule(**{field: too_much}))
    validate_rule(rule(**{field: too_much - 1}))


def test_invalid_limits_are_refused_by_free_slots_too() -> None:
    with pytest.raises(ValueError, match="buffer"):
        free_slots([rule(buffer_minutes=-5)], [], MON)


# --------------------------------------------------------------------------- #
# Buffers
# --------------------------------------------------------------------------- #


def test_a_buffer_keeps_the_neighbouring_slots_free_of_a_booking() -> None:
    booked = [(at(MON, 10), at(MON, 10, 30))]
    assert starts(free_slots([rule()], booked, MON)) == ["09:00", "09:30", "10:30", "11:00", "11:30"]
    # 10 minutes of breathing room: 09:30-10:00 would end right before the booking, 10:30-11:00
    # would start right after it.
    assert starts(free_slots([rule(buffer_minutes=10)], booked, MON)) == ["09:00", "11:00", "11:30"]


def test_a_buffer_counts_bookings_just_outside_the_window_and_on_the_day_before() -> None:
    early = [(at(MON, 8, 50), at(MON, 8, 55))]
    assert starts(free_slots([rule(buffer_minutes=5)], early, MON))[0] == "09:00"
    assert starts(free_slots([rule(buffer_minutes=6)], early, MON))[0] == "09:30"
    overnight = [(at(MON, 23, 0), at(MON + timedelta(days=1), 8, 45))]
    tuesday = MON + timedelta(days=1)
    assert starts(free_slots([rule(buffer_minutes=15)], overnight, tuesday))[0] == "09:00"
    assert starts(free_slots([rule(buffer_minutes=16)], overnight, tuesday))[0] == "09:30"


def test_each_rule_keeps_its_own_buffer() -> None:
    morning = rule(end_time=time(12), buffer_minutes=0)
    afternoon = rule(start_time=time(12), end_time=time(14), buffer_minutes=30)
    booked = [(at(MON, 11, 30), at(MON, 12))]
    # The morning's 11:00 slot touches the booking and has no buffer; the afternoon's 12:00 slot
    # needs 30 minutes of room before it.
    assert starts(free_slots([morning, afternoon], booked, MON)) == [
        "09:00", "09:30", "10:00", "10:30", "11:00", "12:30", "13:00", "13:30",
    ]  # fmt: skip


def test_a_wide_buffer_after_a_narrow_one_still_sees_an_earlier_booking() -> None:
    # The 10:00 slot's buffer reaches back past the 09:30 slot's start: a booking the sweep has
    # already passed for 09:30 must still block 10:00.
    narrow = rule(end_time=time(10), buffer_minutes=0)
    wide = rule(start_time=time(10), end_time=time(11), buffer_minutes=60)
    booked = [(at(MON, 9, 5), at(MON, 9, 10))]
    assert starts(free_slots([narrow, wide], booked, MON)) == ["09:30", "10:30"]
    assert [s.strftime("%H:%M") for s, _, _ in _free_slot_offers([narrow, wide], booked, MON, MON)] == ["09:30", "10:30"]


def test_buffers_apply_in_ranges_and_credit_the_rule() -> None:
    booked = [(at(MON, 9, 30), at(MON, 10))]
    tuesday = MON + timedelta(days=1)
    result = free_slots_range([rule(buffer_minutes=1)], booked, MON, tuesday)
    assert starts(result[MON]) == ["10:30", "11:00", "11:30"]
    assert len(result[tuesday]) == 6
    offers = _free_slot_offers([rule(buffer_minutes=1)], booked, MON, MON)
    assert [(s.strftime("%H:%M"), position) for s, _, position in offers] == [("10:30", 0), ("11:00", 0), ("11:30", 0)]


# --------------------------------------------------------------------------- #
# Notice and horizon
# --------------------------------------------------------------------------- #


def test_without_now_notice_and_horizon_are_not_applied() -> None:
    limited = rule(min_notice_minutes=24 * 60, horizon_days=1)
    assert len(free_slots([limited], [], MON + timedelta(days=20))) == 6


def test_minimum_notice_hides_slots_too_soon() -> None:
    now = at(MON, 8, 0)
    assert starts(free_slots([rule()], [], MON, now=now)) == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]
    # 08:00 + 120 minutes: 10:00 is exactly on the limit and offered.
    assert starts(free_slots([rule(min_notice_minutes=120)], [], MON, now=now)) == ["10:00", "10:30", "11:00", "11:30"]
    # now alone hides what has passed.
    assert starts(free_slots([rule()], [], MON, now=at(MON, 10, 1))) == ["10:30", "11:00", "11:30"]


def test_a_notice_of_days_reaches_over_days() -> None:
    now = at(MON, 9, 15)
    result = free_slots_range([rule(min_notice_minutes=2 * 24 * 60)], [], MON, MON + timedelta(days=3))
    assert all(result.values())  # without now, everything
    result = free_slots_range([rule(min_notice_minutes=2 * 24 * 60)], [], MON, MON + timedelta(days=3), now=now)
    wednesday = MON + timedelta(days=2)
    assert result[MON] == [] and result[MON + timedelta(days=1)] == []
    assert starts(result[wednesday]) == ["09:30", "10:00", "10:30", "11:00", "11:30"]
    assert len(result[MON + timedelta(days=3)]) == 6


def test_the_horizon_hides_slots_too_far_ahead() -> None:
    now = at(MON, 10, 0)
    result = free_slots_range([rule(horizon_days=2)], [], MON, MON + timedelta(days=4), now=now)
    assert starts(result[MON]) == ["10:00", "10:30", "11:00", "11:30"]
    assert len(result[MON + timedelta(days=1)]) == 6
    # Two days from 10:00 on Monday is 10:00 on Wednesday, which is no longer offered.
    assert starts(result[MON + timedelta(days=2)]) == ["09:00", "09:30"]
    assert result[MON + timedelta(days=3)] == [] and result[MON + timedelta(days=4)] == []


def test_a_rule_without_horizon_beside_one_with_it_keeps_offering() -> None:
    near = rule(end_time=time(10), horizon_days=1)
    far = rule(start_time=time(14), end_time=time(15))
    result = free_slots_range([near, far], [], MON, MON + timedelta(days=10), now=at(MON, 8))
    assert starts(result[MON + timedelta(days=10)]) == ["14:00", "14:30"]
    assert starts(result[MON]) == ["09:00", "09:30", "14:00", "14:30"]


def test_now_and_not_before_both_apply() -> None:
    result = free_slots([rule()], [], MON, not_before=at(MON, 10), now=at(MON, 9))
    assert starts(result) == ["10:00", "10:30", "11:00", "11:30"]


def test_now_must_be_a_datetime() -> None:
    with pytest.raises(TypeError, match="now must be a datetime"):
        free_slots([rule()], [], MON, now=MON)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- #
# Properties
# --------------------------------------------------------------------------- #

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def limited_rules(draw: st.DrawFn) -> AgendaRule:
    first = MON + timedelta(days=draw(st.integers(0, 4)))
    slot = draw(st.sampled_from([15, 20, 30, 45, 60]))
    start = draw(st.sampled_from([0, 8 * 60, 9 * 60, 13 * 60, 22 * 60]))
    end = min(start + slot * draw(st.integers(1, 6)) + draw(st.sampled_from([0, 0, 7])), 24 * 60 - 1)
    return AgendaRule(
        first,
        first + timedelta(days=draw(st.integers(0, 6))),
        time(start // 60, start % 60),
        time(end // 60, end % 60),
        slot,
        draw(st.frozensets(st.integers(0, 6), min_size=1)),
        buffer_minutes=draw(st.sampled_from([0, 0, 5, 10, 15, 60, 600])),
        min_notice_minutes=draw(st.sampled_from([0, 0, 30, 24 * 60, 3 * 24 * 60 + 7])),
        horizon_days=draw(st.sampled_from([0, 0, 1, 3, 5])),
    )


def _valid(candidate: AgendaRule) -> bool:
    try:
        validate_rule(candidate)
    except ValueError:
        return False
    return True


def _overlap(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def reference(rules, booked, first, last, now):
    """Slot by slot, straight from the contract: every slot of every rule, credited to the first
    rule that runs that day and whose window holds the start, kept if its widened interval meets no
    (non-empty) booking and it lies within that rule's notice and horizon from ``now``."""
    result = []
    day = first
    while day <= last:
        offered = set()
        for candidate in rules:
            if candidate.start_date <= day <= candidate.end_date and day.weekday() in candidate.weekdays:
                step = timedelta(minutes=candidate.slot_minutes)
                start = datetime.combine(day, candidate.start_time)
                while start + step <= datetime.combine(day, candidate.end_time):
                    offered.add((start, start + step))
                    start += step
        for start, end in sorted(offered):
            owner = next(
                i
                for i, r in enumerate(rules)
                if r.start_date <= day <= r.end_date and day.weekday() in r.weekdays and r.start_time <= start.time() < r.end_time
            )
            buffer = timedelta(minutes=rules[owner].buffer_minutes)
            if any(b < e and _overlap((start - buffer, end + buffer), (b, e)) for b, e in booked):
                continue
            if now is not None:
                if start < now + timedelta(minutes=rules[owner].min_notice_minutes):
                    continue
                if rules[owner].horizon_days and start >= now + timedelta(days=rules[owner].horizon_days):
                    continue
            result.append((start, end, owner))
        day += timedelta(days=1)
    return result


@st.composite
def limit_scenarios(draw: st.DrawFn):
    rules = draw(st.lists(limited_rules().filter(_valid), max_size=3))
    first = MON + timedelta(days=draw(st.integers(0, 5)))
    last = first + timedelta(days=draw(st.integers(0, 7)))
    booked = []
    for _ in range(draw(st.integers(0, 10))):
        start = datetime.combine(first - timedelta(days=1), time()) + ONE_MINUTE * draw(
            st.integers(0, (last - first).days * 24 * 60 + 3 * 24 * 60)
        )
        booked.append((start, start + ONE_MINUTE * draw(st.sampled_from([0, -15, 15, 30, 45, 60, 120]))))
    if draw(st.booleans()):
        booked.sort()
    now = None
    if draw(st.booleans()):
        now = datetime.combine(first - timedelta(days=2), time()) + ONE_MINUTE * draw(st.integers(0, 12 * 24 * 60))
    return rules, booked, first, last, now


@SETTINGS
@given(limit_scenarios())
def test_free_slots_with_limits_match_the_contract(scenario) -> None:
    rules, booked, first, last, now = scenario
    expected = reference(rules, booked, first, last, now)
    assert _free_slot_offers(rules, iter(booked), first, last, now=now) == expected
    by_day = free_slots_range(rules, iter(booked), first, last, now=now)
    assert list(by_day) == [first + timedelta(days=i) for i in range((last - first).days + 1)]
    assert [(s.start, s.end) for slots in by_day.values() for s in slots] == [(s, e) for s, e, _ in expected]
    assert all(type(s) is Slot for slots in by_day.values() for s in slots)
    day = first + (last - first) // 2
    assert free_slots(rules, booked, day, now=now) == by_day[day]


@SETTINGS
@given(limit_scenarios(), st.lists(st.integers(0, 10_000), min_size=1, max_size=8))
def test_an_offered_slot_is_always_bookable_and_bookings_keep_their_buffers(scenario, picks) -> None:
    """Booking offered slots one after another, as a desk would: each is free when offered, and no
    two bookings made this way ever come within the buffer of the rule that offered them."""
    rules, booked, first, last, now = scenario
    made: list[tuple[datetime, datetime, timedelta]] = []
    for pick in picks:
        offers = _free_slot_offers(rules, booked, first, last, now=now)
        if not offers:
            break
        start, end, owner = offers[pick % len(offers)]
        buffer = timedelta(minutes=rules[owner].buffer_minutes)
        assert not any(b < e and _overlap((start - buffer, end + buffer), (b, e)) for b, e in booked)
        if now is not None:
            assert start >= now + timedelta(minutes=rules[owner].min_notice_minutes)
        booked.append((start, end))
        made.append((start, end, buffer))
        # Once booked, the slot is offered no more.
        assert (start, end) not in [(s, e) for s, e, _ in _free_slot_offers(rules, booked, first, last, now=now)]
    for i, (start, end, buffer) in enumerate(made):
        for other_start, other_end, _ in made[:i]:
            assert not _overlap((start - buffer, end + buffer), (other_start, other_end))
