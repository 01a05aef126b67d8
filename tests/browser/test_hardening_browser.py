"""What the security probe found, in Chromium: a shared desk computer, consented links, the cookie."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import at, log_in, log_in_as, register_patient, sql, unique_email

pytestmark = pytest.mark.browser

# Other people's details the clinic desk's pages hold (demo clinic records).
DESK_SECRETS = ("Noah Bennett", "2012-02-17", "Grace Liu", "1972-11-03", "+44 113 496 0104", "Emma Bennett")


def test_the_next_person_at_a_shared_desk_receives_nothing_of_the_last(page):
    log_in_as(page, "staff")
    page.goto("/staff/patients")
    expect(page.locator("#patients-table")).to_contain_text("Noah Bennett")
    page.goto("/staff/reports")
    expect(page.get_by_role("heading", name="Appointments report")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(at("/"))

    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(str(payload))))
    log_in(page, "patient@miwell.example")  # same tab, same browser storage
    expect(page).to_have_url(at("/patient"))
    expect(page.locator("#nav-user-name")).to_have_text("Pat Patient")
    page.goto("/patient/history")
    expect(page.get_by_role("heading", name="Mood over time")).to_be_visible()
    received = "\n".join(frames)
    assert "Pat Patient" in received  # the frames were captured
    leaked = [secret for secret in DESK_SECRETS if secret in received]
    assert leaked == [], f"the patient's browser received the desk's data: {leaked}"


def test_a_clinic_links_a_patient_account_only_when_the_patient_accepts(new_page, live_app):
    email = unique_email("linkme")
    patient = new_page()
    register_patient(patient, email, name="Lee Linkable")
    expect(patient).to_have_url(at("/patient"))

    desk = new_page()
    log_in_as(desk, "staff")
    desk.goto("/staff/patients")
    desk.get_by_label("Full name").fill("Lee Linkable")
    desk.get_by_label("Patient's MiWell account (optional)").fill(email)
    desk.get_by_role("button", name="Add patient").click()
    expect(desk.get_by_text("its owner is asked in MiWell to confirm")).to_be_visible()
    expect(desk.locator("#patients-table")).to_contain_text(f"Asked {email} to confirm")
    assert sql(live_app, "SELECT user_id FROM clinic_patients WHERE full_name = 'Lee Linkable'") is None

    # An address with no account reads exactly the same at the desk.
    desk.get_by_label("Full name").fill("Nobody Here")
    desk.get_by_label("Patient's MiWell account (optional)").fill(unique_email("nobody"))
    desk.get_by_role("button", name="Add patient").click()
    expect(desk.get_by_text("its owner is asked in MiWell to confirm")).to_have_count(2)

    patient.goto("/account")
    request = patient.locator(".link-request", has_text="Harbour Mind Charity")
    expect(request).to_contain_text("Lee Linkable")
    request.get_by_role("button", name="Accept the link from Harbour Mind Charity").click()
    expect(patient.locator("#link-requests")).to_have_count(0)
    desk.goto("/staff/patients")
    expect(desk.locator("#patients-table")).to_contain_text(email)
    assert sql(live_app, "SELECT u.email FROM clinic_patients c JOIN users u ON u.id = c.user_id WHERE c.full_name = 'Lee Linkable'") == email


def test_the_session_cookie_is_out_of_reach_of_page_scripts(page):
    log_in_as(page, "patient")
    [session] = [c for c in page.context.cookies() if c["name"] == "miwell_session"]
    assert session["httpOnly"] and session["sameSite"] == "Strict"
    assert "miwell_session" not in page.evaluate("document.cookie")
    page.reload()
    expect(page.locator("#nav-user-name")).to_have_text("Pat Patient")  # still signed in after a reload


def test_signing_out_everywhere_else_from_the_account_page(new_page):
    """A lost phone: from the computer at hand, every other browser of the account is signed out."""
    email = unique_email("two.browsers")
    phone = new_page(390, 844)
    register_patient(phone, email, name="Robin Twobrowsers")
    expect(phone).to_have_url(at("/patient"))
    computer = new_page()
    log_in(computer, email, "quiet-river-4821")
    expect(computer).to_have_url(at("/patient"))
    computer.goto("/account")
    expect(computer.locator("#other-sessions")).to_have_text("Here and in 1 other browser.")
    computer.locator("#end-other-sessions").click()
    expect(computer.get_by_text("Signed out of 1 other browser.")).to_be_visible()
    expect(computer.locator("#other-sessions")).to_have_text("Only here.")
    # The phone's next step finds it signed out; the computer stays signed in.
    phone.goto("/patient/history")
    expect(phone).to_have_url(at("/"))
    computer.goto("/patient/history")
    expect(computer).to_have_url(at("/patient/history"))


def test_an_idle_clinical_session_warns_a_minute_before_and_then_ends(page, live_app):
    """The page's clock is Playwright's: half an hour passes in a moment."""
    page.clock.install()
    log_in_as(page, "staff")
    page.goto("/staff/patients")
    expect(page.locator("#idle-limit")).to_have_attribute("data-seconds", "1800")

    page.clock.fast_forward("29:05")
    warning = page.get_by_role("alertdialog")
    expect(warning).to_contain_text("you will be signed out in")
    page.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_have_count(0)
    # That "Stay" moves the server's limit on is tested at the handler (test_hardening_states).

    page.clock.fast_forward("31:00")
    expect(page).to_have_url(at("/"))
    expect(page.get_by_text("You were signed out after a while without activity")).to_be_visible()
    page.goto("/staff/patients")
    expect(page).to_have_url(at("/"))  # the session is gone on the server as well


def test_a_patient_page_has_no_inactivity_limit_by_default(page):
    log_in_as(page, "patient")
    expect(page.locator("#idle-limit")).to_have_attribute("data-seconds", "0")
