"""Account services: every database write of accounts happens here, in the caller's transaction.

Functions take the acting user where a role matters, and check it, so a state that forgets a
check still cannot, say, let a patient create an admin.
"""

from __future__ import annotations

import asyncio
import hmac
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import object_session
from sqlmodel import Session, col, delete, select

from miwell.accounts import rules
from miwell.accounts.models import (
    AuthSession,
    LoginThrottle,
    PatientAssignment,
    PatientProfile,
    PsychiatristInvitation,
    PsychiatristProfile,
    PsychiatristStandingChange,
    SignInHandoff,
    User,
)
from miwell.accounts.passwords import hash_password, new_token, token_hash, verify_password
from miwell.accounts.rules import Role, Standing
from miwell.scheduling.models import Organisation
from miwell.ids import is_id
from miwell.settings import get_settings
from miwell.timeutil import is_timezone, utcnow
from miwell.wellbeing.models import RiskAlert


class AccountError(ValueError):
    """A refusal whose message is meant for the person at the keyboard."""


class PermissionDenied(AccountError):
    pass


DUPLICATE_EMAIL = "An account with this email address already exists. Sign in instead, or use another address."
BAD_LOGIN = "Email or password is not right."
NO_PSYCHIATRIST = (
    "Patient registration is not open at the moment: no psychiatrist is taking new patients. "
    "Nothing was saved. Please try again later or contact the clinic."
)
NO_ACCESS = "You do not have access to that."
APPROVED = Standing.APPROVED.value


@dataclass(frozen=True)
class CurrentUser:
    """What states may keep about the signed-in user: no hash, no secrets."""

    id: int
    role: str
    full_name: str
    email: str
    organisation_id: int | None = None  # clinic staff only
    standing: str = ""  # psychiatrists only: pending, approved, rejected or suspended

    @classmethod
    def of(cls, user: User, standing: str | None = None) -> "CurrentUser":
        assert user.id is not None
        if standing is None and user.role == Role.PSYCHIATRIST.value:
            session = object_session(user)
            profile = session.get(PsychiatristProfile, user.id) if session is not None else None
            standing = profile.standing if profile is not None else ""
        return cls(user.id, user.role, user.full_name, user.email, user.organisation_id, standing or "")

    @property
    def practising(self) -> bool:
        """False for a psychiatrist who is not approved: they may only see their status page."""
        return self.role != Role.PSYCHIATRIST.value or self.standing == APPROVED


def require_role(actor: CurrentUser | User | None, *roles: str) -> None:
    """The actor has one of ``roles``; a psychiatrist must also be approved."""
    if actor is None or actor.role not in roles:
        raise PermissionDenied(NO_ACCESS)
    if isinstance(actor, CurrentUser) and not actor.practising:
        raise PermissionDenied(NO_ACCESS)


def _validate_timezone(name: str) -> str:
    if not is_timezone(name):
        raise AccountError("Please choose a valid time zone.")
    return name


def psychiatrist_loads(session: Session) -> list[rules.PsychiatristLoad]:
    """Every approved psychiatrist with their patient count and intake settings, in one grouped query."""
    rows = session.exec(
        select(
            User.id,
            User.created_at,
            PsychiatristProfile.accepts_new_patients,
            PsychiatristProfile.caseload_cap,
            func.count(PatientProfile.user_id),
        )
        .join(PsychiatristProfile, PsychiatristProfile.user_id == User.id)
        .outerjoin(PatientProfile, PatientProfile.psychiatrist_id == User.id)
        .where(User.role == Role.PSYCHIATRIST.value, PsychiatristProfile.standing == APPROVED)
        .group_by(User.id, User.created_at, PsychiatristProfile.accepts_new_patients, PsychiatristProfile.caseload_cap)
    ).all()
    return [
        rules.PsychiatristLoad(uid, count, created, bool(accepting), cap)
        for uid, created, accepting, cap, count in rows
    ]


def _record_assignment(
    session: Session, patient_id: int, from_id: int | None, to_id: int, reason: str, actor_id: int | None, now: datetime
) -> None:
    session.add(
        PatientAssignment(
            patient_id=patient_id,
            from_psychiatrist_id=from_id,
            to_psychiatrist_id=to_id,
            reason=reason[:200],
            changed_by=actor_id,
            changed_at=now,
        )
    )


def email_taken(session: Session, email: str) -> bool:
    return session.exec(select(User.id).where(User.email == rules.normalise_email(email))).first() is not None


def _organisation_for(session: Session, role: str, organisation_id: int | None) -> int | None:
    if role != Role.STAFF.value:
        if organisation_id is not None:
            raise AccountError("Only clinic staff accounts belong to an organisation.")
        return None
    if organisation_id is None:
        raise AccountError("Choose the organisation this staff member works for.")
    if not is_id(organisation_id) or session.get(Organisation, organisation_id) is None:
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
    registration_number: str = "",
    invitation_token: str = "",
    now: datetime | None = None,
) -> User:
    """Create an account. Patients and psychiatrists register themselves; staff and admins need an admin.

    Clinic staff work for one organisation (``organisation_id``); other roles belong to none.
    A psychiatrist who signs up alone starts *pending* and sees no patient until an admin approves
    them; one created by an admin, by the operator or through an admin's invitation
    (``invitation_token``) is approved at once. ``by_operator`` is only for the command line and
    the demo data (someone with shell access).
    """
    now = now or utcnow()
    if role not in rules.ROLES:
        raise AccountError("Please choose a valid role.")
    invitation = None
    if invitation_token:
        if role != Role.PSYCHIATRIST.value:
            raise AccountError("Invitations are for psychiatrists.")
        invitation = _open_invitation(session, invitation_token, now)
        if rules.normalise_email(email) != invitation.email:
            raise AccountError("This invitation is for another email address.")
    if role not in rules.SELF_REGISTER_ROLES and not by_operator:
        require_role(actor, Role.ADMIN.value)
    vouched = by_operator or invitation is not None or (actor is not None and actor.role == Role.ADMIN.value and actor.practising)
    settings = get_settings()
    name = rules.validate_name(full_name)
    clean_email = rules.validate_email(email)
    clean_phone = rules.normalise_phone(phone, settings.default_region)
    rules.check_password_strength(password, clean_email, name)
    if email_taken(session, clean_email):
        raise AccountError(DUPLICATE_EMAIL)
    organisation_id = _organisation_for(session, role, organisation_id)

    psychiatrist: PsychiatristProfile | None = None
    if role == Role.PSYCHIATRIST.value:
        number = registration_number.strip() if isinstance(registration_number, str) else ""
        if number or not vouched:
            number = rules.validate_registration_number(number)
        psychiatrist = PsychiatristProfile(
            user_id=0,
            standing=APPROVED if vouched else Standing.PENDING.value,
            registration_number=number,
            standing_changed_at=now,
            standing_reason=(
                "Invited by an admin" if invitation is not None
                else "Created by an admin" if vouched
                else "Signed up; awaiting an admin's approval"
            ),
        )

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
            assert user.id is not None
            if profile is not None:
                profile.user_id = user.id
                session.add(profile)
                session.flush()
                _record_assignment(session, user.id, None, profile.psychiatrist_id, "Registered", None, now)
            if psychiatrist is not None:
                psychiatrist.user_id = user.id
                session.add(psychiatrist)
                if invitation is not None:
                    invitation.used_at = now
                    session.add(invitation)
            session.flush()
    except IntegrityError:
        # Two registrations racing for one address: the unique index decides.
        raise AccountError(DUPLICATE_EMAIL) from None
    return user


# --- invitations ---------------------------------------------------------------------------

INVITATION_DAYS = 7
BAD_INVITATION = (
    "This invitation link does not work: it may have been used already, replaced by a newer one, "
    "mistyped, or it has expired. Ask the admin who invited you for a new link."
)


def _invitation_hash(token: str) -> str:
    return token_hash(token, get_settings().secret_key)


def _open_invitation(session: Session, token: str, now: datetime) -> PsychiatristInvitation:
    """The unused, unexpired invitation a link names; one message for every way it can fail."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise AccountError(BAD_INVITATION)
    invitation = session.exec(
        select(PsychiatristInvitation).where(PsychiatristInvitation.token_hash == _invitation_hash(token))
    ).first()
    if invitation is None or invitation.used_at is not None or invitation.expires_at <= now:
        raise AccountError(BAD_INVITATION)
    return invitation


@dataclass(frozen=True)
class InvitationView:
    id: int
    email: str
    full_name: str
    created: str
    expires: str
    used: bool
    expired: bool


def invitation_for(session: Session, token: str, now: datetime | None = None) -> InvitationView:
    """What the invitation page shows before the psychiatrist fills in the rest."""
    inv = _open_invitation(session, token, now or utcnow())
    assert inv.id is not None
    return InvitationView(inv.id, inv.email, inv.full_name, _day(inv.created_at), _day(inv.expires_at), False, False)


def _day(moment: datetime) -> str:
    return moment.strftime("%d %b %Y %H:%M UTC")


def invite_psychiatrist(
    session: Session, actor: CurrentUser, email: str, full_name: str = "", now: datetime | None = None
) -> str:
    """Create (or replace) the invitation for ``email`` and return the raw token, shown once."""
    require_role(actor, Role.ADMIN.value)
    now = now or utcnow()
    clean_email = rules.validate_email(email)
    name = rules.validate_name(full_name, "psychiatrist's name") if (full_name or "").strip() else ""
    if email_taken(session, clean_email):
        raise AccountError("An account with this email address already exists, so no invitation is needed.")
    token = new_token()
    invitation = session.exec(select(PsychiatristInvitation).where(PsychiatristInvitation.email == clean_email)).first()
    if invitation is None:
        invitation = PsychiatristInvitation(email=clean_email, token_hash="", expires_at=now)
    invitation.full_name = name
    invitation.token_hash = _invitation_hash(token)
    invitation.created_by = actor.id
    invitation.created_at = now
    invitation.expires_at = now + timedelta(days=INVITATION_DAYS)
    invitation.used_at = None
    session.add(invitation)
    session.flush()
    return token


def list_invitations(session: Session, actor: CurrentUser, now: datetime | None = None) -> list[InvitationView]:
    require_role(actor, Role.ADMIN.value)
    now = now or utcnow()
    rows = session.exec(select(PsychiatristInvitation).order_by(PsychiatristInvitation.created_at.desc())).all()
    return [
        InvitationView(r.id, r.email, r.full_name, _day(r.created_at), _day(r.expires_at), r.used_at is not None, r.expires_at <= now)  # type: ignore[arg-type]
        for r in rows
    ]


def withdraw_invitation(session: Session, actor: CurrentUser, invitation_id: object) -> None:
    require_role(actor, Role.ADMIN.value)
    row = session.get(PsychiatristInvitation, invitation_id) if is_id(invitation_id) else None
    if row is None:
        raise AccountError("That invitation no longer exists.")
    session.delete(row)
    session.flush()


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

    everyone = _throttle_row(session, address, rules.ANY_SOURCE)
    seen = rules.address_after_failure(_state_of(everyone), everyone.updated_at if everyone.failures else None, now)
    everyone.failures, everyone.locked_until, everyone.updated_at = seen.failures, None, now
    state = rules.after_failure(_state_of(mine), now)
    mine.failures, mine.locked_until, mine.updated_at = state.failures, state.locked_until, now
    session.add_all([everyone, mine])
    if rules.is_locked(state, now):
        return LoginResult(None, rules.lock_message(state, now))
    return LoginResult(None, BAD_LOGIN, rules.failure_delay(max(seen.failures, state.failures)))


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
    """The session's user with their standing, in one query, or None."""
    if not token or not isinstance(token, str) or len(token) > 200:
        return None
    now = now or utcnow()
    row = session.exec(
        select(User, PsychiatristProfile.standing)
        .join(AuthSession, AuthSession.user_id == User.id)
        .outerjoin(PsychiatristProfile, PsychiatristProfile.user_id == User.id)
        .where(AuthSession.token_hash == token_hash(token, get_settings().secret_key))
        .where(AuthSession.expires_at > now)
    ).first()
    return CurrentUser.of(row[0], row[1] or "") if row else None


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


def change_password(session: Session, actor: CurrentUser, current: str, new: str, confirm: str) -> None:
    """Change the password and end every session of the account (this browser signs in again
    through a handoff, see ``create_handoff``)."""
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


def delete_account(session: Session, actor: CurrentUser, password: str) -> None:
    """Delete the user's own account and their personal data with it."""
    user = session.get(User, actor.id)
    if user is None:
        raise PermissionDenied("Your account no longer exists.")
    if not verify_password(password, user.password_hash):
        raise AccountError("Your password is not right, so the account was not deleted.")
    if user.role == Role.PSYCHIATRIST.value:
        hand_over_patients(session, user.id, actor_id=user.id, reason="Their psychiatrist deleted their account")
    if user.role == Role.ADMIN.value:
        admins = session.exec(select(func.count()).select_from(User).where(User.role == Role.ADMIN.value)).one()
        if admins <= 1:
            raise AccountError("You are the only admin. Create another admin before deleting this account.")
    # Profile, sessions and (later) entries go with the user through ON DELETE CASCADE.
    session.delete(user)
    session.flush()


def _approved_psychiatrist(session: Session, user_id: object) -> User | None:
    if not is_id(user_id):
        return None
    row = session.exec(
        select(User)
        .join(PsychiatristProfile, PsychiatristProfile.user_id == User.id)
        .where(User.id == user_id, PsychiatristProfile.standing == APPROVED)
    ).first()
    return row


def hand_over_patients(
    session: Session,
    psychiatrist_id: int,
    *,
    to_id: int | None = None,
    actor_id: int | None = None,
    reason: str = "Hand-over",
    now: datetime | None = None,
) -> dict[int, int]:
    """Give every patient of ``psychiatrist_id`` to ``to_id``, or each to the least loaded who can take them.

    Open alerts go with the patients: an alert is always shown to the patient's current
    psychiatrist. Each move is recorded. Returns ``{patient_id: new_psychiatrist_id}``.
    """
    now = now or utcnow()
    patient_ids = list(
        session.exec(
            select(PatientProfile.user_id)
            .where(PatientProfile.psychiatrist_id == psychiatrist_id)
            .order_by(PatientProfile.user_id)
        ).all()
    )
    if not patient_ids:
        return {}
    if to_id is not None:
        if to_id == psychiatrist_id or _approved_psychiatrist(session, to_id) is None:
            raise AccountError("Choose another approved psychiatrist to take the patients.")
        plan = {patient_id: to_id for patient_id in patient_ids}
    else:
        others = [load for load in psychiatrist_loads(session) if load.user_id != psychiatrist_id]
        try:
            plan = rules.plan_handover(patient_ids, others)
        except ValueError as exc:
            raise AccountError(str(exc)) from None
    by_target: dict[int, list[int]] = defaultdict(list)
    for patient_id, new_id in plan.items():
        by_target[new_id].append(patient_id)
    # One UPDATE per receiving psychiatrist, not one per patient.
    for new_id, ids in by_target.items():
        session.exec(
            update(PatientProfile)
            .where(col(PatientProfile.user_id).in_(ids))
            .values(psychiatrist_id=new_id)
            .execution_options(synchronize_session="fetch")
        )
    for patient_id, new_id in plan.items():
        _record_assignment(session, patient_id, psychiatrist_id, new_id, reason, actor_id, now)
    session.flush()
    return plan


# --- psychiatrists: standing and intake ---------------------------------------------------------


@dataclass(frozen=True)
class PsychiatristAdminRow:
    id: int
    full_name: str
    email: str
    phone: str
    registration_number: str
    standing: str
    reason: str
    changed: str
    registered: str
    patients: int
    accepting: bool
    cap: int | None


def list_psychiatrists(session: Session, actor: CurrentUser) -> list[PsychiatristAdminRow]:
    """Every psychiatrist account for the admins, pending first; one grouped query."""
    require_role(actor, Role.ADMIN.value)
    pending_first = case((PsychiatristProfile.standing == Standing.PENDING.value, 0), else_=1)
    rows = session.exec(
        select(User, PsychiatristProfile, func.count(PatientProfile.user_id))
        .join(PsychiatristProfile, PsychiatristProfile.user_id == User.id)
        .outerjoin(PatientProfile, PatientProfile.psychiatrist_id == User.id)
        .group_by(User.id, PsychiatristProfile.user_id)
        .order_by(pending_first, User.created_at, User.id)
    ).all()
    return [
        PsychiatristAdminRow(
            u.id,  # type: ignore[arg-type]
            u.full_name,
            u.email,
            rules.display_phone(u.phone),
            p.registration_number,
            p.standing,
            p.standing_reason,
            _day(p.standing_changed_at) if p.standing_changed_at else "",
            u.created_at.strftime("%d %b %Y"),
            int(n),
            p.accepts_new_patients,
            p.caseload_cap,
        )
        for u, p, n in rows
    ]


@dataclass(frozen=True)
class StandingResult:
    name: str
    standing: str
    patients_handed_over: int
    alerts_handed_over: int


def change_standing(
    session: Session,
    actor: CurrentUser,
    psychiatrist_id: object,
    new_standing: str,
    reason: str,
    *,
    hand_over_to: int | None = None,
    now: datetime | None = None,
) -> StandingResult:
    """Approve, reject, suspend or reinstate a psychiatrist, recorded with who, when and why.

    Suspending ends the psychiatrist's sessions and hands their patients (and with them their
    open alerts) to ``hand_over_to`` or to the least loaded, all in the caller's transaction.
    """
    require_role(actor, Role.ADMIN.value)
    now = now or utcnow()
    user = session.get(User, psychiatrist_id) if is_id(psychiatrist_id) else None
    profile = session.get(PsychiatristProfile, psychiatrist_id) if user is not None else None
    if user is None or profile is None:
        raise AccountError("That psychiatrist account no longer exists; it may have been deleted. Nothing was changed.")
    try:
        rules.check_standing_change(profile.standing, new_standing)
        clean_reason = rules.validate_reason(reason, "why")
    except ValueError as exc:
        raise AccountError(str(exc)) from None
    handed, alerts = 0, 0
    if new_standing == Standing.SUSPENDED.value:
        alerts = int(
            session.exec(
                select(func.count(RiskAlert.id))
                .join(PatientProfile, PatientProfile.user_id == RiskAlert.patient_id)
                .where(PatientProfile.psychiatrist_id == user.id, RiskAlert.acknowledged_at.is_(None))
            ).one()
        )
        plan = hand_over_patients(
            session, user.id, to_id=hand_over_to, actor_id=actor.id,  # type: ignore[arg-type]
            reason=f"Their psychiatrist was suspended: {clean_reason}", now=now,
        )
        handed = len(plan)
        end_all_sessions(session, user.id)  # type: ignore[arg-type]
    session.add(
        PsychiatristStandingChange(
            psychiatrist_id=user.id,
            from_standing=profile.standing,
            to_standing=new_standing,
            reason=clean_reason,
            changed_by=actor.id,
            changed_by_name=actor.full_name,
            changed_at=now,
            patients_handed_over=handed,
        )
    )
    profile.standing = new_standing
    profile.standing_reason = clean_reason
    profile.standing_changed_at = now
    session.add(profile)
    session.flush()
    return StandingResult(user.full_name, new_standing, handed, alerts if handed else 0)


@dataclass(frozen=True)
class StandingView:
    standing: str
    reason: str
    changed: str
    registration_number: str


def own_standing(session: Session, actor: CurrentUser) -> StandingView:
    """A psychiatrist's own standing, whatever it is: the one thing a pending account may read."""
    if actor is None or actor.role != Role.PSYCHIATRIST.value:
        raise PermissionDenied(NO_ACCESS)
    profile = session.get(PsychiatristProfile, actor.id)
    if profile is None:
        raise PermissionDenied("Your account no longer exists.")
    changed = _day(profile.standing_changed_at) if profile.standing_changed_at else ""
    return StandingView(profile.standing, profile.standing_reason, changed, profile.registration_number)


@dataclass(frozen=True)
class IntakeView:
    accepting: bool
    cap: int | None
    patients: int


def intake(session: Session, actor: CurrentUser) -> IntakeView:
    require_role(actor, Role.PSYCHIATRIST.value)
    profile = session.get(PsychiatristProfile, actor.id)
    assert profile is not None
    count = session.exec(select(func.count(PatientProfile.user_id)).where(PatientProfile.psychiatrist_id == actor.id)).one()
    return IntakeView(profile.accepts_new_patients, profile.caseload_cap, int(count))


def update_intake(session: Session, actor: CurrentUser, accepting: object, cap: object) -> IntakeView:
    """The psychiatrist's own "taking new patients" switch and optional cap; patients they have stay."""
    require_role(actor, Role.PSYCHIATRIST.value)
    profile = session.get(PsychiatristProfile, actor.id)
    assert profile is not None
    try:
        profile.caseload_cap = rules.validate_caseload_cap(cap)
    except ValueError as exc:
        raise AccountError(str(exc)) from None
    profile.accepts_new_patients = accepting is True or accepting in ("on", "true", "1")
    session.add(profile)
    session.flush()
    return intake(session, actor)


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
        .join(PsychiatristProfile, PsychiatristProfile.user_id == User.id)
        .outerjoin(PatientProfile, PatientProfile.psychiatrist_id == User.id)
        .where(User.role == Role.PSYCHIATRIST.value, PsychiatristProfile.standing == APPROVED)
        .group_by(User.id)
        .order_by(User.full_name)
    ).all()
    return [PsychiatristRow(u.id, u.full_name, u.email, rules.display_phone(u.phone), n) for u, n in rows]
