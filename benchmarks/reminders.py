"""Daily reminders at scale, and the outbox's throughput to a real SMTP server.

Fills a throwaway database with 100,000 patients (a week of entries each, some with their
reminders off or at another time, in several time zones), then:

1. times the reminder scan's recipients (``scans.reminder_candidates``: the zones, then preferences,
   last entries and queued keys in one statement) against a bare indexed query of the patient
   rows (users joined to profiles, nothing else), and prints the ratio (goal: <= 2x);
2. times the whole scan (query, the time-zone rules in Python, inserting the outbox rows);
3. sends 2,000 messages through the outbox to a local aiosmtpd and prints messages per second.

    .venv/bin/python -m benchmarks.reminders [--patients 100000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import insert, text
from sqlmodel import Session, select

from miwell.accounts.models import PatientProfile, User
from miwell.db import make_engine
from miwell.outreach.core.messages import Mail
from miwell.outreach.models import MessagePreference
from miwell.outreach.services import outbox, scans
from miwell.wellbeing.models import MoodEntry
from tests.conftest import PostgresServer, upgrade
from tests.services.outreach_helpers import mailer_for, smtp_server

ZONES = ["Europe/London", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Pacific/Auckland"]
# 19:00 in London (UTC in winter): London patients' default reminder time.
NOW = datetime(2026, 12, 4, 19, 0, tzinfo=timezone.utc)
DAYS = 7
MESSAGES = 2000


def _fill(engine, patients: int) -> None:
    created = NOW - timedelta(days=60)
    with Session(engine) as s:
        doctor = User(email="doc@example.org", password_hash="-", role="psychiatrist", full_name="Dr Scale", phone="+442079460000")
        s.add(doctor)
        s.flush()
        for start in range(0, patients, 10_000):
            chunk = range(start, min(patients, start + 10_000))
            s.execute(
                insert(User),
                [dict(email=f"p{n}@example.org", password_hash="-", role="patient", full_name=f"Patient {n}", phone="+442079460001", created_at=created) for n in chunk],
            )
        ids = list(s.exec(select(User.id).where(User.role == "patient").order_by(User.id)).all())
        for start in range(0, len(ids), 10_000):
            chunk = ids[start : start + 10_000]
            s.execute(
                insert(PatientProfile),
                [
                    dict(user_id=i, psychiatrist_id=doctor.id, emergency_contact_name="Kin", emergency_contact_phone="+441614960000", timezone=ZONES[i % len(ZONES)])
                    for i in chunk
                ],
            )
            # One in ten has chosen otherwise: reminders off, or at 20:30.
            s.execute(
                insert(MessagePreference),
                [dict(user_id=i, emails=True, daily_reminder=i % 20 != 0, reminder_time="20:30" if i % 20 == 10 else "19:00", digest=False, updated_at=created) for i in chunk if i % 10 == 0],
            )
            # A week of entries; a third have already logged today.
            rows = []
            for i in chunk:
                first = 0 if i % 3 == 0 else 1
                rows += [
                    dict(patient_id=i, day=(NOW - timedelta(days=d)).date(), score=4, note="", minutes=0, risk_level="none", risk_reasons="", created_at=created, updated_at=created)
                    for d in range(first, DAYS)
                ]
            s.execute(insert(MoodEntry), rows)
        s.commit()


def _median_ms(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run(url: str, patients: int) -> None:
    upgrade(url)
    engine = make_engine(url)
    try:
        started = time.perf_counter()
        _fill(engine, patients)
        print(f"{engine.dialect.name}: {patients:,} patients x {DAYS} days filled in {time.perf_counter() - started:.0f} s")
        with Session(engine) as s:
            if engine.dialect.name == "postgresql":
                s.execute(text("ANALYZE"))
            bare = text(
                "SELECT users.id, users.email, users.full_name, users.created_at, patient_profiles.timezone "
                "FROM users JOIN patient_profiles ON patient_profiles.user_id = users.id WHERE users.role = 'patient'"
            )
            bare_ms = _median_ms(lambda: s.execute(bare).all())
            ours_ms = _median_ms(lambda: scans.reminder_candidates(s, NOW))
            found = len(scans.reminder_candidates(s, NOW))
        print(f"  bare indexed query of the patient rows   median {bare_ms:8.1f} ms")
        print(f"  reminder recipients (two statements)     median {ours_ms:8.1f} ms  ({found:,} candidates)")
        print(f"  ratio recipients/bare: {ours_ms / bare_ms:.2f}x (goal <= 2x)")
        with Session(engine) as s:
            started = time.perf_counter()
            reminders, nudges = scans.queue_daily_reminders(s, NOW)
            s.commit()
        print(f"  whole scan, queuing {reminders:,} reminders and {nudges:,} nudges: {(time.perf_counter() - started):.1f} s")
        with Session(engine) as s:
            s.execute(text("DELETE FROM outbox_messages"))
            for n in range(MESSAGES):
                outbox.enqueue(s, key=f"bench:{n}", kind="appointment", recipient=f"p{n}@example.org", mail=Mail("Reminder", "Body"), now=NOW)
            s.commit()
        # Appointment messages without an appointment would be cancelled at send time; these
        # measure the transport, so they go out as plain messages.
        with Session(engine) as s:
            s.execute(text("UPDATE outbox_messages SET kind = 'digest', user_id = NULL"))
            s.execute(text("UPDATE outbox_messages SET user_id = (SELECT id FROM users WHERE role = 'psychiatrist')"))
            s.add(MessagePreference(user_id=s.exec(select(User.id).where(User.role == "psychiatrist")).one(), digest=True, updated_at=NOW))
            s.commit()
        with smtp_server() as (inbox, port):
            started = time.perf_counter()
            report = outbox.send_due(engine, mailer_for(port), "bench", now=NOW, limit=MESSAGES)
            seconds = time.perf_counter() - started
        print(f"  outbox -> aiosmtpd: {report.sent:,} sent in {seconds:.1f} s = {report.sent / seconds:.0f} messages/s (one connection each)")
        assert len(inbox.messages) == report.sent
    finally:
        engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--postgres", default=None, help="server URL; a throwaway database is made on it")
    args = parser.parse_args()
    if args.postgres:
        server = PostgresServer(args.postgres)
        url = server.create()
        try:
            run(url, args.patients)
        finally:
            server.drop(url)
            server.admin.dispose()
    else:
        with tempfile.TemporaryDirectory() as tmp:
            run(f"sqlite:///{Path(tmp) / 'reminders.db'}", args.patients)
    return 0


if __name__ == "__main__":
    sys.exit(main())
