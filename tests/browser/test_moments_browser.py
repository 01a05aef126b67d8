"""The right words and the right order at hard moments, seen in Chromium by patient, psychiatrist and desk."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from miwell.wellbeing.core.messages import HARD_MOMENT, MESSAGES
from tests.browser.helpers import at, log_in_as, open_calendar, register_patient, sql, unique_email

pytestmark = pytest.mark.browser


def _new_patient_of_demo_psychiatrist(page, live_app, name: str) -> int:
    """A fresh patient, handed to the demo psychiatrist (whoever registration picked)."""
    email = unique_email(name.split()[0].lower())
    register_patient(page, email, name=name)
    expect(page).to_have_url(at("/patient"))
    patient = sql(live_app, "SELECT id FROM users WHERE email = :e", e=email)
    sql(
        live_app,
        "UPDATE patient_profiles SET psychiatrist_id = (SELECT id FROM users WHERE email = 'psychiatrist@miwell.example') WHERE user_id = :p",
        p=patient,
    )
    return patient


def _seed_days(live_app, patient: int, scores: list[int]) -> None:
    """Entries on the days before today, oldest first (a past the test does not need to click through)."""
    for days_ago, score in zip(range(len(scores), 0, -1), scores):
        sql(
            live_app,
            "INSERT INTO mood_entries (patient_id, day, score, note, minutes, risk_level, risk_reasons, created_at, updated_at) "
            "VALUES (:p, :d, :s, '', 0, 'none', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
            p=patient,
            d=(date.today() - timedelta(days=days_ago)).isoformat(),
            s=score,
        )


def test_a_suicidal_note_saved_today_comes_first_in_the_review(new_page, live_app):
    patient = new_page()
    patient_id = _new_patient_of_demo_psychiatrist(patient, live_app, "Rowan Reviewfirst")
    _seed_days(live_app, patient_id, [6] * 11)
    patient.goto("/patient")
    patient.get_by_role("button", name="Sad", exact=True).click()
    patient.locator("#note").fill("I want to end my life")
    patient.locator("#save-entry").click()
    expect(patient.locator("#saved-note")).to_be_visible()

    doctor = new_page()
    log_in_as(doctor, "psychiatrist")
    doctor.goto("/psychiatrist/review")
    first = doctor.locator(".review-item").first
    expect(first).to_have_attribute("data-level", "urgent")
    expect(first).to_contain_text("I want to end my life")
    expect(first.locator(".risk-level")).to_have_text("Urgent")
    expect(doctor.locator("#review-counts")).to_contain_text(re.compile(r"\d+ urgent"))


def test_the_dashboard_row_follows_an_ordinary_entry_and_calls_out_a_drop(new_page, live_app):
    patient = new_page()
    patient_id = _new_patient_of_demo_psychiatrist(patient, live_app, "Dale Dashboard")
    _seed_days(live_app, patient_id, [6] * 7)
    doctor = new_page()
    log_in_as(doctor, "psychiatrist")
    row = doctor.locator(".patient-row", has_text="Dale Dashboard")
    expect(row).to_contain_text("Yesterday")

    patient.goto("/patient")
    patient.get_by_role("button", name="Good", exact=True).click()
    patient.locator("#save-entry").click()
    expect(patient.locator("#saved-note")).to_be_visible()
    expect(row).to_contain_text("Today", timeout=15000)  # no reload: an ordinary entry updates the row

    patient.get_by_role("button", name="Awful", exact=True).click()
    patient.locator("#save-entry").click()
    expect(patient.locator("#saved-note")).to_be_visible()
    expect(row.locator(".trend")).to_have_text("⬇ Fell 5 points", timeout=15000)


def test_after_a_risk_entry_the_patient_gets_words_for_that_moment_and_one_clear_state(page, live_app):
    register_patient(page, unique_email("moment"), name="Mo Moment")
    expect(page).to_have_url(at("/patient"))
    # An error is the only state shown: no "saved" line under it, and the typed note is kept.
    page.get_by_role("button", name="Low", exact=True).click()
    page.locator("#note").fill("x" * 281)
    page.locator("#save-entry").click()
    expect(page.locator("#entry-error")).to_be_visible()
    expect(page.locator("#saved-note")).to_have_count(0)
    expect(page.locator("#note")).to_have_value("x" * 281)

    page.locator("#note").fill("I want to end my life")
    page.locator("#save-entry").click()
    expect(page.locator("#saved-note")).to_be_visible()
    expect(page.locator("#entry-error")).to_have_count(0)
    expect(page.locator("#support-callout")).to_be_visible()
    message = page.locator("#message-card").inner_text()
    assert any(MESSAGES[i] in message for i in HARD_MOMENT), message
    assert "mixed feelings" not in message
    expect(page.locator("#task-card")).to_contain_text(re.compile(r"\b[1-5] minutes"))

    # Choosing another face starts editing: the saved line goes, the support folds into a link.
    page.get_by_role("button", name="Okay", exact=True).click()
    expect(page.locator("#saved-note")).to_have_count(0)
    expect(page.locator("#unsaved-note")).to_be_visible()
    expect(page.locator("#support-callout")).to_have_count(0)
    expect(page.locator("#support-link")).to_be_visible()


def test_free_slots_name_their_doctor_and_the_month_footer_matches(page):
    log_in_as(page, "staff")
    monday = date.today() + timedelta(days=7 - date.today().weekday())
    open_calendar(page, monday.isoformat())
    slot = page.locator(".mw-free-slot").first
    expect(slot).to_contain_text(re.compile(r"Free · [A-Z]{2}"))
    expect(page.locator("#doctor-filter .doctor-initials").first).to_have_text(re.compile(r"^[A-Z]{2}$"))
    expect(page.locator("#calendar-footer")).to_contain_text("Dashed boxes are free slots")
    open_calendar(page, monday.isoformat(), view="dayGridMonth")
    expect(page.locator("#calendar-footer")).to_contain_text("The month shows bookings only")


PAGES = {
    "patient": ["/patient", "/patient/history", "/account"],
    "psychiatrist": ["/psychiatrist", "/psychiatrist/review", "/psychiatrist/tasks", "/account"],
    "staff": ["/staff", "/staff/calendar", "/staff/doctors", "/staff/patients", "/staff/clients", "/staff/reports", "/account"],
    "admin": ["/admin", "/admin/psychiatrists", "/admin/organisations", "/admin/tasks", "/account"],
}


@pytest.mark.parametrize("role", sorted(PAGES))
def test_no_page_logs_a_console_error(new_page, role):
    page = new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(f"{page.url}: {message.text}") if message.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    log_in_as(page, role)
    for path in PAGES[role]:
        page.goto(path)
        expect(page.locator("main")).to_be_visible()
        page.wait_for_timeout(500)
    assert errors == []
