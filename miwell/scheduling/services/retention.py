"""Retention: an organisation keeps personal details for as many years as it chooses, then the
nightly job anonymises them. What stays is what the clinic's own reports count (that an
appointment happened, its doctor, times and status; a mood's score and day), never who or what
was said. The job records each run in the audit log, with the counts, not the content.

What "older than N years" means here:
- an appointment's note, once the appointment ended more than N years ago;
- a clinic patient record (name, phone, email, date of birth), once its last appointment ended
  more than N years ago, when no MiWell account is linked to it and nothing is waiting for it;
- the notes (and their earlier versions) of wellbeing entries older than N years, of patients
  whose MiWell account is linked to one of the organisation's records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, cast, exists, literal, not_, update
from sqlmodel import Session, col, select

from miwell.accounts.services import CurrentUser
from miwell.audit import services as audit
from miwell.scheduling.core.retention import FORMER_PATIENT, cutoff, parse_years
from miwell.scheduling.models import Appointment, ClinicPatient, Organisation, WaitlistEntry
from miwell.scheduling.services.common import _organisation, _require_admin
from miwell.timeutil import utcnow
from miwell.wellbeing.models import MoodEntry, MoodEntryVersion


@dataclass
class RetentionReport:
    organisations: int = 0
    appointment_notes: int = 0
    patient_records: int = 0
    entry_notes: int = 0


def set_retention(session: Session, actor: CurrentUser, organisation_id: int, years: object) -> Organisation:
    """An admin sets (or clears, with a blank) how many years the organisation keeps details."""
    _require_admin(actor)
    organisation = _organisation(session, organisation_id)
    organisation.retention_years = parse_years(years)
    session.add(organisation)
    session.flush()
    return organisation


def apply_retention(session: Session, now: datetime | None = None) -> RetentionReport:
    """Anonymise what each organisation keeps no longer: a few statements per organisation."""
    now = now or utcnow()
    report = RetentionReport()
    for organisation_id, years in session.exec(
        select(Organisation.id, Organisation.retention_years).where(col(Organisation.retention_years).is_not(None))
    ).all():
        # Appointments keep clinic-local times; a few hours either way do not matter over years.
        before = cutoff(now, years).replace(tzinfo=None)
        notes = session.exec(
            update(Appointment)
            .where(Appointment.organisation_id == organisation_id, Appointment.ends_at < before, Appointment.note != "")
            .values(note="")
        ).rowcount or 0
        ended = select(Appointment.id).where(Appointment.patient_id == ClinicPatient.id)
        recent = ended.where(Appointment.ends_at >= before)
        waiting = select(WaitlistEntry.id).where(
            WaitlistEntry.patient_id == ClinicPatient.id, col(WaitlistEntry.status).in_(("waiting", "offered"))
        )
        stale = session.exec(
            select(ClinicPatient.id).where(
                ClinicPatient.organisation_id == organisation_id,
                col(ClinicPatient.user_id).is_(None),
                exists(ended),
                not_(exists(recent)),
                not_(exists(waiting)),
                not_(ClinicPatient.full_name.startswith(FORMER_PATIENT)),
            )
        ).all()
        if stale:  # one statement for them all; the name says which record it was
            session.exec(
                update(ClinicPatient)
                .where(col(ClinicPatient.id).in_(stale))
                .values(full_name=literal(FORMER_PATIENT) + cast(ClinicPatient.id, String), phone=None, email=None, date_of_birth=None)
            )
        linked = select(ClinicPatient.user_id).where(
            ClinicPatient.organisation_id == organisation_id, col(ClinicPatient.user_id).is_not(None)
        )
        old_entries = select(MoodEntry.id).where(col(MoodEntry.patient_id).in_(linked), MoodEntry.day < before.date())
        entry_notes = session.exec(
            update(MoodEntry).where(col(MoodEntry.id).in_(old_entries), MoodEntry.note != "").values(note="")
        ).rowcount or 0
        session.exec(
            update(MoodEntryVersion).where(col(MoodEntryVersion.entry_id).in_(old_entries), MoodEntryVersion.note != "").values(note="")
        )
        if notes or stale or entry_notes:
            audit.record(
                session, "changed", "retention", organisation_id=organisation_id,
                detail=f"older than {years} years: {notes} appointment notes, {len(stale)} patient records, {entry_notes} entry notes anonymised",
            )  # fmt: skip
        report.organisations += 1
        report.appointment_notes += notes
        report.patient_records += len(stale)
        report.entry_notes += entry_notes
    return report
