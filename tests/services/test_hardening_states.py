"""What the security probe found, checked at the handlers (the browser checks are in tests/browser)."""

from __future__ import annotations

import asyncio

import pytest
from reflex.istate.data import RouterData
from reflex.state import State
from reflex_base import constants
from starlette.testclient import TestClient

import miwell.db
import miwell.miwell  # noqa: F401 - registers every state
from miwell.accounts import services as accounts
from miwell.accounts import web
from miwell.accounts.states.auth import AuthState
from miwell.db import session_scope
from miwell.scheduling.states import ReportState
from miwell.scheduling.states import PatientsState
from miwell.wellbeing.states import MINUTES_REFUSED, TodayState
from tests.factories import make_user
from tests.services.scheduling_helpers import make_org


@pytest.fixture
def db(sqlite_engine, monkeypatch):
    monkeypatch.setattr(miwell.db, "get_engine", lambda: sqlite_engine)
    return sqlite_engine


def _root(token: str) -> State:
    root = State(_reflex_internal_init=True)
    root.router = RouterData.from_router_data(
        {
            constants.RouteVar.PATH: "/",
            constants.RouteVar.ORIGIN: "/",
            constants.RouteVar.HEADERS: {"origin": "http://test", "cookie": f"miwell_session={token}"},
        }
    )
    return root


def _sub(root: State, cls):
    return root.get_substate(cls.get_full_name().split("."))


def _call(state, handler, *args):
    result = handler.fn(state, *args)
    return asyncio.run(result) if asyncio.iscoroutine(result) else result


def test_signing_out_resets_every_state_of_the_tab(db):
    with session_scope(db) as s:
        org = make_org(s, "Desk")
        staff_token = accounts.start_session(s, org.staff.id)
    root = _root(staff_token)
    patients = _sub(root, PatientsState)
    _call(patients, PatientsState.load)
    report = _sub(root, ReportState)
    _call(report, ReportState.load)
    assert patients.rows and report.loaded and patients.user_name
    _call(_sub(root, AuthState), AuthState.log_out)
    assert patients.rows == [] and report.days == [] and not report.loaded
    assert patients.user_name == patients.user_role == "" and report.clinics == []
    with session_scope(db) as s:
        assert accounts.resolve_session(s, staff_token) is None


def test_a_report_period_that_cannot_be_used_is_reset_on_the_next_visit(db):
    with session_scope(db) as s:
        org = make_org(s, "Reports")
        token = accounts.start_session(s, org.staff.id)
    report = _sub(_root(token), ReportState)
    _call(report, ReportState.load)
    _call(report, ReportState.set_filter, "anchor", "9999-12-31")
    assert "between the years" in report.error and report.anchor == "9999-12-31"  # what was typed is kept
    _call(report, ReportState.load)  # the next visit works again
    assert report.error == "" and report.anchor != "9999-12-31" and report.loaded


@pytest.mark.parametrize("value", [[500.0], [-5.0], ["ten"], [float("nan")], 10**30, None, [True]])
def test_minutes_off_the_scale_are_refused_with_a_message_not_clamped(db, value):
    with session_scope(db) as s:
        make_user(s, "psychiatrist")
        token = accounts.start_session(s, make_user(s, "patient").id)
    today = _sub(_root(token), TodayState)
    _call(today, TodayState.load)
    _call(today, TodayState.set_minutes, [20.0])
    _call(today, TodayState.set_minutes, value)
    assert today.minutes == 20 and today.error == MINUTES_REFUSED


def test_the_session_cookie_is_httponly_strict_and_secure_over_https(db, monkeypatch):
    from starlette.applications import Starlette

    with session_scope(db) as s:
        user = make_user(s, "admin")
        token, nonce = accounts.create_handoff(s, user.id, "/admin")
        token2, nonce2 = accounts.create_handoff(s, user.id, "/admin")
    client = TestClient(Starlette(routes=web.routes().routes), base_url="http://clinic.example")
    client.cookies.set(web.HANDOFF_COOKIE, nonce)
    response = client.get(web.START_PATH, params={"t": token, "origin": "http://clinic.example:3000"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "http://clinic.example:3000/admin"
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith("miwell_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie
    # Behind the TLS proxy the same cookie is Secure; and a foreign origin is never redirected to.
    client.cookies.set(web.HANDOFF_COOKIE, nonce2)
    response = client.get(
        web.START_PATH, params={"t": token2, "origin": "https://evil.example"}, headers={"x-forwarded-proto": "https"},
        follow_redirects=False,
    )  # fmt: skip
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith("miwell_session="))
    assert "Secure" in cookie and response.headers["location"] == "/admin"
    # A used or foreign handoff signs nobody in.
    response = client.get(web.START_PATH, params={"t": token2}, follow_redirects=False)
    assert response.headers["location"] == "/?signin=expired"
    assert not any(v.startswith("miwell_session=") and "Max-Age=0" not in v for k, v in response.headers.multi_items() if k == "set-cookie")
    monkeypatch.setenv("MIWELL_COOKIE_SECURE", "true")
    response = client.get(web.END_PATH, follow_redirects=False)
    assert response.headers["location"] == "/?signin=out"


def test_cookie_values_are_read_from_a_cookie_header_whatever_else_it_holds():
    header = 'theme=dark; miwell_session="abc.def"; other=1=2; broken; miwell_session_x=zzz'
    assert web.cookie_value(header, "miwell_session") == "abc.def"
    assert web.cookie_value("", "miwell_session") == "" and web.cookie_value("a=b", "miwell_session") == ""


def test_the_pages_activity_ping_starts_the_inactivity_limit_again(db):
    from datetime import timedelta

    from sqlmodel import select

    from miwell.accounts.models import AuthSession
    from miwell.timeutil import utcnow

    with session_scope(db) as s:
        org = make_org(s, "Idle")
        token = accounts.start_session(s, org.staff.id)
        row = s.exec(select(AuthSession).where(AuthSession.user_id == org.staff.id)).one()
        row.idle_expires_at = utcnow() + timedelta(seconds=30)  # nearly out
    auth = _sub(_root(token), AuthState)
    _call(auth, AuthState.keep_alive)
    assert auth.idle_seconds == 30 * 60
    with session_scope(db) as s:
        row = s.exec(select(AuthSession).where(AuthSession.user_id == org.staff.id)).one()
        assert row.idle_expires_at > utcnow() + timedelta(minutes=29)
        row.idle_expires_at = utcnow() - timedelta(seconds=1)  # run out: the ping cannot revive it
    _call(auth, AuthState.keep_alive)
    with session_scope(db) as s:
        assert accounts.resolve_session(s, token) is None


def test_an_invited_psychiatrist_sets_up_two_step_sign_in_before_any_session(db):
    """Approved at once by the invitation, so no session (nor handoff to one) until the second
    step is set up: the invitation hands the tab to the sign-in page's enrolment step."""
    from sqlmodel import select

    from miwell.accounts.models import AuthSession, SignInHandoff
    from miwell.accounts.states.signing_in import LOGIN_NOTICES, InvitationState, LoginState
    from tests.factories import as_current

    with session_scope(db) as s:
        admin = as_current(make_user(s, "admin"))
        code = accounts.invite_psychiatrist(s, admin, "dr.new@example.org", "Dr New")
    root = _root("")
    invitation = _sub(root, InvitationState)
    invitation._code, invitation.email = code, "dr.new@example.org"
    form = {"full_name": "Dr New", "phone": "020 7946 0101", "registration_number": "GMC 7012345",
            "password": "quiet-river-4821", "confirm": "quiet-river-4821"}
    events = _call(invitation, InvitationState.submit, form)
    assert invitation.error == ""
    login = _sub(root, LoginState)
    assert login.step == "enrol" and login.qr.startswith("data:image/svg") and login._handed_over
    assert "_redirect" in str(events) and '"/"' in str(events)  # on to the sign-in page
    with session_scope(db) as s:
        assert s.exec(select(AuthSession)).all() == [] and s.exec(select(SignInHandoff)).all() == []
    _call(login, LoginState.on_load)  # the sign-in page opens on the second step, once
    assert login.step == "enrol" and login.notice == LOGIN_NOTICES["invited"]
    _call(login, LoginState.on_load)  # a later visit starts again from the password
    assert login.step == "password" and login._pending_id == 0


def test_a_data_event_reads_its_session_once_and_a_later_look_reads_it_again(db):
    """The policy's check hands the admitted user to the handler's own first look (one session
    query per event, not two); only once, and only for the same cookie."""
    from miwell.accounts.states import policy
    from tests.services.scheduling_helpers import count_statements

    with session_scope(db) as s:
        make_user(s, "psychiatrist")
        patient = make_user(s, "patient")
        token = accounts.start_session(s, patient.id)
    today = _sub(_root(token), TodayState)
    _call(today, TodayState.load)
    _call(today, TodayState.choose_mood, 5)
    with count_statements(db) as statements:
        _call(today, TodayState.save)
    assert today.saved and today.error == ""
    assert len([q for q in statements if "JOIN auth_sessions" in q]) == 1, statements

    held = policy._admitted.set(("the cookie", "someone"))
    try:
        assert policy.take_admitted("another cookie") is None
        assert policy.take_admitted("the cookie") == "someone"
        assert policy.take_admitted("the cookie") is None  # once
    finally:
        policy._admitted.reset(held)
