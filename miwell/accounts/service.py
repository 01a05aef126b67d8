"""Account services: every database write of accounts happens here, in the caller's transaction.

Functions take the acting user where a role matters, and check it, so a state that forgets a
check still cannot, say, let a patient create an admin.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, delete, select

from miwell.accounts import rules
from miwell.accounts.models import AuthSession, LoginThrottle, PatientProfile, User
from miwell.accounts.passwords import hash_password, new_token, token_hash, verify_password
from miwell.accounts.rules import Role
from miwell.scheduling.models import Organisation
from miwell.settings import get_settings
from miwell.timeutil import utcnow


class AccountError(ValueError):
    """A refusal whose message is meant for the person at the keyboard."""


class PermissionDenied(AccountError):
    pass


DUPLICATE_EMAIL = "An account with this email address already exists. Sign in instead, or use another address."
BAD_LOGIN = "Email or password is not right."
NO_PSYCHIATRIST = (
    "Patient registration is not open yet: no psychiatrist is available to take new patients. "
    "Please try again later or contact the clinic."
)


@dataclass(frozen=True)
class CurrentUser:
    """What states may keep about the signed-in user: no hash, no secrets."""

    id: int
    role: str
    full_name: str
    email: str
    organisation_id: int | None = None  # clinic staff only

    @classmethod
    def of(cls, user: User) -> "CurrentUser":
        assert user.id is not None
        return cls(user.id, user.role, user.full_name, user.email, user.organisation_id)


def require_role(actor: CurrentUser | User | None, *roles: str) -> None:
    if actor is None or actor.role not in roles:
        raise PermissionDenied("You do not have access to that.")


def _validate_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise AccountError("Please choose a valid time zone.") from None
    return name


def psychiatrist_loads(session: Session) -> list[rules.PsychiatristLoad]:
    """Every psychiatrist with their patient count, in one grouped query."""
    rows = session.exec(
        select(User.id, User.created_at, func.count(PatientProfile.user_id))
        .outerjoin(PatientProfile, PatientProfile.psychiatrist_id == User.id)
        .where(User.role == Role.PSYCHIATRIST.value)
        .group_by(User.id, User.created_at)
    ).all()
    return [rules.PsychiatristLoad(uid, count, created) for uid, created, count in rows]


def email_taken(session: Session, email: str) -> bool:
    return session.exec(select(User.id).where(User.email == rules.normalise_email(email))).first() is not None


def _organisation_for(session: Session, role: str, organisation_id: int | None) -> int | None:
    if role != Role.STAFF.value:
        if organisation_id is not None:
            raise AccountError("Only clinic staff accounts belong to an organisation.")
        return None
    if organisation_id is None:
        raise AccountError("Choose the organisation this staff member works for.")
    if session.get(Organisation, organisation_id) is None:
        raise AccountError("That organisation does not exist any more. Reload the page and choose another.")
    return organisation_id


def register(
    session: Session,
    *,
    role: str,
    full_name: str,
    email: str,
    phone: str,
    password: str,
    emergency_contact_name: str = "",
    emergency_contact_phone: str = "",
    timezone: str | None = None,
    organisation_id: int | None = None,
    actor: CurrentUser | None = None,
    by_operator: bool = False,
) -> User:
    """Create an account. Patients and psychiatrists register themselves; staff and admins need an admin.

    Clinic staff work for one organisation (``organisation_id``); other roles belong to none.
    ``by_operator`` is only for the command line (someone with shell access creating the first admin).
    """
    if role not in rules.ROLES:
        raise AccountError("Please choose a valid role.")
    if role not in rules.SELF_REGISTER_ROLES and not by_operator:
        require_role(actor, Role.ADMIN.value)
    settings = get_settings()
    name = rules.validate_name(full_name)
    clean_email = rules.validate_email(email)
    clean_phone = rules.normalise_phone(phone, settings.default_region)
    rules.check_password_strength(password, clean_email, name)
    if email_taken(session, clean_email):
        raise AccountError(DUPLICATE_EMAIL)
    organisation_id = _organisation_for(session, role, organisation_id)

    profile: PatientProfile | None = None
    if role == Role.PATIENT.value:
        contact_name = rules.validate_name(emergency_contact_name, "emergency contact's name")
        try:
            contact_phone = rules.normalise_phone(emergency_contact_phone, settings.default_region)
        except ValueError as exc:
            raise AccountError(f"Emergency contact: {exc}") from None
        psychiatrist_id = rules.choose_psychiatrist(psychiatrist_loads(session))
        if psychiatrist_id is None:
            raise AccountError(NO_PSYCHIATRIST)
        profile = PatientProfile(
            user_id=0,
            psychiatrist_id=psychiatrist_id,
            emergency_contact_name=contact_name,
            emergency_contact_phone=contact_phone,
            timezone=_validate_timezone(timezone or settings.default_timezone),
        )

    user = User(
        email=clean_email,
        password_hash=hash_password(password),
        role=role,
        full_name=name,
        phone=clean_phone,
        organisation_id=organisation_id,
    )
    try:
        with session.begin_nested():
            session.add(user)
            session.flush()
            if profile is not None:
                assert user.id is not None
                profile.user_id = user.id
                session.add(profile)
                session.flush()
    except IntegrityError:
        # Two registrations racing for one address: the unique index decides.
        raise AccountError(DUPLICATE_EMAIL) from None
    return user


# --- signing in --------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginResult:
    user: CurrentUser | None
    error: str = ""
    delay: float = 0.0


def _throttle_of(session: Session, email: str) -> LoginThrottle | None:
    return session.get(LoginThrottle, email)


def authenticate(session: Session, email: str, password: str, now: datetime | None = None) -> LoginResult:
    """Check a login; failures are counted per address whether or not an account exists."""
    now = now or utcnow()
    address = rules.normalise_email(email)[: rules.EMAIL_MAX_LENGTH]
    if not address or not password:
        return LoginResult(None, "Please enter your email and password.")
    row = _throttle_of(session, address)
    state = rules.ThrottleState(row.failures, row.locked_until) if row else rules.ThrottleState()
    if rules.is_locked(state, now):
        return LoginResult(None, rules.lock_message(state, now))

    user = session.exec(select(User).where(User.email == address)).first()
    if verify_password(password[: rules.PASSWORD_MAX_LENGTH], user.password_hash if user else None):
        assert user is not None
        if row is not None:
            session.delete(row)
        return LoginResult(CurrentUser.of(user))

    state = rules.after_failure(state, now)
    if row is None:
        row = LoginThrottle(email=address)
    row.failures, row.locked_until, row.updated_at = state.failures, state.locked_until, now
    session.add(row)
    if rules.is_locked(state, now):
        return LoginResult(None, rules.lock_message(state, now))
    return LoginResult(None, BAD_LOGIN, rules.failure_delay(state.failures))


def start_session(session: Session, user_id: int, now: datetime | None = None) -> str:
    """Open a session and return the raw token for the browser; only its hash is stored."""
    now = now or utcnow()
    token = new_token()
    session.add(
        AuthSession(
            user_id=user_id,
            token_hash=token_hash(token, get_settings().secret_key),
            created_at=now,
            expires_at=now + timedelta(days=get_settings().session_days),
        )
    )
    return token


def resolve_session(session: Session, token: str, now: datetime | None = None) -> CurrentUser | None:
    if not token:
        return None
    now = now or utcnow()
    user = session.exec(
        select(User)
        .join(AuthSession, AuthSession.user_id == User.id)
        .where(AuthSession.token_hash == token_hash(token, get_settings().secret_key))
        .where(AuthSession.expires_at > now)
    ).first()
    return CurrentUser.of(user) if user else None


def end_session(session: Session, token: str) -> None:
    if token:
        session.exec(delete(AuthSession).where(AuthSession.token_hash == token_hash(token, get_settings().secret_key)))


def end_all_sessions(session: Session, user_id: int) -> None:
    session.exec(delete(AuthSession).where(AuthSession.user_id == user_id))


def purge_expired_sessions(session: Session, now: datetime | None = None) -> int:
    result = session.exec(delete(AuthSession).where(AuthSession.expires_at <= (now or utcnow())))
    return result.rowcount or 0


async def pause(seconds: float) -> None:
    """Slows down a failed login without holding a database transaction open."""
    if seconds > 0:
        await asyncio.sleep(seconds)


# --- own account ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountView:
    """What the account page shows: the user's own details, nothing else."""

    full_name: str
    email: str
    phone: str
    role: str
    emergency_contact_name: str = ""
    emergency_contact_phone: str = ""
    timezone: str = ""
    psychiatrist_name: str = ""
    psychiatrist_email: str = ""
    psychiatrist_phone: str = ""


def account_view(session: Session, actor: CurrentUser) -> AccountView:
    user = session.get(User, actor.id)
    if user is None:
        raise PermissionDenied("Your account no longer exists.")
    view = AccountView(user.full_name, user.email, rules.display_phone(user.phone), user.role)
    if user.role == Role.PATIENT.value:
        profile = session.get(PatientProfile, user.id)
        assert profile is not None
        doctor = session.get(User, profile.psychiatrist_id)
        assert doctor is not None
        view = AccountView(
            view.full_name,
            view.email,
            view.phone,
            view.role,
            profile.emergency_contact_name,
            rules.display_phone(profile.emergency_contact_phone),
            profile.timezone,
            doctor.full_name,
            doctor.email,
            rules.display_phone(doctor.phone),
        )
    return view


def update_details(
    session: Session,
    actor: CurrentUser,
    *,
    full_name: str,
    email: str,
    phone: str,
    emergency_contact_name: str = "",
    emergency_contact_phone: str = "",
    timezone: str = "",
) -> CurrentUser:
    user = session.get(User, actor.id)
    if user is None:
        raise PermissionDenied("Your account no longer exists.")
    region = get_settings().default_region
    user.full_name = rules.validate_name(full_name)
    new_email = rules.validate_email(email)
    if new_email != user.email and email_taken(session, new_email):
        raise AccountError(DUPLICATE_EMAIL)
    user.email = new_email
    user.phone = rules.normalise_phone(phone, region)
    if user.role == Role.PATIENT.value:
        profile = session.get(PatientProfile, user.id)
        assert profile is not None
        profile.emergency_contact_name = rules.validate_name(emergency_contact_name, "emergency contact's name")
        try:
            profile.emergency_contact_phone = rules.normalise_phone(emergency_contact_phone, region)
        except ValueError as exc:
            raise AccountError(f"Emergency contact: {exc}") from None
        profile.timezone = _validate_timezone(timezone or profile.timezone)
        session.add(profile)
    session.add(user)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise AccountError(DUPLICATE_EMAIL) from None
    return CurrentUser.of(user)


def change_password(session: Session, actor: CurrentUser, current: str, new: str, confirm: str) -> str:
    """Change the password, end every session of the account and return a fresh token for this browser."""
    user = session.get(User, actor.id)
    if user is None:
        raise PermissionDenied("Your account no longer exists.")
    if not verify_password(current, user.password_hash):
        raise AccountError("Your current password is not right.")
    if new != confirm:
        raise AccountError("The two new passwords do not match.")
    if new == current:
        raise AccountError("The new password must be different from the current one.")
    rules.check_password_strength(new, user.email, user.full_name)
    user.password_hash = hash_password(new)
    session.add(user)
    end_all_sessions(session, user.id)
    return start_session(session, user.id)


def delete_account(session: Session, actor: CurrentUser, password: str) -> None:
    """Delete the user's own account and their personal data with it."""
    user = session.get(User, actor.id)
    if user is None:
        raise PermissionDenied("Your account no longer exists.")
    if not verify_password(password, user.password_hash):
        raise AccountError("Your password is not right, so the account was not deleted.")
    if user.role == Role.PSYCHIATRIST.value:
        hand_over_patients(session, user.id)
    if user.role == Role.ADMIN.value:
        admins = session.exec(select(func.count()).select_from(User).where(User.role == Role.ADMIN.value)).one()
        if admins <= 1:
            raise AccountError("You are the only admin. Create another admin before deleting this account.")
    # Profile, sessions and (later) entries go with the user through ON DELETE CASCADE.
    session.delete(user)
    session.flush()


def hand_over_patients(session: Session, psychiatrist_id: int) -> dict[int, int]:
    patient_ids = list(
        session.exec(
            select(PatientProfile.user_id)
            .where(PatientProfile.psychiatrist_id == psychiatrist_id)
            .order_by(PatientProfile.user_id)
        ).all()
    )
    others = [load for load in psychiatrist_loads(session) if load.user_id != psychiatrist_id]
    try:
        plan = rules.plan_handover(patient_ids, others)
    except ValueError as exc:
        raise AccountError(str(exc)) from None
    for patient_id, new_id in plan.items():
        profile = session.get(PatientProfile, patient_id)
        assert profile is not None
        profile.psychiatrist_id = new_id
        session.add(profile)
    session.flush()
    return plan


# --- admin ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountRow:
    id: int
    full_name: str
    email: str
    phone: str
    role: str
    created: str


def list_accounts(session: Session, actor: CurrentUser, roles: tuple[str, ...] = ("staff", "admin")) -> list[AccountRow]:
    require_role(actor, Role.ADMIN.value)
    users = session.exec(select(User).where(User.role.in_(roles)).order_by(User.role, User.full_name)).all()
    return [
        AccountRow(u.id, u.full_name, u.email, rules.display_phone(u.phone), u.role, u.created_at.strftime("%d %b %Y"))
        for u in users
    ]


def assigned_psychiatrist(session: Session, patient_id: int) -> User | None:
    profile = session.get(PatientProfile, patient_id)
    return session.get(User, profile.psychiatrist_id) if profile else None


# --- directories shown on home pages ----------------------------------------------------------


@dataclass(frozen=True)
class PatientRow:
    id: int
    full_name: str
    email: str
    phone: str
    emergency_contact: str
    requires_assistance: bool
    since: str


def patients_of(session: Session, actor: CurrentUser) -> list[PatientRow]:
    """The psychiatrist's own patients, in one query (no per-row lookups)."""
    require_role(actor, Role.PSYCHIATRIST.value)
    rows = session.exec(
        select(User, PatientProfile)
        .join(PatientProfile, PatientProfile.user_id == User.id)
        .where(PatientProfile.psychiatrist_id == actor.id)
        .order_by(PatientProfile.requires_assistance.desc(), User.full_name)
    ).all()
    return [
        PatientRow(
            u.id,
            u.full_name,
            u.email,
            rules.display_phone(u.phone),
            f"{p.emergency_contact_name}, {rules.display_phone(p.emergency_contact_phone)}",
            p.requires_assistance,
            u.created_at.strftime("%d %b %Y"),
        )
        for u, p in rows
    ]


@dataclass(frozen=True)
class PsychiatristRow:
    id: int
    full_name: str
    email: str
    phone: str
    patient_count: int


def psychiatrist_directory(session: Session, actor: CurrentUser) -> list[PsychiatristRow]:
    require_role(actor, Role.STAFF.value, Role.ADMIN.value)
    rows = session.exec(
        select(User, func.count(PatientProfile.user_id))
        .outerjoin(PatientProfile, PatientProfile.psychiatrist_id == User.id)
        .where(User.role == Role.PSYCHIATRIST.value)
        .group_by(User.id)
        .order_by(User.full_name)
    ).all()
    return [PsychiatristRow(u.id, u.full_name, u.email, rules.display_phone(u.phone), n) for u, n in rows]
