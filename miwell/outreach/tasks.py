"""The job queue: huey, with its own SQLite file by default (``instance/queue.db``) or Redis when
``MIWELL_QUEUE_URL`` (or ``REFLEX_REDIS_URL``) is set. Its consumer is a process of its own,
started by ``scripts/run.sh`` beside the app:

    huey_consumer miwell.outreach.tasks.huey

Every minute it passes on waiting-list offers that ended, runs the scans (unseen alerts, reminders,
digests, appointment reminders) and sends what is due from the outbox. The outbox, not the queue, is the record: a restart of the
consumer loses nothing, because the next minute's run finds the same rows.
"""

from __future__ import annotations

import logging
import os
import socket
import threading

from huey import RedisHuey, SqliteHuey, crontab
from sqlalchemy.exc import IntegrityError

from miwell.db import session_scope
from miwell.outreach.services import outbox, scans
from miwell.outreach.services.mailer import configured_mailer
from miwell.scheduling.services import retention, waitlist
from miwell.settings import INSTANCE_DIR

log = logging.getLogger("miwell.outreach")


def _make_huey():
    url = os.environ.get("MIWELL_QUEUE_URL") or os.environ.get("REFLEX_REDIS_URL") or ""
    if url.startswith("redis"):
        return RedisHuey("miwell", url=url)
    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else str(INSTANCE_DIR / "queue.db")
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    return SqliteHuey("miwell", filename=path)


huey = _make_huey()
WORKER = f"{socket.gethostname()}:{os.getpid()}"


def run_once() -> tuple[scans.ScanReport, outbox.SendReport]:
    """One pass: queue what is due, then send it. Also what the tests and ``tick`` call."""
    mailer = configured_mailer()
    try:
        with session_scope() as session:
            # Waiting-list offers past their time pass on first, so their emails go in this pass.
            waitlist.expire_offers(session)
            found = scans.run_scans(session)
    except IntegrityError:
        # Another worker queued the same messages a moment earlier (the keys are unique): its
        # rows stand, this pass's are rolled back, and sending below goes on.
        log.info("outreach: another worker's scan got there first")
        found = scans.ScanReport()
    sent = outbox.send_due(None, mailer, f"{WORKER}:{threading.get_ident()}")
    if any(vars(found).values()) or any(vars(sent).values()):
        log.info("outreach: %s; %s", found, sent)
    return found, sent


@huey.periodic_task(crontab(minute="*"))
def every_minute() -> None:
    run_once()


@huey.periodic_task(crontab(minute="30", hour="3"))
def nightly_retention() -> None:
    """Anonymise what organisations keep no longer (scheduling/services/retention.py), at night."""
    with session_scope() as session:
        report = retention.apply_retention(session)
    log.info("retention: %s", report)


@huey.task()
def tick() -> None:
    """Run a pass now, not at the next minute (the tests and the admin's "send now")."""
    run_once()


@huey.on_startup()
def _check_settings() -> None:
    # An invalid MIWELL_SMTP_URL stops the consumer at start with the reason, not at the first email.
    configured_mailer()
