"""Outreach in the browser: a patient's email settings are kept; an urgent alert nobody
acknowledged shows on its card that it was emailed and escalated; the admin's outbox shows
what would have been sent (no SMTP server in the default run)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from miwell.accounts.models import User
from miwell.db import make_engine, session_scope
from miwell.outreach.services import outbox, scans
from miwell.timeutil import utcnow
from miwell.wellbeing import services as wellbeing
from tests.browser.conftest import wait_connected
from tests.browser.helpers import at, log_in, register_patient, sql, unique_email
from tests.factories import as_current

pytestmark = pytest.mark.browser


def test_email_settings_are_kept_and_an_unseen_alert_is_emailed_escalated_and_in_the_outbox(new_page, live_app):
    patient = new_page(360, 740)
    email = unique_email("outreach")
    register_patient(patient, email, name="Olive Outreach")
    expect(patient).to_have_url(at("/patient"))
    patient.goto("/account")
    wait_connected(patient)
    card = patient.locator("#email-settings")
    expect(card.locator("#pref-daily_reminder")).to_be_checked()
    card.locator("#pref-daily_reminder").uncheck()
    card.locator("#reminder-time").select_option("20:30")
    card.locator("#save-email-settings").click()
    expect(patient.get_by_text("Email settings saved.")).to_be_visible()
    assert sql(live_app, "SELECT reminder_time || ':' || daily_reminder FROM message_preferences mp JOIN users u ON u.id = mp.user_id WHERE u.email = :e", e=email) == "20:30:0"
    patient.reload()
    wait_connected(patient)
    expect(patient.locator("#pref-daily_reminder")).not_to_be_checked()
    expect(patient.locator("#reminder-time")).to_have_value("20:30")

    # An urgent entry 35 minutes ago that nobody acknowledged; the consumer's pass runs.
    engine = make_engine(live_app.database_url)
    with session_scope(engine) as s:
        user = s.exec(select(User).where(User.email == email)).one()
        wellbeing.save_today(s, as_current(user), 2, "I want to end my life", 0, now=utcnow() - timedelta(minutes=35))
    with session_scope(engine) as s:
        found = scans.queue_alert_emails(s)
    assert found == (1, 1)
    assert outbox.send_due(engine, None, "browser-test").held >= 2
    engine.dispose()

    doctor = new_page()
    log_in(doctor, sql(live_app, "SELECT d.email FROM users d JOIN patient_profiles p ON p.psychiatrist_id = d.id JOIN users u ON u.id = p.user_id WHERE u.email = :e", e=email))
    card = doctor.locator("#risk-alerts .risk-alert-urgent").filter(has_text="Olive Outreach")
    expect(card.locator(".alert-steps")).to_contain_text(re.compile(r"Emailed you \d\d:\d\d · escalated \d\d:\d\d"))

    admin = new_page()
    log_in(admin, "admin@miwell.example")
    expect(admin).to_have_url(at("/admin"))
    admin.goto("/admin/outbox")
    wait_connected(admin)
    line = admin.locator(".outbox-line").filter(has_text="Unseen urgent alert").first
    expect(line).to_contain_text("Kept (no SMTP)")
    line.get_by_text("The message").click()
    expect(line).not_to_contain_text("end my life")


# The browser's Notification, recorded instead of shown, and a tab in the background.
BACKGROUND_TAB_WITH_NOTIFICATIONS = """
window.__notes = [];
window.Notification = function (title, options) { window.__notes.push({title: title, body: (options || {}).body || ""}); this.close = function () {}; };
window.Notification.permission = "granted";
window.Notification.requestPermission = function () { return Promise.resolve("granted"); };
Object.defineProperty(document, "hidden", {get: function () { return true; }});
"""


def test_a_background_tab_shows_a_desktop_notification_for_a_new_urgent_alert_without_details(new_page, live_app):
    patient = new_page()
    email = unique_email("desktop")
    register_patient(patient, email, name="Dana Desktop")
    expect(patient).to_have_url(at("/patient"))
    doctor = new_page()
    doctor.add_init_script(BACKGROUND_TAB_WITH_NOTIFICATIONS)
    log_in(doctor, sql(live_app, "SELECT d.email FROM users d JOIN patient_profiles p ON p.psychiatrist_id = d.id JOIN users u ON u.id = p.user_id WHERE u.email = :e", e=email))
    expect(doctor).to_have_url(at("/psychiatrist"))
    wait_connected(doctor)
    doctor.locator("#desktop-alerts").click()
    expect(doctor.locator("#desktop-alerts-status")).to_contain_text("On:")
    doctor.wait_for_timeout(1500)  # what was there on load is not news
    assert doctor.evaluate("window.__notes.length") == 0

    wait_connected(patient)
    patient.get_by_role("button", name="Okay", exact=True).click()
    patient.locator("#note").fill("I want to kill myself")
    patient.locator("#save-entry").click()
    expect(patient.locator("#saved-note")).to_be_visible()
    doctor.wait_for_function("window.__notes.length > 0", timeout=15000)
    notes = doctor.evaluate("window.__notes")
    assert len(notes) == 1 and notes[0]["title"] == "MiWell: urgent alert"
    assert "Dana" not in notes[0]["body"] and "kill" not in notes[0]["body"]


def test_patients_who_missed_three_days_are_counted_and_filtered_on_the_dashboard(new_page, live_app):
    patient = new_page()
    email = unique_email("missed")
    register_patient(patient, email, name="Milo Missed")
    expect(patient).to_have_url(at("/patient"))
    engine = make_engine(live_app.database_url)
    with session_scope(engine) as s:
        user = s.exec(select(User).where(User.email == email)).one()
        wellbeing.save_today(s, as_current(user), 4, "", 0, now=utcnow() - timedelta(days=5))
    engine.dispose()
    doctor = new_page()
    log_in(doctor, sql(live_app, "SELECT d.email FROM users d JOIN patient_profiles p ON p.psychiatrist_id = d.id JOIN users u ON u.id = p.user_id WHERE u.email = :e", e=email))
    expect(doctor).to_have_url(at("/psychiatrist"))
    wait_connected(doctor)
    rows = doctor.locator("#patients-table .patient-row")
    milo = rows.filter(has_text="Milo Missed")
    expect(milo.locator(".missed-days")).to_have_text("Missed 4 days")
    expect(doctor.locator("#missed-filter")).to_contain_text(re.compile(r"\d+ missed 3\+ days"))
    doctor.locator("#missed-filter").click()
    expect(doctor.locator("#missed-filter")).to_have_attribute("aria-pressed", "true")
    expect(milo).to_be_visible()
    # Everyone still shown missed three days or more.
    for text in rows.locator(".missed-days").all_inner_texts():
        assert int(re.search(r"\d+", text).group(0)) >= 3  # type: ignore[union-attr]
    assert rows.count() == rows.locator(".missed-days").count()
