"""Recurring appointments: the dates of a series, and which of them fit the free slots.

Pure and stdlib-only. A series repeats the first appointment's weekday and time every 1, 2 or 4
weeks, a number of times or until a date. :func:`plan_series` checks every occurrence against the
free slots of the whole range at once (computed by one call to the availability core), so a
year of weekly dates costs one pass, not 52 round trips; for each one that does not fit it names
the nearest free slot as an alternative.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

__all__ = [
    "EVERY_WEEKS",
    "MAX_OCCURRENCES",
    "Occurrence",
    "SeriesRule",
    "occurrences",
    "plan_series",
    "series_label",
    "too_close",
    "validate_series",
]

EVERY_WEEKS = (1, 2, 4)
MAX_OCCURRENCES = 52
# How far from a date that does not fit an alternative is looked for: never as far as the next
# occurrence of a weekly series, so two dates' alternatives can never be the same slot.
ALTERNATIVE_WINDOW = timedelta(days=3)


@dataclass(frozen=True)
class SeriesRule:
    """Every ``every_weeks`` weeks, ``count`` times or until ``until`` (inclusive): one of the two."""

    every_weeks: int
    count: int | None = None
    until: date | None = None


@dataclass(frozen=True)
class Occurrence:
    """One date of a series: ``fits`` when a free slot starts exactly then; otherwise
    ``alternative`` is the nearest free slot's start (and ``alternative_end``), or None."""

    start: datetime
    end: datetime | None
    fits: bool
    alternative: datetime | None = None
    alternative_end: datetime | None = None


def validate_series(first: datetime, rule: SeriesRule) -> None:
    """Raise ``ValueError`` with a plain message when the rule cannot make a series from ``first``."""
    if rule.every_weeks not in EVERY_WEEKS:
        raise ValueError("Repeat every week, every 2 weeks or every 4 weeks.")
    if (rule.count is None) == (rule.until is None):
        raise ValueError("Say how the series ends: after a number of appointments, or on a date.")
    if rule.count is not None:
        if not isinstance(rule.count, int) or isinstance(rule.count, bool) or not 2 <= rule.count <= MAX_OCCURRENCES:
            raise ValueError(f"A series has from 2 to {MAX_OCCURRENCES} appointments.")
        return
    assert rule.until is not None
    if rule.until <= first.date():
        raise ValueError("The series must end after its first appointment.")
    if len(occurrences(first, rule)) > MAX_OCCURRENCES:
        raise ValueError(f"A series has at most {MAX_OCCURRENCES} appointments: choose an earlier end date.")
    if len(occurrences(first, rule)) < 2:
        raise ValueError("The end date leaves only the first appointment: choose a later one.")


def occurrences(first: datetime, rule: SeriesRule) -> list[datetime]:
    """The starts of the series, the first included, at most one past :data:`MAX_OCCURRENCES` (so
    that a too-long end date can be told apart)."""
    step = timedelta(weeks=rule.every_weeks)
    if rule.count is not None:
        return [first + i * step for i in range(min(rule.count, MAX_OCCURRENCES + 1))]
    result = []
    current = first
    while current.date() <= rule.until and len(result) <= MAX_OCCURRENCES:  # type: ignore[operator]
        result.append(current)
        current += step
    return result


def plan_series(
    starts: Sequence[datetime],
    free: Iterable[tuple[datetime, datetime]],
    window: timedelta = ALTERNATIVE_WINDOW,
) -> list[Occurrence]:
    """Each start checked against ``free`` (the free slots of the whole range, in any order): fits
    if a free slot starts exactly then, else the nearest free start within ``window`` (the earlier
    one on a tie) is offered instead."""
    slots = sorted(free)
    slot_starts = [start for start, _ in slots]
    plan = []
    for wanted in starts:
        at = bisect_left(slot_starts, wanted)
        if at < len(slots) and slot_starts[at] == wanted:
            plan.append(Occurrence(wanted, slots[at][1], True))
            continue
        candidates = [slots[i] for i in (at - 1, at) if 0 <= i < len(slots) and abs(slot_starts[i] - wanted) <= window]
        best = min(candidates, key=lambda slot: (abs(slot[0] - wanted), slot[0]), default=None)
        plan.append(Occurrence(wanted, None, False, *(best or (None, None))))
    return plan


def too_close(chosen: Iterable[tuple[datetime, datetime]], buffer: timedelta = timedelta(0)) -> tuple[datetime, datetime] | None:
    """The first two chosen slots that overlap (or come within ``buffer``), or None."""
    ordered = sorted(chosen)
    for (start, end), (next_start, next_end) in zip(ordered, ordered[1:]):
        if next_start < end + buffer:
            return (start, next_start)
    return None


def series_label(every_weeks: int) -> str:
    return "weekly" if every_weeks == 1 else f"every {every_weeks} weeks"
