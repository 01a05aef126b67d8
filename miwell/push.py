"""Change notices from the services to the pages that show the changed data.

A service that changes what some open page shows (a saved entry, an alert, a booking) names a
*topic* (``psychiatrist:7``, ``organisation:2``, ``user:7``) with ``publish_after_commit``. Once the
transaction has committed, and never if it rolled back, the topics go out on a channel: in-process
when MiWell runs as one backend worker, Redis pub/sub when ``REFLEX_REDIS_URL`` is set and several
workers share the users' state. Each worker listens (``miwell.live``) and refreshes the pages it
holds that subscribed to those topics.

A notice carries only topic names, never data: the page reloads what it shows from the database,
so a late, doubled or lost notice can make a page refresh too often or wait for the safety poll,
but never show something wrong. No Reflex here: the services import this module.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from collections.abc import AsyncIterator, Iterable
from typing import Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

CHANNEL = "miwell:push"
_PENDING = "miwell_push_topics"


def psychiatrist_topic(user_id: int) -> str:
    """Everything a psychiatrist's pages show: their patients' entries, alerts, replies."""
    return f"psychiatrist:{user_id}"


def organisation_topic(organisation_id: int) -> str:
    """Everything an organisation's calendars show: bookings, moves, statuses, agendas, doctors."""
    return f"organisation:{organisation_id}"


def user_topic(user_id: int) -> str:
    """A user's sessions: a page of theirs must re-check who is signed in."""
    return f"user:{user_id}"


# --- publishing, after the commit ---------------------------------------------------------------


def publish_after_commit(session: Session, *topics: str) -> None:
    """Send ``topics`` once ``session``'s transaction commits; nothing if it rolls back."""
    session.info.setdefault(_PENDING, set()).update(topics)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    topics = session.info.pop(_PENDING, None)
    if topics:
        publish(sorted(topics))


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def publish(topics: Iterable[str]) -> None:
    """Send now. A failure is logged, never raised: the change is committed, and the pages'
    safety poll (alerts) or next load (everything else) still shows it."""
    topics = list(topics)
    if not topics:
        return
    try:
        channel().publish(topics)
    except Exception:  # a broken channel must not turn a saved entry into an error page
        log.exception("Could not publish %s; open pages will catch up on their next poll or load", topics)


# --- the channel ----------------------------------------------------------------------------------


class Channel(Protocol):
    def publish(self, topics: list[str]) -> None: ...

    def listen(self) -> AsyncIterator[list[str]]: ...


class InProcessChannel:
    """One backend worker: publishers (any thread) hand topics to the listeners' event loops."""

    def __init__(self) -> None:
        self._listeners: set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[list[str]]]] = set()
        self._lock = threading.Lock()

    def publish(self, topics: list[str]) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for loop, queue in listeners:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, list(topics))
            except RuntimeError:  # that loop has closed; its listener is gone
                pass

    async def listen(self) -> AsyncIterator[list[str]]:
        queue: asyncio.Queue[list[str]] = asyncio.Queue()
        entry = (asyncio.get_running_loop(), queue)
        with self._lock:
            self._listeners.add(entry)
        try:
            while True:
                yield await queue.get()
        finally:
            with self._lock:
                self._listeners.discard(entry)


class RedisChannel:
    """Several workers: Redis pub/sub carries each notice to every worker's listener."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._client = None
        self._lock = threading.Lock()

    def _sync_client(self):
        import redis

        with self._lock:
            if self._client is None:
                self._client = redis.Redis.from_url(self.url, socket_connect_timeout=2, socket_timeout=2)
            return self._client

    def publish(self, topics: list[str]) -> None:
        self._sync_client().publish(CHANNEL, json.dumps(list(topics)))

    async def listen(self) -> AsyncIterator[list[str]]:
        import redis.asyncio as aioredis

        client = aioredis.from_url(self.url)
        pubsub = client.pubsub()
        await pubsub.subscribe(CHANNEL)
        try:
            async for message in pubsub.listen():
                if message.get("type") != "message":
                    continue
                try:
                    topics = json.loads(message["data"])
                except (TypeError, ValueError):
                    continue
                if isinstance(topics, list):
                    yield [t for t in topics if isinstance(t, str)]
        finally:
            await pubsub.aclose()
            await client.aclose()


_channel: Channel | None = None
_channel_lock = threading.Lock()


def channel() -> Channel:
    """Redis when the users' state is in Redis (several workers), in-process otherwise."""
    global _channel
    with _channel_lock:
        if _channel is None:
            url = os.environ.get("MIWELL_PUSH_REDIS_URL") or os.environ.get("REFLEX_REDIS_URL") or ""
            _channel = RedisChannel(url) if url else InProcessChannel()
        return _channel


def use_channel(replacement: Channel | None) -> None:
    """For tests: a channel of their own (None goes back to the environment's)."""
    global _channel
    with _channel_lock:
        _channel = replacement
