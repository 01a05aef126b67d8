"""Calendar rules: the patient's local day, streaks, averages, trends and pixels.

A patient's "day" is always their own local calendar day, never the server's
or UTC's: an entry made at 9 am in Auckland belongs to that Auckland date even
though it is still the previous day in UTC. Everything else here works on
plain ``date`` objects, so it does not care about time zones at all.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from fractions import Fraction
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo, available_timezones

Trend = Literal["drop", "up", "down", "steady", "unknown"]

TREND_WINDOW_DAYS = 7
TREND_THRESHOLD = Fraction(1, 2)
# With fewer entries than this in either week, one unusual day would decide
# the trend on its own, so we say "unknown" rather than guess.
TREND_MIN_DAYS = 3
# A fall of this many points from the week's average to the latest entry is called out on its own.
DROP_POINTS = 2

# Names the tz database accepts that are not places: "localtime" would silently
# use the server's zone, the others are build artefacts.
_NOT_PATIENT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones()) - _NOT_PATIENT_ZONES


def is_valid_timezone(tz_name: object) -> bool:
    """Whether ``tz_name`` is an IANA time zone name a patient can have."""
    return isinstance(tz_name, str) and tz_name in _known_zones()


def entry_day(now_utc: datetime, tz_name: str) -> date:
    """The patient's local calendar date at the instant ``now_utc``.

    ``now_utc`` must be timezone-aware (any offset works; UTC is expected).
    Raises ValueError for a naive datetime or an unknown time zone name.
    """
    if now_utc.tzinfo is None or now_utc.utcoffset() is None:
        raise ValueError("now_utc must be a timezone-aware datetime")
    if not is_valid_timezone(tz_name):
        raise ValueError(f"Unknown time zone: {tz_name!r}")
    return now_utc.astimezone(ZoneInfo(tz_name)).date()


def streak(days: Iterable[date], today: date) -> int:
    """Consecutive days with an entry, ending today.

    If there is no entry today yet, the streak ending yesterday is returned,
    so a patient doesn't see their streak as broken before they've had a
    chance to check in. Days after ``today`` are ignored.
    """
    have = set(days)
    one_day = timedelta(days=1)
    current = today if today in have else today - one_day
    count = 0
    while current in have:
        count += 1
        current -= one_day
    return count


def rolling_average(
    points: Sequence[tuple[date, int]], window: int = 7
) -> list[tuple[date, float]]:
    """Trailing average over ``window`` calendar days, one value per date with data.

    For each date ``d`` present in ``points``, the result holds the mean of all
    scores dated ``d - window + 1`` .. ``d``. The window is measured in days,
    not in entries, so gaps in the record don't stretch it back in time.
    Points may come in any order; the result is sorted by date.
    """
    if window < 1:
        raise ValueError("window must be at least 1 day")
    ordered = sorted(points, key=lambda point: point[0])
    span = timedelta(days=window - 1)

    result: list[tuple[date, float]] = []
    in_window: deque[tuple[date, int]] = deque()
    total = 0
    for index, (day, score) in enumerate(ordered):
        in_window.append((day, score))
        total += score
        while in_window[0][0] < day - span:
            total -= in_window.popleft()[1]
        # Emit once per date, after all of that date's points are in.
        if index + 1 == len(ordered) or ordered[index + 1][0] != day:
            result.append((day, total / len(in_window)))
    return result


def _window_mean(scores_by_day: Mapping[date, int], first: date, last: date) -> Fraction | None:
    scores = [score for day, score in scores_by_day.items() if first <= day <= last]
    if len(scores) < TREND_MIN_DAYS:
        return None
    return Fraction(sum(scores), len(scores))


def latest_drop(scores_by_day: Mapping[date, int], today: date) -> int:
    """How far the latest entry of the last 7 days fell below the average of the 7 days before it.

    0 when it did not fall (or there is nothing to compare with). A week of "Good" followed by
    one "Awful" is a drop of about 5: the clinician must see that at once, whatever the weekly
    averages say.
    """
    week = timedelta(days=TREND_WINDOW_DAYS)
    recent = [day for day in scores_by_day if today - week < day <= today]
    if not recent:
        return 0
    last = max(recent)
    before = [score for day, score in scores_by_day.items() if last - week <= day < last]
    if not before:
        return 0
    fall = Fraction(sum(before), len(before)) - scores_by_day[last]
    return int(fall) if fall > 0 else 0  # whole points, rounded down: 1.9 is not yet a 2-point drop


def trend(scores_by_day: Mapping[date, int], today: date) -> Trend:
    """"drop" when the latest entry is ``DROP_POINTS`` or more below the week before it;
    otherwise compare the mean of the last 7 days (ending today) with the 7 before.

    "up" or "down" when the means differ by at least 0.5, "steady" when they
    are closer, "unknown" when either week has fewer than ``TREND_MIN_DAYS``
    entries. Exact fractions avoid a difference of exactly 0.5 landing on
    either side of the threshold through rounding.
    """
    if latest_drop(scores_by_day, today) >= DROP_POINTS:
        return "drop"
    week = timedelta(days=TREND_WINDOW_DAYS)
    recent_start = today - week + timedelta(days=1)
    recent = _window_mean(scores_by_day, recent_start, today)
    previous = _window_mean(scores_by_day, recent_start - week, recent_start - timedelta(days=1))
    if recent is None or previous is None:
        return "unknown"
    change = recent - previous
    if change >= TREND_THRESHOLD:
        return "up"
    if change <= -TREND_THRESHOLD:
        return "down"
    return "steady"


def year_in_pixels(
    points: Iterable[tuple[date, int]], end: date, days: int = 365
) -> list[tuple[date, int | None]]:
    """One cell per day for the ``days`` days ending on ``end``, oldest first.

    Each cell holds that day's score, or None for a day with no entry. If a
    day appears more than once, the last point given wins (callers pass the
    latest edit last). Points outside the range are ignored.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    start = end - timedelta(days=days - 1)
    by_day: dict[date, int] = {}
    for day, score in points:
        if start <= day <= end:
            by_day[day] = score
    return [
        (start + timedelta(days=offset), by_day.get(start + timedelta(days=offset)))
        for offset in range(days)
    ]
