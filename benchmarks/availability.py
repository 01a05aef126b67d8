"""MiWell's computed free slots against the classic pre-generated slot table, side by side.

    python benchmarks/availability.py

Both designs hold the same clinic: 50 doctors, two agendas a day (09:00-12:00 and 13:00-17:00,
30-minute slots, Monday to Friday) over three months, with 60% of the slots booked.

- MiWell: the app's own schema and services. An agenda is one row holding its rule; a booking is
  one appointment row; free slots are computed when asked (``service.free_slots_between``).
- Classic (the baseline, implemented here): opening an agenda writes one row per bookable slot;
  booking fills in the slot's patient; free slots are the rows without one.

Each design gets its own SQLite file in a temporary directory. Times are medians of repeated runs
on this machine, so read them as ratios within one run, not as absolute figures.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time as clock
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("MIWELL_SECRET_KEY", "benchmark-only")

from sqlalchemy import Engine, bindparam, text  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from miwell.accounts.models import User  # noqa: E402
from miwell.accounts.services import CurrentUser  # noqa: E402
from miwell.db import make_engine  # noqa: E402
from miwell.models import metadata  # noqa: E402
from miwell.scheduling import services as service  # noqa: E402
from miwell.scheduling.core.availability import free_slots_range  # noqa: E402
from miwell.scheduling.models import Agenda, Appointment, Clinic, ClinicPatient, Organisation  # noqa: E402

DOCTORS = 50
PATIENTS = 400
FIRST_DAY = date(2027, 1, 4)  # a Monday
LAST_DAY = FIRST_DAY + timedelta(weeks=13, days=-1)  # three months
WINDOWS = ((time(9), time(12)), (time(13), time(17)))
SLOT_MINUTES = 30
WEEKDAYS = (0, 1, 2, 3, 4)
BOOKED_SHARE = 0.6
# Before the period, so no slot is hidden as past.
NOW = datetime(2027, 1, 1, 8, 0).astimezone()
MONTH = (date(2027, 2, 1), date(2027, 2, 28))
WEEK = (date(2027, 2, 8), date(2027, 2, 14))
REPEATS = 60
# The limits of the second month measured: 10 minutes between sessions, a day's notice and a
# 90-day horizon (from NOW, 1 January, so the whole month is bookable and every slot goes through
# the buffered sweep).
BUFFER_MINUTES, NOTICE_MINUTES, HORIZON_DAYS = 10, 24 * 60, 90
# NOW in the clinic's zone (London, UTC+0 in January): the reference compares naive local times.
NOW_OFFSET_HOURS = 0


def all_slots() -> list[tuple[datetime, datetime]]:
    """Every bookable slot of one doctor over the period."""
    slots = []
    day = FIRST_DAY
    step = timedelta(minutes=SLOT_MINUTES)
    while day <= LAST_DAY:
        if day.weekday() in WEEKDAYS:
            for start, end in WINDOWS:
                at = datetime.combine(day, start)
                while at + step <= datetime.combine(day, end):
                    slots.append((at, at + step))
                    at += step
        day += timedelta(days=1)
    return slots


def booked_plan(slot_count: int) -> list[list[int]]:
    """Which slot indexes each doctor has booked: the same 60% in both designs."""
    rng = random.Random(2026)
    return [sorted(rng.sample(range(slot_count), round(slot_count * BOOKED_SHARE))) for _ in range(DOCTORS)]


def median_seconds(*calls: Callable[[], object], repeats: int = REPEATS) -> list[float]:
    """Median time of each call; the calls take turns so that a busy moment of a shared machine
    weighs on all of them alike."""
    times: list[list[float]] = [[] for _ in calls]
    for call in calls:
        call()  # warm caches (compiled statements, SQLite pages) before timing
    for _ in range(repeats):
        for spent, call in zip(times, calls):
            started = clock.perf_counter()
            call()
            spent.append(clock.perf_counter() - started)
    return [statistics.median(spent) for spent in times]


def file_size(engine: Engine, path: Path) -> int:
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.stat().st_size


# --- MiWell --------------------------------------------------------------------------------------


class MiWell:
    def __init__(self, folder: Path):
        self.path = folder / "miwell.db"
        self.engine = make_engine(f"sqlite:///{self.path}")
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
            self.organisation_id, self.clinic_id = organisation.id, clinic.id
            self.doctor_ids = [
                service.create_doctor(s, self.actor, full_name=f"Dr {n}").id for n in range(DOCTORS)
            ]
            self.patient_ids = list(s.exec(select(ClinicPatient.id)).all())
            s.commit()

    def open_agendas(self) -> None:
        with Session(self.engine) as s:
            for doctor_id in self.doctor_ids:
                for start, end in WINDOWS:
                    service.create_agenda(
                        s, self.actor, doctor_id, clinic_id=self.clinic_id, start_date=FIRST_DAY, end_date=LAST_DAY,
                        start_time=start, end_time=end, slot_minutes=SLOT_MINUTES, weekdays=WEEKDAYS,
                    )  # fmt: skip
            s.commit()

    def book(self, slots: list[tuple[datetime, datetime]], plan: list[list[int]]) -> None:
        rows = [
            dict(organisation_id=self.organisation_id, doctor_id=doctor_id, clinic_id=self.clinic_id,
                 patient_id=self.patient_ids[i % PATIENTS], client_id=None, starts_at=slots[i][0], ends_at=slots[i][1],
                 status="scheduled", created_at=NOW)  # fmt: skip
            for doctor_id, booked in zip(self.doctor_ids, plan)
            for i in booked
        ]
        with self.engine.begin() as conn:
            conn.execute(Appointment.__table__.insert(), rows)  # type: ignore[attr-defined]

    def rows(self) -> int:
        with self.engine.connect() as conn:
            return sum(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in ("agendas", "appointments"))

    def free_month(self) -> int:
        with Session(self.engine) as s:
            found = service.free_slots_between(s, self.actor, *MONTH, doctor_id=self.doctor_ids[7], now=NOW)
        return sum(len(v) for v in found.values())

    def free_week_all(self) -> int:
        with Session(self.engine) as s:
            found = service.free_slots_between(s, self.actor, *WEEK, now=NOW)
        return sum(len(v) for v in found.values())

    def core_month(self) -> Callable[[], object]:
        """The pure computation alone (``availability.free_slots_range``) on the month's data."""
        with Session(self.engine) as s:
            rules = [service.rule_of(a) for a in s.exec(select(Agenda).where(Agenda.doctor_id == self.doctor_ids[7])).all()]
            booked = [tuple(r) for r in s.connection().execute(BARE_MONTH, self._month_params()).all()]
        return lambda: free_slots_range(rules, booked, *MONTH)

    def keep_limits(self) -> None:
        """Give doctor 7's agendas a buffer, a notice and a horizon that cuts the month in two."""
        with self.engine.begin() as conn:
            conn.execute(
                text("UPDATE agendas SET buffer_minutes = :b, min_notice_minutes = :n, horizon_days = :h WHERE doctor_id = :d"),
                dict(b=BUFFER_MINUTES, n=NOTICE_MINUTES, h=HORIZON_DAYS, d=self.doctor_ids[7]),
            )

    def expected_limited_month(self) -> int:
        """The same month's free slots worked out slot by slot from the contract, to check the service."""
        with Session(self.engine) as s:
            booked = [tuple(r) for r in s.connection().execute(BARE_MONTH, dict(self._month_params(), since=MONTH_START - timedelta(days=1), until=MONTH_END + timedelta(days=1))).all()]
        buffer, now = timedelta(minutes=BUFFER_MINUTES), NOW.replace(tzinfo=None) + timedelta(hours=NOW_OFFSET_HOURS)
        count = 0
        for start, end in all_slots():
            if not MONTH_START <= start < MONTH_END or start < now + timedelta(minutes=NOTICE_MINUTES):
                continue
            if start >= now + timedelta(days=HORIZON_DAYS):
                continue
            count += not any(b < end + buffer and start - buffer < e for b, e in booked)
        return count

    def _month_params(self) -> dict[str, object]:
        return dict(doctor=self.doctor_ids[7], since=MONTH_START, until=MONTH_END)

    def bare_month_appointments(self) -> int:
        """The floor: an indexed query of the doctor's appointments of the month, nothing computed,
        run the way the service runs its own (a prebuilt statement, Core rows)."""
        with Session(self.engine) as s:
            return len(s.connection().execute(BARE_MONTH, self._month_params()).all())


MONTH_START, MONTH_END = datetime.combine(MONTH[0], time.min), datetime.combine(MONTH[1] + timedelta(days=1), time.min)
BARE_MONTH = (
    select(Appointment.starts_at, Appointment.ends_at)
    .where(Appointment.doctor_id == bindparam("doctor"), Appointment.status != "cancelled")
    .where(Appointment.starts_at >= bindparam("since"), Appointment.starts_at < bindparam("until"))
)


# --- the classic design -----------------------------------------------------------------------------

# The same columns and indexes as MiWell's appointments, so that only the design differs: here
# every slot is a row from the moment its agenda opens, "free" until someone books it.
CLASSIC_SCHEMA = """
CREATE TABLE slots (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL,
    doctor_id INTEGER NOT NULL,
    clinic_id INTEGER NOT NULL,
    patient_id INTEGER,
    client_id INTEGER,
    starts_at DATETIME NOT NULL,
    ends_at DATETIME NOT NULL,
    status VARCHAR(20) NOT NULL,
    created_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX ix_slots_doctor_start ON slots (doctor_id, starts_at);
CREATE INDEX ix_slots_org_start ON slots (organisation_id, starts_at);
CREATE INDEX ix_slots_clinic ON slots (clinic_id);
CREATE INDEX ix_slots_patient ON slots (patient_id);
CREATE INDEX ix_slots_client ON slots (client_id);
"""


class Classic:
    def __init__(self, folder: Path):
        self.path = folder / "classic.db"
        self.engine = make_engine(f"sqlite:///{self.path}")
        with self.engine.begin() as conn:
            for statement in CLASSIC_SCHEMA.split(";"):
                if statement.strip():
                    conn.exec_driver_sql(statement)
        self.doctor_ids = list(range(1, DOCTORS + 1))

    def open_agendas(self, slots: list[tuple[datetime, datetime]]) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO slots (organisation_id, doctor_id, clinic_id, starts_at, ends_at, status, created_at)"
                    " VALUES (1, :d, 1, :s, :e, 'free', :now)"
                ),
                [dict(d=d, s=start, e=end, now=NOW) for d in self.doctor_ids for start, end in slots],
            )

    def book(self, slots: list[tuple[datetime, datetime]], plan: list[list[int]]) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                text("UPDATE slots SET patient_id = :p, status = 'scheduled' WHERE doctor_id = :d AND starts_at = :s"),
                [dict(p=i % PATIENTS + 1, d=d, s=slots[i][0]) for d, booked in zip(self.doctor_ids, plan) for i in booked],
            )

    def rows(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM slots")).scalar_one()

    def _free(self, first: date, last: date, doctor_id: int | None) -> int:
        query = "SELECT doctor_id, starts_at, ends_at FROM slots WHERE status = 'free' AND starts_at >= :a AND starts_at < :b"
        params = dict(a=datetime.combine(first, time.min), b=datetime.combine(last + timedelta(days=1), time.min))
        if doctor_id is not None:
            query += " AND doctor_id = :d"
            params["d"] = doctor_id
        with Session(self.engine) as s:
            return len(s.connection().execute(text(query + " ORDER BY doctor_id, starts_at"), params).all())

    def free_month(self) -> int:
        return self._free(*MONTH, self.doctor_ids[7])

    def free_week_all(self) -> int:
        return self._free(*WEEK, None)


# --- the run -------------------------------------------------------------------------------------------


def _ratio(miwell: float, classic: float) -> str:
    return f"{miwell / classic:.2f}x" if classic else "-"


def main() -> int:
    slots = all_slots()
    plan = booked_plan(len(slots))
    with tempfile.TemporaryDirectory(prefix="miwell-bench-") as folder:
        mi, cl = MiWell(Path(folder)), Classic(Path(folder))

        started = clock.perf_counter()
        mi.open_agendas()
        mi_open = clock.perf_counter() - started
        started = clock.perf_counter()
        cl.open_agendas(slots)
        cl_open = clock.perf_counter() - started
        mi.book(slots, plan)
        cl.book(slots, plan)

        # Same answers first, then timings.
        assert mi.free_month() == cl.free_month(), "the designs disagree on a doctor's month"
        assert mi.free_week_all() == cl.free_week_all(), "the designs disagree on the week"
        figures = [
            ("rows stored (agendas + appointments | slots)", f"{mi.rows():,}", f"{cl.rows():,}", mi.rows() / cl.rows(), ""),
            ("database file size (KiB)", f"{file_size(mi.engine, mi.path) // 1024:,}", f"{file_size(cl.engine, cl.path) // 1024:,}",
             file_size(mi.engine, mi.path) / file_size(cl.engine, cl.path), ""),
            ("open the agendas (ms)", f"{mi_open * 1000:.1f}", f"{cl_open * 1000:.1f}", mi_open / cl_open, ""),
        ]  # fmt: skip
        mi_month, cl_month, bare, core = median_seconds(
            mi.free_month, cl.free_month, mi.bare_month_appointments, mi.core_month()
        )
        mi_week, cl_week = median_seconds(mi.free_week_all, cl.free_week_all, repeats=REPEATS // 4)
        figures += [
            ("one doctor's free slots, a month (ms)", f"{mi_month * 1000:.2f}", f"{cl_month * 1000:.2f}", mi_month / cl_month, ""),
            ("all doctors' free slots, a week (ms)", f"{mi_week * 1000:.2f}", f"{cl_week * 1000:.2f}", mi_week / cl_week, ""),
        ]
        free_month, booked_month = mi.free_month(), mi.bare_month_appointments()
        mi.keep_limits()
        limited_month = mi.free_month()
        assert limited_month == mi.expected_limited_month(), "buffers, notice or horizon went wrong"
        mi_limited, bare_again = median_seconds(mi.free_month, mi.bare_month_appointments)
        mi.engine.dispose()
        cl.engine.dispose()

    print(f"{DOCTORS} doctors, 2 agendas a day (Mon-Fri, {SLOT_MINUTES}-minute slots), {FIRST_DAY} to {LAST_DAY}, "
          f"{BOOKED_SHARE:.0%} of {len(slots) * DOCTORS:,} slots booked. Medians of {REPEATS} runs.\n")  # fmt: skip
    print(f"{'':46} {'MiWell':>12} {'classic':>12} {'MiWell/classic':>15}")
    for label, mine, theirs, ratio, _ in figures:
        print(f"{label:46} {mine:>12} {theirs:>12} {ratio:>14.2f}x")
    goal = mi_month / bare
    print(
        f"\nA doctor's month: {free_month} free slots computed in {mi_month * 1000:.2f} ms; a bare indexed query of "
        f"the month's {booked_month} appointments takes {bare * 1000:.2f} ms: {goal:.2f}x "
        f"(goal: at most 2x) {'- met' if goal <= 2 else '- NOT met'}.\n"
        f"Of those {mi_month * 1000:.2f} ms, the pure computation (availability.free_slots_range) alone takes "
        f"{core * 1000:.2f} ms ({core / bare:.2f}x the bare query); the rest is the two queries and assembling the result."
    )
    limited_goal = mi_limited / bare_again
    print(
        f"With {BUFFER_MINUTES} minutes between sessions, {NOTICE_MINUTES // 60} hours' notice and a {HORIZON_DAYS}-day "
        f"horizon: {limited_month} free slots in {mi_limited * 1000:.2f} ms, {limited_goal:.2f}x the bare "
        f"query ({bare_again * 1000:.2f} ms) (goal: at most 2x) {'- met' if limited_goal <= 2 else '- NOT met'}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
