"""Two-step sign-in: enrolling an authenticator app, checking a code or a recovery code, turning
it off (patients only: clinical roles must keep it), and an admin's reset for a lost phone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, delete, select

from miwell import push
from miwell.accounts.core import two_factor as rules
from miwell.accounts.core.passwords import hash_password, verify_password
from miwell.accounts.core.rules import Role
from miwell.accounts.models import AuthSession, RecoveryCode, TwoFactor, User
from miwell.accounts.services.base import AccountError, CurrentUser, PermissionDenied, require_role
from miwell.audit import services as audit
from miwell.settings import get_settings
from miwell.timeutil import utcnow

WRONG_CODE = "That code is not right (or was used already). Codes change every 30 seconds: try the newest one."
UNREADABLE = (
    "Your authenticator app cannot be checked on this server (its key has changed). "
    "Sign in with one of your recovery codes, or ask an admin to reset your two-step sign-in."
)


@dataclass(frozen=True)
class Enrolment:
    """What the enrolment step shows: the secret as a QR code and as text to type by hand."""

    secret: str
    qr: str
    grouped: str


def pending_user(session: Session, user_id: int) -> CurrentUser | None:
    """The account between the password and the second step, read again (it may have changed)."""
    user = session.get(User, user_id) if user_id else None
    return CurrentUser.of(user) if user is not None else None


def is_enabled(session: Session, user_id: int) -> bool:
    return session.get(TwoFactor, user_id) is not None


def second_step(session: Session, user: CurrentUser) -> str:
    """What signing in needs after the password: "code", "enrol" (required, not set up), or ""."""
    if is_enabled(session, user.id):
        return "code"
    exempt = session.exec(select(User.two_factor_exempt).where(User.id == user.id)).first()
    return "enrol" if rules.required_for(user.role, user.practising) and not exempt else ""


def start_enrolment(user: CurrentUser) -> Enrolment:
    secret = rules.new_secret()
    return Enrolment(secret, rules.qr_data_uri(rules.provisioning_uri(secret, user.email)), rules.grouped(secret))


def confirm_enrolment(session: Session, user: CurrentUser, secret: str, code: object, now: datetime | None = None) -> list[str]:
    """Keep the app once it has produced a right code; returns new recovery codes, shown once."""
    now, user_id = now or utcnow(), user.id
    if not secret or (step := rules.matching_step(secret, code, now)) is None:
        raise AccountError(WRONG_CODE)
    session.exec(delete(TwoFactor).where(TwoFactor.user_id == user_id))
    session.add(TwoFactor(user_id=user_id, secret=rules.seal(secret, get_settings().secret_key), enabled_at=now, last_step=step))
    codes = _replace_recovery_codes(session, user_id)
    audit.record(session, "changed", "sign-in security", user, record_id=user_id, detail="two-step sign-in turned on")
    return codes


def _replace_recovery_codes(session: Session, user_id: int) -> list[str]:
    codes = rules.new_recovery_codes()
    session.exec(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    for code in codes:
        session.add(RecoveryCode(user_id=user_id, code_hash=hash_password(code)))
    session.flush()
    return codes


def check_second_factor(session: Session, user: CurrentUser, code: object, now: datetime | None = None) -> bool:
    """A right code from the app (each works once), or an unused recovery code (then used up).

    Raises AccountError(UNREADABLE) for a code that is not a recovery code when this server's key
    no longer opens the app's secret, so the person learns why rather than "wrong code"."""
    now, user_id = now or utcnow(), user.id
    factor = session.get(TwoFactor, user_id)
    if factor is None:
        return False
    secret = rules.unseal(factor.secret, get_settings().secret_key)
    step = rules.matching_step(secret, code, now, factor.last_step) if secret else None
    if step is not None:
        factor.last_step = step
        session.add(factor)
        return True
    typed = rules.normalise_recovery_code(code)
    unused = select(RecoveryCode).where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
    for recovery in session.exec(unused).all() if typed else []:
        if verify_password(typed, recovery.code_hash):
            recovery.used_at = now
            session.add(recovery)
            audit.record(session, "changed", "sign-in security", user, record_id=user_id, detail="a recovery code was used")
            return True
    if secret is None:
        raise AccountError(UNREADABLE)
    return False


def recovery_codes_left(session: Session, user_id: int) -> int:
    return len(session.exec(select(RecoveryCode.id).where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))).all())


def new_recovery_codes(session: Session, actor: CurrentUser, password: str) -> list[str]:
    user = session.get(User, actor.id)
    if user is None or not is_enabled(session, actor.id):
        raise AccountError("Two-step sign-in is not on for this account.")
    if not verify_password(str(password or ""), user.password_hash):
        raise AccountError("Your password is not right, so no new codes were made.")
    return _replace_recovery_codes(session, actor.id)


def turn_off(session: Session, actor: CurrentUser, password: str) -> None:
    """Patients may turn it off; for clinical roles it is required, and only an admin resets it."""
    if rules.required_for(actor.role, actor.practising):
        raise PermissionDenied("Two-step sign-in is required for your role. If you lost your phone, ask an admin to reset it.")
    user = session.get(User, actor.id)
    if user is None or not verify_password(str(password or ""), user.password_hash):
        raise AccountError("Your password is not right, so two-step sign-in stays on.")
    session.exec(delete(TwoFactor).where(TwoFactor.user_id == actor.id))
    session.exec(delete(RecoveryCode).where(RecoveryCode.user_id == actor.id))
    audit.record(session, "changed", "sign-in security", actor, record_id=actor.id, detail="two-step sign-in turned off")


def admin_reset(session: Session, actor: CurrentUser, email: object) -> str:
    """A lost phone: the app and the recovery codes are forgotten and the user's sessions end;
    at their next sign-in they set up a new app. Returns their name for the confirmation."""
    require_role(actor, Role.ADMIN.value)
    address = str(email or "").strip().lower()[:254]
    user = session.exec(select(User).where(User.email == address)).first() if address else None
    if user is None:
        raise AccountError("No account has that email address.")
    if user.id == actor.id:
        raise AccountError("Another admin must reset your own two-step sign-in.")
    session.exec(delete(TwoFactor).where(TwoFactor.user_id == user.id))
    session.exec(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.exec(delete(AuthSession).where(AuthSession.user_id == user.id))
    push.publish_after_commit(session, push.user_topic(user.id))
    audit.record(session, "changed", "sign-in security", actor, record_id=user.id, detail="two-step sign-in reset by an admin")
    return user.full_name
