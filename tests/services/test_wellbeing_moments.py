"""The right words and the right order at hard moments: feelings, the review order, the trend,
and what a patient is shown after an entry that alerted their psychiatrist."""

from __future__ import annotations

from datetime import timedelta

import pytest

from miwell.db import session_scope
from miwell.wellbeing import services as service
from miwell.wellbeing.core import messages
from miwell.wellbeing.services.access import WellbeingError
from tests.services.wellbeing_helpers import NOW, save_on, task_library, team


def test_feelings_are_saved_changed_versioned_and_filter_the_history(engine):
    with session_scope(engine) as s:
        t = team(s)
        first = service.save_today(s, t.patient, 2, "Rough day", 0, now=NOW, feelings=["tired", "anxious"])
        assert first.entry.feelings == ("anxious", "tired")
        assert service.today(s, t.patient, now=NOW).entry.feelings == ("anxious", "tired")
        # Saving again without feelings keeps them; with feelings replaces them and keeps a version.
        service.save_today(s, t.patient, 2, "Rough day", 0, now=NOW)
        again = service.save_today(s, t.patient, 3, "Rough day", 0, now=NOW, feelings=["lonely"])
        assert again.entry.feelings == ("lonely",)
        save_on(s, t.patient, 1, 6, "", 10)
        with pytest.raises(WellbeingError, match="feelings from the list"):
            service.save_today(s, t.patient, 3, "", 0, now=NOW, feelings=["hungry"])
        view = service.history(s, t.doctor, t.patient.id, 30, now=NOW)
        today_entry = view.entries[0]
        assert today_entry.entry.feelings == ("lonely",)
        assert [v.feelings for v in today_entry.versions][:1] == [("anxious", "tired")]
        lonely = service.history(s, t.patient, t.patient.id, 30, now=NOW, feeling="lonely")
        assert [d.entry.day for d in lonely.entries] == [NOW.date()] and lonely.entry_total == 1
        assert len(lonely.points) == 2  # the chart is never filtered
        with pytest.raises(WellbeingError):
            service.history(s, t.patient, t.patient.id, 30, now=NOW, feeling="sleepy")


def test_the_review_feed_puts_urgent_then_watch_first_then_oldest(engine):
    with session_scope(engine) as s:
        t = team(s)
        for days_ago in range(11, 0, -1):
            save_on(s, t.patient, days_ago, 6, "A good day")
        save_on(s, t.patient, 0, 2, "I want to end my life")  # saved today, most urgent
        items, total = service.review_feed(s, t.doctor)
        assert total == 12 and items[0].entry.risk_level == "urgent" and items[0].entry.note == "I want to end my life"
        assert [i.entry.day for i in items[1:]] == sorted(i.entry.day for i in items[1:])
        counts = service.review_counts(s, t.doctor)
        assert (counts["urgent"], counts["watch"], counts["none"]) == (1, 0, 11)


def test_after_a_risk_entry_the_patient_gets_words_and_a_task_for_that_moment(engine):
    with session_scope(engine) as s:
        t = team(s)
        lib = task_library(s)
        service.pin_task(s, t.doctor, t.patient.id, lib["high"][2])  # a pinned 15-minute task
        result = service.save_today(s, t.patient, 2, "I want to end my life", 0, now=NOW)
        assert result.risk.level == "urgent"
        assert messages.MESSAGES.index(result.message) in messages.HARD_MOMENT
        assert (result.task.band, result.task.minutes) == ("low", 5)
        assert service.today(s, t.patient, now=NOW).message == result.message
        # A good day later gets an everyday message and the pinned task again.
        calm = service.save_today(s, t.patient, 6, "Better", 10, now=NOW + timedelta(days=1))
        assert messages.MESSAGES.index(calm.message) in messages.EVERYDAY and calm.task.id == lib["high"][2]


def test_the_dashboard_calls_out_a_drop_and_its_signature_moves_with_every_save(engine):
    with session_scope(engine) as s:
        t = team(s)
        for days_ago in range(7, 0, -1):
            save_on(s, t.patient, days_ago, 6)
        before = service.entries_signature(s, t.doctor.id)
        save_on(s, t.patient, 0, 1)
        after_save = service.entries_signature(s, t.doctor.id)
        row = service.dashboard(s, t.doctor, now=NOW)[0]
        assert (row.trend, row.drop) == ("drop", 5)
        service.mark_reviewed(s, t.doctor, service.review_feed(s, t.doctor)[0][0].entry.id)
        service.save_today(s, t.patient, 2, "", 0, now=NOW + timedelta(minutes=5))  # an edit of a reviewed entry
        assert len({before, after_save, service.entries_signature(s, t.doctor.id)}) == 3
