"""Account tables. Roles are enforced by the schema too, not only by the code.

``patient_profiles`` points at ``users(id, role)`` with a role column fixed by a CHECK,
so a profile can only belong to a patient and only name a psychiatrist as its referee.
"""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, Column, ForeignKey, ForeignKeyConstraint, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from miwell.accounts.rules import ROLES
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


class LoginThrottle(SQLModel, table=True):
    """Failed logins per normalised email, kept whether or not the account exists.

    Keyed by address rather than by user so the lock reveals nothing about which addresses
    have accounts.
    """

    __tablename__ = "login_throttles"
    __table_args__ = (CheckConstraint("failures >= 0", name="ck_login_throttles_failures"),)

    email: str = Field(primary_key=True, max_length=254)
    failures: int = Field(default=0)
    locked_until: Optional[datetime] = None
    updated_at: datetime = Field(default_factory=utcnow)
