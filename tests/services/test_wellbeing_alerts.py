"""At-risk alerts: when they are raised, who sees them, acknowledgement; and who may see what."""

from datetime import timedelta

import pytest
from sqlalchemy import inspect
from sqlmodel import select

from miwell.accounts import services as accounts
from miwell.accounts.models import PatientProfile
from miwell.db import session_scope
from miwell.notifications import services as alerts
from miwell.wellbeing import services as service
from miwell.wellbeing.services import questionnaires
from miwell.wellbeing.services.access import PermissionDenied
from miwell.wellbeing.models import MoodEntry, RiskAlert
from miwell.models import metadata
from tests.factories import PASSWORD
from tests.services.wellbeing_helpers import NOW, count, save_on, task_library, team


def _assist(s, patient) -> bool:
    return s.get(PatientProfile, patient.id).requires_assistance


def test_a_good_day_raises_nothing(engine):
    with session_scope(engine) as s:
        t = team(s)
        result = save_on(s, t.patient, 0, 5, "quiet day", 10)
        assert result.risk.level == "none" and not result.alerted
        assert count(s, RiskAlert) == 0 and not _assist(s, t.patient)
        assert alerts.open_alerts(s, t.doctor) == []


def test_a_sad_mood_raises_a_watch_alert_with_contact_details(engine):
    with session_scope(engine) as s:
        t = team(s)
        result = save_on(s, t.patient, 0, 2, "can't get out of bed", 0)
        assert result.alerted and result.risk.level == "watch"
        assert _assist(s, t.patient)
        (alert,) = alerts.open_alerts(s, t.doctor)
        assert (alert.level, alert.score, alert.note, alert.patient_name) == ("watch", 2, "can't get out of bed", t.patient.full_name)
        assert alert.reasons == ("Mood is Sad (2)",)
        assert alert.email == t.patient.email and alert.phone.startswith("+44")
        assert alert.emergency_contact_name == "Kin Person" and alert.emergency_contact_phone.startswith("+44")


def test_three_low_days_in_a_row_raise_a_watch_alert(engine):
    with session_scope(engine) as s:
        t = team(s)
        assert not save_on(s, t.patient, 2, 3).alerted
        assert not save_on(s, t.patient, 1, 3).alerted
        third = save_on(s, t.patient, 0, 3)
        assert third.alerted and "3 days in a row" in third.risk.reasons[0]


def test_risk_language_raises_an_urgent_alert_and_urgent_comes_first(engine):
    with session_scope(engine) as s:
        t = team(s)
        save_on(s, t.patient, 1, 2, "tired")
        urgent = save_on(s, t.patient, 0, 4, "I keep thinking I want to end it all")
        assert urgent.alerted and urgent.risk.level == "urgent"
        assert [a.level for a in alerts.open_alerts(s, t.doctor)] == ["urgent", "watch"]


def test_edits_alert_again_only_when_things_get_worse(engine):
    with session_scope(engine) as s:
        t = team(s)
        first = save_on(s, t.patient, 0, 2, "bad day")
        later = NOW + timedelta(hours=1)
        typo = service.save_today(s, t.patient, 2, "bad day.", 0, now=later)
        assert first.alerted and not typo.alerted
        worse = service.save_today(s, t.patient, 1, "bad day.", 0, now=later + timedelta(minutes=1))
        assert worse.alerted and worse.risk.level == "watch"
        risky = service.edit_entry(s, t.patient, first.entry.id, 1, "bad day. I want to hurt myself", 0, now=later + timedelta(minutes=2))
        assert risky.alerted and risky.risk.level == "urgent"
        better = service.edit_entry(s, t.patient, first.entry.id, 5, "it passed", 0, now=later + timedelta(minutes=3))
        assert not better.alerted and better.risk.level == "none"
        assert s.exec(select(RiskAlert.level).order_by(RiskAlert.id)).all() == ["watch", "watch", "urgent"]
        # One entry, one card: its most serious alert, which closes the others when acknowledged.
        (shown,) = alerts.open_alerts(s, t.doctor)
        assert shown.level == "urgent" and shown.note == "bad day. I want to hurt myself"
        assert s.get(MoodEntry, first.entry.id).risk_level == "none"
        assert alerts.acknowledge(s, t.doctor, shown.id, now=later) is True
        assert s.exec(select(RiskAlert.acknowledged_by).where(RiskAlert.acknowledged_at == later)).all() == [t.doctor.id] * 3
        assert not _assist(s, t.patient)


def test_acknowledging_records_who_and_when_and_clears_the_flag_last(engine):
    with session_scope(engine) as s:
        t = team(s)
        other = team(s)
        save_on(s, t.patient, 1, 2, "low")
        save_on(s, t.patient, 0, 1, "lower")
        first, second = alerts.open_alerts(s, t.doctor)
        with pytest.raises(PermissionDenied):
            alerts.acknowledge(s, other.doctor, first.id)
        with pytest.raises(PermissionDenied):
            alerts.acknowledge(s, t.patient, first.id)
        assert alerts.acknowledge(s, t.doctor, first.id, now=NOW) is True
        assert _assist(s, t.patient)  # one still open
        assert alerts.acknowledge(s, t.doctor, first.id) is False
        assert alerts.acknowledge(s, t.doctor, second.id, now=NOW + timedelta(minutes=1)) is True
        assert not _assist(s, t.patient)
        rows = s.exec(select(RiskAlert).order_by(RiskAlert.acknowledged_at)).all()
        assert [(r.acknowledged_by, r.acknowledged_at) for r in rows] == [
            (t.doctor.id, NOW),
            (t.doctor.id, NOW + timedelta(minutes=1)),
        ]
        assert alerts.open_alerts(s, t.doctor) == []


def test_alert_signature_changes_with_new_and_acknowledged_alerts(engine):
    with session_scope(engine) as s:
        t = team(s)
        other = team(s)
        before = alerts.alert_signature(s, t.doctor.id)
        save_on(s, other.patient, 0, 1)  # someone else's patient
        assert alerts.alert_signature(s, t.doctor.id) == before == (0, 0)
        save_on(s, t.patient, 0, 1)
        raised = alerts.alert_signature(s, t.doctor.id)
        assert raised[0] == 1
        alerts.acknowledge(s, t.doctor, alerts.open_alerts(s, t.doctor)[0].id)
        assert alerts.alert_signature(s, t.doctor.id) == (0, 0)


def test_a_handover_passes_open_alerts_to_the_new_psychiatrist(engine):
    with session_scope(engine) as s:
        leaving = team(s)
        save_on(s, leaving.patient, 0, 1, "help")
        successor = team(s)
    with session_scope(engine) as s:
        accounts.delete_account(s, leaving.doctor, PASSWORD)
    with session_scope(engine) as s:
        assert [a.note for a in alerts.open_alerts(s, successor.doctor)] == ["help"]


def test_a_patient_cannot_touch_another_patients_entries(engine):
    with session_scope(engine) as s:
        mine = team(s)
        theirs = team(s)
        their_entry = save_on(s, theirs.patient, 0, 4, "private").entry.id
        me = mine.patient
        for attempt in (
            lambda: service.get_own_entry(s, me, their_entry),
            lambda: service.edit_entry(s, me, their_entry, 1, "hacked", 0, now=NOW),
            lambda: service.delete_entry(s, me, their_entry),
            lambda: service.history(s, me, theirs.patient.id, now=NOW),
            lambda: service.get_own_entry(s, me, "1 OR 1=1"),
            lambda: service.review_feed(s, me),
            lambda: service.save_reply(s, me, their_entry, "hi"),
            lambda: alerts.open_alerts(s, me),
        ):
            with pytest.raises(PermissionDenied):
                attempt()
        entry = s.get(MoodEntry, their_entry)
        assert (entry.score, entry.note) == (4, "private")


def test_a_psychiatrist_cannot_see_another_psychiatrists_patient(engine):
    with session_scope(engine) as s:
        mine = team(s)
        theirs = team(s)
        lib = task_library(s)
        their_entry = save_on(s, theirs.patient, 0, 1, "their words").entry.id
        doc = mine.doctor
        for attempt in (
            lambda: service.history(s, doc, theirs.patient.id, now=NOW),
            lambda: service.patient_contact(s, doc, theirs.patient.id),
            lambda: service.live_signature(s, doc, theirs.patient.id),
            lambda: service.save_reply(s, doc, their_entry, "hello"),
            lambda: service.mark_reviewed(s, doc, their_entry),
            lambda: service.pin_task(s, doc, theirs.patient.id, lib["low"][0]),
            lambda: service.pinned_tasks(s, doc, theirs.patient.id),
            lambda: service.save_today(s, doc, 5, "", 0),
        ):
            with pytest.raises(PermissionDenied):
                attempt()
        assert alerts.open_alerts(s, doc) == []
        assert service.review_feed(s, doc) == ([], 0)
        assert service.dashboard(s, doc, now=NOW)[0].patient_id == mine.patient.id
        assert len(service.dashboard(s, doc, now=NOW)) == 1


def test_deleting_a_patient_leaves_no_wellbeing_rows_behind(engine):
    with session_scope(engine) as s:
        t = team(s)
        other = team(s)
        lib = task_library(s)
        service.pin_task(s, t.doctor, t.patient.id, lib["mid"][0])
        for days_ago in range(5):
            result = save_on(s, t.patient, days_ago, 1 + days_ago, "I want to die" if days_ago == 0 else "", 5)
            service.save_reply(s, t.doctor, result.entry.id, "Thank you for telling me.")
        service.edit_entry(s, t.patient, result.entry.id, 3, "edited", 10, now=NOW, feelings=["tired", "lonely"])
        alerts.acknowledge(s, t.doctor, alerts.open_alerts(s, t.doctor)[-1].id)
        questionnaires.set_schedule(s, t.doctor, t.patient.id, "phq9", 2, now=NOW)
        progress = questionnaires.start(s, t.patient, "phq9", now=NOW)
        for i in range(9):
            progress = questionnaires.answer(s, t.patient, progress.response_id, i, 1, now=NOW)
        assert progress.completed and progress.urgent  # item 9 above 0: a questionnaire alert too
        save_on(s, other.patient, 0, 2, "someone else")
    wellbeing_tables = [metadata.tables[name] for name in sorted(_patient_tables())]
    with session_scope(engine) as s:
        before = {table.name: _rows_of(s, table, t.patient.id) for table in wellbeing_tables}
        assert all(before.values()), f"the test should fill every wellbeing table of the patient: {before}"
        accounts.delete_account(s, t.patient, PASSWORD)
    with session_scope(engine) as s:
        after = {table.name: _rows_of(s, table, t.patient.id) for table in wellbeing_tables}
        assert not any(after.values()), after
        assert count(s, MoodEntry) == 1  # the other patient's entry is untouched


def _wellbeing_table_names() -> set[str]:
    from miwell.wellbeing import models

    return {m.__tablename__ for m in vars(models).values() if isinstance(m, type) and hasattr(m, "__table__")}


def _patient_tables() -> set[str]:
    """Every wellbeing table but the shared task library and its history."""
    return _wellbeing_table_names() - {"wellbeing_tasks", "wellbeing_task_versions"}


def _rows_of(s, table, patient_id: int) -> int:
    """Rows of ``table`` belonging to the patient, directly or through one of their entries."""
    columns = {c.name for c in table.columns}
    if "patient_id" in columns:
        return len(s.exec(select(table.c.patient_id).where(table.c.patient_id == patient_id)).all())
    if "entry_id" in columns:
        entry_ids = select(MoodEntry.id).where(MoodEntry.patient_id == patient_id)
        return len(s.exec(select(table.c.entry_id).where(table.c.entry_id.in_(entry_ids))).all())
    return 0


def test_every_wellbeing_table_but_the_library_hangs_off_a_patient_or_an_entry():
    names = _patient_tables()
    assert len(names) == 9 and names <= set(metadata.tables)
    for name in names:
        columns = {c.name for c in metadata.tables[name].columns}
        assert columns & {"patient_id", "entry_id"}, name


def test_wellbeing_foreign_keys_cascade_from_patients_and_never_block_deletion(engine):
    names = _wellbeing_table_names()
    by_table = {name: inspect(engine).get_foreign_keys(name) for name in names}
    for name, fks in by_table.items():
        for fk in fks:
            action = (fk.get("options") or {}).get("ondelete", "").upper()
            if fk["referred_table"] == "patient_profiles":
                assert action == "CASCADE", (name, fk)
            else:
                assert action in {"CASCADE", "SET NULL"}, (name, fk)
