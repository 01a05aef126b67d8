"""The daily loop in Chromium: a patient checks in, a psychiatrist is alerted at once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.browser.conftest import wait_connected
from tests.browser.helpers import at, handler_name, log_in, log_in_as, register_patient, send_crafted_event, unique_email

pytestmark = pytest.mark.browser


def _query(live_app, sql: str, **params):
    engine = create_engine(live_app.database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).first()
    finally:
        engine.dispose()


def test_patient_taps_a_mood_writes_slides_saves_and_gets_a_task_and_message(page, live_app):
    email = unique_email("checkin")
    register_patient(page, email)
    expect(page).to_have_url(at("/patient"))

    page.get_by_role("button", name="Good").click()
    expect(page.get_by_role("button", name="Good")).to_have_attribute("aria-pressed", "true")
    page.locator("#note").fill("Walked by the river, felt lighter.")
    expect(page.locator("#note-counter")).to_contain_text("34/280")
    page.locator("#minutes [role=slider]").focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#minutes-value")).to_have_text("15 min")
    page.get_by_role("button", name="Save").click()

    expect(page.locator("#task-card")).to_be_visible()
    expect(page.locator("#message-card")).to_be_visible()
    expect(page.locator("#message-card")).not_to_be_empty()
    row = _query(
        live_app,
        "SELECT e.score, e.note, e.minutes FROM mood_entries e JOIN users u ON u.id = e.patient_id WHERE u.email = :e",
        e=email,
    )
    assert tuple(row) == (6, "Walked by the river, felt lighter.", 15)


def test_too_long_note_is_refused_and_kept(page):
    register_patient(page, unique_email("longnote"))
    page.get_by_role("button", name="Okay").click()
    page.locator("#note").fill("x" * 281)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("280", exact=False).first).to_be_visible()
    expect(page.locator("#note")).to_have_value("x" * 281)
    expect(page.locator("#task-card")).to_have_count(0)


def test_urgent_note_reaches_the_open_dashboard_without_reload(new_page, live_app):
    doctor = new_page()
    log_in_as(doctor, "psychiatrist")
    alerts = doctor.locator("#risk-alerts")
    note = "I keep thinking I want to end my life."
    expect(alerts).not_to_contain_text(note)

    patient = new_page()
    log_in_as(patient, "patient")
    patient.get_by_role("button", name="Low").click()
    patient.locator("#note").fill(note)
    patient.get_by_role("button", name="Save").click()

    # No reload of the doctor's page: the alert must arrive by itself.
    expect(alerts).to_contain_text(note, timeout=15000)
    expect(alerts).to_contain_text("Pat Patient")
    expect(alerts).to_contain_text("+44 113 496 0101")  # the patient's phone
    expect(alerts).to_contain_text("Morgan Patient")  # the emergency contact
    expect(alerts).to_contain_text("patient@miwell.example")


def test_patient_cannot_open_or_delete_another_patients_entry_by_crafted_event(page, live_app):
    import miwell.miwell  # noqa: F401
    from miwell.wellbeing.services import NOT_YOUR_ENTRY
    from miwell.wellbeing.states import HistoryState

    other = _query(
        live_app,
        "SELECT e.id, e.note FROM mood_entries e JOIN users u ON u.id = e.patient_id "
        "WHERE u.email = 'robin.hale@miwell.example' AND e.note <> '' ORDER BY e.day DESC",
    )
    assert other is not None, "the demo data gives Robin Hale entries with notes"
    entry_id, secret_note = other

    log_in(page, "patient@miwell.example")
    expect(page).to_have_url(at("/patient"))
    page.goto("/patient/history")
    for method in ("open_edit", "ask_delete"):
        send_crafted_event(
            page,
            handler_name(HistoryState, method),
            {"entry_id": entry_id},
            trigger=lambda: page.get_by_role("link", name="Today").click(),
        )
        # The refusal's toast shows the handler ran; the other patient's note never reaches the page.
        expect(page.get_by_text(NOT_YOUR_ENTRY).first).to_be_visible(timeout=15000)
        expect(page.get_by_text(secret_note)).to_have_count(0)
        page.goto("/patient/history")
    send_crafted_event(
        page,
        handler_name(HistoryState, "confirm_delete"),
        {},
        trigger=lambda: page.get_by_role("link", name="Today").click(),
    )
    assert _query(live_app, "SELECT id FROM mood_entries WHERE id = :i", i=entry_id) is not None


def test_a_save_lost_on_the_way_is_retried_and_the_page_says_so(page, live_app):
    """The websocket drops the Save (a backend restart, a dead mobile connection): not silently lost."""
    from tests.browser.helpers import sql

    email = unique_email("unsent")
    register_patient(page, email, name="Uma Unsent")
    expect(page).to_have_url(at("/patient"))
    dropped = []

    def relay(ws):
        server = ws.connect_to_server()

        def to_server(message):
            # The first save and its first retry are lost on the way, like frames sent into a
            # restarting backend; the second retry goes through.
            if "today_state.save" in str(message) and len(dropped) < 2:
                dropped.append(message)
                return
            server.send(message)

        ws.on_message(to_server)
        server.on_message(lambda message: ws.send(message))

    page.route_web_socket(re.compile(r".*/_event.*"), relay)
    page.reload()
    wait_connected(page)
    page.get_by_role("button", name="Okay", exact=True).click()
    page.locator("#save-entry").click()
    expect(page.locator("#save-entry-unsent")).to_contain_text("Not saved yet")
    expect(page.locator("#saved-note")).to_be_visible(timeout=30000)
    expect(page.locator("#save-entry-unsent")).to_be_hidden()
    assert len(dropped) == 2, "the test did not drop the saves"
    assert sql(
        live_app,
        "SELECT count(*) FROM mood_entries e JOIN users u ON u.id = e.patient_id WHERE u.email = :e AND e.score = 5",
        e=email,
    ) == 1
