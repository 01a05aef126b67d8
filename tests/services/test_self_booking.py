"""Patients booking and cancelling their own appointments, on SQLite and PostgreSQL: only where the
organisation opened online booking, only for themselves, only free times, limits always kept."""

from datetime import timedelta

import pytest
from sqlmodel import select

from miwell.accounts.services import PermissionDenied
from miwell.db import session_scope
from miwell.scheduling import services as service
from miwell.scheduling.models import Agenda, Appointment, AppointmentStatusChange
from miwell.scheduling.services import SchedulingError, self_booking
from miwell.scheduling.services.errors import NotFound
from tests.factories import as_current, make_user
from tests.services.scheduling_helpers import NOW, TODAY, accept_links, at, make_org

DAY = TODAY + timedelta(days=7)  # Tuesday 8 December 2026


def world(s):
    a = make_org(s, "Alpha")
    b = make_org(s, "Beta", admin=a.admin)
    psychiatrist = make_user(s, "psychiatrist", email="doc@example.org")
    pat = as_current(make_user(s, "patient", email="pat@example.org"))
    other = as_current(make_user(s, "patient", email="other@example.org"))
    service.update_patient(s, a.staff, a.patient_id, full_name="Pat at Alpha", account_email="pat@example.org")
    service.update_patient(s, b.staff, b.patient_id, full_name="Pat at Beta", account_email="pat@example.org")
    someone = service.create_patient(s, a.staff, full_name="Someone Else", account_email="other@example.org")
    accept_links(s, pat)
    accept_links(s, other)
    service.set_online_booking(s, a.admin, a.id, True)
    return a, b, psychiatrist, pat, other, someone


def test_only_organisations_that_opened_online_booking_are_offered(engine):
    with session_scope(engine) as s:
        a, b, psychiatrist, pat, _, _ = world(s)
        doctors = self_booking.bookable_doctors(s, pat, now=NOW)
        assert [(d.name, d.organisation) for d in doctors] == [("Dr Alpha", "Alpha")]
        with pytest.raises(PermissionDenied, match="Online booking is not open"):
            self_booking.patient_free_slots(s, pat, b.doctor_id, DAY, now=NOW)
        with pytest.raises(PermissionDenied, match="Online booking is not open"):
            self_booking.patient_book(s, pat, b.doctor_id, at(DAY, 9), now=NOW)
        service.set_online_booking(s, a.admin, a.id, False)
        assert self_booking.bookable_doctors(s, pat, now=NOW) == []
        with pytest.raises(PermissionDenied):
            self_booking.patient_book(s, pat, a.doctor_id, at(DAY, 9), now=NOW)


def test_the_patients_own_psychiatrist_comes_first(engine):
    with session_scope(engine) as s:
        a, _, psychiatrist, pat, _, _ = world(s)
        mine = service.create_doctor(s, a.staff, full_name="Dr Zed Own", psychiatrist_email="doc@example.org")
        accept_links(s, as_current(psychiatrist))
        service.create_agenda(
            s, a.staff, mine.id, clinic_id=a.clinic_id, start_date=TODAY, end_date=DAY + timedelta(days=30),
            start_time=at(DAY, 13).time(), end_time=at(DAY, 15).time(), slot_minutes=60, weekdays=(0, 1, 2, 3, 4),
        )  # fmt: skip
        doctors = self_booking.bookable_doctors(s, pat, now=NOW)
        assert [(d.name, d.yours) for d in doctors] == [("Dr Zed Own", True), ("Dr Alpha", False)]


def test_a_patient_sees_free_times_only_and_books_for_themself(engine):
    with session_scope(engine) as s:
        a, _, _, pat, other, someone = world(s)
        service.book(s, a.staff, a.doctor_id, at(DAY, 10), someone.id, None, now=NOW, note="Private desk note")
        slots = self_booking.patient_free_slots(s, pat, a.doctor_id, DAY, days=1, now=NOW)
        assert [slot.start.strftime("%H:%M") for slot in slots] == ["09:00", "09:30", "10:30", "11:00", "11:30"]
        assert set(vars(slots[0])) == {"start", "end", "clinic"}  # nothing about anybody
        booked = self_booking.patient_book(s, pat, a.doctor_id, at(DAY, 9), now=NOW)
        assert booked.patient_id == a.patient_id and booked.note == "Booked online by the patient"
        with pytest.raises(SchedulingError, match="just booked by someone else"):
            self_booking.patient_book(s, other, a.doctor_id, at(DAY, 9), now=NOW)


def test_notice_horizon_and_buffers_hold_for_patients_and_cannot_be_overridden(engine):
    with session_scope(engine) as s:
        a, _, _, pat, _, someone = world(s)
        agenda = s.exec(select(Agenda).where(Agenda.doctor_id == a.doctor_id)).one()
        agenda.min_notice_minutes, agenda.horizon_days, agenda.buffer_minutes = 48 * 60, 10, 15
        s.add(agenda)
        s.flush()
        service.book(s, a.staff, a.doctor_id, at(DAY, 10), someone.id, None, now=NOW)
        assert self_booking.patient_free_slots(s, pat, a.doctor_id, TODAY + timedelta(days=1), days=1, now=NOW) == []
        assert [x.start.strftime("%H:%M") for x in self_booking.patient_free_slots(s, pat, a.doctor_id, DAY, days=1, now=NOW)] == [
            "09:00", "11:00", "11:30",
        ]  # fmt: skip
        assert self_booking.patient_free_slots(s, pat, a.doctor_id, TODAY + timedelta(days=13), days=1, now=NOW) == []
        with pytest.raises(SchedulingError, match="too soon"):
            self_booking.patient_book(s, pat, a.doctor_id, at(TODAY + timedelta(days=1), 10), now=NOW)
        with pytest.raises(SchedulingError, match="too close"):
            self_booking.patient_book(s, pat, a.doctor_id, at(DAY, 10, 30), now=NOW)


def test_a_patient_cancels_with_a_reason_until_the_cutoff(engine):
    with session_scope(engine) as s:
        a, _, _, pat, other, someone = world(s)
        mine = self_booking.patient_book(s, pat, a.doctor_id, at(DAY, 9), now=NOW)
        theirs = service.book(s, a.staff, a.doctor_id, at(DAY, 11), someone.id, None, now=NOW)
        assert self_booking.cancellable_ids(s, pat, now=NOW) == {mine.id: "until Mon 7 Dec 2026, 09:00"}
        with pytest.raises(NotFound):
            self_booking.patient_cancel(s, pat, theirs.id, "not mine", now=NOW)
        with pytest.raises(SchedulingError, match="why you cancel"):
            self_booking.patient_cancel(s, pat, mine.id, "  ", now=NOW)
        too_late = NOW + timedelta(days=6, hours=2)  # Monday 10:00: within 24 hours
        assert self_booking.cancellable_ids(s, pat, now=too_late) == {}
        with pytest.raises(SchedulingError, match="until 24 hours before"):
            self_booking.patient_cancel(s, pat, mine.id, "Unwell", now=too_late)
        self_booking.patient_cancel(s, pat, mine.id, "Unwell", now=NOW)
        assert s.get(Appointment, mine.id).status == "cancelled"
        reason = s.exec(
            select(AppointmentStatusChange.reason).where(
                AppointmentStatusChange.appointment_id == mine.id, AppointmentStatusChange.to_status == "cancelled"
            )
        ).one()
        assert reason == "Cancelled online by the patient: Unwell"
        with pytest.raises(SchedulingError, match="can no longer be cancelled"):
            self_booking.patient_cancel(s, pat, mine.id, "again", now=NOW)


def test_a_clinic_sets_its_own_cutoff(engine):
    with session_scope(engine) as s:
        a, _, _, pat, _, _ = world(s)
        row = service.list_clinics(s, a.admin, a.id)[0]
        assert row.cancel_cutoff_hours == 24
        service.update_clinic(s, a.admin, a.clinic_id, row.name, row.address, row.timezone, cancel_cutoff_hours=2)
        mine = self_booking.patient_book(s, pat, a.doctor_id, at(DAY, 9), now=NOW)
        self_booking.patient_cancel(s, pat, mine.id, "Unwell", now=NOW + timedelta(days=6, hours=22))  # 06:00 that day
        with pytest.raises(SchedulingError, match="from 0 to 720 hours"):
            service.update_clinic(s, a.admin, a.clinic_id, row.name, row.address, row.timezone, cancel_cutoff_hours=1000)


def test_only_patients_use_self_booking_and_only_admins_open_it(engine):
    with session_scope(engine) as s:
        a, *_ = world(s)
        with pytest.raises(PermissionDenied):
            self_booking.bookable_doctors(s, a.staff, now=NOW)
        with pytest.raises(PermissionDenied):
            self_booking.patient_book(s, a.staff, a.doctor_id, at(DAY, 9), now=NOW)
        with pytest.raises(PermissionDenied):
            service.set_online_booking(s, a.staff, a.id, True)
