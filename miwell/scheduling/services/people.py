"""The people of a clinic: doctors, patients and clients.

A record is linked to a MiWell account only with the account owner's consent (see ``links``)."""


from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select, update

from miwell.accounts.models import User
from miwell.accounts.services import CurrentUser
from miwell.audit import services as audit
from miwell.scheduling.core.colours import PALETTE, default_colour
from miwell.scheduling.models import (
    AccountLinkRequest,
    Appointment,
    Client,
    ClinicPatient,
    Doctor,
)
from miwell.scheduling.services.links import ask as ask_link, open_request_of
from miwell.scheduling.services.common import (
    _display_phone,
    _flush_unique,
    _line,
    _matches,
    _name,
    _optional_email,
    _optional_phone,
    _owned,
    _refuse_if_upcoming,
    _search_pattern,
    _staff_organisation,
    _touch_calendar,
    parse_day,
)
from miwell.scheduling.services.errors import NOT_FOUND, NotFound, SchedulingError
from miwell.timeutil import utcnow

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
        .outerjoin(AccountLinkRequest, open_request_of(AccountLinkRequest.doctor_id, Doctor.id))
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
    ask_link(session, actor, organisation_id, doctor, psychiatrist_email)
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
    ask_link(session, actor, organisation_id, doctor, psychiatrist_email)
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
    if past:  # a bulk delete: the change listener does not see these rows one by one
        audit.record(session, "deleted", "appointment", actor, organisation_id=organisation_id, detail=f"{past} past appointments of a deleted doctor (#{doctor_id})")
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
    no_shows: int = 0  # in the last 12 months


# How far back the patient list counts no-shows.
NO_SHOW_WINDOW = timedelta(days=365)


def _patient_row(
    patient: ClinicPatient,
    account_email: str | None,
    link_email: str | None = None,
    link_status: str | None = None,
    no_shows: int = 0,
) -> PatientRow:
    assert patient.id is not None
    born = patient.date_of_birth.isoformat() if patient.date_of_birth else ""
    return PatientRow(
        patient.id, patient.full_name, born, _display_phone(patient.phone), patient.email or "", account_email or "",
        link_email or "", link_status or "", no_shows,
    )


def _date_of_birth(raw: str) -> date | None:
    """Empty, or a plausible birth date: from 1900 (``parse_day``'s bound) to today."""
    if not (raw.strip() if isinstance(raw, str) else raw):
        return None
    born = parse_day(raw, "date of birth")
    if born > utcnow().date():
        raise SchedulingError("The date of birth cannot be in the future.")
    return born


def list_patients(session: Session, actor: CurrentUser, search: str = "", now: datetime | None = None) -> list[PatientRow]:
    """The organisation's patients matching ``search``, each with their no-shows of the last 12
    months: one query, whatever the number of patients."""
    organisation_id = _staff_organisation(actor)
    since = (now or utcnow()).replace(tzinfo=None) - NO_SHOW_WINDOW
    no_shows = (
        select(func.count())
        .select_from(Appointment)
        .where(Appointment.patient_id == ClinicPatient.id, Appointment.status == "no_show", Appointment.starts_at >= since)
        .scalar_subquery()
    )
    rows = session.exec(
        select(ClinicPatient, User.email, AccountLinkRequest.email, AccountLinkRequest.status, no_shows)
        .outerjoin(User, User.id == ClinicPatient.user_id)
        .outerjoin(AccountLinkRequest, open_request_of(AccountLinkRequest.clinic_patient_id, ClinicPatient.id))
        .where(ClinicPatient.organisation_id == organisation_id)
        .where(_matches(search, ClinicPatient.full_name, ClinicPatient.email, ClinicPatient.phone))
        .order_by(ClinicPatient.full_name, ClinicPatient.id)
    ).all()
    audit.viewed(session, actor, "contact details", clinic_patient_ids=[row[0].id for row in rows], organisation_id=organisation_id)
    return [_patient_row(*row[:4], no_shows=row[4] or 0) for row in rows]


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
    ask_link(session, actor, organisation_id, patient, account_email)
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
    ask_link(session, actor, organisation_id, patient, account_email)
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
    if past:  # a bulk delete: the change listener does not see these rows one by one
        audit.record(session, "deleted", "appointment", actor, clinic_patient_id=patient_id, organisation_id=organisation_id, detail=f"{past} past appointments")
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
