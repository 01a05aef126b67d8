"""The calendar's reads, moving appointments, the calendar version, reports and the patient's own
appointments, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, text
from sqlmodel import select

from miwell.accounts.services import PermissionDenied
from miwell.db import session_scope
from miwell.scheduling import services as service
from miwell.scheduling.services import appointments
from miwell.scheduling.services import calendar as calendar_service
from miwell.scheduling.services.calendar import Filters
from miwell.scheduling.core.calendar_view import visible_range
from miwell.scheduling.models import Appointment, AppointmentStatusChange
from miwell.scheduling.core.reports import appointments_ics, count_by_doctor, count_by_status
from miwell.scheduling.services import SLOT_TAKEN, NotFound, SchedulingError
from tests.factories import as_current, make_user
from tests.services.scheduling_helpers import NOW, TODAY, accept_links, agenda_for, at, count_statements, make_org

TOMORROW = TODAY + timedelta(days=1)  # Wednesday 2 December 2026
WEEK = visible_range("2026-11-30T00:00:00", "2026-12-07T00:00:00", "timeGridWeek")  # Mon 30 Nov - Sun 6 Dec
MONTH = visible_range("2026-11-30", "2027-01-11", "dayGridMonth")


def free_ids(load) -> set[str]:
    return {e["id"] for e in load.events if e["extendedProps"]["kind"] == "free"}


def booking_ids(load) -> set[int]:
    return {e["extendedProps"]["appointmentId"] for e in load.events if e["extendedProps"]["kind"] == "appointment"}


def version(s, org) -> int:
    return service.calendar_version(s, org.staff)


# --- loading a visible range ---------------------------------------------------------------------------


def test_the_week_shows_its_bookings_and_the_free_slots_of_that_week_only(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        b = make_org(s, "Beta", admin=a.admin)
        inside = service.book(s, a.staff, a.doctor_id, at(TOMORROW, 9), a.patient_id, None, now=NOW)
        outside = service.book(s, a.staff, a.doctor_id, at(date(2026, 12, 8), 9), a.patient_id, None, now=NOW)
        service.book(s, b.staff, b.doctor_id, at(TOMORROW, 10), b.patient_id, None, now=NOW)

        load = calendar_service.calendar_events(s, a.staff, WEEK, now=NOW)
        assert booking_ids(load) == {inside.id} and outside.id not in booking_ids(load)
        event = next(e for e in load.events if e["extendedProps"]["kind"] == "appointment")
        assert event["title"] == "Patient of Alpha · scheduled" and event["color"] == "#2563eb"
        # Tue 1 to Fri 4 December, 09:00-12:00 in 30-minute slots, less the one booked.
        assert load.free_slots == 4 * 6 - 1 == len(free_ids(load))
        assert f"free-{a.doctor_id}-20261202T0900" not in free_ids(load)
        assert f"free-{a.doctor_id}-20261202T0930" in free_ids(load)
        assert all("2026-11-30" <= e["start"] < "2026-12-07" for e in load.events)
        # Another organisation's doctor named in the filter shows nothing of theirs.
        foreign = calendar_service.calendar_events(s, a.staff, WEEK, Filters(doctor_ids=(b.doctor_id,)), now=NOW)
        assert foreign.events == []

        month = calendar_service.calendar_events(s, a.staff, MONTH, now=NOW)
        assert booking_ids(month) == {inside.id, outside.id} and free_ids(month) == set()


def test_filters_narrow_the_calendar(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        other = service.create_doctor(s, a.staff, full_name="Dr Other")
        agenda_for(s, a.staff, other.id, a.clinic_id, start=time(14), end=time(15))
        jamie = service.create_patient(s, a.staff, full_name="Jamie Rivers")
        mine = service.book(s, a.staff, a.doctor_id, at(TOMORROW, 9), a.patient_id, None, now=NOW)
        theirs = service.book(s, a.staff, other.id, at(TOMORROW, 14), jamie.id, None, now=NOW)
        gone = service.book(s, a.staff, other.id, at(TOMORROW, 14, 30), jamie.id, None, now=NOW)
        service.cancel(s, a.staff, gone.id, "Unwell", now=NOW)

        def shown(**filters):
            return calendar_service.calendar_events(s, a.staff, WEEK, Filters(**{"include_cancelled": False, **filters}), now=NOW)

        assert booking_ids(shown()) == {mine.id, theirs.id}
        assert booking_ids(shown(include_cancelled=True)) == {mine.id, theirs.id, gone.id}
        assert booking_ids(shown(doctor_ids=(other.id,))) == {theirs.id}
        assert booking_ids(shown(patient="  rivers ")) == {theirs.id}
        assert booking_ids(shown(clinic_id=a.clinic_id + 999)) == set()
        only_other = shown(doctor_ids=(other.id,))
        assert {e["extendedProps"]["doctorId"] for e in only_other.events} == {other.id}
        # The cancelled 14:30 slot is offered again; 14:00 is not.
        assert f"free-{other.id}-20261202T1430" in free_ids(only_other)
        assert f"free-{other.id}-20261202T1400" not in free_ids(only_other)


def test_too_many_doctors_or_bookings_degrade_with_a_message(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        for n in range(calendar_service.MAX_FREE_SLOT_DOCTORS):
            doctor = service.create_doctor(s, a.staff, full_name=f"Dr {n}")
            agenda_for(s, a.staff, doctor.id, a.clinic_id)
        for hour in (9, 10, 11):
            service.book(s, a.staff, a.doctor_id, at(TOMORROW, hour), a.patient_id, None, now=NOW)
        crowded = calendar_service.calendar_events(s, a.staff, WEEK, now=NOW)
        assert crowded.free_slots == 0 and "Choose up to 8 doctors" in crowded.free_note
        assert len(booking_ids(crowded)) == 3
        chosen = calendar_service.calendar_events(s, a.staff, WEEK, Filters(doctor_ids=(a.doctor_id,)), now=NOW)
        assert chosen.free_slots > 0 and chosen.free_note == ""

        summarised = calendar_service.calendar_events(s, a.staff, MONTH, now=NOW, max_events=2)
        assert summarised.summarised and summarised.appointments == 3
        assert [(e["title"], e["start"]) for e in summarised.events] == [("Dr Alpha · 3", "2026-12-02")]


@pytest.mark.parametrize("bookings", [1, 6])
def test_loading_a_view_takes_the_same_queries_whatever_it_holds(engine, bookings):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        for n in range(bookings):
            doctor = service.create_doctor(s, a.staff, full_name=f"Dr {n}")
            agenda_for(s, a.staff, doctor.id, a.clinic_id)
            patient = service.create_patient(s, a.staff, full_name=f"Patient {n}")
            service.book(s, a.staff, doctor.id, at(TOMORROW, 9), patient.id, None, now=NOW)
    # How many; the bookings; in the time grid also the doctors, their agendas, their booked (and
    # held) times, and the slots held for the waiting list to draw.
    for shown, expected in ((WEEK, 6), (MONTH, 2)):
        with session_scope(engine) as s, count_statements(engine) as statements:
            load = calendar_service.calendar_events(s, a.staff, shown, now=NOW)
        assert load.appointments == bookings
        assert len([q for q in statements if q.lstrip().upper().startswith("SELECT")]) == expected, statements


def test_a_crafted_range_is_refused():
    for start, end, view in (
        ("2026-11-30", "2027-06-30", "dayGridMonth"),
        ("2026-12-07", "2026-11-30", "timeGridWeek"),
        ("2026-11-30", "2026-12-07", "listYear"),
        ("DROP TABLE", "2026-12-07", "timeGridWeek"),
    ):
        with pytest.raises(ValueError):
            visible_range(start, end, view)


# --- the version every open calendar polls ------------------------------------------------------------------


def test_every_change_a_calendar_shows_bumps_the_version_and_a_refusal_does_not(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        b = make_org(s, "Beta", admin=a.admin)
        start, quiet = version(s, a), version(s, b)
    steps = [
        lambda s: service.book(s, a.staff, a.doctor_id, at(TOMORROW, 9), a.patient_id, None, now=NOW),
        lambda s: service.reschedule(s, a.staff, _only(s), at(TOMORROW, 10), now=NOW),
        lambda s: service.change_status(s, a.staff, _only(s), "confirmed", now=NOW),
        lambda s: service.cancel(s, a.staff, _only(s), "Unwell", now=NOW),
        lambda s: agenda_for(s, a.staff, a.doctor_id, a.clinic_id, start=time(14), end=time(15)),
        lambda s: service.update_doctor(s, a.staff, a.doctor_id, full_name="Dr Alpha Renamed"),
    ]
    seen = [start]
    for step in steps:
        with session_scope(engine) as s:
            step(s)
        with session_scope(engine) as s:
            seen.append(version(s, a))
            assert version(s, b) == quiet  # another organisation's calendars stay quiet
    assert seen == sorted(set(seen)), seen
    with pytest.raises(SchedulingError):
        with session_scope(engine) as s:
            service.book(s, a.staff, a.doctor_id, at(TOMORROW, 9, 10), a.patient_id, None, now=NOW)
    with session_scope(engine) as s:
        assert version(s, a) == seen[-1]
        with pytest.raises(PermissionDenied):
            service.calendar_version(s, as_current(make_user(s, "psychiatrist")))


def _only(s) -> int:
    return s.exec(select(Appointment.id)).one()


# --- moving an appointment ------------------------------------------------------------------------------


def test_reschedule_moves_the_same_row_and_records_it(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        booked = service.book(s, a.staff, a.doctor_id, at(TOMORROW, 9), a.patient_id, a.client_id, now=NOW, note="First visit")
        moved = service.reschedule(s, a.staff, booked.id, at(TOMORROW, 11, 30), now=NOW)
        assert (moved.id, moved.starts_at, moved.ends_at, moved.status, moved.note) == (
            booked.id, at(TOMORROW, 11, 30), at(TOMORROW, 12), "scheduled", "First visit",
        )  # fmt: skip
        history = service.status_history(s, a.staff, booked.id)
        assert (history[-1].from_status, history[-1].to_status) == ("scheduled", "scheduled")
        assert history[-1].reason == "Moved from Wed 2 Dec 2026, 09:00–09:30 to Wed 2 Dec 2026, 11:30–12:00"
        slots = [x.start for x in service.day_slots(s, a.staff, a.doctor_id, TOMORROW, now=NOW)]
        assert at(TOMORROW, 9) in slots and at(TOMORROW, 11, 30) not in slots
        assert s.exec(select(func.count()).select_from(Appointment)).one() == 1


def test_reschedule_to_another_doctor_of_the_organisation_keeps_the_row_and_says_so(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        b = make_org(s, "Beta", admin=a.admin)
        other = service.create_doctor(s, a.staff, full_name="Dr Second", speciality="Psychiatry")
        agenda_for(s, a.staff, other.id, a.clinic_id, start=time(14, 0), end=time(16, 0))
        booked = service.book(s, a.staff, a.doctor_id, at(TOMORROW, 9), a.patient_id, None, now=NOW)
        moved = service.reschedule(s, a.staff, booked.id, at(TOMORROW, 14), now=NOW, doctor_id=other.id)
        assert (moved.id, moved.doctor_id, moved.starts_at) == (booked.id, other.id, at(TOMORROW, 14))
        assert service.status_history(s, a.staff, booked.id)[-1].reason.endswith("from Dr Alpha to Dr Second")
        assert at(TOMORROW, 9) in [x.start for x in service.day_slots(s, a.staff, a.doctor_id, TOMORROW, now=NOW)]
        with pytest.raises(NotFound):  # another organisation's doctor is not there at all
            service.reschedule(s, a.staff, booked.id, at(TOMORROW, 9), now=NOW, doctor_id=b.doctor_id)
        with pytest.raises(SchedulingError, match="not a slot"):  # the same time is no slot of the other doctor
            service.reschedule(s, a.staff, booked.id, at(TOMORROW, 14), now=NOW, doctor_id=a.doctor_id)
        assert s.get(Appointment, booked.id).doctor_id == other.id


def test_reschedule_refusals_leave_the_appointment_where_it_was(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        b = make_org(s, "Beta", admin=a.admin)
        mine = service.book(s, a.staff, a.doctor_id, at(TOMORROW, 9), a.patient_id, None, now=NOW)
        service.book(s, a.staff, a.doctor_id, at(TOMORROW, 10), a.patient_id, None, now=NOW)
        today = service.book(s, a.staff, a.doctor_id, at(TODAY, 9), a.patient_id, None, now=NOW)
        service.change_status(s, a.staff, today.id, "checked_in", now=NOW)
        mine_id, today_id = mine.id, today.id
    for attempt, message in (
        (lambda s: service.reschedule(s, a.staff, mine_id, at(TOMORROW, 10), now=NOW), "just booked by someone else"),
        (lambda s: service.reschedule(s, a.staff, mine_id, at(TOMORROW, 9, 10), now=NOW), "not a slot"),
        (lambda s: service.reschedule(s, a.staff, mine_id, at(TOMORROW, 9), now=NOW), "already at that time"),
        (lambda s: service.reschedule(s, a.staff, today_id, at(TOMORROW, 11), now=NOW), "checked in appointment cannot be moved"),
        (lambda s: service.reschedule(s, b.staff, mine_id, at(TOMORROW, 11), now=NOW), "does not exist"),
    ):
        with pytest.raises(SchedulingError, match=message):
            with session_scope(engine) as s:
                attempt(s)
    with session_scope(engine) as s:
        assert s.get(Appointment, mine_id).starts_at == at(TOMORROW, 9)
        assert len(service.status_history(s, a.staff, mine_id)) == 1


def test_when_the_index_refuses_the_move_the_appointment_stays(engine, monkeypatch):
    """The free-slot check passed (another desk's booking is not visible yet), then the slot is
    taken: the partial unique index refuses the UPDATE and nothing about the appointment changes."""
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        mine = service.book(s, a.staff, a.doctor_id, at(TOMORROW, 9), a.patient_id, None, now=NOW)
        service.book(s, a.staff, a.doctor_id, at(TOMORROW, 10), a.patient_id, None, now=NOW)
        before = version(s, a)
        mine_id = mine.id
    stale = [service.OfferedSlot(at(TOMORROW, 10), at(TOMORROW, 10, 30), 0, a.clinic_id, "Alpha Clinic")]
    monkeypatch.setattr(appointments, "_offer", lambda *args, **kwargs: stale)
    with pytest.raises(SchedulingError, match=SLOT_TAKEN):
        with session_scope(engine) as s:
            try:
                service.reschedule(s, a.staff, mine_id, at(TOMORROW, 10), now=NOW)
            finally:
                # Inside the same transaction, after the refusal, it already reads as before.
                assert s.get(Appointment, mine_id).starts_at == at(TOMORROW, 9)
    monkeypatch.undo()
    with session_scope(engine) as s:
        row = s.get(Appointment, mine_id)
        assert (row.starts_at, row.status) == (at(TOMORROW, 9), "scheduled")
        assert len(service.status_history(s, a.staff, mine_id)) == 1
        assert version(s, a) == before


@pytest.mark.postgres
def test_reschedule_racing_bookings_for_one_slot_on_postgres(pg_engine):
    """A desk moves an appointment into a slot while others book it: one of them gets it, and the
    moved appointment is always there, either at its new time or untouched at its old one."""
    desks = 6
    with session_scope(pg_engine) as s:
        a = make_org(s, "Alpha")
        patients = [service.create_patient(s, a.staff, full_name=f"Patient {n}").id for n in range(desks)]
    for round_, target in enumerate((at(TOMORROW, 10), at(TOMORROW, 10, 30), at(TOMORROW, 11))):
        with session_scope(pg_engine) as s:
            moving = service.book(s, a.staff, a.doctor_id, at(TOMORROW + timedelta(days=1), 9 + round_), a.patient_id, None, now=NOW)
            origin = moving.starts_at
        barrier = threading.Barrier(desks + 1)
        outcomes: list[tuple[str, str]] = []
        lock = threading.Lock()

        def record(who: str, outcome: str) -> None:
            with lock:
                outcomes.append((who, outcome))

        def move() -> None:
            barrier.wait()
            try:
                with session_scope(pg_engine) as s:
                    service.reschedule(s, a.staff, moving.id, target, now=NOW)
                record("move", "done")
            except SchedulingError as exc:
                record("move", str(exc))

        def book(patient_id: int) -> None:
            barrier.wait()
            try:
                with session_scope(pg_engine) as s:
                    service.book(s, a.staff, a.doctor_id, target, patient_id, None, now=NOW)
                record("book", "done")
            except SchedulingError as exc:
                record("book", str(exc))

        threads = [threading.Thread(target=move)] + [threading.Thread(target=book, args=(p,)) for p in patients]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert len(outcomes) == desks + 1
        assert [o for _, o in outcomes].count("done") == 1, outcomes
        assert {o for _, o in outcomes if o != "done"} == {SLOT_TAKEN}
        with session_scope(pg_engine) as s:
            holders = s.exec(
                select(Appointment.id).where(Appointment.starts_at == target, Appointment.status != "cancelled")
            ).all()
            assert len(holders) == 1
            row = s.get(Appointment, moving.id)
            moved = dict(outcomes)["move"] == "done"
            assert row.status == "scheduled" and row.starts_at == (target if moved else origin)
            assert (holders[0] == moving.id) == moved


# --- reports ---------------------------------------------------------------------------------------------


def _report_world(s):
    a = make_org(s, "Alpha")
    b = make_org(s, "Beta", admin=a.admin)
    other = service.create_doctor(s, a.staff, full_name="Dr Zed")
    agenda_for(s, a.staff, other.id, a.clinic_id, start=time(13), end=time(17), minutes=60)
    jamie = service.create_patient(s, a.staff, full_name="Jamie Rivers")
    made = []
    for day in (TODAY, TOMORROW, TOMORROW + timedelta(days=1)):
        for hour in (9, 10, 11):
            made.append(service.book(s, a.staff, a.doctor_id, at(day, hour), a.patient_id, None, now=NOW))
        made.append(service.book(s, a.staff, other.id, at(day, 14), jamie.id, a.client_id, now=NOW))
    service.change_status(s, a.staff, made[0].id, "checked_in", now=NOW)
    service.change_status(s, a.staff, made[1].id, "no_show", now=NOW)
    service.change_status(s, a.staff, made[4].id, "confirmed", now=NOW)
    service.cancel(s, a.staff, made[5].id, "Unwell", now=NOW)
    service.book(s, b.staff, b.doctor_id, at(TOMORROW, 9), b.patient_id, None, now=NOW)
    return a, other, jamie


def test_report_counts_equal_the_database(engine):
    with session_scope(engine) as s:
        a, other, jamie = _report_world(s)
    first, end = TODAY, TODAY + timedelta(days=7)
    with session_scope(engine) as s, count_statements(engine) as statements:
        records = calendar_service.report_records(s, a.staff, first, end)
    assert len([q for q in statements if q.lstrip().upper().startswith("SELECT")]) == 1  # no N+1
    with engine.connect() as conn:
        by_status = dict(
            conn.execute(
                text(
                    "SELECT status, count(*) FROM appointments WHERE organisation_id = :o "
                    "AND starts_at >= :a AND starts_at < :b GROUP BY status"
                ),
                dict(o=a.id, a=datetime.combine(first, time.min), b=datetime.combine(end, time.min)),
            ).all()
        )
        by_doctor = dict(
            conn.execute(
                text("SELECT doctor_id, count(*) FROM appointments WHERE organisation_id = :o GROUP BY doctor_id"), dict(o=a.id)
            ).all()
        )
    assert {k: v for k, v in count_by_status(records).items() if v} == by_status
    assert sum(by_status.values()) == len(records) == 12
    assert {d.doctor_id: d.count for d in count_by_doctor(records)} == by_doctor

    with session_scope(engine) as s:
        def ids(**filters):
            return Counter(r.status for r in calendar_service.report_records(s, a.staff, first, end, Filters(**filters)))

        assert ids(statuses=("cancelled",)) == {"cancelled": 1}
        assert sum(ids(doctor_ids=(other.id,)).values()) == 3
        assert sum(ids(patient="jamie").values()) == 3
        assert sum(ids(clinic_id=a.clinic_id).values()) == 12
        assert sum(ids(statuses=("scheduled", "confirmed")).values()) == 12 - 4 + 1
        day = calendar_service.report_records(s, a.staff, TOMORROW, TOMORROW + timedelta(days=1))
        assert {r.start.date() for r in day} == {TOMORROW} and len(day) == 4
        with pytest.raises(SchedulingError, match="at most 366 days"):
            calendar_service.report_records(s, a.staff, first, first + timedelta(days=400))
        with pytest.raises(SchedulingError, match="before the first day"):
            calendar_service.report_records(s, a.staff, end, first)
        with pytest.raises(SchedulingError, match="statuses from the list"):
            calendar_service.report_records(s, a.staff, first, end, Filters(statuses=("teleported",)))


def test_a_doctors_ics_holds_their_appointments_and_only_theirs(engine):
    with session_scope(engine) as s:
        a, other, _ = _report_world(s)
        b = make_org(s, "Gamma", admin=a.admin)
        name, records = calendar_service.doctor_records(s, a.staff, other.id, TODAY, TODAY + timedelta(days=7))
        assert name == "Dr Zed" and len(records) == 3
        events = Calendar.from_ical(appointments_ics(records)).walk("VEVENT")
        assert sorted(str(e["UID"]) for e in events) == sorted(f"appointment-{r.id}@miwell.app" for r in records)
        with pytest.raises(NotFound):
            calendar_service.doctor_records(s, b.staff, other.id, TODAY, TODAY + timedelta(days=7))


# --- the patient's own appointments ------------------------------------------------------------------------


def test_a_patient_sees_and_downloads_only_their_own_appointments(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        b = make_org(s, "Beta", admin=a.admin)
        make_user(s, "psychiatrist")  # patients register only once someone can look after them
        pat = as_current(make_user(s, "patient", email="pat@example.org"))
        other = as_current(make_user(s, "patient", email="other@example.org"))
        loner = as_current(make_user(s, "patient", email="loner@example.org"))
        service.update_patient(s, a.staff, a.patient_id, full_name="Pat at Alpha", account_email="pat@example.org")
        service.update_patient(s, b.staff, b.patient_id, full_name="Pat at Beta", account_email="pat@example.org")
        someone = service.create_patient(s, a.staff, full_name="Someone Else", account_email="other@example.org")
        accept_links(s, pat)
        accept_links(s, other)
        past = service.book(s, a.staff, a.doctor_id, at(TODAY, 9), a.patient_id, None, now=NOW)
        soon = service.book(s, a.staff, a.doctor_id, at(TOMORROW, 9), a.patient_id, None, now=NOW, note="Desk only")
        elsewhere = service.book(s, b.staff, b.doctor_id, at(TOMORROW, 11), b.patient_id, None, now=NOW)
        called_off = service.book(s, a.staff, a.doctor_id, at(TOMORROW, 10), a.patient_id, None, now=NOW)
        service.cancel(s, a.staff, called_off.id, "Doctor unwell", now=NOW)
        not_mine = service.book(s, a.staff, a.doctor_id, at(TOMORROW, 11), someone.id, None, now=NOW)

        later = NOW + timedelta(hours=3)  # 11:00 in London: the 09:00 one is over
        upcoming = calendar_service.patient_upcoming(s, pat, now=later)
        assert [r.id for r in upcoming] == [soon.id, called_off.id, elsewhere.id]
        assert past.id not in [r.id for r in calendar_service.patient_upcoming(s, pat, now=later)]
        assert [r.clinic_name for r in upcoming] == ["Alpha Clinic", "Alpha Clinic", "Beta Clinic"]
        assert calendar_service.patient_has_clinic(s, pat) and not calendar_service.patient_has_clinic(s, loner)
        assert calendar_service.patient_upcoming(s, loner, now=later) == []

        mine = calendar_service.patient_appointment(s, pat, soon.id)
        ics = appointments_ics([mine], audience="patient").decode()
        assert "Appointment with Dr Alpha" in ics and "Desk only" not in ics and "Pat at Alpha" not in ics
        for intruder, appointment_id in ((pat, not_mine.id), (other, soon.id), (loner, soon.id), (pat, 10**9)):
            with pytest.raises(NotFound):
                calendar_service.patient_appointment(s, intruder, appointment_id)
        with pytest.raises(PermissionDenied):
            calendar_service.patient_appointment(s, a.staff, soon.id)
        with pytest.raises(PermissionDenied):
            calendar_service.patient_upcoming(s, a.staff)


# --- booking details --------------------------------------------------------------------------------------


def test_booking_keeps_a_tidy_note_and_details_show_it(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        b = make_org(s, "Beta", admin=a.admin)
        booked = service.book(
            s, a.staff, a.doctor_id, at(TOMORROW, 9), a.patient_id, None, now=NOW, note="  First   visit\n bring the letter "
        )
        details = calendar_service.appointment_details(s, a.staff, booked.id, now=NOW)
        assert details.note == "First visit\nbring the letter"
        assert details.client == service.SELF_CLIENT_LABEL and details.can_move
        assert details.actions == ("confirmed", "cancelled")  # arrivals wait for the day
        assert [h.reason for h in details.history] == ["Booked"]
        with pytest.raises(NotFound):
            calendar_service.appointment_details(s, b.staff, booked.id, now=NOW)
        with pytest.raises(SchedulingError, match="at most 500"):
            service.book(s, a.staff, a.doctor_id, at(TOMORROW, 10), a.patient_id, None, now=NOW, note="x" * 501)
        assert s.exec(select(func.count()).select_from(AppointmentStatusChange)).one() == 1


def test_the_demo_has_two_desks_in_one_organisation(engine):
    from miwell import demo
    from miwell.accounts.models import User

    with session_scope(engine) as s:
        assert demo.load(s)
        desks = s.exec(select(User.email, User.organisation_id).where(User.role == "staff").order_by(User.email)).all()
    assert [e for e, _ in desks] == ["reception2@miwell.example", "staff@miwell.example"]
    assert desks[0][1] == desks[1][1] is not None
