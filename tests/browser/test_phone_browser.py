"""Phone-first: every patient page fits 360 px, with big targets and no serious accessibility
faults; clinic and clinician pages hold together at a tablet's 768 px; MiWell installs like an app."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in_as, sql

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / ".tools" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "artifacts" / "phone"
PATIENT_PAGES = ["/patient", "/patient/history", "/account"]


def _fits(page) -> None:
    page.wait_for_timeout(300)  # charts and grids settle their size
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{page.url} is {scroll} px wide in a {inner} px window"


def _small_targets(page) -> list[str]:
    """Buttons and the bottom bar's links under 44 x 44 px (inline text links are exempt)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('main button, main [role=radio], .bottom-bar a, header button, nav button, #nav-menu')]
            .filter(e => e.checkVisibility())
            .map(e => [e, e.getBoundingClientRect()])
            .filter(([e, r]) => r.height < 44 || r.width < 44)
            .map(([e, r]) => `${(e.innerText || e.getAttribute('aria-label') || e.id).trim()} ${Math.round(r.width)}x${Math.round(r.height)}`)"""
    )


def _axe(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result
        if v["impact"] in ("critical", "serious")
    ]


def test_every_patient_page_fits_a_phone_with_big_targets_and_no_serious_accessibility_faults(new_page):
    if not AXE.exists():
        pytest.fail("axe-core is missing; scripts/test.sh installs it into .tools")
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone = new_page(360, 740)
    log_in_as(phone, "patient")
    problems = []
    for path in PATIENT_PAGES:
        phone.goto(path)
        expect(phone.locator("main")).to_be_visible()
        _fits(phone)
        small = _small_targets(phone)
        if small:
            problems.append(f"{path}: small targets {small}")
        faults = _axe(phone)
        if faults:
            problems.append(f"{path}: {faults}")
        phone.screenshot(path=str(SHOTS / f"patient{path.replace('/', '_')}-360.png"), full_page=True)
    # The bottom bar is the patient's navigation on a phone, and it marks the page they are on.
    expect(phone.locator(".bottom-bar a[aria-current=page]")).to_have_text("Account")
    assert problems == []
    desk = new_page(1280, 900)
    log_in_as(desk, "patient")
    for path in PATIENT_PAGES:
        desk.goto(path)
        _fits(desk)
        desk.screenshot(path=str(SHOTS / f"patient{path.replace('/', '_')}-1280.png"), full_page=True)


def test_the_year_in_pixels_opens_on_the_recent_weeks_and_names_a_tapped_day(new_page):
    phone = new_page(360, 740)
    log_in_as(phone, "patient")
    phone.goto("/patient/history")
    grid = phone.locator("#year-pixels-scroll")
    expect(grid).to_be_visible()
    phone.wait_for_function(
        "() => { const e = document.getElementById('year-pixels-scroll'); return e && e.scrollLeft + e.clientWidth >= e.scrollWidth - 2 && e.scrollLeft > 0; }"
    )
    last_day = phone.locator(".pixel-day[data-day]").last
    last_day.click()
    expect(phone.locator("#picked-day")).to_contain_text(last_day.get_attribute("title").split(":")[0])


@pytest.mark.parametrize("role", ["psychiatrist", "staff", "admin"])
def test_clinic_and_clinician_pages_hold_together_on_a_tablet(new_page, live_app, role):
    pages = {
        "psychiatrist": ["/psychiatrist", "/psychiatrist/review", "/psychiatrist/tasks", "/account"],
        "staff": ["/staff", "/staff/calendar", "/staff/doctors", "/staff/patients", "/staff/clients", "/staff/reports"],
        "admin": ["/admin", "/admin/psychiatrists", "/admin/organisations", "/admin/tasks"],
    }[role]
    if role == "psychiatrist":
        patient = sql(live_app, "SELECT id FROM users WHERE email = 'patient@miwell.example'")
        pages.append(f"/psychiatrist/patients/{patient}")
    if role == "staff":
        pages.append(f"/staff/doctors/{sql(live_app, 'SELECT min(id) FROM doctors')}")
    tablet = new_page(768, 1024)
    log_in_as(tablet, role)
    for path in pages:
        tablet.goto(path)
        expect(tablet.locator("main")).to_be_visible()
        _fits(tablet)


def test_miwell_installs_like_an_app(live_app, page):
    with urllib.request.urlopen(f"{live_app.url}/manifest.webmanifest") as response:
        manifest = json.load(response)
    assert (manifest["display"], manifest["start_url"], manifest["theme_color"]) == ("standalone", "/patient", "#0d9488")
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes and any(i.get("purpose") == "maskable" for i in manifest["icons"])
    for icon in manifest["icons"]:
        with urllib.request.urlopen(f"{live_app.url}{icon['src']}") as response:
            assert response.status == 200 and response.read(4)
    page.goto("/")
    assert page.locator("link[rel=manifest]").get_attribute("href") == "/manifest.webmanifest"
    assert page.locator("meta[name=theme-color]").get_attribute("content") == "#0d9488"
