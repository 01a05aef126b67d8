"""Where mail goes: ``MIWELL_SMTP_URL`` read into a checked configuration.

    smtp://user:password@host:587        STARTTLS (required), the usual submission port
    smtps://user:password@host:465       TLS from the first byte
    smtp+insecure://host:25              no TLS: a relay on the same machine, or a test server

A bad URL is refused with a message that says what is wrong, so start-up stops there rather
than every email failing later.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

SECURITY = {"smtp": ("starttls", 587), "smtps": ("ssl", 465), "smtp+insecure": ("none", 25)}


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str  # "starttls", "ssl" or "none"
    username: str = ""
    password: str = ""

    def describe(self) -> str:
        """For logs and the outbox page: never the password."""
        who = f"{self.username}@" if self.username else ""
        return f"{who}{self.host}:{self.port} ({self.security})"


def parse_smtp_url(url: str) -> SmtpConfig:
    text = (url or "").strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"MIWELL_SMTP_URL is not a valid URL ({exc}).") from None
    if parts.scheme not in SECURITY:
        raise ValueError(
            f"MIWELL_SMTP_URL must start with smtp://, smtps:// or smtp+insecure://, not {parts.scheme or 'nothing'}://."
        )
    if not parts.hostname:
        raise ValueError("MIWELL_SMTP_URL names no host, e.g. smtp://user:password@mail.example.org:587.")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError("MIWELL_SMTP_URL takes no path or options: scheme://user:password@host:port.")
    security, default_port = SECURITY[parts.scheme]
    if (parts.username is None) != (parts.password is None):
        raise ValueError("MIWELL_SMTP_URL gives a user without a password (or the other way round).")
    return SmtpConfig(
        host=parts.hostname,
        port=port or default_port,
        security=security,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )


def is_email(text: str) -> bool:
    """A deliberately plain check for addresses typed into settings: one @, a dot after it."""
    text = text.strip()
    local, at, domain = text.rpartition("@")
    return bool(at and local and "." in domain and " " not in text and len(text) <= 254 and not domain.startswith("."))
