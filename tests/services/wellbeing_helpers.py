"""Builders for the wellbeing service tests: a care team, tasks, and days of entries."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import func
from sqlmodel import Session, select

from miwell.accounts.models import PatientProfile, User
from miwell.accounts.services import CurrentUser
from miwell.wellbeing import services as service
from miwell.wellbeing.models import WellbeingTask
from tests.factories import as_current, make_user

# Midday in London and early morning of the next day in Auckland: far from any local midnight.
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)
_ids = itertools.count(1)


@dataclass
class Team:
    doctor: CurrentUser
    patient: CurrentUser


def team(session: Session, **patient_fields) -> Team:
    """A new psychiatrist and a patient assigned to them (the new psychiatrist is least loaded)."""
    doctor = make_user(session, "psychiatrist")
    patient = make_user(session, "patient", **patient_fields)
    profile = session.get(PatientProfile, patient.id)
    assert profile is not None and profile.psychiatrist_id == doctor.id
    return Team(as_current(doctor), as_current(patient))


def cheap_patients(session: Session, doctor: CurrentUser, n: int) -> list[CurrentUser]:
    """Patients inserted directly (no password hashing), for tests that need many."""
    made = []
    for _ in range(n):
        k = next(_ids)
        user = User(
            email=f"bulk{k}@example.org", password_hash="-", role="patient", full_name=f"Bulk Patient {k:04d}", phone="+442079460000"
        )
        session.add(user)
        session.flush()
        assert user.id is not None
        session.add(
            PatientProfile(
                user_id=user.id, psychiatrist_id=doctor.id, emergency_contact_name="Kin", emergency_contact_phone="+441614960000"
            )
        )
        made.append(as_current(user))
    session.flush()
    return made


def add_task(session: Session, title: str, minutes: int, band: str, retired: bool = False) -> int:
    task = WellbeingTask(title=title, description=f"About {title}.", minutes=minutes, band=band, retired=retired)
    session.add(task)
    session.flush()
    assert task.id is not None
    return task.id


def task_library(session: Session) -> dict[str, list[int]]:
    """Three tasks per band, of 5, 10 and 15 minutes."""
    return {band: [add_task(session, f"{band} {m}", m, band) for m in (5, 10, 15)] for band in ("low", "mid", "high")}


def save_on(session: Session, patient: CurrentUser, days_ago: int, score: int, note: str = "", minutes: int = 0):
    return service.save_today(session, patient, score, note, minutes, now=NOW - timedelta(days=days_ago))


def count(session: Session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()
