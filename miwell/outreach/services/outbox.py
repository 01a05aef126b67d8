"""The outbox: every email is a row first, then sent by whichever consumer claims it.

Queuing is idempotent (the key is unique). Sending is claim, send, record: a consumer claims a
queued message with a conditional update (only one of two consumers can win it), sends it
outside any transaction, then records the outcome. What a message is for is checked again just
before sending: an acknowledged alert, a reminder for a day that now has an entry, a moved or
cancelled appointment, an email someone turned off: each is cancelled, not sent.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Callable, Protocol

from sqlalchemy import func, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from miwell.accounts.models import PatientProfile, User
from miwell.db import session_scope
from miwell.outreach.core import schedule
from miwell.outreach.core.messages import Mail
from miwell.outreach.models import MessagePreference, OutboxMessage
from miwell.scheduling.models import Appointment, Clinic, WaitlistOffer
from miwell.timeutil import utcnow
from miwell.outreach.services.mailer import PermanentFailure
from miwell.wellbeing.models import MoodEntry, RiskAlert

# A message claimed longer ago than this belongs to a consumer that stopped while sending.
STALE_AFTER = timedelta(minutes=10)
SAFETY_KINDS = frozenset({"alert", "escalation"})
NO_SMTP = "No SMTP server is set (MIWELL_SMTP_URL), so it was kept here instead of being sent."


class Sender(Protocol):
    def send(self, recipient: str, subject: str, body: str, key: str, attachment_name: str = "", attachment: str = "") -> None: ...


def enqueue(
    session: Session,
    *,
    key: str,
    kind: str,
    recipient: str,
    mail: Mail,
    now: datetime | None = None,
    send_after: datetime | None = None,
    user_id: int | None = None,
    alert_id: int | None = None,
    appointment_id: int | None = None,
    attachment_name: str = "",
    attachment: str = "",
    check: bool = True,
) -> bool:
    """Queue one message unless one with this key exists. True when it was queued now.

    A second consumer queuing the same key at the same moment hits the unique index and its
    transaction rolls back; its next scan finds the message there and moves on. ``check=False``
    is for a caller that has looked the keys up already (``Batch``).
    """
    if check and session.exec(select(OutboxMessage.id).where(OutboxMessage.key == key)).first() is not None:
        return False
    now = now or utcnow()
    session.add(
        OutboxMessage(
            key=key,
            kind=kind,
            recipient=recipient,
            subject=mail.subject[:200],
            body=mail.body,
            user_id=user_id,
            alert_id=alert_id,
            appointment_id=appointment_id,
            attachment_name=attachment_name,
            attachment=attachment,
            created_at=now,
            send_after=send_after or now,
        )
    )
    session.flush()
    return True


class Batch:
    """Messages of one scan, queued together: one look-up of their keys, not one per message.
    ``add_built`` defers building a message (an .ics, say) until its key is known to be new."""

    def __init__(self) -> None:
        self.items: list[tuple[str, Callable[[], dict]]] = []

    def add(self, **message) -> None:
        self.items.append((message["key"], lambda: message))

    def add_built(self, key: str, build: Callable[[], dict]) -> None:
        self.items.append((key, build))

    def queue(self, session: Session) -> int:
        keys = {key for key, _ in self.items}
        existing = set(session.exec(select(OutboxMessage.key).where(OutboxMessage.key.in_(keys))).all()) if keys else set()  # type: ignore[attr-defined]
        queued = 0
        for key, build in self.items:
            if key in existing:
                continue
            existing.add(key)
            queued += enqueue(session, check=False, **{"key": key, **build()})
        self.items = []
        return queued


def preference_of(session: Session, user_id: int | None) -> MessagePreference:
    found = session.get(MessagePreference, user_id) if user_id is not None else None
    return found or MessagePreference(user_id=user_id or 0)


def _reason_not_to_send(session: Session, message: OutboxMessage, now: datetime) -> str:
    """Why a claimed message should not go out any more; empty when it should."""
    if message.kind in SAFETY_KINDS:
        alert = session.get(RiskAlert, message.alert_id) if message.alert_id else None
        if alert is None:
            return "The alert no longer exists."
        if alert.acknowledged_at is not None:
            return "The alert was acknowledged before this was sent."
        return ""
    if message.user_id is None and message.kind in ("reminder", "nudge", "digest"):
        return "The account no longer exists."
    if message.user_id is None:
        # Addressed to a person without an account here (a clinic record's email): nothing to honour but the checks below.
        preference = MessagePreference(user_id=0, digest=True)
    elif session.get(User, message.user_id) is None:
        return "The account no longer exists."
    else:
        preference = preference_of(session, message.user_id)
    if not preference.emails:
        return "They turned emails off."
    if message.kind in ("reminder", "nudge"):
        profile = session.get(PatientProfile, message.user_id) if message.user_id else None
        if profile is None or not preference.daily_reminder:
            return "They turned daily reminders off."
        day = date.fromisoformat(message.key.rsplit(":", 1)[1])
        last = session.exec(select(func.max(MoodEntry.day)).where(MoodEntry.patient_id == profile.user_id)).one()
        if not schedule.still_due_reminder(last, day, now, profile.timezone):
            return "Not needed any more: today's entry exists, or the day (or the evening) is over."
    if message.kind == "digest" and not preference.digest:
        return "They turned the morning digest off."
    if message.kind == "waitlist":
        offer_id = message.key.rsplit(":", 1)[-1]
        offer = session.get(WaitlistOffer, int(offer_id)) if offer_id.isdigit() else None
        if offer is None or offer.status != "offered" or offer.expires_at <= now:
            return "The offer was answered or has ended."
    if message.kind == "appointment":
        row = (
            session.exec(
                select(Appointment, Clinic.timezone).join(Clinic, Clinic.id == Appointment.clinic_id).where(Appointment.id == message.appointment_id)
            ).first()
            if message.appointment_id
            else None
        )
        if row is None:
            return "The appointment no longer exists."
        appointment, zone = row
        if appointment.status in schedule.FINAL_APPOINTMENT_STATUSES:
            return f"The appointment is {appointment.status.replace('_', ' ')}."
        if not message.key.startswith(schedule.appointment_key(appointment.id, appointment.starts_at, 0).rsplit(":", 1)[0] + ":"):
            return "The appointment was moved; the new time has its own reminders."
        if schedule.local(now, zone).replace(tzinfo=None) >= appointment.starts_at:
            return "The appointment has started."
    return ""


def recover_stale(session: Session, now: datetime) -> int:
    """Messages whose consumer stopped mid-send. Whether the server got them is unknown: safety
    messages go again (a repeat is better than silence), the others do not (nobody gets a
    reminder twice). Either way the outbox page says what happened."""
    stale = session.exec(
        select(OutboxMessage).where(OutboxMessage.status == "sending", OutboxMessage.claimed_at < now - STALE_AFTER)
    ).all()
    for message in stale:
        if message.kind in SAFETY_KINDS:
            message.status, message.send_after = "queued", now
            message.last_error = "A consumer stopped while sending it; queued again, as safety emails must arrive."
        else:
            message.status = "failed"
            message.last_error = "A consumer stopped while sending it; not sent again, so nobody gets it twice."
        session.add(message)
    session.flush()
    return len(stale)


def _claim(engine: Engine | None, worker: str, now: datetime) -> int | None:
    with session_scope(engine) as s:
        candidates = s.exec(
            select(OutboxMessage.id)
            .where(OutboxMessage.status == "queued", OutboxMessage.send_after <= now)
            .order_by(OutboxMessage.send_after, OutboxMessage.id)
            .limit(20)
        ).all()
        for message_id in candidates:
            won = s.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id, OutboxMessage.status == "queued")
                .values(status="sending", claimed_at=now, claimed_by=worker[:64], attempts=OutboxMessage.attempts + 1)
            ).rowcount
            if won == 1:
                return message_id
    return None


def _record(engine: Engine | None, message_id: int, worker: str, **values) -> None:
    with session_scope(engine) as s:
        s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == "sending", OutboxMessage.claimed_by == worker[:64])
            .values(**values)
        )


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    cancelled: int = 0
    held: int = 0
    recovered: int = 0


def send_due(engine: Engine | None, mailer: Sender | None, worker: str, now: datetime | None = None, limit: int = 500) -> SendReport:
    """Send what is due, one claimed message at a time, until nothing is due or ``limit``."""
    now = now or utcnow()
    report = SendReport()
    with session_scope(engine) as s:
        report.recovered = recover_stale(s, now)
    for _ in range(limit):
        message_id = _claim(engine, worker, now)
        if message_id is None:
            break
        with session_scope(engine) as s:
            message = s.get(OutboxMessage, message_id)
            assert message is not None
            reason = _reason_not_to_send(s, message, now)
            if reason:
                message.status, message.last_error = "cancelled", reason[:500]
                report.cancelled += 1
                continue
            if mailer is None:
                message.status, message.last_error = "held", NO_SMTP
                report.held += 1
                continue
            parts = (message.recipient, message.subject, message.body, message.key, message.attachment_name, message.attachment)
            attempts = message.attempts
        try:
            mailer.send(*parts)
        except PermanentFailure as exc:
            _record(engine, message_id, worker, status="failed", last_error=str(exc)[:500])
            report.failed += 1
        except (OSError, smtplib.SMTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
            if attempts >= schedule.MAX_ATTEMPTS:
                _record(engine, message_id, worker, status="failed", last_error=f"Gave up after {attempts} tries. {error}"[:500])
                report.failed += 1
            else:
                _record(engine, message_id, worker, status="queued", last_error=error, send_after=now + schedule.retry_delay(attempts))
                report.retrying += 1
        else:
            _record(engine, message_id, worker, status="sent", sent_at=utcnow(), last_error="")
            report.sent += 1
    return report


def cancel_pending_for_alert(session: Session, alert_id: int, now: datetime | None = None) -> int:
    """Acknowledging an alert stops its pending emails at once (the send-time check is the backstop)."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.alert_id == alert_id, OutboxMessage.status == "queued")
        .values(status="cancelled", last_error="The alert was acknowledged before this was sent.")
    )
    return int(result.rowcount or 0)
