"""How long until a patient's urgent note shows on the psychiatrist's open page, and what idle pages cost.

For each setup of ``live_common`` (push as shipped, and the earlier half-second polling for the
comparison, with one worker and with two workers sharing state in Redis where the patient and the
psychiatrist are held by different workers) it starts a production build with the demo data and:

1. opens two browser sessions (the demo patient on their home page, their psychiatrist on the
   dashboard) and has the patient save an urgent note again and again, alternating two risk
   phrases so that each edit raises a new alert. The delay of one try runs from the click on Save
   to the moment the note appears in the psychiatrist's alert banner, both read from the
   machine's one clock;
2. opens ``--idle-pages`` psychiatrist dashboards, lets them sit for ``--idle-seconds`` and counts
   the database statements the app ran meanwhile (``MIWELL_QUERY_LOG``).

    .venv/bin/python -m benchmarks.alert_delay                                   # one worker only
    .venv/bin/python -m benchmarks.alert_delay --redis redis://127.0.0.1:6379/13 # and two workers

Goals (issue 10): p95 under 250 ms in every push setup; idle, at most one statement per page per
30 seconds.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from benchmarks.live_common import put_apart, running, setups, table
from tests.browser.shots import CHROMIUM, LAUNCH_ARGS, log_in

PORT = 3499
PATIENT = "patient@miwell.example"
PSYCHIATRIST = "psychiatrist@miwell.example"
# Alternating meanings (suicide, self-harm) gives each edit a reason the previous version did not have: a new alert.
NOTES = ("I have been thinking about suicide", "Some days I want to hurt myself")

# Records, in the psychiatrist's page, when each try's marker first appears in the banner.
WATCH_BANNER = """
() => {
  window.__seen = {};
  const record = () => {
    const text = document.getElementById('risk-alerts')?.innerText || '';
    for (const m of text.matchAll(/try-(\\d+)\\b/g)) {
      if (!(m[1] in window.__seen)) window.__seen[m[1]] = Date.now();
    }
  };
  new MutationObserver(record).observe(document.body, {subtree: true, childList: true, characterData: true});
  record();
}
"""


def _open(browser, base: str, email: str, path: str) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(page, base, email)
    page.goto(base + path)
    page.wait_for_selector('#hydrated[data-state="yes"]', state="attached", timeout=45000)
    return page


def alert_delays(browser, base: str, tries: int, redis_url: str | None) -> list[float]:
    """Delays in milliseconds, one per try."""
    delays = []
    doctor = _open(browser, base, PSYCHIATRIST, "/psychiatrist")
    doctor.wait_for_selector("#patients-table")
    patient = _open(browser, base, PATIENT, "/patient")
    put_apart(doctor, patient, redis_url)
    doctor.evaluate(WATCH_BANNER)
    # The click's own time, taken in the page (Playwright's click() first checks the button).
    patient.evaluate(
        "document.addEventListener('click', e => { if (e.target.closest('#save-entry')) window.__clicked = Date.now(); }, true)"
    )
    patient.get_by_role("button", name="Low", exact=True).click()
    for n in range(tries):
        patient.locator("#note").fill(f"{NOTES[n % 2]} (try-{n})")
        patient.locator("#minutes-value").click()  # leave the note box, so its last keystrokes are sent
        patient.locator("#save-entry").click()
        doctor.wait_for_function(f"window.__seen['{n}'] !== undefined", timeout=60_000, polling=10)
        delays.append(doctor.evaluate(f"window.__seen['{n}']") - patient.evaluate("window.__clicked"))
        patient.wait_for_selector("#saved-note")
    for page in (doctor, patient):
        page.context.close()
    return delays


def idle_statements(browser, base: str, pages: int, seconds: float, query_log: Path) -> int:
    """Statements the app ran while ``pages`` dashboards sat open and nobody did anything."""
    opened = [_open(browser, base, PSYCHIATRIST, "/psychiatrist") for _ in range(pages)]
    time.sleep(3)  # let the pages' own loads finish
    before = _lines(query_log)
    time.sleep(seconds)
    during = _lines(query_log) - before
    for page in opened:
        page.context.close()
    return during


def _lines(path: Path) -> int:
    try:
        with open(path) as fh:
            return sum(1 for _ in fh)
    except FileNotFoundError:
        return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tries", type=int, default=20)
    parser.add_argument("--redis", default=None, help="Redis URL: adds the two-worker setups")
    parser.add_argument("--idle-pages", type=int, default=50)
    parser.add_argument("--idle-seconds", type=float, default=60)
    args = parser.parse_args()
    rows, idle = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        for setup in setups(args.redis):
            with tempfile.TemporaryDirectory() as logs:
                query_log = Path(logs) / "queries.log"
                with running(setup, PORT, query_log) as app:
                    rows.append((setup.name, alert_delays(browser, app.url, args.tries, setup.redis)))
                    count = idle_statements(browser, app.url, args.idle_pages, args.idle_seconds, query_log)
                    idle.append((setup.name, count))
                    print(f"{setup.name}: done", flush=True)
        browser.close()
    table(f"Alert on the psychiatrist's open page, {args.tries} urgent saves each:", rows)
    print(f"\n{args.idle_pages} idle dashboards for {args.idle_seconds:.0f} s: database statements")
    allowed = args.idle_pages * args.idle_seconds / 30
    print(f"  {'setup':<36} {'statements':>10} {'per page per 30 s':>18}  goal at most 1")
    for name, count in idle:
        per = count / args.idle_pages / (args.idle_seconds / 30)
        print(f"  {name:<36} {count:>10} {per:>18.2f}  {'met' if count <= allowed else 'not met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
