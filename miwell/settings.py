"""Runtime settings, read once from the environment.

Nothing secret is committed: the session secret comes from ``MIWELL_SECRET_KEY`` or,
for a developer machine, from a git-ignored file made on first use.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = ROOT / "instance"


def _secret_key() -> str:
    from_env = os.environ.get("MIWELL_SECRET_KEY", "").strip()
    if from_env:
        return from_env
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(exist_ok=True)
        # O_EXCL so two workers starting together agree on one key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
    return path.read_text().strip()


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    session_days: int
    default_region: str
    default_timezone: str
    # Outreach: where mail goes (empty: kept in the outbox, shown to admins), who it is from,
    # the address links in emails point at, and the delays of an unseen urgent alert.
    smtp_url: str = ""
    mail_from: str = "MiWell <no-reply@miwell.invalid>"
    public_url: str = "http://localhost:3000"
    alert_email_seconds: int = 300
    alert_escalate_seconds: int = 1800
    # How long a freed slot is held for the waiting patient it was offered to.
    waitlist_hold_minutes: int = 30
    # Sessions end after this long without activity (0: never): clinicians, staff and admins
    # leave records open on shared screens; patients sign in on their own phones.
    idle_minutes_clinical: int = 30
    idle_minutes_patient: int = 0


def default_database_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'miwell.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings(
        database_url=os.environ.get("MIWELL_DATABASE_URL") or default_database_url(),
        secret_key=_secret_key(),
        session_days=int(os.environ.get("MIWELL_SESSION_DAYS", "14")),
        # Phone numbers typed without a country code are read as numbers of this region.
        default_region=os.environ.get("MIWELL_DEFAULT_REGION", "GB"),
        default_timezone=os.environ.get("MIWELL_DEFAULT_TIMEZONE", "Europe/London"),
        smtp_url=os.environ.get("MIWELL_SMTP_URL", "").strip(),
        mail_from=os.environ.get("MIWELL_MAIL_FROM", "").strip() or "MiWell <no-reply@miwell.invalid>",
        public_url=(os.environ.get("MIWELL_PUBLIC_URL", "").strip() or "http://localhost:3000").rstrip("/"),
        alert_email_seconds=int(os.environ.get("MIWELL_ALERT_EMAIL_SECONDS", "300")),
        alert_escalate_seconds=int(os.environ.get("MIWELL_ALERT_ESCALATE_SECONDS", "1800")),
        waitlist_hold_minutes=max(1, int(os.environ.get("MIWELL_WAITLIST_HOLD_MINUTES", "30"))),
        idle_minutes_clinical=max(0, int(os.environ.get("MIWELL_IDLE_MINUTES", "30"))),
        idle_minutes_patient=max(0, int(os.environ.get("MIWELL_IDLE_MINUTES_PATIENT", "0"))),
    )
