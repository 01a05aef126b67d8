"""Organisations, their clinics and their staff accounts: kept by admins, read by staff."""


from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from miwell.accounts import services as accounts
from miwell.accounts.core import rules
from miwell.accounts.core.rules import Role
from miwell.accounts.models import User
from miwell.accounts.services import CurrentUser
from miwell.ids import is_id
from miwell.scheduling.core.formatting import (
    short_date,
)
from miwell.scheduling.models import (
    Agenda,
    Appointment,
    Client,
    Clinic,
    ClinicPatient,
    Doctor,
    Organisation,
)
from miwell.scheduling.services.common import (
    _flush_unique,
    _join_and,
    _line,
    _name,
    _organisation,
    _plural,
    _require_admin,
    _staff_organisation,
    _timezone,
)
from miwell.scheduling.services.errors import NOT_FOUND, NotFound, SchedulingError

MAX_CANCEL_CUTOFF_HOURS = 720

# --- organisations (admin) -------------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationRow:
    id: int
    name: str
    clinics: int
    staff: int
    doctors: int
    online_booking: bool = False


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
            Organisation.online_booking,
        ).order_by(Organisation.name)
    ).all()
    return [OrganisationRow(*row) for row in rows]


def get_organisation(session: Session, actor: CurrentUser, organisation_id: int) -> OrganisationRow:
    _require_admin(actor)
    for row in list_organisations(session, actor):
        if row.id == organisation_id:
            return row
    raise NotFound(NOT_FOUND)


def set_online_booking(session: Session, actor: CurrentUser, organisation_id: int, enabled: bool) -> Organisation:
    """Open or close online booking and cancelling to the organisation's linked patients."""
    _require_admin(actor)
    organisation = _organisation(session, organisation_id)
    organisation.online_booking = enabled is True
    session.add(organisation)
    session.flush()
    return organisation


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



# --- clinics (admin writes, staff read their own) --------------------------------------------


@dataclass(frozen=True)
class ClinicRow:
    id: int
    name: str
    address: str
    timezone: str
    cancel_cutoff_hours: int = 24


def _clinic_row(clinic: Clinic) -> ClinicRow:
    assert clinic.id is not None
    return ClinicRow(clinic.id, clinic.name, clinic.address, clinic.timezone, clinic.cancel_cutoff_hours)


def _cutoff(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_CANCEL_CUTOFF_HOURS:
        raise SchedulingError(f"Online cancelling must close from 0 to {MAX_CANCEL_CUTOFF_HOURS} hours before an appointment.")
    return value


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


def create_clinic(
    session: Session,
    actor: CurrentUser,
    organisation_id: int,
    name: str,
    address: str,
    timezone: str,
    cancel_cutoff_hours: int = 24,
) -> Clinic:
    _require_admin(actor)
    _organisation(session, organisation_id)
    clean_name, clean_address, tz = _clinic_fields(session, organisation_id, name, address, timezone, None)
    clinic = Clinic(
        organisation_id=organisation_id, name=clean_name, address=clean_address, timezone=tz,
        cancel_cutoff_hours=_cutoff(cancel_cutoff_hours),
    )  # fmt: skip
    _flush_unique(session, clinic, f"This organisation already has a clinic called {clean_name}.")
    return clinic


def update_clinic(
    session: Session,
    actor: CurrentUser,
    clinic_id: int,
    name: str,
    address: str,
    timezone: str,
    cancel_cutoff_hours: int | None = None,
) -> Clinic:
    _require_admin(actor)
    clinic = session.get(Clinic, clinic_id) if is_id(clinic_id) else None
    if clinic is None:
        raise NotFound(NOT_FOUND)
    clinic.name, clinic.address, clinic.timezone = _clinic_fields(
        session, clinic.organisation_id, name, address, timezone, clinic_id
    )
    if cancel_cutoff_hours is not None:
        clinic.cancel_cutoff_hours = _cutoff(cancel_cutoff_hours)
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
