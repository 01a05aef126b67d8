"""Risk alerts in the database: raising, the open list a psychiatrist sees, acknowledging.

An alert goes to whoever is the patient's psychiatrist when it is read, so a handover passes open
alerts on with the patient. ``patient_profiles.requires_assistance`` is true exactly while the
patient has an open alert: raising sets it, acknowledging the last open one clears it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, func
from sqlmodel import Session, select

from miwell import push
from miwell.accounts.core.passwords import token_hash
from miwell.accounts.models import AuthSession, PatientProfile, User
from miwell.accounts.core.rules import display_phone
from miwell.accounts.services import CurrentUser
from miwell.accounts.services.sessions import session_holds
from miwell.audit import services as audit
from miwell.ids import is_id
from miwell.outreach.services import outbox
from miwell.scheduling.models import Clinic, ClinicPatient, Doctor, Organisation, UrgentRequest
from miwell.scheduling.services import appointments
from miwell.scheduling.services.common import local_now
from miwell.scheduling.services.errors import SchedulingError
from miwell.text import clean_block
from miwell.settings import get_settings
from miwell.timeutil import utcnow
from miwell.wellbeing.services.access import PermissionDenied, patient_of, require_psychiatrist
from miwell.wellbeing.models import MoodEntry, QuestionnaireResponse, RiskAlert
from miwell.wellbeing.core.risk import RiskAssessment

NOT_YOUR_ALERT = "That alert is not for you, or no longer exists."


def raise_alert(session: Session, entry: MoodEntry, assessment: RiskAssessment, now: datetime | None = None) -> RiskAlert:
    """Record an alert for ``entry`` and flag its patient. The caller has decided it is due."""
    if assessment.level == "none":
        raise ValueError("An entry without risk raises no alert.")
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
    return _record(session, alert)


def _record(session: Session, alert: RiskAlert) -> RiskAlert:
    """Store a new alert, flag its patient as needing assistance, and tell their psychiatrist's pages."""
    profile = session.get(PatientProfile, alert.patient_id)
    assert profile is not None
    profile.requires_assistance = True
    session.add(alert)
    session.add(profile)
    session.flush()
    push.publish_after_commit(session, push.psychiatrist_topic(profile.psychiatrist_id))
    return alert


def raise_questionnaire_alert(
    session: Session, response: QuestionnaireResponse, level: str, reasons: list[str], now: datetime | None = None
) -> RiskAlert:
    """Record an alert for a completed questionnaire and flag its patient."""
    if level not in ("watch", "urgent") or not reasons:
        raise ValueError("A questionnaire alert needs a level and its reasons.")
    assert response.id is not None
    alert = RiskAlert(
        patient_id=response.patient_id,
        day=response.completed_on or (now or utcnow()).date(),
        score=None,
        note="",
        level=level,
        reasons="\n".join(reasons),
        source=response.kind,
        questionnaire_id=response.id,
        created_at=now or utcnow(),
    )
    return _record(session, alert)


@dataclass(frozen=True)
class AlertView:
    """What the psychiatrist needs to act on an alert at once, contact details included."""

    id: int
    patient_id: int
    patient_name: str
    level: str
    day: date
    score: int | None
    note: str
    reasons: tuple[str, ...]
    created_at: datetime
    phone: str
    email: str
    emergency_contact_name: str
    emergency_contact_phone: str
    source: str = "entry"
    # Set once "Book an urgent appointment" booked one from this alert.
    booked_at: datetime | None = None
    appointment_id: int | None = None
    # Outside the app: when the psychiatrist was emailed and the safety contacts were.
    emailed_at: datetime | None = None
    escalated_at: datetime | None = None


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
    # An entry that alerted twice (a watch, then the screener's yes) shows once, as its most
    # serious and then newest alert (the first in this order); acknowledging it closes the others.
    shown: set[int] = set()
    kept = []
    for row in rows:
        entry_id = row[0].entry_id
        if entry_id in shown:
            continue
        kept.append(row)
        if entry_id is not None:
            shown.add(entry_id)
    rows = kept
    # An alert shows the entry and the patient's contact details.
    audit.viewed(session, actor, "alerts", {user.id for _, user, _ in rows})
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
            source=alert.source,
            booked_at=alert.booked_at,
            appointment_id=alert.appointment_id,
            emailed_at=alert.emailed_at,
            escalated_at=alert.escalated_at,
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
            session_holds(now),
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
    now = now or utcnow()
    same_entry = (
        session.exec(
            select(RiskAlert).where(
                RiskAlert.entry_id == alert.entry_id, RiskAlert.acknowledged_at.is_(None), RiskAlert.id != alert.id
            )
        ).all()
        if alert.entry_id is not None
        else []
    )
    for seen in (alert, *same_entry):
        seen.acknowledged_at = now
        seen.acknowledged_by = doctor.id
        session.add(seen)
        # Emails queued about it and not sent yet stop here.
        outbox.cancel_pending_for_alert(session, seen.id)  # type: ignore[arg-type]
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


# --- from an alert to an appointment -----------------------------------------------------------

URGENT_DAYS = 7
URGENT_SLOTS = 3


@dataclass(frozen=True)
class UrgentSlot:
    organisation_id: int
    doctor_id: int
    doctor: str
    clinic: str
    start: datetime  # clinic local
    end: datetime


@dataclass(frozen=True)
class DeskChoice:
    organisation_id: int
    organisation: str


@dataclass(frozen=True)
class UrgentOptions:
    """The earliest free slots the psychiatrist can book for the patient, or exactly why there are
    none, and the clinic desks that could be asked instead."""

    patient_id: int
    patient_name: str
    slots: tuple[UrgentSlot, ...]
    problem: str
    desks: tuple[DeskChoice, ...]


def _clinic_records(session: Session, patient_user_id: int) -> list[tuple[ClinicPatient, Organisation]]:
    return list(
        session.exec(
            select(ClinicPatient, Organisation)
            .join(Organisation, Organisation.id == ClinicPatient.organisation_id)
            .where(ClinicPatient.user_id == patient_user_id)
            .order_by(Organisation.name)
        ).all()
    )


def urgent_options(session: Session, actor: CurrentUser, patient_id: object, now: datetime | None = None) -> UrgentOptions:
    """The three earliest free slots within 7 days with a doctor record linked to the acting
    psychiatrist, in any organisation where the patient has a linked clinic record. Four queries
    plus two per such organisation."""
    profile = patient_of(session, actor, patient_id)
    patient = session.get(User, profile.user_id)
    assert patient is not None
    now = now or utcnow()
    records = _clinic_records(session, profile.user_id)
    desks = tuple(DeskChoice(org.id, org.name) for _, org in records)  # type: ignore[arg-type]
    if not records:
        return UrgentOptions(
            profile.user_id, patient.full_name, (),
            f"{patient.full_name}'s MiWell account is not linked to a record at any clinic, so there is "
            "no clinic to book at or to ask. A clinic's desk can link it (Patients, then Link account).",
            desks,
        )  # fmt: skip
    org_ids = [org.id for _, org in records]
    doctors = session.exec(
        select(Doctor).where(Doctor.user_id == actor.id, Doctor.organisation_id.in_(org_ids))  # type: ignore[union-attr]
    ).all()
    if not doctors:
        names = ", ".join(org.name for _, org in records)
        return UrgentOptions(
            profile.user_id, patient.full_name, (),
            f"You have no doctor record linked to your account at {names}, so MiWell cannot book you in. "
            "Ask the desk there to book, or to link your doctor record to your account.",
            desks,
        )  # fmt: skip
    first_day = min(local_now(now, tz) for tz in _clinic_zones(session, org_ids)).date()
    last_day = first_day + timedelta(days=URGENT_DAYS - 1)
    found: list[UrgentSlot] = []
    for doctor in doctors:
        assert doctor.id is not None
        # An urgent appointment is not held back by the agenda's minimum notice (nor its horizon):
        # the psychiatrist books it by hand, and the appointment records that it was outside them.
        offered = appointments.free_slots_in_organisation(
            session, doctor.organisation_id, first_day, last_day, doctor.id, now, honour_limits=False
        ).get(doctor.id, [])
        found += [
            UrgentSlot(doctor.organisation_id, doctor.id, doctor.full_name, s.clinic, s.start, s.end) for s in offered[:URGENT_SLOTS]
        ]
    found.sort(key=lambda s: (s.start, s.doctor))
    if not found:
        return UrgentOptions(
            profile.user_id, patient.full_name, (),
            f"Your doctor record has no free slot in the next {URGENT_DAYS} days. Ask the clinic's desk to fit "
            f"{patient.full_name} in.",
            desks,
        )  # fmt: skip
    return UrgentOptions(profile.user_id, patient.full_name, tuple(found[:URGENT_SLOTS]), "", desks)


def _clinic_zones(session: Session, org_ids: list[int]) -> list[str]:
    zones = session.exec(select(Clinic.timezone).where(Clinic.organisation_id.in_(org_ids)).distinct()).all()  # type: ignore[attr-defined]
    return list(zones) or [get_settings().default_timezone]


def _open_alert_of(session: Session, patient_id: int, alert_id: object) -> RiskAlert | None:
    """The alert to record the booking on: the one given (it must be this patient's), else the
    patient's newest open one, if any."""
    if alert_id not in (None, "", 0):
        alert = session.get(RiskAlert, alert_id) if is_id(alert_id) else None
        if alert is None or alert.patient_id != patient_id:
            raise PermissionDenied(NOT_YOUR_ALERT)
        return alert
    return session.exec(
        select(RiskAlert)
        .where(RiskAlert.patient_id == patient_id, RiskAlert.acknowledged_at.is_(None))
        .order_by(RiskAlert.created_at.desc(), RiskAlert.id.desc())
    ).first()


def book_urgent(
    session: Session,
    actor: CurrentUser,
    patient_id: object,
    doctor_id: object,
    starts_at: object,
    alert_id: object = None,
    now: datetime | None = None,
) -> UrgentSlot:
    """Book one of the offered slots through the calendar's own race-safe path, and record it on
    the alert. The doctor must be the acting psychiatrist's own record, in an organisation where the
    patient has a linked clinic record."""
    profile = patient_of(session, actor, patient_id)
    now = now or utcnow()
    doctor = session.get(Doctor, doctor_id) if is_id(doctor_id) else None
    if doctor is None or doctor.user_id != actor.id:
        raise PermissionDenied("That doctor record is not linked to your account.")
    record = session.exec(
        select(ClinicPatient).where(
            ClinicPatient.user_id == profile.user_id, ClinicPatient.organisation_id == doctor.organisation_id
        )
    ).first()
    if record is None:
        raise PermissionDenied("This patient has no linked record at that clinic.")
    try:
        start = starts_at if isinstance(starts_at, datetime) else datetime.fromisoformat(str(starts_at))
    except ValueError:
        raise SchedulingError("That time is not one of the slots offered.") from None
    alert = _open_alert_of(session, profile.user_id, alert_id)
    appointment = appointments.book_in_organisation(
        session, doctor.organisation_id, actor, doctor.id, start.replace(tzinfo=None), record.id,  # type: ignore[arg-type]
        now=now, note="Urgent: booked by the psychiatrist from a risk alert" if alert else "Urgent: booked by the psychiatrist",
        outside_limits=True,
    )  # fmt: skip
    if alert is not None:
        alert.appointment_id, alert.booked_at, alert.booked_by = appointment.id, now, actor.id
        session.add(alert)
    session.flush()
    push.publish_after_commit(session, push.psychiatrist_topic(actor.id))
    push.publish_after_commit(session, push.user_topic(profile.user_id))
    clinic = session.get(Clinic, appointment.clinic_id)
    return UrgentSlot(
        doctor.organisation_id, doctor.id, doctor.full_name, clinic.name if clinic else "",  # type: ignore[arg-type]
        appointment.starts_at, appointment.ends_at,
    )  # fmt: skip


def ask_desk(
    session: Session,
    actor: CurrentUser,
    patient_id: object,
    organisation_id: object,
    alert_id: object = None,
    reason: object = "",
    now: datetime | None = None,
) -> UrgentRequest:
    """Ask a clinic desk to book an urgent appointment; staff see it on their desk page at once."""
    profile = patient_of(session, actor, patient_id)
    record = (
        session.exec(
            select(ClinicPatient).where(
                ClinicPatient.user_id == profile.user_id, ClinicPatient.organisation_id == organisation_id
            )
        ).first()
        if is_id(organisation_id)
        else None
    )
    if record is None:
        raise PermissionDenied("This patient has no linked record at that clinic.")
    alert = _open_alert_of(session, profile.user_id, alert_id)
    text = clean_block(reason, "The reason").strip()[:500] if reason else ""
    request = UrgentRequest(
        organisation_id=record.organisation_id,
        clinic_patient_id=record.id,
        patient_name=record.full_name,
        alert_id=alert.id if alert else None,
        requested_by=actor.id,
        requested_by_name=actor.full_name,
        reason=text or ("Risk alert: " + (alert.reasons.split("\n")[0] if alert and alert.reasons else "urgent review")),
        created_at=now or utcnow(),
    )
    session.add(request)
    session.flush()
    push.publish_after_commit(session, push.organisation_topic(record.organisation_id))
    return request
