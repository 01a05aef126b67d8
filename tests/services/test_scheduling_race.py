"""Many desks booking one slot at the same moment, on SQLite and on PostgreSQL (where the exclusion
constraint stands behind the unique index): one booking, clear refusals."""

import threading

import pytest
from sqlalchemy import func
from sqlmodel import select

from miwell.db import session_scope
from miwell.scheduling import services as service
from miwell.scheduling.models import Appointment
from tests.services.scheduling_helpers import NOW, TODAY, at, make_org

DESKS = 12


def test_concurrent_bookings_of_one_slot_store_exactly_one(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        patients = [service.create_patient(s, a.staff, full_name=f"Patient {n}").id for n in range(DESKS)]
    barrier = threading.Barrier(DESKS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def desk(patient_id: int) -> None:
        barrier.wait()  # every desk has loaded the page and presses "Book" together
        try:
            with session_scope(engine) as s:
                service.book(s, a.staff, a.doctor_id, at(TODAY, 10), patient_id, a.client_id, now=NOW)
            outcome = "booked"
        except service.SchedulingError as exc:
            outcome = str(exc)
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=desk, args=(p,)) for p in patients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert sorted(outcomes) == sorted(["booked"] + [service.SLOT_TAKEN] * (DESKS - 1))
    with session_scope(engine) as s:
        stored = s.exec(select(func.count()).select_from(Appointment).where(Appointment.starts_at == at(TODAY, 10))).one()
    assert stored == 1
