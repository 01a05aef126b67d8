"""Reflex keeps users' state in Redis when several workers serve: every MiWell state must survive it.

Two state managers stand for two workers: what one writes, the other reads back.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import uuid

import pytest

from tests.conftest import REDIS_URL, unavailable

pytestmark = pytest.mark.redis


def _all_states():
    import miwell.miwell  # noqa: F401  - registers every page and state
    from miwell.accounts.states.auth import AuthState

    seen, todo = [], [AuthState]
    while todo:
        cls = todo.pop()
        seen.append(cls)
        todo.extend(cls.get_substates())
    return seen


@pytest.fixture(scope="module")
def redis_url():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except Exception as exc:
        unavailable("Redis", exc)
    finally:
        client.close()
    return REDIS_URL


def _own_values(cls) -> dict[str, object]:
    """A recognisable value for each simple var the class itself declares (lists get one item)."""
    values: dict[str, object] = {}
    for name, field in getattr(cls, "__own_fields__", {}).items():
        default = field.default
        if isinstance(default, bool):
            values[name] = not default
        elif isinstance(default, str) and not name.startswith("session_token"):
            values[name] = f"{cls.__name__}.{name}"
        elif isinstance(default, int):
            values[name] = default + 7
        elif isinstance(default, list) and field.annotated_type == list[dict[str, str]]:
            values[name] = [{"marker": f"{cls.__name__}.{name}"}]
    return values


def test_every_state_round_trips_between_two_workers(redis_url):
    from redis.asyncio import Redis
    from reflex.istate.manager.redis import StateManagerRedis
    from reflex.istate.manager.token import BaseStateToken

    states = _all_states()
    assert len(states) > 5

    async def round_trip():
        token = f"miwell-test-{uuid.uuid4()}"
        writer = StateManagerRedis(redis=Redis.from_url(redis_url))
        reader = StateManagerRedis(redis=Redis.from_url(redis_url))
        try:
            written: dict[tuple[str, str], object] = {}
            # A token names one state; the manager loads that state and its parents.
            for cls in states:
                async with writer.modify_state(BaseStateToken(ident=token, cls=cls)) as root:
                    state = await root.get_state(cls)
                    for name, value in _own_values(cls).items():
                        setattr(state, name, value)
                        written[(cls.__name__, name)] = value
            assert written
            for cls in states:
                root = await reader.get_state(BaseStateToken(ident=token, cls=cls))
                state = await root.get_state(cls)
                for name in _own_values(cls):
                    assert getattr(state, name) == written[(cls.__name__, name)], (cls.__name__, name)
            await writer.redis.delete(*[k async for k in writer.redis.scan_iter(f"{token}*")])
        finally:
            await writer.close()
            await reader.close()

    # Its own thread and loop: a sync Playwright session may already own this thread's loop.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, round_trip()).result()
