"""Tables of outreach: every message in one outbox, who wants which emails, safety contacts."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from miwell.timeutil import utcnow

OUTBOX_STATUSES = ("queued", "sending", "sent", "failed", "cancelled", "held")
OUTBOX_KINDS = ("alert", "escalation", "reminder", "nudge", "digest", "appointment", "waitlist")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class OutboxMessage(SQLModel, table=True):
    """One email, from queued to sent (or failed, cancelled, or held when no SMTP server is set).

    ``key`` says what the message is for (``reminder:12:2026-12-04``) and is unique, so queuing
    the same message twice, from two consumers or after a restart, stores it once. A consumer
    claims a queued message (status ``sending``) in a conditional update before sending it.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint(_in("status", OUTBOX_STATUSES), name="ck_outbox_messages_status"),
        CheckConstraint(_in("kind", OUTBOX_KINDS), name="ck_outbox_messages_kind"),
        CheckConstraint("attempts >= 0", name="ck_outbox_messages_attempts"),
        Index("ix_outbox_messages_due", "status", "send_after"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=20)
    recipient: str = Field(max_length=254)
    subject: str = Field(max_length=200)
    body: str = Field(sa_column=Column(Text, nullable=False))
    attachment_name: str = Field(default="", max_length=100, sa_column_kwargs={"server_default": ""})
    attachment: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    user_id: Optional[int] = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL", name="fk_outbox_messages_user"), nullable=True, index=True),
    )
    alert_id: Optional[int] = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("risk_alerts.id", ondelete="SET NULL", name="fk_outbox_messages_alert"), nullable=True, index=True),
    )
    appointment_id: Optional[int] = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("appointments.id", ondelete="SET NULL", name="fk_outbox_messages_appointment"), nullable=True, index=True
        ),
    )
    status: str = Field(default="queued", max_length=12)
    attempts: int = Field(default=0)
    last_error: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    send_after: datetime = Field(default_factory=utcnow)
    claimed_at: Optional[datetime] = None
    claimed_by: str = Field(default="", max_length=64)
    sent_at: Optional[datetime] = None


class MessagePreference(SQLModel, table=True):
    """Which emails a person wants. No row means the defaults: reminders on at 19:00, emails on,
    no digest. Safety emails to clinicians are not theirs to turn off."""

    __tablename__ = "message_preferences"
    __table_args__ = (CheckConstraint("reminder_time >= '08:00' AND reminder_time < '21:30'", name="ck_message_preferences_time"),)

    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE", name="fk_message_preferences_user"), primary_key=True)
    )
    emails: bool = Field(default=True)
    daily_reminder: bool = Field(default=True)
    reminder_time: str = Field(default="19:00", max_length=5)
    digest: bool = Field(default=False)
    updated_at: datetime = Field(default_factory=utcnow)


class SafetyContact(SQLModel, table=True):
    """Who hears of an urgent alert nobody acknowledged in time, for an organisation's patients."""

    __tablename__ = "safety_contacts"
    __table_args__ = (UniqueConstraint("organisation_id", "email", name="uq_safety_contacts_email"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    organisation_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("organisations.id", ondelete="CASCADE", name="fk_safety_contacts_organisation"), nullable=False, index=True
        )
    )
    name: str = Field(default="", max_length=120)
    email: str = Field(max_length=254)
    created_at: datetime = Field(default_factory=utcnow)
