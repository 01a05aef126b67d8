"""Change notices: sent after commit only, carried in-process or through Redis, delivered to the
subscribed tabs of the worker that holds them, with a safety check under them."""

from __future__ import annotations

import asyncio
import threading
import uuid
from datetime import timedelta

import pytest

from miwell import live, push
from miwell.db import session_scope
from tests.conftest import REDIS_URL, unavailable
from tests.services.scheduling_helpers import NOW, TODAY, at, make_org
from tests.services.wellbeing_helpers import save_on, team


class RecordingChannel:
    def __init__(self) -> None:
        self.sent: list[list[str]] = []

    def publish(self, topics: list[str]) -> None:
        self.sent.append(topics)

    async def listen(self):  # pragma: no cover - not listened to in these tests
        raise NotImplementedError
        yield


@pytest.fixture
def recorded():
    channel = RecordingChannel()
    push.use_channel(channel)
    yield channel
    push.use_channel(None)


def test_notices_go_out_after_commit_and_never_after_a_rollback(engine, recorded):
    with session_scope(engine) as s:
        push.publish_after_commit(s, "organisation:1", "organisation:1", "psychiatrist:2")
        assert recorded.sent == []  # not before the change is there to see
    assert recorded.sent == [["organisation:1", "psychiatrist:2"]]
    with pytest.raises(RuntimeError):
        with session_scope(engine) as s:
            push.publish_after_commit(s, "organisation:9")
            raise RuntimeError("the change fails")
    with session_scope(engine) as s:
        pass
    assert recorded.sent == [["organisation:1", "psychiatrist:2"]]


def test_the_services_name_the_pages_their_changes_touch(engine, recorded):
    with session_scope(engine) as s:
        t = team(s)
        org = make_org(s, "Pushy")
    recorded.sent.clear()
    with session_scope(engine) as s:
        save_on(s, t.patient, 0, 1, "I want to end my life")  # an entry and an alert
    assert recorded.sent == [[push.psychiatrist_topic(t.doctor.id)]]
    with session_scope(engine) as s:
        from miwell.scheduling import services

        services.book(s, org.staff, org.doctor_id, at(TODAY + timedelta(days=1), 9), org.patient_id, None, now=NOW)
    assert recorded.sent[-1] == [push.organisation_topic(org.id)]
    with session_scope(engine) as s:
        from miwell.accounts import services as accounts

        token = accounts.start_session(s, t.doctor.id)
    with session_scope(engine) as s:
        accounts.end_session(s, token)
    assert recorded.sent[-1] == [push.user_topic(t.doctor.id)]
    with session_scope(engine) as s:  # an admin's decision reaches the applicant's open status page
        from tests.factories import as_current, make_user

        admin = as_current(make_user(s, "admin"))
        applicant = accounts.register(
            s, role="psychiatrist", full_name="Dr Waiting", email="dr.waiting@example.org", phone="020 7946 0111",
            password="steady-lantern-42", registration_number="GMC 7654321",
        )
        s.flush()
        applicant_id = applicant.id
    with session_scope(engine) as s:
        accounts.change_standing(s, admin, applicant_id, "rejected", "Not on the register")
    assert recorded.sent[-1] == [push.user_topic(applicant_id)]


def test_a_failing_channel_never_undoes_a_save(engine):
    class Broken:
        def publish(self, topics):
            raise ConnectionError("Redis is down")

    push.use_channel(Broken())
    try:
        with session_scope(engine) as s:
            t = team(s)
            save_on(s, t.patient, 0, 5)  # commits, logs the failure, raises nothing
    finally:
        push.use_channel(None)


def test_the_in_process_channel_reaches_listeners_from_any_thread():
    channel = push.InProcessChannel()

    async def scenario():
        received = []

        async def listen():
            async for topics in channel.listen():
                received.append(topics)
                if len(received) == 2:
                    return

        task = asyncio.create_task(listen())
        await asyncio.sleep(0.05)
        channel.publish(["a"])
        thread = threading.Thread(target=channel.publish, args=(["b", "c"],))
        thread.start()
        thread.join()
        await asyncio.wait_for(task, 5)
        return received

    assert asyncio.run(scenario()) == [["a"], ["b", "c"]]


@pytest.mark.redis
def test_redis_carries_a_notice_to_every_worker():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:
        unavailable("Redis", exc)
    publisher = push.RedisChannel(REDIS_URL)
    workers = [push.RedisChannel(REDIS_URL), push.RedisChannel(REDIS_URL)]
    marker = f"organisation:{uuid.uuid4().hex[:6]}"

    async def scenario():
        async def first(channel):
            async for topics in channel.listen():
                if marker in topics:
                    return topics

        tasks = [asyncio.create_task(first(w)) for w in workers]
        await asyncio.sleep(0.3)  # subscribed
        await asyncio.to_thread(publisher.publish, [marker])
        return await asyncio.wait_for(asyncio.gather(*tasks), 5)

    assert asyncio.run(scenario()) == [[marker], [marker]]


def test_live_refreshes_the_subscribed_tabs_and_the_safety_check_catches_a_lost_notice(monkeypatch):
    monkeypatch.setenv("MIWELL_SAFETY_POLL_SECONDS", "0.2")
    channel = push.InProcessChannel()
    push.use_channel(channel)
    refreshed: list[str] = []
    signature = {"value": 1}

    async def refresh(app, token):
        refreshed.append(token)

    async def scenario():
        runner = asyncio.create_task(live.run(app=None))
        await asyncio.sleep(0.05)
        live.subscribe("tab-a", {"psychiatrist:1"}, refresh, check=lambda: signature["value"])
        live.subscribe("tab-b", {"organisation:2"}, refresh)
        channel.publish(["psychiatrist:1"])
        await asyncio.sleep(0.1)
        first = list(refreshed)
        signature["value"] = 2  # a change whose notice was lost
        await asyncio.sleep(1.5)
        second = list(refreshed)
        live.unsubscribe("tab-a")
        runner.cancel()
        return first, second

    try:
        first, second = asyncio.run(scenario())
    finally:
        push.use_channel(None)
        live.unsubscribe("tab-b")
    assert first == ["tab-a"]  # only the tab showing that topic
    assert second == ["tab-a", "tab-a"]  # the safety check refreshed it once, and only once
