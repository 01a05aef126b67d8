"""Agenda rules and free-slot computation.

A clinician's availability is described by :class:`AgendaRule` values: a date
range, the weekdays it applies to, a daily window in clinic local time and a
slot length.  This module validates rules, detects overlapping rules and works
out which slots are still free once existing bookings are taken into account.

Everything here is pure and stdlib-only.  All datetimes are *naive* clinic
local times; every interval is half-open (``[start, end)``), so back-to-back
appointments and agendas that merely touch never collide.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

__all__ = [
    "ALL_WEEKDAYS",
    "AgendaRule",
    "Slot",
    "conflicts",
    "free_slots",
    "free_slots_range",
    "rule_applies_on",
    "rules_overlap",
    "validate_rule",
]

ALL_WEEKDAYS: frozenset[int] = frozenset(range(7))

_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Spelled out rather than taken from strftime("%B") so messages do not depend on the server locale.
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_ONE_DAY = timedelta(days=1)
_ONE_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class AgendaRule:
    """A recurring block of bookable time.

    The agenda runs on every day from ``start_date`` to ``end_date`` (inclusive)
    whose weekday (Monday = 0) is in ``weekdays``, from ``start_time`` to
    ``end_time``, cut into consecutive slots of ``slot_minutes``.

    Constructing a rule never fails on bad values so that a form can build one
    and show every problem through :func:`validate_rule`.
    """

    start_date: date
    end_date: date
    start_time: time
    end_time: time
    slot_minutes: int
    weekdays: frozenset[int] = ALL_WEEKDAYS

    def __post_init__(self) -> None:
        # Callers naturally pass lists or sets; a frozenset keeps the rule hashable
        # and makes equality independent of order and repeats.
        object.__setattr__(self, "weekdays", frozenset(self.weekdays))


class Slot(NamedTuple):
    """One bookable interval ``[start, end)`` in naive clinic local time."""

    start: datetime
    end: datetime


# --------------------------------------------------------------------------- #
# Formatting helpers for receptionist-facing messages
# --------------------------------------------------------------------------- #


def _format_date(value: date) -> str:
    return f"{value.day} {_MONTH_NAMES[value.month - 1]} {value.year}"


def _format_time(value: time) -> str:
    text = f"{value.hour:02d}:{value.minute:02d}"
    if value.second or value.microsecond:
        text += f":{value.second:02d}"
    return text


def _format_minutes(delta: timedelta) -> str:
    minutes = delta.total_seconds() / 60
    return f"{minutes:g} minute" + ("" if minutes == 1 else "s")


def _join_or(words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


# --------------------------------------------------------------------------- #
# Validation
# --------------------------------------------------------------------------- #


def _check_date(value: object, label: str) -> None:
    # datetime is a subclass of date, but mixing the two makes comparisons raise
    # TypeError later on, so it is refused here with a readable message.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValueError(f"The {label} must be a calendar date (got {value!r}).")


def _check_time(value: object, label: str) -> None:
    if not isinstance(value, time):
        raise ValueError(f"The {label} must be a time of day (got {value!r}).")
    # An aware time would produce aware datetimes that cannot be compared with
    # the naive local bookings used everywhere else.
    if value.tzinfo is not None:
        raise ValueError(f"The {label} must be a clinic local time without a time zone.")


def _is_whole_number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _has_day_between(first: date, last: date, weekdays: frozenset[int]) -> bool:
    """Whether some day in ``[first, last]`` falls on one of ``weekdays``."""
    if first > last or not weekdays:
        return False
    # A run of seven consecutive days covers every weekday, so at most seven
    # days ever need to be looked at, however long the range is.
    span = min((last - first).days, 6)
    return any((first.weekday() + offset) % 7 in weekdays for offset in range(span + 1))


def validate_rule(rule: AgendaRule) -> None:
    """Raise :class:`ValueError` with a plain-language message if ``rule`` is unusable.

    Checks, in order: the dates, the daily window, the slot length, the
    weekdays, and finally that at least one chosen weekday actually occurs in
    the date range.  Returns ``None`` when the rule is valid.
    """
    _check_date(rule.start_date, "start date")
    _check_date(rule.end_date, "end date")
    if rule.end_date < rule.start_date:
        raise ValueError(
            f"The end date ({_format_date(rule.end_date)}) is before "
            f"the start date ({_format_date(rule.start_date)})."
        )

    _check_time(rule.start_time, "start time")
    _check_time(rule.end_time, "end time")
    if rule.end_time <= rule.start_time:
        raise ValueError(
            f"The end time ({_format_time(rule.end_time)}) must be after "
            f"the start time ({_format_time(rule.start_time)})."
        )

    if not _is_whole_number(rule.slot_minutes) or rule.slot_minutes <= 0:
        raise ValueError(
            "The slot length must be a whole number of minutes greater than zero "
            f"(got {rule.slot_minutes!r})."
        )
    window = datetime.combine(rule.start_date, rule.end_time) - datetime.combine(
        rule.start_date, rule.start_time
    )
    # Compared in whole minutes rather than as timedeltas so an absurdly large
    # slot length gives this message instead of an OverflowError.
    if rule.slot_minutes > window // timedelta(minutes=1):
        raise ValueError(
            f"A {rule.slot_minutes}-minute slot does not fit in the daily window from "
            f"{_format_time(rule.start_time)} to {_format_time(rule.end_time)} "
            f"({_format_minutes(window)})."
        )

    if not rule.weekdays:
        raise ValueError("Choose at least one day of the week for the agenda.")
    invalid = sorted(
        (day for day in rule.weekdays if not _is_whole_number(day) or not 0 <= day <= 6),
        # Numbers in numeric order first; anything else cannot be compared with them.
        key=lambda day: (0, day, "") if _is_whole_number(day) else (1, 0, repr(day)),
    )
    if invalid:
        shown = ", ".join(repr(day) for day in invalid)
        verb = "is" if len(invalid) == 1 else "are"
        raise ValueError(
            f"Days of the week must be numbers from 0 (Monday) to 6 (Sunday); {shown} {verb} not valid."
        )

    if not _has_day_between(rule.start_date, rule.end_date, rule.weekdays):
        chosen = _join_or([_WEEKDAY_NAMES[day] for day in sorted(rule.weekdays)])
        if rule.start_date == rule.end_date:
            actual = _WEEKDAY_NAMES[rule.start_date.weekday()]
            raise ValueError(
                f"{_format_date(rule.start_date)} is a {actual}, "
                f"but the agenda only runs on {chosen}, so it would never offer a slot."
            )
        raise ValueError(
            f"No {chosen} falls between {_format_date(rule.start_date)} and "
            f"{_format_date(rule.end_date)}, so the agenda would never offer a slot."
        )


# --------------------------------------------------------------------------- #
# Conflicts between rules
# --------------------------------------------------------------------------- #


def rule_applies_on(rule: AgendaRule, day: date) -> bool:
    """Whether ``rule`` offers slots on ``day`` (date range and weekday both match)."""
    return rule.start_date <= day <= rule.end_date and day.weekday() in rule.weekdays


def rules_overlap(first: AgendaRule, second: AgendaRule) -> bool:
    """Whether two rules claim the same time on at least one calendar day.

    Sharing a weekday and sharing part of the date range is not enough on its
    own: some day inside the common date range must fall on a common weekday.
    """
    if not (first.start_time < second.end_time and second.start_time < first.end_time):
        return False
    return _has_day_between(
        max(first.start_date, second.start_date),
        min(first.end_date, second.end_date),
        first.weekdays & second.weekdays,
    )


def conflicts(candidate: AgendaRule, existing: Iterable[AgendaRule]) -> list[AgendaRule]:
    """Return the rules of ``existing`` that overlap ``candidate``, in their given order.

    When editing a rule, leave the rule being edited out of ``existing``;
    otherwise it is reported as conflicting with its new version.
    """
    return [rule for rule in existing if rules_overlap(candidate, rule)]


# --------------------------------------------------------------------------- #
# Free slots
# --------------------------------------------------------------------------- #


class _BusyTimes:
    """Disjoint, sorted busy intervals that answer overlap queries by bisection."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, intervals: list[tuple[datetime, datetime]]) -> None:
        starts: list[datetime] = []
        ends: list[datetime] = []
        for start, end in sorted(intervals):
            # Merging overlapping (and touching) bookings keeps the ends sorted,
            # which is what makes a single bisect per slot sufficient.
            if ends and start <= ends[-1]:
                if end > ends[-1]:
                    ends[-1] = end
            else:
                starts.append(start)
                ends.append(end)
        self._starts = starts
        self._ends = ends

    def overlaps(self, start: datetime, end: datetime) -> bool:
        index = bisect_right(self._ends, start)  # first busy interval ending after `start`
        return index < len(self._starts) and self._starts[index] < end


def _rule_slots(rule: AgendaRule, day: date) -> Iterable[Slot]:
    window_start = datetime.combine(day, rule.start_time)
    window_end = datetime.combine(day, rule.end_time)
    step = timedelta(minutes=rule.slot_minutes)
    # Integer division drops the trailing partial slot.
    for index in range((window_end - window_start) // step):
        start = window_start + index * step
        yield Slot(start, start + step)


def _check_day(value: object, label: str) -> None:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise TypeError(f"{label} must be a datetime.date, not {type(value).__name__}")


def free_slots_range(
    rules: Iterable[AgendaRule],
    booked: Iterable[tuple[datetime, datetime]],
    first_day: date,
    last_day: date,
    not_before: datetime | None = None,
) -> dict[date, list[Slot]]:
    """Return the free slots of every day from ``first_day`` to ``last_day`` inclusive.

    The result maps each day of the range, in order, to its sorted list of
    unique free slots (an empty list when nothing is free), which is what a
    week or month calendar needs.  ``booked`` is consumed exactly once and is
    grouped per day up front, so the cost grows with
    ``days * rules + bookings + slots * log(bookings per day)``.

    See :func:`free_slots` for the meaning of the other arguments.  Raises
    :class:`ValueError` if a rule is invalid or ``last_day`` is before
    ``first_day``.
    """
    _check_day(first_day, "first_day")
    _check_day(last_day, "last_day")
    if last_day < first_day:
        raise ValueError(
            f"The last day ({_format_date(last_day)}) is before "
            f"the first day ({_format_date(first_day)})."
        )
    rules = tuple(rules)
    # Invalid rules are refused rather than skipped: a zero slot length would
    # otherwise loop forever, and silently hiding an agenda would be worse.
    for rule in rules:
        validate_rule(rule)

    day_count = (last_day - first_day).days + 1
    range_start = datetime.combine(first_day, time.min)
    per_day: list[list[tuple[datetime, datetime]]] = [[] for _ in range(day_count)]
    for start, end in booked:
        if end <= start:
            continue  # an empty interval blocks nothing
        # timedelta.days floors, so bookings before the range get negative indexes.
        first_index = max((start - range_start).days, 0)
        # `end` is exclusive: a booking ending at midnight does not touch the next day.
        last_index = min((end - _ONE_MICROSECOND - range_start).days, day_count - 1)
        for index in range(first_index, last_index + 1):
            per_day[index].append((start, end))

    result: dict[date, list[Slot]] = {}
    for index in range(day_count):
        day = first_day + index * _ONE_DAY
        if not_before is not None and day < not_before.date():
            result[day] = []
            continue
        busy = _BusyTimes(per_day[index])
        free = {
            slot
            for rule in rules
            if rule_applies_on(rule, day)
            for slot in _rule_slots(rule, day)
            if (not_before is None or slot.start >= not_before)
            and not busy.overlaps(slot.start, slot.end)
        }
        result[day] = sorted(free)
    return result


def free_slots(
    rules: Iterable[AgendaRule],
    booked: Iterable[tuple[datetime, datetime]],
    day: date,
    not_before: datetime | None = None,
) -> list[Slot]:
    """Return the free slots of ``day``, sorted by start (then end), without duplicates.

    Each rule that applies on ``day`` offers slots from its ``start_time``,
    every ``slot_minutes``, as long as the slot ends by ``end_time``.  A slot is
    free unless it overlaps one of the ``(start, end)`` intervals in ``booked``
    (bookings on other days are ignored).  With ``not_before``, slots starting
    before that moment are left out, e.g. to hide slots already in the past.

    Inputs are never modified.  Raises :class:`ValueError` if a rule is invalid.
    """
    return free_slots_range(rules, booked, day, day, not_before)[day]
