"""Who saw what, in Chromium: a psychiatrist's visit reaches the admin's audit log and the
patient's own, the CSV matches, and an erased account leaves its events without its content."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import at, log_in_as, register_patient, sql, unique_email

pytestmark = pytest.mark.browser


def test_a_psychiatrists_visit_shows_in_the_admins_log_and_the_patients_own(new_page, live_app):
    pat = sql(live_app, "SELECT id FROM users WHERE email = 'patient@miwell.example'")
    doctor = new_page()
    log_in_as(doctor, "psychiatrist")
    doctor.goto(f"/psychiatrist/patients/{pat}")
    expect(doctor.get_by_role("heading", name="Pat Patient")).to_be_visible()

    admin = new_page()
    log_in_as(admin, "admin")
    admin.goto("/admin/audit")
    admin.get_by_label("Patient").fill("Pat Patient")
    admin.get_by_label("Who").fill("psychiatrist@miwell.example")
    admin.get_by_role("button", name="Show").click()
    events = admin.locator("#audit-events")
    expect(events).to_contain_text("Dr Priya Shah (psychiatrist) saw wellbeing entries · Pat Patient")
    expect(events).to_contain_text("saw contact details")
    expect(admin.get_by_label("Patient")).to_have_value("Pat Patient")  # the filters stay as typed
    with admin.expect_download() as download:
        admin.locator("#audit-download").click()
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert {"Dr Priya Shah"} == {r["who"] for r in rows} and {"Pat Patient"} == {r["patient"] for r in rows}
    assert {"wellbeing entries", "contact details"} <= {r["what"] for r in rows}

    # A period that cannot be: said so, and what was typed is kept.
    admin.get_by_label("From").fill("2026-12-05")
    admin.get_by_label("To").fill("2026-12-01")
    admin.get_by_role("button", name="Show").click()
    expect(admin.locator("#audit-error")).to_contain_text("before the first day")

    patient = new_page(390, 844)
    log_in_as(patient, "patient")
    patient.goto("/account")
    patient.locator("#record-access-link").click()
    expect(patient).to_have_url(at("/patient/record-access"))
    mine = patient.locator("#audit-events")
    expect(mine).to_contain_text("Dr Priya Shah (psychiatrist) saw wellbeing entries")
    expect(patient.get_by_label("Patient", exact=True)).to_have_count(0)  # their own record only: nothing to choose
    # The page fits a phone: nothing wider than the screen.
    assert patient.evaluate("document.documentElement.scrollWidth") <= 390


def test_an_erased_account_stays_in_the_log_without_its_content(page, new_page, live_app):
    email = unique_email("erase.me")
    register_patient(page, email, name="Quinn Erasable")
    expect(page).to_have_url(at("/patient"))
    page.get_by_role("button", name="Okay").click()
    page.locator("#note").fill("Words only Quinn should ever see")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#task-card")).to_be_visible()
    user_id = sql(live_app, "SELECT id FROM users WHERE email = :e", e=email)

    page.goto("/account")
    page.get_by_role("button", name="Delete my account").click()
    page.get_by_role("alertdialog").get_by_label("Password").fill("quiet-river-4821")
    page.get_by_role("button", name="Delete for good").click()
    expect(page).to_have_url(at("/"))
    assert sql(live_app, "SELECT count(*) FROM mood_entries WHERE patient_id = :u", u=user_id) == 0

    admin = new_page()
    log_in_as(admin, "admin")
    admin.goto("/admin/audit")
    admin.get_by_label("Patient").fill(f"#{user_id}")
    admin.get_by_role("button", name="Show").click()
    events = admin.locator("#audit-events")
    expect(events).to_contain_text(f"erased account (patient account and its personal data) · Erased record #{user_id}")
    expect(events).to_contain_text("added wellbeing entry")
    expect(events).not_to_contain_text("Quinn")
    assert sql(live_app, "SELECT count(*) FROM audit_events WHERE detail LIKE '%Words only%' OR detail LIKE '%Quinn%'") == 0
