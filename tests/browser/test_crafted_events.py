"""Hidden buttons are not access control: crafted websocket events must get nothing."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.browser.helpers import at, handler_name, register_patient, send_crafted_event, unique_email

pytestmark = pytest.mark.browser


def _scalar(live_app, sql: str, **params):
    engine = create_engine(live_app.database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()
    finally:
        engine.dispose()


def _eventually(check, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the backend never handled the event"
        time.sleep(0.2)


def _details(name: str, email: str) -> dict:
    return {
        "form": {
            "full_name": name,
            "email": email,
            "phone": "020 7946 0958",
            "emergency_contact_name": "Jo Newcomer",
            "emergency_contact_phone": "0161 496 0999",
            "timezone": "Europe/London",
        }
    }


def test_patient_cannot_create_accounts_by_crafting_the_admin_event(page, live_app):
    import miwell.miwell  # noqa: F401
    from miwell.accounts.state import AccountState, AdminAccountsState

    email = unique_email("crafter")
    register_patient(page, email, name="Casey Crafter")
    expect(page).to_have_url(at("/patient"))
    intruder = unique_email("intruder")
    send_crafted_event(
        page,
        handler_name(AdminAccountsState, "create"),
        {"form": {"full_name": "Intruder", "email": intruder, "phone": "020 7946 0100", "password": "sneaky-pass-1234"}},
        trigger=lambda: page.get_by_role("link", name="Account").click(),
    )
    # A control event after it, on the same socket: events of one client are handled in order,
    # so once the control has taken effect the crafted one has been handled too.
    page.get_by_role("link", name="Today").click()
    send_crafted_event(
        page,
        handler_name(AccountState, "save_details"),
        _details("Casey Renamed", email),
        trigger=lambda: page.get_by_role("link", name="Account").click(),
    )
    _eventually(lambda: _scalar(live_app, "SELECT full_name FROM users WHERE email = :e", e=email) == "Casey Renamed")
    assert _scalar(live_app, "SELECT count(*) FROM users WHERE email = :e", e=intruder) == 0


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
    # The handler turning the visitor away shows it ran (and refused) before the database is read.
    expect(page.get_by_text("Please sign in first.").first).to_be_visible()
    assert _scalar(live_app, "SELECT count(*) FROM users WHERE email = :e", e=intruder) == 0
