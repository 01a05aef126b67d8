"""The real job queue: a huey consumer process sends an unseen urgent alert's email and the
queued messages to a real SMTP server; stopped in the middle and started again, it loses and
repeats nothing."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from miwell.db import make_engine, session_scope
from miwell.outreach.core.messages import Mail
from miwell.outreach.models import OutboxMessage
from miwell.outreach.services import outbox, settings as prefs
from miwell.timeutil import utcnow
from miwell.wellbeing import services as wellbeing
from tests.conftest import REDIS_URL, unavailable, upgrade
from tests.factories import as_current, make_user
from tests.services.outreach_helpers import Inbox, free_port
from tests.services.wellbeing_helpers import team

ROOT = Path(__file__).resolve().parents[2]


class SlowInbox(Inbox):
    """Takes a moment per message, so a stop can land in the middle of a batch."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture(params=["sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def queue_url(request, tmp_path) -> str:
    """The queue's storage: its own SQLite file (the default run) or Redis (several servers)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'queue.db'}"
    import redis

    url = REDIS_URL.rsplit("/", 1)[0] + "/12"
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.flushdb()
    except Exception as exc:
        unavailable("Redis", exc)
    finally:
        client.close()
    return url


def _env(tmp_path: Path, db_url: str, port: int, queue_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        MIWELL_DATABASE_URL=db_url,
        MIWELL_QUEUE_URL=queue_url,
        MIWELL_SMTP_URL=f"smtp+insecure://127.0.0.1:{port}",
        MIWELL_PUBLIC_URL="https://miwell.test",
        MIWELL_SECRET_KEY="consumer-test",
        PYTHONPATH=str(ROOT),
    )
    env.pop("REFLEX_REDIS_URL", None)
    return env


def _consumer(env: dict[str, str], log: Path) -> subprocess.Popen:
    consumer = Path(sys.executable).with_name("huey_consumer")
    return subprocess.Popen(
        [str(consumer), "miwell.outreach.tasks.huey", "--workers", "2"], env=env, cwd=ROOT, stdout=log.open("a"), stderr=subprocess.STDOUT
    )


def _tick(env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-c", "from miwell.outreach.tasks import tick; tick()"], env=env, cwd=ROOT, check=True, timeout=60)


def _wait(condition, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def _queue(engine, doctor_id: int, first: int, n: int) -> None:
    with session_scope(engine) as s:
        for i in range(first, first + n):
            outbox.enqueue(s, key=f"batch:{i}", kind="digest", recipient=f"person{i}@example.org", mail=Mail(f"Hello {i}", "Body"), user_id=doctor_id)


def test_a_consumer_stopped_mid_batch_and_restarted_loses_and_repeats_nothing(tmp_path, queue_url):
    from aiosmtpd.controller import Controller

    db_url = f"sqlite:///{tmp_path / 'miwell.db'}"
    upgrade(db_url)
    engine = make_engine(db_url)
    inbox = SlowInbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    env = _env(tmp_path, db_url, port, queue_url)
    log = tmp_path / "consumer.log"
    try:
        with session_scope(engine) as s:
            t = team(s)
            # Urgent, six minutes ago, not acknowledged: the consumer's scan emails the psychiatrist.
            wellbeing.save_today(s, t.patient, 2, "I want to end my life", 0, now=utcnow() - timedelta(minutes=6))
            doctor = as_current(make_user(s, "psychiatrist"))
            prefs.save_preferences(s, doctor, True, True, "19:00", True)
            doctor_id = doctor.id
        _queue(engine, doctor_id, 0, 30)

        first = _consumer(env, log)
        _tick(env)
        _wait(lambda: len(inbox.messages) >= 5)
        # What Ctrl-C or run.sh's stop sends: finish the message being sent and the pass, then exit.
        first.send_signal(signal.SIGINT)
        at_stop = len(inbox.messages)
        assert first.wait(timeout=60) == 0, log.read_text()[-2000:]
        assert at_stop < 31  # the stop did land in the middle

        _queue(engine, doctor_id, 30, 10)
        second = _consumer(env, log)
        try:
            _tick(env)
            _wait(lambda: len(inbox.messages) >= 41)
            time.sleep(1)  # anything extra would arrive now
        finally:
            second.send_signal(signal.SIGINT)
            second.wait(timeout=60)
    finally:
        controller.stop()

    recipients = [m["To"] for m in inbox.messages]
    assert len(recipients) == len(set(recipients)) == 41, sorted(recipients)
    assert sum(1 for m in inbox.messages if "urgent alert" in m["Subject"]) == 1
    with session_scope(engine) as s:
        assert {m.status for m in s.exec(select(OutboxMessage)).all()} == {"sent"}
    engine.dispose()
