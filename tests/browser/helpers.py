"""Steps that browser tests share."""

from __future__ import annotations

import re
import time
import uuid

import pyotp
from playwright.sync_api import Page, expect

from miwell.demo import DEMO_PASSWORD


def at(path: str = "/") -> re.Pattern[str]:
    """The page's URL, with or without the trailing slash a production build adds."""
    return re.compile(r"^https?://[^/]+" + re.escape(path.rstrip("/")) + r"/?(\?.*)?$")


# Authenticator secrets of the accounts the tests set two-step sign-in up for, and the newest
# code step each has used (a code works once, so a second sign-in waits for the next one).
TOTP_SECRETS: dict[str, str] = {}
_LAST_STEP: dict[str, int] = {}
RECOVERY_CODES: dict[str, list[str]] = {}


def totp_code(email: str) -> str:
    """A code the account has not used yet: the next 30-second step's, if this one's is spent."""
    totp = pyotp.TOTP(TOTP_SECRETS[email.lower()])
    while int(time.time()) // 30 <= _LAST_STEP.get(email.lower(), 0):
        time.sleep(0.5)
    _LAST_STEP[email.lower()] = int(time.time()) // 30
    return totp.now()


def log_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Signs in, through two-step sign-in when the account has it (setting it up when required)."""
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_function(
        "() => location.pathname !== '/' || document.querySelector('#login-step-code, #login-step-enrol, #login-error')"
    )
    if page.locator("#login-step-enrol").count():
        secret = page.locator("#totp-secret").inner_text().replace(" ", "")
        TOTP_SECRETS[email.lower()] = secret
        _LAST_STEP.pop(email.lower(), None)  # a new app: no code of it used yet
        page.get_by_label("Code").fill(totp_code(email))
        page.get_by_role("button", name="Turn on and continue").click()
        expect(page.locator("#recovery-codes .recovery-code")).to_have_count(10)
        RECOVERY_CODES[email.lower()] = page.locator("#recovery-codes .recovery-code").all_inner_texts()
        page.get_by_role("button", name="I have kept them: continue").click()
    elif page.locator("#login-step-code").count() and email.lower() in TOTP_SECRETS:
        page.get_by_label("Code").fill(totp_code(email))
        page.get_by_role("button", name="Continue").click()


def log_in_as(page: Page, role: str) -> None:
    log_in(page, f"{role}@miwell.example")
    expect(page).to_have_url(at(f"/{role}"))


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}.{uuid.uuid4().hex[:8]}@example.org"


def register_patient(page: Page, email: str, password: str = "quiet-river-4821", name: str = "Casey Newcomer") -> None:
    page.goto("/register")
    page.get_by_role("radio", name="A patient").click()
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Phone", exact=True).fill("020 7946 0958")
    page.get_by_label("Contact's name").fill("Jo Newcomer")
    page.get_by_label("Contact's phone").fill("0161 496 0999")
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat the password").fill(password)
    page.get_by_role("button", name="Create account").click()


def send_crafted_event(page: Page, handler: str, payload: dict, trigger) -> None:
    """Send an event the page never offers, over the page's own websocket and session.

    Reflex calls ``window.__reflex_otel.onEventSend`` with each outgoing event just before it is
    emitted; the hook swaps the next one for ours, as an attacker editing the socket would.
    ``trigger`` is an action that makes the page send any event (a click, a navigation).
    """
    page.evaluate(
        """([name, payload]) => {
            window.__crafted = {name, payload};
            window.__reflex_otel = {onEventSend: (event) => {
                if (window.__crafted) {
                    event.name = window.__crafted.name;
                    event.payload = window.__crafted.payload;
                    window.__crafted = null;
                }
            }};
        }""",
        [handler, payload],
    )
    trigger()
    page.wait_for_function("() => window.__crafted === null")
    page.wait_for_timeout(1500)  # let the backend handle it before the test looks at the database


def handler_name(state_cls, method: str) -> str:
    """The name the frontend uses for a state's event handler."""
    return f"{state_cls.get_full_name()}.{method}"


def open_calendar(page: Page, day: str = "", view: str = "timeGridWeek") -> None:
    """The staff calendar at the view holding ``day`` (YYYY-MM-DD; today when empty), loaded."""
    query = f"?view={view}" + (f"&date={day}" if day else "")
    page.goto(f"/staff/calendar{query}")
    expect(page.locator("#calendar-box")).to_have_attribute("data-shown", re.compile(rf"^{view} "))


def calendar_range(page: Page) -> tuple[str, str, str]:
    """(view, first day, last day) of what the open calendar shows, as the backend loaded it."""
    view, first, last = page.locator("#calendar-box").get_attribute("data-shown").split()
    return view, first, last


def sql(live_app, statement: str, **params):
    """One statement against the app's database; returns the first column of the first row, if any."""
    from sqlalchemy import create_engine, text

    engine = create_engine(live_app.database_url)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(statement), params)
            return result.scalar() if result.returns_rows else None
    finally:
        engine.dispose()


def register_psychiatrist(page: Page, email: str, name: str = "Dr Casey Applicant", number: str = "7012345") -> None:
    page.goto("/register")
    page.get_by_role("radio", name="A psychiatrist").click()
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Phone", exact=True).fill("020 7946 0958")
    page.get_by_label("GMC registration number").fill(number)
    page.get_by_label("Password", exact=True).fill("quiet-river-4821")
    page.get_by_label("Repeat the password").fill("quiet-river-4821")
    page.get_by_role("button", name="Create account").click()
