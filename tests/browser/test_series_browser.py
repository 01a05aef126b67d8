"""Recurring series in Chromium: a weekly series of ten with two dates taken is previewed and booked
from the calendar's booking dialog, marked on the calendar, and cancelled from one date on.

The test makes its own doctor so that its bookings touch no other test's slots.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from miwell.db import make_engine
from miwell.scheduling import services as service
from miwell.scheduling.core.formatting import clock as hhmm
from miwell.scheduling.core.formatting import day_text
from miwell.scheduling.models import Appointment
from tests.browser.helpers import log_in_as
from tests.browser.own_doctor import days_ahead, desk_of, own_doctor, patient_ids, show_only
from tests.browser.test_calendar_browser import book_button, event, fill_booking, free_id, open_week_of, shoot, wait_for

pytestmark = pytest.mark.browser
WEEK = timedelta(weeks=1)


@pytest.fixture
def world(live_app):
    engine = make_engine(live_app.database_url)
    first = datetime.combine(days_ahead(3), time(10))
    with Session(engine) as s:
        desk = desk_of(s)
        grace, noah = patient_ids(s, "Grace Liu", "Noah Bennett").values()
        doctor = own_doctor(
            s, desk, "Dr Series", first.date() - timedelta(days=3), first.date() + timedelta(weeks=12), time(9), time(12), 30
        )
        for week in (2, 5):  # the third and sixth dates are taken by someone else
            service.book(s, desk, doctor.id, first + week * WEEK, noah, None)
        s.commit()
        world = dict(engine=engine, doctor_id=doctor.id, name=doctor.full_name, first=first, grace=grace)
    yield world
    engine.dispose()


def series_rows(engine, doctor_id: int, patient_id: int) -> list[Appointment]:
    with Session(engine) as s:
        return list(
            s.exec(
                select(Appointment)
                .where(Appointment.doctor_id == doctor_id, Appointment.patient_id == patient_id)
                .order_by(Appointment.starts_at)
            ).all()
        )


def test_a_weekly_series_of_ten_with_two_conflicts_is_previewed_booked_and_cancelled_from_one_date(page: Page, world):
    engine, doctor_id, first = world["engine"], world["doctor_id"], world["first"]
    log_in_as(page, "staff")
    open_week_of(page, first.date())
    show_only(page, world["name"])
    event(page, free_id(doctor_id, first)).click()
    fill_booking(page, world["grace"], note="Weekly therapy")
    dialog = page.locator("#booking-dialog")
    dialog.locator("#repeat").select_option("1")
    expect(book_button(page)).to_be_disabled()
    expect(book_button(page)).to_have_text("Check the dates first")
    dialog.locator("#repeat_count").fill("10")
    dialog.locator("#check-series").click()
    expect(dialog.locator("#series-summary")).to_have_text(
        "8 of 10 dates fit. Tick a suggested time to book it instead, or leave the date out."
    )
    rows = dialog.locator(".series-row")
    expect(rows).to_have_count(10)
    expect(dialog.locator(".series-conflict")).to_have_count(2)
    expect(dialog.locator(".series-conflict").first).to_contain_text("nearest free:")
    shoot(page, "series-preview")
    # The third date's suggested time is booked instead; the sixth is left out.
    tick = dialog.locator(".series-conflict").first.locator("input")
    tick.click()
    expect(tick).to_be_checked()
    book_button(page).click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_text("Booked 9 appointments for Grace Liu")).to_be_visible()

    booked = wait_for(lambda: series_rows(engine, doctor_id, world["grace"]), what="the series")
    assert len(booked) == 9 and len({b.series_id for b in booked}) == 1 and booked[0].series_id is not None
    starts = [b.starts_at for b in booked]
    assert first + 2 * WEEK not in starts and first + 5 * WEEK not in starts
    assert abs(starts[2] - (first + 2 * WEEK)) <= timedelta(days=3)  # the suggested time
    assert {start.time() for i, start in enumerate(starts) if i != 2} == {first.time()}
    assert {start.weekday() for i, start in enumerate(starts) if i != 2} == {first.weekday()}

    # The calendar marks the series.
    mark = event(page, f"appointment-{booked[0].id}")
    expect(mark).to_contain_text("↻")

    # The last two dates move an hour later together.
    open_week_of(page, booked[7].starts_at.date())
    show_only(page, world["name"])
    event(page, f"appointment-{booked[7].id}").click()
    details = page.locator("#details-dialog")
    following = details.locator("#move-following")
    following.click()
    expect(following).to_be_checked()
    target = booked[7].starts_at + timedelta(hours=1)
    details.locator("#move-slots").get_by_role(
        "button", name=f"Move to {day_text(target.date())}, {hhmm(target)}–{hhmm(target + timedelta(minutes=30))}"
    ).click()
    expect(page.get_by_text("2 dates of the series moved")).to_be_visible()
    moved = series_rows(engine, doctor_id, world["grace"])
    assert [b.starts_at for b in moved[7:]] == [b.starts_at + timedelta(hours=1) for b in booked[7:]]
    details.get_by_role("button", name="Close").click()

    # Cancelling the fourth date "and the following" leaves the first three.
    open_week_of(page, booked[3].starts_at.date())
    show_only(page, world["name"])
    event(page, f"appointment-{booked[3].id}").click()
    expect(details.locator("#details-series")).to_have_text("↻ Weekly series: 4 of 9")
    details.get_by_role("button", name="Cancel appointment…").click()
    details.locator("#reason").fill("Therapy ends early")
    details.locator("#cancel-following").check()
    details.get_by_role("button", name="Cancel appointment", exact=True).click()
    expect(page.get_by_text("6 appointments of the series cancelled")).to_be_visible()
    statuses = [b.status for b in series_rows(engine, doctor_id, world["grace"])]
    assert statuses == ["scheduled"] * 3 + ["cancelled"] * 6
