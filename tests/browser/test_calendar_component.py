"""The FullCalendar component in Chromium, through the staff calendar preview page.

It checks the wrapper itself: the three views render, navigation and view changes ask the
backend for the new range, and clicks on days, time slots, bookings and free slots reach the
backend with plain, wall-clock values. Screenshots of each view go to artifacts/browser/.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import at, log_in_as

pytestmark = pytest.mark.browser

PREVIEW = "/staff/calendar-preview"
RANGE_TEXT = re.compile(r"^(dayGridMonth|timeGridWeek|timeGridDay): (\d{4}-\d\d-\d\d) to (\d{4}-\d\d-\d\d)$")


def open_preview(page: Page) -> None:
    log_in_as(page, "staff")
    page.goto(PREVIEW)
    expect(page.locator("#calendar-range")).to_have_text(re.compile(r"^timeGridWeek: "))


def shown_range(page: Page) -> tuple[str, date, date]:
    match = RANGE_TEXT.match(page.locator("#calendar-range").inner_text())
    assert match, page.locator("#calendar-range").inner_text()
    return match[1], date.fromisoformat(match[2]), date.fromisoformat(match[3])


def switch_view(page: Page, name: str, view: str) -> None:
    page.get_by_role("tab", name=f"{name} view").click()
    expect(page.locator("#calendar-range")).to_have_text(re.compile(rf"^{view}: "))


def last_click(page: Page):
    return page.locator("#calendar-last-click")


def shoot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"calendar-{name}.png"), full_page=True)


def test_week_view_offers_free_slots_and_clicks_reach_the_backend(page: Page) -> None:
    open_preview(page)
    view, first, last = shown_range(page)
    assert (view, first.weekday(), (last - first).days) == ("timeGridWeek", 0, 6)
    free = page.locator('#clinic-calendar [data-kind="free"]')
    booked = page.locator('#clinic-calendar [data-kind="appointment"]')
    expect(free.first).to_be_visible()
    expect(booked.first).to_be_visible()
    shoot(page, "week")

    slot = free.first
    slot_id = slot.get_attribute("data-event-id")
    doctor, stamp = re.fullmatch(r"free-(\d+)-(\d{8}T\d{4})", slot_id).groups()
    slot.click()
    start = f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[9:11]}:{stamp[11:13]}:00"
    expect(last_click(page)).to_have_text(re.compile(rf"^free {slot_id} · {start} to \S+ · doctor {doctor}$"))

    appointment_id = booked.first.get_attribute("data-event-id")
    booked.first.click()
    expect(last_click(page)).to_have_text(re.compile(rf"^appointment {appointment_id} · \S+ to \S+ · doctor \d+$"))

    # An empty evening slot on the week's Saturday: a time-slot click, with the day and the time.
    saturday = (first + timedelta(days=5)).isoformat()
    row = page.locator('#clinic-calendar [data-time="19:00:00"]').first
    column = page.locator(f'#clinic-calendar [data-date="{saturday}"]').last
    row_box, column_box = row.bounding_box(), column.bounding_box()
    page.mouse.click(column_box["x"] + column_box["width"] / 2, row_box["y"] + row_box["height"] / 2)
    expect(last_click(page)).to_have_text(f"date {saturday}T19:00:00 · time slot · timeGridWeek")


def test_navigation_and_view_changes_ask_for_the_visible_range(page: Page) -> None:
    open_preview(page)
    _, first, _ = shown_range(page)
    page.get_by_role("button", name="Next Week").click()
    expect(page.locator("#calendar-range")).to_have_text(
        f"timeGridWeek: {first + timedelta(days=7)} to {first + timedelta(days=13)}"
    )
    page.get_by_role("button", name="Previous Week").click()
    page.get_by_role("button", name="Previous Week").click()
    expect(page.locator("#calendar-range")).to_have_text(f"timeGridWeek: {first - timedelta(days=7)} to {first - timedelta(days=1)}")
    page.get_by_role("button", name="This Week").click()
    expect(page.locator("#calendar-range")).to_have_text(f"timeGridWeek: {first} to {first + timedelta(days=6)}")

    switch_view(page, "Month", "dayGridMonth")
    _, month_first, month_last = shown_range(page)
    assert month_first.weekday() == 0 and (month_last - month_first).days + 1 in (35, 42)
    # Free slots belong to the time grid only; bookings show in the month too.
    expect(page.locator('#clinic-calendar [data-kind="appointment"]').first).to_be_visible()
    expect(page.locator('#clinic-calendar [data-kind="free"]')).to_have_count(0)
    shoot(page, "month")

    # A Sunday has no sample bookings, so the click lands on the day itself.
    sunday = (month_first + timedelta(days=13)).isoformat()
    page.locator(f'#clinic-calendar [data-date="{sunday}"]').last.click(position={"x": 20, "y": 40})
    expect(last_click(page)).to_have_text(f"date {sunday} · all day · dayGridMonth")

    switch_view(page, "Day", "timeGridDay")
    _, day_first, day_last = shown_range(page)
    assert day_first == day_last
    shoot(page, "day")


def test_show_cancelled_updates_the_events_in_place(page: Page) -> None:
    open_preview(page)
    switch_view(page, "Month", "dayGridMonth")
    cancelled = page.locator("#clinic-calendar .mw-status-cancelled")
    expect(page.locator('#clinic-calendar [data-kind="appointment"]').first).to_be_visible()
    expect(cancelled).to_have_count(0)
    page.get_by_role("switch").click()
    expect(cancelled.first).to_be_attached()
    assert cancelled.first.get_attribute("data-event-id").startswith("appointment-")
    page.get_by_role("switch").click()
    expect(cancelled).to_have_count(0)


def test_clock_format_follows_the_prop(page: Page) -> None:
    open_preview(page)
    labels = page.locator("#clinic-calendar [data-time='09:00:00']").first
    expect(labels).to_contain_text("09:00")
    page.get_by_role("radio", name="12-hour").click()
    expect(labels).to_contain_text(re.compile(r"9:00\s?AM", re.I))
    page.get_by_role("radio", name="24-hour").click()
    expect(labels).to_contain_text("09:00")


def test_events_are_reachable_from_the_keyboard(page: Page) -> None:
    open_preview(page)
    slot = page.locator('#clinic-calendar [data-kind="free"]').first
    slot_id = slot.get_attribute("data-event-id")
    slot.focus()
    page.keyboard.press("Enter")
    expect(last_click(page)).to_have_text(re.compile(rf"^free {slot_id} · "))


def test_times_are_the_clinics_wall_clock_whatever_the_browsers_zone(browser, live_app) -> None:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=live_app.url, timezone_id="Pacific/Auckland"
    )
    context.set_default_timeout(20000)
    try:
        page = context.new_page()
        open_preview(page)
        switch_view(page, "Day", "timeGridDay")
        booked = page.locator('#clinic-calendar [data-kind="appointment"]')
        for _ in range(3):  # weekends have no sample bookings
            if booked.count():
                break
            page.get_by_role("button", name="Next Day").click()
            page.wait_for_timeout(500)
        # The day view prints each booking's times; the backend must get the same digits back.
        hours = re.search(r"(\d\d:\d\d) – (\d\d:\d\d)", booked.first.inner_text())
        assert hours, booked.first.inner_text()
        booked.first.click()
        expect(last_click(page)).to_have_text(re.compile(rf"T{hours[1]}:00 to \S+T{hours[2]}:00 · doctor"))
        expect(page.locator("#calendar-range")).to_have_text(re.compile(r"^timeGridDay: "))
        _, day, _ = shown_range(page)
        assert last_click(page).inner_text().split(" · ")[1].startswith(day.isoformat())
    finally:
        context.close()


def test_preview_is_for_staff_only(page: Page) -> None:
    log_in_as(page, "patient")
    page.goto(PREVIEW)
    expect(page).to_have_url(at("/patient"))
