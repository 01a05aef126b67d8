"""Sending one message over SMTP with the standard library. Without ``MIWELL_SMTP_URL`` there is
no mailer, and messages are held in the outbox for admins to read."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from miwell.outreach.core.smtp import SmtpConfig, parse_smtp_url
from miwell.settings import get_settings

TIMEOUT_SECONDS = 20


class PermanentFailure(Exception):
    """The server refused the address or the message: trying again would not help."""


class Mailer:
    def __init__(self, config: SmtpConfig, sender: str):
        self.config = config
        self.sender = sender

    def send(self, recipient: str, subject: str, body: str, key: str, attachment_name: str = "", attachment: str = "") -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = recipient
        message["Subject"] = subject
        # The same id on a retry, so a mail client can tell a repeat from a new message.
        message["Message-ID"] = make_msgid(idstring=key.replace(":", ".")[:60], domain="miwell.app")
        message.set_content(body)
        if attachment:
            message.add_attachment(attachment.encode("utf-8"), maintype="text", subtype="calendar", filename=attachment_name or "event.ics")
        cfg = self.config
        try:
            if cfg.security == "ssl":
                client: smtplib.SMTP = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context())
            else:
                client = smtplib.SMTP(cfg.host, cfg.port, timeout=TIMEOUT_SECONDS)
            with client:
                if cfg.security == "starttls":
                    client.starttls(context=ssl.create_default_context())
                if cfg.username:
                    client.login(cfg.username, cfg.password)
                client.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            reasons = "; ".join(f"{code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}" for code, msg in exc.recipients.values())
            raise PermanentFailure(f"Address refused by the server: {reasons}") from None
        except smtplib.SMTPResponseException as exc:
            text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
            if 500 <= exc.smtp_code < 600:
                raise PermanentFailure(f"Refused by the server: {exc.smtp_code} {text}") from None
            raise


def configured_mailer() -> Mailer | None:
    """The mailer of the settings, or None when no SMTP server is set. A bad URL raises ValueError."""
    settings = get_settings()
    if not settings.smtp_url:
        return None
    return Mailer(parse_smtp_url(settings.smtp_url), settings.mail_from)
