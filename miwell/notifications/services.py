"""Risk alerts in the database: raising, the open list a psychiatrist sees, acknowledging.

An alert goes to whoever is the patient's psychiatrist when it is read, so a handover passes open
alerts on with the patient. ``patient_profiles.requires_assistance`` is true exactly while the
patient has an open alert: raising sets it, acknowledging the last open one clears it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func
from sqlmodel import Session, select

from miwell import push
from miwell.accounts.core.passwords import token_hash
from miwell.accounts.models import AuthSession, PatientProfile, User
from miwell.accounts.core.rules import display_phone
from miwell.accounts.services import CurrentUser
from miwell.ids import is_id
from miwell.settings import get_settings
from miwell.timeutil import utcnow
from miwell.wellbeing.services.access import PermissionDenied, require_psychiatrist
from miwell.wellbeing.models import MoodEntry, RiskAlert
from miwell.wellbeing.core.risk import RiskAssessment

NOT_YOUR_ALERT = "That alert is not for you, or no longer exists."


def raise_alert(session: Session, entry: MoodEntry, assessment: RiskAssessment, now: datetime | None = None) -> RiskAlert:
    """Record an alert for ``entry`` and flag its patient. The caller has decided it is due."""
    if assessment.level == "none":
        raise ValueError("An entry without risk raises no alert.")
    profile = session.get(PatientProfile, entry.patient_id)
    assert profile is not None
    alert = RiskAlert(
        patient_id=entry.patient_id,
        entry_id=entry.id,
        day=entry.day,
        score=entry.score,
        note=entry.note,
        level=assessment.level,
        reasons="\n".join(assessment.reasons),
        created_at=now or utcnow(),
    )
    profile.requires_assistance = True
    session.add(alert)
    session.add(profile)
    session.flush()
    push.publish_after_commit(session, push.psychiatrist_topic(profile.psychiatrist_id))
    return alert


@dataclass(frozen=True)
class AlertView:
    """What the psychiatrist needs to act on an alert at once, contact details included."""

    id: int
    patient_id: int
    patient_name: str
    level: str
    day: date
    score: int
    note: str
    reasons: tuple[str, ...]
    created_at: datetime
    phone: str
    email: str
    emergency_contact_name: str
    emergency_contact_phone: str


def _mine_and_open(psychiatrist_id: int):
    return (
        (PatientProfile.user_id == RiskAlert.patient_id)
        & (PatientProfile.psychiatrist_id == psychiatrist_id)
        & RiskAlert.acknowledged_at.is_(None)
    )


def open_alerts(session: Session, actor: CurrentUser) -> list[AlertView]:
    """The acting psychiatrist's open alerts, urgent first, then newest first; one query."""
    doctor = require_psychiatrist(actor)
    urgent_first = case((RiskAlert.level == "urgent", 0), else_=1)
    rows = session.exec(
        select(RiskAlert, User, PatientProfile)
        .join(PatientProfile, _mine_and_open(doctor.id))
        .join(User, User.id == RiskAlert.patient_id)
        .order_by(urgent_first, RiskAlert.created_at.desc(), RiskAlert.id.desc())
    ).all()
    return [
        AlertView(
            id=alert.id,
            patient_id=user.id,
            patient_name=user.full_name,
            level=alert.level,
            day=alert.day,
            score=alert.score,
            note=alert.note,
            reasons=tuple(r for r in alert.reasons.split("\n") if r),
            created_at=alert.created_at,
            phone=display_phone(user.phone),
            email=user.email,
            emergency_contact_name=profile.emergency_contact_name,
            emergency_contact_phone=display_phone(profile.emergency_contact_phone),
        )
        for alert, user, profile in rows
    ]


def alert_signature(session: Session, psychiatrist_id: int) -> tuple[int, int]:
    """(number of open alerts, newest open alert id) of a psychiatrist's patients: one indexed aggregate."""
    count, newest = session.exec(
        select(func.count(RiskAlert.id), func.max(RiskAlert.id))
        .select_from(RiskAlert)
        .join(PatientProfile, _mine_and_open(psychiatrist_id))
    ).one()
    return int(count or 0), int(newest or 0)


def watch_signature(session: Session, psychiatrist_id: int, session_token: str, now: datetime | None = None) -> tuple[int, int, bool]:
    """The safety check of an open psychiatrist page, in one statement: (open alerts, newest open
    alert id, whether the page's session still holds). It runs every 30 seconds per open page."""
    now = now or utcnow()
    open_alerts = (
        select(func.count(RiskAlert.id), func.max(RiskAlert.id))
        .select_from(RiskAlert)
        .join(PatientProfile, _mine_and_open(psychiatrist_id))
        .subquery()
    )
    signed_in = (
        select(func.count(AuthSession.id))
        .where(
            AuthSession.token_hash == token_hash(session_token or "", get_settings().secret_key),
            AuthSession.user_id == psychiatrist_id,
            AuthSession.expires_at > now,
        )
        .scalar_subquery()
    )
    count, newest, holds = session.exec(select(*open_alerts.c, signed_in)).one()
    return int(count or 0), int(newest or 0), bool(holds)


def acknowledge(session: Session, actor: CurrentUser, alert_id: object, now: datetime | None = None) -> bool:
    """Acknowledge an alert of one's own patient; returns False if it already was.

    Clears the patient's "requires assistance" flag once none of their alerts is open.
    """
    doctor = require_psychiatrist(actor)
    alert = session.get(RiskAlert, alert_id) if is_id(alert_id) else None
    profile = session.get(PatientProfile, alert.patient_id) if alert else None
    if alert is None or profile is None or profile.psychiatrist_id != doctor.id:
        raise PermissionDenied(NOT_YOUR_ALERT)
    if alert.acknowledged_at is not None:
        return False
    alert.acknowledged_at = now or utcnow()
    alert.acknowledged_by = doctor.id
    session.add(alert)
    session.flush()
    still_open = session.exec(
        select(func.count(RiskAlert.id)).where(
            RiskAlert.patient_id == profile.user_id, RiskAlert.acknowledged_at.is_(None)
        )
    ).one()
    if not still_open:
        profile.requires_assistance = False
        session.add(profile)
    session.flush()
    push.publish_after_commit(session, push.psychiatrist_topic(doctor.id))
    return True
