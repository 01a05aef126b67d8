"""Linking a clinic record to a MiWell account, only with the account owner's consent.

Staff type the address of the account they want a patient (or doctor) record linked to. Nothing
is linked then: a request is kept, and the owner of the account with that address, if there is
one, sees it in MiWell and accepts or declines. The clinic is told the same words whether or not
an account exists, so the form cannot be used to find out who uses MiWell. Removing a link needs
no consent (it only takes access away).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from miwell.accounts.core import rules
from miwell.accounts.core.rules import Role
from miwell.accounts.models import User
from miwell.accounts.services import CurrentUser, PermissionDenied, require_role
from miwell.ids import is_id
from miwell.scheduling.models import (
    AccountLinkRequest,
    ClinicPatient,
    Doctor,
    Organisation,
)
from miwell.scheduling.services.errors import SchedulingError
from miwell.timeutil import utcnow

PENDING, ACCEPTED, DECLINED = "pending", "accepted", "declined"
NO_REQUEST = "That request is no longer waiting for you (it may have been withdrawn or answered)."


def _clean_email(raw: str, what: str) -> str:
    try:
        return rules.validate_email(raw)
    except ValueError as exc:
        raise SchedulingError(f"{what}: {exc}") from None


def ask(
    session: Session,
    actor: CurrentUser,
    organisation_id: int,
    record: ClinicPatient | Doctor,
    raw_email: str,
    now: datetime | None = None,
) -> str:
    """Apply what staff typed in a record's "MiWell account" box; returns a note for the desk.

    Empty: unlink and forget any request. The linked account's own address: nothing changes.
    Another address: the record is unlinked and the owner of that address is asked to confirm.
    """
    is_patient = isinstance(record, ClinicPatient)
    assert record.id is not None
    column = AccountLinkRequest.clinic_patient_id if is_patient else AccountLinkRequest.doctor_id
    request = session.exec(select(AccountLinkRequest).where(column == record.id)).first()
    typed = (raw_email or "").strip()
    if not typed:
        record.user_id = record.user_role = None
        if request is not None:
            session.delete(request)
        session.add(record)
        session.flush()
        return ""
    email = _clean_email(typed, "MiWell account")
    if record.user_id is not None:
        linked = session.get(User, record.user_id)
        if linked is not None and linked.email == email:
            return ""
    if request is not None and request.email == email and request.status == PENDING:
        return waiting_note(email)
    record.user_id = record.user_role = None
    session.add(record)
    if request is None:
        request = AccountLinkRequest(
            organisation_id=organisation_id,
            clinic_patient_id=record.id if is_patient else None,
            doctor_id=None if is_patient else record.id,
            email=email,
        )
    request.email, request.status = email, PENDING
    request.requested_by, request.requested_at, request.decided_at = actor.id, now or utcnow(), None
    session.add(request)
    session.flush()
    return waiting_note(email)


def waiting_note(email: str) -> str:
    return (
        f"If a MiWell account uses {email}, its owner is asked in MiWell to confirm the link. "
        "The record is linked once they accept."
    )


@dataclass(frozen=True)
class LinkRequestView:
    id: int
    organisation: str
    record_name: str
    kind: str  # "patient" or "doctor"
    requested: str


def _mine(actor: CurrentUser):
    """Requests addressed to the actor: by their address, for the record kind of their role."""
    kind = AccountLinkRequest.clinic_patient_id if actor.role == Role.PATIENT.value else AccountLinkRequest.doctor_id
    return (AccountLinkRequest.email == rules.normalise_email(actor.email)) & kind.is_not(None) & (
        AccountLinkRequest.status == PENDING
    )


def _require_linkable(actor: CurrentUser | None) -> CurrentUser:
    require_role(actor, Role.PATIENT.value, Role.PSYCHIATRIST.value)
    assert actor is not None
    return actor


def my_requests(session: Session, actor: CurrentUser) -> list[LinkRequestView]:
    """The clinics asking to link one of their records to the actor's account; one query."""
    me = _require_linkable(actor)
    rows = session.exec(
        select(AccountLinkRequest, Organisation.name, ClinicPatient.full_name, Doctor.full_name)
        .join(Organisation, Organisation.id == AccountLinkRequest.organisation_id)
        .outerjoin(ClinicPatient, ClinicPatient.id == AccountLinkRequest.clinic_patient_id)
        .outerjoin(Doctor, Doctor.id == AccountLinkRequest.doctor_id)
        .where(_mine(me))
        .order_by(AccountLinkRequest.requested_at)
    ).all()
    return [
        LinkRequestView(
            r.id,  # type: ignore[arg-type]
            organisation,
            patient_name or doctor_name or "",
            "patient" if r.clinic_patient_id is not None else "doctor",
            r.requested_at.strftime("%d %b %Y"),
        )
        for r, organisation, patient_name, doctor_name in rows
    ]


def answer(session: Session, actor: CurrentUser, request_id: object, accept: bool, now: datetime | None = None) -> str:
    """Accept (link the record to the actor's account) or decline; returns the organisation's name."""
    me = _require_linkable(actor)
    request = session.exec(
        select(AccountLinkRequest).where(AccountLinkRequest.id == request_id, _mine(me))
    ).first() if is_id(request_id) else None
    if request is None:
        raise PermissionDenied(NO_REQUEST)
    organisation = session.get(Organisation, request.organisation_id)
    assert organisation is not None
    request.decided_at = now or utcnow()
    if not accept:
        request.status = DECLINED
        session.add(request)
        session.flush()
        return organisation.name
    model = ClinicPatient if request.clinic_patient_id is not None else Doctor
    record = session.get(model, request.clinic_patient_id or request.doctor_id)
    assert record is not None
    taken = session.exec(
        select(model.full_name).where(
            model.organisation_id == record.organisation_id, model.user_id == me.id, model.id != record.id
        )
    ).first()
    if taken is not None:
        raise SchedulingError(
            f"Your account is already linked to another record at {organisation.name} ({taken}). "
            "Ask the clinic which one is right; nothing was changed."
        )
    record.user_id, record.user_role = me.id, me.role
    request.status = ACCEPTED
    session.add_all([record, request])
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise SchedulingError("Your account was just linked to another record of that clinic. Reload the page.") from None
    return organisation.name


def open_request_of(column, record_id):
    """Join condition: a record's request that is still waiting or was declined (at most one row)."""
    return (column == record_id) & or_(AccountLinkRequest.status == PENDING, AccountLinkRequest.status == DECLINED)
