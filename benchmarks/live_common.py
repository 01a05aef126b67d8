"""What the live benchmarks share: the app started in each setup, and tabs put on chosen workers.

Setups, each a production build with the demo data:

- ``push, 1 worker``: the design as shipped, state on disk, notices in-process;
- ``poll, 1 worker``: the earlier design, for the comparison in the same run: no notices, every
  open page reads its signature every half second (``MIWELL_PUSH=0``,
  ``MIWELL_SAFETY_POLL_SECONDS=0.5``);
- ``push, 2 workers + Redis`` and ``poll, 2 workers + Redis``: the users' state in Redis, two
  backend workers, and the two users' tabs held by different workers (Reflex records in Redis which
  worker holds each tab's socket; a tab is reloaded until the two differ).
"""

from __future__ import annotations

import pickle
import statistics
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.browser.server import RunningApp, start_app

GOAL_MS = 250


@dataclass(frozen=True)
class Setup:
    name: str
    push: bool
    redis: str | None

    def env(self, query_log: Path | None = None) -> dict[str, str]:
        env = {"MIWELL_PUSH": "1" if self.push else "0", "MIWELL_SAFETY_POLL_SECONDS": "30" if self.push else "0.5"}
        if self.redis:
            env["GRANIAN_WORKERS"] = "2"
        if query_log is not None:
            env["MIWELL_QUERY_LOG"] = str(query_log)
        return env


def setups(redis_url: str | None) -> list[Setup]:
    chosen = [Setup("push, 1 worker", True, None), Setup("poll, 1 worker (before)", False, None)]
    if redis_url:
        chosen += [Setup("push, 2 workers + Redis", True, redis_url), Setup("poll, 2 workers + Redis (before)", False, redis_url)]
    return chosen


@contextmanager
def running(setup: Setup, port: int, query_log: Path | None = None) -> Iterator[RunningApp]:
    with tempfile.TemporaryDirectory(prefix="miwell-bench-") as workdir:
        app = start_app(port, setup.redis, workdir=Path(workdir), extra_env=setup.env(query_log))
        try:
            yield app
        finally:
            app.stop()


def worker_of(page, redis_client) -> str:
    token = page.evaluate("window.sessionStorage.getItem('token')")
    for _ in range(100):
        raw = redis_client.get(f"token_manager_socket_record_{token}")
        if raw:
            return pickle.loads(raw).instance_id
        page.wait_for_timeout(50)
    raise RuntimeError("the tab's socket record never reached Redis")


def put_apart(first, second, redis_url: str | None) -> None:
    """Reload ``second`` until another worker than ``first``'s holds its socket (no-op without Redis)."""
    if not redis_url:
        return
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        held = worker_of(first, client)
        for _ in range(40):
            if worker_of(second, client) != held:
                return
            second.reload()
            second.wait_for_selector('#hydrated[data-state="yes"]', state="attached", timeout=45000)
        raise RuntimeError("the two tabs never landed on different workers")
    finally:
        client.close()


def summary(delays: list[float]) -> tuple[float, float, float]:
    """(median, p95, worst) in ms; p95 by the nearest-rank method."""
    ordered = sorted(delays)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return statistics.median(ordered), p95, ordered[-1]


def table(title: str, rows: list[tuple[str, list[float]]]) -> None:
    print(f"\n{title}")
    print(f"  {'setup':<36} {'median':>8} {'p95':>8} {'worst':>8}  goal p95 < {GOAL_MS} ms")
    for name, delays in rows:
        median, p95, worst = summary(delays)
        verdict = "met" if p95 < GOAL_MS else "not met"
        print(f"  {name:<36} {median:>6.0f}ms {p95:>6.0f}ms {worst:>6.0f}ms  {verdict}")
