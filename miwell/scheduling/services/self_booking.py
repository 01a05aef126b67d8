"""Patients booking and cancelling their own appointments online.

Only where the organisation has opened online booking, and only through a clinic patient record
the patient's account is linked to (the link the patient consented to). The patient never names a
patient record: it is always their own. They see free times and nothing else (no other patient's
appointment or name), book through the same race-safe path as the desk (agendas, buffers, notice
and horizon all kept, never overridden), and may cancel until the clinic's cut-off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import exists
from sqlmodel import Session, col, select

from miwell.accounts.models import PatientProfile
from miwell.accounts.services import CurrentUser, PermissionDenied
from miwell.scheduling.core.formatting import clock, day_text
from miwell.scheduling.core.status import transition
from miwell.scheduling.models import Agenda, Appointment, Clinic, ClinicPatient, Doctor, Organisation
from miwell.scheduling.services.appointments import _history, book_in_organisation
from miwell.scheduling.services.offers import offer_free_slots
from miwell.scheduling.services.slots import free_slots_in_organisation
from miwell.scheduling.services.calendar import _own
from miwell.scheduling.services.common import REASON_MAX, _line, _touch_calendar, local_now
from miwell.scheduling.services.errors import NOT_FOUND, NotFound, SchedulingError
from miwell.timeutil import utcnow

NOT_OPEN = "Online booking is not open at that clinic. Please call the clinic to book."
SELF_BOOKED_NOTE = "Booked online by the patient"
MAX_DAYS_SHOWN = 14


@dataclass(frozen=True)
class BookableDoctor:
    id: int
    name: str
    speciality: str
    organisation: str
    yours: bool  # the doctor record of the patient's own MiWell psychiatrist


@dataclass(frozen=True)
class PatientSlot:
    """A free time as a patient sees it: when and where, nothing about anybody else."""

    start: datetime
    end: datetime
    clinic: str


def _open_records(session: Session, actor: CurrentUser) -> list[ClinicPatient]:
    """The patient's linked clinic records in organisations that have opened online booking."""
    return list(
        session.exec(
            select(ClinicPatient)
            .join(Organisation, Organisation.id == ClinicPatient.organisation_id)
            .where(_own(actor), Organisation.online_booking == True)  # noqa: E712
        ).all()
    )


def bookable_doctors(session: Session, actor: CurrentUser, now: datetime | None = None) -> list[BookableDoctor]:
    """Doctors with an agenda still running in every organisation where the patient may book
    online, the patient's own psychiatrist's record first: three queries."""
    records = _open_records(session, actor)
    if not records:
        return []
    today = (now or utcnow()).date()
    psychiatrist = session.exec(select(PatientProfile.psychiatrist_id).where(PatientProfile.user_id == actor.id)).first()
    running = exists().where(Agenda.doctor_id == Doctor.id, Agenda.end_date >= today - timedelta(days=1))
    rows = session.exec(
        select(Doctor, Organisation.name)
        .join(Organisation, Organisation.id == Doctor.organisation_id)
        .where(col(Doctor.organisation_id).in_({r.organisation_id for r in records}), running)
        .order_by(Doctor.full_name, Doctor.id)
    ).all()
    doctors = [
        BookableDoctor(d.id, d.full_name, d.speciality, name, psychiatrist is not None and d.user_id == psychiatrist)  # type: ignore[arg-type]
        for d, name in rows
    ]
    return sorted(doctors, key=lambda d: not d.yours)


def _bookable(session: Session, actor: CurrentUser, doctor_id: object) -> tuple[Doctor, ClinicPatient]:
    """The doctor and the patient's own record in the doctor's organisation, if it is open online."""
    records = {r.organisation_id: r for r in _open_records(session, actor)}
    doctor = session.get(Doctor, doctor_id) if isinstance(doctor_id, int) and not isinstance(doctor_id, bool) else None
    if doctor is None or doctor.organisation_id not in records:
        raise PermissionDenied(NOT_OPEN)
    return doctor, records[doctor.organisation_id]


def patient_free_slots(
    session: Session, actor: CurrentUser, doctor_id: int, first_day: date, days: int = 7, now: datetime | None = None
) -> list[PatientSlot]:
    """The doctor's free times from ``first_day`` for ``days`` days, as any booking would see them:
    agendas, bookings, buffers, minimum notice and horizon all kept."""
    doctor, _ = _bookable(session, actor, doctor_id)
    days = max(1, min(days, MAX_DAYS_SHOWN))
    offered = free_slots_in_organisation(
        session, doctor.organisation_id, first_day, first_day + timedelta(days=days - 1), doctor.id, now or utcnow()
    ).get(doctor.id, [])  # type: ignore[arg-type]
    return [PatientSlot(slot.start, slot.end, slot.clinic) for slot in offered]


def patient_book(
    session: Session, actor: CurrentUser, doctor_id: int, starts_at: datetime, now: datetime | None = None
) -> Appointment:
    """Book a free time with the doctor for the patient themself: the desk's race-safe path, so the
    receptionists' calendars update live; never inside the notice or beyond the horizon."""
    doctor, record = _bookable(session, actor, doctor_id)
    return book_in_organisation(
        session, doctor.organisation_id, actor, doctor.id, starts_at, record.id, None, now, SELF_BOOKED_NOTE  # type: ignore[arg-type]
    )


def cancel_deadline(starts_at: datetime, cutoff_hours: int) -> datetime:
    """The last moment (clinic local time) a patient may cancel online."""
    return starts_at - timedelta(hours=cutoff_hours)


def cancellable_ids(session: Session, actor: CurrentUser, now: datetime | None = None) -> dict[int, str]:
    """The patient's upcoming appointments they may still cancel online, each with its deadline in
    words: one query."""
    now = now or utcnow()
    rows = session.exec(
        select(Appointment.id, Appointment.starts_at, Clinic.timezone, Clinic.cancel_cutoff_hours)
        .join(ClinicPatient, ClinicPatient.id == Appointment.patient_id)
        .join(Clinic, Clinic.id == Appointment.clinic_id)
        .join(Organisation, Organisation.id == Appointment.organisation_id)
        .where(_own(actor), Organisation.online_booking == True)  # noqa: E712
        .where(col(Appointment.status).in_(("scheduled", "confirmed")))
        .where(Appointment.starts_at > now.replace(tzinfo=None) - timedelta(days=1))
    ).all()
    result = {}
    for appointment_id, starts_at, timezone, cutoff in rows:
        deadline = cancel_deadline(starts_at, cutoff)
        if local_now(now, timezone) < deadline:
            result[appointment_id] = f"until {day_text(deadline.date())}, {clock(deadline)}"
    return result


def patient_cancel(
    session: Session, actor: CurrentUser, appointment_id: object, reason: str, now: datetime | None = None
) -> Appointment:
    """Cancel one of the patient's own appointments, with a reason, until the clinic's cut-off."""
    now = now or utcnow()
    found = (
        session.exec(
            select(Appointment, Clinic, Organisation)
            .join(ClinicPatient, ClinicPatient.id == Appointment.patient_id)
            .join(Clinic, Clinic.id == Appointment.clinic_id)
            .join(Organisation, Organisation.id == Appointment.organisation_id)
            .where(_own(actor), Appointment.id == appointment_id)
        ).first()
        if isinstance(appointment_id, int) and not isinstance(appointment_id, bool)
        else None
    )
    if found is None:
        raise NotFound(NOT_FOUND)
    appointment, clinic, organisation = found
    if not organisation.online_booking:
        raise PermissionDenied(f"{clinic.name} does not take cancellations online. Please call the clinic.")
    if appointment.status not in ("scheduled", "confirmed"):
        raise SchedulingError("This appointment can no longer be cancelled.")
    deadline = cancel_deadline(appointment.starts_at, clinic.cancel_cutoff_hours)
    if local_now(now, clinic.timezone) >= deadline:
        raise SchedulingError(
            f"{clinic.name} takes cancellations online until {clinic.cancel_cutoff_hours} hours before the appointment. "
            "Please call the clinic."
        )
    reason = _line(reason, "The reason")
    if not reason:
        raise SchedulingError("Please tell the clinic why you cancel, in a few words.")
    if len(reason) > REASON_MAX:
        raise SchedulingError(f"The reason must be at most {REASON_MAX} characters.")
    session.add(_history(appointment.id, appointment.status, "cancelled", actor, f"Cancelled online by the patient: {reason}"))  # type: ignore[arg-type]
    appointment.status = transition(appointment.status, "cancelled")
    session.add(appointment)
    session.flush()
    _touch_calendar(session, appointment.organisation_id)
    offer_free_slots(session, appointment.organisation_id, now)
    return appointment
