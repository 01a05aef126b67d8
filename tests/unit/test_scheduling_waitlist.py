"""The waiting list's matching rules (``miwell.scheduling.core.waitlist``)."""

from datetime import date, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from miwell.scheduling.core.waitlist import (
    ALL_TIMES,
    FreeSlot,
    WaitingEntry,
    match_waitlist,
    matches,
    priority,
    time_of_day,
    times_text,
)

DAY = date(2027, 3, 2)
T0 = datetime(2027, 1, 1, tzinfo=timezone.utc)


def slot(hour: int, day: date = DAY, doctor: int = 1, clinic: int = 10, minutes: int = 30) -> FreeSlot:
    start = datetime.combine(day, datetime.min.time()) + timedelta(hours=hour)
    return FreeSlot(start, start + timedelta(minutes=minutes), doctor, clinic)


def entry(id: int, *, urgent=False, age=0, doctor=1, clinic=None, times=ALL_TIMES, first=DAY, last=DAY, before=frozenset()):
    return WaitingEntry(id, urgent, T0 + timedelta(days=age), doctor, clinic, first, last, times, before)


def test_times_of_day() -> None:
    assert [time_of_day(slot(h).start) for h in (9, 11, 12, 16, 17, 20)] == [1, 1, 2, 2, 4, 4]
    assert times_text(ALL_TIMES) == "any time"
    assert times_text(1 | 4) == "mornings and evenings"


def test_urgent_first_then_oldest() -> None:
    old, newer, urgent = entry(1, age=0), entry(2, age=5), entry(3, urgent=True, age=9)
    assert sorted([old, newer, urgent], key=priority) == [urgent, old, newer]
    matched = match_waitlist([old, newer, urgent], [slot(10)])
    assert [(e.id, s.start.hour) for e, s in matched] == [(3, 10)]


def test_each_entry_gets_the_earliest_matching_slot_and_no_slot_twice() -> None:
    free = [slot(15), slot(9), slot(10, doctor=2)]
    morning_only = entry(1, times=1)
    any_doctor_of_clinic = entry(2, doctor=None, clinic=10, age=1)
    doctor_two = entry(3, doctor=2, age=2)
    matched = {e.id: (s.doctor_id, s.start.hour) for e, s in match_waitlist([doctor_two, any_doctor_of_clinic, morning_only], free)}
    # The clinic-wide entry takes doctor 2's 10:00 before the later doctor-2 entry can.
    assert matched == {1: (1, 9), 2: (2, 10)}


def test_a_slot_offered_before_is_not_offered_again_and_dates_must_fit() -> None:
    s = slot(9)
    assert not matches(entry(1, before=frozenset({(1, s.start)})), s)
    assert not matches(entry(1, first=DAY + timedelta(days=1), last=DAY + timedelta(days=3)), s)
    assert not matches(entry(1, doctor=None, clinic=11), s)


def test_overlapping_slots_of_one_doctor_are_not_both_given() -> None:
    # One doctor at two clinics with overlapping windows: only one of them may be held.
    matched = match_waitlist([entry(1, doctor=None, clinic=None), entry(2, doctor=1, age=1)], [slot(9, clinic=10), slot(9, clinic=11)])
    assert len(matched) == 1


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.booleans(), st.integers(0, 30), st.sampled_from([None, 1, 2]), st.integers(1, 7), st.integers(0, 3)), max_size=8),
    st.lists(st.tuples(st.integers(8, 19), st.integers(0, 3), st.sampled_from([1, 2])), max_size=12, unique=True),
)
def test_matching_respects_priority_and_never_double_books(entries_spec, slots_spec) -> None:
    entries = [
        entry(i, urgent=u, age=a, doctor=d, clinic=None if d else 10, times=t, first=DAY, last=DAY + timedelta(days=span))
        for i, (u, a, d, t, span) in enumerate(entries_spec)
    ]
    free = [slot(h, DAY + timedelta(days=offset), doctor=d) for h, offset, d in slots_spec]
    result = match_waitlist(entries, free)
    given_slots = [s for _, s in result]
    assert len(given_slots) == len(set(given_slots))
    assert len({e.id for e, _ in result}) == len(result)
    for e, s in result:
        assert matches(e, s)
    # An entry left without a slot could use none of the slots nobody took, nor any given to a later entry.
    order = {e.id: n for n, e in enumerate(sorted(entries, key=priority))}
    for e in entries:
        if e.id in {m.id for m, _ in result}:
            continue
        for winner, s in result:
            assert not (matches(e, s) and order[winner.id] > order[e.id])
        assert not any(matches(e, s) for s in free if s not in given_slots)
