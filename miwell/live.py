"""Keeping open pages live: which tabs of this worker show which topics, and refreshing them.

A page subscribes its tab (its Reflex client token) to the topics it shows when it loads, which
Reflex does again on every websocket (re)connect, on the worker that holds the socket. One task per
worker (``run``, a lifespan task of the app) listens on ``miwell.push``'s channel and, for each
notice, refreshes that worker's subscribed tabs through ``app.modify_state``: the page reloads what
it shows from the database and Reflex sends the difference to the browser.

A subscription may also ask for a *safety check*: a cheap signature (one indexed query) read every
``MIWELL_SAFETY_POLL_SECONDS`` (30 by default), which refreshes the tab only when it changed. It is
the net under the alerts, for a notice lost while a worker restarted or Redis blinked.

``MIWELL_PUSH=0`` turns delivery off and, with a short safety interval, gives back the old design
(every page polls): the benchmarks compare the two in one run.

States register ``Refresh`` callbacks here; this module never imports them, nor the app.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from miwell import push

log = logging.getLogger(__name__)

# (app, client token) -> refresh that tab's page from the database
Refresh = Callable[[Any, str], Awaitable[None]]
# () -> a cheap signature of what the page shows; a change means "refresh"
Check = Callable[[], Any]


def push_enabled() -> bool:
    return os.environ.get("MIWELL_PUSH", "1").strip().lower() not in ("0", "false", "no", "off")


def safety_seconds() -> float:
    try:
        return max(0.1, float(os.environ.get("MIWELL_SAFETY_POLL_SECONDS", "30")))
    except ValueError:
        return 30.0


@dataclass
class _Tab:
    refresh: Refresh
    topics: frozenset[str]
    check: Check | None = None
    signature: Any = None
    checked_at: float = field(default_factory=time.monotonic)


_tabs: dict[str, _Tab] = {}
_app: Any = None


def subscribe(client_token: str, topics: set[str] | frozenset[str], refresh: Refresh, check: Check | None = None) -> None:
    """The tab shows these topics (replacing what it showed before); ``check`` adds a safety poll."""
    if not client_token:
        return
    tab = _Tab(refresh, frozenset(topics), check)
    if check is not None:
        try:
            tab.signature = check()
        except Exception:
            log.exception("A safety check failed while subscribing; the next one tries again")
    _tabs[client_token] = tab


def unsubscribe(client_token: str) -> None:
    _tabs.pop(client_token, None)


def subscribed(client_token: str) -> frozenset[str]:
    tab = _tabs.get(client_token)
    return tab.topics if tab else frozenset()


def _held_here(app: Any, client_token: str) -> bool:
    """Whether this worker holds the tab's websocket (another worker refreshes it otherwise)."""
    namespace = getattr(app, "event_namespace", None)
    manager = getattr(namespace, "_token_manager", None)
    if manager is None:
        return True
    record = manager.token_to_socket.get(client_token)
    return record is not None and getattr(record, "instance_id", None) == getattr(manager, "instance_id", None)


async def _refresh(app: Any, client_token: str, tab: _Tab, recheck: bool = False) -> None:
    try:
        await tab.refresh(app, client_token)
        if recheck and tab.check is not None:
            # The page shows the change now: the safety check must not refresh it a second time.
            tab.signature = await asyncio.to_thread(tab.check)
    except Exception:  # one broken page must not stop the others
        log.exception("Refreshing a live page failed")


def _dispatch(app: Any, topics: list[str]) -> None:
    wanted = set(topics)
    for client_token, tab in list(_tabs.items()):
        if not tab.topics & wanted:
            continue
        if not _held_here(app, client_token):
            _tabs.pop(client_token, None)  # gone, or moved to another worker (which re-subscribed it)
            continue
        asyncio.create_task(_refresh(app, client_token, tab, recheck=True))


async def _listen(app: Any) -> None:
    while True:
        try:
            async for topics in push.channel().listen():
                _dispatch(app, topics)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("The push channel failed; listening again in a second")
            await asyncio.sleep(1)


async def _safety(app: Any) -> None:
    """Every tab with a check: one cheap query per interval, a refresh only when it moved."""
    while True:
        interval = safety_seconds()
        await asyncio.sleep(min(interval, 1.0))
        now = time.monotonic()
        for client_token, tab in list(_tabs.items()):
            if tab.check is None or now - tab.checked_at < interval:
                continue
            tab.checked_at = now
            if not _held_here(app, client_token):
                _tabs.pop(client_token, None)
                continue
            try:
                signature = await asyncio.to_thread(tab.check)
            except Exception:
                log.exception("A safety check failed")
                continue
            if signature != tab.signature:
                tab.signature = signature
                asyncio.create_task(_refresh(app, client_token, tab))


async def run(app: Any) -> None:
    """The app's lifespan task (one per worker): deliver notices and run the safety checks."""
    global _app
    _app = app
    tasks = [asyncio.create_task(_safety(app))]
    if push_enabled():
        tasks.append(asyncio.create_task(_listen(app)))
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
