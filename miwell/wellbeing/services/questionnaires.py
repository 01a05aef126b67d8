"""PHQ-9 and GAD-7 in the database: schedules a psychiatrist sets, answers a patient gives one at a
time (kept as they go, so they can finish later), scores, and the alerts a score raises."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from miwell import push
from miwell.accounts.services import CurrentUser
from miwell.audit import services as audit
from miwell.ids import is_id
from miwell.notifications import services as alerts
from miwell.timeutil import utcnow
from miwell.wellbeing.core import questionnaires as q
from miwell.wellbeing.models import QuestionnaireResponse, QuestionnaireSchedule
from miwell.wellbeing.services.access import (
    PermissionDenied,
    WellbeingError,
    patient_of,
    readable_patient,
    require_patient,
)
from miwell.wellbeing.services.common import local_today

NOT_YOURS = "That questionnaire does not exist, or is not yours."


@dataclass(frozen=True)
class ScheduleView:
    kind: str
    title: str
    every_weeks: int
    next_due: date | None


@dataclass(frozen=True)
class DueView:
    """A questionnaire due for the patient, and where they got to."""

    kind: str
    title: str
    questions: int
    answered: int


@dataclass(frozen=True)
class ProgressView:
    response_id: int
    kind: str
    title: str
    answers: tuple[int | None, ...]
    # The first question not answered yet; len(answers) once all are.
    position: int
    completed: bool
    total: int | None
    band: str
    urgent: bool
    alerted: bool


@dataclass(frozen=True)
class ScoreView:
    kind: str
    day: date
    total: int
    band: str
    item9: int | None


def _kind(raw: object) -> str:
    if raw not in q.KINDS:
        raise WellbeingError("Please choose PHQ-9 or GAD-7.")
    return str(raw)


def _last_completed(session: Session, patient_id: int) -> dict[str, date]:
    rows = session.exec(
        select(QuestionnaireResponse.kind, func.max(QuestionnaireResponse.completed_on))
        .where(QuestionnaireResponse.patient_id == patient_id, QuestionnaireResponse.completed_at.is_not(None))
        .group_by(QuestionnaireResponse.kind)
    ).all()
    return {kind: day for kind, day in rows if day is not None}


def _schedules(session: Session, patient_id: int) -> dict[str, QuestionnaireSchedule]:
    rows = session.exec(select(QuestionnaireSchedule).where(QuestionnaireSchedule.patient_id == patient_id)).all()
    return {row.kind: row for row in rows}


def schedules(session: Session, actor: CurrentUser, patient_id: object, now: datetime | None = None) -> list[ScheduleView]:
    """How often each questionnaire is due for one of the psychiatrist's patients, and when next."""
    profile = patient_of(session, actor, patient_id)
    return _schedule_views(session, profile.user_id, profile.timezone, now)


def _schedule_views(session: Session, patient_id: int, timezone: str, now: datetime | None) -> list[ScheduleView]:
    rows = _schedules(session, patient_id)
    last = _last_completed(session, patient_id)
    views = []
    for kind in q.KINDS:
        row = rows.get(kind)
        weeks = row.every_weeks if row else 0
        set_on = row.set_at.date() if row else date.min
        views.append(ScheduleView(kind, q.TITLES[kind], weeks, q.next_due(weeks, last.get(kind), set_on)))
    return views


def set_schedule(
    session: Session, actor: CurrentUser, patient_id: object, kind: object, every_weeks: object, now: datetime | None = None
) -> ScheduleView:
    profile = patient_of(session, actor, patient_id)
    kind = _kind(kind)
    weeks = int(every_weeks) if isinstance(every_weeks, (int, str)) and str(every_weeks).isdigit() else -1
    if weeks not in q.EVERY_WEEKS:
        raise WellbeingError("Please choose off, every 2 weeks or every 4 weeks.")
    now = now or utcnow()
    row = session.get(QuestionnaireSchedule, (profile.user_id, kind))
    if row is None:
        row = QuestionnaireSchedule(patient_id=profile.user_id, kind=kind, every_weeks=weeks, set_by=actor.id, set_at=now)
    elif row.every_weeks != weeks:
        row.every_weeks, row.set_by, row.set_at = weeks, actor.id, now
    session.add(row)
    session.flush()
    return next(v for v in _schedule_views(session, profile.user_id, profile.timezone, now) if v.kind == kind)


def _open_draft(session: Session, patient_id: int, kind: str) -> QuestionnaireResponse | None:
    return session.exec(
        select(QuestionnaireResponse)
        .where(
            QuestionnaireResponse.patient_id == patient_id,
            QuestionnaireResponse.kind == kind,
            QuestionnaireResponse.completed_at.is_(None),
        )
        .order_by(QuestionnaireResponse.id.desc())
    ).first()


def due(session: Session, actor: CurrentUser, now: datetime | None = None) -> list[DueView]:
    """The patient's questionnaires due today (or earlier), with how far they got; three queries."""
    profile = require_patient(session, actor)
    today = local_today(profile, now)
    drafts = {
        r.kind: r
        for r in session.exec(
            select(QuestionnaireResponse).where(
                QuestionnaireResponse.patient_id == profile.user_id, QuestionnaireResponse.completed_at.is_(None)
            )
        ).all()
    }
    out = []
    for view in _schedule_views(session, profile.user_id, profile.timezone, now):
        if view.next_due is not None and view.next_due <= today:
            draft = drafts.get(view.kind)
            answered = sum(a is not None for a in q.parse_answers(draft.answers, view.kind)) if draft else 0
            out.append(DueView(view.kind, view.title, len(q.QUESTIONS[view.kind]), answered))
    return out


def _progress(response: QuestionnaireResponse, alerted: bool = False) -> ProgressView:
    answers = tuple(q.parse_answers(response.answers, response.kind))
    position = next((i for i, a in enumerate(answers) if a is None), len(answers))
    urgent = response.kind == "phq9" and (answers[q.SELF_HARM_ITEM] or 0) > 0
    assert response.id is not None
    return ProgressView(
        response.id, response.kind, q.TITLES[response.kind], answers, position,
        response.completed_at is not None, response.total, response.band or "", urgent, alerted,
    )  # fmt: skip


def start(session: Session, actor: CurrentUser, kind: object, now: datetime | None = None) -> ProgressView:
    """Open the patient's questionnaire of ``kind`` where they left it (a new one if none is open).

    Only a questionnaire their psychiatrist has switched on can be started."""
    profile = require_patient(session, actor)
    kind = _kind(kind)
    schedule = session.get(QuestionnaireSchedule, (profile.user_id, kind))
    if schedule is None or schedule.every_weeks == 0:
        raise WellbeingError("That questionnaire is not part of your care plan at the moment.")
    draft = _open_draft(session, profile.user_id, kind)
    if draft is None:
        draft = QuestionnaireResponse(patient_id=profile.user_id, kind=kind, started_at=now or utcnow())
        session.add(draft)
        session.flush()
    return _progress(draft)


def answer(
    session: Session, actor: CurrentUser, response_id: object, index: object, value: object, now: datetime | None = None
) -> ProgressView:
    """Keep one answer; the last one scores the questionnaire, and an item 9 above 0 or a rise of
    5 points or more alerts the psychiatrist at once (urgent and watch)."""
    profile = require_patient(session, actor)
    response = session.get(QuestionnaireResponse, response_id) if is_id(response_id) else None
    if response is None or response.patient_id != profile.user_id:
        raise PermissionDenied(NOT_YOURS)
    if response.completed_at is not None:
        raise WellbeingError("That questionnaire is already finished. Thank you.")
    answers = q.parse_answers(response.answers, response.kind)
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(answers):
        raise WellbeingError("That question is not part of this questionnaire.")
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 3:
        raise WellbeingError("Please choose one of the four answers.")
    answers[index] = value
    response.answers = q.store_answers(answers)
    alerted = False
    if all(a is not None for a in answers):
        now = now or utcnow()
        score = q.score_questionnaire(response.kind, [int(a) for a in answers])  # type: ignore[arg-type]
        previous = session.exec(
            select(QuestionnaireResponse.total)
            .where(
                QuestionnaireResponse.patient_id == profile.user_id,
                QuestionnaireResponse.kind == response.kind,
                QuestionnaireResponse.completed_at.is_not(None),
            )
            .order_by(QuestionnaireResponse.completed_at.desc(), QuestionnaireResponse.id.desc())
        ).first()
        response.total, response.band = score.total, score.band
        response.completed_at, response.completed_on = now, local_today(profile, now)
        session.add(response)
        session.flush()
        reasons = []
        title = q.TITLES[response.kind]
        if score.urgent:
            reasons.append(f"{title} item 9 (thoughts of being better off dead or of self-harm): {q.OPTIONS[answers[q.SELF_HARM_ITEM]]}")  # type: ignore[index]
        if q.reliable_rise(previous, score.total):
            reasons.append(f"{title} rose from {previous} to {score.total} ({score.band})")
        if reasons:
            alerts.raise_questionnaire_alert(session, response, "urgent" if score.urgent else "watch", reasons, now)
            alerted = True
        push.publish_after_commit(session, push.psychiatrist_topic(profile.psychiatrist_id))
    session.add(response)
    session.flush()
    return _progress(response, alerted)


def scores(session: Session, actor: CurrentUser, patient_id: object) -> list[ScoreView]:
    """Completed questionnaires of a patient (themself, or one of the psychiatrist's), oldest first."""
    profile = readable_patient(session, actor, patient_id)
    if actor.id != profile.user_id:
        audit.viewed(session, actor, "questionnaires", [profile.user_id])
    rows = session.exec(
        select(QuestionnaireResponse)
        .where(QuestionnaireResponse.patient_id == profile.user_id, QuestionnaireResponse.completed_at.is_not(None))
        .order_by(QuestionnaireResponse.completed_at, QuestionnaireResponse.id)
    ).all()
    out = []
    for r in rows:
        answers = q.parse_answers(r.answers, r.kind)
        item9 = answers[q.SELF_HARM_ITEM] if r.kind == "phq9" else None
        out.append(ScoreView(r.kind, r.completed_on or r.completed_at.date(), int(r.total or 0), r.band or "", item9))  # type: ignore[union-attr]
    return out
