"""Wellbeing tables: daily mood entries, their edit history, replies, tasks, pins, suggestions, alerts.

Everything a patient leaves behind hangs off ``patient_profiles.user_id`` with ON DELETE CASCADE,
so deleting a patient's account removes it all. Psychiatrists are referred to through ``users.id``
with ON DELETE SET NULL: a psychiatrist leaving must not erase a patient's record of care.
The rules the pure core enforces (scores, note and reply length, minutes) are repeated as CHECKs
so that no code path can store what the app would refuse.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from miwell.timeutil import utcnow
from miwell.wellbeing.core.moods import FEELING_KEYS, MAX_SCORE, MIN_SCORE, MINUTES_MAX, MINUTES_STEP, NOTE_MAX
from miwell.wellbeing.core.questionnaires import EVERY_WEEKS, KINDS, MAX_TOTAL
from miwell.wellbeing.core.risk import LEVELS

REPLY_MAX = 280
TASK_TITLE_MAX = 80
TASK_DESCRIPTION_MAX = 600
TASK_MINUTES_MAX = 120

_SCORE = f"score BETWEEN {MIN_SCORE} AND {MAX_SCORE}"
_NOTE = f"length(note) <= {NOTE_MAX}"
_MINUTES = f"minutes BETWEEN 0 AND {MINUTES_MAX} AND minutes % {MINUTES_STEP} = 0"
_levels = ", ".join(f"'{level}'" for level in LEVELS)
_alert_levels = ", ".join(f"'{level}'" for level in LEVELS if level != "none")


def _patient_fk() -> Column:
    return Column(Integer, ForeignKey("patient_profiles.user_id", ondelete="CASCADE"), nullable=False)


def _psychiatrist_fk(nullable: bool = True) -> Column:
    return Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=nullable)


class MoodEntry(SQLModel, table=True):
    """A patient's check-in for one day of their own calendar."""

    __tablename__ = "mood_entries"
    __table_args__ = (
        UniqueConstraint("patient_id", "day", name="uq_mood_entries_patient_day"),
        CheckConstraint(_SCORE, name="ck_mood_entries_score"),
        CheckConstraint(_NOTE, name="ck_mood_entries_note"),
        CheckConstraint(_MINUTES, name="ck_mood_entries_minutes"),
        CheckConstraint(f"risk_level IN ({_levels})", name="ck_mood_entries_risk_level"),
        # The review feed looks for a psychiatrist's patients' entries with no review yet.
        Index("ix_mood_entries_patient_reviewed", "patient_id", "reviewed_at"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    patient_id: int = Field(sa_column=_patient_fk())
    day: date
    score: int
    note: str = Field(default="", max_length=NOTE_MAX)
    minutes: int = Field(default=0)
    risk_level: str = Field(default="none", max_length=10)
    # One reason per line, as RiskAssessment.reasons gives them: kept so an edit can be
    # compared with what the clinician was already told.
    risk_reasons: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    reviewed_at: Optional[datetime] = None
    reviewed_by: Optional[int] = Field(default=None, sa_column=_psychiatrist_fk())
    # The patient's answers to the two screener questions asked after a worrying entry
    # (risk.SCREENER_QUESTIONS); None is "not asked, or not answered".
    screener_wish_dead: Optional[bool] = None
    screener_thoughts: Optional[bool] = None
    screener_at: Optional[datetime] = None


_feelings = ", ".join(f"'{key}'" for key in FEELING_KEYS)


class MoodEntryFeeling(SQLModel, table=True):
    """A feeling the patient added to an entry (anxious, lonely, hopeful...): several per entry."""

    __tablename__ = "mood_entry_feelings"
    __table_args__ = (CheckConstraint(f"feeling IN ({_feelings})", name="ck_mood_entry_feelings_feeling"),)

    entry_id: int = Field(
        sa_column=Column(Integer, ForeignKey("mood_entries.id", ondelete="CASCADE"), primary_key=True, nullable=False)
    )
    feeling: str = Field(primary_key=True, max_length=20)


class MoodEntryVersion(SQLModel, table=True):
    """An earlier state of an entry, kept when the patient changes it."""

    __tablename__ = "mood_entry_versions"
    __table_args__ = (
        CheckConstraint(_SCORE, name="ck_mood_entry_versions_score"),
        CheckConstraint(_NOTE, name="ck_mood_entry_versions_note"),
        CheckConstraint(_MINUTES, name="ck_mood_entry_versions_minutes"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    entry_id: int = Field(
        sa_column=Column(Integer, ForeignKey("mood_entries.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    score: int
    note: str = Field(default="", max_length=NOTE_MAX)
    minutes: int = Field(default=0)
    # The feelings as they were, comma-separated: a snapshot for the history, never queried.
    feelings: str = Field(default="", max_length=200)
    saved_at: datetime
    replaced_at: datetime = Field(default_factory=utcnow)


class EntryReply(SQLModel, table=True):
    """A psychiatrist's reply to an entry; one per psychiatrist and entry, editable."""

    __tablename__ = "entry_replies"
    __table_args__ = (
        UniqueConstraint("entry_id", "psychiatrist_id", name="uq_entry_replies_entry_psychiatrist"),
        CheckConstraint(f"length(body) BETWEEN 1 AND {REPLY_MAX}", name="ck_entry_replies_body"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    # The unique (entry_id, psychiatrist_id) index serves lookups by entry.
    entry_id: int = Field(sa_column=Column(Integer, ForeignKey("mood_entries.id", ondelete="CASCADE"), nullable=False))
    psychiatrist_id: Optional[int] = Field(default=None, sa_column=_psychiatrist_fk())
    body: str = Field(max_length=REPLY_MAX)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class WellbeingTask(SQLModel, table=True):
    """A mindfulness task of the shared library. Tasks are retired, never deleted."""

    __tablename__ = "wellbeing_tasks"
    __table_args__ = (
        CheckConstraint("length(trim(title)) > 0", name="ck_wellbeing_tasks_title"),
        CheckConstraint(f"minutes BETWEEN 1 AND {TASK_MINUTES_MAX}", name="ck_wellbeing_tasks_minutes"),
        CheckConstraint("band IN ('low', 'mid', 'high')", name="ck_wellbeing_tasks_band"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    title: str = Field(max_length=TASK_TITLE_MAX)
    description: str = Field(default="", max_length=TASK_DESCRIPTION_MAX)
    minutes: int
    band: str = Field(max_length=10)
    retired: bool = Field(default=False)
    created_by: Optional[int] = Field(default=None, sa_column=_psychiatrist_fk())
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class WellbeingTaskVersion(SQLModel, table=True):
    """A task as it was before a change, with who made the change and when."""

    __tablename__ = "wellbeing_task_versions"

    id: Optional[int] = Field(default=None, primary_key=True)
    task_id: int = Field(
        sa_column=Column(Integer, ForeignKey("wellbeing_tasks.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    title: str = Field(max_length=TASK_TITLE_MAX)
    description: str = Field(default="", max_length=TASK_DESCRIPTION_MAX)
    minutes: int
    band: str = Field(max_length=10)
    retired: bool = Field(default=False)
    changed_by: Optional[int] = Field(default=None, sa_column=_psychiatrist_fk())
    # As written at the time, so the history reads right after the account is gone.
    changed_by_name: str = Field(default="", max_length=120)
    changed_at: datetime = Field(default_factory=utcnow)


class TaskPin(SQLModel, table=True):
    """A task a psychiatrist wants one patient to be offered first."""

    __tablename__ = "task_pins"
    __table_args__ = (UniqueConstraint("patient_id", "task_id", name="uq_task_pins_patient_task"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    patient_id: int = Field(sa_column=_patient_fk())
    task_id: int = Field(
        sa_column=Column(Integer, ForeignKey("wellbeing_tasks.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    pinned_by: Optional[int] = Field(default=None, sa_column=_psychiatrist_fk())
    pinned_at: datetime = Field(default_factory=utcnow)


class DailySuggestion(SQLModel, table=True):
    """The task and message shown to a patient on a day.

    Kept apart from the entry so that deleting an entry does not erase what was shown, which
    the no-repeat rules for tasks (7 days) and messages (30 days) depend on.
    """

    __tablename__ = "daily_suggestions"
    __table_args__ = (CheckConstraint("message_index >= 0", name="ck_daily_suggestions_message_index"),)

    patient_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("patient_profiles.user_id", ondelete="CASCADE"), primary_key=True, nullable=False
        )
    )
    day: date = Field(primary_key=True)
    task_id: Optional[int] = Field(
        default=None, sa_column=Column(Integer, ForeignKey("wellbeing_tasks.id", ondelete="SET NULL"), nullable=True)
    )
    message_index: int


ALERT_SOURCES = ("entry", "phq9", "gad7")


class RiskAlert(SQLModel, table=True):
    """An entry or questionnaire that needs the assigned psychiatrist's attention, open until acknowledged.

    The note, mood and reasons are copied from the entry: the alert must say what the clinician
    was alerted about even if the patient edits or deletes the entry afterwards. A questionnaire's
    alert has no mood (``score`` is NULL, which its CHECK lets through) and points at the response.
    An appointment booked from the alert is recorded on it.
    """

    __tablename__ = "risk_alerts"
    __table_args__ = (
        CheckConstraint(f"level IN ({_alert_levels})", name="ck_risk_alerts_level"),
        CheckConstraint(_SCORE, name="ck_risk_alerts_score"),
        CheckConstraint(_NOTE, name="ck_risk_alerts_note"),
        CheckConstraint(
            "acknowledged_by IS NULL OR acknowledged_at IS NOT NULL", name="ck_risk_alerts_acknowledged"
        ),
        CheckConstraint(
            "source IN (" + ", ".join(f"'{s}'" for s in ALERT_SOURCES) + ")", name="ck_risk_alerts_source"
        ),
        # The live watcher asks "open alerts of these patients" every half second.
        Index("ix_risk_alerts_patient_open", "patient_id", "acknowledged_at"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    patient_id: int = Field(sa_column=_patient_fk())
    # Indexed because a patient deleting an entry makes the database look for its alerts.
    entry_id: Optional[int] = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("mood_entries.id", ondelete="SET NULL"), nullable=True, index=True),
    )
    day: date
    score: Optional[int] = None
    note: str = Field(default="", max_length=NOTE_MAX)
    level: str = Field(max_length=10)
    reasons: str = Field(default="", sa_column=Column(Text, nullable=False))
    source: str = Field(default="entry", max_length=10, sa_column_kwargs={"server_default": "entry"})
    questionnaire_id: Optional[int] = Field(
        default=None,
        sa_column=Column(
            Integer,
            ForeignKey("questionnaire_responses.id", ondelete="SET NULL", name="fk_risk_alerts_questionnaire"),
            nullable=True,
        ),
    )
    created_at: datetime = Field(default_factory=utcnow)
    acknowledged_at: Optional[datetime] = None
    acknowledged_by: Optional[int] = Field(default=None, sa_column=_psychiatrist_fk())
    # "Book an urgent appointment" from the alert: what was booked, when and by whom.
    appointment_id: Optional[int] = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("appointments.id", ondelete="SET NULL", name="fk_risk_alerts_appointment"), nullable=True
        ),
    )
    booked_at: Optional[datetime] = None
    booked_by: Optional[int] = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL", name="fk_risk_alerts_booked_by"), nullable=True),
    )
    # Outside the app (urgent alerts only): when the psychiatrist was emailed because nobody had
    # acknowledged it, and when the organisation's safety contacts were.
    emailed_at: Optional[datetime] = None
    escalated_at: Optional[datetime] = None


_kinds = ", ".join(f"'{k}'" for k in KINDS)


class QuestionnaireSchedule(SQLModel, table=True):
    """How often a patient's psychiatrist wants a questionnaire from them (0 is off)."""

    __tablename__ = "questionnaire_schedules"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_kinds})", name="ck_questionnaire_schedules_kind"),
        CheckConstraint(
            f"every_weeks IN ({', '.join(str(w) for w in EVERY_WEEKS)})", name="ck_questionnaire_schedules_every"
        ),
    )

    patient_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("patient_profiles.user_id", ondelete="CASCADE"), primary_key=True, nullable=False
        )
    )
    kind: str = Field(primary_key=True, max_length=10)
    every_weeks: int
    set_by: Optional[int] = Field(default=None, sa_column=_psychiatrist_fk())
    set_at: datetime = Field(default_factory=utcnow)


class QuestionnaireResponse(SQLModel, table=True):
    """One PHQ-9 or GAD-7 as the patient fills it in: answers kept as they go, scored when complete.

    ``answers`` is one digit per question, comma-separated, a gap for a question not answered
    yet ("0,2,,1"), so a patient can stop and finish later.
    """

    __tablename__ = "questionnaire_responses"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_kinds})", name="ck_questionnaire_responses_kind"),
        CheckConstraint(f"total IS NULL OR total BETWEEN 0 AND {max(MAX_TOTAL.values())}", name="ck_questionnaire_responses_total"),
        CheckConstraint(
            "(completed_at IS NULL) = (total IS NULL)", name="ck_questionnaire_responses_complete"
        ),
        # "The patient's last completed one of this kind" and "their open draft".
        Index("ix_questionnaire_responses_patient_kind", "patient_id", "kind", "completed_at"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    patient_id: int = Field(sa_column=_patient_fk())
    kind: str = Field(max_length=10)
    answers: str = Field(default="", max_length=40)
    total: Optional[int] = None
    band: Optional[str] = Field(default=None, max_length=20)
    started_at: datetime = Field(default_factory=utcnow)
    completed_at: Optional[datetime] = None
    # The patient's own calendar day it was completed on: what the charts plot.
    completed_on: Optional[date] = None
