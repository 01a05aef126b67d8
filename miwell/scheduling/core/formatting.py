"""How dates, times, weekdays and agendas read on screen and in messages (pure, locale-free)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time

from miwell.scheduling.core.availability import AgendaRule

WEEKDAY_SHORT = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_SHORT = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def weekday_mask(weekdays: Iterable[int]) -> int:
    """Bit 0 = Monday ... bit 6 = Sunday, as stored in ``agendas.weekdays``."""
    mask = 0
    for day in weekdays:
        mask |= 1 << day
    return mask


def weekdays_of(mask: int) -> frozenset[int]:
    return frozenset(day for day in range(7) if mask >> day & 1)


def day_text(value: date) -> str:
    return f"{WEEKDAY_SHORT[value.weekday()]} {value.day} {_MONTH_SHORT[value.month - 1]} {value.year}"


def short_date(value: date) -> str:
    return f"{value.day} {_MONTH_SHORT[value.month - 1]} {value.year}"


def clock(value: time | datetime) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def span_text(start: datetime, end: datetime) -> str:
    """``Mon 30 Nov 2026, 09:30–10:00``."""
    return f"{day_text(start.date())}, {clock(start)}–{clock(end)}"


def weekdays_text(weekdays: Iterable[int]) -> str:
    """``Mon–Fri``, ``Mon, Wed, Fri``, ``every day``: runs of three or more days are joined with a dash."""
    days = sorted(set(weekdays))
    if len(days) == 7:
        return "every day"
    parts: list[str] = []
    run: list[int] = []
    for day in days + [99]:
        if run and day == run[-1] + 1:
            run.append(day)
            continue
        if len(run) >= 3:
            parts.append(f"{WEEKDAY_SHORT[run[0]]}–{WEEKDAY_SHORT[run[-1]]}")
        else:
            parts.extend(WEEKDAY_SHORT[d] for d in run)
        run = [day]
    return ", ".join(parts)


def rule_text(rule: AgendaRule) -> str:
    """``1 Dec 2026 – 28 Feb 2027, Mon–Fri, 09:00–12:00, 30-minute slots``."""
    dates = (
        short_date(rule.start_date)
        if rule.start_date == rule.end_date
        else f"{short_date(rule.start_date)} – {short_date(rule.end_date)}"
    )
    return (
        f"{dates}, {weekdays_text(rule.weekdays)}, {clock(rule.start_time)}–{clock(rule.end_time)}, "
        f"{rule.slot_minutes}-minute slots"
    )


def duration_text(minutes: int) -> str:
    """``45 min``, ``2 h``, ``1 h 30 min``, ``3 days``: the shortest exact reading."""
    if minutes and minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        return f"{days} day" + ("" if days == 1 else "s")
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" + (f" {rest} min" if rest else "")


def limits_text(buffer_minutes: int, min_notice_minutes: int, horizon_days: int) -> str:
    """``10 min between sessions · booked 1 day ahead at least · up to 60 days ahead``; empty when
    the agenda keeps none of them."""
    parts = []
    if buffer_minutes:
        parts.append(f"{duration_text(buffer_minutes)} between sessions")
    if min_notice_minutes:
        parts.append(f"booked {duration_text(min_notice_minutes)} ahead at least")
    if horizon_days:
        parts.append(f"up to {horizon_days} day{'' if horizon_days == 1 else 's'} ahead")
    return " · ".join(parts)
