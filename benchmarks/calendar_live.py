"""How long until a booking made at one desk shows on another receptionist's open calendar.

For each setup of ``live_common`` (push as shipped, and the earlier one-second polling of the
calendar version for the comparison, with one worker and with two workers sharing state in Redis
where the two desks are held by different workers): two receptionists open the same week; the
first books free slot after free slot; the delay of one try runs from the click on Book to the
moment the new booking appears on the second desk's calendar, both read in the pages from the
machine's one clock.

    .venv/bin/python -m benchmarks.calendar_live
    .venv/bin/python -m benchmarks.calendar_live --redis redis://127.0.0.1:6379/13

Goal (issue 10): p95 under 250 ms in every push setup.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta

from playwright.sync_api import Page, sync_playwright

from benchmarks.live_common import put_apart, running, setups, table
from tests.browser.shots import CHROMIUM, LAUNCH_ARGS, log_in

PORT = 3498
DESKS = ("staff@miwell.example", "reception2@miwell.example")

# Records, in the second desk's page, when each appointment first appears on its calendar.
WATCH_CALENDAR = """
() => {
  window.__seen = {};
  const record = () => {
    for (const el of document.querySelectorAll('[data-event-id^="appointment-"]')) {
      const id = el.dataset.eventId;
      if (!(id in window.__seen)) window.__seen[id] = Date.now();
    }
  };
  record();
  window.__known = Object.keys(window.__seen);
  new MutationObserver(record).observe(document.body, {subtree: true, childList: true, attributes: true});
}
"""


def _week(page: Page, base: str, monday: date) -> None:
    page.goto(f"{base}/staff/calendar?view=timeGridWeek&date={monday.isoformat()}")
    page.wait_for_selector('#hydrated[data-state="yes"]', state="attached", timeout=45000)
    page.wait_for_selector(".mw-free-slot", timeout=45000)


def booking_delays(browser, base: str, tries: int, redis_url: str | None) -> list[float]:
    monday = date.today() + timedelta(days=14 - date.today().weekday())
    first, second = (browser.new_context(viewport={"width": 1280, "height": 900}).new_page() for _ in DESKS)
    for page, email in zip((first, second), DESKS):
        log_in(page, base, email)
        _week(page, base, monday)
    put_apart(first, second, redis_url)
    _week(second, base, monday)
    second.evaluate(WATCH_CALENDAR)
    # The click's own time, taken in the page: Playwright's click() first waits for the dialog's
    # opening animation to settle, which is not part of the delay a receptionist sees.
    first.evaluate(
        "document.addEventListener('click', e => { if (e.target.closest('#book-button')) window.__clicked = Date.now(); }, true)"
    )
    delays = []
    for _ in range(tries):
        first.locator(".mw-free-slot").first.click()
        first.wait_for_selector("#booking-dialog")
        # The first option that is a clinic patient (the list also offers "+ New patient...").
        first.wait_for_function("document.querySelectorAll('#patient_id option').length > 2")
        patient_id = first.evaluate(
            "[...document.querySelectorAll('#patient_id option')].map(o => o.value).find(v => /^[0-9]+$/.test(v))"
        )
        first.locator("#patient_id").select_option(patient_id)
        known = second.evaluate("Object.keys(window.__seen).length")
        first.locator("#book-button").click()
        second.wait_for_function(f"Object.keys(window.__seen).length > {known}", timeout=60_000, polling=10)
        newest = second.evaluate("Math.max(...Object.values(window.__seen))")
        delays.append(newest - first.evaluate("window.__clicked"))
        first.wait_for_selector("#booking-dialog", state="hidden")
    for page in (first, second):
        page.context.close()
    return delays


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tries", type=int, default=15)
    parser.add_argument("--redis", default=None, help="Redis URL: adds the two-worker setups")
    args = parser.parse_args()
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        for setup in setups(args.redis):
            with running(setup, PORT) as app:
                rows.append((setup.name, booking_delays(browser, app.url, args.tries, setup.redis)))
                print(f"{setup.name}: done", flush=True)
        browser.close()
    table(f"A booking on another desk's open calendar, {args.tries} bookings each:", rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
