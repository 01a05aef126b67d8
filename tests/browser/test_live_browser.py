"""Live by push across backend workers: an alert raised through one worker reaches a page held by
another, and a booking made at one desk appears on another desk's calendar held by another worker.

The app of the browser tests runs two workers sharing the users' state through Redis. Reflex
records in Redis which worker holds each tab's websocket; a tab is reloaded until the two users'
tabs sit on different workers.
"""

from __future__ import annotations

import pickle
import re
from datetime import date, timedelta

import pytest
import redis
from playwright.sync_api import expect

from tests.conftest import unavailable
from tests.browser.conftest import _redis_for_app, wait_connected
from tests.browser.helpers import log_in, log_in_as, open_calendar, sql

pytestmark = pytest.mark.browser


def _worker_of(page, client: redis.Redis) -> str:
    token = page.evaluate("window.sessionStorage.getItem('token')")
    for _ in range(50):
        raw = client.get(f"token_manager_socket_record_{token}")
        if raw:
            return pickle.loads(raw).instance_id  # Reflex's own SocketRecord, as Reflex stores it
        page.wait_for_timeout(100)
    raise AssertionError("the tab's socket record never reached Redis")


def _apart(first, second, client: redis.Redis) -> None:
    """Reload ``second`` until its websocket is held by another worker than ``first``'s."""
    held = _worker_of(first, client)
    for _ in range(30):
        if _worker_of(second, client) != held:
            return
        second.reload()
        wait_connected(second)
    pytest.fail("the two tabs never landed on different workers")


@pytest.fixture
def workers(live_app):
    url = _redis_for_app()
    if url is None:
        unavailable("Redis for the app's state (the live tests need two workers)", "the browser app runs without it")
    client = redis.Redis.from_url(url)
    yield client
    client.close()


def test_an_alert_raised_on_one_worker_reaches_the_psychiatrist_on_another(new_page, workers):
    doctor = new_page()
    log_in_as(doctor, "psychiatrist")
    patient = new_page()
    log_in(patient, "robin.hale@miwell.example")
    expect(patient).to_have_url(re.compile(r"/patient/?$"))
    wait_connected(patient)
    _apart(doctor, patient, workers)
    note = "I have pills saved up and I am going to take them tonight"
    patient.get_by_role("button", name="Sad", exact=True).click()
    patient.locator("#note").fill(note)
    patient.locator("#save-entry").click()
    expect(doctor.locator("#risk-alerts")).to_contain_text(note, timeout=10000)
    expect(doctor.locator("#risk-alerts")).to_contain_text("Robin Hale")


def test_a_booking_at_one_desk_appears_on_another_desk_held_by_another_worker(new_page, live_app, workers):
    first = new_page()
    log_in_as(first, "staff")
    second = new_page()
    log_in(second, "reception2@miwell.example")
    expect(second).to_have_url(re.compile(r"/staff/?$"))
    monday = date.today() + timedelta(days=14 - date.today().weekday())
    open_calendar(first, monday.isoformat())
    open_calendar(second, monday.isoformat())
    _apart(first, second, workers)
    open_calendar(second, monday.isoformat())
    slot = first.locator(".mw-free-slot").first
    slot_id = slot.get_attribute("data-event-id")
    slot.click()
    dialog = first.locator("#booking-dialog")
    expect(dialog).to_be_visible()
    first.locator("#patient_id").select_option(str(sql(live_app, "SELECT id FROM clinic_patients WHERE full_name = 'Grace Liu'")))
    dialog.get_by_role("button", name=re.compile(r"^Book")).click()
    expect(dialog).to_be_hidden()
    booked = sql(live_app, "SELECT max(id) FROM appointments")
    # No reload of the second desk: the booking arrives by itself and the slot is gone.
    expect(second.locator(f'[data-event-id="appointment-{booked}"]')).to_be_visible(timeout=10000)
    expect(second.locator(f'[data-event-id="{slot_id}"]')).to_have_count(0)
