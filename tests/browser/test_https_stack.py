"""The production stack, as a clinic's IT runs it: ``scripts/serve.sh`` with PostgreSQL, Redis,
two workers and Caddy in front (``tls internal`` on localhost). Chromium goes through
https://localhost: signing in (two-step, as a psychiatrist must), saving an entry, the alert
reaching the psychiatrist's page held by the other worker, and a Secure session cookie."""

from __future__ import annotations

import asyncio
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
from tests.browser.test_live_browser import _apart
from tests.browser.helpers import log_in
from miwell.settings import get_settings
from tests.conftest import REDIS_URL, unavailable
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

_INSECURE = ssl.create_default_context()
_INSECURE.check_hostname = False
_INSECURE.verify_mode = ssl.CERT_NONE  # Caddy's local CA: the test trusts it by not checking


def _get(url: str):
    return urllib.request.urlopen(url, timeout=3, context=_INSECURE)


class Stack:
    """``scripts/serve.sh`` in a copy of the tree: started, stopped, started again."""

    def __init__(self, workdir: Path, env: dict[str, str]):
        self.workdir, self.env, self.process = workdir, env, None
        self.url = "https://localhost"
        self.log_path = workdir / "serve.log"

    def start(self) -> None:
        log = open(self.log_path, "a")
        self.process = subprocess.Popen(
            ["bash", "scripts/serve.sh"], cwd=self.workdir, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 600
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve.sh stopped:\n{self.log_path.read_text()[-3000:]}")
            try:
                with _get(f"{self.url}/ping") as ping, _get(self.url) as page:
                    if ping.status == page.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the stack did not answer in 600 s:\n{self.log_path.read_text()[-3000:]}")
            time.sleep(0.5)

    def stop(self) -> None:
        """As an operator stops it (SIGTERM): workers finish their events first."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


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
    app_port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("MIWELL_", "REFLEX_", "GRANIAN_"))},
        "MIWELL_DATABASE_URL": database_url,
        "REFLEX_REDIS_URL": redis_url,
        # The test's own key: sessions it opens for its simulated patients are the app's too.
        "MIWELL_SECRET_KEY": get_settings().secret_key,
        # The standard ports, as in production: Reflex's pages reach a backend named "localhost"
        # over https on the default port only. Debian's caddy may bind them without root.
        "MIWELL_HTTPS_PORT": "443",
        "MIWELL_HTTP_PORT": "80",
        "MIWELL_APP_PORT": str(app_port),
        "XDG_DATA_HOME": str(workdir / "caddy-data"),  # Caddy's local CA and certificates
        "XDG_CONFIG_HOME": str(workdir / "caddy-config"),
    }
    running = Stack(workdir, env)
    try:
        running.start()
        _accounts(database_url)
        running.database_url, running.redis_url, running.app_port = database_url, redis_url, app_port
        yield running
    finally:
        running.stop()
        if (ROOT / "artifacts").is_dir():
            shutil.copy(running.log_path, ROOT / "artifacts" / "serve.log")
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


def test_the_https_stack_signs_in_saves_and_alerts_across_its_two_workers(stack, browser):
    url, redis_url, app_port = stack.url, stack.redis_url, stack.app_port
    with _get(url) as response:  # what Caddy adds
        assert "max-age" in response.headers.get("Strict-Transport-Security", "")
    outside = _outside_address()
    if outside is not None:  # the app itself listens on the loopback only: Caddy is the way in
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://{outside}:{app_port}/ping", timeout=2)

    # The suite's Chromium (one Playwright per process), in contexts of their own.
    contexts = [browser.new_context(base_url=url, ignore_https_errors=True) for _ in range(2)]
    try:
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
        for context in contexts:
            context.close()


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


def _run_apart(coroutine_function):
    """asyncio.run in a thread of its own: the suite's sync Playwright owns this thread's loop."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(coroutine_function())).result()


async def _until_shown(tab, shown, seconds: float = 30) -> None:
    """Asks the page again until it shows what `shown` looks for. Reflex 0.10's updates carry no
    mark of the event they answer, so the update after an event may still be an earlier one's."""
    deadline = time.monotonic() + seconds
    while not shown(tab) and time.monotonic() < deadline:
        await tab.send("keep_alive", measure=False)
        await asyncio.sleep(0.2)


def test_a_restart_under_load_loses_no_session_and_no_saved_entry(stack):
    """The stack is stopped (as an operator stops it) while patients keep saving, and started
    again: every save that was answered is in the database, every tab is still signed in, and a
    note typed but not yet saved is still in its tab's state (kept in Redis), so Save saves it."""
    from benchmarks.load import Person, Tab, _names
    from miwell.accounts import services as accounts
    from miwell.db import make_engine, session_scope
    from miwell.wellbeing.models import MoodEntry, MoodEntryVersion
    from sqlmodel import select
    from tests.factories import make_user

    names = _names()
    engine = make_engine(stack.database_url)
    with session_scope(engine) as s:
        people = []
        for i in range(6):
            user = make_user(s, "patient", email=f"restart.{i}@example.org", name=f"Restart Patient {i}")
            people.append(Person("patient", user.id, accounts.start_session(s, user.id), "/patient"))
    savers, typists = people[:3], people[3:]
    answered: dict[int, list[str]] = {p.user_id: [] for p in savers}

    async def keep_saving(tab: Tab, stopped: asyncio.Event) -> None:
        k = 0
        while not stopped.is_set():
            note = f"saved {k} by {tab.person.user_id}"
            try:
                await tab.send("choose_mood", {"score": 4})
                await tab.send("set_note", {"value": note})
                await tab.send("save")
            except Exception:  # noqa: BLE001 - the socket went away with the stopping server
                return
            # Confirmed as the page shows it: "Saved", with this note (an update may also be a
            # late answer to an earlier event, or an error).
            if tab.var("saved_note") == note and tab.var("saved") is True:
                answered[tab.person.user_id].append(note)
            k += 1

    async def across_the_stop() -> list[str]:
        tabs = [Tab(stack.url, p, names, ssl_verify=False, timeout=5) for p in people]
        await asyncio.gather(*(t.open() for t in tabs))
        await asyncio.gather(*(t.send("keep_alive", measure=False) for t in tabs))
        typing = [t for t in tabs if t.person in typists]
        # Chosen and typed, not saved: only the tab's state (in Redis) holds it.
        await asyncio.gather(*(t.send("choose_mood", {"score": 5}) for t in typing))
        await asyncio.gather(*(t.send("set_note", {"value": f"typed by {t.person.user_id}"}) for t in typing))
        # An update may be a late answer to an earlier event: wait until each tab shows what was typed.
        await asyncio.gather(*(_until_shown(t, lambda t: t.var("note") == f"typed by {t.person.user_id}" and t.var("score") == 5) for t in typing))
        stopped = asyncio.Event()
        saving = [asyncio.create_task(keep_saving(t, stopped)) for t in tabs if t.person in savers]
        await asyncio.sleep(2)  # under way
        await asyncio.to_thread(stack.stop)
        stopped.set()
        await asyncio.gather(*saving)
        await asyncio.gather(*(t.close() for t in tabs), return_exceptions=True)
        return [t.token for t in tabs]

    tokens = _run_apart(across_the_stop)
    assert all(answered.values()), "the patients saved nothing before the stop"
    stack.start()

    async def after_the_start() -> list[dict]:
        tabs = [Tab(stack.url, p, names, token=token, ssl_verify=False) for p, token in zip(people, tokens)]
        await asyncio.gather(*(t.open() for t in tabs))
        await asyncio.gather(*(t.send("keep_alive", measure=False) for t in tabs))
        await asyncio.gather(*(t.send("save") for t in tabs if t.person in typists))  # no note sent: the typed one
        # Saved as the page shows it (or its error), not merely the next update to arrive.
        await asyncio.gather(*(_until_shown(t, lambda t: t.var("saved") is True or bool(t.var("error"))) for t in tabs if t.person in typists))
        await asyncio.gather(*(t.send("keep_alive", measure=False) for t in tabs))  # and every update read
        deltas = [t.delta for t in tabs]
        await asyncio.gather(*(t.close() for t in tabs), return_exceptions=True)
        return deltas

    deltas = _run_apart(after_the_start)
    with session_scope(engine) as s:
        for person, delta in zip(people, deltas):
            roles = [v for d in delta.values() for k, v in d.items() if k.startswith("user_role_rx_state_")]
            assert roles and roles[-1] == "patient", f"patient {person.user_id} lost their session"
            entry = s.exec(select(MoodEntry).where(MoodEntry.patient_id == person.user_id)).first()
            assert entry is not None, f"patient {person.user_id}: nothing saved (what was chosen before the restart was lost?)"
            if person in typists:
                assert entry.note == f"typed by {person.user_id}", "what was typed before the restart was lost"
                continue
            kept = {v.note for v in s.exec(select(MoodEntryVersion).where(MoodEntryVersion.entry_id == entry.id)).all()}
            missing = set(answered[person.user_id]) - kept - {entry.note}
            assert not missing, f"answered saves missing after the restart: {missing}"
    engine.dispose()
