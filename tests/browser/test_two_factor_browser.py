"""Two-step sign-in in Chromium: a new clinic account must set it up at its first sign-in, then
signs in with a code or a recovery code (each once); an admin resets a lost phone; a patient turns
it on from the account page."""

from __future__ import annotations

import pyotp
import pytest
from playwright.sync_api import expect

from tests.browser.helpers import RECOVERY_CODES, TOTP_SECRETS, at, log_in, log_in_as, register_patient, sql, unique_email
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _new_staff(live_app, email: str) -> None:
    from miwell.db import make_engine, session_scope
    from tests.factories import make_user

    organisation = sql(live_app, "SELECT min(id) FROM organisations")
    engine = make_engine(live_app.database_url)
    try:
        with session_scope(engine) as s:
            make_user(s, "staff", email=email, name="Sam Twostep", organisation_id=organisation)
    finally:
        engine.dispose()


def _password_step(page, email: str) -> None:
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Two-step sign-in")).to_be_visible()


def test_a_clinic_account_sets_it_up_at_first_sign_in_then_needs_a_code(new_page, live_app):
    email = unique_email("sam.twostep")
    _new_staff(live_app, email)
    page = new_page()
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # Required for staff: the QR code and the key to type by hand, before anything else.
    expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
    expect(page.locator("#totp-qr")).to_be_visible()
    page.goto("/staff/patients")
    expect(page).to_have_url(at("/"))  # a right password alone opened nothing

    log_in(page, email, PASSWORD)  # sets it up (helpers.log_in reads the key and types the code)
    expect(page).to_have_url(at("/staff"))
    assert len(RECOVERY_CODES[email]) == 10
    page.get_by_role("button", name="Log out").click()

    log_in(page, email, PASSWORD)  # now a code is asked for, and the helper gives a fresh one
    expect(page).to_have_url(at("/staff"))
    page.get_by_role("button", name="Log out").click()

    # A recovery code works once.
    recovery = RECOVERY_CODES[email][0]
    _password_step(page, email)
    page.get_by_label("Code").fill(recovery)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(at("/staff"))
    page.get_by_role("button", name="Log out").click()
    _password_step(page, email)
    page.get_by_label("Code").fill(recovery)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#code-error")).to_contain_text("not right")
    # Five wrong codes send the sign-in back to the start.
    for _ in range(4):
        page.get_by_label("Code").fill("123-456")
        page.get_by_role("button", name="Continue").click()
        page.wait_for_timeout(400)
    expect(page.locator("#login-error")).to_contain_text("Too many wrong codes")

    # A lost phone: an admin resets it; the next sign-in sets up a new app.
    admin = new_page()
    log_in_as(admin, "admin")
    admin.locator("#reset-email").fill(email)
    admin.get_by_role("button", name="Reset two-step sign-in").click()
    expect(admin.get_by_text("sets up two-step sign-in again at their next sign-in")).to_be_visible()
    old_secret = TOTP_SECRETS[email]
    log_in(page, email, PASSWORD)
    expect(page).to_have_url(at("/staff"))
    assert TOTP_SECRETS[email] != old_secret
    assert sql(live_app, "SELECT count(*) FROM audit_events WHERE detail = 'two-step sign-in reset by an admin'") >= 1


def test_a_patient_turns_it_on_from_the_account_page(page):
    email = unique_email("patient.twostep")
    register_patient(page, email, name="Pia Twostep")
    expect(page).to_have_url(at("/patient"))
    page.goto("/account")
    expect(page.locator("#two-factor-status")).to_contain_text("Off")
    page.locator("#two-factor-start").click()
    secret = page.locator("#account-totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on", exact=True).click()
    expect(page.locator("#account-recovery-codes")).to_be_visible()
    page.get_by_role("button", name="I have kept them").click()
    expect(page.locator("#two-factor-status")).to_contain_text("10 recovery codes left")
    TOTP_SECRETS[email] = secret
    from tests.browser import helpers

    helpers._LAST_STEP[email] = int(__import__("time").time()) // 30  # the code just used
    page.get_by_role("button", name="Log out").click()
    log_in(page, email, "quiet-river-4821")
    expect(page).to_have_url(at("/patient"))
