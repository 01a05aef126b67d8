"""How long the clinic calendar takes to load a busy month, against the bare query of that range.

    python benchmarks/calendar_month.py

The clinic: 50 doctors with weekday agendas (09:00-12:00 and 13:00-17:00, 30-minute slots) and
5,000 appointments in one month, a tenth of them cancelled, built in a temporary SQLite file
through the app's services and models. Timed, as medians of repeated runs:

- the page's own loader (``calendar_service.calendar_events``, the function the calendar page
  calls on every range change, from the query to the FullCalendar event dicts) for the month view,
  as sent (over ``MAX_APPOINTMENT_EVENTS`` bookings, each doctor's day becomes one count) and with
  one event per booking for comparison; and for a week with the free slots of 8 doctors;
- the bare indexed query of the same range's appointment rows, nothing joined or built.

Read the results as ratios within one run: the machines are shared.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder comes first on sys.path, where this file would stand in for the
# standard library's ``calendar`` module (which the email package, and so SQLAlchemy, imports).
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time as clock  # noqa: E402
from collections.abc import Callable  # noqa: E402
from datetime import date, datetime, time, timedelta, timezone  # noqa: E402
os.environ.setdefault("MIWELL_SECRET_KEY", "benchmark-only")

from sqlalchemy import bindparam, func  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from miwell.accounts.models import User  # noqa: E402
from miwell.accounts.services import CurrentUser  # noqa: E402
from miwell.db import make_engine  # noqa: E402
from miwell.models import metadata  # noqa: E402
from miwell.scheduling import services as service
from miwell.scheduling.services import calendar as calendar_service  # noqa: E402
from miwell.scheduling.services.calendar import Filters  # noqa: E402
from miwell.scheduling.core.calendar_view import MAX_APPOINTMENT_EVENTS, visible_range  # noqa: E402
from miwell.scheduling.models import Appointment, Clinic, ClinicPatient, Organisation  # noqa: E402

DOCTORS = 50
PATIENTS = 800
APPOINTMENTS = 5000
CANCELLED_SHARE = 0.1
FIRST_DAY = date(2027, 3, 1)  # a Monday; March 2027 has 23 weekdays
LAST_DAY = date(2027, 3, 31)
WINDOWS = ((time(9), time(12)), (time(13), time(17)))
SLOT_MINUTES = 30
# What FullCalendar asks for when it shows March 2027: six weeks from Monday 1 March.
MONTH_VIEW = visible_range("2027-03-01T00:00:00Z", "2027-04-12T00:00:00Z", "dayGridMonth")
WEEK_VIEW = visible_range("2027-03-08T00:00:00Z", "2027-03-15T00:00:00Z", "timeGridWeek")
NOW = datetime(2027, 2, 1, 8, 0, tzinfo=timezone.utc)  # before the month: no slot is hidden as past
REPEATS = 15

BARE = (
    select(
        Appointment.id, Appointment.doctor_id, Appointment.patient_id, Appointment.clinic_id,
        Appointment.starts_at, Appointment.ends_at, Appointment.status,
    )  # fmt: skip
    .where(Appointment.organisation_id == bindparam("organisation"))
    .where(Appointment.starts_at >= bindparam("since"), Appointment.starts_at < bindparam("until"))
    .where(Appointment.status != "cancelled")
)


def median_seconds(*calls: Callable[[], object], repeats: int = REPEATS) -> list[float]:
    """Median time of each call; the calls take turns so that a busy moment weighs on all alike."""
    times: list[list[float]] = [[] for _ in calls]
    for call in calls:
        call()  # warm caches (compiled statements, SQLite pages) before timing
    for _ in range(repeats):
        for spent, call in zip(times, calls):
            started = clock.perf_counter()
            call()
            spent.append(clock.perf_counter() - started)
    return [statistics.median(spent) for spent in times]


def slots_of_month() -> list[tuple[datetime, datetime]]:
    slots = []
    day, step = FIRST_DAY, timedelta(minutes=SLOT_MINUTES)
    while day <= LAST_DAY:
        if day.weekday() < 5:
            for start, end in WINDOWS:
                at = datetime.combine(day, start)
                while at + step <= datetime.combine(day, end):
                    slots.append((at, at + step))
                    at += step
        day += timedelta(days=1)
    return slots


class Clinic50:
    def __init__(self, folder: Path):
        self.engine = make_engine(f"sqlite:///{folder / 'calendar.db'}")
        metadata.create_all(self.engine)
        with Session(self.engine) as s:
            organisation = Organisation(name="Benchmark clinic")
            s.add(organisation)
            s.flush()
            clinic = Clinic(organisation_id=organisation.id, name="Main", address="1 Road", timezone="Europe/London")
            desk = User(email="desk@example.org", password_hash="-", role="staff", full_name="Desk", phone="+442079460000",
                        organisation_id=organisation.id)  # fmt: skip
            s.add_all([clinic, desk])
            s.add_all(ClinicPatient(organisation_id=organisation.id, full_name=f"Patient {n}") for n in range(PATIENTS))
            s.commit()
            self.actor = CurrentUser(desk.id, "staff", "Desk", desk.email, organisation.id)  # type: ignore[arg-type]
            self.organisation_id = organisation.id
            self.doctor_ids = [service.create_doctor(s, self.actor, full_name=f"Dr {n:02d}").id for n in range(DOCTORS)]
            for doctor_id in self.doctor_ids:
                for start, end in WINDOWS:
                    service.create_agenda(
                        s, self.actor, doctor_id, clinic_id=clinic.id, start_date=FIRST_DAY, end_date=LAST_DAY,
                        start_time=start, end_time=end, slot_minutes=SLOT_MINUTES, weekdays=range(5),
                    )  # fmt: skip
            patient_ids = list(s.exec(select(ClinicPatient.id)).all())
            clinic_id = clinic.id
            s.commit()
        rng = random.Random(2026)
        slots = slots_of_month()
        picked = rng.sample([(d, slot) for d in self.doctor_ids for slot in slots], APPOINTMENTS)
        rows = [
            dict(organisation_id=self.organisation_id, doctor_id=doctor_id, clinic_id=clinic_id,
                 patient_id=rng.choice(patient_ids), client_id=None, starts_at=start, ends_at=end, note="",
                 status="cancelled" if rng.random() < CANCELLED_SHARE else rng.choice(("scheduled", "confirmed")),
                 created_at=NOW)  # fmt: skip
            for doctor_id, (start, end) in picked
        ]
        with self.engine.begin() as conn:
            conn.execute(Appointment.__table__.insert(), rows)  # type: ignore[attr-defined]

    def page(self, shown, filters: Filters, max_events: int = MAX_APPOINTMENT_EVENTS):
        with Session(self.engine) as s:
            return calendar_service.calendar_events(s, self.actor, shown, filters, now=NOW, max_events=max_events)

    def bare(self, shown) -> int:
        with Session(self.engine) as s:
            params = dict(organisation=self.organisation_id, since=shown.start, until=shown.end)
            return len(s.connection().execute(BARE, params).all())

    def active_in(self, shown) -> int:
        with Session(self.engine) as s:
            return s.exec(
                select(func.count()).select_from(Appointment)
                .where(Appointment.starts_at >= shown.start, Appointment.starts_at < shown.end)
                .where(Appointment.status != "cancelled")
            ).one()  # fmt: skip


def _kib(events) -> str:
    return f"{len(json.dumps(events, separators=(',', ':'))) / 1024:,.0f} KiB"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="miwell-calendar-bench-") as folder:
        started = clock.perf_counter()
        clinic = Clinic50(Path(folder))
        built = clock.perf_counter() - started
        hidden = Filters(include_cancelled=False)
        eight = Filters(doctor_ids=tuple(clinic.doctor_ids[:8]), include_cancelled=False)
        as_sent = clinic.page(MONTH_VIEW, hidden)
        every = clinic.page(MONTH_VIEW, hidden, max_events=10**6)
        week = clinic.page(WEEK_VIEW, eight)
        # Same answers first: the loader shows exactly the active bookings the bare query finds.
        assert every.appointments == clinic.bare(MONTH_VIEW) == clinic.active_in(MONTH_VIEW)
        assert as_sent.summarised and sum(e["extendedProps"]["count"] for e in as_sent.events) == every.appointments

        month_sent, month_every, bare_month = median_seconds(
            lambda: clinic.page(MONTH_VIEW, hidden),
            lambda: clinic.page(MONTH_VIEW, hidden, max_events=10**6),
            lambda: clinic.bare(MONTH_VIEW),
        )
        week_page, bare_week = median_seconds(lambda: clinic.page(WEEK_VIEW, eight), lambda: clinic.bare(WEEK_VIEW))
        clinic.engine.dispose()

    print(
        f"{DOCTORS} doctors, {APPOINTMENTS:,} appointments in {FIRST_DAY:%B %Y} ({CANCELLED_SHARE:.0%} cancelled), "
        f"SQLite; built in {built:.1f} s. Medians of {REPEATS} runs.\n"
    )
    rows = [
        ("month view as the page loads it", month_sent, bare_month, f"{len(as_sent.events):,} events, {_kib(as_sent.events)}"),
        ("month view, one event per booking", month_every, bare_month, f"{len(every.events):,} events, {_kib(every.events)}"),
        ("week view + free slots of 8 doctors", week_page, bare_week,
         f"{week.appointments:,} bookings + {week.free_slots:,} free, {_kib(week.events)}"),
    ]  # fmt: skip
    print(f"{'':38} {'page (ms)':>10} {'bare (ms)':>10} {'ratio':>7}   sent to the browser")
    for label, page, bare, sent in rows:
        print(f"{label:38} {page * 1000:>10.1f} {bare * 1000:>10.1f} {page / bare:>6.1f}x   {sent}")
    print(
        f"\nThe month holds {every.appointments:,} active bookings: more than {MAX_APPOINTMENT_EVENTS:,}, so the page sends "
        f"one count per doctor and day ({len(as_sent.events):,} events) instead of {len(every.events):,} bars. "
        "The bare query returns the same rows' columns without joining names or building anything."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
