"""Signing in: password checks with their throttling, sessions, and the handoff to the HttpOnly cookie."""

from __future__ import annotations

import asyncio
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, delete, select, update

from miwell import push
from miwell.accounts.core import rules
from miwell.accounts.core.passwords import (
    new_token,
    token_hash,
    verify_password,
)
from miwell.accounts.core.rules import Role
from miwell.accounts.models import (
    AuthSession,
    LoginThrottle,
    PsychiatristProfile,
    SignInHandoff,
    User,
)
from miwell.accounts.services.base import (
    BAD_LOGIN,
    CurrentUser,
    require_role,
)
from miwell.settings import get_settings
from miwell.timeutil import utcnow

# --- signing in --------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginResult:
    user: CurrentUser | None
    error: str = ""
    delay: float = 0.0


def _throttle_row(session: Session, email: str, source: str) -> LoginThrottle:
    row = session.get(LoginThrottle, (email, source))
    return row if row is not None else LoginThrottle(email=email, source=source, failures=0)


def _state_of(row: LoginThrottle) -> rules.ThrottleState:
    return rules.ThrottleState(row.failures, row.locked_until)


def authenticate(
    session: Session, email: str, password: str, now: datetime | None = None, source: str = ""
) -> LoginResult:
    """Check a sign-in. Failures are counted per address (whether or not an account exists),
    which slows answers down, and per address and source (the client's IP), which may lock that
    source out. The right password from a source that has not been guessing always works.
    """
    now = now or utcnow()
    address = rules.normalise_email(email)[: rules.EMAIL_MAX_LENGTH]
    if not isinstance(password, str) or not address or not password:
        return LoginResult(None, "Please enter your email and password.")
    origin = rules.throttle_source(source)
    mine = _throttle_row(session, address, origin)
    if rules.is_locked(_state_of(mine), now):
        return LoginResult(None, rules.lock_message(_state_of(mine), now))

    user = session.exec(select(User).where(User.email == address)).first()
    if verify_password(password[: rules.PASSWORD_MAX_LENGTH], user.password_hash if user else None):
        assert user is not None
        if mine.failures:
            session.delete(mine)
        return LoginResult(CurrentUser.of(user))

    return _failure(session, address, mine, now)


def _failure(session: Session, address: str, mine: LoginThrottle, now: datetime) -> LoginResult:
    """Count a failed sign-in for the address and for this source; the answer says how to go on."""
    everyone = _throttle_row(session, address, rules.ANY_SOURCE)
    seen = rules.address_after_failure(_state_of(everyone), everyone.updated_at if everyone.failures else None, now)
    everyone.failures, everyone.locked_until, everyone.updated_at = seen.failures, None, now
    state = rules.after_failure(_state_of(mine), now)
    mine.failures, mine.locked_until, mine.updated_at = state.failures, state.locked_until, now
    session.add_all([everyone, mine])
    if rules.is_locked(state, now):
        return LoginResult(None, rules.lock_message(state, now))
    return LoginResult(None, BAD_LOGIN, rules.failure_delay(max(seen.failures, state.failures)))


def failed_second_step(session: Session, email: str, source: str = "", now: datetime | None = None) -> LoginResult:
    """A wrong two-step code counts like a wrong password, in the same throttle: someone who has
    the password cannot try codes faster than anyone can try passwords. ``error`` is a lock
    message once this source is locked out, else empty."""
    now = now or utcnow()
    address = rules.normalise_email(email)[: rules.EMAIL_MAX_LENGTH]
    result = _failure(session, address, _throttle_row(session, address, rules.throttle_source(source)), now)
    return result if result.error != BAD_LOGIN else LoginResult(None, "", result.delay)


@dataclass(frozen=True)
class LockRow:
    email: str
    source: str
    failures: int
    locked_until: str
    locked: bool


def sign_in_locks(session: Session, actor: CurrentUser, now: datetime | None = None) -> list[LockRow]:
    """Addresses being guessed at, for admins: running locks first, then slowed-down addresses."""
    require_role(actor, Role.ADMIN.value)
    now = now or utcnow()
    since = now - timedelta(minutes=rules.ADDRESS_WINDOW_MINUTES)
    rows = session.exec(
        select(LoginThrottle)
        .where((LoginThrottle.locked_until > now) | ((LoginThrottle.failures > rules.FREE_ATTEMPTS) & (LoginThrottle.updated_at > since)))
        .order_by(LoginThrottle.email, LoginThrottle.source)
    ).all()
    result = [
        LockRow(
            r.email,
            "every source (slowed down)" if r.source == rules.ANY_SOURCE else r.source,
            r.failures,
            r.locked_until.strftime("%H:%M UTC") if r.locked_until else "",
            bool(r.locked_until and r.locked_until > now),
        )
        for r in rows
    ]
    return sorted(result, key=lambda r: (not r.locked, r.email))


def lift_sign_in_locks(session: Session, actor: CurrentUser, email: str) -> int:
    """Clear every count and lock of an address (an admin helping someone who is locked out)."""
    require_role(actor, Role.ADMIN.value)
    address = rules.normalise_email(email)[: rules.EMAIL_MAX_LENGTH]
    return session.exec(delete(LoginThrottle).where(LoginThrottle.email == address)).rowcount or 0


# --- the HttpOnly handoff ------------------------------------------------------------------------

HANDOFF_SECONDS = 120


def create_handoff(session: Session, user_id: int, next_path: str, now: datetime | None = None) -> tuple[str, str]:
    """A one-time (token, nonce) pair that ``redeem_handoff`` swaps for a session within two minutes."""
    now = now or utcnow()
    secret = get_settings().secret_key
    token, nonce = new_token(), new_token()
    session.exec(delete(SignInHandoff).where(SignInHandoff.expires_at <= now))
    session.add(
        SignInHandoff(
            token_hash=token_hash(token, secret),
            nonce_hash=token_hash(nonce, secret),
            user_id=user_id,
            next_path=next_path if next_path.startswith("/") and not next_path.startswith("//") else "/",
            expires_at=now + timedelta(seconds=HANDOFF_SECONDS),
        )
    )
    session.flush()
    return token, nonce


def redeem_handoff(session: Session, token: str, nonce: str, now: datetime | None = None) -> tuple[str, str] | None:
    """(session token, where to go) for a valid handoff and its nonce; None otherwise. Used once."""
    if not (isinstance(token, str) and isinstance(nonce, str)) or not token or not nonce or len(token) > 100:
        return None
    now = now or utcnow()
    secret = get_settings().secret_key
    handoff = session.exec(select(SignInHandoff).where(SignInHandoff.token_hash == token_hash(token, secret))).first()
    if handoff is None:
        return None
    # Whoever deletes the row redeems it: a double click or a replay finds nothing.
    taken = session.exec(delete(SignInHandoff).where(SignInHandoff.id == handoff.id)).rowcount
    if not taken or handoff.expires_at <= now or not hmac.compare_digest(handoff.nonce_hash, token_hash(nonce, secret)):
        return None
    return start_session(session, handoff.user_id, now), handoff.next_path


def idle_limit_of(role: str) -> timedelta | None:
    settings = get_settings()
    return rules.idle_limit(role, settings.idle_minutes_clinical, settings.idle_minutes_patient)


def session_holds(now: datetime):
    """The SQL condition of a session still signed in: neither expired nor idle too long."""
    return (AuthSession.expires_at > now) & (
        AuthSession.idle_expires_at.is_(None) | (AuthSession.idle_expires_at > now)  # type: ignore[union-attr]
    )


def start_session(session: Session, user_id: int, now: datetime | None = None) -> str:
    """Open a session and return the raw token for the browser; only its hash is stored."""
    now = now or utcnow()
    token = new_token()
    role = session.exec(select(User.role).where(User.id == user_id)).first() or ""
    idle = idle_limit_of(role)
    session.add(
        AuthSession(
            user_id=user_id,
            token_hash=token_hash(token, get_settings().secret_key),
            created_at=now,
            expires_at=now + timedelta(days=get_settings().session_days),
            idle_expires_at=now + idle if idle else None,
        )
    )
    return token


def resolve_session(session: Session, token: str, now: datetime | None = None, touch: bool = False) -> CurrentUser | None:
    """The session's user with their standing, in one query, or None (expired, or idle too long).

    ``touch``: this is someone using the page (a page load, the page's activity ping), so the
    inactivity limit starts again; one more statement, only for a role that has a limit.
    """
    if not token or not isinstance(token, str) or len(token) > 200:
        return None
    now = now or utcnow()
    row = session.exec(
        select(User, PsychiatristProfile.standing, AuthSession.id)
        .join(AuthSession, AuthSession.user_id == User.id)
        .outerjoin(PsychiatristProfile, PsychiatristProfile.user_id == User.id)
        .where(AuthSession.token_hash == token_hash(token, get_settings().secret_key))
        .where(session_holds(now))
    ).first()
    if row is None:
        return None
    user, standing, session_id = row
    idle = idle_limit_of(user.role)
    if touch and idle:
        session.exec(update(AuthSession).where(AuthSession.id == session_id).values(idle_expires_at=now + idle))
    return CurrentUser.of(user, standing or "")


def end_session(session: Session, token: str) -> None:
    """Sign out one browser; the user's open pages elsewhere re-check who is signed in."""
    if not token or not isinstance(token, str):
        return
    ended = session.exec(
        delete(AuthSession)
        .where(AuthSession.token_hash == token_hash(token, get_settings().secret_key))
        .returning(AuthSession.user_id)
    ).all()
    for (user_id,) in ended:
        push.publish_after_commit(session, push.user_topic(user_id))


def end_all_sessions(session: Session, user_id: int) -> None:
    session.exec(delete(AuthSession).where(AuthSession.user_id == user_id))
    push.publish_after_commit(session, push.user_topic(user_id))


def other_sessions(session: Session, actor: CurrentUser, token: str, now: datetime | None = None) -> int:
    """How many other browsers the user is signed in on (sessions not expired, this one left out)."""
    now = now or utcnow()
    return session.exec(
        select(func.count())
        .select_from(AuthSession)
        .where(AuthSession.user_id == actor.id, session_holds(now))
        .where(AuthSession.token_hash != token_hash(str(token or ""), get_settings().secret_key))
    ).one()


def end_other_sessions(session: Session, actor: CurrentUser, token: str) -> int:
    """Sign the user out of every browser but this one (a lost phone, a shared computer). Their
    open pages there re-check who is signed in and are sent to sign in. Returns how many ended."""
    ended = session.exec(
        delete(AuthSession)
        .where(AuthSession.user_id == actor.id)
        .where(AuthSession.token_hash != token_hash(str(token or ""), get_settings().secret_key))
    ).rowcount
    if ended:
        push.publish_after_commit(session, push.user_topic(actor.id))
    return ended or 0


def purge_expired_sessions(session: Session, now: datetime | None = None) -> int:
    result = session.exec(delete(AuthSession).where(~session_holds(now or utcnow())))
    return result.rowcount or 0


async def pause(seconds: float) -> None:
    """Slows down a failed login without holding a database transaction open."""
    if seconds > 0:
        await asyncio.sleep(seconds)
