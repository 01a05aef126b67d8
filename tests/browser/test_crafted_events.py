"""Hidden buttons are not access control: crafted websocket events must get nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.browser.helpers import handler_name, log_in_as, send_crafted_event, unique_email

pytestmark = pytest.mark.browser


def _scalar(live_app, sql: str, **params):
    engine = create_engine(live_app.database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()
    finally:
        engine.dispose()


def test_patient_cannot_create_accounts_by_crafting_the_admin_event(page, live_app):
    import miwell.miwell  # noqa: F401
    from miwell.accounts.state import AccountState, AdminAccountsState

    log_in_as(page, "patient")
    intruder = unique_email("intruder")
    send_crafted_event(
        page,
        handler_name(AdminAccountsState, "create"),
        {"form": {"full_name": "Intruder", "email": intruder, "phone": "020 7946 0100", "password": "sneaky-pass-1234"}},
        trigger=lambda: page.get_by_role("link", name="Account").click(),
    )
    assert _scalar(live_app, "SELECT count(*) FROM users WHERE email = :e", e=intruder) == 0

    # The same mechanism does reach the backend: the patient's own handler works when crafted.
    page.goto("/patient")
    send_crafted_event(
        page,
        handler_name(AccountState, "save_details"),
        {
            "form": {
                "full_name": "Pat Crafted",
                "email": "patient@miwell.example",
                "phone": "+44 113 496 0101",
                "emergency_contact_name": "Morgan Patient",
                "emergency_contact_phone": "+44 161 496 0201",
                "timezone": "Europe/London",
            }
        },
        trigger=lambda: page.get_by_role("link", name="Account").click(),
    )
    assert _scalar(live_app, "SELECT full_name FROM users WHERE email = 'patient@miwell.example'") == "Pat Crafted"
    send_crafted_event(
        page,
        handler_name(AccountState, "save_details"),
        {
            "form": {
                "full_name": "Pat Patient",
                "email": "patient@miwell.example",
                "phone": "+44 113 496 0101",
                "emergency_contact_name": "Morgan Patient",
                "emergency_contact_phone": "+44 161 496 0201",
                "timezone": "Europe/London",
            }
        },
        trigger=lambda: page.get_by_role("link", name="Today").click(),
    )
    expect(page.locator("#nav-user-name")).to_have_text("Pat Patient")


def test_signed_out_visitor_gets_nothing_from_a_crafted_admin_event(page, live_app):
    import miwell.miwell  # noqa: F401
    from miwell.accounts.state import AdminAccountsState

    page.goto("/")
    intruder = unique_email("anon")
    send_crafted_event(
        page,
        handler_name(AdminAccountsState, "create"),
        {"form": {"full_name": "Anon", "email": intruder, "phone": "020 7946 0101", "password": "sneaky-pass-1234"}},
        trigger=lambda: page.get_by_role("link", name="Create an account").click(),
    )
    assert _scalar(live_app, "SELECT count(*) FROM users WHERE email = :e", e=intruder) == 0
