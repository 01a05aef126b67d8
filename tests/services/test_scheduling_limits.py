"""Agenda buffers, minimum notice and booking horizon through the scheduling services, on SQLite
and PostgreSQL; the staff override; and PostgreSQL's second guard against overlapping bookings."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from miwell.accounts.services import PermissionDenied
from miwell.db import session_scope
from miwell.scheduling import services as service
from miwell.scheduling.models import Agenda, Appointment, AppointmentStatusChange
from miwell.scheduling.services import SLOT_TAKEN, SchedulingError
from miwell.scheduling.services.appointments import book_in_organisation, free_slots_in_organisation
from tests.factories import as_current, make_user
from tests.services.scheduling_helpers import NOW, TODAY, at, make_org

TOMORROW = TODAY + timedelta(days=1)


def starts(slots) -> list[str]:
    return [s.start.strftime("%H:%M") for s in slots]


def limit(s, a, **limits) -> Agenda:
    """Give the organisation's one agenda the limits, through the service as the page does."""
    agenda = s.exec(select(Agenda).where(Agenda.doctor_id == a.doctor_id)).one()
    return service.update_agenda(
        s,
        a.staff,
        agenda.id,
        clinic_id=agenda.clinic_id,
        start_date=agenda.start_date,
        end_date=agenda.end_date,
        start_time=agenda.start_time,
        end_time=agenda.end_time,
        slot_minutes=agenda.slot_minutes,
        weekdays=(0, 1, 2, 3, 4),
        now=NOW,
        **limits,
    )


def test_limits_are_stored_listed_and_checked(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        limit(s, a, buffer_minutes=10, min_notice_minutes=24 * 60, horizon_days=60)
        (row,) = service.list_agendas(s, a.staff, a.doctor_id)
        assert (row.buffer_minutes, row.min_notice_minutes, row.horizon_days) == (10, 1440, 60)
        assert row.limits == "10 min between sessions · booked 1 day ahead at least · up to 60 days ahead"
        with pytest.raises(SchedulingError, match="buffer between sessions must be a whole number, 0 or more"):
            limit(s, a, buffer_minutes=-1)
        with pytest.raises(SchedulingError, match="booking horizon can be at most 3660 days"):
            limit(s, a, horizon_days=5000)


def test_an_agenda_without_limits_behaves_as_before(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        (row,) = service.list_agendas(s, a.staff, a.doctor_id)
        assert (row.buffer_minutes, row.min_notice_minutes, row.horizon_days, row.limits) == (0, 0, 0, "")
        assert starts(service.day_slots(s, a.staff, a.doctor_id, TODAY, now=NOW)) == [
            "09:00", "09:30", "10:00", "10:30", "11:00", "11:30",
        ]  # fmt: skip


def test_the_schema_refuses_limits_the_core_would_refuse(engine):
    with pytest.raises(IntegrityError):
        with session_scope(engine) as s:
            a = make_org(s, "Alpha")
            agenda = s.exec(select(Agenda)).one()
            agenda.buffer_minutes = -5
            s.add(agenda)
            s.flush()


def test_a_buffer_keeps_room_around_bookings_on_the_calendar_and_when_booking(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        limit(s, a, buffer_minutes=15)
        service.book(s, a.staff, a.doctor_id, at(TOMORROW, 10), a.patient_id, a.client_id, now=NOW)
        assert starts(service.day_slots(s, a.staff, a.doctor_id, TOMORROW, now=NOW)) == ["09:00", "11:00", "11:30"]
        month = service.free_slots_between(s, a.staff, TOMORROW, TOMORROW, now=NOW)[a.doctor_id]
        assert starts(month) == ["09:00", "11:00", "11:30"]
        with pytest.raises(SchedulingError, match="too close to another of Dr Alpha's appointments: .* 15 min between"):
            service.book(s, a.staff, a.doctor_id, at(TOMORROW, 10, 30), a.patient_id, a.client_id, now=NOW)
        # The exact time of a booking is still reported as taken.
        with pytest.raises(SchedulingError, match=SLOT_TAKEN):
            service.book(s, a.staff, a.doctor_id, at(TOMORROW, 10), a.patient_id, a.client_id, now=NOW)
        # Staff cannot override a buffer.
        with pytest.raises(SchedulingError, match="too close"):
            service.book(s, a.staff, a.doctor_id, at(TOMORROW, 9, 30), a.patient_id, a.client_id, now=NOW, outside_limits=True)


def test_moving_an_appointment_next_to_itself_is_not_blocked_by_its_own_buffer(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        limit(s, a, buffer_minutes=15)
        appointment = service.book(s, a.staff, a.doctor_id, at(TOMORROW, 10), a.patient_id, a.client_id, now=NOW)
        moved = service.reschedule(s, a.staff, appointment.id, at(TOMORROW, 10, 30), now=NOW)
        assert moved.starts_at == at(TOMORROW, 10, 30)


def test_a_booking_the_evening_before_counts_within_the_buffer(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        wednesday = TODAY + timedelta(days=1)
        service.create_agenda(
            s, a.staff, a.doctor_id, clinic_id=a.clinic_id, start_date=TODAY, end_date=TODAY,
            start_time=time(23), end_time=time(23, 59), slot_minutes=30, weekdays=(1,),
        )  # fmt: skip
        service.book(s, a.staff, a.doctor_id, at(TODAY, 23), a.patient_id, a.client_id, now=NOW)
        agenda = s.exec(select(Agenda).where(Agenda.start_time == time(9))).one()
        agenda.buffer_minutes = 9 * 60 + 45  # a long night's rest, straight into the row
        s.add(agenda)
        s.flush()
        slots = service.day_slots(s, a.staff, a.doctor_id, wednesday, now=NOW)
        assert starts(slots) == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"][1:]
        month = service.free_slots_between(s, a.staff, wednesday, wednesday, now=NOW)[a.doctor_id]
        assert starts(month) == starts(slots)


def test_minimum_notice_and_horizon_hide_slots_and_explain_a_refusal(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        limit(s, a, min_notice_minutes=24 * 60, horizon_days=14)
        assert service.day_slots(s, a.staff, a.doctor_id, TODAY, now=NOW) == []
        # 08:00 on Tuesday + 24 h: Wednesday from 09:00 is fine.
        assert len(service.day_slots(s, a.staff, a.doctor_id, TOMORROW, now=NOW)) == 6
        horizon = service.free_slots_between(s, a.staff, TODAY, TODAY + timedelta(days=20), now=NOW)[a.doctor_id]
        assert max(slot.start for slot in horizon) < NOW.replace(tzinfo=None) + timedelta(days=14)
        assert min(slot.start for slot in horizon) == at(TOMORROW, 9)
        with pytest.raises(SchedulingError, match=r"booked 1 day ahead at least, so Tue 1 Dec 2026 at 10:00 is too soon"):
            service.book(s, a.staff, a.doctor_id, at(TODAY, 10), a.patient_id, a.client_id, now=NOW)
        far = TODAY + timedelta(days=15)
        with pytest.raises(SchedulingError, match="takes bookings up to 14 days ahead, so Wed 16 Dec 2026 is too far"):
            service.book(s, a.staff, a.doctor_id, at(far, 10), a.patient_id, a.client_id, now=NOW)


def test_staff_may_book_inside_the_notice_on_purpose_and_it_is_recorded(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        limit(s, a, min_notice_minutes=24 * 60, horizon_days=14)
        listed = service.day_slots(s, a.staff, a.doctor_id, TODAY, now=NOW, outside_limits=True)
        assert starts(listed)[0] == "09:00"
        soon = service.book(s, a.staff, a.doctor_id, at(TODAY, 10), a.patient_id, a.client_id, now=NOW, outside_limits=True)
        far = service.book(
            s, a.staff, a.doctor_id, at(TODAY + timedelta(days=15), 10), a.patient_id, a.client_id, now=NOW, outside_limits=True
        )
        usual = service.book(s, a.staff, a.doctor_id, at(TOMORROW, 10), a.patient_id, a.client_id, now=NOW, outside_limits=True)
        assert (soon.outside_limits, far.outside_limits, usual.outside_limits) == (True, True, False)
        reasons = s.exec(
            select(AppointmentStatusChange.reason).where(AppointmentStatusChange.appointment_id == soon.id)
        ).all()
        assert reasons == ["Booked inside the agenda's notice or beyond its horizon"]
        # Past slots stay past whatever the override.
        with pytest.raises(SchedulingError, match="already passed"):
            service.book(
                s, a.staff, a.doctor_id, at(TODAY, 9), a.patient_id, a.client_id,
                now=NOW + timedelta(hours=2), outside_limits=True,
            )  # fmt: skip


def test_a_patient_can_never_pass_the_override(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        limit(s, a, min_notice_minutes=24 * 60)
        make_user(s, "psychiatrist")  # a patient account needs a psychiatrist to be assigned to
        patient = as_current(make_user(s, "patient"))
        with pytest.raises(PermissionDenied, match="Only the clinic"):
            book_in_organisation(s, a.id, patient, a.doctor_id, at(TODAY, 10), a.patient_id, now=NOW, outside_limits=True)


@pytest.mark.postgres
def test_postgres_refuses_overlapping_appointments_even_past_the_service(pg_engine):
    """A bug that skipped the free-slot check could store 10:00-10:30 and 10:15-10:45 for one doctor
    (different starts, so the unique index alone would not see it): the exclusion constraint does."""
    with session_scope(pg_engine) as s:
        a = make_org(s, "Alpha")
        first = service.book(s, a.staff, a.doctor_id, at(TOMORROW, 10), a.patient_id, a.client_id, now=NOW)
        organisation_id, clinic_id = first.organisation_id, first.clinic_id

    def insert(start: datetime, minutes: int = 30, status: str = "scheduled") -> None:
        with session_scope(pg_engine) as s:
            s.add(
                Appointment(
                    organisation_id=organisation_id, doctor_id=a.doctor_id, clinic_id=clinic_id, patient_id=a.patient_id,
                    client_id=a.client_id, starts_at=start, ends_at=start + timedelta(minutes=minutes), status=status,
                )  # fmt: skip
            )

    with pytest.raises(IntegrityError, match="ex_appointments_doctor_overlap"):
        insert(at(TOMORROW, 10, 15))
    with pytest.raises(IntegrityError, match="ex_appointments_doctor_overlap"):
        insert(at(TOMORROW, 9, 45), minutes=120)
    # Touching is not overlapping, and a cancelled appointment holds no time.
    insert(at(TOMORROW, 10, 30))
    insert(at(TOMORROW, 10, 15), status="cancelled")


def test_sqlite_keeps_the_unique_index_guard(sqlite_engine):
    with session_scope(sqlite_engine) as s:
        a = make_org(s, "Alpha")
        first = service.book(s, a.staff, a.doctor_id, at(TOMORROW, 10), a.patient_id, a.client_id, now=NOW)
    with pytest.raises(IntegrityError):
        with session_scope(sqlite_engine) as s:
            s.add(
                Appointment(
                    organisation_id=first.organisation_id, doctor_id=a.doctor_id, clinic_id=first.clinic_id,
                    patient_id=a.patient_id, starts_at=first.starts_at, ends_at=first.ends_at,
                )  # fmt: skip
            )


def test_the_urgent_path_is_not_held_back_by_the_notice(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        limit(s, a, min_notice_minutes=3 * 24 * 60)
        offered = free_slots_in_organisation(s, a.id, TODAY, TODAY, a.doctor_id, NOW, honour_limits=False)
        assert starts(offered[a.doctor_id])[0] == "09:00"
        assert free_slots_in_organisation(s, a.id, TODAY, TODAY, a.doctor_id, NOW) == {a.doctor_id: []}


def test_an_agenda_date_in_the_past_is_unaffected(engine):
    """Notice counts from now, so slots well ahead are unaffected however long the notice."""
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        limit(s, a, min_notice_minutes=7 * 24 * 60)
        assert len(service.day_slots(s, a.staff, a.doctor_id, date(2026, 12, 9), now=NOW)) == 6
        assert service.day_slots(s, a.staff, a.doctor_id, date(2026, 12, 7), now=NOW) == []


def test_the_desks_today_is_each_clinics_own(engine):
    """At 23:30 in London it is already tomorrow in Auckland: each clinic's appointments of its own
    today are listed, and the heading says so rather than naming one date."""
    from miwell.scheduling.services.appointments import appointments_today

    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        auckland = service.create_clinic(s, a.admin, a.id, "Auckland Clinic", "1 Queen Street", "Pacific/Auckland")
        kiwi = service.create_doctor(s, a.staff, full_name="Dr Kiwi")
        service.create_agenda(
            s, a.staff, kiwi.id, clinic_id=auckland.id, start_date=TODAY, end_date=TODAY + timedelta(days=30),
            start_time=time(9), end_time=time(12), slot_minutes=30, weekdays=(0, 1, 2, 3, 4),
        )  # fmt: skip
        late = NOW.replace(hour=23, minute=30)  # Tuesday 23:30 in London, Wednesday 12:30 in Auckland
        london = service.book(s, a.staff, a.doctor_id, at(TODAY, 10), a.patient_id, None, now=NOW)
        kiwi_today = service.book(s, a.staff, kiwi.id, at(TOMORROW, 11), a.patient_id, None, now=NOW)
        service.book(s, a.staff, kiwi.id, at(TODAY, 9), a.patient_id, None, now=NOW - timedelta(days=1))
        rows, day = appointments_today(s, a.staff, now=late)
        assert [r.id for r in rows] == [london.id, kiwi_today.id] and day is None
        only_london = make_org(s, "Beta", admin=a.admin)
        _, day = appointments_today(s, only_london.staff, now=late)
        assert day == TODAY
