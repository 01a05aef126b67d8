"""Demo data for a newcomer: one account of each role and a little life around them.

Loaded by the run command only into a database without users, so real data is never mixed
with it. ``python -m miwell.demo`` loads it; it prints the credentials either way.
"""

from __future__ import annotations

import sys

from sqlalchemy import func
from sqlmodel import Session, select, update

from miwell.accounts import services as service
from miwell.accounts.demo import ACCOUNTS, APPLICANT, DEMO_PASSWORD, LOGINS
from miwell.accounts.models import User
from miwell.audit import services as audit
from miwell.db import session_scope
from miwell.outreach import demo as outreach_demo
from miwell.scheduling import demo as scheduling_demo
from miwell.wellbeing import demo as wellbeing_demo

__all__ = ["ACCOUNTS", "APPLICANT", "DEMO_PASSWORD", "LOGINS", "credentials_text", "load", "main"]

def has_users(session: Session) -> bool:
    return session.exec(select(func.count()).select_from(User)).one() > 0


def load(session: Session) -> bool:
    """Load the demo data unless there are users already. Returns whether it loaded."""
    if has_users(session):
        return False
    organisation_id = scheduling_demo.demo_organisation(session)
    for role, name, email, phone, contact_or_number, contact_phone in ACCOUNTS:
        is_psychiatrist = role == "psychiatrist"
        service.register(
            session,
            role=role,
            full_name=name,
            email=email,
            phone=phone,
            password=DEMO_PASSWORD,
            emergency_contact_name="" if is_psychiatrist else contact_or_number,
            emergency_contact_phone=contact_phone,
            registration_number=contact_or_number if is_psychiatrist else "",
            organisation_id=organisation_id if role == "staff" else None,
            by_operator=True,
        )
        session.flush()
    name, email, phone, number = APPLICANT
    service.register(
        session, role="psychiatrist", full_name=name, email=email, phone=phone, password=DEMO_PASSWORD,
        registration_number=number,
    )  # fmt: skip
    session.flush()
    # Their passwords are published, so two-step sign-in would protect nothing: the demo stays quick.
    session.exec(update(User).values(two_factor_exempt=True))
    # Invented history is not something anyone did: the audit log starts with the first real step.
    with audit.quiet():
        scheduling_demo.load_demo(session)
        wellbeing_demo.load_demo(session)
        outreach_demo.load_demo(session, organisation_id)
        session.flush()
    return True


def credentials_text() -> str:
    lines = ["Demo accounts (password for all: %s):" % DEMO_PASSWORD]
    lines += [f"  {role:<13} {email}" for role, email in LOGINS]
    return "\n".join(lines)


def main() -> int:
    with session_scope() as s:
        loaded = load(s)
    print("Demo data loaded." if loaded else "The database already has users: demo data not loaded, nothing changed.")
    print(credentials_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
