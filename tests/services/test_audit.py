"""The audit log: changes recorded in their own transaction, views batched, append-only, read by
admins and by the patient for their own record, and kept (without content) after an erasure."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from miwell.accounts import services as accounts
from miwell.audit import services as audit
from miwell.audit.models import AuditEvent
from miwell.db import session_scope
from miwell.scheduling import services as scheduling
from miwell.wellbeing import services as wellbeing
from tests.factories import PASSWORD, as_current, make_user
from tests.services.scheduling_helpers import count_statements, make_org
from tests.services.wellbeing_helpers import NOW, cheap_patients, save_on, team


def _events(s, **where) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    for key, value in where.items():
        query = query.where(getattr(AuditEvent, key) == value)
    return list(s.exec(query).all())


def test_a_change_is_recorded_with_who_what_and_where_in_the_same_transaction(engine):
    with session_scope(engine) as s:
        t = team(s)
    with session_scope(engine) as s, audit.acting(t.patient.id, "patient", "203.0.113.9"):
        saved = save_on(s, t.patient, 0, 5, "A note that must never reach the log")
    with session_scope(engine) as s:
        [created] = _events(s, subject="wellbeing entry")
        assert (created.action, created.actor_id, created.actor_role, created.patient_id, created.record_id, created.origin) == (
            "created", t.patient.id, "patient", t.patient.id, saved.entry.id, "203.0.113.9"
        )
    with session_scope(engine) as s, audit.acting(t.patient.id, "patient"):
        wellbeing.edit_entry(s, t.patient, saved.entry.id, 6, "Another note, also secret", 0)
    with session_scope(engine) as s:
        changed = _events(s, action="changed", subject="wellbeing entry")
        assert len(changed) == 1 and "note" in changed[0].detail and "score" in changed[0].detail
        assert not [e for e in _events(s) if "secret" in e.detail.lower() or "never" in e.detail.lower()]

    # A change that rolls back leaves no event behind.
    with pytest.raises(RuntimeError):
        with session_scope(engine) as s, audit.acting(t.patient.id, "patient"):
            wellbeing.edit_entry(s, t.patient, saved.entry.id, 1, "Rolled back", 0)
            raise RuntimeError("the request failed after the change")
    with session_scope(engine) as s:
        assert len(_events(s, action="changed", subject="wellbeing entry")) == 1


def test_work_nobody_started_is_recorded_as_miwell_itself(engine):
    with session_scope(engine) as s:
        t = team(s)
        save_on(s, t.patient, 0, 5)
        [event] = _events(s, subject="wellbeing entry")
        assert (event.actor_id, event.actor_role) == (None, "system")


def test_the_log_is_append_only_in_the_schema(engine):
    with session_scope(engine) as s:
        audit.record(s, "viewed", "contact details", detail="one")
    for statement in ("UPDATE audit_events SET detail = 'rewritten'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as conn:
                conn.execute(text(statement))
    with session_scope(engine) as s:
        assert [e.detail for e in _events(s)] == ["one"]


def test_a_page_of_fifty_patients_is_recorded_in_two_statements_and_once_per_window(engine):
    with session_scope(engine) as s:
        t = team(s)
        cheap_patients(s, t.doctor, 49)
    with session_scope(engine) as s, count_statements(engine, audit=True) as statements:
        wellbeing.dashboard(s, t.doctor, now=NOW)
    audit_statements = [q for q in statements if "audit_events" in q]
    assert len(audit_statements) == 2  # what is already on record, then one insert for all fifty
    with session_scope(engine) as s:
        assert len(_events(s, action="viewed", actor_id=t.doctor.id)) == 50
        wellbeing.dashboard(s, t.doctor, now=NOW)  # a live refresh a moment later
        assert len(_events(s, action="viewed", actor_id=t.doctor.id)) == 50
        assert audit.viewed(s, t.doctor, "wellbeing entries", [t.patient.id], now=audit.utcnow() + timedelta(minutes=11)) == 1


def test_clinicians_views_are_recorded_the_patients_own_are_not(engine):
    with session_scope(engine) as s:
        t = team(s)
        save_on(s, t.patient, 0, 4, "x")
        wellbeing.history(s, t.patient, t.patient.id, now=NOW)
        assert not _events(s, action="viewed")
        wellbeing.history(s, t.doctor, t.patient.id, now=NOW)
        wellbeing.patient_contact(s, t.doctor, t.patient.id)
        seen = {(e.subject, e.patient_id, e.actor_id) for e in _events(s, action="viewed")}
        assert seen == {("wellbeing entries", t.patient.id, t.doctor.id), ("contact details", t.patient.id, t.doctor.id)}


def test_staff_views_of_clinic_records_are_recorded(engine):
    with session_scope(engine) as s:
        org = make_org(s, "Audit")
        scheduling.list_patients(s, org.staff)
        [event] = _events(s, action="viewed")
        assert (event.subject, event.clinic_patient_id, event.organisation_id) == ("contact details", org.patient_id, org.id)


def test_admins_filter_the_log_and_patients_read_only_their_own(engine):
    with session_scope(engine) as s:
        admin = as_current(make_user(s, "admin"))
        t = team(s, name="Wren Holloway")
        other = as_current(make_user(s, "patient", name="Ida Marsh"))
        wellbeing.history(s, t.doctor, t.patient.id, now=NOW)
        audit.viewed(s, admin, "contact details", [other.id])
    with session_scope(engine) as s:
        events, more = audit.search(s, admin, patient="wren")
        assert [e.patient for e in events] == ["Wren Holloway"] and not more
        assert [e.patient for e in audit.search(s, admin, patient=f"#{other.id}")[0]] == ["Ida Marsh"]
        assert len(audit.search(s, admin, person=t.doctor.email)[0]) == 1
        assert audit.search(s, admin, first="2999-01-01")[0] == []
        with pytest.raises(audit.AuditError, match="before the first"):
            audit.search(s, admin, first="2026-03-02", last="2026-03-01")
        # A patient's filters cannot reach another patient's events.
        assert [e.patient for e in audit.search(s, t.patient, patient="Ida")[0]] == ["Wren Holloway"]
        assert audit.search(s, other, patient="Wren")[0][0].patient == "Ida Marsh"
        with pytest.raises(audit.AuditError):
            audit.search(s, t.doctor)


def test_the_csv_export_neutralises_formulas_and_is_itself_recorded(engine):
    with session_scope(engine) as s:
        admin = as_current(make_user(s, "admin"))
        doctor = as_current(make_user(s, "psychiatrist", name="=HYPERLINK(evil)"))
        patient = as_current(make_user(s, "patient"))
        audit.viewed(s, doctor, "wellbeing entries", [patient.id])
        rows = list(csv.reader(io.StringIO(audit.export_csv(s, admin))))
        assert rows[0] == audit.CSV_COLUMNS and rows[1][1] == "'=HYPERLINK(evil)"
        assert _events(s, action="exported")[0].actor_id == admin.id


def test_an_erased_account_leaves_its_events_without_its_content(engine):
    with session_scope(engine) as s:
        admin = as_current(make_user(s, "admin"))
        t = team(s, name="Nell Ashby")
    with session_scope(engine) as s, audit.acting(t.patient.id, "patient"):
        save_on(s, t.patient, 0, 3, "Nell's private words")
    with session_scope(engine) as s:
        wellbeing.history(s, t.doctor, t.patient.id, now=NOW)
    with session_scope(engine) as s, audit.acting(t.patient.id, "patient"):
        accounts.delete_account(s, t.patient, PASSWORD)
    with session_scope(engine) as s:
        events, _ = audit.search(s, admin, patient=f"#{t.patient.id}")
        assert {(e.action, e.subject) for e in events} >= {("erased", "account"), ("viewed", "wellbeing entries"), ("created", "wellbeing entry")}
        assert all(e.patient == f"Erased record #{t.patient.id}" for e in events)
        dump = " ".join(f"{e.detail} {e.subject} {e.origin}" for e in _events(s))
        assert "Nell" not in dump and "private" not in dump
