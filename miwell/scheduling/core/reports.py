"""Appointment reports: grouping by day with counts, CSV export and iCalendar (.ics) export.

Pure: no Reflex, no database. The services map their rows to :class:`AppointmentRecord` and
hand lists of them to these functions; the pages only show or download what comes back.

Times in a record are naive clinic wall-clock times, as everywhere in
:mod:`miwell.scheduling`; ``clinic_tz`` (an IANA name) says which clock that is, and only the
.ics export needs it, to tell other calendar programs.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event

from miwell.scheduling.core.status import STATUSES, status_label

__all__ = [
    "CSV_HEADER",
    "AppointmentRecord",
    "DayGroup",
    "DoctorCount",
    "appointments_csv",
    "appointments_ics",
    "count_by_doctor",
    "count_by_status",
    "group_by_day",
    "period_range",
]


@dataclass(frozen=True, kw_only=True)
class AppointmentRecord:
    """One appointment as reports and the calendar see it: plain values, already joined."""

    id: int
    start: datetime
    end: datetime
    status: str
    doctor_id: int
    doctor_name: str
    doctor_colour: str
    patient_id: int
    patient_name: str
    client_name: str = ""
    clinic_id: int
    clinic_name: str
    clinic_address: str
    clinic_tz: str
    note: str = ""
    series_id: int | None = None  # booked as part of a recurring series


@dataclass(frozen=True)
class DoctorCount:
    doctor_id: int
    doctor_name: str
    doctor_colour: str
    count: int


@dataclass(frozen=True)
class DayGroup:
    """The appointments of one day, in start order, with that day's counts."""

    day: date
    appointments: tuple[AppointmentRecord, ...]
    by_status: dict[str, int]
    by_doctor: tuple[DoctorCount, ...]

    @property
    def total(self) -> int:
        return len(self.appointments)


def _order(record: AppointmentRecord) -> tuple:
    return (record.start, record.doctor_name.casefold(), record.doctor_id, record.id)


def count_by_status(records: Iterable[AppointmentRecord]) -> dict[str, int]:
    """Every status, in lifecycle order, mapped to how many records have it (zeros included).

    Statuses outside :data:`STATUSES` are counted too, after the known ones, so a report never
    silently drops a row whose status it does not recognise.
    """
    counts = Counter(record.status for record in records)
    result = {status: counts.pop(status, 0) for status in STATUSES}
    result.update(sorted(counts.items()))
    return result


def count_by_doctor(records: Iterable[AppointmentRecord]) -> tuple[DoctorCount, ...]:
    """One entry per doctor that has records, by doctor name; name and colour from their records."""
    counts: Counter[int] = Counter()
    seen: dict[int, AppointmentRecord] = {}
    for record in records:
        counts[record.doctor_id] += 1
        seen.setdefault(record.doctor_id, record)
    return tuple(
        DoctorCount(doctor_id, seen[doctor_id].doctor_name, seen[doctor_id].doctor_colour, count)
        for doctor_id, count in sorted(counts.items(), key=lambda item: (seen[item[0]].doctor_name.casefold(), item[0]))
    )


def group_by_day(records: Iterable[AppointmentRecord]) -> list[DayGroup]:
    """Records grouped by the day they start on, days in order; days without records are left out."""
    days: dict[date, list[AppointmentRecord]] = {}
    for record in sorted(records, key=_order):
        days.setdefault(record.start.date(), []).append(record)
    return [
        DayGroup(day, tuple(items), count_by_status(items), count_by_doctor(items))
        for day, items in sorted(days.items())
    ]


def period_range(period: str, anchor: date, first_weekday: int = 0) -> tuple[date, date]:
    """The ``(first_day, day_after_last)`` of the day, week or month that holds ``anchor``.

    Weeks start on ``first_weekday`` (Monday = 0). The end is exclusive, like every interval in
    scheduling, so the result can go straight into a ``start >= first AND start < end`` query.
    """
    if not 0 <= first_weekday <= 6:
        raise ValueError(f"The first day of the week must be 0 (Monday) to 6 (Sunday), not {first_weekday!r}.")
    if period == "day":
        return anchor, anchor + timedelta(days=1)
    if period == "week":
        first = anchor - timedelta(days=(anchor.weekday() - first_weekday) % 7)
        return first, first + timedelta(days=7)
    if period == "month":
        first = anchor.replace(day=1)
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return first, following
    raise ValueError(f"Unknown period {period!r}; expected day, week or month.")


# --------------------------------------------------------------------------- #
# CSV
# --------------------------------------------------------------------------- #

CSV_HEADER: tuple[str, ...] = (
    "Appointment",
    "Date",
    "Start",
    "End",
    "Status",
    "Doctor",
    "Patient",
    "Client",
    "Clinic",
    "Note",
)

# A cell starting with one of these is run as a formula by Excel, LibreOffice and Google Sheets
# (tab and carriage return as well, per OWASP's CSV injection advice). A leading apostrophe makes
# the spreadsheet show the text as typed instead.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text_cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def appointments_csv(records: Iterable[AppointmentRecord]) -> str:
    """The records as CSV text (RFC 4180, CRLF line ends), header first, in start order.

    Free text (names, clinic, note) is neutralised against formula injection; dates are
    ``YYYY-MM-DD`` and times ``HH:MM`` so spreadsheets sort them correctly in any locale.
    Encode with ``utf-8-sig`` when offering it as a download, or Excel misreads accented names.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for record in sorted(records, key=_order):
        writer.writerow(
            (
                record.id,
                record.start.date().isoformat(),
                record.start.strftime("%H:%M"),
                record.end.strftime("%H:%M"),
                status_label(record.status) if record.status in STATUSES else _text_cell(record.status),
                _text_cell(record.doctor_name),
                _text_cell(record.patient_name),
                _text_cell(record.client_name),
                _text_cell(record.clinic_name),
                _text_cell(record.note),
            )
        )
    return out.getvalue()


# --------------------------------------------------------------------------- #
# iCalendar
# --------------------------------------------------------------------------- #

PRODID = "-//MiWell//Clinic appointments//EN"

# RFC 5545 STATUS for VEVENT: CANCELLED, CONFIRMED or TENTATIVE. A scheduled appointment is
# not confirmed yet; every later status means it did (or does) take place as booked.
_ICS_STATUS = {
    "scheduled": "TENTATIVE",
    "confirmed": "CONFIRMED",
    "checked_in": "CONFIRMED",
    "completed": "CONFIRMED",
    "no_show": "CONFIRMED",
    "cancelled": "CANCELLED",
}

AUDIENCES = ("staff", "patient")


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"Unknown time zone {name!r} for the clinic.") from exc


# RFC 5545 TEXT values may not hold control characters other than tab (line breaks are
# escaped by icalendar); pasted notes sometimes carry them, and strict importers reject the file.
_CONTROL = {code: None for code in (*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F)}


def _text(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n").translate(_CONTROL)


def _line(value: str) -> str:
    """One line of text: a summary or location that spills over lines reads badly in every client."""
    return " ".join(_text(value).split())


def _summary(record: AppointmentRecord, audience: str) -> str:
    if audience == "patient":
        return f"Appointment with {_line(record.doctor_name)}"
    return f"{_line(record.patient_name)} · {_line(record.doctor_name)}"


def _description(record: AppointmentRecord, audience: str) -> str:
    lines = [f"Status: {status_label(record.status)}", f"Doctor: {record.doctor_name}"]
    if audience == "staff":
        # The note is the desk's working note; a patient's own download leaves it out.
        lines.append(f"Patient: {record.patient_name}")
        if record.client_name and record.client_name != record.patient_name:
            lines.append(f"Booked by: {record.client_name}")
        if record.note:
            lines.append(f"Note: {record.note}")
    return _text("\n".join(lines))


def appointments_ics(
    records: Sequence[AppointmentRecord],
    *,
    calendar_name: str = "MiWell appointments",
    audience: str = "staff",
    uid_domain: str = "miwell.app",
    now: datetime | None = None,
) -> bytes:
    """An RFC 5545 calendar (``text/calendar``) with one VEVENT per record.

    Each event's UID is ``appointment-<id>@<uid_domain>``, so importing a newer download
    updates the same events instead of duplicating them. DTSTART/DTEND carry the clinic's
    TZID, with a VTIMEZONE for each zone used, so the times stay right in any time zone.
    ``audience="patient"`` names the doctor only and leaves desk notes out.
    ``now`` (aware) sets DTSTAMP; it defaults to the current time.
    """
    if audience not in AUDIENCES:
        raise ValueError(f"Unknown audience {audience!r}; expected one of {', '.join(AUDIENCES)}.")
    if now is None:
        now = datetime.now(timezone.utc)
    elif now.tzinfo is None:
        raise ValueError("DTSTAMP must be an aware datetime (UTC).")
    stamp = now.astimezone(timezone.utc).replace(microsecond=0)

    calendar = Calendar.new(prodid=PRODID, method="PUBLISH", name=calendar_name)
    for record in sorted(records, key=_order):
        if record.status not in _ICS_STATUS:
            raise ValueError(f"Unknown appointment status {record.status!r} (appointment {record.id}).")
        if record.start.tzinfo is not None or record.end.tzinfo is not None:
            raise ValueError(f"Appointment {record.id} must have naive clinic-local times.")
        zone = _zone(record.clinic_tz)
        location = ", ".join(_line(part) for part in (record.clinic_name, record.clinic_address) if _line(part))
        calendar.add_component(
            Event.new(
                uid=f"appointment-{record.id}@{uid_domain}",
                stamp=stamp,
                start=record.start.replace(tzinfo=zone),
                end=record.end.replace(tzinfo=zone),
                summary=_summary(record, audience),
                description=_description(record, audience),
                location=location or None,
                status=_ICS_STATUS[record.status],
            )
        )
    if records:
        # Only the years the events fall in: the default (1970-2038) would both bloat the file and
        # leave out the rules for appointments booked past 2037.
        first = min(record.start for record in records).date()
        last = max(record.end for record in records).date()
        calendar.add_missing_timezones(first_date=date(first.year, 1, 1), last_date=date(last.year + 1, 1, 1))
    return calendar.to_ical()
