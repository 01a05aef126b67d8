"""Hidden buttons are not access control: crafted websocket events must get nothing."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.browser.helpers import (
    at,
    handler_name,
    log_in_as,
    register_patient,
    register_psychiatrist,
    send_crafted_event,
    unique_email,
)

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
    from miwell.accounts.states import AccountState, AdminAccountsState

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
    from miwell.accounts.states import AdminAccountsState

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


def test_a_pending_psychiatrist_cannot_approve_themself_or_touch_the_library(page, live_app):
    import miwell.miwell  # noqa: F401
    from miwell.accounts.states import VettingState
    from miwell.wellbeing.states import TaskLibraryState

    email = unique_email("dr.crafty")
    register_psychiatrist(page, email, name="Dr Crafty Pending")
    expect(page).to_have_url(at("/psychiatrist/status"))
    me = _scalar(live_app, "SELECT id FROM users WHERE email = :e", e=email)
    shipped = _scalar(live_app, "SELECT id FROM wellbeing_tasks WHERE created_by IS NULL ORDER BY id LIMIT 1")
    title = _scalar(live_app, "SELECT title FROM wellbeing_tasks WHERE id = :i", i=shipped)
    for handler, payload in (
        (handler_name(VettingState, "open_decision"), {"psychiatrist_id": me, "action": "approve"}),
        (handler_name(VettingState, "decide"), {"form": {"reason": "I approve myself"}}),
        (handler_name(TaskLibraryState, "set_retired"), {"task_id": shipped, "retired": True}),
        (handler_name(TaskLibraryState, "create"), {"form": {"title": "Crafted", "description": "", "minutes": "5", "band": "low"}}),
    ):
        # The brand link navigates in the page (no reload), which sends the page's load events.
        send_crafted_event(page, handler, payload, trigger=lambda: page.locator("nav a, a").first.click())
    expect(page.locator("#standing-panel")).to_contain_text("awaits approval")
    assert _scalar(live_app, "SELECT standing FROM psychiatrist_profiles WHERE user_id = :i", i=me) == "pending"
    assert _scalar(live_app, "SELECT count(*) FROM psychiatrist_standing_changes WHERE psychiatrist_id = :i", i=me) == 0
    assert _scalar(live_app, "SELECT retired FROM wellbeing_tasks WHERE id = :i", i=shipped) in (False, 0)
    assert _scalar(live_app, "SELECT title FROM wellbeing_tasks WHERE id = :i", i=shipped) == title
    assert _scalar(live_app, "SELECT count(*) FROM wellbeing_tasks WHERE title = 'Crafted'") == 0


def test_a_psychiatrist_cannot_rewrite_a_colleagues_or_a_shipped_task(page, live_app):
    import miwell.miwell  # noqa: F401
    from miwell.wellbeing.states import TaskLibraryState

    log_in_as(page, "psychiatrist")
    page.goto("/psychiatrist/tasks")
    shipped = _scalar(live_app, "SELECT id FROM wellbeing_tasks WHERE created_by IS NULL ORDER BY id LIMIT 1")
    title = _scalar(live_app, "SELECT title FROM wellbeing_tasks WHERE id = :i", i=shipped)
    # The edit dialog is refused for a task that is not theirs, so the id is forced through setvar.
    library = lambda: page.get_by_role("link", name="Task library").click()  # noqa: E731 - sends the page's load events
    send_crafted_event(page, handler_name(TaskLibraryState, "setvar"), {"var_name": "edit_id", "value": shipped}, trigger=library)
    send_crafted_event(
        page,
        handler_name(TaskLibraryState, "save_edit"),
        {"form": {"title": "Hijacked", "description": "x", "minutes": "5", "band": "low"}},
        trigger=library,
    )
    # Control: an ordinary event of theirs on the same socket has run, so the crafted ones have too.
    page.get_by_role("link", name="To review").click()
    expect(page).to_have_url(at("/psychiatrist/review"))
    assert _scalar(live_app, "SELECT title FROM wellbeing_tasks WHERE id = :i", i=shipped) == title
    assert _scalar(live_app, "SELECT count(*) FROM wellbeing_task_versions WHERE task_id = :i", i=shipped) == 0
