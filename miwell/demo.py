"""Demo data for a newcomer: one account of each role and a little life around them.

Loaded by the run command only into a database without users, so real data is never mixed
with it. ``python -m miwell.demo`` loads it; it prints the credentials either way.
"""

from __future__ import annotations

import sys

from sqlalchemy import func
from sqlmodel import Session, select

from miwell.accounts import service
from miwell.accounts.models import User
from miwell.db import session_scope
from miwell.scheduling import demo as scheduling_demo
from miwell.wellbeing import demo as wellbeing_demo

DEMO_PASSWORD = "calm-harbour-2026"

# (role, name, email, phone, emergency contact name or GMC number, emergency contact phone)
ACCOUNTS = [
    ("admin", "Ada Admin", "admin@miwell.example", "+44 20 7946 0001", "", ""),
    ("staff", "Sam Reception", "staff@miwell.example", "+44 20 7946 0002", "", ""),
    ("psychiatrist", "Dr Priya Shah", "psychiatrist@miwell.example", "+44 20 7946 0003", "7100001", ""),
    ("psychiatrist", "Dr Tom Okafor", "tom.okafor@miwell.example", "+44 20 7946 0004", "7100002", ""),
    ("patient", "Pat Patient", "patient@miwell.example", "+44 113 496 0101", "Morgan Patient", "+44 161 496 0201"),
    ("patient", "Jamie Rivers", "jamie.rivers@miwell.example", "+44 113 496 0102", "Alex Rivers", "+44 161 496 0202"),
    ("patient", "Robin Hale", "robin.hale@miwell.example", "+44 113 496 0103", "Chris Hale", "+44 161 496 0203"),
]

# Someone who signed up as a psychiatrist and waits for an admin's approval (sees only their status page).
APPLICANT = ("Dr Lee Applicant", "applicant@miwell.example", "+44 20 7946 0006", "7100003")

LOGINS = [(a[0], a[2]) for a in ACCOUNTS if a[2].split("@")[0] in {"admin", "staff", "psychiatrist", "patient"}]
LOGINS.append(("psychiatrist (awaiting approval)", APPLICANT[1]))


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
    scheduling_demo.load_demo(session)
    wellbeing_demo.load_demo(session)
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
