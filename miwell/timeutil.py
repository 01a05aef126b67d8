"""One notion of "now": aware UTC datetimes, which SQLModel's UTCDateTime columns require."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


TIMEZONE_MAX_LENGTH = 64  # the longest IANA name is about 30 characters


def is_timezone(name: object) -> bool:
    """Whether ``name`` is an IANA time zone this machine knows.

    Checked before ``ZoneInfo`` sees it: a long enough string makes ZoneInfo fail with an OS
    error (file name too long) rather than a "not found".
    """
    if not isinstance(name, str) or not 0 < len(name) <= TIMEZONE_MAX_LENGTH:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True
