"""A patient books and cancels their own appointment in Chromium, and the receptionist's open
calendar shows both without reloading.

The demo organisation has opened online booking; the test makes its own doctor so that its slots
touch no other test's.
"""

from __future__ import annotations

from datetime import datetime, time

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from miwell.db import make_engine
from miwell.scheduling import services as service
from miwell.scheduling.core.formatting import day_text
from miwell.scheduling.models import Appointment
from tests.browser.helpers import at, log_in, log_in_as
from tests.browser.own_doctor import days_ahead, desk_of, own_doctor, patient_ids, show_only
from tests.browser.test_calendar_browser import event, free_id, open_week_of, wait_for

pytestmark = pytest.mark.browser


@pytest.fixture
def world(live_app):
    engine = make_engine(live_app.database_url)
    day = days_ahead(2)
    with Session(engine) as s:
        desk = desk_of(s)
        doctor = own_doctor(s, desk, "Dr Online", day, day, time(14), time(17), 60, (day.weekday(),), buffer_minutes=15)
        pat, noah = patient_ids(s, "Pat Patient", "Noah Bennett").values()
        # Booked by the desk at 16:00: with 15 minutes between sessions, 15:00-16:00 is not free either.
        service.book(s, desk, doctor.id, datetime.combine(day, time(16)), noah, None)
        s.commit()
        world = dict(engine=engine, doctor_id=doctor.id, name=doctor.full_name, day=day, pat=pat)
    yield world
    engine.dispose()


def test_a_patient_books_and_cancels_and_the_desk_sees_it_live(new_page, world):
    engine, doctor_id, day = world["engine"], world["doctor_id"], world["day"]
    start = datetime.combine(day, time(14))
    desk = new_page()
    log_in_as(desk, "staff")
    open_week_of(desk, day)
    show_only(desk, world["name"])
    expect(event(desk, free_id(doctor_id, start))).to_be_visible()
    desk.evaluate("window.__stayed = true")

    patient: Page = new_page(390, 844)
    log_in(patient, "patient@miwell.example")
    expect(patient).to_have_url(at("/patient"))
    patient.locator("#book-appointment").click()
    expect(patient).to_have_url(at("/patient/book"))
    patient.locator("#book-doctor").select_option(str(doctor_id))
    # The week shown starts today, and the doctor's one day is at most four days ahead.
    expect(patient.locator("#book-times")).to_contain_text(day_text(day))
    # Free times only (a time, a clinic in the title, nobody's name), the agenda's buffer kept.
    expect(patient.locator(".patient-slot")).to_have_count(1)
    expect(patient.locator("#book-times")).not_to_contain_text("Noah")
    patient.locator(".patient-slot", has_text="14:00").click()
    expect(patient.locator("#book-chosen")).to_contain_text("at 14:00")
    patient.screenshot(path="artifacts/browser/self-booking-360.png", full_page=True)
    patient.locator("#confirm-booking").click()
    expect(patient).to_have_url(at("/patient"))
    expect(patient.get_by_text("Booked:")).to_be_visible()

    [booked] = wait_for(lambda: _active(engine, doctor_id, start), what="the patient's booking")
    assert booked.patient_id == world["pat"] and booked.note == "Booked online by the patient"
    # The receptionist's calendar shows it without a reload.
    expect(event(desk, f"appointment-{booked.id}")).to_be_visible(timeout=10000)
    expect(event(desk, free_id(doctor_id, start))).to_have_count(0)

    card = patient.locator(f'.patient-appointment[data-appointment-id="{booked.id}"]')
    expect(card).to_contain_text(world["name"])
    card.locator(".cancel-appointment").click()
    patient.locator("#cancel-reason").fill("I have to work that afternoon")
    patient.get_by_role("button", name="Cancel appointment", exact=True).click()
    expect(patient.get_by_text("Appointment cancelled. The clinic has been told.")).to_be_visible()
    expect(card).to_contain_text("cancelled")
    wait_for(lambda: not _active(engine, doctor_id, start), what="the cancellation")
    expect(event(desk, free_id(doctor_id, start))).to_be_visible(timeout=10000)
    assert desk.evaluate("window.__stayed === true")


def _active(engine, doctor_id: int, start: datetime) -> list[Appointment]:
    with Session(engine) as s:
        return list(
            s.exec(
                select(Appointment).where(
                    Appointment.doctor_id == doctor_id, Appointment.starts_at == start, Appointment.status != "cancelled"
                )
            ).all()
        )
