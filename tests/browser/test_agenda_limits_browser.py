"""Agenda buffers, minimum notice and booking horizon in Chromium: set on the doctor's page, kept by
the calendar's free slots and the desk's booking list, and overridden by the desk on purpose.

The test makes its own doctor so that its limits touch no other test's slots.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from miwell.db import make_engine
from miwell.scheduling import services as service
from miwell.scheduling.models import Appointment
from tests.browser.helpers import calendar_range, log_in_as, open_calendar
from tests.browser.own_doctor import ZONE, days_ahead, desk_of, own_doctor, patient_ids, show_only, working_day_from

pytestmark = pytest.mark.browser

@pytest.fixture
def world(live_app):
    """A new doctor of the demo clinic with a weekday morning agenda, and one booking at 10:00 on a
    working day at least nine days ahead."""
    engine = make_engine(live_app.database_url)
    today = datetime.now(ZONE).date()
    later = days_ahead(9)
    with Session(engine) as s:
        desk = desk_of(s)
        grace = patient_ids(s, "Grace Liu")["Grace Liu"]
        doctor = own_doctor(s, desk, "Dr Limits", today, today + timedelta(days=60), time(9), time(12), 30)
        service.book(s, desk, doctor.id, datetime.combine(later, time(10)), grace, None)
        s.commit()
        world = dict(doctor_id=doctor.id, name=doctor.full_name, grace=grace, today=today, later=later)
    yield world
    engine.dispose()


def offered_starts(page: Page) -> list[str]:
    return [label.split("–")[0] for label in page.locator("#free-slots button").all_inner_texts()]


def test_limits_set_on_the_doctor_page_are_kept_by_the_desk_and_the_calendar(page: Page, live_app, world):
    doctor_id, today, later = world["doctor_id"], world["today"], world["later"]
    log_in_as(page, "staff")
    page.goto(f"/staff/doctors/{doctor_id}")
    expect(page.locator(".agenda-item")).to_have_count(1)
    page.locator(".agenda-item").get_by_role("button", name="Edit").click()
    form = page.locator("#agenda-form")
    expect(form.get_by_role("heading", name="Edit agenda")).to_be_visible()

    # A bad value is refused with a clear message and what was typed stays.
    form.get_by_label("Between sessions (min)").fill("2000")
    form.get_by_label("Notice (hours)").fill("192")
    form.get_by_role("button", name="Save agenda").click()
    expect(page.locator("#agenda-error")).to_contain_text("time between sessions (minutes) as a whole number from 0 to 1440")
    expect(form.get_by_label("Notice (hours)")).to_have_value("192")

    form.get_by_label("Between sessions (min)").fill("15")
    form.get_by_label("Up to (days ahead)").fill("30")
    form.get_by_role("button", name="Save agenda").click()
    expect(page.locator(".agenda-limits")).to_have_text(
        "15 min between sessions · booked 8 days ahead at least · up to 30 days ahead"
    )

    # The desk's list keeps buffers around the 10:00 booking...
    page.locator("#booking-day").fill(later.isoformat())
    expect(page.locator("#free-slots")).to_be_visible()
    assert offered_starts(page) == ["09:00", "11:00", "11:30"]
    # ...hides a day inside the eight days' notice and one past the horizon...
    soon = working_day_from(today + timedelta(days=2))
    page.locator("#booking-day").fill(soon.isoformat())
    expect(page.get_by_text("inside the agenda's notice or beyond its horizon")).to_be_visible()
    expect(page.locator("#free-slots")).to_have_count(0)
    far = working_day_from(today + timedelta(days=35))
    page.locator("#booking-day").fill(far.isoformat())
    expect(page.get_by_text("inside the agenda's notice or beyond its horizon")).to_be_visible()

    # ...and books inside the notice only when the desk says so; the appointment records it.
    page.locator("#booking-day").fill(soon.isoformat())
    expect(page.get_by_text("inside the agenda's notice or beyond its horizon")).to_be_visible()
    page.locator("#outside-limits").click()
    expect(page.locator("#free-slots")).to_be_visible()
    page.locator("#free-slots").get_by_role("button", name="10:00–10:30").click()
    page.locator("#patient_id").select_option(str(world["grace"]))
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_text("Booked:")).to_be_visible()
    engine = make_engine(live_app.database_url)
    try:
        with Session(engine) as s:
            booked = s.exec(
                select(Appointment).where(Appointment.doctor_id == doctor_id, Appointment.starts_at == datetime.combine(soon, time(10)))
            ).one()
            assert booked.outside_limits is True
    finally:
        engine.dispose()

    # The calendar offers the same: nothing inside the buffer, nothing inside the notice.
    open_calendar(page, later.isoformat())
    show_only(page, world["name"])
    _, first, last = calendar_range(page)
    assert first <= later.isoformat() <= last
    free = page.locator(f'#clinic-calendar [data-event-id^="free-{doctor_id}-"]')
    expect(free.first).to_be_attached()
    ids = set(free.evaluate_all("els => els.map(e => e.dataset.eventId)"))
    on_later = {i.rsplit("T", 1)[1] for i in ids if i.split("-")[2].startswith(later.strftime("%Y%m%d"))}
    assert on_later == {"0900", "1100", "1130"}
    notice_ends = datetime.now(ZONE).replace(tzinfo=None) + timedelta(hours=192)
    assert all(datetime.strptime(i.split("-")[2], "%Y%m%dT%H%M") >= notice_ends for i in ids)
