"""Outreach in the demo: Harbour Mind's safety contact and Dr Shah's morning digest. Without an
SMTP server (the default run) whatever the consumer would send is kept on the Outbox page."""

from __future__ import annotations

from sqlmodel import Session, select

from miwell.accounts.models import User
from miwell.outreach.models import MessagePreference, SafetyContact
from miwell.timeutil import utcnow

SAFETY_CONTACT = "duty.manager@harbour.example"


def load_demo(session: Session, organisation_id: int) -> None:
    session.add(SafetyContact(organisation_id=organisation_id, name="Duty manager", email=SAFETY_CONTACT))
    doctor = session.exec(select(User).where(User.email == "psychiatrist@miwell.example")).first()
    if doctor is not None:
        session.add(MessagePreference(user_id=doctor.id, digest=True, updated_at=utcnow()))  # type: ignore[arg-type]
    session.flush()

