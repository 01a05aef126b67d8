"""Browser tests: Playwright drives Debian's Chromium against a production build of the app.

One app serves the whole browser session (building it takes a while). It uses Redis for
Reflex's state where Redis is reachable, and must under CI=true, as production would
with several workers.
"""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.server import RunningApp, start_app
from tests.browser.shots import CHROMIUM, LAUNCH_ARGS
from tests.conftest import IN_CI, REDIS_URL, unavailable

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "browser"


# Assertions wait as long as actions do: a loaded 2-core CI machine is slow to redirect.
expect.set_options(timeout=20000)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_for_app() -> str | None:
    import redis

    url = os.environ.get("MIWELL_BROWSER_REDIS_URL", REDIS_URL.rsplit("/", 1)[0] + "/14")
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.ping()
        client.close()
        return url
    except Exception as exc:
        if IN_CI:
            pytest.fail(f"Redis is not reachable for the browser app ({exc}); CI requires it", pytrace=False)
        return None


@pytest.fixture(scope="session")
def live_app() -> Iterator[RunningApp]:
    if not os.path.exists(CHROMIUM):
        unavailable("Chromium", f"{CHROMIUM} is missing; scripts/test.sh installs it with apt-get")
    app = start_app(_free_port(), redis_url=_redis_for_app())
    yield app
    app.stop()
    # Keep the app's log for a post-mortem, not its 15 MB build.
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(app.log_path, ARTIFACTS / "reflex.log")
    shutil.rmtree(app.workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def browser(live_app):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_app, request):
    """Pages in fresh browser contexts (separate cookies, like separate people)."""
    contexts = []

    def make(width: int = 1280, height: int = 900):
        context = browser.new_context(viewport={"width": width, "height": height}, base_url=live_app.url)
        context.set_default_timeout(20000)
        contexts.append(context)
        return connected(context.new_page())

    yield make
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for i, context in enumerate(contexts):
        if failed:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            for j, page in enumerate(context.pages):
                page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{i}-{j}.png"), full_page=True)
        context.close()


def connected(page):
    """``page.goto`` returns once the page has its websocket and state (Reflex's hydration).

    On a loaded machine the socket can take many seconds to connect; acting before it has would
    race it. The marker is ``layout.connection_marker``.
    """
    goto = page.goto

    def goto_and_wait(url, **kwargs):
        response = goto(url, **kwargs)
        wait_connected(page)
        return response

    page.goto = goto_and_wait
    return page


def wait_connected(page, timeout: float = 45000) -> None:
    page.wait_for_selector('#hydrated[data-state="yes"]', state="attached", timeout=timeout)


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report
