"""Who is acting and what they may do: the signed-in user as services see them, refusals, shared checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import object_session
from sqlmodel import Session, select

from miwell.accounts.core import rules
from miwell.accounts.core.rules import Role, Standing
from miwell.accounts.models import (
    PsychiatristProfile,
    User,
)
from miwell.ids import is_id
from miwell.scheduling.models import Organisation
from miwell.timeutil import is_timezone


class AccountError(ValueError):
    """A refusal whose message is meant for the person at the keyboard."""


class PermissionDenied(AccountError):
    pass


DUPLICATE_EMAIL = "An account with this email address already exists. Sign in instead, or use another address."
BAD_LOGIN = "Email or password is not right."
NO_PSYCHIATRIST = (
    "Patient registration is not open at the moment: no psychiatrist is taking new patients. "
    "Nothing was saved. Please try again later or contact the clinic."
)
NO_ACCESS = "You do not have access to that."
APPROVED = Standing.APPROVED.value


@dataclass(frozen=True)
class CurrentUser:
    """What states may keep about the signed-in user: no hash, no secrets."""

    id: int
    role: str
    full_name: str
    email: str
    organisation_id: int | None = None  # clinic staff only
    standing: str = ""  # psychiatrists only: pending, approved, rejected or suspended

    @classmethod
    def of(cls, user: User, standing: str | None = None) -> "CurrentUser":
        assert user.id is not None
        if standing is None and user.role == Role.PSYCHIATRIST.value:
            session = object_session(user)
            profile = session.get(PsychiatristProfile, user.id) if session is not None else None
            standing = profile.standing if profile is not None else ""
        return cls(user.id, user.role, user.full_name, user.email, user.organisation_id, standing or "")

    @property
    def practising(self) -> bool:
        """False for a psychiatrist who is not approved: they may only see their status page."""
        return self.role != Role.PSYCHIATRIST.value or self.standing == APPROVED


def require_role(actor: CurrentUser | User | None, *roles: str) -> None:
    """The actor has one of ``roles``; a psychiatrist must also be approved."""
    if actor is None or actor.role not in roles:
        raise PermissionDenied(NO_ACCESS)
    if isinstance(actor, CurrentUser) and not actor.practising:
        raise PermissionDenied(NO_ACCESS)


def _validate_timezone(name: str) -> str:
    if not is_timezone(name):
        raise AccountError("Please choose a valid time zone.")
    return name



def email_taken(session: Session, email: str) -> bool:
    return session.exec(select(User.id).where(User.email == rules.normalise_email(email))).first() is not None


def _organisation_for(session: Session, role: str, organisation_id: int | None) -> int | None:
    if role != Role.STAFF.value:
        if organisation_id is not None:
            raise AccountError("Only clinic staff accounts belong to an organisation.")
        return None
    if organisation_id is None:
        raise AccountError("Choose the organisation this staff member works for.")
    if not is_id(organisation_id) or session.get(Organisation, organisation_id) is None:
        raise AccountError("That organisation does not exist any more. Reload the page and choose another.")
    return organisation_id



def _day(moment: datetime) -> str:
    return moment.strftime("%d %b %Y %H:%M UTC")
