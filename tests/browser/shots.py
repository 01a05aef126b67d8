"""Screenshots of pages as a given demo user, to look at what we ship.

    python -m tests.browser.shots http://127.0.0.1:3200 staff /staff /account --out artifacts/shots

The role is one of the demo logins (patient, psychiatrist, staff, admin) or "anon".
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from miwell.demo import DEMO_PASSWORD

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def log_in(page, base: str, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(base + "/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(
        lambda url: not url.rstrip("/").endswith(base.split("//")[1]) and "/register" not in url and "/session/" not in url,
        timeout=30000,
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("role")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--out", default="artifacts/shots")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--viewport", action="store_true", help="only what the screen shows, not the whole page")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": args.height})
        if args.role != "anon":
            log_in(page, args.base, f"{args.role}@miwell.example")
        for path in args.paths:
            page.goto(args.base + path)
            page.wait_for_selector('#hydrated[data-state="yes"]', state="attached", timeout=45000)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(1500)
            suffix = (f"-{args.width}" if args.width != 1280 else "") + ("-top" if args.viewport else "")
            name = out / f"{args.role}{path.replace('/', '_').replace('?', '_') or '_root'}{suffix}.png"
            page.screenshot(path=str(name), full_page=not args.viewport)
            print(name)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
