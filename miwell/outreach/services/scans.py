"""What the job queue looks for every minute, each in one or two SQL statements whatever the
number of people: unseen urgent alerts, daily reminders, morning digests, appointment
reminders. Each queues messages in the outbox (idempotently) and records what it did."""

from __future__ import annotations

from collections import defaultdict
from functools import partial
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, and_, case, cast, exists, func, literal, or_
from sqlmodel import Session, select

from miwell.accounts.models import PatientProfile, User
from miwell.outreach.core import messages, schedule
from miwell.outreach.models import MessagePreference, OutboxMessage, SafetyContact
from miwell.outreach.services.outbox import Batch
from miwell.scheduling.core.reports import AppointmentRecord, appointments_ics
from miwell.scheduling.models import Appointment, Clinic, ClinicPatient, Doctor, Organisation
from miwell.settings import get_settings
from miwell.timeutil import is_timezone, utcnow
from miwell.wellbeing.models import MoodEntry, RiskAlert


@dataclass
class ScanReport:
    alert_emails: int = 0
    escalations: int = 0
    reminders: int = 0
    nudges: int = 0
    digests: int = 0
    appointment_reminders: int = 0


def _last_entry_day():
    """The patient's latest entry day, read through the (patient_id, day) unique index."""
    return (
        select(func.max(MoodEntry.day)).where(MoodEntry.patient_id == PatientProfile.user_id).correlate(PatientProfile).scalar_subquery()
    )


# --- urgent alerts nobody acknowledged ----------------------------------------------------------


def queue_alert_emails(session: Session, now: datetime | None = None) -> tuple[int, int]:
    """Email the psychiatrist about an urgent alert open for ``alert_email_seconds``; escalate to
    the organisation's safety contacts (or, without any, every admin) after
    ``alert_escalate_seconds``. Each step is recorded on the alert. Returns (emailed, escalated)."""
    now = now or utcnow()
    settings = get_settings()
    email_after = timedelta(seconds=settings.alert_email_seconds)
    escalate_after = timedelta(seconds=settings.alert_escalate_seconds)
    psychiatrist = User.__table__.alias("psychiatrist")
    rows = session.exec(
        select(RiskAlert, psychiatrist.c.id, psychiatrist.c.email, psychiatrist.c.full_name)
        .join(PatientProfile, PatientProfile.user_id == RiskAlert.patient_id)
        .outerjoin(psychiatrist, psychiatrist.c.id == PatientProfile.psychiatrist_id)
        .where(
            RiskAlert.level == "urgent",
            RiskAlert.acknowledged_at.is_(None),
            RiskAlert.created_at <= now - min(email_after, escalate_after),
            or_(RiskAlert.emailed_at.is_(None), RiskAlert.escalated_at.is_(None)),
        )
        .order_by(RiskAlert.id)
    ).all()
    to_escalate = []
    emailed = 0
    batch = Batch()
    for alert, doctor_id, doctor_email, doctor_name in rows:
        email, escalate = schedule.alert_steps_due(alert.created_at, alert.emailed_at, alert.escalated_at, now, email_after, escalate_after)
        if email and doctor_email:
            batch.add(
                key=f"alert:{alert.id}:psychiatrist",
                kind="alert",
                recipient=doctor_email,
                mail=messages.alert_email(settings.public_url, max(1, int(email_after.total_seconds() // 60))),
                now=now,
                user_id=doctor_id,
                alert_id=alert.id,
            )
            alert.emailed_at = now
            session.add(alert)
            emailed += 1
        if escalate:
            to_escalate.append((alert, doctor_name or "their psychiatrist"))
    escalated = _escalate(batch, session, to_escalate, now, max(1, int(escalate_after.total_seconds() // 60))) if to_escalate else 0
    batch.queue(session)
    session.flush()
    return emailed, escalated


def _escalate(batch: Batch, session: Session, alerts: list[tuple[RiskAlert, str]], now: datetime, minutes: int) -> int:
    settings = get_settings()
    patient_ids = {alert.patient_id for alert, _ in alerts}
    # The safety contacts of every organisation that holds a linked record of these patients.
    contacts: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for patient_id, email, organisation in session.exec(
        select(ClinicPatient.user_id, SafetyContact.email, Organisation.name)
        .join(SafetyContact, SafetyContact.organisation_id == ClinicPatient.organisation_id)
        .join(Organisation, Organisation.id == ClinicPatient.organisation_id)
        .where(ClinicPatient.user_id.in_(patient_ids))  # type: ignore[union-attr]
    ).all():
        contacts[patient_id].append((email, organisation))
    admins = [(email, "") for email in session.exec(select(User.email).where(User.role == "admin").order_by(User.id)).all()]
    escalated = 0
    for alert, doctor_name in alerts:
        recipients = contacts.get(alert.patient_id) or admins
        if not recipients:
            # Nobody to tell (no contacts, no admin account): leave it due, so it goes as soon as someone exists.
            continue
        for email, organisation in dict.fromkeys(recipients):
            batch.add(
                key=f"alert:{alert.id}:escalation:{email}",
                kind="escalation",
                recipient=email,
                mail=messages.escalation_email(settings.public_url, alert.id, doctor_name, organisation, minutes),  # type: ignore[arg-type]
                now=now,
                alert_id=alert.id,
            )
        alert.escalated_at = now
        session.add(alert)
        escalated += 1
    return escalated


# --- daily reminders and nudges -----------------------------------------------------------------


def reminder_candidates(session: Session, now: datetime) -> list[tuple[schedule.ReminderCandidate, str, str]]:
    """The patients due a reminder now, in two statements whatever their number: the time zones
    patients are in, then those patients of the zones outside the quiet hours whose chosen time
    has come, who want reminders, have no entry for their local today and no reminder queued
    for it. Each zone's local day and time are worked out here once, not once per patient."""
    zones = [z for z in session.exec(select(PatientProfile.timezone).distinct()).all() if is_timezone(z)]
    local = {z: schedule.local(now, z) for z in zones}
    awake = {z: t for z, t in local.items() if not schedule.in_quiet_hours(t.time())}
    if not awake:
        return []
    today = case({z: t.date() for z, t in awake.items()}, value=PatientProfile.timezone)
    clock = case({z: t.strftime("%H:%M") for z, t in awake.items()}, value=PatientProfile.timezone)
    day_text = case({z: t.date().isoformat() for z, t in awake.items()}, value=PatientProfile.timezone)
    key = literal("reminder:") + cast(User.id, String) + literal(":") + day_text
    last_day = _last_entry_day().label("last_day")
    chosen = func.coalesce(MessagePreference.reminder_time, schedule.DEFAULT_REMINDER_TIME.strftime("%H:%M"))
    rows = session.exec(
        select(User.id, User.email, User.full_name, PatientProfile.timezone, chosen, last_day)
        .join(PatientProfile, PatientProfile.user_id == User.id)
        .outerjoin(MessagePreference, MessagePreference.user_id == User.id)
        .where(
            User.role == "patient",
            PatientProfile.timezone.in_(list(awake)),  # type: ignore[attr-defined]
            func.coalesce(MessagePreference.emails, True).is_(True),
            func.coalesce(MessagePreference.daily_reminder, True).is_(True),
            chosen <= clock,
            or_(last_day.is_(None), last_day < today),
            ~exists().where(OutboxMessage.key == key),
        )
    ).all()
    return [
        (schedule.ReminderCandidate(user_id, zone, schedule.parse_reminder_time(at), last, local[zone].date()), email, name)
        for user_id, email, name, zone, at, last in rows
    ]


def queue_daily_reminders(session: Session, now: datetime | None = None) -> tuple[int, int]:
    """Queue today's reminder (or nudge) for each patient due one. Returns (reminders, nudges)."""
    now = now or utcnow()
    settings = get_settings()
    counts = {"reminder": 0, "nudge": 0}
    for candidate, email, name in reminder_candidates(session, now):
        due = schedule.reminder_due(candidate, now)  # the same rules, checked by the pure core
        if due is None:
            continue
        make = messages.nudge_email if due.kind == "nudge" else messages.reminder_email
        mail = make(settings.public_url, messages.first_name(name))
        session.add(
            OutboxMessage(
                key=due.key, kind=due.kind, recipient=email, subject=mail.subject, body=mail.body, user_id=due.user_id, created_at=now, send_after=now
            )
        )
        counts[due.kind] += 1
    session.flush()
    return counts["reminder"], counts["nudge"]


# --- the psychiatrists' morning digest ----------------------------------------------------------


def queue_digests(session: Session, now: datetime | None = None) -> int:
    """From 08:00 (the deployment's time zone), each psychiatrist who asked for it hears how many
    of their patients have missed 3 days or more; names only after signing in."""
    now = now or utcnow()
    settings = get_settings()
    day = schedule.digest_due(now, settings.default_timezone)
    if day is None:
        return 0
    # Missed 3 whole days before today: the last entry is 4 or more days old (as on the
    # dashboard). Someone who never logged is left to the daily reminders.
    cutoff = day - timedelta(days=schedule.DIGEST_MISSED_DAYS + 1)
    last_day = _last_entry_day()
    missing = (
        select(PatientProfile.psychiatrist_id, func.count().label("missing"))
        .where(last_day <= cutoff)
        .group_by(PatientProfile.psychiatrist_id)
        .subquery()
    )
    rows = session.exec(
        select(User.id, User.email, missing.c.missing)
        .join(MessagePreference, and_(MessagePreference.user_id == User.id, MessagePreference.digest.is_(True), MessagePreference.emails.is_(True)))
        .join(missing, missing.c.psychiatrist_id == User.id)
        .where(User.role == "psychiatrist", missing.c.missing > 0)
    ).all()
    batch = Batch()
    for user_id, email, count in rows:
        batch.add(
            key=f"digest:{user_id}:{day.isoformat()}",
            kind="digest",
            recipient=email,
            mail=messages.digest_email(settings.public_url, day, int(count)),
            now=now,
            user_id=user_id,
        )
    return batch.queue(session)


# --- appointment reminders ----------------------------------------------------------------------


def queue_appointment_reminders(session: Session, now: datetime | None = None) -> int:
    """48 hours and 2 hours before, to the clinic patient's email or their linked account's,
    with the appointment as an .ics file. The start is in the key, so a moved appointment gets
    reminders for its new time and the old ones are cancelled at send time."""
    now = now or utcnow()
    settings = get_settings()
    naive = now.replace(tzinfo=None)
    linked = User.__table__.alias("linked")
    rows = session.exec(
        select(Appointment, Clinic, ClinicPatient.full_name, ClinicPatient.email, ClinicPatient.user_id, linked.c.email, Doctor.full_name)
        .join(Clinic, Clinic.id == Appointment.clinic_id)
        .join(ClinicPatient, ClinicPatient.id == Appointment.patient_id)
        .join(Doctor, Doctor.id == Appointment.doctor_id)
        .outerjoin(linked, linked.c.id == ClinicPatient.user_id)
        # Start times are clinic-local: a window wide enough for any time zone, exact below.
        .where(
            Appointment.starts_at > naive - timedelta(hours=14),
            Appointment.starts_at <= naive + timedelta(hours=max(schedule.APPOINTMENT_WINDOWS) + 14),
            Appointment.status.not_in(tuple(schedule.FINAL_APPOINTMENT_STATUSES)),  # type: ignore[attr-defined]
        )
    ).all()
    batch = Batch()
    for appointment, clinic, patient_name, clinic_email, user_id, account_email, doctor_name in rows:
        recipient = account_email or clinic_email
        if not recipient:
            continue
        here = schedule.local(now, clinic.timezone).replace(tzinfo=None)
        for hours in schedule.appointment_reminders_due(appointment.starts_at, appointment.status, here):
            # The .ics is built only for a reminder not queued yet: this runs every minute.
            batch.add_built(
                schedule.appointment_key(appointment.id, appointment.starts_at, hours),
                partial(_appointment_message, settings.public_url, appointment, clinic, patient_name, doctor_name, recipient, user_id, hours, now),
            )
    return batch.queue(session)


def _appointment_message(
    base_url: str, appointment: Appointment, clinic: Clinic, patient_name: str, doctor_name: str, recipient: str, user_id, hours: int, now: datetime
) -> dict:
    record = AppointmentRecord(
        id=appointment.id,  # type: ignore[arg-type]
        start=appointment.starts_at,
        end=appointment.ends_at,
        status=appointment.status,
        doctor_id=appointment.doctor_id,
        doctor_name=doctor_name,
        doctor_colour="",
        patient_id=appointment.patient_id,
        patient_name=patient_name,
        clinic_id=clinic.id,  # type: ignore[arg-type]
        clinic_name=clinic.name,
        clinic_address=clinic.address,
        clinic_tz=clinic.timezone,
    )
    return dict(
        kind="appointment",
        recipient=recipient,
        mail=messages.appointment_email(base_url, messages.first_name(patient_name), appointment.starts_at, clinic.name, hours),
        now=now,
        user_id=user_id,
        appointment_id=appointment.id,
        attachment_name="appointment.ics",
        attachment=appointments_ics([record], calendar_name="MiWell appointment", audience="patient", now=now).decode("utf-8"),
    )


def run_scans(session: Session, now: datetime | None = None) -> ScanReport:
    now = now or utcnow()
    report = ScanReport()
    report.alert_emails, report.escalations = queue_alert_emails(session, now)
    report.reminders, report.nudges = queue_daily_reminders(session, now)
    report.digests = queue_digests(session, now)
    report.appointment_reminders = queue_appointment_reminders(session, now)
    return report

