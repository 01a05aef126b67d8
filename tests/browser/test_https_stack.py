"""The production stack, as a clinic's IT runs it: ``scripts/serve.sh`` with PostgreSQL, Redis,
two workers and Caddy in front (``tls internal`` on localhost). Chromium goes through
https://localhost: signing in (two-step, as a psychiatrist must), saving an entry, the alert
reaching the psychiatrist's page held by the other worker, and a Secure session cookie."""

from __future__ import annotations

import os
import re
import shutil
import signal
import ssl
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
import redis
from playwright.sync_api import expect

from tests.browser.conftest import _free_port, connected, wait_connected
from tests.browser.server import COPIED, ROOT
from tests.browser.shots import CHROMIUM, LAUNCH_ARGS
from tests.browser.test_live_browser import _apart
from tests.browser.helpers import log_in
from tests.conftest import REDIS_URL, unavailable
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

_INSECURE = ssl.create_default_context()
_INSECURE.check_hostname = False
_INSECURE.verify_mode = ssl.CERT_NONE  # Caddy's local CA: the test trusts it by not checking


def _get(url: str):
    return urllib.request.urlopen(url, timeout=3, context=_INSECURE)


@pytest.fixture(scope="module")
def stack(postgres_server):
    if shutil.which("caddy") is None:
        unavailable("Caddy", "scripts/test.sh installs Debian's caddy with apt-get")
    redis_url = REDIS_URL.rsplit("/", 1)[0] + "/13"
    try:
        redis.Redis.from_url(redis_url).flushdb()
    except redis.RedisError as exc:
        unavailable("Redis", exc)
    workdir = Path(tempfile.mkdtemp(prefix="miwell-stack-"))
    for name in (*COPIED, "scripts", "deploy"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, workdir / name, ignore=shutil.ignore_patterns("__pycache__", "external"))
        else:
            shutil.copy2(src, workdir / name)
    for shared in (".venv", ".tools"):  # set up already: the copy uses them as they are
        (workdir / shared).symlink_to(ROOT / shared)
    database_url = postgres_server.create()
    # The standard ports, as in production: Reflex's pages reach a backend named "localhost"
    # over https on the default port only. Debian's caddy may bind them without root.
    https_port, app_port = 443, _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("MIWELL_", "REFLEX_", "GRANIAN_"))},
        "MIWELL_DATABASE_URL": database_url,
        "REFLEX_REDIS_URL": redis_url,
        "MIWELL_SECRET_KEY": "stack-test-secret-key",
        "MIWELL_HTTPS_PORT": str(https_port),
        "MIWELL_HTTP_PORT": "80",
        "MIWELL_APP_PORT": str(app_port),
        "XDG_DATA_HOME": str(workdir / "caddy-data"),  # Caddy's local CA and certificates
        "XDG_CONFIG_HOME": str(workdir / "caddy-config"),
    }
    log_path = workdir / "serve.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            ["bash", "scripts/serve.sh"], cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = "https://localhost"
    try:
        deadline = time.monotonic() + 600
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"serve.sh stopped:\n{log_path.read_text()[-3000:]}")
            try:
                with _get(f"{url}/ping") as ping, _get(url) as page:
                    if ping.status == page.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the stack did not answer in 600 s:\n{log_path.read_text()[-3000:]}")
            time.sleep(1)
        _accounts(database_url)
        yield url, redis_url, app_port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        shutil.copy(log_path, ROOT / "artifacts" / "serve.log") if (ROOT / "artifacts").is_dir() else None
        shutil.rmtree(workdir, ignore_errors=True)
        postgres_server.drop(database_url)


def _accounts(database_url: str) -> None:
    from miwell.db import make_engine, session_scope
    from tests.factories import make_user

    engine = make_engine(database_url)
    try:
        with session_scope(engine) as s:
            make_user(s, "psychiatrist", email="dr.stack@example.org", name="Dr Stack")
            make_user(s, "patient", email="pat.stack@example.org", name="Pat Stack")
    finally:
        engine.dispose()


def test_the_https_stack_signs_in_saves_and_alerts_across_its_two_workers(stack):
    from playwright.sync_api import sync_playwright

    url, redis_url, app_port = stack
    with _get(url) as response:  # what Caddy adds
        assert "max-age" in response.headers.get("Strict-Transport-Security", "")
    outside = _outside_address()
    if outside is not None:  # the app itself listens on the loopback only: Caddy is the way in
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://{outside}:{app_port}/ping", timeout=2)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            contexts = [browser.new_context(base_url=url, ignore_https_errors=True) for _ in range(2)]
            doctor, patient = (connected(c.new_page()) for c in contexts)
            for page in (doctor, patient):
                page.set_default_timeout(30000)
            log_in(doctor, "dr.stack@example.org", PASSWORD)  # a psychiatrist sets up two-step sign-in
            expect(doctor).to_have_url(re.compile(r"/psychiatrist/?$"), timeout=30000)
            log_in(patient, "pat.stack@example.org", PASSWORD)
            expect(patient).to_have_url(re.compile(r"/patient/?$"), timeout=30000)
            wait_connected(doctor)
            wait_connected(patient)
            client = redis.Redis.from_url(redis_url)
            _apart(doctor, patient, client)
            client.close()

            [cookie] = [c for c in contexts[1].cookies() if c["name"] == "miwell_session"]
            assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Strict"

            note = "I have pills saved up and I am going to take them tonight"
            patient.get_by_role("button", name="Sad", exact=True).click()
            patient.locator("#note").fill(note)
            patient.locator("#save-entry").click()
            expect(patient.locator("#task-card")).to_be_visible(timeout=30000)
            expect(doctor.locator("#risk-alerts")).to_contain_text(note, timeout=15000)
            expect(doctor.locator("#risk-alerts")).to_contain_text("Pat Stack")
        finally:
            browser.close()


def _outside_address() -> str | None:
    """This machine's address on its network (not the loopback), if it has one."""
    import socket

    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            address = s.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") else address
