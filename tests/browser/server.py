"""Start a production build of MiWell in a private copy of the tree, for browser tests and screenshots.

The copy has its own `.web`, so it never disturbs a developer's running `reflex run`, and its own
database, migrated and loaded with the demo data.

    python -m tests.browser.server --port 3200          # serve until Ctrl-C, prints the URL
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COPIED = ("miwell", "assets", "alembic", "alembic.ini", "rxconfig.py", "requirements.txt", "reflex.lock")


@dataclass
class RunningApp:
    url: str
    workdir: Path
    process: subprocess.Popen
    log_path: Path
    database_url: str

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def _env(port: int, database_url: str, redis_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        MIWELL_DATABASE_URL=database_url,
        MIWELL_FRONTEND_PORT=str(port),
        MIWELL_BACKEND_PORT=str(port),  # prod serves both on one port
        MIWELL_SECRET_KEY=env.get("MIWELL_SECRET_KEY") or "browser-test-secret",
        REFLEX_USE_SYSTEM_BUN="1",
        REFLEX_TELEMETRY_ENABLED="false",
        REFLEX_CHECK_LATEST_VERSION="0",
        NPM_CONFIG_REGISTRY=env.get("NPM_CONFIG_REGISTRY") or "https://registry.npmjs.org/",
        PATH=f"{ROOT / '.tools/node_modules/.bin'}:{ROOT / '.venv/bin'}:{env.get('PATH', '')}",
        PYTHONUNBUFFERED="1",
    )
    env.pop("PYTHONPATH", None)
    if redis_url:
        env["REFLEX_REDIS_URL"] = redis_url
        # Several backend workers share the users' state through Redis, as in production: the
        # live tests put two users on two different workers.
        env.setdefault("GRANIAN_WORKERS", "2")
    else:
        env.pop("REFLEX_REDIS_URL", None)
    return env


def start_app(
    port: int,
    redis_url: str | None = None,
    timeout: float = 600.0,
    workdir: Path | None = None,
    extra_env: dict[str, str] | None = None,
) -> RunningApp:
    workdir = workdir or Path(tempfile.mkdtemp(prefix="miwell-app-"))
    for name in COPIED:
        src = ROOT / name
        dst = workdir / name
        if src.is_dir():
            # `external` holds Reflex's links to shared assets; the copy makes its own.
            shutil.copytree(src, dst, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__", "external"))
        elif src.exists():
            shutil.copy2(src, dst)
    database_url = f"sqlite:///{workdir / 'miwell.db'}"
    env = _env(port, database_url, redis_url)
    env.update(extra_env or {})
    python = str(ROOT / ".venv/bin/python")
    for args in (["-m", "alembic", "upgrade", "head"], ["-m", "miwell.demo"]):
        done = subprocess.run([python, *args], cwd=workdir, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"`python {' '.join(args)}` failed:\n{done.stdout}\n{done.stderr}")
    log_path = workdir / "reflex.log"
    log = open(log_path, "w")
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/reflex"), "run", "--env", "prod", "--loglevel", "info"],
        cwd=workdir,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    app = RunningApp(f"http://127.0.0.1:{port}", workdir, process, log_path, database_url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The app exited while starting:\n{app.log_tail()}")
        try:
            with urllib.request.urlopen(f"{app.url}/ping", timeout=2) as r1, urllib.request.urlopen(app.url, timeout=2) as r2:
                if r1.status == 200 and r2.status == 200:
                    return app
        except OSError:
            pass
        time.sleep(1)
    app.stop()
    raise RuntimeError(f"The app did not answer within {timeout:.0f} s:\n{app.log_tail()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=3200)
    parser.add_argument("--redis", default=None, help="Redis URL for Reflex's state (optional)")
    args = parser.parse_args()
    app = start_app(args.port, args.redis)
    print(f"MiWell is up at {app.url} (copy in {app.workdir}, log {app.log_path}). Ctrl-C stops it.", flush=True)
    try:
        app.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        app.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
