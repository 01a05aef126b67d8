"""Two-step sign-in rules: time-based codes (RFC 6238, the authenticator apps' kind), recovery
codes, and who must use them, and how an app's secret is sealed for storing. Pure: pyotp, segno and
cryptography compute, nothing is stored here."""

from __future__ import annotations

import base64
import hmac
import secrets
from datetime import datetime

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from miwell.accounts.core.rules import Role

ISSUER = "MiWell"
STEP_SECONDS = 30
# A code from the step before or after counts too: a phone's clock a little off, a slow typist.
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
MAX_CODE_ATTEMPTS = 5
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread from paper
REQUIRED_ROLES = (Role.PSYCHIATRIST.value, Role.STAFF.value, Role.ADMIN.value)


def required_for(role: str, practising: bool = True) -> bool:
    """Clinical roles must use it; a psychiatrist still being vetted sees no patient yet."""
    return role in REQUIRED_ROLES and practising


def new_secret() -> str:
    return pyotp.random_base32()


# A key of its own, derived from the server's secret key: a copy of the database alone (a backup,
# a leak) holds no app secret that makes codes. Another purpose, another info string.
_SEAL_INFO = b"miwell two-step sign-in secret v1"


def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_SEAL_INFO).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str, secret_key: str) -> str:
    """The app's secret as stored: encrypted and authenticated (Fernet) with the server's key."""
    return _fernet(secret_key).encrypt(secret.encode()).decode()


def unseal(sealed: str, secret_key: str) -> str | None:
    """The app's secret back, or None when this server's key did not seal it (the key changed)."""
    try:
        return _fernet(secret_key).decrypt(sealed.encode()).decode()
    except (InvalidToken, ValueError):
        return None


def grouped(secret: str) -> str:
    """The secret as people type it into an app by hand: groups of four."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(secret: str, account: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The enrolment QR code as an SVG data URI (drawn here: no request leaves the server)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def step_at(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def digits_only(raw: object) -> str:
    return "".join(ch for ch in str(raw or "")[:40] if ch.isdigit())


def matching_step(secret: str, code: object, moment: datetime, last_step: int = 0) -> int | None:
    """The time step ``code`` belongs to, if it is right now (give or take the drift) and newer
    than ``last_step``: a code works once, so one seen over a shoulder cannot be used again."""
    typed = digits_only(code)
    if len(typed) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now = step_at(moment)
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if step > last_step and hmac.compare_digest(totp.at(step * STEP_SECONDS), typed):
            return step
    return None


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """Codes for a lost phone, each good once: ``abcd-efgh``, easy to copy from paper."""
    return ["-".join("".join(secrets.choice(_CODE_ALPHABET) for _ in range(4)) for _ in range(2)) for _ in range(count)]


def normalise_recovery_code(raw: object) -> str:
    text = "".join(ch for ch in str(raw or "")[:40].lower() if ch.isalnum())
    return f"{text[:4]}-{text[4:]}" if len(text) == 8 else ""
