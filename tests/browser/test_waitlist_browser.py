"""The waiting list in Chromium: a cancellation at the desk offers the freed time to the first
waiting patient, whose open Today page shows it at once; they take it and see the appointment.
An offer left unanswered passes to the next patient, as the desk's waiting list shows.

The test makes its own doctor, fully booked, so that its slots touch no other test's.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import update
from sqlmodel import Session, select

from miwell.db import make_engine, session_scope
from miwell.scheduling import services as service
from miwell.scheduling.models import Appointment, WaitlistEntry, WaitlistOffer
from miwell.scheduling.services import waitlist
from miwell.timeutil import utcnow
from tests.browser.helpers import at, log_in, log_in_as
from tests.browser.own_doctor import days_ahead, desk_of, own_doctor, patient_ids, show_only
from tests.browser.test_calendar_browser import event, open_week_of, wait_for

pytestmark = pytest.mark.browser


@pytest.fixture
def world(live_app):
    engine = make_engine(live_app.database_url)
    day = days_ahead(3)
    with Session(engine) as s:
        desk = desk_of(s)
        ids = patient_ids(s, "Pat Patient", "Grace Liu", "Noah Bennett", "Jamie Rivers")
        doctor = own_doctor(s, desk, "Dr Waitlist", day, day, time(14), time(16), 60, (day.weekday(),))
        booked = [service.book(s, desk, doctor.id, datetime.combine(day, time(h)), ids["Noah Bennett"], None).id for h in (14, 15)]
        pat = waitlist.add_entry(s, desk, ids["Pat Patient"], doctor_id=doctor.id, first_day=day, last_day=day)
        grace = waitlist.add_entry(s, desk, ids["Grace Liu"], doctor_id=doctor.id, first_day=day, last_day=day)
        jamie = waitlist.add_entry(s, desk, ids["Jamie Rivers"], doctor_id=doctor.id, first_day=day, last_day=day)
        s.commit()
        world = dict(
            engine=engine, doctor_id=doctor.id, name=doctor.full_name, day=day, booked=booked, pat=pat.id, grace=grace.id, jamie=jamie.id
        )
    yield world
    engine.dispose()


def test_a_cancellation_is_offered_to_the_first_waiting_patient_who_takes_it_and_an_unanswered_offer_passes_on(new_page, world):
    engine, doctor_id, day = world["engine"], world["doctor_id"], world["day"]
    patient = new_page(390, 844)
    log_in(patient, "patient@miwell.example")
    expect(patient).to_have_url(at("/patient"))
    offer = patient.locator(".waitlist-offer", has_text=world["name"])
    expect(offer).to_have_count(0)

    # The desk cancels the 14:00 booking from the calendar.
    desk = new_page()
    log_in_as(desk, "staff")
    open_week_of(desk, day)
    show_only(desk, world["name"])
    event(desk, f"appointment-{world['booked'][0]}").click()
    details = desk.locator("#details-dialog")
    details.get_by_role("button", name="Cancel appointment…").click()
    details.get_by_label("Reason for the cancellation").fill("Patient moved away")
    details.get_by_role("button", name="Cancel appointment", exact=True).click()
    expect(details).to_be_hidden()
    # The freed time is held: shown as such on the calendar, not as free.
    expect(desk.locator('#clinic-calendar [data-event-id^="held-"]')).to_have_count(1, timeout=10000)

    # Pat, first on the list, sees the offer on the open Today page without reloading, and takes it.
    expect(offer).to_be_visible(timeout=10000)
    expect(offer).to_contain_text("14:00")
    patient.screenshot(path="artifacts/browser/waitlist-offer-360.png", full_page=True)
    offer.locator(".take-offer").click()
    expect(patient.get_by_text("Booked. It is in your appointments now.")).to_be_visible()
    expect(patient.locator("#upcoming-appointments")).to_contain_text("14:00–15:00")
    start = datetime.combine(day, time(14))
    with Session(engine) as s:
        taken = s.exec(select(Appointment).where(Appointment.doctor_id == doctor_id, Appointment.starts_at == start, Appointment.status != "cancelled")).one()
        assert taken.note == "Booked from the waiting list"
        assert s.get(WaitlistEntry, world["pat"]).status == "booked"

    # The 15:00 booking is cancelled too: Grace, next, is offered it but does not answer in time.
    event(desk, f"appointment-{world['booked'][1]}").click()
    details.get_by_role("button", name="Cancel appointment…").click()
    details.get_by_label("Reason for the cancellation").fill("Unwell")
    details.get_by_role("button", name="Cancel appointment", exact=True).click()
    grace_offer = wait_for(lambda: _live_offer(engine, world["grace"]), what="Grace's offer")
    assert grace_offer.starts_at == datetime.combine(day, time(15))
    with session_scope(engine) as s:
        s.exec(update(WaitlistOffer).where(WaitlistOffer.id == grace_offer.id).values(expires_at=utcnow() - timedelta(minutes=1)))
    with session_scope(engine) as s:
        assert waitlist.expire_offers(s) >= 1  # what the job queue runs every minute
    # It passed on to Jamie, next in line; Grace waits on (never offered that time again).
    desk.goto("/staff/waitlist")
    grace = desk.locator(f'.waitlist-entry[data-entry-id="{world["grace"]}"]')
    jamie = desk.locator(f'.waitlist-entry[data-entry-id="{world["jamie"]}"]')
    expect(grace).to_contain_text("waiting")
    expect(jamie).to_contain_text("offered")
    expect(jamie).to_contain_text("15:00–16:00, held until")
    with Session(engine) as s:
        assert s.get(WaitlistOffer, grace_offer.id).status == "expired"
    # The desk books it for Jamie on the phone.
    jamie.get_by_role("button", name="Book it for them").click()
    expect(desk.get_by_text("Booked for the patient.")).to_be_visible()
    expect(desk.locator(f'.waitlist-entry[data-entry-id="{world["jamie"]}"]')).to_have_count(0)
    desk.screenshot(path="artifacts/browser/waitlist-desk-1280.png", full_page=True)


def _live_offer(engine, entry_id: int):
    with Session(engine) as s:
        return s.exec(select(WaitlistOffer).where(WaitlistOffer.entry_id == entry_id, WaitlistOffer.status == "offered")).first()
