"""Password hashing: argon2 through passlib (passlib's bcrypt support breaks on bcrypt >= 4.1)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from passlib.context import CryptContext

_context = CryptContext(schemes=["argon2"], deprecated="auto")

# Verified against when an email has no account, so a miss costs the same time as a hit.
_DUMMY_HASH = _context.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    return _context.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    if password_hash is None:
        _context.verify(password, _DUMMY_HASH)
        return False
    try:
        return _context.verify(password, password_hash)
    except (ValueError, TypeError):
        return False


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str, secret_key: str) -> str:
    """Keyed so that a leaked table of hashes cannot be checked against guessed tokens offline."""
    return hmac.new(secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()
