"""Every table of the app, imported in one place for Alembic and for Reflex."""

from sqlmodel import SQLModel

from miwell.accounts.models import AuthSession, LoginThrottle, PatientProfile, User

metadata = SQLModel.metadata

__all__ = ["AuthSession", "LoginThrottle", "PatientProfile", "User", "metadata"]
