"""The patient's day and history: saving, editing and deleting entries, the task and message of the day."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from miwell import push
from miwell.accounts.models import PatientProfile
from miwell.accounts.services import CurrentUser
from miwell.audit import services as audit
from miwell.ids import is_id
from miwell.notifications import services as alerts
from miwell.timeutil import utcnow
from miwell.wellbeing.core import calendar_rules, messages, moods, risk
from miwell.wellbeing.core.tasks import TaskOption, choose_task
from miwell.wellbeing.models import (
    DailySuggestion,
    MoodEntry,
    MoodEntryFeeling,
    MoodEntryVersion,
    TaskPin,
    WellbeingTask,
)
from miwell.wellbeing.services.access import (
    PermissionDenied,
    WellbeingError,
    patient_of,
    readable_patient,
    require_patient,
)
from miwell.wellbeing.services.common import (
    HISTORY_RANGES,
    MESSAGE_REPEAT_DAYS,
    NOT_YOUR_ENTRY,
    PIXEL_DAYS,
    PRACTICE_DAYS,
    RISK_HISTORY_DAYS,
    TASK_REPEAT_DAYS,
    EntryDetail,
    EntryView,
    HistoryView,
    SaveResult,
    TaskView,
    TodayView,
    _assessment_of,
    _clean_entry,
    _clean_feelings,
    _entry_days,
    _entry_view,
    _feelings_of,
    _replies_and_versions,
    _set_feelings,
    _task_view,
    local_today,
)

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
    assessment = risk.assess(
        entry.score,
        entry.note,
        _recent_scores(session, entry.patient_id, entry.day),
        screener=(entry.screener_wish_dead, entry.screener_thoughts),
    )
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
    push.publish_after_commit(session, push.psychiatrist_topic(profile.psychiatrist_id))
    return SaveResult(
        _entry_view(entry, feelings_now), created, assessment, alerted, task, message, _screener_due(entry, assessment)
    )


def _screener_due(entry: MoodEntry, assessment: risk.RiskAssessment) -> bool:
    """Asked once per entry: answering either question, or choosing "not now", settles it."""
    return entry.screener_at is None and risk.asks_screener(assessment, entry.score)


def _answer(raw: object) -> bool | None:
    text = str(raw).strip().lower() if raw is not None else ""
    if text in ("yes", "true"):
        return True
    if text in ("no", "false"):
        return False
    if text in ("", "none", "skip"):
        return None
    raise WellbeingError("Please answer yes or no, or leave the question.")


def answer_screener(
    session: Session, actor: CurrentUser, entry_id: object, wish_dead: object, thoughts: object, now: datetime | None = None
) -> SaveResult:
    """The patient's answers to the two screener questions about today's entry. A yes to either
    makes the entry urgent and alerts the psychiatrist at once; answering is never required."""
    profile, entry = _own_entry(session, actor, entry_id)
    now = now or utcnow()
    if entry.day != local_today(profile, now):
        raise WellbeingError("These questions are about today's entry only.")
    entry.screener_wish_dead, entry.screener_thoughts = _answer(wish_dead), _answer(thoughts)
    entry.screener_at = now
    # The psychiatrist sees the answers with the entry: it goes back into their review feed.
    entry.reviewed_at = None
    entry.reviewed_by = None
    session.add(entry)
    previous = _assessment_of(entry)
    assessment, alerted = _assess_and_alert(session, entry, previous, now)
    task, message = _suggestion_of(session, profile, entry.day)
    feelings_now = _feelings_of(session, [entry.id]).get(entry.id, ())  # type: ignore[list-item, arg-type]
    push.publish_after_commit(session, push.psychiatrist_topic(profile.psychiatrist_id))
    return SaveResult(_entry_view(entry, feelings_now), False, assessment, alerted, task, message, False)


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
    push.publish_after_commit(session, push.psychiatrist_topic(profile.psychiatrist_id))
    return SaveResult(
        _entry_view(entry, feelings_now), False, assessment, alerted, task, message, _screener_due(entry, assessment)
    )


def delete_entry(session: Session, actor: CurrentUser, entry_id: object) -> None:
    """Delete one of the patient's own entries with its versions and replies.

    Alerts it raised stay (they carry their own copy of the note) until the psychiatrist
    acknowledges them, and what was suggested that day stays for the no-repeat rules.
    """
    profile, entry = _own_entry(session, actor, entry_id)
    session.delete(entry)
    session.flush()
    push.publish_after_commit(session, push.psychiatrist_topic(profile.psychiatrist_id))


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



def today(session: Session, actor: CurrentUser, now: datetime | None = None) -> TodayView:
    """The patient's home page: today's entry, and its task and message once saved."""
    profile = require_patient(session, actor)
    day = local_today(profile, now)
    entry = _entry_on(session, profile.user_id, day)
    task, message = _suggestion_of(session, profile, day) if entry else (None, "")
    streak = calendar_rules.streak(_entry_days(session, profile.user_id), day)
    view = _entry_view(entry, _feelings_of(session, [entry.id]).get(entry.id, ())) if entry and entry.id else None
    return TodayView(day, view, task, message, streak, bool(entry) and _screener_due(entry, _assessment_of(entry)))  # type: ignore[arg-type]



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
    if actor.id != profile.user_id:
        audit.viewed(session, actor, "wellbeing entries", [profile.user_id])
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
