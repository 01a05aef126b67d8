"""Agendas, free slots, booking, statuses and deletions, on SQLite and PostgreSQL."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from miwell.db import session_scope
from miwell.scheduling import services as service
from miwell.scheduling.models import Agenda, Appointment, AppointmentStatusChange, Client, ClinicPatient, Doctor
from miwell.scheduling.services import SLOT_TAKEN, SchedulingError
from tests.services.scheduling_helpers import NOW, TODAY, agenda_for, at, count_statements, make_org

TOMORROW = TODAY + timedelta(days=1)


def starts(slots) -> list[str]:
    return [s.start.strftime("%H:%M") for s in slots]


def test_invalid_agendas_are_refused_with_the_rule_message(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        with pytest.raises(SchedulingError, match="end date .* is before"):
            agenda_for(s, a.staff, a.doctor_id, a.clinic_id, first=date(2027, 3, 2), last=date(2027, 3, 1))
        with pytest.raises(SchedulingError, match="does not fit"):
            agenda_for(s, a.staff, a.doctor_id, a.clinic_id, start=time(13), end=time(14), minutes=90)
        with pytest.raises(SchedulingError, match="at least one day"):
            agenda_for(s, a.staff, a.doctor_id, a.clinic_id, start=time(13), end=time(14), weekdays=())


def test_overlapping_agendas_of_one_doctor_are_refused_naming_the_other(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        with pytest.raises(SchedulingError) as refused:
            agenda_for(s, a.staff, a.doctor_id, a.clinic_id, start=time(11), end=time(13), weekdays=(2,))
        message = str(refused.value)
        assert "Dr Alpha's agenda at Alpha Clinic, 1 Dec 2026 – 26 Feb 2027, Mon–Fri, 09:00–12:00" in message
        # Touching windows, weekends and another doctor are all fine.
        agenda_for(s, a.staff, a.doctor_id, a.clinic_id, start=time(12), end=time(15), minutes=45)
        agenda_for(s, a.staff, a.doctor_id, a.clinic_id, weekdays=(5,))
        other = service.create_doctor(s, a.staff, full_name="Dr Other")
        agenda_for(s, a.staff, other.id, a.clinic_id)
        rows = service.list_agendas(s, a.staff, a.doctor_id)
        assert len(rows) == 3 and rows[0].description.endswith("30-minute slots")


def test_free_slots_come_from_agendas_minus_active_bookings(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        agenda_for(s, a.staff, a.doctor_id, a.clinic_id, start=time(14), end=time(16), minutes=60)
        assert starts(service.day_slots(s, a.staff, a.doctor_id, TODAY, now=NOW)) == [
            "09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "14:00", "15:00",
        ]  # fmt: skip
        booked = service.book(s, a.staff, a.doctor_id, at(TODAY, 10), a.patient_id, a.client_id, now=NOW)
        assert "10:00" not in starts(service.day_slots(s, a.staff, a.doctor_id, TODAY, now=NOW))
        # At 10:40 local the morning has gone by; the afternoon is still offered.
        later = NOW + timedelta(hours=2, minutes=40)
        assert starts(service.day_slots(s, a.staff, a.doctor_id, TODAY, now=later)) == ["11:00", "11:30", "14:00", "15:00"]
        service.cancel(s, a.staff, booked.id, "Patient is unwell", now=NOW)
        assert "10:00" in starts(service.day_slots(s, a.staff, a.doctor_id, TODAY, now=NOW))
        saturday = date(2026, 12, 5)
        assert service.day_slots(s, a.staff, a.doctor_id, saturday, now=NOW) == []
        assert service.day_slots(s, a.staff, a.doctor_id, TODAY - timedelta(days=1), now=NOW) == []


def test_free_slots_of_a_range_match_the_days_and_stay_in_the_organisation(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        b = make_org(s, "Beta", admin=a.admin)
        agenda_for(s, a.staff, a.doctor_id, a.clinic_id, start=time(14), end=time(16), minutes=45)
        service.book(s, a.staff, a.doctor_id, at(TOMORROW, 14), a.patient_id, None, now=NOW)
        week = [TODAY + timedelta(days=n) for n in range(7)]
        ranged = service.free_slots_between(s, a.staff, week[0], week[-1], doctor_id=a.doctor_id, now=NOW)
        daily = [slot for day in week for slot in service.day_slots(s, a.staff, a.doctor_id, day, now=NOW)]
        assert ranged[a.doctor_id] == daily and len(daily) == 5 * (6 + 2) - 1  # Tue to Mon: five working days
        everyone = service.free_slots_between(s, b.staff, week[0], week[-1], now=NOW)
        assert set(everyone) == {b.doctor_id}
        assert service.free_slots_between(s, b.staff, week[0], week[-1], doctor_id=a.doctor_id, now=NOW) == {}
        with pytest.raises(SchedulingError, match="last day is before"):
            service.free_slots_between(s, a.staff, week[-1], week[0], now=NOW)


def test_booking_stores_one_row_and_its_history(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        appointment = service.book(s, a.staff, a.doctor_id, at(TOMORROW, 9, 30), a.patient_id, a.client_id, now=NOW)
        assert (appointment.ends_at, appointment.clinic_id, appointment.status) == (at(TOMORROW, 10), a.clinic_id, "scheduled")
        history = service.status_history(s, a.staff, appointment.id)
        assert [(h.from_status, h.to_status, h.by, h.reason) for h in history] == [("", "scheduled", a.staff.full_name, "Booked")]
        appointment_id = appointment.id
    with session_scope(engine) as s:
        stored = s.get(Appointment, appointment_id)
        # Clinic local wall-clock time comes back exactly as booked, naive.
        assert stored.starts_at == at(TOMORROW, 9, 30) and stored.starts_at.tzinfo is None


def test_only_offered_slots_can_be_booked(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        service.book(s, a.staff, a.doctor_id, at(TOMORROW, 9), a.patient_id, a.client_id, now=NOW)
        for when, message in (
            (at(TOMORROW, 9), "just booked by someone else"),
            (at(TOMORROW, 9, 10), "Wed 2 Dec 2026 at 09:10 is not a slot of Dr Alpha's agendas"),
            (at(TOMORROW, 12), "not a slot"),
            (at(date(2026, 12, 5), 9), "not a slot"),
        ):
            with pytest.raises(SchedulingError, match=message):
                service.book(s, a.staff, a.doctor_id, when, a.patient_id, a.client_id, now=NOW)
        with pytest.raises(SchedulingError, match="already passed"):
            service.book(s, a.staff, a.doctor_id, at(TODAY, 9), a.patient_id, a.client_id, now=NOW + timedelta(hours=3))
        count = s.exec(select(Appointment)).all()
        assert len(count) == 1


def test_the_database_refuses_a_second_active_booking_of_a_start(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        first = service.book(s, a.staff, a.doctor_id, at(TOMORROW, 9), a.patient_id, a.client_id, now=NOW)
        row = dict(organisation_id=a.id, doctor_id=a.doctor_id, clinic_id=a.clinic_id, patient_id=a.patient_id,
                   client_id=a.client_id, starts_at=at(TOMORROW, 9), ends_at=at(TOMORROW, 9, 30))  # fmt: skip
        first_id = first.id
    with pytest.raises(IntegrityError):
        with session_scope(engine) as s:
            s.add(Appointment(**row))
            s.flush()
    with session_scope(engine) as s:
        service.cancel(s, a.staff, first_id, "Doctor is away", now=NOW)
        # A cancelled appointment gives the start back: the index is partial.
        s.add(Appointment(**row))
        s.flush()
        again = service.book(s, a.staff, a.doctor_id, at(TOMORROW, 9, 30), a.patient_id, None, now=NOW)
        assert again.status == "scheduled"


def test_booking_for_the_patient_themself_makes_one_self_client(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        one = service.book(s, a.staff, a.doctor_id, at(TOMORROW, 9), a.patient_id, None, now=NOW)
        two = service.book(s, a.staff, a.doctor_id, at(TOMORROW, 10), a.patient_id, None, now=NOW)
        assert one.client_id == two.client_id
        assert s.get(Client, one.client_id).patient_id == a.patient_id
        carer = service.book(s, a.staff, a.doctor_id, at(TOMORROW, 11), a.patient_id, a.client_id, now=NOW)
        rows = {r.id: r.client for r in service.appointments_on(s, a.staff, TOMORROW, now=NOW)}
        assert rows == {one.id: "The patient themself", two.id: "The patient themself", carer.id: "Client of Alpha"}


def test_status_changes_follow_the_lifecycle_and_are_recorded(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        today = service.book(s, a.staff, a.doctor_id, at(TODAY, 9), a.patient_id, a.client_id, now=NOW)
        later = service.book(s, a.staff, a.doctor_id, at(TOMORROW, 9), a.patient_id, a.client_id, now=NOW)
        with pytest.raises(SchedulingError, match="reason for the cancellation"):
            service.cancel(s, a.staff, later.id, "   ", now=NOW)
        with pytest.raises(SchedulingError, match="check the patient in first"):
            service.change_status(s, a.staff, today.id, "completed", now=NOW)
        with pytest.raises(SchedulingError, match="Unknown appointment status"):
            service.change_status(s, a.staff, today.id, "teleported", now=NOW)
        with pytest.raises(SchedulingError, match="Wed 2 Dec 2026: it can be checked in from that day on"):
            service.change_status(s, a.staff, later.id, "checked_in", now=NOW)
        service.change_status(s, a.staff, later.id, "confirmed", now=NOW)
        for target in ("checked_in", "completed"):
            service.change_status(s, a.staff, today.id, target, now=NOW)
        with pytest.raises(SchedulingError, match="already marked completed"):
            service.change_status(s, a.staff, today.id, "completed", now=NOW)
        service.cancel(s, a.staff, later.id, "  Clinic   closed ", now=NOW)
        history = service.status_history(s, a.staff, later.id)
        assert [(h.from_status, h.to_status, h.reason) for h in history] == [
            ("", "scheduled", "Booked"), ("scheduled", "confirmed", ""), ("confirmed", "cancelled", "Clinic closed"),
        ]  # fmt: skip
        rows = service.appointments_on(s, a.staff, TODAY, now=NOW)
        assert [(r.status, r.actions) for r in rows] == [("completed", ())]
        upcoming = service.upcoming_for_doctor(s, a.staff, a.doctor_id, now=NOW)
        assert [r.id for r in upcoming] == [today.id]  # the cancelled one is left out


def test_desk_actions_wait_for_the_appointment_day():
    start = at(TOMORROW, 9)
    assert service.actions_for("scheduled", start, at(TODAY, 8)) == ("confirmed", "cancelled")
    assert service.actions_for("scheduled", start, at(TOMORROW, 8)) == ("confirmed", "checked_in", "cancelled", "no_show")
    assert service.actions_for("cancelled", start, at(TOMORROW, 8)) == ()


def test_agenda_changes_that_strand_bookings_are_refused_listing_them(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        agenda_id = service.list_agendas(s, a.staff, a.doctor_id)[0].id
        booked = service.book(s, a.staff, a.doctor_id, at(TOMORROW, 11, 30), a.patient_id, a.client_id, now=NOW)
        fields = dict(clinic_id=a.clinic_id, start_date=TODAY, end_date=date(2027, 2, 26), start_time=time(9),
                      end_time=time(11), slot_minutes=30, weekdays=(0, 1, 2, 3, 4))  # fmt: skip
        with pytest.raises(SchedulingError) as refused:
            service.update_agenda(s, a.staff, agenda_id, **fields, now=NOW)
        assert "Wed 2 Dec 2026, 11:30–12:00 at Alpha Clinic" in str(refused.value)
        with pytest.raises(SchedulingError, match="Deleting this agenda would leave these booked appointments"):
            service.delete_agenda(s, a.staff, agenda_id, now=NOW)
        # A change that keeps the booking inside the window is fine, and so is one after cancelling.
        service.update_agenda(s, a.staff, agenda_id, **{**fields, "end_time": time(13)}, now=NOW)
        service.cancel(s, a.staff, booked.id, "Moved to January", now=NOW)
        service.update_agenda(s, a.staff, agenda_id, **fields, now=NOW)
        assert s.get(Agenda, agenda_id).end_time == time(11)
        service.delete_agenda(s, a.staff, agenda_id, now=NOW)
        assert service.list_agendas(s, a.staff, a.doctor_id) == []


def test_past_bookings_do_not_block_agenda_changes(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        agenda_id = service.list_agendas(s, a.staff, a.doctor_id)[0].id
        service.book(s, a.staff, a.doctor_id, at(TODAY, 9), a.patient_id, a.client_id, now=NOW)
        service.delete_agenda(s, a.staff, agenda_id, now=NOW + timedelta(days=1))
        assert s.get(Agenda, agenda_id) is None


def test_records_with_upcoming_bookings_are_not_deleted(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        upcoming = service.book(s, a.staff, a.doctor_id, at(TOMORROW, 9), a.patient_id, a.client_id, now=NOW)
        for attempt, who in (
            (lambda: service.delete_doctor(s, a.staff, a.doctor_id, now=NOW), "Dr Alpha still has 1 upcoming appointment"),
            (lambda: service.delete_patient(s, a.staff, a.patient_id, now=NOW), "Patient of Alpha still has 1 upcoming"),
            (lambda: service.delete_client(s, a.staff, a.client_id, now=NOW), "Client of Alpha is the client of 1 upcoming"),
        ):
            with pytest.raises(SchedulingError, match=who) as refused:
                attempt()
            assert "Wed 2 Dec 2026, 09:00–09:30 at Alpha Clinic" in str(refused.value)
        assert s.get(Appointment, upcoming.id) is not None


def test_deleting_records_after_the_fact_keeps_or_removes_history_as_said(engine):
    later = NOW + timedelta(days=2)
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        other_patient = service.create_patient(s, a.staff, full_name="Sibling")
        mine = service.book(s, a.staff, a.doctor_id, at(TOMORROW, 9), a.patient_id, None, now=NOW)
        # The patient, as their own client, booked for a sibling too.
        sibling = service.book(s, a.staff, a.doctor_id, at(TOMORROW, 10), other_patient.id, mine.client_id, now=NOW)
        carer = service.book(s, a.staff, a.doctor_id, at(TOMORROW, 11), other_patient.id, a.client_id, now=NOW)
        ids = (mine.id, sibling.id, carer.id)
    with session_scope(engine) as s:
        assert service.delete_patient(s, a.staff, a.patient_id, now=later) == 1
        service.delete_client(s, a.staff, a.client_id, now=later)
    with session_scope(engine) as s:
        assert s.get(Appointment, ids[0]) is None
        assert s.exec(select(AppointmentStatusChange).where(AppointmentStatusChange.appointment_id == ids[0])).all() == []
        assert s.get(Appointment, ids[1]).client_id is None and s.get(Appointment, ids[2]).client_id is None
        assert s.get(ClinicPatient, a.patient_id) is None
        assert service.delete_doctor(s, a.staff, a.doctor_id, now=later) == 2
    with session_scope(engine) as s:
        assert s.get(Doctor, a.doctor_id) is None
        assert s.exec(select(Agenda)).all() == [] and s.exec(select(Appointment)).all() == []


@pytest.mark.parametrize("rows", [1, 5])
def test_listings_use_a_fixed_number_of_queries(engine, rows):
    """No N+1: the same statements whatever the number of rows."""
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        for n in range(rows):
            doctor = service.create_doctor(s, a.staff, full_name=f"Dr {n}", speciality="Psychiatry")
            agenda_for(s, a.staff, doctor.id, a.clinic_id)
            patient = service.create_patient(s, a.staff, full_name=f"Patient {n}")
            service.create_client(s, a.staff, full_name=f"Client {n}")
            service.book(s, a.staff, doctor.id, at(TODAY, 9), patient.id, None, now=NOW)
            service.book(s, a.staff, a.doctor_id, at(TODAY, 9 + n // 2, 30 * (n % 2)), patient.id, None, now=NOW)
    calls = {
        "doctors": lambda s: service.list_doctors(s, a.staff),
        "patients": lambda s: service.list_patients(s, a.staff, "patient"),
        "clients": lambda s: service.list_clients(s, a.staff),
        "agendas": lambda s: service.list_agendas(s, a.staff, a.doctor_id),
        "day": lambda s: service.appointments_on(s, a.staff, TODAY, now=NOW),
        "upcoming": lambda s: service.upcoming_for_doctor(s, a.staff, a.doctor_id, now=NOW),
        "slots": lambda s: service.day_slots(s, a.staff, a.doctor_id, TODAY, now=NOW),
        "choices": lambda s: service.booking_choices(s, a.staff),
        "range": lambda s: service.free_slots_between(s, a.staff, TODAY, TODAY + timedelta(days=30), now=NOW),
        "organisations": lambda s: service.list_organisations(s, a.admin),
    }
    expected = {"doctors": 1, "patients": 1, "clients": 1, "agendas": 2, "day": 1, "upcoming": 2, "slots": 3,
                "choices": 2, "range": 2, "organisations": 1}  # fmt: skip
    for name, call in calls.items():
        with session_scope(engine) as s, count_statements(engine) as statements:
            result = call(s)
        assert result, name
        selects = [q for q in statements if q.lstrip().upper().startswith("SELECT")]
        assert len(selects) == expected[name], (name, selects)
