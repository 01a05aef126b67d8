"""What every scheduling service shares: who may act, how input from the browser is read and checked,
and the calendar version every change bumps.

The ``_`` helpers are package-private: the other modules of ``services`` use them, nothing else does."""


from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select, update

from miwell import push
from miwell.accounts.core import rules
from miwell.accounts.core.rules import Role
from miwell.accounts.services import CurrentUser, PermissionDenied, require_role
from miwell.ids import as_id, is_id
from miwell.scheduling.core.formatting import (
    span_text,
)
from miwell.scheduling.models import (
    Appointment,
    Clinic,
    Organisation,
)
from miwell.scheduling.services.errors import NOT_FOUND, NotFound, SchedulingError
from miwell.settings import get_settings
from miwell.text import clean_block, clean_line
from miwell.timeutil import is_timezone, utcnow

SLOT_TAKEN = "That slot was just booked by someone else; pick another."
SELF_CLIENT_LABEL = "The patient themself"
NO_ORGANISATION = "Your account is not attached to an organisation yet. Ask an admin to set it up."

# Statuses of an appointment that still lies ahead and holds its slot.
UPCOMING_STATUSES = ("scheduled", "confirmed", "checked_in")
# Statuses that only make sense once the appointment's day has come.
SAME_DAY_STATUSES = ("checked_in", "no_show", "completed")
SEARCH_MAX = 100
REASON_MAX = 500
# No clinic is more than 14 hours behind UTC, so this bound never drops a future appointment.
_WIDEST_UTC_OFFSET = timedelta(hours=14)
# An appointment is one slot of one day's agenda window, so it never lasts longer than a day.
_LONGEST_APPOINTMENT = timedelta(days=1)

_Row = TypeVar("_Row", bound=SQLModel)



# --- who may do what ---------------------------------------------------------------------


def _staff_organisation(actor: CurrentUser | None) -> int:
    require_role(actor, Role.STAFF.value)
    assert actor is not None
    if actor.organisation_id is None:
        raise PermissionDenied(NO_ORGANISATION)
    return actor.organisation_id


def _require_admin(actor: CurrentUser | None) -> None:
    require_role(actor, Role.ADMIN.value)


def _owned(session: Session, model: type[_Row], record_id: int, organisation_id: int) -> _Row:
    row = session.get(model, record_id) if is_id(record_id) else None
    if row is None or getattr(row, "organisation_id") != organisation_id:
        raise NotFound(NOT_FOUND)
    return row


def _organisation(session: Session, organisation_id: int) -> Organisation:
    organisation = session.get(Organisation, organisation_id) if is_id(organisation_id) else None
    if organisation is None:
        raise NotFound(NOT_FOUND)
    return organisation


def _touch_calendar(session: Session, organisation_id: int) -> None:
    """Tell every open calendar of the organisation to reload.

    The version counter goes up in the caller's transaction (an atomic increment, so two desks
    saving at once both count; callers run it as their last write, which keeps the row lock it
    takes on PostgreSQL to the moment before commit); the open calendars hear of it by push once
    the transaction has committed, so none reloads before the change is there to see.
    """
    session.exec(
        update(Organisation)
        .where(col(Organisation.id) == organisation_id)
        .values(calendar_version=Organisation.calendar_version + 1)
    )
    push.publish_after_commit(session, push.organisation_topic(organisation_id))


def calendar_version(session: Session, actor: CurrentUser) -> int:
    """The staff member's organisation's calendar version: one primary-key read."""
    organisation_id = _staff_organisation(actor)
    return session.exec(select(Organisation.calendar_version).where(Organisation.id == organisation_id)).one()


# --- input parsing and validation ---------------------------------------------------------


# Dates typed into MiWell lie within these years; beyond them date arithmetic overflows and no
# clinic has a use for them.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2999, 12, 31)
SLOT_MINUTES_MAX = 24 * 60


def parse_day(raw: str, what: str = "date") -> date:
    text = raw.strip() if isinstance(raw, str) else ""
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise SchedulingError(f"Please enter the {what} as a date, for example 2026-12-01.") from None
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise SchedulingError(f"Please enter the {what} as a date between the years {EARLIEST_DAY.year} and {LATEST_DAY.year}.")
    return value


def parse_clock(raw: str, what: str = "time") -> time:
    text = raw.strip() if isinstance(raw, str) else ""
    try:
        value = time.fromisoformat(text)
    except ValueError:
        raise SchedulingError(f"Please enter the {what} as a time of day, for example 09:30.") from None
    return value.replace(second=0, microsecond=0, tzinfo=None)


def parse_minutes(raw: str) -> int:
    text = raw.strip() if isinstance(raw, str) else str(raw) if isinstance(raw, int) and not isinstance(raw, bool) else ""
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= SLOT_MINUTES_MAX:
        raise SchedulingError(f"Please enter the slot length as a whole number of minutes, from 1 to {SLOT_MINUTES_MAX}.")
    return int(text)


def parse_count(raw: object, what: str, most: int) -> int:
    """A whole number from 0 to ``most`` typed in a form; blank means 0 (none)."""
    text = raw.strip() if isinstance(raw, str) else str(raw) if isinstance(raw, int) and not isinstance(raw, bool) else ""
    if text == "":
        return 0
    if not (text.isascii() and text.isdigit()) or int(text) > most:
        raise SchedulingError(f"Please enter the {what} as a whole number from 0 to {most}, or leave it empty for none.")
    return int(text)


def parse_id(raw: object) -> int:
    """Ids come back from the browser as strings; anything else is treated as a missing record."""
    value = as_id(raw)
    if value is None:
        raise NotFound(NOT_FOUND)
    return value


def _name(raw: str, what: str) -> str:
    try:
        return rules.validate_name(raw, what)
    except ValueError as exc:
        raise SchedulingError(str(exc).replace("your ", "the ")) from None


def _optional_phone(raw: str) -> str | None:
    if not (raw or "").strip():
        return None
    return rules.normalise_phone(raw, get_settings().default_region)


def _optional_email(raw: str) -> str | None:
    if not (raw or "").strip():
        return None
    return rules.validate_email(raw)


def _timezone(name: str) -> str:
    name = name.strip() if isinstance(name, str) else ""
    if not is_timezone(name):
        raise SchedulingError("Please choose a valid time zone, for example Europe/London.")
    return name


def _line(raw: object, what: str) -> str:
    """One line of free text: control characters refused, bidi controls removed, spaces collapsed."""
    try:
        return clean_line(raw, what)
    except ValueError as exc:
        raise SchedulingError(str(exc)) from None


def _block(raw: object, what: str) -> str:
    try:
        return clean_block(raw, what)
    except ValueError as exc:
        raise SchedulingError(str(exc)) from None


def _search_pattern(search: str) -> str:
    return f"%{(search or '').strip().lower()[:SEARCH_MAX]}%"


def _matches(search: str, name_column, email_column, phone_column):
    """Name or email containing the text, or phone containing its digits (a leading 0 dropped, as
    stored numbers are E.164: 07700 900123 finds +447700900123)."""
    pattern = _search_pattern(search)
    conditions = [func.lower(name_column).like(pattern), func.lower(func.coalesce(email_column, "")).like(pattern)]
    digits = "".join(ch for ch in (search or "")[:SEARCH_MAX] if ch.isdigit()).lstrip("0")
    if len(digits) >= 3:
        conditions.append(func.coalesce(phone_column, "").like(f"%{digits}%"))
    return or_(*conditions)


def local_now(now: datetime, timezone: str) -> datetime:
    """The clinic's wall-clock time at the aware instant ``now``, naive like appointment times."""
    return now.astimezone(ZoneInfo(timezone)).replace(tzinfo=None)


def _display_phone(value: str | None) -> str:
    return rules.display_phone(value) if value else ""



def _plural(count: int, what: str) -> str:
    if not count:
        return ""
    return f"1 {what}" if count == 1 else f"{count} {what}s"


def _join_and(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _flush_unique(session: Session, row: SQLModel, message: str) -> None:
    """Flush ``row``; a unique index refusing it (a race with another desk) becomes ``message``."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise SchedulingError(message) from None



# --- appointments: reading -----------------------------------------------------------------------


def _upcoming(session: Session, condition, now: datetime | None) -> list[tuple[Appointment, Clinic]]:
    """Appointments matching ``condition`` that are still ahead in their clinic's local time."""
    now = now or utcnow()
    rough = now.replace(tzinfo=None) - _WIDEST_UTC_OFFSET
    rows = session.exec(
        select(Appointment, Clinic)
        .join(Clinic, Clinic.id == Appointment.clinic_id)
        .where(condition, col(Appointment.status).in_(UPCOMING_STATUSES), Appointment.starts_at >= rough)
        .order_by(Appointment.starts_at, Appointment.id)
    ).all()
    return [(a, c) for a, c in rows if a.starts_at >= local_now(now, c.timezone)]


def _appointment_list(rows: list[tuple[Appointment, Clinic]], limit: int = 5) -> str:
    shown = [f"{span_text(a.starts_at, a.ends_at)} at {c.name}" for a, c in rows[:limit]]
    if len(rows) > limit:
        shown.append(f"and {len(rows) - limit} more")
    return "; ".join(shown)


def _refuse_if_upcoming(session: Session, condition, now: datetime | None, who: str) -> None:
    upcoming = _upcoming(session, condition, now)
    if upcoming:
        raise SchedulingError(
            f"{who} {_plural(len(upcoming), 'upcoming appointment')}: {_appointment_list(upcoming)}. "
            "Cancel or rebook them first."
        )
