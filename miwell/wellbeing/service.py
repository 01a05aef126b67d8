"""Wellbeing services: every database read and write of the daily loop, in the caller's transaction.

Each function takes the acting ``CurrentUser`` and checks role and ownership itself (see
``access``), so a state that forgets a check still cannot show or change another patient's data.
The rules themselves (validation, risk, task and message choice, calendar) come from the pure
modules of this package; this module only gathers their inputs and stores their outcomes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, exists, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, delete, select

from miwell.accounts.models import PatientProfile, User
from miwell.accounts.rules import Role, display_phone
from miwell.accounts.service import CurrentUser
from miwell.notifications import service as alerts
from miwell.ids import is_id
from miwell.text import clean_block, clean_line
from miwell.timeutil import utcnow
from miwell.wellbeing import calendar_rules, messages, moods, risk
from miwell.wellbeing.access import (
    PermissionDenied,
    WellbeingError,
    patient_of,
    readable_patient,
    require_patient,
    require_psychiatrist,
)
from miwell.wellbeing.models import (
    REPLY_MAX,
    TASK_DESCRIPTION_MAX,
    TASK_MINUTES_MAX,
    TASK_TITLE_MAX,
    DailySuggestion,
    EntryReply,
    MoodEntry,
    MoodEntryFeeling,
    MoodEntryVersion,
    RiskAlert,
    TaskPin,
    WellbeingTask,
    WellbeingTaskVersion,
)
from miwell.wellbeing.tasks import TaskOption, choose_task

__all__ = ["PermissionDenied", "WellbeingError"]

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


@dataclass(frozen=True)
class TodayView:
    day: date
    entry: EntryView | None
    task: TaskView | None
    message: str
    streak: int


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
        e.id, e.day, e.score, e.note, e.minutes, e.risk_level, e.created_at, e.updated_at, e.reviewed_at is not None, feelings
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
    return risk.RiskAssessment(e.risk_level, [r for r in e.risk_reasons.split("\n") if r])  # type: ignore[arg-type]


def _clean_entry(score: object, note: object, minutes: object) -> tuple[int, str, int]:
    try:
        return moods.validate_entry(score, note, minutes)  # type: ignore[arg-type]
    except ValueError as exc:
        raise WellbeingError(str(exc)) from None


def local_today(profile: PatientProfile, now: datetime | None = None) -> date:
    return calendar_rules.entry_day(now or utcnow(), profile.timezone)


# --- the patient's day ------------------------------------------------------------------------


def _entry_on(session: Session, patient_id: int, day: date) -> MoodEntry | None:
    return session.exec(select(MoodEntry).where(MoodEntry.patient_id == patient_id, MoodEntry.day == day)).first()


def _recent_scores(session: Session, patient_id: int, day: date) -> list[int | None]:
    """Scores of the days before ``day``, most recent first, None for a day without an entry."""
    rows = session.exec(
        select(MoodEntry.day, MoodEntry.score).where(
            MoodEntry.patient_id == patient_id,
            MoodEntry.day >= day - timedelta(days=RISK_HISTORY_DAYS),
            MoodEntry.day < day,
        )
    ).all()
    by_day = dict(rows)
    return [by_day.get(day - timedelta(days=n)) for n in range(1, RISK_HISTORY_DAYS + 1)]


def _assess_and_alert(
    session: Session, entry: MoodEntry, previous: risk.RiskAssessment | None, now: datetime
) -> tuple[risk.RiskAssessment, bool]:
    assessment = risk.assess(entry.score, entry.note, _recent_scores(session, entry.patient_id, entry.day))
    entry.risk_level = assessment.level
    entry.risk_reasons = "\n".join(assessment.reasons)
    session.add(entry)
    session.flush()
    alerted = risk.raises_alert(previous, assessment)
    if alerted:
        alerts.raise_alert(session, entry, assessment, now)
    return assessment, alerted


def _change_entry(
    session: Session,
    entry: MoodEntry,
    score: int,
    note: str,
    minutes: int,
    now: datetime,
    feelings: tuple[str, ...] | None = None,
) -> bool:
    """Apply new values, keeping the old ones as a version. False when nothing changed."""
    assert entry.id is not None
    old_feelings = _feelings_of(session, [entry.id]).get(entry.id, ())
    new_feelings = old_feelings if feelings is None else feelings
    if (entry.score, entry.note, entry.minutes, old_feelings) == (score, note, minutes, new_feelings):
        return False
    session.add(
        MoodEntryVersion(
            entry_id=entry.id,
            score=entry.score,
            note=entry.note,
            minutes=entry.minutes,
            feelings=",".join(old_feelings),
            saved_at=entry.updated_at,
            replaced_at=now,
        )
    )
    if new_feelings != old_feelings:
        _set_feelings(session, entry.id, new_feelings)
    entry.score, entry.note, entry.minutes = score, note, minutes
    entry.updated_at = now
    # A changed entry is news to the psychiatrist, so it goes back into their review feed.
    entry.reviewed_at = None
    entry.reviewed_by = None
    session.add(entry)
    return True


def _insert_or_get(session: Session, entry: MoodEntry) -> bool:
    """Insert a new day's entry; False if another request inserted that day first."""
    try:
        with session.begin_nested():
            session.add(entry)
            session.flush()
        return True
    except IntegrityError:
        # Two tabs saving the first entry of a day at once: the unique (patient, day) decides.
        return False


def save_today(
    session: Session,
    actor: CurrentUser,
    score: object,
    note: object,
    minutes: object,
    now: datetime | None = None,
    feelings: object = None,
) -> SaveResult:
    """The patient's entry for their own today: created on the first save, updated after.

    ``feelings`` (optional) replaces the entry's feelings; None keeps them as they are.
    """
    profile = require_patient(session, actor)
    score, note, minutes = _clean_entry(score, note, minutes)
    chosen = _clean_feelings(feelings)
    now = now or utcnow()
    day = local_today(profile, now)
    entry = _entry_on(session, profile.user_id, day)
    created = False
    if entry is None:
        fresh = MoodEntry(
            patient_id=profile.user_id, day=day, score=score, note=note, minutes=minutes, created_at=now, updated_at=now
        )
        created = _insert_or_get(session, fresh)
        entry = fresh if created else _entry_on(session, profile.user_id, day)
        assert entry is not None and entry.id is not None
        if created and chosen:
            _set_feelings(session, entry.id, chosen)
    previous = None if created else _assessment_of(entry)
    if not created:
        _change_entry(session, entry, score, note, minutes, now, chosen)
    assessment, alerted = _assess_and_alert(session, entry, previous, now)
    task, message = _suggest(session, profile, day, score, assessment.level)
    feelings_now = _feelings_of(session, [entry.id]).get(entry.id, ())  # type: ignore[list-item, arg-type]
    return SaveResult(_entry_view(entry, feelings_now), created, assessment, alerted, task, message)


def _own_entry(session: Session, actor: CurrentUser, entry_id: object) -> tuple[PatientProfile, MoodEntry]:
    profile = require_patient(session, actor)
    entry = session.get(MoodEntry, entry_id) if is_id(entry_id) else None
    if entry is None or entry.patient_id != profile.user_id:
        raise PermissionDenied(NOT_YOUR_ENTRY)
    return profile, entry


def get_own_entry(session: Session, actor: CurrentUser, entry_id: object) -> EntryView:
    entry = _own_entry(session, actor, entry_id)[1]
    return _entry_view(entry, _feelings_of(session, [entry.id]).get(entry.id, ()))  # type: ignore[list-item, arg-type]


def edit_entry(
    session: Session,
    actor: CurrentUser,
    entry_id: object,
    score: object,
    note: object,
    minutes: object,
    now: datetime | None = None,
    feelings: object = None,
) -> SaveResult:
    """Change one of the patient's own entries, of any day; the old values become a version."""
    profile, entry = _own_entry(session, actor, entry_id)
    score, note, minutes = _clean_entry(score, note, minutes)
    chosen = _clean_feelings(feelings)
    now = now or utcnow()
    previous = _assessment_of(entry)
    if _change_entry(session, entry, score, note, minutes, now, chosen):
        assessment, alerted = _assess_and_alert(session, entry, previous, now)
    else:
        assessment, alerted = previous, False
    task, message = _suggestion_of(session, profile, entry.day)
    feelings_now = _feelings_of(session, [entry.id]).get(entry.id, ())  # type: ignore[list-item, arg-type]
    return SaveResult(_entry_view(entry, feelings_now), False, assessment, alerted, task, message)


def delete_entry(session: Session, actor: CurrentUser, entry_id: object) -> None:
    """Delete one of the patient's own entries with its versions and replies.

    Alerts it raised stay (they carry their own copy of the note) until the psychiatrist
    acknowledges them, and what was suggested that day stays for the no-repeat rules.
    """
    _, entry = _own_entry(session, actor, entry_id)
    session.delete(entry)
    session.flush()


# --- task and message of the day ----------------------------------------------------------------


def _pinned_ids(session: Session, patient_id: int) -> list[int]:
    return list(
        session.exec(
            select(TaskPin.task_id).where(TaskPin.patient_id == patient_id).order_by(TaskPin.pinned_at.desc(), TaskPin.id.desc())
        ).all()
    )


def _suggest(
    session: Session, profile: PatientProfile, day: date, score: int, risk_level: str = "none"
) -> tuple[TaskView | None, str]:
    """Choose and record the day's task and message; choosing again the same day is stable.

    After an entry that alerted the psychiatrist (watch or urgent) both are chosen for that
    moment: a short grounding task and a message that points to support, never a cheerful one.
    """
    patient_id = profile.user_id
    earlier = session.exec(
        select(DailySuggestion.day, DailySuggestion.task_id, DailySuggestion.message_index)
        .where(
            DailySuggestion.patient_id == patient_id,
            DailySuggestion.day >= day - timedelta(days=MESSAGE_REPEAT_DAYS),
            DailySuggestion.day < day,
        )
        .order_by(DailySuggestion.day.desc())
    ).all()
    shown_tasks = {task_id for d, task_id, _ in earlier if task_id is not None and d >= day - timedelta(days=TASK_REPEAT_DAYS)}
    recent_messages = [index for _, _, index in earlier]
    practice = session.exec(
        select(MoodEntry.minutes).where(
            MoodEntry.patient_id == patient_id,
            MoodEntry.day >= day - timedelta(days=PRACTICE_DAYS),
            MoodEntry.day < day,
        )
    ).all()
    library = session.exec(select(WellbeingTask).where(WellbeingTask.retired.is_(False))).all()
    pinned = _pinned_ids(session, patient_id)
    options = [TaskOption(t.id, t.title, t.minutes, t.band) for t in library if t.id is not None]  # type: ignore[arg-type]
    hard_moment = risk_level in ("watch", "urgent")
    chosen = choose_task(options, score, list(practice), shown_tasks, pinned, hard_moment=hard_moment)
    message_index = messages.choose_message(day, patient_id, recent_messages, messages.pool_for(score, risk_level))

    row = session.get(DailySuggestion, (patient_id, day))
    if row is None:
        row = DailySuggestion(patient_id=patient_id, day=day, message_index=message_index)
    row.task_id = chosen.id if chosen else None
    row.message_index = message_index
    session.add(row)
    session.flush()
    task = next((t for t in library if chosen and t.id == chosen.id), None)
    return (_task_view(task, task.id in pinned) if task else None), messages.MESSAGES[message_index]


def _suggestion_of(session: Session, profile: PatientProfile, day: date) -> tuple[TaskView | None, str]:
    row = session.get(DailySuggestion, (profile.user_id, day))
    if row is None:
        return None, ""
    task = session.get(WellbeingTask, row.task_id) if row.task_id is not None else None
    pinned = task is not None and task.id in _pinned_ids(session, profile.user_id)
    message = messages.MESSAGES[row.message_index] if row.message_index < len(messages.MESSAGES) else ""
    return (_task_view(task, pinned) if task else None), message


def _entry_days(session: Session, patient_id: int) -> list[date]:
    return list(session.exec(select(MoodEntry.day).where(MoodEntry.patient_id == patient_id)).all())


def today(session: Session, actor: CurrentUser, now: datetime | None = None) -> TodayView:
    """The patient's home page: today's entry, and its task and message once saved."""
    profile = require_patient(session, actor)
    day = local_today(profile, now)
    entry = _entry_on(session, profile.user_id, day)
    task, message = _suggestion_of(session, profile, day) if entry else (None, "")
    streak = calendar_rules.streak(_entry_days(session, profile.user_id), day)
    view = _entry_view(entry, _feelings_of(session, [entry.id]).get(entry.id, ())) if entry and entry.id else None
    return TodayView(day, view, task, message, streak)


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


def history(
    session: Session,
    actor: CurrentUser,
    patient_id: object,
    days: int = 30,
    entry_limit: int = 30,
    now: datetime | None = None,
    feeling: str = "",
) -> HistoryView:
    """Chart points, a year of pixels, the streak and the latest entries with replies and versions.

    ``feeling`` limits the listed entries (not the chart) to those the patient tagged with it.
    """
    profile = readable_patient(session, actor, patient_id)
    if days not in HISTORY_RANGES:
        raise WellbeingError("Please choose 30, 90 or 365 days.")
    if feeling and feeling not in moods.FEELING_LABELS:
        raise WellbeingError("Please choose a feeling from the list.")
    entry_limit = max(1, min(int(entry_limit), PIXEL_DAYS))
    today_ = local_today(profile, now)
    reach = max(days + 6, PIXEL_DAYS)  # six days before the range feed its first 7-day average
    rows = session.exec(
        select(MoodEntry.day, MoodEntry.score, MoodEntry.minutes)
        .where(MoodEntry.patient_id == profile.user_id, MoodEntry.day > today_ - timedelta(days=reach), MoodEntry.day <= today_)
        .order_by(MoodEntry.day)
    ).all()
    first_point = today_ - timedelta(days=days + 5)
    points = tuple((d, s, m) for d, s, m in rows if d >= first_point)
    pixels = tuple(calendar_rules.year_in_pixels([(d, s) for d, s, _ in rows], today_, PIXEL_DAYS))

    listed = MoodEntry.patient_id == profile.user_id
    if feeling:
        tagged = select(MoodEntryFeeling.entry_id).where(MoodEntryFeeling.feeling == feeling)
        listed = listed & MoodEntry.id.in_(tagged)
    entries = session.exec(select(MoodEntry).where(listed).order_by(MoodEntry.day.desc()).limit(entry_limit)).all()
    total = session.exec(select(func.count(MoodEntry.id)).where(listed)).one()
    ids = [e.id for e in entries if e.id is not None]
    replies, versions = _replies_and_versions(session, ids)
    feelings = _feelings_of(session, ids)
    details = tuple(
        EntryDetail(_entry_view(e, feelings.get(e.id, ())), tuple(replies.get(e.id, [])), tuple(versions.get(e.id, [])))  # type: ignore[arg-type]
        for e in entries
    )
    streak = calendar_rules.streak(_entry_days(session, profile.user_id), today_)
    return HistoryView(profile.user_id, today_, days, points, pixels, streak, details, int(total))


def live_signature(session: Session, actor: CurrentUser, patient_id: object) -> tuple[int, str]:
    """(entries, latest change) of one of the psychiatrist's patients, for live refresh; cheap."""
    profile = patient_of(session, actor, patient_id)
    count, latest = session.exec(
        select(func.count(MoodEntry.id), func.max(MoodEntry.updated_at)).where(MoodEntry.patient_id == profile.user_id)
    ).one()
    return int(count or 0), str(latest or "")


# --- psychiatrist: dashboard -----------------------------------------------------------------


@dataclass(frozen=True)
class DashboardRow:
    patient_id: int
    name: str
    requires_assistance: bool
    alert_level: str  # "", "watch" or "urgent": the most serious open alert
    last_day: date | None
    last_score: int | None
    days_since: int | None
    trend: calendar_rules.Trend
    week: tuple[int | None, ...]  # the last 7 days' scores, oldest first
    unreviewed: int
    drop: int = 0  # points the latest entry fell below the week before it


def _my_patients(psychiatrist_id: int):
    return and_(PatientProfile.user_id == MoodEntry.patient_id, PatientProfile.psychiatrist_id == psychiatrist_id)


def dashboard(session: Session, actor: CurrentUser, now: datetime | None = None) -> list[DashboardRow]:
    """The psychiatrist's patients, those needing assistance first, then by latest entry.

    Two statements whatever the number of patients: one aggregates the latest entry, open
    alerts and unreviewed count per patient; the other reads the last fortnight's scores for the
    trends, which the pure calendar rules compute in each patient's own day.
    """
    doctor = require_psychiatrist(actor)
    now = now or utcnow()
    mine = PatientProfile.psychiatrist_id == doctor.id

    # Correlated subqueries rather than GROUP BYs: each is one seek in an index that starts with
    # patient_id, so the statement reads a few rows per patient instead of their whole year.
    patient = PatientProfile.user_id
    newest = select(MoodEntry).where(MoodEntry.patient_id == patient).order_by(MoodEntry.day.desc()).limit(1)
    last_day = newest.with_only_columns(MoodEntry.day).scalar_subquery()
    last_score = newest.with_only_columns(MoodEntry.score).scalar_subquery()
    unreviewed = (
        select(func.count(MoodEntry.id))
        .where(MoodEntry.patient_id == patient, MoodEntry.reviewed_at.is_(None))
        .scalar_subquery()
    )
    severity = (
        select(func.max(case((RiskAlert.level == "urgent", 2), else_=1)))
        .where(RiskAlert.patient_id == patient, RiskAlert.acknowledged_at.is_(None))
        .scalar_subquery()
    )
    rows = session.exec(
        select(
            User.id,
            User.full_name,
            PatientProfile.timezone,
            PatientProfile.requires_assistance,
            last_day,
            last_score,
            severity,
            unreviewed,
        )
        .join(PatientProfile, PatientProfile.user_id == User.id)
        .where(mine)
    ).all()

    # Time zones differ by at most a day, so a fortnight and two days covers every patient's two weeks.
    since = now.date() - timedelta(days=2 * calendar_rules.TREND_WINDOW_DAYS + 2)
    scores: dict[int, dict[date, int]] = defaultdict(dict)
    for pid, d, s in session.exec(
        select(MoodEntry.patient_id, MoodEntry.day, MoodEntry.score)
        .join(PatientProfile, _my_patients(doctor.id))
        .where(MoodEntry.day >= since)
    ).all():
        scores[pid][d] = s

    result = []
    for pid, name, tz, assist, last_day, last_score, sev, n_unreviewed in rows:
        today_ = calendar_rules.entry_day(now, tz)
        by_day = scores.get(pid, {})
        result.append(
            DashboardRow(
                patient_id=pid,
                name=name,
                requires_assistance=bool(assist),
                alert_level={2: "urgent", 1: "watch"}.get(sev or 0, ""),
                last_day=last_day,
                last_score=last_score,
                days_since=(today_ - last_day).days if last_day else None,
                trend=calendar_rules.trend(by_day, today_),
                drop=calendar_rules.latest_drop(by_day, today_),
                week=tuple(by_day.get(today_ - timedelta(days=n)) for n in range(6, -1, -1)),
                unreviewed=int(n_unreviewed or 0),
            )
        )
    result.sort(
        key=lambda r: (
            not r.requires_assistance,
            -{"urgent": 2, "watch": 1}.get(r.alert_level, 0),
            r.last_day is None,
            -(r.last_day.toordinal() if r.last_day else 0),
            r.name.lower(),
        )
    )
    return result


# --- psychiatrist: one patient ------------------------------------------------------------------


@dataclass(frozen=True)
class PatientContact:
    patient_id: int
    name: str
    email: str
    phone: str
    emergency_contact_name: str
    emergency_contact_phone: str
    timezone: str
    requires_assistance: bool


def patient_contact(session: Session, actor: CurrentUser, patient_id: object) -> PatientContact:
    profile = patient_of(session, actor, patient_id)
    user = session.get(User, profile.user_id)
    assert user is not None
    return PatientContact(
        profile.user_id,
        user.full_name,
        user.email,
        display_phone(user.phone),
        profile.emergency_contact_name,
        display_phone(profile.emergency_contact_phone),
        profile.timezone,
        profile.requires_assistance,
    )


# --- psychiatrist: review feed and replies --------------------------------------------------------


@dataclass(frozen=True)
class FeedItem:
    entry: EntryView
    patient_id: int
    patient_name: str
    edited: bool
    my_reply: str


URGENCY_ORDER = ("urgent", "watch", "none")


def review_feed(session: Session, actor: CurrentUser, limit: int = FEED_LIMIT) -> tuple[list[FeedItem], int]:
    """The psychiatrist's patients' unreviewed entries and how many there are.

    Most urgent first (urgent, then watch, then the rest), oldest first within each: a suicidal
    note saved today comes before a routine good day from last week.
    """
    doctor = require_psychiatrist(actor)
    unreviewed = and_(_my_patients(doctor.id), MoodEntry.reviewed_at.is_(None))
    edited = exists().where(MoodEntryVersion.entry_id == MoodEntry.id)
    urgency = case({level: rank for rank, level in enumerate(URGENCY_ORDER)}, value=MoodEntry.risk_level, else_=len(URGENCY_ORDER))
    rows = session.exec(
        select(MoodEntry, User.full_name, edited, EntryReply.body)
        .join(PatientProfile, unreviewed)
        .join(User, User.id == MoodEntry.patient_id)
        .outerjoin(EntryReply, and_(EntryReply.entry_id == MoodEntry.id, EntryReply.psychiatrist_id == doctor.id))
        .order_by(urgency, MoodEntry.day, MoodEntry.id)
        .limit(max(1, min(int(limit), 500)))
    ).all()
    total = session.exec(select(func.count(MoodEntry.id)).join(PatientProfile, unreviewed)).one()
    feelings = _feelings_of(session, [e.id for e, *_ in rows if e.id is not None])
    items = [
        FeedItem(_entry_view(e, feelings.get(e.id, ())), e.patient_id, name, bool(was_edited), body or "")  # type: ignore[arg-type]
        for e, name, was_edited, body in rows
    ]
    return items, int(total)


def review_counts(session: Session, actor: CurrentUser) -> dict[str, int]:
    """Unreviewed entries per risk level ("urgent", "watch", "none"); one grouped query."""
    doctor = require_psychiatrist(actor)
    unreviewed = and_(_my_patients(doctor.id), MoodEntry.reviewed_at.is_(None))
    rows = session.exec(
        select(MoodEntry.risk_level, func.count(MoodEntry.id)).join(PatientProfile, unreviewed).group_by(MoodEntry.risk_level)
    ).all()
    counts = {level: 0 for level in URGENCY_ORDER}
    counts.update({level: int(n) for level, n in rows})
    return counts


def entries_signature(session: Session, psychiatrist_id: int) -> tuple[int, int, str]:
    """(unreviewed entries, newest such id, latest change) of a psychiatrist's patients.

    Any new or changed entry is unreviewed (saving clears the review), so this moves with every
    save. It reads the (patient_id, reviewed_at) index: cheap enough to poll an open dashboard.
    """
    count, newest, latest = session.exec(
        select(func.count(MoodEntry.id), func.max(MoodEntry.id), func.max(MoodEntry.updated_at))
        .join(PatientProfile, and_(_my_patients(psychiatrist_id), MoodEntry.reviewed_at.is_(None)))
    ).one()
    return int(count or 0), int(newest or 0), str(latest or "")


def _entry_of_my_patient(session: Session, actor: CurrentUser, entry_id: object) -> MoodEntry:
    entry = session.get(MoodEntry, entry_id) if is_id(entry_id) else None
    if entry is None:
        raise PermissionDenied(NOT_YOUR_ENTRY)
    patient_of(session, actor, entry.patient_id)
    return entry


def save_reply(session: Session, actor: CurrentUser, entry_id: object, body: object, now: datetime | None = None) -> ReplyView:
    """Write or rewrite the psychiatrist's reply to an entry of one of their patients."""
    doctor = require_psychiatrist(actor)
    entry = _entry_of_my_patient(session, actor, entry_id)
    try:
        text = clean_block(body, "Your reply") if isinstance(body, str) else ""
    except ValueError as exc:
        raise WellbeingError(str(exc)) from None
    if not text:
        raise WellbeingError("Please write a reply first.")
    if len(text) > REPLY_MAX:
        raise WellbeingError(f"Your reply is {len(text)} characters long. Please keep it to {REPLY_MAX} or fewer.")
    now = now or utcnow()
    reply = session.exec(
        select(EntryReply).where(EntryReply.entry_id == entry.id, EntryReply.psychiatrist_id == doctor.id)
    ).first()
    if reply is None:
        reply = EntryReply(entry_id=entry.id, psychiatrist_id=doctor.id, body=text, created_at=now, updated_at=now)  # type: ignore[arg-type]
    else:
        reply.body, reply.updated_at = text, now
    session.add(reply)
    session.flush()
    assert reply.id is not None
    return ReplyView(reply.id, reply.entry_id, doctor.id, doctor.full_name, reply.body, reply.updated_at)


def mark_reviewed(session: Session, actor: CurrentUser, entry_id: object, now: datetime | None = None) -> None:
    doctor = require_psychiatrist(actor)
    entry = _entry_of_my_patient(session, actor, entry_id)
    entry.reviewed_at = now or utcnow()
    entry.reviewed_by = doctor.id
    session.add(entry)
    session.flush()


# --- psychiatrist: task library and pins ------------------------------------------------------------


def _clean_task(title: object, description: object, minutes: object, band: object) -> tuple[str, str, int, str]:
    try:
        clean_title = clean_line(title, "The title") if isinstance(title, str) else ""
        clean_description = clean_block(description, "The description") if isinstance(description, str) else ""
    except ValueError as exc:
        raise WellbeingError(str(exc)) from None
    if not clean_title:
        raise WellbeingError("Please give the task a title.")
    if len(clean_title) > TASK_TITLE_MAX:
        raise WellbeingError(f"The title must be at most {TASK_TITLE_MAX} characters.")
    if len(clean_description) > TASK_DESCRIPTION_MAX:
        raise WellbeingError(f"The description must be at most {TASK_DESCRIPTION_MAX} characters.")
    if isinstance(minutes, str) and minutes.strip().isdigit():
        minutes = int(minutes.strip())
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= TASK_MINUTES_MAX:
        raise WellbeingError(f"Please give the task's length in whole minutes, from 1 to {TASK_MINUTES_MAX}.")
    if band not in moods.BANDS:
        raise WellbeingError("Please choose the mood the task suits: low, mid or high.")
    return clean_title, clean_description, minutes, str(band)


@dataclass(frozen=True)
class TaskVersionView:
    title: str
    description: str
    minutes: int
    band: str
    retired: bool
    changed_by: str
    changed_at: datetime


@dataclass(frozen=True)
class LibraryTask:
    task: TaskView
    author: str  # "" for the tasks MiWell ships
    mine: bool
    editable: bool
    versions: tuple[TaskVersionView, ...]  # newest first


def _require_librarian(actor: CurrentUser | None) -> CurrentUser:
    """Psychiatrists keep the library; admins look after the shipped tasks and everyone's."""
    if actor is not None and actor.role == Role.ADMIN.value:
        return actor
    return require_psychiatrist(actor)


def _may_edit(actor: CurrentUser, task: WellbeingTask) -> bool:
    return actor.role == Role.ADMIN.value or (task.created_by is not None and task.created_by == actor.id)


def list_tasks(session: Session, actor: CurrentUser) -> list[TaskView]:
    _require_librarian(actor)
    band_order = case({b: i for i, b in enumerate(moods.BANDS)}, value=WellbeingTask.band, else_=len(moods.BANDS))
    tasks = session.exec(
        select(WellbeingTask).order_by(WellbeingTask.retired, band_order, WellbeingTask.minutes, WellbeingTask.title)
    ).all()
    return [_task_view(t) for t in tasks]


def task_library(session: Session, actor: CurrentUser) -> list[LibraryTask]:
    """The whole library with authors, who may change what, and earlier versions: three statements."""
    librarian = _require_librarian(actor)
    band_order = case({b: i for i, b in enumerate(moods.BANDS)}, value=WellbeingTask.band, else_=len(moods.BANDS))
    rows = session.exec(
        select(WellbeingTask, User.full_name)
        .outerjoin(User, User.id == WellbeingTask.created_by)
        .order_by(WellbeingTask.retired, band_order, WellbeingTask.minutes, WellbeingTask.title)
    ).all()
    versions: dict[int, list[TaskVersionView]] = defaultdict(list)
    for v in session.exec(
        select(WellbeingTaskVersion).order_by(WellbeingTaskVersion.changed_at.desc(), WellbeingTaskVersion.id.desc())
    ).all():
        versions[v.task_id].append(
            TaskVersionView(v.title, v.description, v.minutes, v.band, v.retired, v.changed_by_name, v.changed_at)
        )
    return [
        LibraryTask(
            _task_view(task),
            author or "",
            task.created_by is not None and task.created_by == librarian.id,
            _may_edit(librarian, task),
            tuple(versions.get(task.id, [])),  # type: ignore[arg-type]
        )
        for task, author in rows
    ]


def create_task(
    session: Session, actor: CurrentUser, title: object, description: object, minutes: object, band: object
) -> TaskView:
    author = _require_librarian(actor)
    t, d, m, b = _clean_task(title, description, minutes, band)
    now = utcnow()
    task = WellbeingTask(title=t, description=d, minutes=m, band=b, created_by=author.id, created_at=now, updated_at=now)
    session.add(task)
    session.flush()
    return _task_view(task)


def _task(session: Session, task_id: object) -> WellbeingTask:
    task = session.get(WellbeingTask, task_id) if is_id(task_id) else None
    if task is None:
        raise WellbeingError(NO_TASK)
    return task


def _editable_task(session: Session, actor: CurrentUser, task_id: object) -> WellbeingTask:
    editor = _require_librarian(actor)
    task = _task(session, task_id)
    if not _may_edit(editor, task):
        raise PermissionDenied(NOT_YOUR_TASK)
    return task


def _keep_version(session: Session, task: WellbeingTask, actor: CurrentUser, now: datetime) -> None:
    session.add(
        WellbeingTaskVersion(
            task_id=task.id,  # type: ignore[arg-type]
            title=task.title,
            description=task.description,
            minutes=task.minutes,
            band=task.band,
            retired=task.retired,
            changed_by=actor.id,
            changed_by_name=actor.full_name,
            changed_at=now,
        )
    )


def update_task(
    session: Session, actor: CurrentUser, task_id: object, title: object, description: object, minutes: object, band: object
) -> TaskView:
    """Authors change their own tasks; the shipped ones and other psychiatrists' only admins.

    The task as it was is kept as a version, with who changed it and when.
    """
    task = _editable_task(session, actor, task_id)
    cleaned = _clean_task(title, description, minutes, band)
    if cleaned == (task.title, task.description, task.minutes, task.band):
        return _task_view(task)
    now = utcnow()
    _keep_version(session, task, actor, now)
    task.title, task.description, task.minutes, task.band = cleaned
    task.updated_at = now
    session.add(task)
    session.flush()
    return _task_view(task)


def set_task_retired(session: Session, actor: CurrentUser, task_id: object, retired: bool) -> TaskView:
    """Retired tasks are never suggested again; past suggestions keep pointing at them."""
    task = _editable_task(session, actor, task_id)
    if task.retired == bool(retired):
        return _task_view(task)
    now = utcnow()
    _keep_version(session, task, actor, now)
    task.retired = bool(retired)
    task.updated_at = now
    session.add(task)
    session.flush()
    return _task_view(task)


def pinned_tasks(session: Session, actor: CurrentUser, patient_id: object) -> list[TaskView]:
    profile = patient_of(session, actor, patient_id)
    rows = session.exec(
        select(WellbeingTask)
        .join(TaskPin, TaskPin.task_id == WellbeingTask.id)
        .where(TaskPin.patient_id == profile.user_id)
        .order_by(TaskPin.pinned_at.desc(), TaskPin.id.desc())
    ).all()
    return [_task_view(t, pinned=True) for t in rows]


def pin_task(session: Session, actor: CurrentUser, patient_id: object, task_id: object, now: datetime | None = None) -> None:
    """Pin a task for one patient; pinning it again moves it to the top."""
    doctor = require_psychiatrist(actor)
    profile = patient_of(session, actor, patient_id)
    task = _task(session, task_id)
    if task.retired:
        raise WellbeingError("That task is retired. Bring it back in the task library first.")
    pin = session.exec(select(TaskPin).where(TaskPin.patient_id == profile.user_id, TaskPin.task_id == task.id)).first()
    if pin is None:
        pin = TaskPin(patient_id=profile.user_id, task_id=task.id)  # type: ignore[arg-type]
    pin.pinned_by, pin.pinned_at = doctor.id, now or utcnow()
    session.add(pin)
    session.flush()


def unpin_task(session: Session, actor: CurrentUser, patient_id: object, task_id: object) -> None:
    profile = patient_of(session, actor, patient_id)
    pin = session.exec(select(TaskPin).where(TaskPin.patient_id == profile.user_id, TaskPin.task_id == task_id)).first()
    if pin is not None:
        session.delete(pin)
        session.flush()
