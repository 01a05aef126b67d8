"""No-shows and late cancellations through the services: the report's cancellation times and the
patient list's count of the last 12 months, on SQLite and PostgreSQL, in a fixed number of queries."""

from datetime import datetime, timedelta, timezone

from sqlmodel import select

from miwell.db import session_scope
from miwell.scheduling import services as service
from miwell.scheduling.core.attendance import attendance_by
from miwell.scheduling.models import AppointmentStatusChange
from miwell.scheduling.services import calendar as calendar_service
from miwell.scheduling.services.calendar import Filters
from tests.services.scheduling_helpers import NOW, TODAY, at, count_statements, make_org

DAY = TODAY + timedelta(days=7)  # Tuesday 8 December 2026


def _cancelled_at(s, appointment_id: int, moment: datetime) -> None:
    """Pretend the cancellation was recorded at ``moment`` (the service stamps the real time)."""
    change = s.exec(
        select(AppointmentStatusChange).where(
            AppointmentStatusChange.appointment_id == appointment_id, AppointmentStatusChange.to_status == "cancelled"
        )
    ).one()
    change.changed_at = moment
    s.add(change)
    s.flush()


def test_report_counts_no_shows_and_late_cancellations(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        other = service.create_patient(s, a.staff, full_name="Another Patient").id
        booked = {
            hour: service.book(s, a.staff, a.doctor_id, at(DAY, hour), a.patient_id if hour < 11 else other, None, now=NOW).id
            for hour in (9, 10, 11)
        }
        after_day = NOW + timedelta(days=8)
        service.change_status(s, a.staff, booked[9], "no_show", now=after_day)
        service.cancel(s, a.staff, booked[10], "Unwell", now=NOW)
        service.cancel(s, a.staff, booked[11], "Moved away", now=NOW)
        # 10:00 cancelled two hours before (London is UTC in December): late. 11:00 cancelled days before.
        _cancelled_at(s, booked[10], datetime(2026, 12, 8, 8, 0, tzinfo=timezone.utc))
        _cancelled_at(s, booked[11], datetime(2026, 12, 2, 8, 0, tzinfo=timezone.utc))

        with count_statements(engine) as statements:
            cancelled = calendar_service.report_cancellations(s, a.staff, DAY, DAY + timedelta(days=1))
        assert len(statements) == 1
        assert cancelled == {booked[10]: datetime(2026, 12, 8, 8, 0), booked[11]: datetime(2026, 12, 2, 8, 0)}
        records = calendar_service.report_records(s, a.staff, DAY, DAY + timedelta(days=1))
        theirs, mine = attendance_by(records, cancelled, "patient")  # in name order
        assert (mine.label, mine.appointments, mine.no_shows, mine.late_cancellations) == ("Patient of Alpha", 2, 1, 1)
        assert (theirs.label, theirs.late_cancellations) == ("Another Patient", 0)
        # The report's filters narrow the cancellations the same way.
        assert calendar_service.report_cancellations(
            s, a.staff, DAY, DAY + timedelta(days=1), Filters(patient="another")
        ) == {booked[11]: datetime(2026, 12, 2, 8, 0)}


def test_report_cancellations_are_the_organisations_own(engine):
    with session_scope(engine) as s:
        a, b = make_org(s, "Alpha"), make_org(s, "Beta")
        appointment = service.book(s, a.staff, a.doctor_id, at(DAY, 9), a.patient_id, None, now=NOW)
        service.cancel(s, a.staff, appointment.id, "Unwell", now=NOW)
        assert calendar_service.report_cancellations(s, b.staff, DAY, DAY + timedelta(days=1)) == {}
        assert list(calendar_service.report_cancellations(s, a.staff, DAY, DAY + timedelta(days=1))) == [appointment.id]


def test_the_patient_list_shows_no_shows_of_the_last_twelve_months_in_one_query(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        for _ in range(20):
            service.create_patient(s, a.staff, full_name="Quiet Patient")
        for hour in (9, 10):
            appointment = service.book(s, a.staff, a.doctor_id, at(DAY, hour), a.patient_id, None, now=NOW)
            service.change_status(s, a.staff, appointment.id, "no_show", now=NOW + timedelta(days=8))
        with count_statements(engine) as statements:
            rows = service.list_patients(s, a.staff, now=NOW + timedelta(days=30))
        assert len(statements) == 1
        assert {r.full_name: r.no_shows for r in rows}["Patient of Alpha"] == 2
        assert {r.no_shows for r in rows if r.full_name == "Quiet Patient"} == {0}
        # A year and more later they have aged out.
        later = service.list_patients(s, a.staff, now=NOW + timedelta(days=380))
        assert {r.full_name: r.no_shows for r in later}["Patient of Alpha"] == 0
