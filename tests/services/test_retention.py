"""Retention: what an organisation keeps no longer is anonymised at night; what it still needs stays."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from miwell.audit.models import AuditEvent
from miwell.db import session_scope
from miwell.scheduling import services as scheduling
from miwell.scheduling.models import Appointment, ClinicPatient, Organisation
from miwell.scheduling.services import retention
from miwell.scheduling.services.errors import SchedulingError
from miwell.wellbeing.models import MoodEntry
from tests.services.scheduling_helpers import NOW, TODAY, at, make_org
from tests.services.wellbeing_helpers import save_on, team


def test_only_admins_set_it_and_the_value_is_checked(engine):
    with session_scope(engine) as s:
        org = make_org(s, "Keep")
        assert retention.set_retention(s, org.admin, org.id, "7").retention_years == 7
        assert retention.set_retention(s, org.admin, org.id, "").retention_years is None
        with pytest.raises(ValueError, match="from 1 to 100"):
            retention.set_retention(s, org.admin, org.id, "500")
        with pytest.raises(Exception):
            retention.set_retention(s, org.staff, org.id, "7")


def test_old_details_are_anonymised_and_what_is_still_needed_stays(engine):
    with session_scope(engine) as s:
        org = make_org(s, "Old")
        old = scheduling.create_patient(s, org.staff, full_name="Olive Oldrecord", phone="0113 496 0777")
        appointment = scheduling.book(s, org.staff, org.doctor_id, at(TODAY, 9), old.id, now=NOW, note="Talked about her divorce")
        recent = scheduling.book(s, org.staff, org.doctor_id, at(TODAY, 10), org.patient_id, now=NOW, note="Recent note")
        t = team(s)
        linked = scheduling.create_patient(s, org.staff, full_name="Lena Linked")
        s.get(ClinicPatient, linked.id).user_id = t.patient.id
        save_on(s, t.patient, 0, 4, "An entry that will grow old")
        retention.set_retention(s, org.admin, org.id, "2")
        other = make_org(s, "Other")  # keeps everything
        theirs = scheduling.book(s, other.staff, other.doctor_id, at(TODAY, 9), other.patient_id, now=NOW, note="Kept")
    # Three years later; the old patient was last seen then, the other is booked again soon.
    later = datetime(2029, 12, 2, 3, 30, tzinfo=timezone.utc)
    with session_scope(engine) as s:
        recent_row = s.get(Appointment, recent.id)
        recent_row.starts_at, recent_row.ends_at = datetime(2029, 12, 10, 10), datetime(2029, 12, 10, 10, 30)
    with session_scope(engine) as s:
        report = retention.apply_retention(s, now=later)
        assert (report.appointment_notes, report.patient_records, report.entry_notes) == (1, 1, 1)
        assert s.get(Appointment, appointment.id).note == "" and s.get(Appointment, appointment.id).status == "scheduled"
        record = s.get(ClinicPatient, old.id)
        assert (record.full_name, record.phone, record.email, record.date_of_birth) == (f"Former patient #{old.id}", None, None, None)
        assert s.get(ClinicPatient, org.patient_id).full_name == "Patient of Old"  # seen within two years
        assert s.get(ClinicPatient, linked.id).full_name == "Lena Linked"  # linked to an account
        entry = s.exec(select(MoodEntry).where(MoodEntry.patient_id == t.patient.id)).one()
        assert entry.note == "" and entry.score == 4
        assert s.get(Appointment, theirs.id).note == "Kept"
        [event] = s.exec(select(AuditEvent).where(AuditEvent.subject == "retention")).all()
        assert event.organisation_id == org.id and "1 patient records" in event.detail and "divorce" not in event.detail
        # A second night finds nothing more to do, and writes no event.
        again = retention.apply_retention(s, now=later + timedelta(days=1))
        assert (again.appointment_notes, again.patient_records, again.entry_notes) == (0, 0, 0)
        assert len(s.exec(select(AuditEvent).where(AuditEvent.subject == "retention")).all()) == 1
