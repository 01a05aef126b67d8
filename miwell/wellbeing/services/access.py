"""Who may touch which patient's wellbeing data: the checks every wellbeing service starts with.

A patient reaches only their own records; a psychiatrist only those of the patients assigned to
them now. Refusals say the same whether the record is missing or belongs to someone else, so ids
cannot be probed.
"""

from __future__ import annotations

from sqlmodel import Session

from miwell.accounts import services as accounts
from miwell.accounts.core.rules import Role
from miwell.accounts.models import PatientProfile
from miwell.accounts.services import CurrentUser
from miwell.ids import is_id


class WellbeingError(ValueError):
    """A refusal whose message is meant for the person at the keyboard."""


class PermissionDenied(WellbeingError, accounts.PermissionDenied):
    """Also an accounts ``PermissionDenied``, so callers catching either one catch it."""


NO_ACCESS = "You do not have access to that."
NOT_YOUR_PATIENT = "That patient is not one of yours, or no longer exists."


def require_role(actor: CurrentUser | None, role: str) -> CurrentUser:
    """The actor has ``role``; a psychiatrist must also be approved (pending, rejected and
    suspended accounts get nothing, like any other role)."""
    if actor is None or actor.role != role or not actor.practising:
        raise PermissionDenied(NO_ACCESS)
    return actor


def require_patient(session: Session, actor: CurrentUser | None) -> PatientProfile:
    """The acting patient's own profile."""
    user = require_role(actor, Role.PATIENT.value)
    profile = session.get(PatientProfile, user.id)
    if profile is None:
        raise PermissionDenied("Your account no longer exists.")
    return profile


def require_psychiatrist(actor: CurrentUser | None) -> CurrentUser:
    return require_role(actor, Role.PSYCHIATRIST.value)


def patient_of(session: Session, actor: CurrentUser | None, patient_id: object) -> PatientProfile:
    """A patient of the acting psychiatrist."""
    doctor = require_psychiatrist(actor)
    if not is_id(patient_id):
        raise PermissionDenied(NOT_YOUR_PATIENT)
    profile = session.get(PatientProfile, patient_id)
    if profile is None or profile.psychiatrist_id != doctor.id:
        raise PermissionDenied(NOT_YOUR_PATIENT)
    return profile


def readable_patient(session: Session, actor: CurrentUser | None, patient_id: object) -> PatientProfile:
    """A patient whose records the actor may read: themself, or one of a psychiatrist's patients."""
    if actor is not None and actor.role == Role.PATIENT.value:
        profile = require_patient(session, actor)
        if patient_id != profile.user_id:
            raise PermissionDenied(NO_ACCESS)
        return profile
    return patient_of(session, actor, patient_id)
