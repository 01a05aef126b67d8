"""Reads behind the clinic calendar, the reports and a patient's own appointments.

Like :mod:`miwell.scheduling.services`, every function takes the acting user and checks role and
organisation itself; ids that come from a browser are only hints. Each read is one query (plus the
free-slot computation for the calendar's time grids), whatever the number of rows: the calendar
asks for one visible range at a time and the report for one period.

Writes (booking, status changes, moving an appointment) are in ``appointments``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from datetime import timezone as dt_timezone
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from miwell.accounts.core.rules import Role
from miwell.accounts.services import CurrentUser, require_role
from miwell.audit import services as audit
from miwell.scheduling.core.calendar_view import (
    MAX_APPOINTMENT_EVENTS,
    DayCount,
    VisibleRange,
    appointment_events,
    day_summary_events,
    free_slot_events,
    held_slot_events,
)
from miwell.scheduling.core.formatting import span_text
from miwell.scheduling.core.reports import AppointmentRecord
from miwell.scheduling.core.status import STATUSES, status_label
from miwell.scheduling.models import (
    Agenda,
    Appointment,
    AppointmentStatusChange,
    Client,
    Clinic,
    ClinicPatient,
    Doctor,
    WaitlistOffer,
)
from miwell.scheduling.services.appointments import (
    HistoryRow,
    actions_for,
    free_slots_between,
)
from miwell.scheduling.services.common import (
    SEARCH_MAX,
    SELF_CLIENT_LABEL,
    _staff_organisation,
    local_now,
)
from miwell.scheduling.services.errors import NOT_FOUND, NotFound, SchedulingError
from miwell.scheduling.services.organisations import ClinicRow, list_clinics
from miwell.scheduling.services.people import get_doctor
from miwell.timeutil import utcnow

# Free slots of more doctors than this at once would tile a week into slivers nobody can click.
MAX_FREE_SLOT_DOCTORS = 8
# A report period longer than a year is a data export, not a report.
MAX_REPORT_DAYS = 366
PATIENT_UPCOMING_LIMIT = 20
# No clinic is more than 14 hours behind UTC (see common._WIDEST_UTC_OFFSET).
_WIDEST_UTC_OFFSET = timedelta(hours=14)


@dataclass(frozen=True)
class Filters:
    """What the calendar and the report narrow appointments down to. Empty means "all"."""

    clinic_id: int | None = None
    doctor_ids: tuple[int, ...] = ()
    patient: str = ""  # part of the patient's name
    statuses: tuple[str, ...] = ()
    include_cancelled: bool = True


# --- one query for any set of appointments ---------------------------------------------------------


def _record_query():
    return (
        select(
            Appointment.id,
            Appointment.starts_at,
            Appointment.ends_at,
            Appointment.status,
            Appointment.note,
            Appointment.doctor_id,
            Doctor.full_name.label("doctor_name"),  # type: ignore[attr-defined]
            Doctor.colour,
            Appointment.patient_id,
            ClinicPatient.full_name.label("patient_name"),  # type: ignore[attr-defined]
            Client.full_name.label("client_name"),  # type: ignore[attr-defined]
            Appointment.clinic_id,
            Clinic.name.label("clinic_name"),  # type: ignore[attr-defined]
            Clinic.address,
            Clinic.timezone,
            Appointment.series_id,
        )
        .join(Doctor, Doctor.id == Appointment.doctor_id)
        .join(Clinic, Clinic.id == Appointment.clinic_id)
        .join(ClinicPatient, ClinicPatient.id == Appointment.patient_id)
        .outerjoin(Client, Client.id == Appointment.client_id)
    )


def _records(session: Session, statement) -> list[AppointmentRecord]:
    return [
        AppointmentRecord(
            id=row.id,
            start=row.starts_at,
            end=row.ends_at,
            status=row.status,
            note=row.note,
            doctor_id=row.doctor_id,
            doctor_name=row.doctor_name,
            doctor_colour=row.colour,
            patient_id=row.patient_id,
            patient_name=row.patient_name,
            client_name=row.client_name or "",
            clinic_id=row.clinic_id,
            clinic_name=row.clinic_name,
            clinic_address=row.address,
            clinic_tz=row.timezone,
            series_id=row.series_id,
        )
        for row in session.connection().execute(statement).all()
    ]


def _patient_pattern(text: str) -> str:
    return f"%{' '.join((text or '').split()).lower()[: SEARCH_MAX]}%"


def _narrowed(statement, organisation_id: int, first_day: date, end_day: date, filters: Filters):
    """``statement`` (joined to ``ClinicPatient`` when filtering by patient) limited to the
    organisation, the days and the filters. The index on (organisation_id, starts_at) serves it."""
    if end_day <= first_day:
        raise SchedulingError("The period must end after it starts.")
    statement = (
        statement.where(Appointment.organisation_id == organisation_id)
        .where(Appointment.starts_at >= datetime.combine(first_day, time.min))
        .where(Appointment.starts_at < datetime.combine(end_day, time.min))
    )
    if filters.clinic_id is not None:
        statement = statement.where(Appointment.clinic_id == filters.clinic_id)
    if filters.doctor_ids:
        statement = statement.where(col(Appointment.doctor_id).in_(filters.doctor_ids))
    if filters.patient.strip():
        statement = statement.where(func.lower(ClinicPatient.full_name).like(_patient_pattern(filters.patient)))
    if filters.statuses:
        statement = statement.where(col(Appointment.status).in_(filters.statuses))
    if not filters.include_cancelled:
        statement = statement.where(Appointment.status != "cancelled")
    return statement


_RECORD_ORDER = (Appointment.starts_at, Doctor.full_name, Appointment.id)


def appointment_records(
    session: Session, actor: CurrentUser, first_day: date, end_day: date, filters: Filters = Filters()
) -> list[AppointmentRecord]:
    """The organisation's appointments starting from ``first_day`` up to ``end_day`` (exclusive),
    narrowed by ``filters``, in start order: one indexed query with every name already joined."""
    organisation_id = _staff_organisation(actor)
    statement = _narrowed(_record_query(), organisation_id, first_day, end_day, filters)
    return _records(session, statement.order_by(*_RECORD_ORDER))


def _day_counts(session: Session, organisation_id: int, first_day: date, end_day: date, filters: Filters) -> list[DayCount]:
    """Active bookings per doctor and day, counted by the database."""
    day = func.date(Appointment.starts_at)
    statement = select(day, Appointment.doctor_id, Doctor.full_name, Doctor.colour, func.count()).join(
        Doctor, Doctor.id == Appointment.doctor_id
    )
    if filters.patient.strip():
        statement = statement.join(ClinicPatient, ClinicPatient.id == Appointment.patient_id)
    active = Filters(filters.clinic_id, filters.doctor_ids, filters.patient, (), include_cancelled=False)
    statement = _narrowed(statement, organisation_id, first_day, end_day, active)
    rows = session.connection().execute(statement.group_by(day, Appointment.doctor_id, Doctor.full_name, Doctor.colour))
    # SQLite's date() gives text, PostgreSQL's a date.
    return [DayCount(date.fromisoformat(str(d)[:10]), doctor, name, colour, n) for d, doctor, name, colour, n in rows]


# --- the calendar ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DoctorChoice:
    id: int
    name: str
    colour: str


@dataclass(frozen=True)
class CalendarSetup:
    """What the calendar page needs once: its filters' choices and the hours its grid spans."""

    clinics: list[ClinicRow]
    doctors: list[DoctorChoice]
    first_hour: int
    last_hour: int


def calendar_setup(session: Session, actor: CurrentUser) -> CalendarSetup:
    organisation_id = _staff_organisation(actor)
    clinics = list_clinics(session, actor)
    doctors = session.exec(
        select(Doctor.id, Doctor.full_name, Doctor.colour)
        .where(Doctor.organisation_id == organisation_id)
        .order_by(Doctor.full_name, Doctor.id)
    ).all()
    opens, closes = session.exec(
        select(func.min(Agenda.start_time), func.max(Agenda.end_time)).where(Agenda.organisation_id == organisation_id)
    ).one()
    # An hour of margin around the agendas, so the first and last slots never sit on the edge.
    first_hour = max(0, _as_time(opens, time(9)).hour - 1)
    last = _as_time(closes, time(17))
    last_hour = min(24, last.hour + (2 if last.minute else 1))
    return CalendarSetup(clinics, [DoctorChoice(*d) for d in doctors], first_hour, last_hour)


def _as_time(value: Any, default: time) -> time:
    """SQLite hands MIN/MAX of a TIME column back as text."""
    if value is None:
        return default
    return value if isinstance(value, time) else time.fromisoformat(str(value))


@dataclass(frozen=True)
class CalendarLoad:
    events: list[dict[str, Any]]
    appointments: int
    free_slots: int
    summarised: bool  # too many bookings to show one by one: a count per doctor and day instead
    free_note: str  # why no free slots are shown, when they are not


def calendar_events(
    session: Session,
    actor: CurrentUser,
    shown: VisibleRange,
    filters: Filters = Filters(include_cancelled=False),
    now: datetime | None = None,
    max_events: int = MAX_APPOINTMENT_EVENTS,
) -> CalendarLoad:
    """Everything one calendar view shows, as FullCalendar event dicts: the appointments of the
    visible range and, in the time grids, the free slots of the chosen doctors (computed, never
    stored). ``filters.statuses`` is ignored: the calendar hides only cancelled bookings."""
    organisation_id = _staff_organisation(actor)
    filters = Filters(filters.clinic_id, filters.doctor_ids, filters.patient, (), filters.include_cancelled)
    # Counting first is cheap on the index, and spares building thousands of records for nothing.
    counted = select(func.count()).select_from(Appointment)
    if filters.patient.strip():
        counted = counted.join(ClinicPatient, ClinicPatient.id == Appointment.patient_id)
    total = session.connection().execute(
        _narrowed(counted, organisation_id, shown.first_day, shown.end.date(), filters)
    ).scalar_one()
    summarised = total > max_events
    if summarised:
        counts = _day_counts(session, organisation_id, shown.first_day, shown.end.date(), filters)
        events, appointments = day_summary_events(counts), sum(c.count for c in counts)
    else:
        records = _records(
            session,
            _narrowed(_record_query(), organisation_id, shown.first_day, shown.end.date(), filters).order_by(*_RECORD_ORDER),
        )
        events = appointment_events(records, include_cancelled=filters.include_cancelled)
        appointments = len(records)
        audit.viewed(session, actor, "appointments", clinic_patient_ids={r.patient_id for r in records}, organisation_id=organisation_id)
    free, free_note = 0, ""
    if shown.shows_free_slots:
        rows = session.exec(
            select(Doctor.id, Doctor.colour, Doctor.full_name).where(Doctor.organisation_id == organisation_id)
        ).all()
        doctors = {doctor_id: colour for doctor_id, colour, _ in rows}
        names = {doctor_id: name for doctor_id, _, name in rows}
        wanted = [d for d in filters.doctor_ids if d in doctors] if filters.doctor_ids else list(doctors)
        if len(wanted) > MAX_FREE_SLOT_DOCTORS:
            free_note = f"Choose up to {MAX_FREE_SLOT_DOCTORS} doctors to see their free slots."
        elif wanted:
            offered = free_slots_between(
                session, actor, shown.first_day, shown.last_day, doctor_id=wanted[0] if len(wanted) == 1 else None, now=now
            )
            slots = {
                doctor: [(s.start, s.end) for s in offered.get(doctor, []) if filters.clinic_id in (None, s.clinic_id)]
                for doctor in wanted
            }
            free_events = free_slot_events(slots, doctors, names)
            free = len(free_events)
            events += free_events
            held = session.exec(
                select(WaitlistOffer.id, WaitlistOffer.doctor_id, WaitlistOffer.starts_at, WaitlistOffer.ends_at)
                .where(WaitlistOffer.organisation_id == organisation_id, WaitlistOffer.status == "offered")
                .where(WaitlistOffer.expires_at > (now or utcnow()), col(WaitlistOffer.doctor_id).in_(wanted))
                .where(WaitlistOffer.starts_at >= shown.start, WaitlistOffer.starts_at < shown.end)
            ).all()
            events += held_slot_events(held, names)
    return CalendarLoad(events, appointments, free, summarised, free_note)


# --- one appointment, for the details dialog ------------------------------------------------------


@dataclass(frozen=True)
class AppointmentDetails:
    id: int
    doctor_id: int
    doctor: str
    colour: str
    clinic: str
    timezone: str
    patient: str
    client: str
    starts_at: datetime
    ends_at: datetime
    when: str
    status: str
    status_label: str
    note: str
    actions: tuple[str, ...]  # statuses it may move to now
    can_move: bool
    history: list[HistoryRow]


def appointment_details(
    session: Session, actor: CurrentUser, appointment_id: int, now: datetime | None = None
) -> AppointmentDetails:
    organisation_id = _staff_organisation(actor)
    row = session.exec(
        select(
            Appointment, Doctor.full_name, Doctor.colour, Clinic.name, Clinic.timezone, ClinicPatient.full_name,
            Client.full_name, Client.patient_id,
        )  # fmt: skip
        .join(Doctor, Doctor.id == Appointment.doctor_id)
        .join(Clinic, Clinic.id == Appointment.clinic_id)
        .join(ClinicPatient, ClinicPatient.id == Appointment.patient_id)
        .outerjoin(Client, Client.id == Appointment.client_id)
        .where(Appointment.id == appointment_id, Appointment.organisation_id == organisation_id)
    ).first()
    if row is None:
        raise NotFound(NOT_FOUND)
    appointment, doctor, colour, clinic, timezone, patient, client, client_patient = row
    if client_patient is not None and client_patient == appointment.patient_id:
        client = SELF_CLIENT_LABEL
    changes = session.exec(
        select(AppointmentStatusChange)
        .where(AppointmentStatusChange.appointment_id == appointment_id)
        .order_by(AppointmentStatusChange.changed_at, AppointmentStatusChange.id)
    ).all()
    clinic_now = local_now(now or utcnow(), timezone)
    return AppointmentDetails(
        id=appointment.id,
        doctor_id=appointment.doctor_id,
        doctor=doctor,
        colour=colour,
        clinic=clinic,
        timezone=timezone,
        patient=patient,
        client=client or "",
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        when=span_text(appointment.starts_at, appointment.ends_at),
        status=appointment.status,
        status_label=status_label(appointment.status),
        note=appointment.note,
        actions=actions_for(appointment.status, appointment.starts_at, clinic_now),
        can_move=appointment.status in ("scheduled", "confirmed"),
        history=[
            HistoryRow(c.from_status or "", c.to_status, c.changed_by_name, c.changed_at, c.reason) for c in changes
        ],
    )


# --- reports and iCalendar ---------------------------------------------------------------------------


def _checked_period(first_day: date, end_day: date) -> None:
    if end_day <= first_day:
        raise SchedulingError("The last day is before the first day.")
    if (end_day - first_day).days > MAX_REPORT_DAYS:
        raise SchedulingError(f"A report covers at most {MAX_REPORT_DAYS} days; choose a shorter period.")


def report_records(
    session: Session, actor: CurrentUser, first_day: date, end_day: date, filters: Filters = Filters()
) -> list[AppointmentRecord]:
    """The report's rows for ``[first_day, end_day)``: every status unless ``filters`` name some."""
    _checked_period(first_day, end_day)
    unknown = [s for s in filters.statuses if s not in STATUSES]
    if unknown:
        raise SchedulingError("Please choose the statuses from the list.")
    return appointment_records(session, actor, first_day, end_day, filters)


def report_cancellations(
    session: Session, actor: CurrentUser, first_day: date, end_day: date, filters: Filters = Filters()
) -> dict[int, datetime]:
    """When each cancelled appointment of the report was cancelled, in its clinic's local time:
    one query over the same rows as :func:`report_records`, for the late-cancellation counts."""
    organisation_id = _staff_organisation(actor)
    _checked_period(first_day, end_day)
    statement = _narrowed(
        select(AppointmentStatusChange.appointment_id, func.max(AppointmentStatusChange.changed_at), Clinic.timezone)
        .join(Appointment, Appointment.id == AppointmentStatusChange.appointment_id)
        .join(Clinic, Clinic.id == Appointment.clinic_id)
        .join(ClinicPatient, ClinicPatient.id == Appointment.patient_id),
        organisation_id,
        first_day,
        end_day,
        filters,
    )
    statement = statement.where(Appointment.status == "cancelled", AppointmentStatusChange.to_status == "cancelled")
    rows = session.exec(statement.group_by(AppointmentStatusChange.appointment_id, Clinic.timezone)).all()
    return {appointment_id: _as_local(changed_at, timezone) for appointment_id, changed_at, timezone in rows}


def _as_local(moment: datetime, timezone: str) -> datetime:
    # An aggregate comes back without the column's type on SQLite: a naive UTC value, or text.
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt_timezone.utc)
    return local_now(moment, timezone)


def doctor_records(
    session: Session, actor: CurrentUser, doctor_id: int, first_day: date, end_day: date
) -> tuple[str, list[AppointmentRecord]]:
    """A doctor's name and appointments for an .ics download, cancelled ones included so that a
    calendar that imported them earlier marks them cancelled."""
    doctor = get_doctor(session, actor, doctor_id)
    _checked_period(first_day, end_day)
    return doctor.full_name, appointment_records(session, actor, first_day, end_day, Filters(doctor_ids=(doctor_id,)))


# --- the patient's own appointments ------------------------------------------------------------------


def _own(actor: CurrentUser | None):
    """Appointments whose clinic patient record is linked to the signed-in patient account."""
    require_role(actor, Role.PATIENT.value)
    assert actor is not None
    return (ClinicPatient.user_id == actor.id) & (ClinicPatient.user_role == Role.PATIENT.value)


def patient_upcoming(
    session: Session, actor: CurrentUser, now: datetime | None = None, limit: int = PATIENT_UPCOMING_LIMIT
) -> list[AppointmentRecord]:
    """The signed-in patient's appointments that have not ended yet, in every clinic that has
    linked their account, soonest first. Cancelled ones stay listed (as cancelled) until their day
    has passed, so the patient learns of the cancellation."""
    mine = _own(actor)
    now = now or utcnow()
    rough = now.replace(tzinfo=None) - _WIDEST_UTC_OFFSET
    records = _records(
        session,
        _record_query()
        .where(mine, Appointment.ends_at >= rough)
        .order_by(Appointment.starts_at, Appointment.id)
        .limit(limit + 8),  # a few may already have ended in their clinic's zone
    )
    return [r for r in records if r.end > local_now(now, r.clinic_tz)][:limit]


def patient_has_clinic(session: Session, actor: CurrentUser) -> bool:
    """Whether any clinic has linked its patient record to the signed-in patient's account."""
    return session.exec(select(func.count()).select_from(ClinicPatient).where(_own(actor))).one() > 0


def patient_appointment(session: Session, actor: CurrentUser, appointment_id: int) -> AppointmentRecord:
    """One of the signed-in patient's own appointments; anybody else's reads as missing."""
    found = _records(session, _record_query().where(_own(actor), Appointment.id == appointment_id))
    if not found:
        raise NotFound(NOT_FOUND)
    return found[0]


__all__ = [
    "AppointmentDetails",
    "CalendarLoad",
    "CalendarSetup",
    "DoctorChoice",
    "Filters",
    "MAX_FREE_SLOT_DOCTORS",
    "MAX_REPORT_DAYS",
    "appointment_details",
    "appointment_records",
    "calendar_events",
    "calendar_setup",
    "doctor_records",
    "patient_appointment",
    "patient_has_clinic",
    "patient_upcoming",
    "report_records",
]
