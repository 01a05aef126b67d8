"""The psychiatrist's side: dashboard aggregates, review feed, replies, task library."""

import dataclasses
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from miwell.db import session_scope
from miwell.notifications import services as alerts
from miwell.wellbeing import services as service
from miwell.wellbeing.services.access import PermissionDenied, WellbeingError
from miwell.wellbeing.models import EntryReply, WellbeingTask
from tests.factories import as_current, make_user
from tests.services.scheduling_helpers import count_statements as counting_statements
from tests.services.wellbeing_helpers import NOW, cheap_patients, count, save_on, team


def test_dashboard_rows_aggregate_each_patients_days(engine):
    with session_scope(engine) as s:
        t = team(s)
        rising, quiet, flagged = cheap_patients(s, t.doctor, 3)
        never = cheap_patients(s, t.doctor, 1)[0]
        for days_ago in range(14):
            save_on(s, rising, days_ago, 6 if days_ago < 7 else 4)  # better this week than last
        save_on(s, quiet, 4, 5)
        save_on(s, flagged, 1, 4)
        save_on(s, flagged, 0, 2, "rough")  # watch alert
        rows = service.dashboard(s, t.doctor, now=NOW)
    by_id = {r.patient_id: r for r in rows}
    # Without entries, by name: "Bulk Patient ..." before "Patient Person ...".
    assert [r.patient_id for r in rows] == [flagged.id, rising.id, quiet.id, never.id, t.patient.id]
    assert by_id[flagged.id].requires_assistance and by_id[flagged.id].alert_level == "watch"
    assert (by_id[flagged.id].last_score, by_id[flagged.id].days_since) == (2, 0)
    assert by_id[rising.id].trend == "up" and by_id[rising.id].week == (6,) * 7
    assert by_id[quiet.id].days_since == 4 and by_id[quiet.id].trend == "unknown"
    assert by_id[quiet.id].week == (None, None, 5, None, None, None, None)
    assert by_id[quiet.id].last_day == date(2026, 3, 6)
    assert (by_id[never.id].last_score, by_id[never.id].days_since) == (None, None)
    assert by_id[rising.id].unreviewed == 14


def test_dashboard_puts_assistance_first_then_the_latest_entries(engine):
    with session_scope(engine) as s:
        t = team(s)
        a, b, c = cheap_patients(s, t.doctor, 3)
        save_on(s, a, 5, 5)
        save_on(s, b, 1, 5)
        save_on(s, c, 9, 1, "I want to end my life")  # urgent, though long ago
        order = [r.patient_id for r in service.dashboard(s, t.doctor, now=NOW)]
    assert order[:3] == [c.id, b.id, a.id]


def _dashboard_statements(engine, patients: int) -> int:
    with session_scope(engine) as s:
        doctor = as_current(make_user(s, "psychiatrist"))
        for i, patient in enumerate(cheap_patients(s, doctor, patients)):
            for days_ago in range(0, 20, 1 + i % 3):
                save_on(s, patient, days_ago, 1 + (i + days_ago) % 7)
    with Session(engine) as s:
        with counting_statements(engine) as statements:
            rows = service.dashboard(s, doctor, now=NOW)
    assert len(rows) == patients
    return len(statements)


def test_dashboard_statements_do_not_grow_with_the_number_of_patients(engine):
    few = _dashboard_statements(engine, 5)
    many = _dashboard_statements(engine, 50)
    assert few == many <= 3, (few, many)


def test_review_feed_is_oldest_first_and_excludes_reviewed_entries(engine):
    with session_scope(engine) as s:
        t = team(s)
        other = cheap_patients(s, t.doctor, 1)[0]
        stranger = team(s)
        old = save_on(s, t.patient, 3, 5, "three days ago").entry.id
        mid = save_on(s, other, 2, 4, "two days ago").entry.id
        new = save_on(s, t.patient, 1, 6, "yesterday").entry.id
        save_on(s, stranger.patient, 4, 5, "not for this psychiatrist")
        items, total = service.review_feed(s, t.doctor)
        assert [i.entry.id for i in items] == [old, mid, new] and total == 3
        assert items[1].patient_name == other.full_name
        service.mark_reviewed(s, t.doctor, old, now=NOW)
        items, total = service.review_feed(s, t.doctor, limit=1)
        assert [i.entry.id for i in items] == [mid] and total == 2
        service.mark_reviewed(s, t.doctor, mid, now=NOW)
        service.save_today(s, other, 3, "two days ago, edited", 0, now=NOW - timedelta(days=2))
        items, _ = service.review_feed(s, t.doctor)
        assert [(i.entry.id, i.edited) for i in items] == [(mid, True), (new, False)]


def test_replies_are_one_per_psychiatrist_editable_and_seen_by_the_patient(engine):
    with session_scope(engine) as s:
        t = team(s)
        entry_id = save_on(s, t.patient, 0, 3, "hard day").entry.id
        with pytest.raises(WellbeingError, match="write a reply"):
            service.save_reply(s, t.doctor, entry_id, "   ")
        with pytest.raises(WellbeingError, match="281 characters"):
            service.save_reply(s, t.doctor, entry_id, "x" * 281)
        first = service.save_reply(s, t.doctor, entry_id, "Thanks for sharing.", now=NOW)
        edited = service.save_reply(s, t.doctor, entry_id, " Thanks for sharing. Call me if it gets worse. ", now=NOW + timedelta(hours=1))
        assert first.id == edited.id and count(s, EntryReply) == 1
        items, _ = service.review_feed(s, t.doctor)
        assert items[0].my_reply == "Thanks for sharing. Call me if it gets worse."
        seen = service.history(s, t.patient, t.patient.id, now=NOW).entries[0].replies
        assert [(r.author_name, r.body) for r in seen] == [(t.doctor.full_name, "Thanks for sharing. Call me if it gets worse.")]
        assert seen[0].updated_at == NOW + timedelta(hours=1)


def test_task_library_add_edit_retire_and_validation(engine):
    with session_scope(engine) as s:
        t = team(s)
        doc = t.doctor
        made = service.create_task(s, doc, "  Leaf   on a stream ", "Watch thoughts float by.", "10", "mid")
        assert (made.title, made.minutes, made.band, made.retired) == ("Leaf on a stream", 10, "mid", False)
        assert s.get(WellbeingTask, made.id).created_by == doc.id
        for bad, message in (
            (dict(title=" "), "title"),
            (dict(title="x" * 81), "at most 80"),
            (dict(minutes=0), "from 1 to 120"),
            (dict(minutes="ten"), "from 1 to 120"),
            (dict(band="very low"), "low, mid or high"),
            (dict(description="x" * 601), "at most 600"),
        ):
            fields = dict(title="T", description="", minutes=5, band="low") | bad
            with pytest.raises(WellbeingError, match=message):
                service.create_task(s, doc, **fields)
        changed = service.update_task(s, doc, made.id, "Leaves on a stream", "Let thoughts drift past.", 15, "low")
        assert (changed.title, changed.minutes, changed.band) == ("Leaves on a stream", 15, "low")
        retired = service.set_task_retired(s, doc, made.id, True)
        assert retired.retired and service.list_tasks(s, doc)[-1].id == made.id
        assert service.set_task_retired(s, doc, made.id, False).retired is False
        with pytest.raises(PermissionDenied):
            service.create_task(s, t.patient, "T", "", 5, "low")
        with pytest.raises(PermissionDenied):
            service.list_tasks(s, t.patient)
        with pytest.raises(WellbeingError, match="does not exist"):
            service.update_task(s, doc, 10_000, "T", "", 5, "low")


def test_contact_details_for_the_patient_page(engine):
    with session_scope(engine) as s:
        t = team(s)
        contact = service.patient_contact(s, t.doctor, t.patient.id)
        assert (contact.name, contact.email) == (t.patient.full_name, t.patient.email)
        assert contact.phone.startswith("+44 ") and contact.emergency_contact_name == "Kin Person"
        assert contact.requires_assistance is False


def test_a_fresh_database_has_the_starter_task_library(tmp_path):
    from miwell.db import make_engine
    from tests.conftest import upgrade

    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        with Session(engine) as s:
            tasks = s.exec(select(WellbeingTask)).all()
    finally:
        engine.dispose()
    assert len(tasks) >= 15
    assert {t.band for t in tasks} == {"low", "mid", "high"}
    assert all(t.description and 1 <= t.minutes <= 120 and not t.retired for t in tasks)


def test_the_library_keeps_its_authors_and_every_earlier_version(engine):
    """A colleague may not rewrite or retire another's task, nor a shipped one; admins may; history is kept."""
    with session_scope(engine) as s:
        t = team(s)
        shipped = WellbeingTask(title="Three slow breaths", description="In, out.", minutes=2, band="low")
        s.add(shipped)
        s.flush()
        mine = service.create_task(s, t.doctor, "Leaf on a stream", "Watch thoughts float by.", 10, "mid")
        colleague = as_current(make_user(s, "psychiatrist", name="Dr Colleague"))
        admin = as_current(make_user(s, "admin", name="Ada Admin"))
        for task_id in (mine.id, shipped.id):
            with pytest.raises(PermissionDenied, match="Only the psychiatrist who wrote this task"):
                service.update_task(s, colleague, task_id, "Hijacked", "", 5, "low")
            with pytest.raises(PermissionDenied, match="Only the psychiatrist who wrote this task"):
                service.set_task_retired(s, colleague, task_id, True)
        with pytest.raises(PermissionDenied):
            service.update_task(s, t.doctor, shipped.id, "Hijacked", "", 5, "low")
        service.update_task(s, t.doctor, mine.id, "Leaves on a stream", "Let them drift.", 10, "mid")
        service.update_task(s, admin, shipped.id, "Three slow breaths", "In for four, out for six.", 2, "low")
        service.set_task_retired(s, admin, mine.id, True)
        # Saving without a change keeps no empty version.
        service.update_task(s, admin, shipped.id, "Three slow breaths", "In for four, out for six.", 2, "low")
        library = {item.task.id: item for item in service.task_library(s, colleague)}
        assert library[mine.id].author == t.doctor.full_name and not library[mine.id].editable
        assert library[shipped.id].author == "" and not library[shipped.id].editable
        as_author = {item.task.id: item for item in service.task_library(s, t.doctor)}
        assert as_author[mine.id].mine and as_author[mine.id].editable
        versions = library[mine.id].versions
        assert [(v.title, v.retired, v.changed_by) for v in versions] == [
            ("Leaves on a stream", False, "Ada Admin"),
            ("Leaf on a stream", False, t.doctor.full_name),
        ]
        assert [(v.description, v.changed_by) for v in library[shipped.id].versions] == [("In, out.", "Ada Admin")]
        assert s.get(WellbeingTask, mine.id).title == "Leaves on a stream" and s.get(WellbeingTask, mine.id).retired
        with pytest.raises(PermissionDenied):
            service.task_library(s, t.patient)


def test_pending_and_suspended_psychiatrists_get_nothing_from_the_wellbeing_services(engine):
    with session_scope(engine) as s:
        t = team(s)
        task = service.create_task(s, t.doctor, "Mine", "", 5, "low")
        entry = save_on(s, t.patient, 0, 3, "A note").entry
        for standing in ("pending", "rejected", "suspended"):
            outsider = dataclasses.replace(t.doctor, standing=standing)
            for call in (
                lambda: service.dashboard(s, outsider),
                lambda: service.review_feed(s, outsider),
                lambda: service.history(s, outsider, t.patient.id, 30),
                lambda: service.patient_contact(s, outsider, t.patient.id),
                lambda: service.save_reply(s, outsider, entry.id, "Hello"),
                lambda: service.mark_reviewed(s, outsider, entry.id),
                lambda: service.task_library(s, outsider),
                lambda: service.create_task(s, outsider, "T", "", 5, "low"),
                lambda: service.update_task(s, outsider, task.id, "T", "", 5, "low"),
                lambda: service.set_task_retired(s, outsider, task.id, True),
                lambda: service.pin_task(s, outsider, t.patient.id, task.id),
                lambda: alerts.open_alerts(s, outsider),
            ):
                with pytest.raises(PermissionDenied):
                    call()
