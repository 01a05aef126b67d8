"""The patient's daily entry: one a day, edits with history, deletion, suggestions, history view."""

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import DataError, IntegrityError
from sqlmodel import select

from miwell.accounts.models import PatientProfile
from miwell.db import session_scope
from miwell.wellbeing import services as service
from miwell.wellbeing.core import messages
from miwell.wellbeing.services.access import WellbeingError
from miwell.wellbeing.models import (
    DailySuggestion,
    EntryReply,
    MoodEntry,
    MoodEntryVersion,
    RiskAlert,
)
from tests.services.wellbeing_helpers import NOW, add_task, count, save_on, task_library, team


def test_first_save_creates_and_second_save_updates_the_same_day(engine):
    with session_scope(engine) as s:
        t = team(s)
        first = service.save_today(s, t.patient, 5, "  fine  ", 10, now=NOW)
        second = service.save_today(s, t.patient, 6, "better after a walk", 20, now=NOW + timedelta(hours=3))
        assert first.created and not second.created
        assert second.entry.id == first.entry.id
        assert count(s, MoodEntry) == 1
        entry = s.get(MoodEntry, first.entry.id)
        assert (entry.day, entry.score, entry.note, entry.minutes) == (date(2026, 3, 10), 6, "better after a walk", 20)
        versions = s.exec(select(MoodEntryVersion)).all()
        assert [(v.score, v.note, v.minutes) for v in versions] == [(5, "fine", 10)]


def test_database_refuses_a_second_entry_for_the_same_day(engine):
    with session_scope(engine) as s:
        patient_id = team(s).patient.id
        s.add(MoodEntry(patient_id=patient_id, day=date(2026, 3, 10), score=5))
    with pytest.raises(IntegrityError):
        with session_scope(engine) as s:
            s.add(MoodEntry(patient_id=patient_id, day=date(2026, 3, 10), score=3))
            s.flush()


@pytest.mark.parametrize(
    "values",
    [
        dict(score=0),
        dict(score=8),
        dict(note="x" * 281),
        dict(minutes=7),
        dict(minutes=125),
        dict(risk_level="high"),
    ],
)
def test_database_checks_the_rules_too(engine, values):
    with session_scope(engine) as s:
        patient_id = team(s).patient.id
    fields = dict(patient_id=patient_id, day=date(2026, 3, 10), score=5, note="", minutes=0, risk_level="none")
    fields.update(values)
    # PostgreSQL's varchar(280) refuses a long note before the CHECK does (DataError).
    with pytest.raises((IntegrityError, DataError)):
        with session_scope(engine) as s:
            s.add(MoodEntry(**fields))
            s.flush()


@pytest.mark.parametrize(
    "score, note, minutes, message",
    [
        (None, "a note", 0, "choose how you're feeling"),
        (9, "a note", 0, "one of the seven moods"),
        (5, "x" * 281, 0, "281 characters"),
        (5, "a note", 12, "steps of 5"),
    ],
)
def test_bad_input_gets_a_clear_message_and_stores_nothing(engine, score, note, minutes, message):
    with session_scope(engine) as s:
        patient = team(s).patient
    with pytest.raises(WellbeingError, match=message):
        with session_scope(engine) as s:
            service.save_today(s, patient, score, note, minutes, now=NOW)
    with session_scope(engine) as s:
        assert count(s, MoodEntry) == 0


def test_the_day_is_the_patients_own_day(engine):
    with session_scope(engine) as s:
        t = team(s, timezone="Pacific/Auckland")
        late_evening_utc = datetime(2026, 3, 10, 10, 30, tzinfo=timezone.utc)  # 23:30 in Auckland
        before = service.save_today(s, t.patient, 5, "", 0, now=late_evening_utc)
        after = service.save_today(s, t.patient, 4, "", 0, now=late_evening_utc + timedelta(hours=1))
        assert before.entry.day == date(2026, 3, 10)
        assert after.entry.day == date(2026, 3, 11)
        assert before.entry.id != after.entry.id and after.created


def test_edits_keep_every_earlier_version_and_reopen_review(engine):
    with session_scope(engine) as s:
        t = team(s)
        saved = save_on(s, t.patient, 2, 5, "first", 5)
        service.mark_reviewed(s, t.doctor, saved.entry.id, now=NOW)
        service.edit_entry(s, t.patient, saved.entry.id, 4, "second", 10, now=NOW + timedelta(minutes=1))
        service.edit_entry(s, t.patient, saved.entry.id, 4, "third", 10, now=NOW + timedelta(minutes=2))
        unchanged = service.edit_entry(s, t.patient, saved.entry.id, 4, "third", 10, now=NOW + timedelta(minutes=3))
        assert not unchanged.alerted
        view = service.history(s, t.doctor, t.patient.id, now=NOW)
        detail = next(d for d in view.entries if d.entry.id == saved.entry.id)
        assert detail.entry.note == "third" and not detail.entry.reviewed
        assert [(v.score, v.note) for v in detail.versions] == [(4, "second"), (5, "first")]
        assert detail.versions[0].saved_at == NOW + timedelta(minutes=1)


def test_deleting_an_entry_removes_its_versions_and_replies_but_not_its_alert(engine):
    with session_scope(engine) as s:
        t = team(s)
        saved = save_on(s, t.patient, 0, 2, "awful day", 0)
        service.edit_entry(s, t.patient, saved.entry.id, 2, "awful day, really", 0, now=NOW)
        service.save_reply(s, t.doctor, saved.entry.id, "I'm here; let's talk on Thursday.", now=NOW)
        service.delete_entry(s, t.patient, saved.entry.id)
    with session_scope(engine) as s:
        assert (count(s, MoodEntry), count(s, MoodEntryVersion), count(s, EntryReply)) == (0, 0, 0)
        alert = s.exec(select(RiskAlert)).one()
        assert alert.entry_id is None and alert.note == "awful day" and alert.acknowledged_at is None
        assert s.get(PatientProfile, t.patient.id).requires_assistance
        assert count(s, DailySuggestion) == 1  # kept, so the day's message is not repeated


def test_today_view_shows_the_saved_entry_its_task_message_and_streak(engine):
    with session_scope(engine) as s:
        t = team(s)
        task_library(s)
        assert service.today(s, t.patient, now=NOW).entry is None
        for days_ago in (3, 2, 1):
            save_on(s, t.patient, days_ago, 5)
        view = service.today(s, t.patient, now=NOW)
        assert view.entry is None and view.task is None and view.message == "" and view.streak == 3
        result = save_on(s, t.patient, 0, 6, "sunny", 15)
        view = service.today(s, t.patient, now=NOW)
        assert view.entry.id == result.entry.id and view.streak == 4
        assert view.task == result.task and view.message == result.message and view.message in messages.MESSAGES


def test_task_follows_band_and_practice_and_is_not_repeated_within_a_week(engine):
    with session_scope(engine) as s:
        t = team(s)
        lib = task_library(s)
        low_day = save_on(s, t.patient, 20, 3)
        assert low_day.task.band == "low" and low_day.task.minutes == 5  # no practice yet: shortest
        shown: list[tuple[int, int]] = []
        for days_ago in range(12, -1, -1):
            result = save_on(s, t.patient, days_ago, 6, "", 10)
            shown.append((days_ago, result.task.id))
        for i, (day_a, task_a) in enumerate(shown):
            for day_b, task_b in shown[i + 1 :]:
                if day_a - day_b <= 7:
                    assert task_a != task_b, "a task came back within 7 days"
        # Once 10 minutes is the typical practice, a good day aims at 10 + 5.
        assert shown[2] == (10, lib["high"][2])


def test_a_pinned_task_comes_first_and_retired_tasks_never(engine):
    with session_scope(engine) as s:
        t = team(s)
        lib = task_library(s)
        retired = add_task(s, "old favourite", 5, "high", retired=True)
        with pytest.raises(WellbeingError, match="retired"):
            service.pin_task(s, t.doctor, t.patient.id, retired)
        service.pin_task(s, t.doctor, t.patient.id, lib["low"][2], now=NOW - timedelta(days=1))
        result = save_on(s, t.patient, 0, 7)
        assert result.task.id == lib["low"][2] and result.task.pinned
        assert [p.id for p in service.pinned_tasks(s, t.doctor, t.patient.id)] == [lib["low"][2]]
        service.unpin_task(s, t.doctor, t.patient.id, lib["low"][2])
        again = service.save_today(s, t.patient, 7, "", 0, now=NOW + timedelta(minutes=5))
        assert again.task.band == "high" and again.task.id != retired and not again.task.pinned


def test_saving_again_the_same_day_keeps_the_message(engine):
    with session_scope(engine) as s:
        t = team(s)
        task_library(s)
        first = save_on(s, t.patient, 0, 5)
        second = service.save_today(s, t.patient, 5, "and a note", 0, now=NOW + timedelta(hours=1))
        assert (second.message, second.task) == (first.message, first.task)
        assert count(s, DailySuggestion) == 1


def test_no_message_repeats_within_30_days(engine):
    with session_scope(engine) as s:
        t = team(s)
        by_day = {}
        for days_ago in range(45, -1, -1):
            by_day[days_ago] = save_on(s, t.patient, days_ago, 5).message
    for day, message in by_day.items():
        window = [by_day[d] for d in range(day + 1, day + 30) if d in by_day]
        assert message not in window


def test_history_gives_points_pixels_streak_and_replies(engine):
    with session_scope(engine) as s:
        t = team(s)
        for days_ago in range(40):
            if days_ago != 5:
                save_on(s, t.patient, days_ago, 1 + days_ago % 7, f"day {days_ago}", 5)
        entry_id = s.exec(select(MoodEntry.id).where(MoodEntry.note == "day 0")).one()
        service.save_reply(s, t.doctor, entry_id, "Glad you checked in.", now=NOW)
        view = service.history(s, t.patient, t.patient.id, days=30, entry_limit=10, now=NOW)
        assert view.today == date(2026, 3, 10) and view.streak == 5
        assert view.points[0][0] == date(2026, 3, 10) - timedelta(days=35)  # six days of lead-in for the average
        assert view.points[-1] == (date(2026, 3, 10), 1, 5)
        assert len(view.pixels) == 365 and view.pixels[-1] == (date(2026, 3, 10), 1)
        assert view.pixels[-6] == (date(2026, 3, 5), None)
        assert len(view.entries) == 10 and view.entry_total == 39
        assert view.entries[0].replies[0].body == "Glad you checked in."
        assert view.entries[0].replies[0].author_name == t.doctor.full_name
        with pytest.raises(WellbeingError, match="30, 90 or 365"):
            service.history(s, t.patient, t.patient.id, days=7, now=NOW)


def test_live_signature_moves_when_the_patient_saves(engine):
    with session_scope(engine) as s:
        t = team(s)
        empty = service.live_signature(s, t.doctor, t.patient.id)
        save_on(s, t.patient, 0, 5)
        after_save = service.live_signature(s, t.doctor, t.patient.id)
        service.save_today(s, t.patient, 4, "", 0, now=NOW + timedelta(minutes=1))
        after_edit = service.live_signature(s, t.doctor, t.patient.id)
        assert len({empty, after_save, after_edit}) == 3


def test_message_index_is_stored_not_the_text(engine):
    with session_scope(engine) as s:
        t = team(s)
        result = save_on(s, t.patient, 0, 5)
        row = s.exec(select(DailySuggestion)).one()
        assert messages.MESSAGES[row.message_index] == result.message
