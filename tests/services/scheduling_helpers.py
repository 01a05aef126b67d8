"""A small clinic world for the scheduling service tests, built through the real services."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from typing import Iterator

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from miwell.accounts.services import CurrentUser
from miwell.scheduling import services as service
from tests.factories import as_current, make_user

# Tuesday 1 December 2026, 08:00 in London (UTC in winter): before the day's first slot.
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
TODAY = date(2026, 12, 1)
WEEKDAYS = (0, 1, 2, 3, 4)


@dataclass
class Org:
    id: int
    admin: CurrentUser
    staff: CurrentUser
    clinic_id: int
    doctor_id: int
    patient_id: int
    client_id: int


def make_org(s: Session, name: str, admin: CurrentUser | None = None) -> Org:
    """An organisation with one clinic, one doctor with a weekday morning agenda, a patient and a client."""
    admin = admin or as_current(make_user(s, "admin"))
    org = service.create_organisation(s, admin, name)
    staff = as_current(make_user(s, "staff", organisation_id=org.id))
    clinic = service.create_clinic(s, admin, org.id, f"{name} Clinic", "1 High Street, Leeds", "Europe/London")
    doctor = service.create_doctor(s, staff, full_name=f"Dr {name}", speciality="Psychiatry")
    agenda_for(s, staff, doctor.id, clinic.id)
    patient = service.create_patient(s, staff, full_name=f"Patient of {name}", phone="0113 496 0101")
    client = service.create_client(s, staff, full_name=f"Client of {name}", phone="0161 496 0301")
    return Org(org.id, admin, staff, clinic.id, doctor.id, patient.id, client.id)  # type: ignore[arg-type]


def agenda_for(
    s: Session,
    staff: CurrentUser,
    doctor_id: int,
    clinic_id: int,
    start: time = time(9, 0),
    end: time = time(12, 0),
    minutes: int = 30,
    first: date = TODAY,
    last: date = date(2027, 2, 26),
    weekdays=WEEKDAYS,
):
    return service.create_agenda(
        s,
        staff,
        doctor_id,
        clinic_id=clinic_id,
        start_date=first,
        end_date=last,
        start_time=start,
        end_time=end,
        slot_minutes=minutes,
        weekdays=weekdays,
    )


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


@contextmanager
def count_statements(engine: Engine, audit: bool = False) -> Iterator[list[str]]:
    """Collects every SQL statement the engine runs inside the block.

    The audit log's own statements are left out unless ``audit``: they are bounded once, in
    tests/services/test_audit.py (two per page, whatever its rows), not in each reader's test.
    """
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if audit or "audit_events" not in statement:
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def accept_links(s: Session, user: CurrentUser) -> list[str]:
    """The account's owner accepts every clinic's request to link it (the consent staff cannot give)."""
    from miwell.scheduling.services import links

    return [links.answer(s, user, r.id, True) for r in links.my_requests(s, user)]
