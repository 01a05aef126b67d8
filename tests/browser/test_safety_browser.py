"""The safety net in the browser: misspelt slang and a PHQ-9 item 9 reach the psychiatrist's open
page at once and show the patient where to get help; the screener's yes makes a watch alert urgent;
"Book an urgent appointment" books the earliest slot, which the patient then sees; the mood report
downloads as a PDF whose pages render."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import wait_connected
from tests.browser.helpers import at, log_in, register_patient, sql, unique_email

pytestmark = pytest.mark.browser


def _psychiatrist_email_of(live_app, patient_email: str) -> str:
    return sql(
        live_app,
        "SELECT d.email FROM users d JOIN patient_profiles p ON p.psychiatrist_id = d.id "
        "JOIN users u ON u.id = p.user_id WHERE u.email = :email",
        email=patient_email,
    )


def _new_patient_and_their_psychiatrist(new_page, live_app, name: str) -> tuple[Page, Page, str]:
    patient = new_page()
    email = unique_email("safety")
    register_patient(patient, email, name=name)
    expect(patient).to_have_url(at("/patient"))
    doctor = new_page()
    log_in(doctor, _psychiatrist_email_of(live_app, email))
    expect(doctor).to_have_url(at("/psychiatrist"))
    wait_connected(doctor)
    wait_connected(patient)
    return patient, doctor, email


def _alert_card(doctor: Page, name: str, timeout: float = 10000):
    """The patient's alert card, unfolding the banner when it holds more than it shows."""
    card = doctor.locator("#risk-alerts .risk-alert").filter(has_text=name)
    more = doctor.get_by_role("button", name=re.compile(r"^Show \d+ more$"))
    for _ in range(int(timeout / 250)):
        if card.count():
            return card
        if more.count():
            more.click()
        doctor.wait_for_timeout(250)
    raise AssertionError(f"no alert about {name} reached the psychiatrist's page")


def _save(patient: Page, mood: str, note: str) -> None:
    patient.get_by_role("button", name=mood, exact=True).click()
    patient.locator("#note").fill(note)
    patient.locator("#save-entry").click()
    expect(patient.locator("#saved-note")).to_be_visible()


def test_misspelt_slang_alerts_the_open_page_and_shows_the_patient_where_to_turn(new_page, live_app):
    patient, doctor, _ = _new_patient_and_their_psychiatrist(new_page, live_app, "Sam Slang")
    note = "honestly thinkin about sewerslide agian, cant stop"
    _save(patient, "Okay", note)
    # The psychiatrist's page was open all along: no reload.
    banner = doctor.locator("#risk-alerts")
    expect(banner).to_contain_text(note, timeout=10000)
    expect(banner.locator(".risk-alert-urgent").filter(has_text="Sam Slang")).to_be_visible()
    expect(banner).to_contain_text('Suicide or suicidal thoughts: "sewerslide"')
    # The patient: numbers to call, on the page already.
    support = patient.locator("#support-callout")
    expect(support).to_be_visible()
    expect(support.locator("a[href='tel:116123']")).to_be_visible()
    expect(support.locator("a[href='tel:999']")).to_be_visible()


def test_the_screener_yes_turns_a_watch_alert_urgent(new_page, live_app):
    patient, doctor, _ = _new_patient_and_their_psychiatrist(new_page, live_app, "Sam Screener")
    _save(patient, "Okay", "i just want to vanish for a while")
    card = _alert_card(doctor, "Sam Screener")
    expect(card).to_have_class(re.compile("risk-alert-watch"))
    screener = patient.locator("#screener")
    expect(screener).to_contain_text("have you wished you were dead")
    patient.locator("#screener-wish-no").click()
    patient.locator("#screener-thoughts-yes").click()
    expect(doctor.locator("#risk-alerts .risk-alert-urgent").filter(has_text="Sam Screener")).to_be_visible(timeout=10000)
    expect(doctor.locator("#risk-alerts")).to_contain_text("Screener: yes, thoughts of killing themselves")
    expect(patient.locator("#support-callout a[href='tel:116123']")).to_be_visible()


def test_phq9_item_9_alerts_at_once_and_shows_support(new_page, live_app):
    patient = new_page()
    log_in(patient, "patient@miwell.example")
    expect(patient).to_have_url(at("/patient"))
    doctor = new_page()
    log_in(doctor, _psychiatrist_email_of(live_app, "patient@miwell.example"))
    expect(doctor).to_have_url(at("/psychiatrist"))
    wait_connected(doctor)
    wait_connected(patient)
    if patient.locator("#saved-note").count() == 0:
        _save(patient, "Low", "")
    patient.locator("#start-phq9").click()
    for n in range(8):
        expect(patient.locator("#question-count")).to_have_text(f"Question {n + 1} of 9")
        patient.locator("#answer-0").click()
    expect(patient.locator("#question-text")).to_contain_text("better off dead")
    patient.locator("#answer-1").click()
    expect(patient.locator("#questionnaire-result")).to_contain_text("PHQ-9 score: 1 (minimal)")
    expect(patient.locator("#questionnaire-crisis a[href='tel:116123']")).to_be_visible()
    card = doctor.locator("#risk-alerts .risk-alert-urgent").filter(has_text="PHQ-9 item 9")
    expect(card).to_be_visible(timeout=10000)
    expect(card).to_contain_text("Pat Patient")


def test_book_an_urgent_appointment_books_the_earliest_slot_and_the_patient_sees_it(new_page, live_app):
    doctor = new_page()
    log_in(doctor, _psychiatrist_email_of(live_app, "patient@miwell.example"))
    expect(doctor).to_have_url(at("/psychiatrist"))
    pat = sql(live_app, "SELECT id FROM users WHERE email = 'patient@miwell.example'")
    doctor.goto(f"/psychiatrist/patients/{pat}")
    wait_connected(doctor)
    doctor.get_by_role("button", name="Book an urgent appointment for Pat Patient").first.click()
    slots = doctor.locator("#urgent-slots")
    expect(slots).to_be_visible()
    first = slots.locator(".book-slot").first
    when = slots.locator(".slot-when").first.inner_text()
    before = sql(live_app, "SELECT count(*) FROM appointments")
    first.click()
    expect(doctor.locator("#urgent-booked")).to_be_visible()
    assert sql(live_app, "SELECT count(*) FROM appointments") == before + 1
    hours = re.search(r"\d\d:\d\d", when).group(0)  # type: ignore[union-attr]
    patient = new_page()
    log_in(patient, "patient@miwell.example")
    expect(patient.locator("#upcoming-appointments")).to_contain_text(hours)


def test_the_mood_report_downloads_as_a_pdf_whose_pages_render(new_page, live_app, tmp_path):
    renderer = shutil.which("pdftoppm")
    if renderer is None:
        pytest.fail("pdftoppm (poppler-utils) is missing; scripts/test.sh installs it") if _ci() else pytest.skip("no pdftoppm")
    patient = new_page()
    log_in(patient, "patient@miwell.example")
    expect(patient).to_have_url(at("/patient"))
    patient.goto("/patient/history")
    wait_connected(patient)
    with patient.expect_download() as download:
        patient.locator("#download-pdf").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name.startswith("miwell-report-pat-patient-") and path.read_bytes().startswith(b"%PDF")
    subprocess.run([renderer, "-r", "50", "-png", str(path), str(tmp_path / "page")], check=True, timeout=60)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert pages and all(p.stat().st_size > 5000 for p in pages)
    with patient.expect_download() as zipped:
        patient.locator("#download-all").click()
    assert zipped.value.suggested_filename.endswith(".zip")


def _ci() -> bool:
    import os

    return os.environ.get("CI", "").lower() in ("1", "true", "yes")
