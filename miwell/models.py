"""Every table of the app, imported in one place for Alembic and for Reflex."""

from sqlmodel import SQLModel

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
from miwell.scheduling.models import (
    AccountLinkRequest,
    Agenda,
    Appointment,
    AppointmentSeries,
    AppointmentStatusChange,
    Client,
    Clinic,
    ClinicPatient,
    CrisisLine,
    Doctor,
    Organisation,
    UrgentRequest,
    WaitlistEntry,
    WaitlistOffer,
)
from miwell.wellbeing.models import (
    DailySuggestion,
    EntryReply,
    MoodEntry,
    MoodEntryFeeling,
    MoodEntryVersion,
    QuestionnaireResponse,
    QuestionnaireSchedule,
    RiskAlert,
    TaskPin,
    WellbeingTask,
    WellbeingTaskVersion,
)

from miwell.audit.models import AuditEvent
from miwell.outreach.models import MessagePreference, OutboxMessage, SafetyContact

metadata = SQLModel.metadata

__all__ = [
    "AccountLinkRequest",
    "Agenda",
    "Appointment",
    "AppointmentSeries",
    "AppointmentStatusChange",
    "AuditEvent",
    "AuthSession",
    "Client",
    "Clinic",
    "ClinicPatient",
    "CrisisLine",
    "DailySuggestion",
    "Doctor",
    "EntryReply",
    "LoginThrottle",
    "MessagePreference",
    "MoodEntry",
    "MoodEntryFeeling",
    "MoodEntryVersion",
    "Organisation",
    "OutboxMessage",
    "QuestionnaireResponse",
    "QuestionnaireSchedule",
    "PatientAssignment",
    "PatientProfile",
    "PsychiatristInvitation",
    "PsychiatristProfile",
    "PsychiatristStandingChange",
    "RiskAlert",
    "SafetyContact",
    "SignInHandoff",
    "TaskPin",
    "UrgentRequest",
    "WaitlistEntry",
    "WaitlistOffer",
    "User",
    "WellbeingTask",
    "WellbeingTaskVersion",
    "metadata",
]
