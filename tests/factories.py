"""Small helpers that create accounts through the real services."""

from __future__ import annotations

import itertools

from sqlmodel import Session

from miwell.accounts import services as service
from miwell.accounts.models import User
from miwell.accounts.services import CurrentUser
from miwell.scheduling.models import Organisation

PASSWORD = "calm-harbour-2026"
_counter = itertools.count(1)


def make_organisation(session: Session, name: str | None = None) -> Organisation:
    organisation = Organisation(name=name or f"Organisation {next(_counter)}")
    session.add(organisation)
    session.flush()
    return organisation


def make_user(
    session: Session,
    role: str = "patient",
    email: str | None = None,
    name: str | None = None,
    organisation_id: int | None = None,
    **extra,
) -> User:
    """Staff get ``organisation_id``, or a fresh organisation of their own when none is given."""
    n = next(_counter)
    if role == "staff" and organisation_id is None:
        organisation_id = make_organisation(session).id
    fields = dict(
        role=role,
        full_name=name or f"{role.title()} Person {n}",
        email=email or f"{role}{n}@example.org",
        phone=f"+44 20 7946 {n % 10000:04d}",
        password=PASSWORD,
        by_operator=True,
    )
    if role == "staff":
        fields.update(organisation_id=organisation_id)
    if role == "patient":
        fields.update(emergency_contact_name="Kin Person", emergency_contact_phone="+44 161 496 0000")
    fields.update(extra)
    user = service.register(session, **fields)
    session.flush()
    return user


def as_current(user: User) -> CurrentUser:
    return CurrentUser.of(user)
