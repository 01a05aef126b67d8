"""Only vetted psychiatrists see patients: sign-up, approval, assignment and invitations in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import TOTP_SECRETS, at, log_in, log_in_as, totp_code, register_patient, register_psychiatrist, sql, unique_email

pytestmark = pytest.mark.browser


def test_a_psychiatrist_who_signs_up_waits_until_an_admin_approves_then_gets_a_patient(new_page, live_app):
    applicant = new_page()
    email = unique_email("dr.applicant")
    register_psychiatrist(applicant, email, name="Dr Casey Vetted")
    expect(applicant).to_have_url(at("/psychiatrist/status"))
    expect(applicant.locator("#standing-panel")).to_contain_text("Your account awaits approval")
    expect(applicant.get_by_role("link", name="My patients")).to_have_count(0)
    applicant.goto("/psychiatrist")  # nothing else is open
    expect(applicant).to_have_url(at("/psychiatrist/status"))
    applicant.goto("/account")
    expect(applicant).to_have_url(at("/psychiatrist/status"))

    admin = new_page()
    log_in_as(admin, "admin")
    admin.goto("/admin/psychiatrists")
    card = admin.locator(".pending-psychiatrist", has_text="Dr Casey Vetted")
    expect(card).to_contain_text("7012345")
    card.get_by_role("button", name="Approve Dr Casey Vetted").click()
    admin.get_by_label("Why").fill("GMC register checked")
    admin.get_by_role("dialog").get_by_role("button", name="Approve").click()
    expect(admin.locator(".pending-psychiatrist", has_text="Dr Casey Vetted")).to_have_count(0)
    expect(admin.locator("#psychiatrists-table")).to_contain_text("GMC register checked")

    # Approved: the session that began without two-step sign-in is ended, and the open status page
    # hears it at once; the next sign-in sets two-step up before any patient's record opens.
    expect(applicant.locator("#standing-panel")).to_contain_text("Please sign in again", timeout=15000)
    expect(applicant.locator("#standing-panel")).not_to_contain_text("7012345")
    applicant.get_by_role("button", name="Sign in").click()
    expect(applicant).to_have_url(at("/"))
    log_in(applicant, email, "quiet-river-4821")
    expect(applicant).to_have_url(at("/psychiatrist"))

    # Everyone else stops taking new patients for a moment, so the next patient must be theirs.
    sql(live_app, "UPDATE psychiatrist_profiles SET accepts_new_patients = false WHERE user_id <> (SELECT id FROM users WHERE email = :e)", e=email)
    try:
        patient = new_page()
        register_patient(patient, unique_email("newpatient"), name="Robin Firstpatient")
        expect(patient).to_have_url(at("/patient"))
        expect(patient.locator("#assigned-psychiatrist")).to_have_text("Dr Casey Vetted")
    finally:
        sql(live_app, "UPDATE psychiatrist_profiles SET accepts_new_patients = true")
    applicant.goto("/psychiatrist")
    expect(applicant.locator("#patients-table")).to_contain_text("Robin Firstpatient")


def test_an_invitation_link_makes_an_approved_account_once(new_page):
    admin = new_page()
    log_in_as(admin, "admin")
    admin.goto("/admin/psychiatrists")
    email = unique_email("dr.invited")
    admin.locator("#invite-form").get_by_label("Their email").fill(email)
    admin.locator("#invite-form").get_by_label("Their name (optional)").fill("Dr Ina Invited")
    admin.get_by_role("button", name="Create invitation link").click()
    link = admin.locator("#invitation-link")
    expect(link).to_contain_text("/invite?code=")
    url = link.inner_text()

    invited = new_page()
    invited.goto(url)
    expect(invited.get_by_text(email)).to_be_visible()
    expect(invited.get_by_label("Full name")).to_have_value("Dr Ina Invited")
    invited.get_by_label("Phone", exact=True).fill("020 7946 0777")
    invited.get_by_label("GMC registration number").fill("GMC 7031234")
    invited.get_by_label("Password", exact=True).fill("quiet-river-4821")
    invited.get_by_label("Repeat the password").fill("quiet-river-4821")
    invited.get_by_role("button", name="Create my account").click()
    # Approved at once, so like every clinician they set up two-step sign-in before any patient
    # record opens: the sign-in page's second step, without typing the password again.
    expect(invited.locator("#login-step-enrol")).to_be_attached()
    expect(invited.locator("#login-notice")).to_contain_text("Your account is ready")
    assert not [c for c in invited.context.cookies() if c["name"] == "miwell_session"]  # no session yet
    secret = invited.locator("#totp-secret").inner_text().replace(" ", "")
    TOTP_SECRETS[email.lower()] = secret
    invited.get_by_label("Code").fill(totp_code(email))
    invited.get_by_role("button", name="Turn on and continue").click()
    expect(invited.locator("#recovery-codes .recovery-code")).to_have_count(10)
    invited.get_by_role("button", name="I have kept them: continue").click()
    expect(invited).to_have_url(at("/psychiatrist"))

    again = new_page()
    again.goto(url)
    expect(again.locator("#invite-problem")).to_contain_text("does not work")
    tampered = new_page()
    tampered.goto(url[:-3] + "abc")
    expect(tampered.locator("#invite-problem")).to_contain_text("does not work")
