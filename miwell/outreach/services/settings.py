"""What people choose about their emails, what admins keep (safety contacts), and the outbox
as admins read it. Every function checks the actor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func
from sqlmodel import Session, select

from miwell.accounts.services.base import AccountError, CurrentUser, PermissionDenied, NO_ACCESS, require_role
from miwell.ids import is_id
from miwell.outreach.core import schedule
from miwell.outreach.core.smtp import is_email
from miwell.outreach.models import OUTBOX_STATUSES, MessagePreference, OutboxMessage, SafetyContact
from miwell.outreach.services.outbox import preference_of
from miwell.scheduling.models import Organisation
from miwell.timeutil import utcnow

SAFETY_CONTACTS_MAX = 20


@dataclass(frozen=True)
class Preferences:
    emails: bool
    daily_reminder: bool
    reminder_time: str
    digest: bool


def get_preferences(session: Session, actor: CurrentUser) -> Preferences:
    require_role(actor, "patient", "psychiatrist")
    found = preference_of(session, actor.id)
    return Preferences(found.emails, found.daily_reminder, found.reminder_time, found.digest)


def save_preferences(
    session: Session, actor: CurrentUser, emails: object, daily_reminder: object, reminder_time: object, digest: object
) -> Preferences:
    """A patient keeps reminders and their time; a psychiatrist the morning digest. Either can
    turn every email off, except the safety emails clinicians get about unseen urgent alerts."""
    require_role(actor, "patient", "psychiatrist")
    if not all(isinstance(v, bool) for v in (emails, daily_reminder, digest)):
        raise AccountError("Choose on or off.")
    try:
        chosen = schedule.parse_reminder_time(reminder_time)
    except ValueError as exc:
        raise AccountError(str(exc)) from None
    row = session.get(MessagePreference, actor.id) or MessagePreference(user_id=actor.id)
    row.emails = emails  # type: ignore[assignment]
    if actor.role == "patient":
        row.daily_reminder, row.reminder_time = daily_reminder, chosen.strftime("%H:%M")  # type: ignore[assignment]
    else:
        row.digest = digest  # type: ignore[assignment]
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return Preferences(row.emails, row.daily_reminder, row.reminder_time, row.digest)


# --- safety contacts ----------------------------------------------------------------------------


def _organisation(session: Session, actor: CurrentUser, organisation_id: object) -> Organisation:
    require_role(actor, "admin")
    found = session.get(Organisation, organisation_id) if is_id(organisation_id) else None
    if found is None:
        raise PermissionDenied(NO_ACCESS)
    return found


def safety_contacts(session: Session, actor: CurrentUser, organisation_id: object) -> list[str]:
    organisation = _organisation(session, actor, organisation_id)
    return list(
        session.exec(select(SafetyContact.email).where(SafetyContact.organisation_id == organisation.id).order_by(SafetyContact.id)).all()
    )


def set_safety_contacts(session: Session, actor: CurrentUser, organisation_id: object, text: object) -> list[str]:
    """Replace the list with the addresses in ``text`` (one a line, or separated by commas)."""
    organisation = _organisation(session, actor, organisation_id)
    if not isinstance(text, str) or len(text) > 6000:
        raise AccountError("Give one email address a line.")
    emails = list(dict.fromkeys(part.strip().lower() for part in text.replace(",", "\n").splitlines() if part.strip()))
    wrong = [e for e in emails if not is_email(e)]
    if wrong:
        raise AccountError(f"Not an email address: {wrong[0][:80]}")
    if len(emails) > SAFETY_CONTACTS_MAX:
        raise AccountError(f"Keep it to {SAFETY_CONTACTS_MAX} addresses.")
    session.exec(delete(SafetyContact).where(SafetyContact.organisation_id == organisation.id))  # type: ignore[call-overload]
    for email in emails:
        session.add(SafetyContact(organisation_id=organisation.id, email=email))  # type: ignore[arg-type]
    session.flush()
    return emails


# --- the outbox, for admins ---------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxRow:
    id: int
    created_at: datetime
    kind: str
    recipient: str
    subject: str
    body: str
    status: str
    attempts: int
    last_error: str
    sent_at: datetime | None


OUTBOX_PAGE = 200


def outbox(session: Session, actor: CurrentUser, status: object = "") -> tuple[list[OutboxRow], dict[str, int]]:
    """The newest messages (of one status, if given) and the count of each status: two statements."""
    require_role(actor, "admin")
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(OUTBOX_PAGE)  # type: ignore[union-attr]
    if status:
        if status not in OUTBOX_STATUSES:
            raise AccountError("Unknown status.")
        query = query.where(OutboxMessage.status == status)
    rows = [
        OutboxRow(m.id, m.created_at, m.kind, m.recipient, m.subject, m.body, m.status, m.attempts, m.last_error, m.sent_at)  # type: ignore[arg-type]
        for m in session.exec(query).all()
    ]
    counts = dict(session.exec(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    return rows, {s: int(counts.get(s, 0)) for s in OUTBOX_STATUSES}
