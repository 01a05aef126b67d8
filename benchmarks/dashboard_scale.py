"""How the psychiatrist's views cope with 500 patients and a year of entries each.

Builds a throwaway database (SQLite by default, or a new database on the PostgreSQL server given),
fills it with one psychiatrist, 500 patients and 365 days of entries per patient, then times the
dashboard, the review feed, the live watcher's alert signature and one patient's year of history.

    .venv/bin/python -m benchmarks.dashboard_scale
    .venv/bin/python -m benchmarks.dashboard_scale --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Callable

from sqlalchemy import event, insert
from sqlmodel import Session, select

from miwell.accounts.models import PatientProfile, User
from miwell.accounts.services import CurrentUser
from miwell.db import make_engine
from miwell.notifications import services as alerts
from miwell.timeutil import utcnow
from miwell.wellbeing import services as service
from miwell.wellbeing.models import MoodEntry
from tests.conftest import PostgresServer, upgrade

PATIENTS = 500
DAYS = 365


def _fill(engine) -> tuple[CurrentUser, int]:
    now = utcnow()
    with Session(engine) as s:
        doctor = User(email="doc@example.org", password_hash="-", role="psychiatrist", full_name="Dr Scale", phone="+442079460000")
        s.add(doctor)
        s.flush()
        users = [
            dict(email=f"p{n}@example.org", password_hash="-", role="patient", full_name=f"Patient {n:03d}", phone="+442079460001", created_at=now)
            for n in range(PATIENTS)
        ]
        s.execute(insert(User), users)
        ids = list(s.exec(select(User.id).where(User.role == "patient").order_by(User.id)).all())
        s.execute(
            insert(PatientProfile),
            [dict(user_id=i, psychiatrist_id=doctor.id, emergency_contact_name="Kin", emergency_contact_phone="+441614960000") for i in ids],
        )
        today = now.date()
        for i in ids:
            s.execute(
                insert(MoodEntry),
                [
                    dict(
                        patient_id=i,
                        day=today - timedelta(days=d),
                        score=1 + (i + d) % 7 if (i + d) % 7 else 4,
                        note="",
                        minutes=5 * (d % 4),
                        risk_level="none",
                        risk_reasons="",
                        created_at=now,
                        updated_at=now,
                        reviewed_at=now if d > 3 else None,
                    )
                    for d in range(DAYS)
                ],
            )
        s.commit()
        return CurrentUser(doctor.id, "psychiatrist", doctor.full_name, doctor.email), ids[0]


def _time(fn: Callable[[], object], engine, repeat: int = 5) -> tuple[float, int]:
    """Median milliseconds over ``repeat`` runs, and the statements one run issues."""
    statements: list[str] = []
    times = []
    for n in range(repeat):
        def count(*_args) -> None:
            statements.append("")

        if n == 0:
            event.listen(engine, "before_cursor_execute", count)
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
        if n == 0:
            event.remove(engine, "before_cursor_execute", count)
    return statistics.median(times), len(statements)


def run(url: str) -> None:
    upgrade(url)
    engine = make_engine(url)
    try:
        started = time.perf_counter()
        doctor, patient_id = _fill(engine)
        print(f"{engine.dialect.name}: {PATIENTS} patients x {DAYS} days filled in {time.perf_counter() - started:.0f} s")
        with Session(engine) as s:
            checks = {
                "dashboard": lambda: service.dashboard(s, doctor),
                "review feed (first 50)": lambda: service.review_feed(s, doctor),
                "alert signature (watcher tick)": lambda: alerts.alert_signature(s, doctor.id),
                "one patient's year of history": lambda: service.history(s, doctor, patient_id, days=365),
            }
            for name, fn in checks.items():
                ms, statements = _time(fn, engine)
                print(f"  {name:<32} median {ms:7.1f} ms  ({statements} statements)")
    finally:
        engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", default=None, help="server URL; a throwaway database is made on it")
    args = parser.parse_args()
    if args.postgres:
        server = PostgresServer(args.postgres)
        url = server.create()
        try:
            run(url)
        finally:
            server.drop(url)
            server.admin.dispose()
    else:
        with tempfile.TemporaryDirectory() as tmp:
            run(f"sqlite:///{Path(tmp) / 'scale.db'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
