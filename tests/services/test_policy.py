"""The authorization policy, tested by generation over every event handler of the app.

The handlers are found at run time, so a handler written tomorrow without ``@allow(...)`` fails
the build here. Then each handler is sent someone else's ids, from every caller who must be
refused: signed out, each role the rule does not admit, a psychiatrist not yet approved, and, for
a role it does admit, that role's user of *another* organisation or care team (another patient,
another patient's psychiatrist, the desk of another organisation). After every call:

- nothing written: a caller the rule does not admit changes no row at all; an admitted caller
  changes no row of the other's, and writes no new row that points at one;
- nothing of the other's data in what is sent back: the state delta and the returned events
  hold none of the other side's names, contact details or notes;
- refused: a caller the rule does not admit is sent home (or, on a page-only handler, ignored:
  the page's state is untouched).

``setvar``, which every Reflex state has, can only reach a state's own ``set_<var>`` handlers
(each under the policy); before every admitted call the state's page-only setters are first fed
the other's ids, as a crafted ``setvar`` would, so a var that steers which record a handler
touches is tested too.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

import miwell.db
import miwell.miwell  # noqa: F401 - registers every page and state
from miwell.accounts import services as accounts
from miwell.accounts.states.auth import AuthState
from miwell.accounts.states.policy import ADMIN, ANYONE, Owns, policy_of
from miwell.db import session_scope
from miwell.scheduling import services as scheduling
from miwell.scheduling.services import waitlist
from miwell.scheduling.services.slots import free_slots_in_organisation
from miwell.timeutil import utcnow
from miwell.wellbeing import services as wellbeing
from tests.factories import as_current, make_user
from tests.services.handler_helpers import state_for
from tests.services.scheduling_helpers import accept_links, make_org
from tests.services.wellbeing_helpers import task_library


def _states() -> list[type]:
    found, todo = [], [AuthState]
    while todo:
        cls = todo.pop()
        todo.extend(cls.get_substates())
        found.append(cls)
    return sorted(found, key=lambda c: c.get_full_name())


STATES = _states()
HANDLERS = sorted(
    ((cls, name) for cls in STATES for name in cls.event_handlers if name != "setvar"),
    key=lambda h: (h[0].__name__, h[1]),
)


def test_every_handler_of_every_state_declares_its_policy():
    missing = [f"{cls.__name__}.{name}" for cls, name in HANDLERS if policy_of(cls.event_handlers[name]) is None]
    assert not missing, f"add @allow(...) under @rx.event: {missing}"
    assert len(HANDLERS) > 190


def test_setvar_reaches_only_the_setters_under_the_policy():
    """Reflex's ``setvar(name, value)`` calls ``set_<name>``: a var without one cannot be set."""
    for cls in STATES:
        assert "setvar" in cls.event_handlers
        state = state_for(cls, "", "/")
        backend = {n for c in cls.__mro__ for n in getattr(c, "__annotations__", {}) if n.startswith("_") and not n.startswith("__")}
        for var in [*cls.base_vars, *sorted(backend)]:
            if f"set_{var}" in cls.event_handlers:
                assert policy_of(cls.event_handlers[f"set_{var}"]) is not None
                continue
            before = getattr(state, var, None)
            with pytest.raises(AttributeError):
                cls.event_handlers["setvar"].fn(state, var, 424242)
            assert getattr(state, var, None) == before


# --- the world: our side, and the other side whose data must not move or show -------------------


@dataclass
class World:
    engine: object
    users: dict[str, int]  # attacker role -> user id (signed out has none)
    victim_ids: dict[str, int]  # kind -> an id of the other side's
    victim_rows: dict[str, set[tuple]]  # table -> primary keys of the other side's rows
    markers: list[str]  # the other side's names, contact details and notes


PRIMARY_KEYS = {t.name: [c.name for c in t.primary_key] for t in SQLModel.metadata.sorted_tables}
# Single-column references to a table's ``id``: a new row must not point at the other side's.
REFERENCES = {
    t.name: [(fk.parent.name, fk.column.table.name) for fk in t.foreign_keys if fk.column.name == "id"]
    for t in SQLModel.metadata.sorted_tables
}
SENSITIVE_COLUMNS = {"full_name", "email", "phone", "note", "body", "emergency_contact_name", "emergency_contact_phone", "reason", "name"}


def _rows(conn) -> dict[str, dict[tuple, tuple]]:
    out = {}
    for table, keys in PRIMARY_KEYS.items():
        result = conn.execute(text(f"SELECT * FROM {table}"))  # noqa: S608 - names from the metadata
        columns = list(result.keys())
        at = [columns.index(k) for k in keys]
        out[table] = {tuple(row[i] for i in at): tuple(row) for row in result}
    return out


def _snapshot(engine) -> dict[str, dict[tuple, tuple]]:
    with engine.connect() as conn:
        return _rows(conn)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from miwell.db import make_engine
    from tests.conftest import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('policy') / 'miwell.db'}"
    upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as s:
        admin = as_current(make_user(s, "admin"))
        task_library(s)  # the shared library: no one side's
        ours = make_org(s, "Harbour", admin)
        doctor = make_user(s, "psychiatrist")
        patient = make_user(s, "patient")  # assigned to the least loaded psychiatrist: ours
        pending = accounts.register(
            s, role="psychiatrist", full_name="Dr Pending", email="pending@example.org", phone="020 7946 0111",
            password="steady-lantern-42", registration_number="7000001",
        )  # fmt: skip
        scheduling.update_doctor(s, ours.staff, ours.doctor_id, full_name="Dr Harbour", psychiatrist_email=doctor.email)
        accept_links(s, as_current(doctor))
        s.flush()
        users = {
            "patient": patient.id, "psychiatrist": doctor.id, "pending psychiatrist": pending.id,
            "staff": ours.staff.id, "admin": admin.id,
        }  # fmt: skip
    ours_rows = _snapshot(engine)

    with session_scope(engine) as s:
        theirs = make_org(s, "Vexmoor", admin)
        their_doctor = as_current(make_user(s, "psychiatrist", name="Dr Quillon Abernathy", email="quillon@example.org"))
        their_patient = as_current(
            make_user(
                s, "patient", name="Valerie Secretta", email="valerie.secretta@example.org", phone="+44 20 7946 0999",
                emergency_contact_name="Orla Secretta", emergency_contact_phone="+44 161 496 0999",
            )
        )  # fmt: skip
        scheduling.update_doctor(s, theirs.staff, theirs.doctor_id, full_name="Dr Vexmoor Lindqvist", psychiatrist_email=their_doctor.email)
        accept_links(s, their_doctor)
        scheduling.update_patient(
            s, theirs.staff, theirs.patient_id, full_name="Vera Vexmoor-Patient", phone="0113 496 0999",
            account_email=their_patient.email,
        )  # fmt: skip
        now = utcnow()
        wellbeing.save_today(s, their_patient, 1, "Secret note: I cannot go on like this", 5, now=now - timedelta(days=1))
        entry = wellbeing.save_today(s, their_patient, 2, "Secret note about my sister Imogen", 10, now=now)
        wellbeing.save_reply(s, their_doctor, entry.entry.id, "Reply only Valerie may read", now=now)
        day = (now + timedelta(days=1)).date()
        while day.weekday() > 4:
            day += timedelta(days=1)
        free = free_slots_in_organisation(s, theirs.id, day, day, theirs.doctor_id)[theirs.doctor_id]
        scheduling.book(s, theirs.staff, theirs.doctor_id, free[0].start, theirs.patient_id, note="Reason: low mood")
        waitlist.add_entry(s, theirs.staff, theirs.patient_id, doctor_id=theirs.doctor_id, first_day=day, last_day=day + timedelta(days=14))
    all_rows = _snapshot(engine)

    victim_rows = {t: set(rows) - set(ours_rows[t]) for t, rows in all_rows.items()}
    markers = set()
    with engine.connect() as conn:
        for table, keys in victim_rows.items():
            columns = [c for c in conn.execute(text(f"SELECT * FROM {table} LIMIT 0")).keys()]  # noqa: S608
            for key in keys:
                row = all_rows[table][key]
                markers |= {v for c, v in zip(columns, row) if c in SENSITIVE_COLUMNS and isinstance(v, str) and len(v) >= 8}
    victim_ids = {
        table: min(k[0] for k in keys)
        for table, keys in victim_rows.items()
        if keys and PRIMARY_KEYS[table] == ["id"]
    }
    # The sweep sends the other patient's email (an id like any other); echoing what was typed
    # back to its typist leaks nothing, so the email is not a marker. Their name, phone and notes are.
    markers.discard(their_patient.email)
    victim_ids["patient user"] = their_patient.id
    victim_ids["psychiatrist user"] = their_doctor.id
    yield World(engine, users, victim_ids, victim_rows, sorted(markers))
    engine.dispose()


# --- calling a handler as a browser would --------------------------------------------------------


def _call(state, handler, args: list) -> list:
    """Run the handler; every update it returns or yields, in order."""
    result = handler.fn(state, *args)
    if inspect.isasyncgen(result):

        async def drain():
            return [update async for update in result]

        return asyncio.run(drain())
    if asyncio.iscoroutine(result):
        return [asyncio.run(result)]
    return [result]


def _value(param: inspect.Parameter, ident: int, email: str):
    annotation = str(param.annotation)
    if param.annotation in (dict, "dict") or annotation.startswith("dict"):
        return {key: (email if "email" in key else str(ident)) for key in FORM_KEYS}
    if annotation == "int":
        return ident
    if annotation == "bool":
        return True
    if annotation.startswith("list[float]"):
        return [float(ident)]
    return str(ident)


FORM_KEYS = (
    "id entry_id patient_id client_id doctor_id clinic_id organisation_id appointment_id offer_id request_id "
    "email account_email psychiatrist_email full_name phone note reason start date start_date end_date "
    "password confirm current"
).split()
PATH_OF_KIND = {
    "patient user": "/psychiatrist/patients/{}",
    "doctors": "/staff/doctors/{}",
    "organisations": "/admin/organisations/{}",
    "clinic_patients": "/staff/patients/{}",
}


def _attempts(cls, name: str, world: World) -> list[tuple[list, str]]:
    """(arguments, path) pairs, one per kind of the other side's id."""
    params = list(inspect.signature(cls.event_handlers[name].fn).parameters.values())[1:]
    email = "valerie.secretta@example.org"
    out, seen = [], set()
    for kind, ident in sorted(world.victim_ids.items()):
        path = PATH_OF_KIND.get(kind, "/").format(ident)
        args = [_value(p, ident, email) for p in params]
        if params and params[0].name == "name":  # set_filter(name, value): each field it may steer
            for field in [v for v in cls.base_vars if not v.startswith("_")]:
                out.append(([field, *args[1:]], path))
            continue
        key = (json.dumps(args, sort_keys=True, default=str), path)
        if key not in seen:
            seen.add(key)
            out.append((args, path))
    return out


def _attackers(rule) -> list[tuple[str, bool]]:
    """(caller, admitted): who must be refused, or (admitted) must find only their own records."""
    out = []
    for caller in ("signed out", "patient", "psychiatrist", "pending psychiatrist", "staff", "admin"):
        role = {"signed out": "", "pending psychiatrist": "psychiatrist"}.get(caller, caller)
        admitted = rule.admits(role, caller != "pending psychiatrist")
        if admitted and (rule.owns in (Owns.NOTHING_YET,) or ANYONE in rule.roles) and caller == "signed out":
            out.append((caller, True))
        elif admitted and caller == "admin":
            continue  # admins keep every organisation and account: nobody else's to protect from them
        else:
            out.append((caller, admitted))
    return out


def _page_setters(cls) -> list[str]:
    return [
        n for n, h in cls.event_handlers.items()
        if n.startswith("set_") and (policy_of(h) and policy_of(h).owns is Owns.THIS_PAGE)
    ]  # fmt: skip


def _frontend(state) -> dict:
    return {k: getattr(state, k) for k in state.base_vars if not k.startswith("_")}


def _check_writes(before, after, admitted: bool, world: World, where: str) -> None:
    for table, rows in after.items():
        old = before[table]
        changed = [k for k in old if k not in rows or rows[k] != old[k]]
        added = [k for k in rows if k not in old]
        if not admitted:
            assert not changed and not added, f"{where}: a refused caller wrote to {table}: {changed or added}"
            continue
        theirs = world.victim_rows[table]
        assert not [k for k in changed if k in theirs], f"{where}: changed the other side's {table} rows"
        columns = None
        for key in added:
            row = rows[key]
            if columns is None:
                with world.engine.connect() as conn:
                    columns = list(conn.execute(text(f"SELECT * FROM {table} LIMIT 0")).keys())  # noqa: S608
            for column, target in REFERENCES[table]:
                value = row[columns.index(column)]
                assert (value,) not in world.victim_rows[target], (
                    f"{where}: a new {table} row points at the other side's {target} {value}"
                )


@pytest.mark.parametrize("handler", HANDLERS, ids=lambda h: f"{h[0].__name__}.{h[1]}")
def test_someone_elses_ids_are_refused(handler, world, monkeypatch):
    monkeypatch.setattr(miwell.db, "get_engine", lambda: world.engine)
    cls, name = handler
    rule = policy_of(cls.event_handlers[name])
    with session_scope(world.engine) as s:
        tokens = {"signed out": "", **{c: accounts.start_session(s, uid) for c, uid in world.users.items()}}
    for caller, admitted in _attackers(rule):
        for args, path in _attempts(cls, name, world):
            where = f"{cls.__name__}.{name}{tuple(args)!r:.120} as {caller} on {path}"
            state = state_for(cls, tokens[caller], path)
            if admitted:  # a crafted setvar first points the page's vars at the other's records
                for setter in _page_setters(cls):
                    setter_params = list(inspect.signature(cls.event_handlers[setter].fn).parameters.values())[1:]
                    ident = world.victim_ids["clinic_patients"]
                    try:
                        _call(state, cls.event_handlers[setter], [_value(p, ident, "x@example.org") for p in setter_params])
                    except Exception as exc:  # noqa: BLE001 - a setter refusing a value by raising is fine
                        del exc
            page_before = _frontend(state)
            before = _snapshot(world.engine)
            try:
                updates = _call(state, cls.event_handlers[name], args)
            except Exception as exc:
                raise AssertionError(f"{where} raised {exc!r}") from exc
            _check_writes(before, _snapshot(world.engine), admitted, world, where)
            sent = json.dumps([state._get_root_state().get_delta(), [repr(u) for u in updates]], default=str)
            leaked = [m for m in world.markers if m in sent]
            assert not leaked, f"{where} sent back the other side's {leaked}"
            if not admitted:
                if rule.owns is Owns.THIS_PAGE:
                    assert _frontend(state) == page_before, f"{where}: a refused caller changed the page"
                else:
                    assert all(u is None or "_redirect" in repr(u) for u in updates), f"{where}: not turned away"
            if caller != "signed out" and name in ("log_out",):  # ended the caller's session: start another
                with session_scope(world.engine) as s:
                    tokens[caller] = accounts.start_session(s, world.users[caller])


def test_the_other_side_is_really_there(world):
    """The sweep means something only if the other side has rows of every kind it sends."""
    for kind in ("mood_entries", "risk_alerts", "appointments", "clinic_patients", "clients", "waitlist_entries",
                 "entry_replies", "account_link_requests", "doctors", "clinics", "organisations", "patient user"):  # fmt: skip
        assert kind in world.victim_ids, kind
    assert "Valerie Secretta" in world.markers and "quillon@example.org" in world.markers and "Secret note about my sister Imogen" in world.markers
    assert ADMIN in world.users
