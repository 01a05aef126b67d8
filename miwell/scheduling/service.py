"""Clinic services: every database read and write of organisations, clinics, doctors, patients,
clients, agendas and appointments happens here, in the caller's transaction.

Each function takes the acting user and checks both the role and the organisation itself, so a
state that forgets a check, or a crafted websocket message naming another organisation's id, still
gets nothing: records of other organisations read exactly like records that do not exist.

Free slots are computed from agendas and appointments on demand (see ``availability``); nothing
stores them. Times of agendas and appointments are naive clinic local time; ``now`` arguments are
aware UTC and are turned into each clinic's local time where "past" and "future" matter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, delete, select, update

from miwell.accounts import rules
from miwell.accounts import service as accounts
from miwell.accounts.models import User
from miwell.accounts.rules import Role
from miwell.accounts.service import CurrentUser, PermissionDenied, require_role
from miwell.scheduling.availability import (
    AgendaRule,
    _free_slot_offers,
    conflicts,
    free_slots,
    rule_applies_on,
    validate_rule,
)
from miwell.scheduling.colours import PALETTE, default_colour
from miwell.scheduling.errors import NOT_FOUND, NotFound, SchedulingError
from miwell.scheduling import links
from miwell.scheduling.formatting import (
    clock,
    day_text,
    rule_text,
    short_date,
    span_text,
    weekday_mask,
    weekdays_of,
)
from miwell.scheduling.models import (
    AccountLinkRequest,
    Agenda,
    Appointment,
    AppointmentStatusChange,
    Client,
    Clinic,
    ClinicPatient,
    Doctor,
    Organisation,
)
from miwell.scheduling.status import InvalidTransition, allowed_targets, status_label, transition
from miwell.ids import as_id, is_id
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
    """Tell every open calendar of the organisation to reload: they poll this counter.

    Part of the caller's transaction, so a calendar never sees the new version before the change
    itself; an atomic increment, so two desks saving at once both count. Callers run it as their
    last write, which keeps the row lock it takes on PostgreSQL to the moment before commit.
    """
    session.exec(
        update(Organisation)
        .where(col(Organisation.id) == organisation_id)
        .values(calendar_version=Organisation.calendar_version + 1)
    )


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


# --- organisations (admin) -------------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationRow:
    id: int
    name: str
    clinics: int
    staff: int
    doctors: int


def _count_of(model: type[SQLModel], column: object):
    return select(func.count()).select_from(model).where(column == Organisation.id).scalar_subquery()


def list_organisations(session: Session, actor: CurrentUser) -> list[OrganisationRow]:
    _require_admin(actor)
    rows = session.exec(
        select(
            Organisation.id,
            Organisation.name,
            _count_of(Clinic, Clinic.organisation_id),
            _count_of(User, User.organisation_id),
            _count_of(Doctor, Doctor.organisation_id),
        ).order_by(Organisation.name)
    ).all()
    return [OrganisationRow(*row) for row in rows]


def get_organisation(session: Session, actor: CurrentUser, organisation_id: int) -> OrganisationRow:
    _require_admin(actor)
    for row in list_organisations(session, actor):
        if row.id == organisation_id:
            return row
    raise NotFound(NOT_FOUND)


def _organisation_name(session: Session, raw: str, keep_id: int | None = None) -> str:
    name = _name(raw, "organisation's name")
    clash = session.exec(select(Organisation.id).where(func.lower(Organisation.name) == name.lower())).first()
    if clash is not None and clash != keep_id:
        raise SchedulingError(f"An organisation called {name} already exists.")
    return name


def create_organisation(session: Session, actor: CurrentUser, name: str) -> Organisation:
    _require_admin(actor)
    organisation = Organisation(name=_organisation_name(session, name))
    _flush_unique(session, organisation, f"An organisation called {organisation.name} already exists.")
    return organisation


def rename_organisation(session: Session, actor: CurrentUser, organisation_id: int, name: str) -> Organisation:
    _require_admin(actor)
    organisation = _organisation(session, organisation_id)
    organisation.name = _organisation_name(session, name, keep_id=organisation_id)
    _flush_unique(session, organisation, f"An organisation called {organisation.name} already exists.")
    return organisation


def delete_organisation(session: Session, actor: CurrentUser, organisation_id: int) -> str:
    """Delete an empty organisation; refuse, saying what is left, otherwise. Returns its name."""
    _require_admin(actor)
    organisation = _organisation(session, organisation_id)
    left = [
        _plural(session.exec(select(func.count()).select_from(model).where(column == organisation_id)).one(), what)
        for model, column, what in (
            (Clinic, Clinic.organisation_id, "clinic"),
            (User, User.organisation_id, "staff account"),
            (Doctor, Doctor.organisation_id, "doctor"),
            (ClinicPatient, ClinicPatient.organisation_id, "patient"),
            (Client, Client.organisation_id, "client"),
        )
    ]
    left = [text for text in left if text]
    if left:
        raise SchedulingError(
            f"{organisation.name} still has {_join_and(left)}. Delete those first; nothing is deleted with the organisation."
        )
    session.delete(organisation)
    session.flush()
    return organisation.name


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


# --- clinics (admin writes, staff read their own) --------------------------------------------


@dataclass(frozen=True)
class ClinicRow:
    id: int
    name: str
    address: str
    timezone: str


def _clinic_row(clinic: Clinic) -> ClinicRow:
    assert clinic.id is not None
    return ClinicRow(clinic.id, clinic.name, clinic.address, clinic.timezone)


def list_clinics(session: Session, actor: CurrentUser, organisation_id: int | None = None) -> list[ClinicRow]:
    """An admin names the organisation; staff always get their own organisation's clinics."""
    if actor is not None and actor.role == Role.ADMIN.value and organisation_id is not None:
        _organisation(session, organisation_id)
    else:
        organisation_id = _staff_organisation(actor)
    clinics = session.exec(select(Clinic).where(Clinic.organisation_id == organisation_id).order_by(Clinic.name)).all()
    return [_clinic_row(c) for c in clinics]


def _clinic_fields(session: Session, organisation_id: int, name: str, address: str, timezone: str, keep_id: int | None) -> tuple[str, str, str]:
    clean_name = _name(name, "clinic's name")
    clean_address = _line(address, "The clinic's address")
    if not clean_address:
        raise SchedulingError("Please enter the clinic's address.")
    if len(clean_address) > 300:
        raise SchedulingError("The address must be at most 300 characters.")
    clash = session.exec(
        select(Clinic.id).where(Clinic.organisation_id == organisation_id, func.lower(Clinic.name) == clean_name.lower())
    ).first()
    if clash is not None and clash != keep_id:
        raise SchedulingError(f"This organisation already has a clinic called {clean_name}.")
    return clean_name, clean_address, _timezone(timezone)


def create_clinic(session: Session, actor: CurrentUser, organisation_id: int, name: str, address: str, timezone: str) -> Clinic:
    _require_admin(actor)
    _organisation(session, organisation_id)
    clean_name, clean_address, tz = _clinic_fields(session, organisation_id, name, address, timezone, None)
    clinic = Clinic(organisation_id=organisation_id, name=clean_name, address=clean_address, timezone=tz)
    _flush_unique(session, clinic, f"This organisation already has a clinic called {clean_name}.")
    return clinic


def update_clinic(session: Session, actor: CurrentUser, clinic_id: int, name: str, address: str, timezone: str) -> Clinic:
    _require_admin(actor)
    clinic = session.get(Clinic, clinic_id) if is_id(clinic_id) else None
    if clinic is None:
        raise NotFound(NOT_FOUND)
    clinic.name, clinic.address, clinic.timezone = _clinic_fields(
        session, clinic.organisation_id, name, address, timezone, clinic_id
    )
    _flush_unique(session, clinic, f"This organisation already has a clinic called {clinic.name}.")
    return clinic


def delete_clinic(session: Session, actor: CurrentUser, clinic_id: int) -> str:
    """Only a clinic without agendas or appointments goes: its appointments are the clinic's records."""
    _require_admin(actor)
    clinic = session.get(Clinic, clinic_id) if is_id(clinic_id) else None
    if clinic is None:
        raise NotFound(NOT_FOUND)
    agendas = session.exec(select(func.count()).select_from(Agenda).where(Agenda.clinic_id == clinic_id)).one()
    appointments = session.exec(
        select(func.count()).select_from(Appointment).where(Appointment.clinic_id == clinic_id)
    ).one()
    left = [text for text in (_plural(agendas, "agenda"), _plural(appointments, "appointment")) if text]
    if left:
        raise SchedulingError(
            f"{clinic.name} still has {_join_and(left)} on record, so it cannot be deleted. "
            "Its agendas can be deleted from each doctor's page; appointments stay as the clinic's records."
        )
    session.delete(clinic)
    session.flush()
    return clinic.name


# --- staff accounts of an organisation (admin) ----------------------------------------------


@dataclass(frozen=True)
class StaffRow:
    id: int
    full_name: str
    email: str
    phone: str
    since: str


def list_staff(session: Session, actor: CurrentUser, organisation_id: int) -> list[StaffRow]:
    _require_admin(actor)
    _organisation(session, organisation_id)
    users = session.exec(
        select(User).where(User.role == Role.STAFF.value, User.organisation_id == organisation_id).order_by(User.full_name)
    ).all()
    return [
        StaffRow(u.id, u.full_name, u.email, rules.display_phone(u.phone), short_date(u.created_at.date()))  # type: ignore[arg-type]
        for u in users
    ]


def create_staff(
    session: Session, actor: CurrentUser, organisation_id: int, *, full_name: str, email: str, phone: str, password: str
) -> User:
    _require_admin(actor)
    _organisation(session, organisation_id)
    return accounts.register(
        session,
        role=Role.STAFF.value,
        full_name=full_name,
        email=email,
        phone=phone,
        password=password,
        organisation_id=organisation_id,
        actor=actor,
    )


# --- doctors -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DoctorRow:
    id: int
    full_name: str
    speciality: str
    colour: str
    account_email: str
    account_name: str
    link_email: str = ""  # an address asked to confirm a link, while it waits or was declined
    link_status: str = ""  # "pending" or "declined"


def _doctor_query():
    return (
        select(Doctor, User.email, User.full_name, AccountLinkRequest.email, AccountLinkRequest.status)
        .outerjoin(User, User.id == Doctor.user_id)
        .outerjoin(AccountLinkRequest, links.open_request_of(AccountLinkRequest.doctor_id, Doctor.id))
    )


def _doctor_row(
    doctor: Doctor, email: str | None, name: str | None, link_email: str | None = None, link_status: str | None = None
) -> DoctorRow:
    assert doctor.id is not None
    return DoctorRow(
        doctor.id, doctor.full_name, doctor.speciality, doctor.colour, email or "", name or "", link_email or "", link_status or ""
    )


def list_doctors(session: Session, actor: CurrentUser, search: str = "") -> list[DoctorRow]:
    organisation_id = _staff_organisation(actor)
    pattern = _search_pattern(search)
    rows = session.exec(
        _doctor_query()
        .where(Doctor.organisation_id == organisation_id)
        .where(or_(func.lower(Doctor.full_name).like(pattern), func.lower(Doctor.speciality).like(pattern)))
        .order_by(Doctor.full_name, Doctor.id)
    ).all()
    return [_doctor_row(*row) for row in rows]


def get_doctor(session: Session, actor: CurrentUser, doctor_id: int) -> DoctorRow:
    organisation_id = _staff_organisation(actor)
    row = session.exec(
        _doctor_query().where(Doctor.id == doctor_id, Doctor.organisation_id == organisation_id)
    ).first()
    if row is None:
        raise NotFound(NOT_FOUND)
    return _doctor_row(*row)


def suggested_colour(session: Session, actor: CurrentUser) -> str:
    """The first palette colour no other doctor of the organisation uses."""
    organisation_id = _staff_organisation(actor)
    return default_colour(session.exec(select(Doctor.colour).where(Doctor.organisation_id == organisation_id)).all())


def _palette_colour(raw: str) -> str:
    wanted = (raw or "").strip().lower()
    for colour in PALETTE:
        if colour.lower() == wanted:
            return colour
    raise SchedulingError("Please choose one of the palette colours.")


def _doctor_fields(session: Session, organisation_id: int, doctor: Doctor, full_name: str, speciality: str, colour: str) -> None:
    doctor.full_name = _name(full_name, "doctor's name")
    doctor.speciality = _line(speciality, "The speciality")
    if len(doctor.speciality) > 120:
        raise SchedulingError("The speciality must be at most 120 characters.")
    doctor.colour = _palette_colour(colour) if (colour or "").strip() else default_colour(
        session.exec(select(Doctor.colour).where(Doctor.organisation_id == organisation_id, Doctor.id != doctor.id)).all()
    )


def create_doctor(
    session: Session, actor: CurrentUser, *, full_name: str, speciality: str = "", colour: str = "", psychiatrist_email: str = ""
) -> Doctor:
    organisation_id = _staff_organisation(actor)
    doctor = Doctor(organisation_id=organisation_id, full_name="", colour=PALETTE[0])
    _doctor_fields(session, organisation_id, doctor, full_name, speciality, colour)
    _flush_unique(session, doctor, "That psychiatrist account was just linked to another doctor.")
    links.ask(session, actor, organisation_id, doctor, psychiatrist_email)
    _touch_calendar(session, organisation_id)  # the calendar's doctor filter lists them
    return doctor


def update_doctor(
    session: Session,
    actor: CurrentUser,
    doctor_id: int,
    *,
    full_name: str,
    speciality: str = "",
    colour: str = "",
    psychiatrist_email: str = "",
) -> Doctor:
    organisation_id = _staff_organisation(actor)
    doctor = _owned(session, Doctor, doctor_id, organisation_id)
    _doctor_fields(session, organisation_id, doctor, full_name, speciality, colour)
    _flush_unique(session, doctor, "That psychiatrist account was just linked to another doctor.")
    links.ask(session, actor, organisation_id, doctor, psychiatrist_email)
    _touch_calendar(session, organisation_id)  # name and colour show on every booking
    return doctor


def delete_doctor(session: Session, actor: CurrentUser, doctor_id: int, now: datetime | None = None) -> int:
    """Delete a doctor with their agendas and past appointments; refused while any are upcoming.

    Returns how many past appointments went with them (the confirmation said so).
    """
    organisation_id = _staff_organisation(actor)
    doctor = _owned(session, Doctor, doctor_id, organisation_id)
    _refuse_if_upcoming(session, Appointment.doctor_id == doctor_id, now, f"{doctor.full_name} still has")
    past = session.exec(delete(Appointment).where(col(Appointment.doctor_id) == doctor_id)).rowcount or 0
    session.delete(doctor)  # agendas go with ON DELETE CASCADE
    session.flush()
    _touch_calendar(session, organisation_id)
    return past


# --- clinic patients -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PatientRow:
    id: int
    full_name: str
    date_of_birth: str
    phone: str
    email: str
    account_email: str
    link_email: str = ""  # an address asked to confirm a link, while it waits or was declined
    link_status: str = ""  # "pending" or "declined"


def _patient_row(
    patient: ClinicPatient, account_email: str | None, link_email: str | None = None, link_status: str | None = None
) -> PatientRow:
    assert patient.id is not None
    born = patient.date_of_birth.isoformat() if patient.date_of_birth else ""
    return PatientRow(
        patient.id, patient.full_name, born, _display_phone(patient.phone), patient.email or "", account_email or "",
        link_email or "", link_status or "",
    )


def _date_of_birth(raw: str) -> date | None:
    """Empty, or a plausible birth date: from 1900 (``parse_day``'s bound) to today."""
    if not (raw.strip() if isinstance(raw, str) else raw):
        return None
    born = parse_day(raw, "date of birth")
    if born > utcnow().date():
        raise SchedulingError("The date of birth cannot be in the future.")
    return born


def list_patients(session: Session, actor: CurrentUser, search: str = "") -> list[PatientRow]:
    organisation_id = _staff_organisation(actor)
    rows = session.exec(
        select(ClinicPatient, User.email, AccountLinkRequest.email, AccountLinkRequest.status)
        .outerjoin(User, User.id == ClinicPatient.user_id)
        .outerjoin(AccountLinkRequest, links.open_request_of(AccountLinkRequest.clinic_patient_id, ClinicPatient.id))
        .where(ClinicPatient.organisation_id == organisation_id)
        .where(_matches(search, ClinicPatient.full_name, ClinicPatient.email, ClinicPatient.phone))
        .order_by(ClinicPatient.full_name, ClinicPatient.id)
    ).all()
    return [_patient_row(*row) for row in rows]


def _patient_fields(
    session: Session,
    organisation_id: int,
    patient: ClinicPatient,
    full_name: str,
    phone: str,
    email: str,
    date_of_birth: str,
) -> None:
    patient.full_name = _name(full_name, "patient's name")
    patient.phone = _optional_phone(phone)
    patient.email = _optional_email(email)
    patient.date_of_birth = _date_of_birth(date_of_birth)


def create_patient(
    session: Session,
    actor: CurrentUser,
    *,
    full_name: str,
    phone: str = "",
    email: str = "",
    date_of_birth: str = "",
    account_email: str = "",
) -> ClinicPatient:
    organisation_id = _staff_organisation(actor)
    patient = ClinicPatient(organisation_id=organisation_id, full_name="")
    _patient_fields(session, organisation_id, patient, full_name, phone, email, date_of_birth)
    _flush_unique(session, patient, "That patient account was just linked to another patient record.")
    links.ask(session, actor, organisation_id, patient, account_email)
    return patient


def update_patient(
    session: Session,
    actor: CurrentUser,
    patient_id: int,
    *,
    full_name: str,
    phone: str = "",
    email: str = "",
    date_of_birth: str = "",
    account_email: str = "",
) -> ClinicPatient:
    organisation_id = _staff_organisation(actor)
    patient = _owned(session, ClinicPatient, patient_id, organisation_id)
    _patient_fields(session, organisation_id, patient, full_name, phone, email, date_of_birth)
    _flush_unique(session, patient, "That patient account was just linked to another patient record.")
    links.ask(session, actor, organisation_id, patient, account_email)
    _touch_calendar(session, organisation_id)  # bookings are titled with the patient's name
    return patient


def delete_patient(session: Session, actor: CurrentUser, patient_id: int, now: datetime | None = None) -> int:
    """Delete a patient record with its past appointments; refused while any are upcoming.

    Appointments the patient booked for someone else keep their patient and lose the client.
    Returns how many past appointments of the patient were deleted.
    """
    organisation_id = _staff_organisation(actor)
    patient = _owned(session, ClinicPatient, patient_id, organisation_id)
    self_client = session.exec(select(Client.id).where(Client.patient_id == patient_id)).first()
    theirs = [Appointment.patient_id == patient_id]
    if self_client is not None:
        theirs.append(Appointment.client_id == self_client)
    _refuse_if_upcoming(session, or_(*theirs), now, f"{patient.full_name} still has")
    past = session.exec(delete(Appointment).where(col(Appointment.patient_id) == patient_id)).rowcount or 0
    if self_client is not None:
        session.exec(update(Appointment).where(col(Appointment.client_id) == self_client).values(client_id=None))
    session.delete(patient)  # the self-client goes with ON DELETE CASCADE
    session.flush()
    _touch_calendar(session, organisation_id)
    return past


# --- clients ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientRow:
    id: int
    full_name: str
    phone: str
    email: str
    patient_id: int | None
    is_patient_themself: bool


def list_clients(session: Session, actor: CurrentUser, search: str = "") -> list[ClientRow]:
    organisation_id = _staff_organisation(actor)
    clients = session.exec(
        select(Client)
        .where(Client.organisation_id == organisation_id)
        .where(_matches(search, Client.full_name, Client.email, Client.phone))
        .order_by(Client.full_name, Client.id)
    ).all()
    return [
        ClientRow(c.id, c.full_name, _display_phone(c.phone), c.email or "", c.patient_id, c.patient_id is not None)  # type: ignore[arg-type]
        for c in clients
    ]


def _client_fields(client: Client, full_name: str, phone: str, email: str) -> None:
    client.full_name = _name(full_name, "client's name")
    client.phone = _optional_phone(phone)
    client.email = _optional_email(email)


def create_client(
    session: Session,
    actor: CurrentUser,
    *,
    full_name: str = "",
    phone: str = "",
    email: str = "",
    patient_id: int | None = None,
) -> Client:
    """A client; with ``patient_id`` it is that patient themself, and blank details come from the record."""
    organisation_id = _staff_organisation(actor)
    client = Client(organisation_id=organisation_id, full_name="")
    if patient_id is not None:
        patient = _owned(session, ClinicPatient, patient_id, organisation_id)
        existing = session.exec(select(Client.id).where(Client.patient_id == patient_id)).first()
        if existing is not None:
            raise SchedulingError(f"{patient.full_name} is already a client of their own.")
        client.patient_id = patient_id
        full_name = full_name.strip() or patient.full_name
        phone = phone.strip() or (patient.phone or "")
        email = email.strip() or (patient.email or "")
    _client_fields(client, full_name, phone, email)
    _flush_unique(session, client, "That patient was just made a client of their own at another desk.")
    return client


def update_client(session: Session, actor: CurrentUser, client_id: int, *, full_name: str, phone: str = "", email: str = "") -> Client:
    organisation_id = _staff_organisation(actor)
    client = _owned(session, Client, client_id, organisation_id)
    _client_fields(client, full_name, phone, email)
    session.add(client)
    session.flush()
    return client


def delete_client(session: Session, actor: CurrentUser, client_id: int, now: datetime | None = None) -> None:
    """Refused while the client has upcoming appointments; past ones keep their patient."""
    organisation_id = _staff_organisation(actor)
    client = _owned(session, Client, client_id, organisation_id)
    _refuse_if_upcoming(session, Appointment.client_id == client_id, now, f"{client.full_name} is the client of")
    session.exec(update(Appointment).where(col(Appointment.client_id) == client_id).values(client_id=None))
    session.delete(client)
    session.flush()


def _self_client(session: Session, organisation_id: int, patient: ClinicPatient) -> Client:
    """The patient as their own client, made on first use."""
    existing = session.exec(select(Client).where(Client.patient_id == patient.id)).first()
    if existing is not None:
        return existing
    client = Client(
        organisation_id=organisation_id,
        full_name=patient.full_name,
        phone=patient.phone,
        email=patient.email,
        patient_id=patient.id,
    )
    try:
        with session.begin_nested():
            session.add(client)
            session.flush()
    except IntegrityError:
        # Another desk made it at the same moment: use theirs.
        found = session.exec(select(Client).where(Client.patient_id == patient.id)).first()
        assert found is not None
        return found
    return client


# --- agendas ---------------------------------------------------------------------------------------


def rule_of(agenda: Agenda) -> AgendaRule:
    return AgendaRule(
        agenda.start_date, agenda.end_date, agenda.start_time, agenda.end_time, agenda.slot_minutes, weekdays_of(agenda.weekdays)
    )


@dataclass(frozen=True)
class AgendaRow:
    id: int
    clinic_id: int
    clinic: str
    description: str
    start_date: str
    end_date: str
    start_time: str
    end_time: str
    slot_minutes: int
    weekdays: tuple[int, ...]


def _agenda_row(agenda: Agenda, clinic_name: str) -> AgendaRow:
    assert agenda.id is not None
    return AgendaRow(
        agenda.id,
        agenda.clinic_id,
        clinic_name,
        rule_text(rule_of(agenda)),
        agenda.start_date.isoformat(),
        agenda.end_date.isoformat(),
        clock(agenda.start_time),
        clock(agenda.end_time),
        agenda.slot_minutes,
        tuple(sorted(weekdays_of(agenda.weekdays))),
    )


def list_agendas(session: Session, actor: CurrentUser, doctor_id: int) -> list[AgendaRow]:
    organisation_id = _staff_organisation(actor)
    _owned(session, Doctor, doctor_id, organisation_id)
    rows = session.exec(
        select(Agenda, Clinic.name)
        .join(Clinic, Clinic.id == Agenda.clinic_id)
        .where(Agenda.doctor_id == doctor_id, Agenda.organisation_id == organisation_id)
        .order_by(Agenda.start_date, Agenda.start_time, Agenda.id)
    ).all()
    return [_agenda_row(agenda, name) for agenda, name in rows]


def _checked_rule(
    start_date: date, end_date: date, start_time: time, end_time: time, slot_minutes: int, weekdays: Iterable[int]
) -> AgendaRule:
    rule = AgendaRule(start_date, end_date, start_time, end_time, slot_minutes, frozenset(weekdays))
    try:
        validate_rule(rule)
    except ValueError as exc:
        raise SchedulingError(str(exc)) from None
    return rule


def _doctor_agendas(session: Session, doctor_id: int) -> list[tuple[Agenda, Clinic]]:
    return list(
        session.exec(
            select(Agenda, Clinic).join(Clinic, Clinic.id == Agenda.clinic_id).where(Agenda.doctor_id == doctor_id)
        ).all()
    )


def _refuse_conflicts(doctor: Doctor, rule: AgendaRule, others: list[tuple[Agenda, Clinic]]) -> None:
    by_rule = [(rule_of(agenda), clinic) for agenda, clinic in others]
    clashing = conflicts(rule, [r for r, _ in by_rule])
    if clashing:
        named = "; ".join(f"{clinic.name}, {rule_text(r)}" for r, clinic in by_rule if r in clashing)
        raise SchedulingError(
            f"This agenda overlaps {doctor.full_name}'s agenda at {named}. "
            "Change the dates, days or times so that they do not overlap."
        )


Cover = tuple[int, AgendaRule]  # (clinic id, rule): what an agenda contributes to coverage


def _cover(agenda: Agenda) -> Cover:
    return agenda.clinic_id, rule_of(agenda)


def _covers(cover: Cover, appointment: Appointment) -> bool:
    """Whether the appointment lies within one day's window of the agenda, at the same clinic."""
    clinic_id, rule = cover
    day = appointment.starts_at.date()
    return (
        clinic_id == appointment.clinic_id
        and rule_applies_on(rule, day)
        and datetime.combine(day, rule.start_time) <= appointment.starts_at
        and appointment.ends_at <= datetime.combine(day, rule.end_time)
    )


def _refuse_uncovering(
    session: Session, doctor_id: int, before: list[Cover], after: list[Cover], now: datetime | None, doing: str
) -> None:
    """Refuse a change of agendas that would leave upcoming appointments outside every agenda.

    Only appointments the change itself strands count, so an appointment already outside every
    agenda (booked before some older change) never blocks unrelated edits.
    """
    stranded = [
        (appointment, clinic)
        for appointment, clinic in _upcoming(session, Appointment.doctor_id == doctor_id, now)
        if any(_covers(c, appointment) for c in before) and not any(_covers(c, appointment) for c in after)
    ]
    if stranded:
        raise SchedulingError(
            f"{doing} would leave these booked appointments outside any agenda: {_appointment_list(stranded)}. "
            "Cancel or rebook them first, or keep the agenda covering them."
        )


def _apply_rule(agenda: Agenda, clinic: Clinic, rule: AgendaRule) -> None:
    assert clinic.id is not None
    agenda.clinic_id = clinic.id
    agenda.start_date, agenda.end_date = rule.start_date, rule.end_date
    agenda.start_time, agenda.end_time = rule.start_time, rule.end_time
    agenda.slot_minutes, agenda.weekdays = rule.slot_minutes, weekday_mask(rule.weekdays)


def create_agenda(
    session: Session,
    actor: CurrentUser,
    doctor_id: int,
    *,
    clinic_id: int,
    start_date: date,
    end_date: date,
    start_time: time,
    end_time: time,
    slot_minutes: int,
    weekdays: Iterable[int],
) -> Agenda:
    organisation_id = _staff_organisation(actor)
    doctor = _owned(session, Doctor, doctor_id, organisation_id)
    clinic = _owned(session, Clinic, clinic_id, organisation_id)
    rule = _checked_rule(start_date, end_date, start_time, end_time, slot_minutes, weekdays)
    _refuse_conflicts(doctor, rule, _doctor_agendas(session, doctor_id))
    agenda = Agenda(organisation_id=organisation_id, doctor_id=doctor_id)
    _apply_rule(agenda, clinic, rule)
    session.add(agenda)
    session.flush()
    _touch_calendar(session, organisation_id)
    return agenda


def update_agenda(
    session: Session,
    actor: CurrentUser,
    agenda_id: int,
    *,
    clinic_id: int,
    start_date: date,
    end_date: date,
    start_time: time,
    end_time: time,
    slot_minutes: int,
    weekdays: Iterable[int],
    now: datetime | None = None,
) -> Agenda:
    organisation_id = _staff_organisation(actor)
    agenda = _owned(session, Agenda, agenda_id, organisation_id)
    doctor = _owned(session, Doctor, agenda.doctor_id, organisation_id)
    clinic = _owned(session, Clinic, clinic_id, organisation_id)
    rule = _checked_rule(start_date, end_date, start_time, end_time, slot_minutes, weekdays)
    all_agendas = _doctor_agendas(session, agenda.doctor_id)
    _refuse_conflicts(doctor, rule, [(a, c) for a, c in all_agendas if a.id != agenda_id])
    before = [_cover(a) for a, _ in all_agendas]
    after = [(clinic_id, rule) if a.id == agenda_id else _cover(a) for a, _ in all_agendas]
    _refuse_uncovering(session, agenda.doctor_id, before, after, now, "This change")
    _apply_rule(agenda, clinic, rule)
    session.add(agenda)
    session.flush()
    _touch_calendar(session, organisation_id)
    return agenda


def delete_agenda(session: Session, actor: CurrentUser, agenda_id: int, now: datetime | None = None) -> None:
    organisation_id = _staff_organisation(actor)
    agenda = _owned(session, Agenda, agenda_id, organisation_id)
    all_agendas = [a for a, _ in _doctor_agendas(session, agenda.doctor_id)]
    before = [_cover(a) for a in all_agendas]
    after = [_cover(a) for a in all_agendas if a.id != agenda_id]
    _refuse_uncovering(session, agenda.doctor_id, before, after, now, "Deleting this agenda")
    session.delete(agenda)
    session.flush()
    _touch_calendar(session, organisation_id)


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


@dataclass(frozen=True)
class AppointmentRow:
    id: int
    starts_at: datetime
    when: str
    hours: str
    doctor_id: int
    doctor: str
    colour: str
    clinic: str
    patient: str
    client: str
    status: str
    status_label: str
    actions: tuple[str, ...]  # statuses it may move to now, cancellation included


def _appointment_query():
    return (
        select(
            Appointment, Doctor.full_name, Doctor.colour, Clinic.name, Clinic.timezone, ClinicPatient.full_name,
            Client.full_name, Client.patient_id,
        )  # fmt: skip
        .join(Doctor, Doctor.id == Appointment.doctor_id)
        .join(Clinic, Clinic.id == Appointment.clinic_id)
        .join(ClinicPatient, ClinicPatient.id == Appointment.patient_id)
        .outerjoin(Client, Client.id == Appointment.client_id)
    )


def actions_for(status: str, starts_at: datetime, clinic_now: datetime) -> tuple[str, ...]:
    """What the desk may do with an appointment now: arrivals and outcomes only once its day has come."""
    on_or_after_day = clinic_now.date() >= starts_at.date()
    return tuple(t for t in allowed_targets(status) if on_or_after_day or t not in SAME_DAY_STATUSES)


def _appointment_rows(rows: Sequence[tuple], now: datetime) -> list[AppointmentRow]:
    result = []
    for appointment, doctor, colour, clinic, tz, patient, client, client_patient_id in rows:
        if client_patient_id is not None and client_patient_id == appointment.patient_id:
            client = SELF_CLIENT_LABEL
        result.append(
            AppointmentRow(
                appointment.id,
                appointment.starts_at,
                span_text(appointment.starts_at, appointment.ends_at),
                f"{clock(appointment.starts_at)}–{clock(appointment.ends_at)}",
                appointment.doctor_id,
                doctor,
                colour,
                clinic,
                patient,
                client or "",
                appointment.status,
                status_label(appointment.status),
                actions_for(appointment.status, appointment.starts_at, local_now(now, tz)),
            )
        )
    return result


def appointments_on(session: Session, actor: CurrentUser, day: date, now: datetime | None = None) -> list[AppointmentRow]:
    """Every appointment of the organisation on ``day`` (clinic local), cancelled ones included."""
    organisation_id = _staff_organisation(actor)
    start = datetime.combine(day, time.min)
    rows = session.exec(
        _appointment_query()
        .where(Appointment.organisation_id == organisation_id)
        .where(Appointment.starts_at >= start, Appointment.starts_at < start + timedelta(days=1))
        .order_by(Appointment.starts_at, Doctor.full_name, Appointment.id)
    ).all()
    return _appointment_rows(rows, now or utcnow())


def upcoming_for_doctor(
    session: Session, actor: CurrentUser, doctor_id: int, now: datetime | None = None, limit: int = 100
) -> list[AppointmentRow]:
    """The doctor's appointments from today on (clinic local), cancelled ones left out."""
    organisation_id = _staff_organisation(actor)
    _owned(session, Doctor, doctor_id, organisation_id)
    now = now or utcnow()
    today = datetime.combine((now.replace(tzinfo=None) - _WIDEST_UTC_OFFSET).date(), time.min)
    rows = session.exec(
        _appointment_query()
        .where(Appointment.doctor_id == doctor_id, Appointment.organisation_id == organisation_id)
        .where(Appointment.starts_at >= today, Appointment.status != "cancelled")
        .order_by(Appointment.starts_at, Appointment.id)
        .limit(limit + 8)  # a few of the earliest may be yesterday in the clinic's zone
    ).all()
    kept = [r for r in rows if r[0].starts_at.date() >= local_now(now, r[4]).date()]
    return _appointment_rows(kept[:limit], now)


@dataclass(frozen=True)
class HistoryRow:
    from_status: str
    to_status: str
    by: str
    at: datetime
    reason: str


def status_history(session: Session, actor: CurrentUser, appointment_id: int) -> list[HistoryRow]:
    organisation_id = _staff_organisation(actor)
    _owned(session, Appointment, appointment_id, organisation_id)
    changes = session.exec(
        select(AppointmentStatusChange)
        .where(AppointmentStatusChange.appointment_id == appointment_id)
        .order_by(AppointmentStatusChange.changed_at, AppointmentStatusChange.id)
    ).all()
    return [HistoryRow(c.from_status or "", c.to_status, c.changed_by_name, c.changed_at, c.reason) for c in changes]


# --- appointments: booking and status ----------------------------------------------------------


@dataclass(frozen=True)
class OfferedSlot:
    start: datetime
    end: datetime
    agenda_id: int
    clinic_id: int
    clinic: str


def _offer(
    session: Session,
    organisation_id: int,
    doctor_id: int,
    day: date,
    now: datetime,
    with_bookings: bool = True,
    hide_past: bool = True,
) -> list[OfferedSlot]:
    """The doctor's free slots of ``day``, each with the agenda and clinic that offers it: two queries."""
    agendas = session.exec(
        select(Agenda, Clinic)
        .join(Clinic, Clinic.id == Agenda.clinic_id)
        .where(Agenda.doctor_id == doctor_id, Agenda.organisation_id == organisation_id)
        .where(Agenda.start_date <= day, Agenda.end_date >= day)
    ).all()
    if not agendas:
        return []
    booked: list[tuple[datetime, datetime]] = []
    if with_bookings:
        start = datetime.combine(day, time.min)
        booked = list(
            session.exec(
                select(Appointment.starts_at, Appointment.ends_at)
                .where(Appointment.doctor_id == doctor_id, Appointment.status != "cancelled")
                .where(Appointment.starts_at >= start - _LONGEST_APPOINTMENT)
                .where(Appointment.starts_at < start + timedelta(days=1), Appointment.ends_at > start)
            ).all()
        )
    offered = [
        OfferedSlot(slot.start, slot.end, agenda.id, clinic.id, clinic.name)  # type: ignore[arg-type]
        for agenda, clinic in agendas
        for slot in free_slots(
            [rule_of(agenda)], booked, day, not_before=local_now(now, clinic.timezone) if hide_past else None
        )
    ]
    return sorted(offered, key=lambda s: (s.start, s.end))


def day_slots(session: Session, actor: CurrentUser, doctor_id: int, day: date, now: datetime | None = None) -> list[OfferedSlot]:
    organisation_id = _staff_organisation(actor)
    _owned(session, Doctor, doctor_id, organisation_id)
    return _offer(session, organisation_id, doctor_id, day, now or utcnow())


def free_slots_between(
    session: Session,
    actor: CurrentUser,
    first_day: date,
    last_day: date,
    doctor_id: int | None = None,
    now: datetime | None = None,
) -> dict[int, list[OfferedSlot]]:
    """Free slots from ``first_day`` to ``last_day`` per doctor: one doctor, or every doctor of the
    organisation. Two queries whatever the range; another organisation's doctor gets nothing."""
    organisation_id = _staff_organisation(actor)
    if last_day < first_day:
        raise SchedulingError("The last day is before the first day.")
    now = now or utcnow()
    since = datetime.combine(first_day, time.min)
    params = dict(
        organisation=organisation_id,
        first=first_day,
        last=last_day,
        since=since,
        until=datetime.combine(last_day + timedelta(days=1), time.min),
        earliest=since - _LONGEST_APPOINTMENT,
        doctor=doctor_id,
    )
    # Prebuilt statements and Core rows (plain tuples): this is the hot path of the calendar.
    connection = session.connection()
    agendas = _AGENDAS_IN_RANGE if doctor_id is None else _DOCTOR_AGENDAS_IN_RANGE
    bookings = _BOOKED_IN_RANGE if doctor_id is None else _DOCTOR_BOOKED_IN_RANGE
    # One computation per doctor and clinic time zone: "past" depends on the zone, nothing else does.
    groups: dict[tuple[int, str], list[tuple[AgendaRule, int, int, str]]] = {}
    for agenda_id, doctor, clinic_id, *rule_fields, clinic_name, timezone in connection.execute(agendas, params).all():
        rule = _rule_from_columns(*rule_fields)
        groups.setdefault((doctor, timezone), []).append((rule, agenda_id, clinic_id, clinic_name))
    if not groups:
        return {}
    rows = connection.execute(bookings, params).all()
    booked: Mapping[int, Iterable[tuple[datetime, datetime]]]
    if doctor_id is None:
        by_doctor: dict[int, list[tuple[datetime, datetime]]] = {}
        for doctor, start, end in rows:
            by_doctor.setdefault(doctor, []).append((start, end))
        booked = by_doctor
    else:
        # One doctor's rows are (start, end) pairs already, with no doctor column to regroup by.
        booked = {doctor_id: rows}
    result: dict[int, list[OfferedSlot]] = {}
    in_several_zones: set[int] = set()
    blank = object.__new__
    for (doctor, timezone), agendas in groups.items():
        # The core names the rule behind each slot, so no slot is searched for its agenda.
        offers = _free_slot_offers(
            [rule for rule, *_ in agendas], booked.get(doctor, ()), first_day, last_day, local_now(now, timezone)
        )
        details = [detail for _, *detail in agendas]
        slots = []
        for start, end, position in offers:
            agenda_id, clinic_id, clinic_name = details[position]
            # Filled in directly: a frozen dataclass's __init__ sets each field through
            # object.__setattr__, which costs more than computing the slot. Same value either way.
            slot = blank(OfferedSlot)
            slot.__dict__.update(start=start, end=end, agenda_id=agenda_id, clinic_id=clinic_id, clinic=clinic_name)
            slots.append(slot)
        if doctor in result:
            result[doctor].extend(slots)
            in_several_zones.add(doctor)
        else:
            result[doctor] = slots
    # One computation's slots come sorted by (start, end); only a doctor with agendas in clinics
    # of several time zones has runs to interleave.
    for doctor in in_several_zones:
        result[doctor].sort(key=lambda s: (s.start, s.end))
    return result


_AGENDA_COLUMNS = (
    Agenda.id, Agenda.doctor_id, Agenda.clinic_id, Agenda.start_date, Agenda.end_date,
    Agenda.start_time, Agenda.end_time, Agenda.slot_minutes, Agenda.weekdays,
)  # fmt: skip
_AGENDAS_IN_RANGE = (
    select(*_AGENDA_COLUMNS, Clinic.name, Clinic.timezone)
    .join(Clinic, Clinic.id == Agenda.clinic_id)
    .where(Agenda.organisation_id == bindparam("organisation"))
    .where(Agenda.start_date <= bindparam("last"), Agenda.end_date >= bindparam("first"))
)
_DOCTOR_AGENDAS_IN_RANGE = _AGENDAS_IN_RANGE.where(Agenda.doctor_id == bindparam("doctor"))
_BOOKED_IN_RANGE = (
    select(Appointment.doctor_id, Appointment.starts_at, Appointment.ends_at)
    .where(Appointment.organisation_id == bindparam("organisation"), Appointment.status != "cancelled")
    # The bound on starts_at from below lets the index skip the history before the range.
    .where(Appointment.starts_at >= bindparam("earliest"), Appointment.starts_at < bindparam("until"))
    .where(Appointment.ends_at > bindparam("since"))
)
# One doctor: by the doctor's index and no other. With the organisation condition as well, SQLite
# (without statistics) may pick the organisation's index and read every doctor's bookings of the
# range, depending on the order the indexes were created in: the benchmark's create_all varies it
# and about one run in eight took over ten times as long. The condition adds nothing here: this
# runs only once the organisation's agendas of this doctor were found, and composite foreign keys
# make an appointment's organisation its doctor's, which is the agenda's.
_DOCTOR_BOOKED_IN_RANGE = (
    select(Appointment.starts_at, Appointment.ends_at)
    .where(Appointment.doctor_id == bindparam("doctor"), Appointment.status != "cancelled")
    .where(Appointment.starts_at >= bindparam("earliest"), Appointment.starts_at < bindparam("until"))
    .where(Appointment.ends_at > bindparam("since"))
)


def _rule_from_columns(start_date: date, end_date: date, start_time: time, end_time: time, slot_minutes: int, weekdays: int) -> AgendaRule:
    return AgendaRule(start_date, end_date, start_time, end_time, slot_minutes, weekdays_of(weekdays))


def _not_offered_reason(session: Session, organisation_id: int, doctor: Doctor, starts_at: datetime, now: datetime) -> str:
    assert doctor.id is not None
    without_bookings = _offer(session, organisation_id, doctor.id, starts_at.date(), now, with_bookings=False)
    if any(s.start == starts_at for s in without_bookings):
        return SLOT_TAKEN
    any_time = _offer(session, organisation_id, doctor.id, starts_at.date(), now, with_bookings=False, hide_past=False)
    if any(s.start == starts_at for s in any_time):
        return "That time has already passed. Pick one of the free slots shown."
    return (
        f"{day_text(starts_at.date())} at {clock(starts_at)} is not a slot of {doctor.full_name}'s agendas. "
        "Pick one of the free slots shown."
    )


def _client_for(session: Session, organisation_id: int, patient: ClinicPatient, client_id: int | None) -> Client:
    if client_id is None:
        return _self_client(session, organisation_id, patient)
    return _owned(session, Client, client_id, organisation_id)


def book(
    session: Session,
    actor: CurrentUser,
    doctor_id: int,
    starts_at: datetime,
    patient_id: int,
    client_id: int | None = None,
    now: datetime | None = None,
    note: str = "",
) -> Appointment:
    """Book the free slot of the doctor starting at ``starts_at`` (clinic local).

    ``client_id`` None means the patient books for themself. Only a slot that ``free_slots``
    offers can be booked, and the partial unique index settles two desks racing for it.
    """
    organisation_id = _staff_organisation(actor)
    now = now or utcnow()
    note = _note(note)
    doctor = _owned(session, Doctor, doctor_id, organisation_id)
    patient = _owned(session, ClinicPatient, patient_id, organisation_id)
    offered = next(
        (s for s in _offer(session, organisation_id, doctor_id, starts_at.date(), now) if s.start == starts_at), None
    )
    if offered is None:
        raise SchedulingError(_not_offered_reason(session, organisation_id, doctor, starts_at, now))
    client = _client_for(session, organisation_id, patient, client_id)
    appointment = Appointment(
        organisation_id=organisation_id,
        doctor_id=doctor_id,
        clinic_id=offered.clinic_id,
        patient_id=patient_id,
        client_id=client.id,
        starts_at=offered.start,
        ends_at=offered.end,
        status="scheduled",
        note=note,
    )
    try:
        with session.begin_nested():
            session.add(appointment)
            session.flush()
            assert appointment.id is not None
            session.add(_history(appointment.id, None, "scheduled", actor, "Booked"))
            session.flush()
    except IntegrityError:
        raise SchedulingError(SLOT_TAKEN) from None
    _touch_calendar(session, organisation_id)
    return appointment


def _note(raw: str) -> str:
    text = _block(raw, "The note")
    note = "\n".join(" ".join(line.split()) for line in text.splitlines()).strip()
    if len(note) > REASON_MAX:
        raise SchedulingError(f"The note must be at most {REASON_MAX} characters.")
    return note


def reschedule(
    session: Session,
    actor: CurrentUser,
    appointment_id: int,
    starts_at: datetime,
    now: datetime | None = None,
    doctor_id: int | None = None,
) -> Appointment:
    """Move an appointment to another free slot, of its doctor or of ``doctor_id`` (another doctor
    of the organisation), as one UPDATE of the same row.

    The row is never deleted or duplicated, so no outcome loses the appointment: either it moves
    or it stays where it was. The free-slot check gives a clear message; between that check and
    the UPDATE another desk may take the slot, and then the partial unique index refuses the move
    (on PostgreSQL the second writer waits for the first to commit) and it stays put.
    The move is recorded in the status history (same status, the reason says from where to where).
    """
    organisation_id = _staff_organisation(actor)
    now = now or utcnow()
    appointment = _owned(session, Appointment, appointment_id, organisation_id)
    if appointment.status not in ("scheduled", "confirmed"):
        raise SchedulingError(
            f"A {status_label(appointment.status)} appointment cannot be moved; book a new one instead."
        )
    previous = _owned(session, Doctor, appointment.doctor_id, organisation_id)
    doctor = previous if doctor_id in (None, previous.id) else _owned(session, Doctor, doctor_id, organisation_id)  # type: ignore[arg-type]
    if starts_at == appointment.starts_at and doctor.id == previous.id:
        raise SchedulingError("The appointment is already at that time. Pick another free slot.")
    offered = next(
        (s for s in _offer(session, organisation_id, doctor.id, starts_at.date(), now) if s.start == starts_at), None  # type: ignore[arg-type]
    )
    if offered is None:
        raise SchedulingError(_not_offered_reason(session, organisation_id, doctor, starts_at, now))
    before = span_text(appointment.starts_at, appointment.ends_at)
    moved = f"Moved from {before} to {span_text(offered.start, offered.end)}"
    if doctor.id != previous.id:
        moved += f", from {previous.full_name} to {doctor.full_name}"
    try:
        with session.begin_nested():
            appointment.starts_at, appointment.ends_at, appointment.clinic_id = offered.start, offered.end, offered.clinic_id
            appointment.doctor_id = doctor.id  # type: ignore[assignment]
            session.add(appointment)
            session.flush()
            session.add(_history(appointment_id, appointment.status, appointment.status, actor, moved))
            session.flush()
    except IntegrityError:
        # The savepoint's rollback expired the row, so it reads back at its old time.
        raise SchedulingError(SLOT_TAKEN) from None
    _touch_calendar(session, organisation_id)
    return appointment


def _history(appointment_id: int, from_status: str | None, to_status: str, actor: CurrentUser, reason: str) -> AppointmentStatusChange:
    return AppointmentStatusChange(
        appointment_id=appointment_id,
        from_status=from_status,
        to_status=to_status,
        changed_by_id=actor.id,
        changed_by_name=actor.full_name,
        reason=reason,
    )


def change_status(
    session: Session, actor: CurrentUser, appointment_id: int, target: str, reason: str = "", now: datetime | None = None
) -> Appointment:
    """Move an appointment to ``target`` through :func:`transition`; cancelling needs a reason."""
    organisation_id = _staff_organisation(actor)
    appointment = _owned(session, Appointment, appointment_id, organisation_id)
    clinic = session.get(Clinic, appointment.clinic_id)
    assert clinic is not None
    try:
        new_status = transition(appointment.status, target)
    except InvalidTransition as exc:
        raise SchedulingError(str(exc)) from None
    reason = _line(reason, "The reason")
    if new_status == "cancelled" and not reason:
        raise SchedulingError("Please give a reason for the cancellation.")
    if len(reason) > REASON_MAX:
        raise SchedulingError(f"The reason must be at most {REASON_MAX} characters.")
    if new_status not in actions_for(appointment.status, appointment.starts_at, local_now(now or utcnow(), clinic.timezone)):
        raise SchedulingError(
            f"This appointment is on {day_text(appointment.starts_at.date())}: "
            f"it can be {status_label(new_status)} from that day on."
        )
    session.add(_history(appointment_id, appointment.status, new_status, actor, reason))
    appointment.status = new_status
    session.add(appointment)
    session.flush()
    _touch_calendar(session, organisation_id)
    return appointment


def cancel(session: Session, actor: CurrentUser, appointment_id: int, reason: str, now: datetime | None = None) -> Appointment:
    return change_status(session, actor, appointment_id, "cancelled", reason, now)


# --- for the booking form --------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    id: int
    label: str


def booking_choices(session: Session, actor: CurrentUser) -> tuple[list[Choice], list[Choice]]:
    """Patients and clients of the organisation for the booking form's pickers, in two queries."""
    organisation_id = _staff_organisation(actor)
    patients = session.exec(
        select(ClinicPatient.id, ClinicPatient.full_name, ClinicPatient.date_of_birth)
        .where(ClinicPatient.organisation_id == organisation_id)
        .order_by(ClinicPatient.full_name, ClinicPatient.id)
    ).all()
    clients = session.exec(
        select(Client.id, Client.full_name, Client.phone)
        .where(Client.organisation_id == organisation_id, col(Client.patient_id).is_(None))
        .order_by(Client.full_name, Client.id)
    ).all()
    return (
        [Choice(pid, f"{name} (born {short_date(born)})" if born else name) for pid, name, born in patients],
        [Choice(cid, f"{name}, {_display_phone(phone)}" if phone else name) for cid, name, phone in clients],
    )
