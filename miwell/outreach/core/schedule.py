"""When each message is due. Plain functions over plain values, so they are tested directly.

- Urgent alerts nobody acknowledged: the psychiatrist is emailed after ``email_after``, the
  organisation's safety contacts after ``escalate_after``; acknowledging stops both.
- Daily reminders: only to patients without an entry today (in their own time zone), from their
  chosen time, never in the quiet hours (21:30 to 08:00 local), at most one a day. A patient whose
  last entry was three days ago (two days missed) gets one gentle nudge that day instead.
- Missed days, counted from the last entry (or from joining, for someone who never logged).
- Appointment reminders: 48 hours and 2 hours before; never for past or final appointments.
- Retries back off: 1, 2, 4, 8 minutes..., at most ``MAX_ATTEMPTS`` tries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

QUIET_FROM = time(21, 30)
QUIET_UNTIL = time(8, 0)
DEFAULT_REMINDER_TIME = time(19, 0)
DIGEST_TIME = time(8, 0)
DIGEST_MISSED_DAYS = 3
NUDGE_AFTER_MISSED_DAYS = 2
APPOINTMENT_WINDOWS = (48, 2)  # hours before the start
FINAL_APPOINTMENT_STATUSES = frozenset({"cancelled", "completed", "no_show"})
MAX_ATTEMPTS = 6


def in_quiet_hours(moment: time) -> bool:
    return moment >= QUIET_FROM or moment < QUIET_UNTIL


def parse_reminder_time(text: object) -> time:
    """'19:00' -> time(19, 0). Refuses what is not HH:MM, and times inside the quiet hours."""
    if not isinstance(text, str) or len(text) != 5 or text[2] != ":" or not (text[:2] + text[3:]).isdigit():
        raise ValueError("Choose a time as HH:MM, for example 19:00.")
    hour, minute = int(text[:2]), int(text[3:])
    if hour > 23 or minute > 59:
        raise ValueError("Choose a time as HH:MM, for example 19:00.")
    chosen = time(hour, minute)
    if in_quiet_hours(chosen):
        raise ValueError("Reminders are never sent between 21:30 and 08:00: choose a time from 08:00 to 21:29.")
    return chosen


def local(now: datetime, zone: str) -> datetime:
    return now.astimezone(ZoneInfo(zone))


@dataclass(frozen=True)
class ReminderCandidate:
    user_id: int
    timezone: str
    reminder_time: time
    last_entry_day: date | None
    joined_day: date


@dataclass(frozen=True)
class DueReminder:
    user_id: int
    kind: str  # "reminder" or "nudge"
    day: date  # the patient's local day it is for

    @property
    def key(self) -> str:
        # One key a day whatever the kind: at most one message a day.
        return f"reminder:{self.user_id}:{self.day.isoformat()}"


def missed_days(last_entry_day: date | None, joined_day: date, today: date) -> int:
    """Whole days without an entry before today (today itself still has time)."""
    since = last_entry_day if last_entry_day is not None else joined_day - timedelta(days=1)
    return max(0, (today - since).days - 1)


def reminder_due(candidate: ReminderCandidate, now: datetime) -> DueReminder | None:
    here = local(now, candidate.timezone)
    today = here.date()
    if candidate.last_entry_day is not None and candidate.last_entry_day >= today:
        return None
    if in_quiet_hours(here.time()) or here.time() < candidate.reminder_time:
        return None
    missed = missed_days(candidate.last_entry_day, candidate.joined_day, today)
    kind = "nudge" if candidate.last_entry_day is not None and missed == NUDGE_AFTER_MISSED_DAYS else "reminder"
    return DueReminder(candidate.user_id, kind, today)


def still_due_reminder(last_entry_day: date | None, day: date, now: datetime, zone: str) -> bool:
    """At send time: no entry for that day yet, still that day, and not in the quiet hours."""
    here = local(now, zone)
    return here.date() == day and not in_quiet_hours(here.time()) and (last_entry_day is None or last_entry_day < day)


def digest_due(now: datetime, zone: str) -> date | None:
    """The local day a psychiatrist's morning digest is for, once it is 08:00 there (until noon)."""
    here = local(now, zone)
    return here.date() if DIGEST_TIME <= here.time() < time(12, 0) else None


def alert_steps_due(
    created_at: datetime,
    emailed_at: datetime | None,
    escalated_at: datetime | None,
    now: datetime,
    email_after: timedelta,
    escalate_after: timedelta,
) -> tuple[bool, bool]:
    """(email the psychiatrist now, escalate now) for an open urgent alert."""
    email = emailed_at is None and now - created_at >= email_after
    escalate = escalated_at is None and now - created_at >= escalate_after
    return email, escalate


def appointment_reminders_due(starts_at: datetime, status: str, now: datetime) -> tuple[int, ...]:
    """Which reminders (hours before) are due now: the latest window that has opened, one at most."""
    if status in FINAL_APPOINTMENT_STATUSES or starts_at <= now:
        return ()
    for hours in sorted(APPOINTMENT_WINDOWS):
        if now >= starts_at - timedelta(hours=hours):
            return (hours,)
    return ()


def appointment_key(appointment_id: int, starts_at: datetime, hours: int) -> str:
    # The start is in the key: a moved appointment gets reminders for its new time.
    return f"appointment:{appointment_id}:{starts_at.strftime('%Y%m%dT%H%M')}:{hours}h"


def retry_delay(attempts: int) -> timedelta:
    return timedelta(minutes=2 ** max(0, attempts - 1))
