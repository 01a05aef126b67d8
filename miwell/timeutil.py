"""One notion of "now": aware UTC datetimes, which SQLModel's UTCDateTime columns require."""

from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)
