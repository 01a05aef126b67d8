"""The psychiatrist's side of the daily loop: the dashboard, a patient's contact details, the review feed and replies."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, exists, func
from sqlmodel import Session, select

from miwell import push
from miwell.accounts.core.rules import display_phone
from miwell.accounts.models import PatientProfile, User
from miwell.accounts.services import CurrentUser
from miwell.audit import services as audit
from miwell.ids import is_id
from miwell.text import clean_block
from miwell.timeutil import utcnow
from miwell.wellbeing.core import calendar_rules
from miwell.wellbeing.models import (
    REPLY_MAX,
    EntryReply,
    MoodEntry,
    MoodEntryVersion,
    RiskAlert,
)
from miwell.wellbeing.services.access import (
    PermissionDenied,
    WellbeingError,
    patient_of,
    require_psychiatrist,
)
from miwell.wellbeing.services.common import (
    FEED_LIMIT,
    NOT_YOUR_ENTRY,
    EntryView,
    ReplyView,
    _entry_view,
    _feelings_of,
    _my_patients,
)

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

    audit.viewed(session, actor, "wellbeing entries", [pid for pid, *_ in rows])
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
    audit.viewed(session, actor, "contact details", [profile.user_id])
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
    audit.viewed(session, actor, "wellbeing entries", {item.patient_id for item in items})
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
    push.publish_after_commit(session, push.psychiatrist_topic(doctor.id))  # the psychiatrist's other tabs
    return ReplyView(reply.id, reply.entry_id, doctor.id, doctor.full_name, reply.body, reply.updated_at)


def mark_reviewed(session: Session, actor: CurrentUser, entry_id: object, now: datetime | None = None) -> None:
    doctor = require_psychiatrist(actor)
    entry = _entry_of_my_patient(session, actor, entry_id)
    entry.reviewed_at = now or utcnow()
    entry.reviewed_by = doctor.id
    session.add(entry)
    session.flush()
    push.publish_after_commit(session, push.psychiatrist_topic(doctor.id))
