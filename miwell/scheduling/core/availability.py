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

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
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
_MOST_BUFFER_MINUTES = 24 * 60
_MOST_NOTICE_MINUTES = 366 * 24 * 60
_MOST_HORIZON_DAYS = 10 * 366
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
    # Breathing room kept free on both sides of every booking of the doctor, in minutes.
    buffer_minutes: int = 0
    # No slot starting sooner than this after ``now`` is offered (only when ``now`` is given).
    min_notice_minutes: int = 0
    # No slot starting this many days or more after ``now`` is offered; 0 means no horizon.
    horizon_days: int = 0

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


def _microseconds(value: time) -> int:
    return ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond


def _has_day_between(first: date, last: date, weekdays: frozenset[int]) -> bool:
    """Whether some day in ``[first, last]`` falls on one of ``weekdays``."""
    if first > last or not weekdays:
        return False
    # A run of seven consecutive days covers every weekday, so at most seven
    # days ever need to be looked at, however long the range is.
    span = (last - first).days
    if span >= 6:
        return True
    return any((first.weekday() + offset) % 7 in weekdays for offset in range(span + 1))


def _check_limits(rule: AgendaRule) -> None:
    """Raise the message for the first of the buffer, notice and horizon that is not usable."""
    for value, what, most in (
        (rule.buffer_minutes, "buffer between sessions", _MOST_BUFFER_MINUTES),
        (rule.min_notice_minutes, "minimum notice", _MOST_NOTICE_MINUTES),
        (rule.horizon_days, "booking horizon", _MOST_HORIZON_DAYS),
    ):
        if not _is_whole_number(value) or value < 0:
            raise ValueError(f"The {what} must be a whole number, 0 or more (got {value!r}).")
        # A bound keeps the datetime arithmetic below far from overflow; beyond it no clinic means it.
        if value > most:
            unit = "days" if what == "booking horizon" else "minutes"
            raise ValueError(f"The {what} can be at most {most} {unit} (got {value}).")


def validate_rule(rule: AgendaRule) -> None:
    """Raise :class:`ValueError` with a plain-language message if ``rule`` is unusable.

    Checks, in order: the dates, the daily window, the slot length, the buffer,
    notice and horizon (whole numbers, not negative), the weekdays, and finally that at least one chosen weekday actually occurs in
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
    window = _microseconds(rule.end_time) - _microseconds(rule.start_time)
    # Compared in whole minutes rather than as timedeltas so an absurdly large
    # slot length gives this message instead of an OverflowError.
    if rule.slot_minutes > window // 60_000_000:
        raise ValueError(
            f"A {rule.slot_minutes}-minute slot does not fit in the daily window from "
            f"{_format_time(rule.start_time)} to {_format_time(rule.end_time)} "
            f"({_format_minutes(timedelta(microseconds=window))})."
        )

    buffer, notice, horizon = rule.buffer_minutes, rule.min_notice_minutes, rule.horizon_days
    # The usual case in one test: this runs for every rule on every free-slot question.
    usual = type(buffer) is int and type(notice) is int and type(horizon) is int
    if not (
        usual and 0 <= buffer <= _MOST_BUFFER_MINUTES and 0 <= notice <= _MOST_NOTICE_MINUTES and 0 <= horizon <= _MOST_HORIZON_DAYS
    ):
        _check_limits(rule)

    if not rule.weekdays:
        raise ValueError("Choose at least one day of the week for the agenda.")
    # Plain ints from 0 to 6, the usual case, need no closer look (True and 1.0 are in
    # ALL_WEEKDAYS too, hence the type test).
    if rule.weekdays <= ALL_WEEKDAYS and {*map(type, rule.weekdays)} == {int}:
        invalid = []
    else:
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


# A slot as offsets from midnight, so that placing it on a day is one addition each, and the
# position of the rule it is credited to (see _day_template).
_TemplateSlot = tuple[timedelta, timedelta, int]
# A rule's daily window in microseconds after midnight, its slot length and its position.
_Window = tuple[int, int, int, int]
# Ends the list of bookings so the sweep needs no bounds checks: no slot starts as late as its
# end, so the sweep never passes it, and none ends after its start, so it blocks nothing.
_NEVER = datetime.max


@lru_cache(maxsize=128)
def _day_template(windows: tuple[_Window, ...]) -> tuple[_TemplateSlot, ...]:
    """The slots of the given rule windows on any one day, sorted by (start, end) and unique.

    Every day on which the same rules apply has the same slots at the same times of day, so this
    is worked out once per combination of windows (and remembered, since a clinic's agendas
    change rarely and are asked about constantly) rather than once per day.
    """
    ordered = sorted(windows)
    template: list[_TemplateSlot] = []
    if all(finish <= begin for (_, finish, _, _), (begin, _, _, _) in zip(ordered, ordered[1:])):
        # Disjoint windows, the only kind one doctor's agendas can have: taken in window order
        # their slots are already sorted and unique, and each window's slots are its own.
        for begin, finish, minutes, position in ordered:
            step = timedelta(minutes=minutes)
            start = begin * _ONE_MICROSECOND
            # Integer division drops the trailing partial slot.
            for _ in range((finish - begin) // (minutes * 60_000_000)):
                end = start + step
                template.append((start, end, position))
                start = end
        return tuple(template)
    offsets = set()
    for begin, finish, minutes, _ in windows:
        step = minutes * 60_000_000
        count = (finish - begin) // step
        offsets.update((begin + i * step, begin + (i + 1) * step) for i in range(count))
    for start, end in sorted(offsets):
        # Credited to the first rule, in the caller's order, whose window holds the start: what
        # the scheduling service has always reported for a slot offered by more than one rule.
        owner = min(position for begin, finish, _, position in windows if begin <= start < finish)
        template.append((start * _ONE_MICROSECOND, end * _ONE_MICROSECOND, owner))
    return tuple(template)


@lru_cache(maxsize=128)
def _week_templates(
    rules: tuple[tuple[frozenset[int], _Window], ...],
) -> tuple[tuple[_TemplateSlot, ...], ...]:
    """For each weekday, Monday first, the day template of the rules (given as weekdays and
    window) that run on it."""
    return tuple(
        _day_template(tuple(window for weekdays, window in rules if weekday in weekdays))
        for weekday in range(7)
    )


def _busy_intervals(booked: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """The bookings, sorted and merged where they overlap or touch, then the sentinel.

    Merged, both starts and ends are strictly increasing, which is what lets one forward sweep
    answer every slot. Bookings outside the range are kept: the sweep passes over them for less
    than filtering them out would cost.
    """
    bookings = iter(booked)
    for current_start, current_end in bookings:
        if current_start < current_end:  # an empty (or reversed) interval blocks nothing
            break
    else:
        return [(_NEVER, _NEVER)]
    merged = []
    for start, end in bookings:
        if start > current_end:
            if start < end:
                merged.append((current_start, current_end))
                current_start, current_end = start, end
        elif start >= current_start:
            if end > current_end:
                current_end = end
        else:
            # Merged on the fly while bookings come in start order, as an index hands them over;
            # otherwise sorted first (and, sorted, they never come back here).
            pending = [*merged, (current_start, current_end), (start, end)]
            pending += ((later_start, later_end) for later_start, later_end in bookings)
            return _busy_intervals(sorted(pending))
    merged.append((current_start, current_end))
    merged.append((_NEVER, _NEVER))
    return merged


def _check_day(value: object, label: str) -> None:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise TypeError(f"{label} must be a datetime.date, not {type(value).__name__}")


def _layout(
    rules: Iterable[AgendaRule],
    booked: Iterable[tuple[datetime, datetime]],
    first_day: date,
    last_day: date,
    not_before: datetime | None,
    now: datetime | None = None,
    only_days: Collection[date] | None = None,
) -> tuple[
    datetime, list[tuple[datetime, datetime]], list[tuple[_TemplateSlot, ...]], tuple[timedelta, ...] | None
]:
    """Everything the sweeps below need: the range's first midnight, the merged bookings, for
    every day of the range the slots it offers (none on days before ``not_before``'s, none
    outside a rule's notice and horizon from ``now``), and each rule's buffer, or None when no
    rule has one.

    Checks the arguments and the rules exactly as :func:`free_slots_range` documents.
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

    if now is not None and not any(rule.min_notice_minutes or rule.horizon_days for rule in rules):
        # Without notice or horizon, now only hides what has passed: the same as not_before.
        if not isinstance(now, datetime):
            raise TypeError(f"now must be a datetime.datetime, not {type(now).__name__}")
        not_before = now if not_before is None else max(not_before, now)
        now = None

    day_count = (last_day - first_day).days + 1
    since = datetime.combine(first_day, time.min)
    busy = _busy_intervals(booked)

    # Which rules apply changes only where some rule's dates begin or end, and in between it
    # depends on the weekday alone: so day templates are looked up per stretch and weekday.
    reach = []
    cuts = {0, day_count}
    for position, rule in enumerate(rules):
        begin = max((rule.start_date - first_day).days, 0)
        finish = min((rule.end_date - first_day).days + 1, day_count)
        if begin < finish:
            opens, closes = _microseconds(rule.start_time), _microseconds(rule.end_time)
            reach.append((begin, finish, rule.weekdays, (opens, closes, rule.slot_minutes, position)))
            cuts.update((begin, finish))
    edges = sorted(cuts)
    per_day: list[tuple[_TemplateSlot, ...]] = []
    for begin, finish in zip(edges, edges[1:]):
        week = _week_templates(
            tuple((weekdays, window) for low, high, weekdays, window in reach if low <= begin < high)
        )
        # The stretch's days in turn, from the weekday of its first day.
        shift = (first_day.weekday() + begin) % 7
        per_day += ((week[shift:] + week[:shift]) * ((finish - begin) // 7 + 1))[: finish - begin]

    if not_before is not None:
        # Days before not_before's have nothing left to offer, and only its own can be partly past.
        first_open = min(max((not_before.date() - first_day).days, 0), day_count)
        per_day[:first_open] = [()] * first_open
        midnight = since + first_open * _ONE_DAY
        if first_open < day_count and not_before > midnight:
            still_open = [slot for slot in per_day[first_open] if midnight + slot[0] >= not_before]
            per_day[first_open] = tuple(still_open)
    if only_days is not None:
        # The other days of the range offer nothing, so the sweep passes over them at no cost.
        wanted = {(day - first_day).days for day in only_days}
        per_day = [template if index in wanted else () for index, template in enumerate(per_day)]
    if now is not None:
        _keep_within_notice_and_horizon(per_day, since, rules, now)
    buffers = None
    if any(rule.buffer_minutes for rule in rules):
        buffers = tuple(timedelta(minutes=rule.buffer_minutes) for rule in rules)
    return since, busy, per_day, buffers


def _keep_within_notice_and_horizon(
    per_day: list[tuple[_TemplateSlot, ...]], since: datetime, rules: tuple[AgendaRule, ...], now: datetime
) -> None:
    """Leave out of ``per_day`` (in place) every slot that starts before ``now`` plus its rule's
    minimum notice, or at or after ``now`` plus its rule's horizon.

    Only the days that straddle one of those limits are looked at slot by slot: the others are
    kept or dropped whole, so a long range costs a comparison per day.
    """
    if not isinstance(now, datetime):
        raise TypeError(f"now must be a datetime.datetime, not {type(now).__name__}")
    if not rules:
        return
    earliest = [now + timedelta(minutes=rule.min_notice_minutes) for rule in rules]
    latest = [now + timedelta(days=rule.horizon_days) if rule.horizon_days else None for rule in rules]
    all_open_from = max(earliest)
    limits = [limit for limit in latest if limit is not None]
    all_open_until = min(limits) if limits else datetime.max
    none_open_from = max(limits) if len(limits) == len(rules) else datetime.max
    for index, template in enumerate(per_day):
        if not template:
            continue
        midnight = since + index * _ONE_DAY
        if midnight >= none_open_from:
            per_day[index] = ()
        elif midnight < all_open_from or midnight + _ONE_DAY > all_open_until:
            per_day[index] = tuple(
                slot
                for slot in template
                if midnight + slot[0] >= earliest[slot[2]]
                and (latest[slot[2]] is None or midnight + slot[0] < latest[slot[2]])  # type: ignore[operator]
            )


def _buffered_offers(
    since: datetime,
    busy: list[tuple[datetime, datetime]],
    per_day: list[tuple[_TemplateSlot, ...]],
    buffers: tuple[timedelta, ...],
) -> list[tuple[datetime, datetime, int]]:
    """The free slots when some rule keeps a buffer: a slot ``[s, e)`` is free only if no booking
    overlaps ``[s - buffer, e + buffer)``, with the buffer of the rule it is credited to.

    The sweep of :func:`free_slots_range`, but with each slot widened by its own rule's buffer;
    as rules may have different buffers, the widened starts need not rise from slot to slot, so
    the booking pointer may step back. Merged bookings have rising ends, so ``busy[at]`` is always
    the first booking ending after the widened start, and the slot is free if that booking starts
    at or after the widened end.
    """
    offers = []
    # Each day template widened once (days share templates), as offsets from midnight like the
    # bookings' below, so that only free slots need datetimes made for them.
    widened: dict[int, list[tuple[timedelta, timedelta, int, timedelta, timedelta]]] = {}
    varied = len(set(buffers)) > 1  # with one buffer for all, widened starts only ever rise
    at = 0
    busy_start, busy_end = busy[0]
    for index, template in enumerate(per_day):
        if not template:
            continue
        slots = widened.get(id(template))
        if slots is None:
            slots = widened[id(template)] = [
                (start, end, position, start - buffers[position], end + buffers[position])
                for start, end, position in template
            ]
        midnight = since + index * _ONE_DAY
        opens, closes = busy_start - midnight, busy_end - midnight
        for start_offset, end_offset, position, low, high in slots:
            while closes <= low:
                at += 1
                busy_start, busy_end = busy[at]
                opens, closes = busy_start - midnight, busy_end - midnight
            while varied and at and busy[at - 1][1] - midnight > low:
                at -= 1
                busy_start, busy_end = busy[at]
                opens, closes = busy_start - midnight, busy_end - midnight
            if opens < high:
                continue
            offers.append((midnight + start_offset, midnight + end_offset, position))
    return offers


def _free_slot_offers(
    rules: Iterable[AgendaRule],
    booked: Iterable[tuple[datetime, datetime]],
    first_day: date,
    last_day: date,
    not_before: datetime | None = None,
    now: datetime | None = None,
    only_days: Collection[date] | None = None,
) -> list[tuple[datetime, datetime, int]]:
    """The free slots of :func:`free_slots_range`, in the same order but in one list, each as
    ``(start, end, position)``: ``position`` is that in ``rules`` of the first rule that runs
    on the slot's day and whose daily window holds the slot's start.

    For the scheduling service, which reports the agenda behind each slot and would otherwise
    search for it slot by slot. The loop is :func:`free_slots_range`'s, repeated rather than
    shared because a per-slot branch or call would cost both of them; the tests check that the
    two agree. With ``only_days``, only those days of the range are looked at (a series checks a
    few dates spread over a year).
    """
    since, busy, per_day, buffers = _layout(rules, booked, first_day, last_day, not_before, now, only_days)
    if buffers is not None:
        return _buffered_offers(since, busy, per_day, buffers)
    offers = []
    at = 0
    busy_start, busy_end = busy[0]
    for index, template in enumerate(per_day):
        if not template:
            continue
        midnight = since + index * _ONE_DAY
        opens, closes = busy_start - midnight, busy_end - midnight
        for start_offset, end_offset, position in template:
            while closes <= start_offset:
                at += 1
                busy_start, busy_end = busy[at]
                opens, closes = busy_start - midnight, busy_end - midnight
            if opens < end_offset:
                continue
            offers.append((midnight + start_offset, midnight + end_offset, position))
    return offers


def free_slots_range(
    rules: Iterable[AgendaRule],
    booked: Iterable[tuple[datetime, datetime]],
    first_day: date,
    last_day: date,
    not_before: datetime | None = None,
    now: datetime | None = None,
) -> dict[date, list[Slot]]:
    """Return the free slots of every day from ``first_day`` to ``last_day`` inclusive.

    The result maps each day of the range, in order, to its sorted list of
    unique free slots (an empty list when nothing is free), which is what a
    week or month calendar needs.  ``booked`` is consumed exactly once; the
    cost grows with ``days + rules + bookings + slots``, plus sorting the
    bookings if they do not come in start order.

    See :func:`free_slots` for the meaning of the other arguments.  Raises
    :class:`ValueError` if a rule is invalid or ``last_day`` is before
    ``first_day``.
    """
    since, busy, per_day, buffers = _layout(rules, booked, first_day, last_day, not_before, now)
    result: dict[date, list[Slot]] = {}
    if buffers is not None:
        for day_index in range(len(per_day)):
            result[first_day + day_index * _ONE_DAY] = []
        for start, end, _ in _buffered_offers(since, busy, per_day, buffers):
            result[start.date()].append(Slot(start, end))
        return result
    make_slot = tuple.__new__  # skips Slot's Python-level __new__; the values are the same
    # The first merged booking that may still overlap a slot: slots come in start order, so this
    # only ever moves forward. Its start and end are also kept as offsets from the day's midnight,
    # like the slots', so that only free slots need datetimes made for them.
    at = 0
    busy_start, busy_end = busy[0]
    for index, template in enumerate(per_day):
        result[first_day + index * _ONE_DAY] = free = []
        if not template:
            continue
        midnight = since + index * _ONE_DAY
        opens, closes = busy_start - midnight, busy_end - midnight
        for start_offset, end_offset, _ in template:
            while closes <= start_offset:
                at += 1
                busy_start, busy_end = busy[at]
                opens, closes = busy_start - midnight, busy_end - midnight
            if opens < end_offset:
                continue
            free.append(make_slot(Slot, (midnight + start_offset, midnight + end_offset)))
    return result


def free_slots(
    rules: Iterable[AgendaRule],
    booked: Iterable[tuple[datetime, datetime]],
    day: date,
    not_before: datetime | None = None,
    now: datetime | None = None,
) -> list[Slot]:
    """Return the free slots of ``day``, sorted by start (then end), without duplicates.

    Each rule that applies on ``day`` offers slots from its ``start_time``,
    every ``slot_minutes``, as long as the slot ends by ``end_time``.  A slot
    ``[s, e)`` is free unless one of the ``(start, end)`` intervals in ``booked``
    overlaps ``[s - buffer, e + buffer)``, ``buffer`` being the
    ``buffer_minutes`` of the rule offering it (bookings far from ``day`` are
    ignored).  With ``not_before``, slots starting before that moment are left
    out, e.g. to hide slots already in the past.  With ``now`` (naive clinic
    local time, like everything here), only slots starting at or after ``now``
    plus the rule's ``min_notice_minutes`` and, when its ``horizon_days`` is
    not 0, before ``now`` plus that many days are offered.

    A slot offered by two overlapping rules follows the first of them, in the
    given order, whose window holds its start.

    Inputs are never modified.  Raises :class:`ValueError` if a rule is invalid.
    """
    return free_slots_range(rules, booked, day, day, not_before, now)[day]
