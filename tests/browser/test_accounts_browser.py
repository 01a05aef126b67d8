"""Accounts as a person meets them in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.browser.helpers import at, log_in, log_in_as, register_patient, unique_email

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("role", ["patient", "psychiatrist", "staff", "admin"])
def test_each_demo_role_lands_on_its_own_home(page, role):
    log_in_as(page, role)
    expect(page.locator("#nav-user-name")).not_to_be_empty()


def test_register_patient_sees_assigned_psychiatrist_then_logs_out_and_in(page, live_app):
    email = unique_email("casey")
    register_patient(page, email)
    expect(page).to_have_url(at("/patient"))

    engine = create_engine(live_app.database_url)
    with engine.connect() as conn:
        expected = conn.execute(
            text(
                "SELECT d.full_name FROM users p JOIN patient_profiles pp ON pp.user_id = p.id "
                "JOIN users d ON d.id = pp.psychiatrist_id WHERE p.email = :e"
            ),
            {"e": email},
        ).scalar_one()
    engine.dispose()
    expect(page.locator("#assigned-psychiatrist")).to_have_text(expected)

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(at("/"))
    page.goto("/patient")
    expect(page).to_have_url(at("/"))  # signed out means signed out

    log_in(page, email.upper(), "quiet-river-4821")  # addresses are case-blind
    expect(page).to_have_url(at("/patient"))


def test_wrong_password_shows_an_error_without_saying_whether_the_email_exists(page):
    log_in(page, "staff@miwell.example", "not-the-password")
    expect(page.locator("#login-error")).to_have_text("Email or password is not right.")
    log_in(page, "nobody.here@miwell.example", "not-the-password")
    expect(page.locator("#login-error")).to_have_text("Email or password is not right.")
    expect(page).to_have_url(at("/"))


def test_duplicate_email_across_roles_is_refused_and_typed_values_are_kept(page):
    register_patient(page, "Psychiatrist@MiWell.example")
    expect(page.locator("#register-error")).to_contain_text("already exists")
    expect(page.get_by_label("Full name")).to_have_value("Casey Newcomer")
    expect(page).to_have_url(at("/register"))


def test_bad_phone_is_refused_with_a_clear_message(page):
    page.goto("/register")
    page.get_by_role("radio", name="A psychiatrist").click()
    page.get_by_label("Full name").fill("Dr Phone Less")
    page.get_by_label("Email").fill(unique_email("drphone"))
    page.get_by_label("Phone", exact=True).fill("call me maybe")
    page.get_by_label("GMC registration number").fill("7654321")
    page.get_by_label("Password", exact=True).fill("quiet-river-4821")
    page.get_by_label("Repeat the password").fill("quiet-river-4821")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#register-error")).to_contain_text("phone number")


def test_patient_opening_a_staff_page_is_turned_away_with_a_message(page):
    log_in_as(page, "patient")
    page.goto("/staff")
    expect(page).to_have_url(at("/patient"))
    expect(page.get_by_text("That page is for clinic staff only")).to_be_visible()
    page.goto("/admin")
    expect(page).to_have_url(at("/patient"))


def test_signed_out_visitor_is_sent_to_sign_in(page):
    page.goto("/account")
    expect(page).to_have_url(at("/"))
    expect(page.get_by_text("Please sign in first.")).to_be_visible()
