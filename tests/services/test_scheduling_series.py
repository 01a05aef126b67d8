"""Recurring series through the services, on SQLite and PostgreSQL: preview, all-or-none booking,
the series marker, cancelling this and the following, and refusals for other organisations."""

from datetime import date, datetime, timedelta

import pytest
from sqlmodel import select

from miwell.accounts.services import PermissionDenied
from miwell.db import session_scope
from miwell.scheduling import services as service
from miwell.scheduling.models import Agenda, Appointment, AppointmentStatusChange
from miwell.scheduling.services import SchedulingError, series
from tests.services.scheduling_helpers import NOW, TODAY, at, count_statements, make_org

FIRST = at(TODAY + timedelta(days=7), 10)  # Tuesday 8 December 2026, 10:00
WEEK = timedelta(weeks=1)


def test_a_weekly_series_of_ten_with_two_conflicts_is_previewed_and_booked(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        other = service.create_patient(s, a.staff, full_name="Someone Else").id
        for week in (2, 5):
            service.book(s, a.staff, a.doctor_id, FIRST + week * WEEK, other, None, now=NOW)
        with count_statements(engine) as statements:
            plan = series.preview_series(s, a.staff, a.doctor_id, FIRST, 1, count=10, now=NOW)
        assert len(statements) <= 4  # the doctor, then agendas and bookings of the whole range once
        assert [item.fits for item in plan] == [True, True, False, True, True, False, True, True, True, True]
        # 09:30 and 10:30 the same day are as near: the earlier is offered.
        assert plan[2].alternative == FIRST + 2 * WEEK - timedelta(minutes=30)
        assert plan[2].alternative_label == "Tue 22 Dec 2026, 09:30–10:00"
        assert plan[0].label == "Tue 8 Dec 2026, 10:00–10:30"

        chosen = [item.start if item.fits else item.alternative for item in plan]
        booked = series.book_series(s, a.staff, a.doctor_id, a.patient_id, chosen, 1, now=NOW, note="Weekly therapy")
        assert len(booked) == 10 and len({b.series_id for b in booked}) == 1
        history = s.exec(
            select(AppointmentStatusChange.reason).where(AppointmentStatusChange.appointment_id == booked[2].id)
        ).one()
        assert history == "Booked in a weekly series (3 of 10)"
        place = series.series_place(s, a.staff, booked[3].id)
        assert (place.position, place.total, place.following, place.text) == (4, 10, 6, "Weekly series: 4 of 10")
        assert series.series_place(s, a.staff, service.book(s, a.staff, a.doctor_id, FIRST + timedelta(hours=1), other, None, now=NOW).id) is None


def test_only_the_chosen_dates_are_booked_and_a_taken_one_books_nothing(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        plan = series.preview_series(s, a.staff, a.doctor_id, FIRST, 2, until=date(2027, 1, 31), now=NOW)
        assert [item.start for item in plan] == [FIRST + 2 * w * WEEK for w in range(4)]
        chosen = [plan[0].start, plan[3].start]
        # Another desk takes one of them between the preview and the booking.
        service.book(s, a.staff, a.doctor_id, plan[3].start, a.patient_id, None, now=NOW)
        with pytest.raises(SchedulingError, match="Tue 19 Jan 2027 at 10:00 is no longer free for Dr Alpha, so nothing was booked"):
            series.book_series(s, a.staff, a.doctor_id, a.patient_id, chosen, 2, now=NOW)
        assert s.exec(select(Appointment).where(Appointment.series_id.is_not(None))).all() == []
        booked = series.book_series(s, a.staff, a.doctor_id, a.patient_id, chosen[:1], 2, now=NOW)
        assert [b.starts_at for b in booked] == chosen[:1]


def test_dates_too_close_to_each_other_are_refused(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        agenda = s.exec(select(Agenda).where(Agenda.doctor_id == a.doctor_id)).one()
        agenda.buffer_minutes = 10
        s.add(agenda)
        s.flush()
        with pytest.raises(SchedulingError, match="Tue 8 Dec 2026 at 10:00 and Tue 8 Dec 2026 at 10:30 are too close"):
            series.book_series(s, a.staff, a.doctor_id, a.patient_id, [FIRST, FIRST + timedelta(minutes=30)], 1, now=NOW)
        # Without a buffer, back to back is fine.
        agenda.buffer_minutes = 0
        s.add(agenda)
        s.flush()
        assert len(series.book_series(s, a.staff, a.doctor_id, a.patient_id, [FIRST, FIRST + timedelta(minutes=30)], 1, now=NOW)) == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(every_weeks=3, count=4), "every week, every 2 weeks or every 4 weeks"),
        (dict(every_weeks=1), "Say how the series ends"),
        (dict(every_weeks=1, count=60), "from 2 to 52"),
    ],
)
def test_unusable_series_are_refused(engine, kwargs, message):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        with pytest.raises(SchedulingError, match=message):
            series.preview_series(s, a.staff, a.doctor_id, FIRST, now=NOW, **kwargs)


def test_cancel_this_and_the_following_leaves_earlier_and_finished_ones(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        booked = series.book_series(s, a.staff, a.doctor_id, a.patient_id, [FIRST + w * WEEK for w in range(5)], 1, now=NOW)
        service.change_status(s, a.staff, booked[3].id, "confirmed", now=NOW)
        service.cancel(s, a.staff, booked[4].id, "Holiday", now=NOW)
        assert series.cancel_following(s, a.staff, booked[2].id, "Therapy ended early", now=NOW) == 2
        statuses = [s.get(Appointment, b.id).status for b in booked]
        assert statuses == ["scheduled", "scheduled", "cancelled", "cancelled", "cancelled"]
        reasons = s.exec(
            select(AppointmentStatusChange.reason)
            .where(AppointmentStatusChange.appointment_id == booked[3].id, AppointmentStatusChange.to_status == "cancelled")
        ).all()
        assert reasons == ["Therapy ended early (this and the following of the series)"]
        with pytest.raises(SchedulingError, match="reason"):
            series.cancel_following(s, a.staff, booked[0].id, "  ", now=NOW)
        single = service.book(s, a.staff, a.doctor_id, FIRST + timedelta(hours=1), a.patient_id, None, now=NOW)
        with pytest.raises(SchedulingError, match="not part of a series"):
            series.cancel_following(s, a.staff, single.id, "x", now=NOW)


def test_another_organisation_sees_and_touches_nothing(engine):
    with session_scope(engine) as s:
        a, b = make_org(s, "Alpha"), make_org(s, "Beta")
        booked = series.book_series(s, a.staff, a.doctor_id, a.patient_id, [FIRST, FIRST + WEEK], 1, now=NOW)
        with pytest.raises(service.NotFound):
            series.preview_series(s, b.staff, a.doctor_id, FIRST, 1, count=3, now=NOW)
        with pytest.raises(service.NotFound):
            series.book_series(s, b.staff, a.doctor_id, a.patient_id, [FIRST + 2 * WEEK], 1, now=NOW)
        with pytest.raises(service.NotFound):
            series.book_series(s, b.staff, b.doctor_id, a.patient_id, [FIRST + 2 * WEEK], 1, now=NOW)
        with pytest.raises(service.NotFound):
            series.cancel_following(s, b.staff, booked[0].id, "nope", now=NOW)
        with pytest.raises(service.NotFound):
            series.series_place(s, b.staff, booked[0].id)
        with pytest.raises(PermissionDenied):
            series.preview_series(s, a.admin, a.doctor_id, FIRST, 1, count=3, now=NOW)


def test_move_this_and_the_following_by_the_same_amount_all_or_none(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        other = service.create_patient(s, a.staff, full_name="Someone Else").id
        booked = series.book_series(s, a.staff, a.doctor_id, a.patient_id, [FIRST + w * WEEK for w in range(4)], 1, now=NOW)
        # An hour later from the second date on.
        assert series.move_following(s, a.staff, booked[1].id, FIRST + WEEK + timedelta(hours=1), now=NOW) == 3
        starts = [s.get(Appointment, b.id).starts_at for b in booked]
        assert starts == [FIRST, FIRST + WEEK + timedelta(hours=1), FIRST + 2 * WEEK + timedelta(hours=1), FIRST + 3 * WEEK + timedelta(hours=1)]
        history = s.exec(select(AppointmentStatusChange.reason).where(AppointmentStatusChange.appointment_id == booked[3].id)).all()
        assert history[-1] == "Moved with the series from Tue 29 Dec 2026, 10:00–10:30 to Tue 29 Dec 2026, 11:00–11:30"
        # A week later (onto the series' own old times): allowed, they are given up together.
        assert series.move_following(s, a.staff, booked[2].id, FIRST + 3 * WEEK + timedelta(hours=1), now=NOW) == 2
        # A taken date refuses the whole move.
        service.book(s, a.staff, a.doctor_id, FIRST + timedelta(minutes=30), other, None, now=NOW)
        with pytest.raises(SchedulingError, match="Nothing was moved: Tue 8 Dec 2026 at 10:30 is not free"):
            series.move_following(s, a.staff, booked[0].id, FIRST + timedelta(minutes=30), now=NOW)
        assert s.get(Appointment, booked[0].id).starts_at == FIRST
        b = make_org(s, "Beta", admin=a.admin)
        with pytest.raises(service.NotFound):
            series.move_following(s, b.staff, booked[0].id, FIRST + timedelta(hours=1), now=NOW)
