"""Account tables. Roles are enforced by the schema too, not only by the code.

``patient_profiles`` points at ``users(id, role)`` with a role column fixed by a CHECK,
so a profile can only belong to a patient and only name a psychiatrist as its referee.
"""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, ForeignKeyConstraint, Integer, String, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from miwell.accounts.core.rules import ROLES, STANDINGS
from miwell.timeutil import utcnow

_role_list = ", ".join(f"'{r}'" for r in ROLES)


class User(SQLModel, table=True):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN ({_role_list})", name="ck_users_role"),
        CheckConstraint("email = lower(trim(email)) AND email LIKE '%_@_%'", name="ck_users_email_normalised"),
        CheckConstraint("phone LIKE '+%'", name="ck_users_phone_e164"),
        UniqueConstraint("id", "role", name="uq_users_id_role"),
        # Clinic staff work for exactly one organisation; nobody else belongs to one.
        CheckConstraint(
            "(role = 'staff' AND organisation_id IS NOT NULL) OR (role <> 'staff' AND organisation_id IS NULL)",
            name="ck_users_staff_organisation",
        ),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=20, index=True)
    full_name: str = Field(max_length=120)
    phone: str = Field(max_length=20)
    created_at: datetime = Field(default_factory=utcnow)
    organisation_id: Optional[int] = Field(
        default=None,
        sa_column=Column(
            Integer,
            ForeignKey("organisations.id", ondelete="RESTRICT", name="fk_users_organisation"),
            nullable=True,
            index=True,
        ),
    )
    # Only the demo loader sets this: its accounts, with published passwords, sign in without an
    # authenticator app so the demo stays quick. A real installation has no such account.
    two_factor_exempt: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class PatientProfile(SQLModel, table=True):
    __tablename__ = "patient_profiles"
    __table_args__ = (
        CheckConstraint("role = 'patient'", name="ck_patient_profiles_role"),
        CheckConstraint("psychiatrist_role = 'psychiatrist'", name="ck_patient_profiles_psychiatrist_role"),
        CheckConstraint("emergency_contact_phone LIKE '+%'", name="ck_patient_profiles_contact_e164"),
        ForeignKeyConstraint(
            ["user_id", "role"], ["users.id", "users.role"], ondelete="CASCADE", name="fk_patient_profiles_user"
        ),
        ForeignKeyConstraint(
            ["psychiatrist_id", "psychiatrist_role"],
            ["users.id", "users.role"],
            ondelete="RESTRICT",
            name="fk_patient_profiles_psychiatrist",
        ),
    )

    user_id: int = Field(primary_key=True)
    role: str = Field(default="patient", max_length=20)
    psychiatrist_id: int = Field(index=True)
    psychiatrist_role: str = Field(default="psychiatrist", max_length=20)
    emergency_contact_name: str = Field(max_length=120)
    emergency_contact_phone: str = Field(max_length=20)
    timezone: str = Field(default="Europe/London", max_length=64)
    requires_assistance: bool = Field(default=False)


class AuthSession(SQLModel, table=True):
    """A login. Only the keyed hash of the browser's random token is kept."""

    __tablename__ = "auth_sessions"

    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True))
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    # Moved on by activity (each page load, and the page's ping while someone is using it); NULL
    # for a role without an inactivity limit.
    idle_expires_at: Optional[datetime] = Field(default=None)


class LoginThrottle(SQLModel, table=True):
    """Failed sign-ins per normalised email, kept whether or not the account exists.

    Two kinds of row: ``source = '*'`` counts every failure for the address and only slows
    answers down; a row per (address, source) counts one client's failures and may lock that
    client out. So a stranger guessing cannot lock the account's owner out of their own account.
    Keyed by address rather than by user, so the counts reveal nothing about which addresses
    have accounts.
    """

    __tablename__ = "login_throttles"
    __table_args__ = (CheckConstraint("failures >= 0", name="ck_login_throttles_failures"),)

    email: str = Field(primary_key=True, max_length=254)
    source: str = Field(primary_key=True, max_length=64)
    failures: int = Field(default=0)
    locked_until: Optional[datetime] = None
    updated_at: datetime = Field(default_factory=utcnow)


class SignInHandoff(SQLModel, table=True):
    """The step between a checked password and the HttpOnly session cookie.

    The websocket cannot set an HttpOnly cookie, so a successful sign-in leaves a one-time,
    short-lived handoff here and sends the browser to ``/session/start``, which swaps it for a
    session and sets the cookie. The nonce is a cookie the signing-in page set itself, so a
    handoff link sent to someone else's browser signs nobody in.
    """

    __tablename__ = "sign_in_handoffs"

    id: Optional[int] = Field(default=None, primary_key=True)
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    nonce_hash: str = Field(sa_column=Column(String(64), nullable=False))
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True))
    next_path: str = Field(default="/", max_length=200)
    expires_at: datetime


_standing_list = ", ".join(f"'{s}'" for s in STANDINGS)


class PsychiatristProfile(SQLModel, table=True):
    """A psychiatrist's standing and how many patients they take.

    Like ``patient_profiles`` it points at ``users(id, role)``, so only a psychiatrist can have one.
    Patients are assigned only to approved psychiatrists who accept new patients and are under
    their cap; every other standing sees nothing.
    """

    __tablename__ = "psychiatrist_profiles"
    __table_args__ = (
        CheckConstraint("role = 'psychiatrist'", name="ck_psychiatrist_profiles_role"),
        CheckConstraint(f"standing IN ({_standing_list})", name="ck_psychiatrist_profiles_standing"),
        CheckConstraint("caseload_cap IS NULL OR caseload_cap >= 1", name="ck_psychiatrist_profiles_cap"),
        ForeignKeyConstraint(
            ["user_id", "role"], ["users.id", "users.role"], ondelete="CASCADE", name="fk_psychiatrist_profiles_user"
        ),
    )

    user_id: int = Field(primary_key=True)
    role: str = Field(default="psychiatrist", max_length=20)
    standing: str = Field(default="pending", max_length=10, index=True)
    registration_number: str = Field(default="", max_length=20)
    accepts_new_patients: bool = Field(default=True)
    caseload_cap: Optional[int] = None
    standing_changed_at: Optional[datetime] = None
    standing_reason: str = Field(default="", max_length=500)


class PsychiatristStandingChange(SQLModel, table=True):
    """Every approval, rejection, suspension and reinstatement: who, when, why."""

    __tablename__ = "psychiatrist_standing_changes"

    id: Optional[int] = Field(default=None, primary_key=True)
    psychiatrist_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    from_standing: str = Field(max_length=10)
    to_standing: str = Field(max_length=10)
    reason: str = Field(default="", max_length=500)
    changed_by: Optional[int] = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    # Kept as written so the record still reads right after the admin's account is gone.
    changed_by_name: str = Field(default="", max_length=120)
    changed_at: datetime = Field(default_factory=utcnow)
    patients_handed_over: int = Field(default=0)


class PatientAssignment(SQLModel, table=True):
    """Each time a patient gets a psychiatrist: at registration, and at every hand-over."""

    __tablename__ = "patient_assignments"

    id: Optional[int] = Field(default=None, primary_key=True)
    patient_id: int = Field(
        sa_column=Column(Integer, ForeignKey("patient_profiles.user_id", ondelete="CASCADE"), nullable=False, index=True)
    )
    from_psychiatrist_id: Optional[int] = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    to_psychiatrist_id: Optional[int] = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    reason: str = Field(max_length=200)
    changed_by: Optional[int] = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    changed_at: datetime = Field(default_factory=utcnow)


class PsychiatristInvitation(SQLModel, table=True):
    """A one-time link an admin gives a psychiatrist; only its keyed hash is stored.

    One open invitation per address: inviting again replaces the link (the old one stops working).
    """

    __tablename__ = "psychiatrist_invitations"
    __table_args__ = (
        CheckConstraint("email = lower(trim(email))", name="ck_psychiatrist_invitations_email"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    full_name: str = Field(default="", max_length=120)
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_by: Optional[int] = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: Optional[datetime] = None


class TwoFactor(SQLModel, table=True):
    """A user's authenticator app: the shared secret and the newest code step used (a code works
    once). The secret must be readable to check codes, so it is sealed with a key derived from the
    server's secret key (never in the database); the recovery codes are hashed like passwords."""

    __tablename__ = "two_factor"

    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True))
    secret: str = Field(max_length=255)
    enabled_at: datetime = Field(default_factory=utcnow)
    last_step: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))


class RecoveryCode(SQLModel, table=True):
    __tablename__ = "recovery_codes"

    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True))
    code_hash: str = Field(max_length=255)
    used_at: Optional[datetime] = Field(default=None)
