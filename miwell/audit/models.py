"""The audit log's one table. Rows are only ever added: triggers refuse UPDATE and DELETE (see
migration 0014), so not even the app can rewrite what happened.

No foreign keys on purpose: the log outlives what it records. When a patient erases their
account the events stay, holding ids and the names of actions and fields, never content.
"""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from miwell.timeutil import utcnow

ACTIONS = ("viewed", "created", "changed", "deleted", "exported", "erased")


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_patient", "patient_id", "at"),
        Index("ix_audit_events_clinic_patient", "clinic_patient_id", "at"),
        Index("ix_audit_events_actor", "actor_id", "at"),
        Index("ix_audit_events_at", "at"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow)
    actor_id: Optional[int] = Field(default=None)  # None: MiWell itself (a job) or someone signed out
    actor_role: str = Field(max_length=20)  # patient, psychiatrist, staff, admin, system, signed out
    action: str = Field(max_length=12)
    subject: str = Field(max_length=40)  # "wellbeing entry", "contact details", "appointment", ...
    record_id: Optional[int] = Field(default=None)
    patient_id: Optional[int] = Field(default=None)  # the MiWell patient account concerned
    clinic_patient_id: Optional[int] = Field(default=None)  # or the clinic's patient record
    organisation_id: Optional[int] = Field(default=None)
    detail: str = Field(default="", max_length=200)  # which fields changed; never their values
    origin: str = Field(default="", max_length=100)  # the request's address
