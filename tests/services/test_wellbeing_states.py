"""The Reflex handlers called directly, as a crafted websocket event would call them.

Each handler must find the user from the session cookie and go through the services' checks,
so ids of other people's records get nothing, whatever the browser sends.
"""

from __future__ import annotations

import asyncio

import pytest
from reflex.istate.data import RouterData
from reflex.state import State
from reflex_base import constants
from sqlmodel import select

import miwell.db
import miwell.pages  # noqa: F401 - registers every state
from miwell.accounts import services as accounts
from miwell.db import session_scope
from miwell.notifications import services as alerts
from miwell.notifications.states import AlertState
from miwell.wellbeing.models import EntryReply, MoodEntry, RiskAlert
from miwell.wellbeing.states import DashboardState, HistoryState, PatientPageState, TodayState
from tests.services.wellbeing_helpers import save_on, task_library, team


@pytest.fixture
def db(sqlite_engine, monkeypatch):
    # The states open their own sessions; point them at the test database.
    monkeypatch.setattr(miwell.db, "get_engine", lambda: sqlite_engine)
    return sqlite_engine


def _state(cls, token: str = "", path: str = "/"):
    root = State(_reflex_internal_init=True)
    root.router = RouterData.from_router_data(
        {
            constants.RouteVar.PATH: path,
            constants.RouteVar.ORIGIN: path,
            # The session travels in the websocket's Cookie header, never in the state.
            constants.RouteVar.HEADERS: {"origin": "http://test", "cookie": f"other=1; miwell_session={token}"},
        }
    )
    return root.get_substate(cls.get_full_name().split("."))


def _signed_in(engine, user) -> str:
    with session_scope(engine) as s:
        return accounts.start_session(s, user.id)


def _call(state, handler, *args):
    result = handler.fn(state, *args)
    return asyncio.run(result) if asyncio.iscoroutine(result) else result


def test_a_patient_saves_through_the_today_handlers(db):
    with session_scope(db) as s:
        t = team(s)
        task_library(s)
    today = _state(TodayState, _signed_in(db, t.patient))
    _call(today, TodayState.load)
    _call(today, TodayState.set_note, "Couldn't sleep again")
    _call(today, TodayState.save)
    assert "choose how you're feeling" in today.error and today.note == "Couldn't sleep again"
    _call(today, TodayState.choose_mood, 2)
    _call(today, TodayState.set_minutes, [17.0])
    _call(today, TodayState.save)
    assert today.error == "" and today.saved and today.minutes == 15
    assert today.task.id > 0 and today.message and today.risk == "watch"
    with session_scope(db) as s:
        entry = s.exec(select(MoodEntry)).one()
        assert (entry.patient_id, entry.score, entry.note, entry.minutes) == (t.patient.id, 2, "Couldn't sleep again", 15)


def test_without_a_session_nothing_is_saved_or_shown(db):
    with session_scope(db) as s:
        team(s)
    today = _state(TodayState, "not-a-real-session")
    _call(today, TodayState.choose_mood, 5)
    assert _call(today, TodayState.save)  # redirected to sign in
    dashboard = _state(DashboardState, "")
    assert _call(dashboard, DashboardState.load) and dashboard.rows == []
    with session_scope(db) as s:
        assert s.exec(select(MoodEntry)).all() == []


def test_crafted_ids_of_another_patients_entry_get_nothing(db):
    with session_scope(db) as s:
        mine = team(s)
        theirs = team(s)
        their_entry = save_on(s, theirs.patient, 0, 4, "their private note").entry.id
    history = _state(HistoryState, _signed_in(db, mine.patient))
    _call(history, HistoryState.load)
    _call(history, HistoryState.open_edit, their_entry)
    assert history.edit_id == 0 and history.note == ""
    _call(history, HistoryState.ask_delete, their_entry)
    assert history.delete_id == 0
    # Even with the dialog's id forged into the state, the service refuses.
    history.edit_id, history.delete_id = their_entry, their_entry
    _call(history, HistoryState.choose_mood, 1)
    _call(history, HistoryState.set_note, "overwritten")
    _call(history, HistoryState.save_edit)
    assert "not yours" in history.error
    _call(history, HistoryState.confirm_delete)
    with session_scope(db) as s:
        entry = s.get(MoodEntry, their_entry)
        assert (entry.score, entry.note) == (4, "their private note")
    assert all(e.note != "their private note" for e in history.entries)


def test_a_psychiatrist_gets_nothing_of_another_psychiatrists_patient(db):
    with session_scope(db) as s:
        mine = team(s)
        theirs = team(s)
        their_entry = save_on(s, theirs.patient, 0, 1, "their patient's words").entry.id
        their_alert = s.exec(select(RiskAlert.id)).one()
    token = _signed_in(db, mine.doctor)
    page = _state(PatientPageState, token, f"/psychiatrist/patients/{theirs.patient.id}")
    _call(page, PatientPageState.load)
    assert page.missing and page.current_patient == 0 and page.name == "" and page.entries == []
    _call(page, PatientPageState.save_reply, {"entry_id": str(their_entry), "body": "hello"})
    _call(page, PatientPageState.mark_reviewed, their_entry)
    banner = _state(AlertState, token)
    _call(banner, AlertState.acknowledge, their_alert)
    assert banner.alerts == []
    with session_scope(db) as s:
        assert s.exec(select(EntryReply)).all() == []
        assert s.get(MoodEntry, their_entry).reviewed_at is None
        assert s.get(RiskAlert, their_alert).acknowledged_at is None
        assert [a.id for a in alerts.open_alerts(s, theirs.doctor)] == [their_alert]


def test_the_psychiatrists_own_patient_page_and_acknowledgement(db):
    with session_scope(db) as s:
        t = team(s)
        entry_id = save_on(s, t.patient, 0, 1, "rough night").entry.id
    token = _signed_in(db, t.doctor)
    page = _state(PatientPageState, token, f"/psychiatrist/patients/{t.patient.id}")
    _call(page, PatientPageState.load)
    assert page.name == t.patient.full_name and [e.id for e in page.entries] == [entry_id] and page.assist
    _call(page, PatientPageState.save_reply, {"entry_id": str(entry_id), "body": "Calling you at 10."})
    assert page.entries[0].my_reply == "Calling you at 10."
    banner = _state(AlertState, token)
    banner._load_alerts(t.doctor)
    assert [a.note for a in banner.alerts] == ["rough night"]
    _call(banner, AlertState.acknowledge, banner.alerts[0].id)
    assert banner.alerts == []
    with session_scope(db) as s:
        assert s.exec(select(RiskAlert.acknowledged_by)).one() == t.doctor.id
