"""What the wellbeing services share: the views they return, feelings, and small readers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_
from sqlmodel import Session, delete, select

from miwell.accounts.models import PatientProfile, User
from miwell.timeutil import utcnow
from miwell.wellbeing.core import calendar_rules, moods, risk
from miwell.wellbeing.models import (
    EntryReply,
    MoodEntry,
    MoodEntryFeeling,
    MoodEntryVersion,
    WellbeingTask,
)
from miwell.wellbeing.services.access import (
    WellbeingError,
)

NOT_YOUR_ENTRY = "That entry does not exist, or is not yours."
NO_TASK = "That task does not exist."
NOT_YOUR_TASK = (
    "Only the psychiatrist who wrote this task, or an admin, can change it. "
    "You can add your own version to the library instead."
)

TASK_REPEAT_DAYS = 7
MESSAGE_REPEAT_DAYS = 30
PRACTICE_DAYS = 14  # recent practice minutes the task length aims at
RISK_HISTORY_DAYS = 7  # previous days' scores passed to the risk rules
HISTORY_RANGES = (30, 90, 365)
PIXEL_DAYS = 365
FEED_LIMIT = 50

# --- views ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryView:
    id: int
    day: date
    score: int
    note: str
    minutes: int
    risk_level: str
    created_at: datetime
    updated_at: datetime
    reviewed: bool
    feelings: tuple[str, ...] = ()
    # The screener's answers (wished dead / thoughts of killing themselves): None when not given.
    screener: tuple[bool | None, bool | None] = (None, None)


@dataclass(frozen=True)
class TaskView:
    id: int
    title: str
    description: str
    minutes: int
    band: str
    retired: bool = False
    pinned: bool = False


@dataclass(frozen=True)
class SaveResult:
    entry: EntryView
    created: bool
    risk: risk.RiskAssessment
    alerted: bool
    task: TaskView | None
    message: str
    # The screener's two questions are due: the note's words gave watch, or the mood is the lowest.
    asks_screener: bool = False


@dataclass(frozen=True)
class TodayView:
    day: date
    entry: EntryView | None
    task: TaskView | None
    message: str
    streak: int
    asks_screener: bool = False


@dataclass(frozen=True)
class ReplyView:
    id: int
    entry_id: int
    author_id: int | None
    author_name: str
    body: str
    updated_at: datetime


@dataclass(frozen=True)
class VersionView:
    score: int
    note: str
    minutes: int
    saved_at: datetime
    replaced_at: datetime
    feelings: tuple[str, ...] = ()


@dataclass(frozen=True)
class EntryDetail:
    entry: EntryView
    replies: tuple[ReplyView, ...]
    versions: tuple[VersionView, ...]  # newest first


@dataclass(frozen=True)
class HistoryView:
    patient_id: int
    today: date
    days: int
    points: tuple[tuple[date, int, int], ...]  # (day, score, minutes), oldest first, incl. 6 days of lead-in
    pixels: tuple[tuple[date, int | None], ...]
    streak: int
    entries: tuple[EntryDetail, ...]  # newest first
    entry_total: int


def _entry_view(e: MoodEntry, feelings: tuple[str, ...] = ()) -> EntryView:
    assert e.id is not None
    return EntryView(
        e.id, e.day, e.score, e.note, e.minutes, e.risk_level, e.created_at, e.updated_at, e.reviewed_at is not None,
        feelings, (e.screener_wish_dead, e.screener_thoughts),
    )


def _feelings_of(session: Session, entry_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """The feelings of some entries, in the scale's order; one query."""
    found: dict[int, set[str]] = defaultdict(set)
    if entry_ids:
        for entry_id, feeling in session.exec(
            select(MoodEntryFeeling.entry_id, MoodEntryFeeling.feeling).where(MoodEntryFeeling.entry_id.in_(entry_ids))
        ).all():
            found[entry_id].add(feeling)
    return {entry_id: tuple(k for k in moods.FEELING_KEYS if k in chosen) for entry_id, chosen in found.items()}


def _set_feelings(session: Session, entry_id: int, feelings: tuple[str, ...]) -> None:
    session.exec(delete(MoodEntryFeeling).where(MoodEntryFeeling.entry_id == entry_id))
    session.add_all(MoodEntryFeeling(entry_id=entry_id, feeling=f) for f in feelings)
    session.flush()


def _clean_feelings(raw: object) -> tuple[str, ...] | None:
    """None leaves an entry's feelings as they are (a caller that does not send them)."""
    if raw is None:
        return None
    try:
        return moods.validate_feelings(raw)
    except ValueError as exc:
        raise WellbeingError(str(exc)) from None


def _task_view(t: WellbeingTask, pinned: bool = False) -> TaskView:
    assert t.id is not None
    return TaskView(t.id, t.title, t.description, t.minutes, t.band, t.retired, pinned)


def _assessment_of(e: MoodEntry) -> risk.RiskAssessment:
    reasons = [r for r in e.risk_reasons.split("\n") if r]
    return risk.RiskAssessment(e.risk_level, reasons, risk.note_level_of(reasons))  # type: ignore[arg-type]


def _clean_entry(score: object, note: object, minutes: object) -> tuple[int, str, int]:
    try:
        return moods.validate_entry(score, note, minutes)  # type: ignore[arg-type]
    except ValueError as exc:
        raise WellbeingError(str(exc)) from None


def local_today(profile: PatientProfile, now: datetime | None = None) -> date:
    return calendar_rules.entry_day(now or utcnow(), profile.timezone)



def _entry_days(session: Session, patient_id: int) -> list[date]:
    return list(session.exec(select(MoodEntry.day).where(MoodEntry.patient_id == patient_id)).all())



# --- history, for the patient and their psychiatrist -----------------------------------------------


def _replies_and_versions(
    session: Session, entry_ids: list[int]
) -> tuple[dict[int, list[ReplyView]], dict[int, list[VersionView]]]:
    replies: dict[int, list[ReplyView]] = defaultdict(list)
    versions: dict[int, list[VersionView]] = defaultdict(list)
    if not entry_ids:
        return replies, versions
    for reply, author in session.exec(
        select(EntryReply, User.full_name)
        .outerjoin(User, User.id == EntryReply.psychiatrist_id)
        .where(EntryReply.entry_id.in_(entry_ids))
        .order_by(EntryReply.created_at, EntryReply.id)
    ).all():
        assert reply.id is not None
        replies[reply.entry_id].append(
            ReplyView(reply.id, reply.entry_id, reply.psychiatrist_id, author or "A former psychiatrist", reply.body, reply.updated_at)
        )
    for v in session.exec(
        select(MoodEntryVersion)
        .where(MoodEntryVersion.entry_id.in_(entry_ids))
        .order_by(MoodEntryVersion.replaced_at.desc(), MoodEntryVersion.id.desc())
    ).all():
        versions[v.entry_id].append(
            VersionView(v.score, v.note, v.minutes, v.saved_at, v.replaced_at, tuple(f for f in v.feelings.split(",") if f))
        )
    return replies, versions



def _my_patients(psychiatrist_id: int):
    return and_(PatientProfile.user_id == MoodEntry.patient_id, PatientProfile.psychiatrist_id == psychiatrist_id)
