"""Accounts: registration of every role, one's own account, and the lists admins and clinicians see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from miwell.accounts.core import rules
from miwell.accounts.core.passwords import (
    hash_password,
    verify_password,
)
from miwell.accounts.core.rules import Role, Standing
from miwell.accounts.models import (
    PatientProfile,
    PsychiatristProfile,
    User,
)
from miwell.accounts.services.base import (
    APPROVED,
    DUPLICATE_EMAIL,
    NO_PSYCHIATRIST,
    AccountError,
    CurrentUser,
    PermissionDenied,
    _organisation_for,
    _validate_timezone,
    email_taken,
    require_role,
)
from miwell.accounts.services.psychiatrists import (
    _open_invitation,
    _record_assignment,
    hand_over_patients,
    psychiatrist_loads,
)
from miwell.accounts.services.sessions import (
    end_all_sessions,
)
from miwell.audit import services as audit
from miwell.settings import get_settings
from miwell.timeutil import utcnow


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
    # The log keeps that this account was erased, by whom and when; never what it held.
    audit.record(
        session, "erased", "account", actor, record_id=user.id,
        patient_id=user.id if user.role == Role.PATIENT.value else None, detail=f"{user.role} account and its personal data",
    )  # fmt: skip
    # Profile, sessions and (later) entries go with the user through ON DELETE CASCADE.
    session.delete(user)
    session.flush()



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
    """Approved psychiatrists with their patient counts: every one for an admin; for clinic staff,
    only those linked to a doctor record of their own organisation (their contact details are not
    the whole of MiWell's to browse)."""
    from miwell.scheduling.models import Doctor

    require_role(actor, Role.STAFF.value, Role.ADMIN.value)
    statement = (
        select(User, func.count(PatientProfile.user_id))
        .join(PsychiatristProfile, PsychiatristProfile.user_id == User.id)
        .outerjoin(PatientProfile, PatientProfile.psychiatrist_id == User.id)
        .where(User.role == Role.PSYCHIATRIST.value, PsychiatristProfile.standing == APPROVED)
    )
    if actor.role != Role.ADMIN.value:
        linked = select(Doctor.user_id).where(Doctor.organisation_id == actor.organisation_id, Doctor.user_id.is_not(None))  # type: ignore[union-attr]
        statement = statement.where(User.id.in_(linked))  # type: ignore[union-attr]
    rows = session.exec(statement.group_by(User.id).order_by(User.full_name)).all()
    return [PsychiatristRow(u.id, u.full_name, u.email, rules.display_phone(u.phone), n) for u, n in rows]
