"""Every event handler, fed what a crafted websocket message can carry, refuses cleanly or succeeds.

The handlers are found at run time (every state of the app, every event handler but the
background watchers), so a new handler is covered the day it is written. Each is called as each
role with hypothesis-made arguments: random and huge strings, control characters, far dates,
huge and negative numbers, wrong types. A handler may refuse (a message, a redirect) but never
raise: an exception is the "An error occurred." a probe found 13 of.
"""

from __future__ import annotations

import asyncio
import inspect

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

import miwell.db
import miwell.miwell  # noqa: F401 - registers every page and state
from miwell.accounts import services as accounts
from miwell.accounts.states.auth import AuthState
from miwell.db import session_scope
from miwell.scheduling import services as scheduling
from tests.factories import as_current, make_user
from tests.services.handler_helpers import state_for
from tests.services.scheduling_helpers import make_org

FORM_KEYS = (
    "accepting account_email address band body cap client_id clinic_id colour confirm current date_of_birth "
    "description email emergency_contact_name emergency_contact_phone end_date end_time entry_id full_name "
    "hand_over_to ics_from ics_to id minutes name new new_client_name new_client_phone new_patient_born "
    "new_patient_name new_patient_phone note organisation_id password patient_id phone psychiatrist_email reason "
    "registration_number slot_minutes speciality start_date start_time timezone title weekdays"
).split()

nasty_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "", " ", "\x00", "Robin\x00Hale", "\u202eevil", "9999-12-31", "0001-01-01", "2026-02-30", "-1", "0",
            "99999999999999999999999999", "1e309", "NaN", "../../etc/passwd", "Europe/London" * 800, "x" * 10_000,
            "25:61", "00:00", "1", "2", "urgent", "cancelled", "#ff0000", "<script>alert(1)</script>",
        ]
    ),
)
nasty_value = st.one_of(
    nasty_text,
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.lists(st.integers(min_value=-5, max_value=10**20), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
nasty_form = st.dictionaries(st.sampled_from(FORM_KEYS), nasty_text, max_size=12)


def _handlers() -> list[tuple[type, str, list[inspect.Parameter]]]:
    found, todo = [], [AuthState]
    while todo:
        cls = todo.pop()
        todo.extend(cls.get_substates())
        for name, handler in cls.event_handlers.items():
            # Reflex's own generic ``setvar`` refuses unknown names by raising; which vars it may
            # set is the authorization policy's business, tested with it.
            if getattr(handler, "is_background", False) or name.startswith("_") or name == "setvar":
                continue
            params = list(inspect.signature(handler.fn).parameters.values())[1:]
            found.append((cls, name, params))
    return sorted(found, key=lambda h: (h[0].get_full_name(), h[1]))


HANDLERS = _handlers()


def test_the_handler_census_is_complete():
    names = {f"{cls.__name__}.{name}" for cls, name, _ in HANDLERS}
    assert len(HANDLERS) > 130
    assert {"TodayState.save", "ReportState.set_filter", "VettingState.decide", "AuthState.log_out", "PatientsState.save"} <= names


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One database for the whole module, with a user of each role (and a pending psychiatrist)."""
    from miwell.db import make_engine
    from tests.conftest import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'miwell.db'}"
    upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as s:
        org = make_org(s, "Hostile")
        doctor = make_user(s, "psychiatrist")
        patient = make_user(s, "patient")
        pending = accounts.register(
            s, role="psychiatrist", full_name="Dr Pending", email="pending@example.org", phone="020 7946 0111",
            password="steady-lantern-42", registration_number="7000001",
        )  # fmt: skip
        s.flush()
        scheduling.update_doctor(s, org.staff, org.doctor_id, full_name="Dr Hostile", psychiatrist_email=doctor.email)
        users = {
            "patient": patient.id,
            "psychiatrist": doctor.id,
            "pending psychiatrist": pending.id,
            "staff": org.staff.id,
            "admin": org.admin.id,
        }
        ids = {"patient": patient.id, "doctor": org.doctor_id, "clinic_patient": org.patient_id, "clinic": org.clinic_id}
    yield engine, users, ids
    engine.dispose()


def _fresh_sessions(engine, users: dict[str, int]) -> dict[str, str]:
    """New sessions for each test: a handler fuzzed before (log_out) may have ended the old ones."""
    with session_scope(engine) as s:
        return {"signed out": "", **{role: accounts.start_session(s, user_id) for role, user_id in users.items()}}


PATHS = ["/", "/psychiatrist/patients/{patient}", "/staff/doctors/{doctor}", "/staff/doctors/99999999999999999999999"]
# The page each role's handlers are usually sent from (some read an id from the path).
HOME_PATHS = {"psychiatrist": PATHS[1], "staff": PATHS[2]}
# Swept in full for every handler and role, the same value in every field: the inputs the probe
# crashed handlers with. Hypothesis then explores mixtures.
SWEEP = ["9999-12-31", "0001-01-01", "99999999999999999999999", "-1", "Europe/London" * 800, "\x00", "x" * 10_000, ""]
SWEEP_VALUES = [*SWEEP, 10**30, -(10**30), float("nan"), None, True, [1, 2], {"a": 1}]


def _is_form(p: inspect.Parameter) -> bool:
    return p.annotation in ("dict[str, Any]", dict) or p.name == "form"


def _call(handler_cls, name: str, token: str, path: str, args: list) -> None:
    state = state_for(handler_cls, token, path)
    result = handler_cls.event_handlers[name].fn(state, *args)
    if inspect.isasyncgen(result):

        async def drain():
            async for _ in result:
                pass

        asyncio.run(drain())
    elif asyncio.iscoroutine(result):
        asyncio.run(result)


@pytest.mark.parametrize("handler", HANDLERS, ids=lambda h: f"{h[0].__name__}.{h[1]}")
def test_hostile_arguments_never_crash_a_handler(handler, world, monkeypatch):
    engine, users, ids = world
    monkeypatch.setattr(miwell.db, "get_engine", lambda: engine)
    cls, name, params = handler
    tokens = _fresh_sessions(engine, users)

    def run(role: str, path: str, args: list) -> None:
        try:
            _call(cls, name, tokens[role], path.format(**ids), args)
        except Exception as exc:
            raise AssertionError(f"{cls.__name__}.{name} as {role} on {path} with {args!r:.200} raised {exc!r}") from exc

    # A parameter that names a field (``set_filter(name, value)``) gets each of the state's own vars.
    field_names = [n for n in cls.base_vars if not n.startswith("_")] if params and params[0].name == "name" else [None]
    for role in sorted(tokens):
        for value in SWEEP_VALUES:
            for field in field_names:
                args = [{key: value for key in FORM_KEYS} if _is_form(p) and isinstance(value, str) else value for p in params]
                if field is not None:
                    args[0] = field
                run(role, HOME_PATHS.get(role, "/"), args)

    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(
        role=st.sampled_from(sorted(tokens)),
        path=st.sampled_from(PATHS),
        args=st.tuples(*[nasty_form if _is_form(p) else nasty_value for p in params]),
    )
    def check(role, path, args):
        run(role, path, list(args))
        with engine.connect() as conn:  # and the database is still fine
            assert conn.execute(text("SELECT count(*) FROM users")).scalar() >= 5

    check()
