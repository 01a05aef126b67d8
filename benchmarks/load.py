"""Load: N people on MiWell's websocket at once, in production mode, with python-socketio clients.

For each N (``--sizes``, default 1 10 50 100) and each setup (one worker with users' state on
disk; two workers sharing state through Redis, with ``--redis``) it starts a production build
with the demo data, signs N people in (a session each, as the sign-in page would make) and has
them act at the pace of a person, one event every ``--pace`` seconds for ``--seconds``:

- patients (7 in 10) pick a mood, write a note and save their day, again and again;
- psychiatrists (2 in 10) keep their dashboard open and load it again;
- receptionists (1 in 10) open a doctor's page, pick a day, choose its first free slot and book it.

A round trip runs from sending an event to its final update. Paced clients measure how the wait
grows with the number of people (a closed loop would only measure throughput). It prints
p50/p95/p99 per N and setup, the ratio p95(N max)/p95(1) (goal: at most 3), and where the time
goes: the floor every event pays (``keep_alive``: the socket, Reflex's state load and save, one
session query) against what each kind of event adds.

    .venv/bin/python -m benchmarks.load                                  # one worker
    .venv/bin/python -m benchmarks.load --redis redis://127.0.0.1:6379/13  # and two workers
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import socketio

from tests.browser.server import start_app

PORT = 3497
PASSWORD = "calm-harbour-2026"  # tests.factories' password, which make_user gives every account
SELF_CLIENT = "self"


@dataclass
class Person:
    role: str
    user_id: int
    session: str
    path: str
    email: str = ""
    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: int = 0


def _names() -> dict[str, str]:
    """Full names of the handlers the clients send, from the app's own state classes."""
    import miwell.miwell  # noqa: F401 - registers every state
    from miwell.accounts.states import LoginState
    from miwell.accounts.states.auth import AuthState
    from miwell.scheduling.states import DoctorPageState
    from miwell.wellbeing.states import DashboardState, TodayState

    return {
        "keep_alive": f"{AuthState.get_full_name()}.keep_alive",
        "sign_in": f"{LoginState.get_full_name()}.submit",
        "choose_mood": f"{TodayState.get_full_name()}.choose_mood",
        "set_note": f"{TodayState.get_full_name()}.set_note",
        "save": f"{TodayState.get_full_name()}.save",
        "dashboard": f"{DashboardState.get_full_name()}.load",
        "doctor_page": f"{DoctorPageState.get_full_name()}.load",
        "pick_day": f"{DoctorPageState.get_full_name()}.pick_day",
        "choose_slot": f"{DoctorPageState.get_full_name()}.choose_slot",
        "book": f"{DoctorPageState.get_full_name()}.book",
    }


def _work_done(database_url: str, people: list[Person]) -> tuple[int, int]:
    """(entries the patients saved, appointments the receptionists booked): proof the events worked.
    Bookings are counted in the audit log, which names who made each."""
    from sqlalchemy import func
    from sqlmodel import col, select

    from miwell.audit.models import AuditEvent
    from miwell.db import make_engine, session_scope
    from miwell.wellbeing.models import MoodEntry

    patients = [p.user_id for p in people if p.role == "patient"] or [0]
    desks = [p.user_id for p in people if p.role == "receptionist"] or [0]
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as s:
            entries = s.exec(select(func.count()).select_from(MoodEntry).where(col(MoodEntry.patient_id).in_(patients))).one()
            booked = s.exec(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "created", AuditEvent.subject == "appointment", col(AuditEvent.actor_id).in_(desks))
            ).one()
            return int(entries), int(booked)
    finally:
        engine.dispose()


def _people(database_url: str, n: int) -> tuple[list[Person], list[int]]:
    """N accounts with sessions: patients, psychiatrists and receptionists of the demo clinic."""
    from sqlmodel import select

    from miwell.accounts import services as accounts
    from miwell.db import make_engine, session_scope
    from miwell.scheduling.models import ClinicPatient, Doctor, Organisation
    from tests.factories import make_user

    psychiatrists = round(0.2 * n)
    receptionists = round(0.1 * n)
    patients = max(1, n - psychiatrists - receptionists)
    engine = make_engine(database_url)
    people: list[Person] = []
    try:
        with session_scope(engine) as s:
            organisation = s.exec(select(Organisation.id).order_by(Organisation.id)).first()
            doctor = s.exec(select(Doctor.id).where(Doctor.organisation_id == organisation).order_by(Doctor.id)).first()
            clinic_patients = list(s.exec(select(ClinicPatient.id).where(ClinicPatient.organisation_id == organisation)).all())
            tag = uuid.uuid4().hex[:6]
            for i in range(psychiatrists):
                user = make_user(s, "psychiatrist", email=f"load.dr.{tag}.{i}@example.org")
                people.append(Person("psychiatrist", user.id, accounts.start_session(s, user.id), "/psychiatrist"))
            for i in range(patients):
                user = make_user(s, "patient", email=f"load.patient.{tag}.{i}@example.org")
                people.append(Person("patient", user.id, accounts.start_session(s, user.id), "/patient", user.email))
            for i in range(receptionists):
                user = make_user(s, "staff", email=f"load.desk.{tag}.{i}@example.org", organisation_id=organisation)
                people.append(Person("receptionist", user.id, accounts.start_session(s, user.id), f"/staff/doctors/{doctor}"))
    finally:
        engine.dispose()
    return people, clinic_patients


class Tab:
    """One browser tab's websocket, as Reflex's frontend opens it."""

    def __init__(
        self, base: str, person: Person, names: dict[str, str], token: str = "", ssl_verify: bool = True, timeout: float = 30
    ):
        self.base, self.person, self.names, self.timeout = base, person, names, timeout
        # The tab's token (sessionStorage in a browser): the same token finds the same state again.
        self.token = token or str(uuid.uuid4())
        self.client = socketio.AsyncClient(reconnection=False, ssl_verify=ssl_verify)
        self.updates: asyncio.Queue = asyncio.Queue()
        self.delta: dict = {}
        self.warm: set[str] = set()
        self.client.on("event", self._on_update, namespace="/_event")

    async def _on_update(self, update):
        await self.updates.put(update)

    async def open(self) -> None:
        """Connect as the frontend does; a refused connect under load is tried again, as the
        frontend's reconnect would (and counted as a lost event if it never connects)."""
        for attempt in range(5):
            try:
                await self.client.connect(
                    f"{self.base}?token={self.token}",
                    headers={"Cookie": f"miwell_session={self.person.session}"},
                    transports=["websocket"],
                    namespaces=["/_event"],
                    socketio_path="/_event",
                )
                return
            except socketio.exceptions.ConnectionError:
                await asyncio.sleep(0.5 * (attempt + 1))
        self.person.errors += 1
        raise ConnectionError("could not connect")

    async def send(self, kind: str, payload: dict | None = None, measure: bool = True, path: str = "") -> None:
        """Send one event and wait for its final update; record the round trip."""
        path = path or self.person.path
        while not self.updates.empty():
            self.updates.get_nowait()
        event = {
            "name": self.names[kind],
            "payload": payload or {},
            "router_data": {"pathname": path, "query": {}, "asPath": path},
        }
        started = time.perf_counter()
        await self.client.emit("event", event, namespace="/_event")
        try:
            while True:
                update = await asyncio.wait_for(self.updates.get(), timeout=self.timeout)
                for substate, values in (update.get("delta") or {}).items():
                    self.delta.setdefault(substate, {}).update(values)
                if update.get("final", True):
                    break
        except asyncio.TimeoutError:
            self.person.errors += 1
            return
        if measure:
            elapsed = (time.perf_counter() - started) * 1000
            if kind in self.warm:
                self.person.samples[kind].append(elapsed)
            else:
                self.warm.add(kind)  # a person's first event of a kind warms caches: not counted

    def var(self, name: str):
        for values in self.delta.values():
            for key, value in values.items():
                if key == name or key.startswith(f"{name}_rx_state_"):
                    return value
        return None

    async def close(self) -> None:
        await self.client.disconnect()


async def _act(tab: Tab, pace: float, until: float, clinic_patients: list[int], rng: random.Random) -> None:
    person = tab.person
    await asyncio.sleep(rng.uniform(0, pace))  # people do not all start on the same tick
    # The socket's first update carries the router's data, whatever the event: not measured.
    await tab.send("keep_alive", measure=False)
    if person.role == "receptionist":
        await tab.send("doctor_page", measure=False)
    day = date.today() + timedelta(days=rng.randint(0, 20))
    step = act = 0  # every fifth event is the page's ping; the others go through the person's cycle in order
    while time.monotonic() < until:
        tick = time.monotonic()
        if step % 5 == 4:
            await tab.send("keep_alive")
        elif person.role == "patient":
            kind = ("choose_mood", "set_note", "save")[act % 3]
            payload = {"choose_mood": {"score": rng.randint(1, 7)}, "set_note": {"value": f"A walk, step {step}"}, "save": {}}[kind]
            await tab.send(kind, payload)
            act += 1
        elif person.role == "psychiatrist":
            await tab.send("dashboard")
        else:
            phase = act % 3
            if phase == 0:
                day += timedelta(days=1)
                await tab.send("pick_day", {"value": day.isoformat()})
            elif phase == 1:
                slots = tab.var("slots") or []
                if slots:
                    await tab.send("choose_slot", {"start": slots[0]["start"]})
                else:
                    act += 1  # no free slot that day: the next day
                    await tab.send("keep_alive")
            else:
                await tab.send("book", {"form": {"patient_id": str(rng.choice(clinic_patients)), "client_id": SELF_CLIENT}})
            act += 1
        step += 1
        await asyncio.sleep(max(0.0, pace - (time.monotonic() - tick)))


async def _sign_in(tab: Tab, pace: float, rng: random.Random) -> None:
    """Signing in on the sign-in page, whose own socket has no session yet: the password check
    (argon2, slow on purpose) and the one-time handoff. The browser then loads a new page (and
    socket) with the session cookie: the person's tab, opened with the session that makes."""
    person = tab.person
    await asyncio.sleep(rng.uniform(0, pace))
    door = Tab(tab.base, Person("signed out", 0, "", "/"), tab.names, timeout=tab.timeout)
    try:
        await door.open()
    except ConnectionError:
        person.errors += 1
        return
    door.warm.update({"sign_in", "keep_alive"})
    await door.send("keep_alive", measure=False)
    await door.send("sign_in", {"form": {"email": person.email, "password": PASSWORD}})
    person.samples["sign_in"] += door.person.samples["sign_in"]
    person.errors += door.person.errors
    await door.close()


async def _run(base: str, people: list[Person], names: dict[str, str], pace: float, seconds: float, clinic_patients: list[int]) -> None:
    tabs = [Tab(base, p, names) for p in people]
    opened = await asyncio.gather(*(t.open() for t in tabs), return_exceptions=True)
    tabs = [t for t, result in zip(tabs, opened) if not isinstance(result, Exception)]  # errors counted
    rng = random.Random(7)
    # Nine o'clock: every patient signs in within the same second (measured on its own).
    await asyncio.gather(*(_sign_in(t, pace, random.Random(rng.random())) for t in tabs if t.person.role == "patient"))
    until = time.monotonic() + seconds
    await asyncio.gather(*(_act(t, pace, until, clinic_patients, random.Random(rng.random())) for t in tabs))
    await asyncio.gather(*(t.close() for t in tabs), return_exceptions=True)


def _percentile(ordered: list[float], q: float) -> float:
    return ordered[max(0, min(len(ordered) - 1, round(q * len(ordered)) - 1))]


def main() -> int:
    # The sessions made here must be the app's: both hash tokens with this key.
    os.environ.setdefault("MIWELL_SECRET_KEY", "load-benchmark-secret")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 50, 100])
    parser.add_argument("--pace", type=float, default=1.0, help="seconds between one person's events")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long each size runs")
    parser.add_argument("--redis", default=None, help="Redis URL: also run two workers sharing state there")
    args = parser.parse_args()
    names = _names()
    setups = [("1 worker, state on disk", None)] + ([("2 workers + Redis", args.redis)] if args.redis else [])
    results: dict[str, dict[int, list[Person]]] = {}
    for label, redis_url in setups:
        if redis_url:
            import redis

            redis.Redis.from_url(redis_url).flushdb()
        with tempfile.TemporaryDirectory(prefix="miwell-load-") as workdir:
            app = start_app(PORT, redis_url, workdir=Path(workdir))
            try:
                base = f"http://127.0.0.1:{PORT}"
                results[label] = {}
                for n in args.sizes:
                    people, clinic_patients = _people(app.database_url, n)
                    asyncio.run(_run(base, people, names, args.pace, args.seconds, clinic_patients))
                    results[label][n] = people
                    entries, booked = _work_done(app.database_url, people)
                    print(f"  {label}: N={n}: {entries} entries saved, {booked} appointments booked", file=sys.stderr, flush=True)
            finally:
                app.stop()

    print(f"\nEvent round trips once signed in, paced at one event per person every {args.pace:g} s for {args.seconds:g} s (production build)")
    print(f"  {'setup':<26} {'N':>4} {'events':>7} {'p50':>8} {'p95':>8} {'p99':>8} {'lost':>5}")
    for label, by_size in results.items():
        for n, people in by_size.items():
            all_ms = sorted(ms for p in people for kind, samples in p.samples.items() if kind != "sign_in" for ms in samples)
            lost = sum(p.errors for p in people)
            if not all_ms:
                print(f"  {label:<26} {n:>4}  no answers")
                continue
            p50, p95, p99 = (_percentile(all_ms, q) for q in (0.5, 0.95, 0.99))
            print(f"  {label:<26} {n:>4} {len(all_ms):>7} {p50:>6.1f}ms {p95:>6.1f}ms {p99:>6.1f}ms {lost:>5}")
        sizes = sorted(by_size)
        if len(sizes) > 1:
            first, last = (
                sorted(ms for p in by_size[s] for k, v in p.samples.items() if k != "sign_in" for ms in v) for s in (sizes[0], sizes[-1])
            )
            if first and last:
                ratio = _percentile(last, 0.95) / _percentile(first, 0.95)
                verdict = "met" if ratio <= 3 else "not met"
                print(f"  {label}: p95(N={sizes[-1]}) / p95(N={sizes[0]}) = {ratio:.1f}x (goal at most 3x: {verdict})")

    print("\nSigning in: every patient within the same second, before the rest (argon2 on purpose)")
    for label, by_size in results.items():
        for n, people in by_size.items():
            ms = sorted(v for p in people for v in p.samples.get("sign_in", []))
            if ms:
                print(f"  {label:<26} {len(ms):>3} at once: p50 {_percentile(ms, 0.5):.0f} ms, p95 {_percentile(ms, 0.95):.0f} ms")

    print("\nWhere the time goes (p50 per kind of event, at the largest N, after signing in)")
    for label, by_size in results.items():
        people = by_size[max(by_size)]
        kinds: dict[str, list[float]] = defaultdict(list)
        for p in people:
            for kind, samples in p.samples.items():
                kinds[kind] += samples
        floor = statistics.median(kinds["keep_alive"]) if kinds.get("keep_alive") else None
        parts = []
        for kind in ("keep_alive", "choose_mood", "set_note", "save", "dashboard", "pick_day", "choose_slot", "book"):
            if kinds.get(kind):
                median = statistics.median(kinds[kind])
                extra = f" ({median - floor:+.1f})" if floor is not None and kind != "keep_alive" else ""
                parts.append(f"{kind} {median:.1f}ms{extra}")
        print(f"  {label}: " + ", ".join(parts))
    print("  keep_alive is the floor every event pays: the socket, Reflex loading and saving the tab's state, one session query;")
    print("  choose_mood and set_note only change the page (no query), so they cost less; the rest is their database work.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
