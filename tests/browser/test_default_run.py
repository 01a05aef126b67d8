"""The README's run command keeps every tap: started as a new user would, in a copy of the tree."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import _free_port
from tests.browser.helpers import at, log_in

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
COPIED = ("miwell", "assets", "alembic", "scripts", "alembic.ini", "rxconfig.py", "requirements.txt", "reflex.lock")


@pytest.fixture(scope="module")
def default_run():
    """``./scripts/run.sh`` exactly as the README says, on a free port, with its own database."""
    workdir = Path(tempfile.mkdtemp(prefix="miwell-run-"))
    for name in COPIED:
        src, dst = ROOT / name, workdir / name
        if src.is_dir():
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", "external"))
        else:
            shutil.copy2(src, dst)
    for tool in (".venv", ".tools"):  # installed already by the test command's own setup
        (workdir / tool).symlink_to(ROOT / tool)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MIWELL_", "REFLEX_", "PYTHONPATH"))}
    env.update(MIWELL_FRONTEND_PORT=str(port), MIWELL_SECRET_KEY="default-run-test", PYTHONUNBUFFERED="1")
    log_path = workdir / "run.log"
    log = open(log_path, "w")
    process = subprocess.Popen(["bash", "scripts/run.sh"], cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600
    while True:
        assert process.poll() is None, f"run.sh exited:\n{log_path.read_text()[-3000:]}"
        try:
            with urllib.request.urlopen(f"{url}/ping", timeout=2), urllib.request.urlopen(url, timeout=2):
                break
        except OSError:
            assert time.monotonic() < deadline, f"run.sh did not serve within 10 minutes:\n{log_path.read_text()[-3000:]}"
            time.sleep(1)
    yield url, workdir / "instance" / "miwell.db", process, log_path
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    shutil.copy(log_path, ROOT / "artifacts" / "browser" / "default-run.log") if (ROOT / "artifacts" / "browser").is_dir() else None
    shutil.rmtree(workdir, ignore_errors=True)


def _processes_of(pid: int) -> set[int]:
    """The run's process group: the same set before and after means nothing restarted."""
    out = subprocess.run(["ps", "-o", "pid=", "-g", str(os.getpgid(pid))], capture_output=True, text=True).stdout
    return {int(p) for p in out.split()}


def _todays_scores(db: Path) -> list[int]:
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute(
            "SELECT e.score FROM mood_entries e JOIN users u ON u.id = e.patient_id WHERE u.email = 'patient@miwell.example' AND e.day = ?",
            (date.today().isoformat(),),
        )]  # fmt: skip


def test_sign_in_and_save_at_once_is_kept_and_database_writes_restart_nothing(browser, default_run):
    url, db, process, log_path = default_run
    context = browser.new_context(base_url=url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(30000)
    page = context.new_page()
    try:
        log_in(page, "patient@miwell.example")
        expect(page).to_have_url(at("/patient"))
        before = _processes_of(process.pid)
        # The two taps a tester made at once, with no waiting in between.
        page.get_by_role("button", name="Low", exact=True).click()
        page.locator("#save-entry").click()
        expect(page.locator("#saved-note")).to_be_visible()
        deadline = time.monotonic() + 20
        while 3 not in _todays_scores(db):
            assert time.monotonic() < deadline, "the save never reached the database"
            time.sleep(0.3)

        # A write to the database file (another save, a sign-in) must not restart the backend.
        with sqlite3.connect(db) as conn:
            conn.execute("INSERT INTO login_throttles (email, source, failures, updated_at) VALUES ('x@y.z', 'test', 1, '2026-01-01')")
            conn.execute("DELETE FROM login_throttles WHERE email = 'x@y.z'")
        db.touch()
        time.sleep(4)
        page.get_by_role("button", name="Sad", exact=True).click()
        page.locator("#save-entry").click()
        expect(page.locator("#saved-note")).to_be_visible()
        assert 2 in _todays_scores(db)
        assert _processes_of(process.pid) == before, "a process of the app was restarted"
        assert not re.search(r"Killing worker|Reloading|reloading", log_path.read_text())
        # The job queue's consumer runs beside the app, from the same one command.
        group = subprocess.run(["ps", "-ww", "-o", "args=", "-g", str(os.getpgid(process.pid))], capture_output=True, text=True).stdout
        assert "huey_consumer miwell.outreach.tasks.huey" in group
        assert "consumer started" in (db.parent / "queue.log").read_text().lower()
    finally:
        context.close()
