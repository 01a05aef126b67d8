"""How long until a patient's urgent note shows on the psychiatrist's open page.

Starts a production build of the app with the demo data (port 3499), opens two browser sessions
(the demo patient on their home page, their psychiatrist on the dashboard), and has the patient
save an urgent note on today's entry again and again, alternating two risk phrases so that each
edit raises a new alert. The delay of one try runs from the click on Save to the moment the
note appears in the psychiatrist's alert banner, both read from the machine's one clock.

    .venv/bin/python -m benchmarks.alert_delay                  # one backend worker
    .venv/bin/python -m benchmarks.alert_delay --redis redis://127.0.0.1:6379/14   # several, state in Redis
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from tests.browser.server import start_app
from tests.browser.shots import CHROMIUM, LAUNCH_ARGS, log_in

PORT = 3499
PATIENT = "patient@miwell.example"
PSYCHIATRIST = "psychiatrist@miwell.example"
# Alternating phrases gives each edit a reason the previous version did not have: a new alert.
NOTES = ("I have been thinking about suicide", "Some days I want to end it all")

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
    page.wait_for_load_state("networkidle")
    return page


def measure(base: str, tries: int) -> list[float]:
    """Delays in milliseconds, one per try."""
    delays = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        doctor = _open(browser, base, PSYCHIATRIST, "/psychiatrist")
        doctor.wait_for_selector("#patients-table")
        doctor.evaluate(WATCH_BANNER)
        patient = _open(browser, base, PATIENT, "/patient")
        patient.get_by_role("button", name="Low").click()
        for n in range(tries):
            patient.locator("#note").fill(f"{NOTES[n % 2]} (try-{n})")
            patient.locator("#minutes-value").click()  # leave the note box, so its last keystrokes are sent
            started = time.time() * 1000
            patient.get_by_role("button", name="Save").click()
            doctor.wait_for_function(f"window.__seen['{n}'] !== undefined", timeout=30_000, polling=20)
            delays.append(doctor.evaluate(f"window.__seen['{n}']") - started)
            patient.wait_for_selector("#saved-note")
        browser.close()
    return delays


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tries", type=int, default=20)
    parser.add_argument("--redis", default=None, help="Redis URL: Reflex keeps state there and runs several workers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="miwell-bench-") as workdir:
        app = start_app(PORT, args.redis, workdir=Path(workdir))
        try:
            delays = measure(app.url, args.tries)
        finally:
            app.stop()
    mode = f"Redis state, several workers ({args.redis})" if args.redis else "one worker, state on disk"
    print(f"Alert delay over {len(delays)} urgent saves ({mode}):")
    print(f"  median {statistics.median(delays):.0f} ms, worst {max(delays):.0f} ms, best {min(delays):.0f} ms")
    print("  each: " + ", ".join(f"{d:.0f}" for d in delays))
    return 0


if __name__ == "__main__":
    sys.exit(main())
