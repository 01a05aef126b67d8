"""Every table of the app, imported in one place for Alembic and for Reflex."""

from sqlmodel import SQLModel

from miwell.accounts.models import AuthSession, LoginThrottle, PatientProfile, User
from miwell.scheduling.models import (
    Agenda,
    Appointment,
    AppointmentStatusChange,
    Client,
    Clinic,
    ClinicPatient,
    Doctor,
    Organisation,
)
from miwell.wellbeing.models import (
    DailySuggestion,
    EntryReply,
    MoodEntry,
    MoodEntryVersion,
    RiskAlert,
    TaskPin,
    WellbeingTask,
)

metadata = SQLModel.metadata

__all__ = [
    "Agenda",
    "Appointment",
    "AppointmentStatusChange",
    "AuthSession",
    "Client",
    "Clinic",
    "ClinicPatient",
    "DailySuggestion",
    "Doctor",
    "EntryReply",
    "LoginThrottle",
    "MoodEntry",
    "MoodEntryVersion",
    "Organisation",
    "PatientProfile",
    "RiskAlert",
    "TaskPin",
    "User",
    "WellbeingTask",
    "metadata",
]
