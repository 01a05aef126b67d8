"""Render assets/icons/icon.svg to the PNG sizes the web app manifest lists (run once; the PNGs are committed).

    .venv/bin/python scripts/make_icons.py

Uses the same headless Chromium as the browser tests, so no image library is needed.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import sync_playwright

ICONS = Path(__file__).resolve().parent.parent / "assets" / "icons"
SIZES = (48, 72, 96, 128, 144, 152, 180, 192, 256, 384, 512)


def main() -> None:
    svg = (ICONS / "icon.svg").read_text()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for size in SIZES:
            page = browser.new_page(viewport={"width": size, "height": size})
            page.set_content(f"<html><body style='margin:0'><div style='width:{size}px;height:{size}px'>{svg}</div></body></html>")
            page.locator("svg").evaluate(f"e => {{ e.setAttribute('width', {size}); e.setAttribute('height', {size}); }}")
            page.screenshot(path=str(ICONS / f"icon-{size}.png"), omit_background=False)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
