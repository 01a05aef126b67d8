"""Steps that browser tests share."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

from miwell.demo import DEMO_PASSWORD


def at(path: str = "/") -> re.Pattern[str]:
    """The page's URL, with or without the trailing slash a production build adds."""
    return re.compile(r"^https?://[^/]+" + re.escape(path.rstrip("/")) + r"/?(\?.*)?$")


def log_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


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
    page.get_by_label("Phone").first.fill("020 7946 0958")
    page.get_by_label("Contact's name").fill("Jo Newcomer")
    page.get_by_label("Contact's phone").fill("0161 496 0999")
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat the password").fill(password)
    page.get_by_role("button", name="Create account").click()
