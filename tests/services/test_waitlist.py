"""The waiting list through the services, on SQLite and PostgreSQL: a freed slot is held for the
first match, accepted, declined or expired and passed on; holds block booking by hand until
released; patients see and answer only their own offers."""

from datetime import date, time, timedelta

import pytest
from sqlmodel import select

from miwell.accounts.services import PermissionDenied
from miwell.db import session_scope
from miwell.outreach.models import OutboxMessage
from miwell.scheduling import services as service
from miwell.scheduling.models import WaitlistEntry, WaitlistOffer
from miwell.scheduling.services import SchedulingError, waitlist
from miwell.scheduling.services.errors import NotFound
from tests.factories import as_current, make_user
from tests.services.scheduling_helpers import NOW, TODAY, accept_links, at, make_org

DAY = TODAY + timedelta(days=7)  # Tuesday 8 December 2026
MORNING = 1


def full_day(s, a, patient_id: int) -> list[int]:
    """Book the whole of DAY's agenda (09:00-12:00) so nothing is free, for ``patient_id``."""
    return [service.book(s, a.staff, a.doctor_id, at(DAY, 9) + timedelta(minutes=30 * i), patient_id, None, now=NOW).id for i in range(6)]


def world(s):
    a = make_org(s, "Alpha")
    make_user(s, "psychiatrist")
    pat = as_current(make_user(s, "patient", email="pat@example.org"))
    other = as_current(make_user(s, "patient", email="other@example.org"))
    first = service.create_patient(s, a.staff, full_name="First Waiting", account_email="pat@example.org", email="first@example.org")
    second = service.create_patient(s, a.staff, full_name="Second Waiting", email="second@example.org")
    accept_links(s, pat)
    return a, pat, other, first.id, second.id


def offers(s, entry_id):
    return s.exec(select(WaitlistOffer).where(WaitlistOffer.entry_id == entry_id).order_by(WaitlistOffer.id)).all()


def test_a_cancellation_offers_the_slot_to_the_first_waiting_patient_who_accepts_it(engine):
    with session_scope(engine) as s:
        a, pat, other, first, second = world(s)
        booked = full_day(s, a, a.patient_id)
        older = waitlist.add_entry(s, a.staff, first, doctor_id=a.doctor_id, first_day=DAY, last_day=DAY, now=NOW)
        newer = waitlist.add_entry(s, a.staff, second, doctor_id=a.doctor_id, first_day=DAY, last_day=DAY, now=NOW + timedelta(minutes=1))
        assert (older.status, newer.status) == ("waiting", "waiting")  # nothing free yet

        service.cancel(s, a.staff, booked[2], "Unwell", now=NOW)  # 10:00 frees up
        (offer,) = offers(s, older.id)
        assert (offer.starts_at, offer.status, s.get(WaitlistEntry, older.id).status) == (at(DAY, 10), "offered", "offered")
        assert offers(s, newer.id) == []
        # Held: not offered to anyone else, not bookable by hand, marked on no one's free list.
        assert at(DAY, 10) not in [x.start for x in service.day_slots(s, a.staff, a.doctor_id, DAY, now=NOW)]
        with pytest.raises(SchedulingError, match="held for a patient on the waiting list until 08:30. Release the hold"):
            service.book(s, a.staff, a.doctor_id, at(DAY, 10), a.patient_id, None, now=NOW)
        # The patient hears of it by email (the linked account's address) and sees it in the app.
        mail = s.exec(select(OutboxMessage).where(OutboxMessage.key == f"waitlist:{offer.id}")).one()
        assert mail.recipient == "pat@example.org" and "Tue 8 Dec at 10:00" in mail.subject
        assert [o.id for o in waitlist.patient_offers(s, pat, now=NOW)] == [offer.id]
        assert waitlist.patient_offers(s, other, now=NOW) == []

        appointment = waitlist.accept_offer(s, pat, offer.id, now=NOW + timedelta(minutes=5))
        assert (appointment.patient_id, appointment.starts_at, appointment.note) == (first, at(DAY, 10), "Booked from the waiting list")
        assert s.get(WaitlistEntry, older.id).status == "booked" and s.get(WaitlistOffer, offer.id).status == "accepted"
        with pytest.raises(SchedulingError, match="already been answered"):
            waitlist.accept_offer(s, pat, offer.id, now=NOW + timedelta(minutes=6))


def test_an_expired_offer_passes_on_and_a_declined_one_too(engine):
    with session_scope(engine) as s:
        a, pat, _, first, second = world(s)
        booked = full_day(s, a, a.patient_id)
        older = waitlist.add_entry(s, a.staff, first, doctor_id=a.doctor_id, first_day=DAY, last_day=DAY, now=NOW)
        newer = waitlist.add_entry(s, a.staff, second, doctor_id=a.doctor_id, first_day=DAY, last_day=DAY, now=NOW + timedelta(minutes=1))
        service.cancel(s, a.staff, booked[0], "Unwell", now=NOW)
        (held,) = offers(s, older.id)
        assert waitlist.expire_offers(s, now=NOW + timedelta(minutes=29)) == 0
        assert waitlist.expire_offers(s, now=NOW + timedelta(minutes=31)) == 1
        assert s.get(WaitlistOffer, held.id).status == "expired"
        (passed,) = offers(s, newer.id)
        assert passed.starts_at == at(DAY, 9) and s.get(WaitlistEntry, older.id).status == "waiting"
        with pytest.raises(SchedulingError, match="has ended"):
            waitlist.accept_offer(s, pat, held.id, now=NOW + timedelta(minutes=32))

        # The second declines: nobody is offered the same slot twice, so it stays free for the desk.
        waitlist.decline_offer(s, a.staff, passed.id, now=NOW + timedelta(minutes=33))
        assert s.get(WaitlistEntry, newer.id).status == "waiting"
        assert at(DAY, 9) in [x.start for x in service.day_slots(s, a.staff, a.doctor_id, DAY, now=NOW + timedelta(minutes=33))]
        # Another slot frees up: the first, oldest, gets it.
        service.cancel(s, a.staff, booked[5], "Unwell", now=NOW + timedelta(minutes=34))
        assert [o.starts_at for o in offers(s, older.id)] == [at(DAY, 9), at(DAY, 11, 30)]


def test_urgent_entries_come_first_and_times_of_day_are_kept(engine):
    with session_scope(engine) as s:
        a, _, _, first, second = world(s)
        booked = full_day(s, a, a.patient_id)
        afternoons = waitlist.add_entry(s, a.staff, first, doctor_id=a.doctor_id, first_day=DAY, last_day=DAY, times_of_day=2, now=NOW)
        urgent = waitlist.add_entry(
            s, a.staff, second, clinic_id=a.clinic_id, first_day=DAY, last_day=DAY, urgent=True, now=NOW + timedelta(minutes=5)
        )
        service.cancel(s, a.staff, booked[1], "Unwell", now=NOW)
        assert [o.starts_at for o in offers(s, urgent.id)] == [at(DAY, 9, 30)]
        assert offers(s, afternoons.id) == []  # a morning slot does not suit an afternoons-only entry
        rows = waitlist.list_entries(s, a.staff)
        assert [(r.patient, r.urgent, r.status) for r in rows] == [("Second Waiting", True, "offered"), ("First Waiting", False, "waiting")]
        assert rows[0].whom == "any doctor at Alpha Clinic" and rows[0].offer_text.startswith("Tue 8 Dec 2026, 09:30–10:00, held until")
        assert rows[1].times == "afternoons"


def test_staff_release_a_hold_to_book_by_hand(engine):
    with session_scope(engine) as s:
        a, _, _, first, _ = world(s)
        booked = full_day(s, a, a.patient_id)
        entry = waitlist.add_entry(s, a.staff, first, doctor_id=a.doctor_id, first_day=DAY, last_day=DAY, now=NOW)
        service.cancel(s, a.staff, booked[3], "Unwell", now=NOW)
        (offer,) = offers(s, entry.id)
        waitlist.release_hold(s, a.staff, offer.id, now=NOW)
        assert s.get(WaitlistOffer, offer.id).status == "released" and s.get(WaitlistEntry, entry.id).status == "waiting"
        service.book(s, a.staff, a.doctor_id, offer.starts_at, a.patient_id, None, now=NOW)


def test_a_new_agenda_brings_an_offer_and_a_patient_joins_online(engine):
    with session_scope(engine) as s:
        a, pat, other, first, _ = world(s)
        service.set_online_booking(s, a.admin, a.id, True)
        saturday = date(2026, 12, 12)
        entry = waitlist.join_waitlist(s, pat, a.doctor_id, saturday, saturday, now=NOW)
        assert entry.patient_id == first and entry.status == "waiting" and not entry.urgent
        with pytest.raises(SchedulingError, match="already on the waiting list"):
            waitlist.join_waitlist(s, pat, a.doctor_id, saturday, saturday, now=NOW)
        service.create_agenda(
            s, a.staff, a.doctor_id, clinic_id=a.clinic_id, start_date=saturday, end_date=saturday,
            start_time=time(10), end_time=time(11), slot_minutes=60, weekdays=(5,),
        )  # fmt: skip
        (offer,) = offers(s, entry.id)
        assert offer.starts_at == at(saturday, 10)
        # Nobody else may answer it.
        for intruder in (other,):
            with pytest.raises(NotFound):
                waitlist.accept_offer(s, intruder, offer.id, now=NOW)
            with pytest.raises(NotFound):
                waitlist.decline_offer(s, intruder, offer.id, now=NOW)
        b = make_org(s, "Beta", admin=a.admin)
        with pytest.raises(NotFound):
            waitlist.accept_offer(s, b.staff, offer.id, now=NOW)
        waitlist.withdraw(s, pat, entry.id, now=NOW)
        assert s.get(WaitlistOffer, offer.id).status == "declined"


def test_bad_entries_are_refused_and_other_organisations_are_out_of_reach(engine):
    with session_scope(engine) as s:
        a, pat, _, first, _ = world(s)
        b = make_org(s, "Beta", admin=a.admin)
        with pytest.raises(SchedulingError, match="Choose a doctor, or a clinic"):
            waitlist.add_entry(s, a.staff, first, first_day=DAY, last_day=DAY, now=NOW)
        with pytest.raises(SchedulingError, match="last day is before"):
            waitlist.add_entry(s, a.staff, first, doctor_id=a.doctor_id, first_day=DAY, last_day=TODAY, now=NOW)
        with pytest.raises(SchedulingError, match="at least one time of day"):
            waitlist.add_entry(s, a.staff, first, doctor_id=a.doctor_id, first_day=DAY, last_day=DAY, times_of_day=0, now=NOW)
        with pytest.raises(NotFound):
            waitlist.add_entry(s, b.staff, first, doctor_id=b.doctor_id, first_day=DAY, last_day=DAY, now=NOW)
        with pytest.raises(NotFound):
            waitlist.add_entry(s, a.staff, first, doctor_id=b.doctor_id, first_day=DAY, last_day=DAY, now=NOW)
        with pytest.raises(PermissionDenied):
            waitlist.add_entry(s, pat, first, doctor_id=a.doctor_id, first_day=DAY, last_day=DAY, now=NOW)
        with pytest.raises(PermissionDenied, match="Online booking is not open"):
            waitlist.join_waitlist(s, pat, a.doctor_id, DAY, DAY, now=NOW)
        entry = waitlist.add_entry(s, a.staff, first, doctor_id=a.doctor_id, first_day=DAY, last_day=DAY, now=NOW)
        assert waitlist.list_entries(s, b.staff) == []
        with pytest.raises(NotFound):
            waitlist.withdraw(s, b.staff, entry.id, now=NOW)
