"""The safety net in the database: screener answers, questionnaires, crisis lines, urgent bookings,
reports and the patient's own data. Every function refuses other roles and other patients."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from miwell.accounts.services import PermissionDenied as AccountDenied
from miwell.db import session_scope
from miwell.notifications import services as alerts
from miwell.scheduling import services as scheduling
from miwell.scheduling.models import Appointment, ClinicPatient, Doctor, Organisation
from miwell.scheduling.services import calendar as calendar_service
from miwell.wellbeing import services as service
from miwell.wellbeing.core import crisis
from miwell.wellbeing.core import report as report_core
from miwell.wellbeing.models import MoodEntry, QuestionnaireResponse, RiskAlert
from miwell.wellbeing.services import questionnaires, reports, support
from miwell.wellbeing.services.access import PermissionDenied, WellbeingError
from tests.services.scheduling_helpers import make_org
from tests.services.wellbeing_helpers import team

# Tuesday 1 December 2026, 08:00 in London: the demo clinic's agendas run on weekday mornings.
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)


def _save(s, patient, score, note, now=NOW):
    return service.save_today(s, patient, score, note, 0, now=now)


# --- screener -----------------------------------------------------------------------------------


def test_watch_words_ask_the_screener_and_a_yes_makes_the_alert_urgent(engine):
    with session_scope(engine) as s:
        t = team(s)
        saved = _save(s, t.patient, 4, "I want to vanish")
        assert saved.risk.level == "watch" and saved.risk.from_note == "watch" and saved.asks_screener
        assert service.today(s, t.patient, now=NOW).asks_screener
        after = service.answer_screener(s, t.patient, saved.entry.id, "no", "yes", now=NOW)
        assert after.risk.level == "urgent" and after.alerted
        assert "Screener: yes, thoughts of killing themselves (past month)" in after.risk.reasons
        entry = s.get(MoodEntry, saved.entry.id)
        assert (entry.screener_wish_dead, entry.screener_thoughts) == (False, True)
        # The watch alert and the urgent one are about one entry: the psychiatrist sees one card.
        (shown,) = alerts.open_alerts(s, t.doctor)
        assert shown.level == "urgent" and any(r.startswith("Screener: yes") for r in shown.reasons)
        # Asked once: answered now, not again.
        assert not service.today(s, t.patient, now=NOW).asks_screener
        # The psychiatrist reads the answers with the entry.
        view = service.history(s, t.doctor, t.patient.id, now=NOW)
        assert view.entries[0].entry.screener == (False, True)


def test_no_and_not_now_keep_watch_and_stop_asking(engine):
    with session_scope(engine) as s:
        t = team(s)
        saved = _save(s, t.patient, 1, "rough")
        assert saved.asks_screener  # the lowest mood asks too
        after = service.answer_screener(s, t.patient, saved.entry.id, "no", "no", now=NOW)
        assert after.risk.level == "watch" and not after.alerted
        other = team(s)
        skipped = _save(s, other.patient, 4, "nothing will ever get better")
        service.answer_screener(s, other.patient, skipped.entry.id, None, None, now=NOW)
        assert not service.today(s, other.patient, now=NOW).asks_screener
        assert s.get(MoodEntry, skipped.entry.id).screener_wish_dead is None


def test_urgent_words_and_good_days_do_not_ask(engine):
    with session_scope(engine) as s:
        t = team(s)
        assert not _save(s, t.patient, 4, "I want to kill myself").asks_screener
        other = team(s)
        assert not _save(s, other.patient, 6, "lovely walk").asks_screener


def test_screener_refuses_other_patients_other_days_and_odd_answers(engine):
    with session_scope(engine) as s:
        t, other = team(s), team(s)
        saved = _save(s, t.patient, 4, "I want to vanish")
        with pytest.raises(PermissionDenied):
            service.answer_screener(s, other.patient, saved.entry.id, "yes", "yes", now=NOW)
        with pytest.raises(PermissionDenied):
            service.answer_screener(s, t.doctor, saved.entry.id, "yes", "yes", now=NOW)
        with pytest.raises(WellbeingError):
            service.answer_screener(s, t.patient, saved.entry.id, "maybe", "no", now=NOW)
        with pytest.raises(WellbeingError):
            service.answer_screener(s, t.patient, saved.entry.id, "yes", "no", now=NOW + timedelta(days=1))


# --- questionnaires -----------------------------------------------------------------------------


def _fill(s, patient, kind, answers, now=NOW):
    progress = questionnaires.start(s, patient, kind, now=now)
    for index, value in enumerate(answers):
        progress = questionnaires.answer(s, patient, progress.response_id, index, value, now=now)
    return progress


def test_phq9_item_9_is_urgent_whatever_the_total(engine):
    with session_scope(engine) as s:
        t = team(s)
        questionnaires.set_schedule(s, t.doctor, t.patient.id, "phq9", "2", now=NOW)
        assert [d.kind for d in questionnaires.due(s, t.patient, now=NOW)] == ["phq9"]
        done = _fill(s, t.patient, "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
        assert done.completed and done.total == 1 and done.band == "minimal" and done.urgent and done.alerted
        (alert,) = alerts.open_alerts(s, t.doctor)
        assert alert.level == "urgent" and alert.source == "phq9" and alert.score is None
        assert "item 9" in alert.reasons[0]
        # Done: not due again for two weeks.
        assert questionnaires.due(s, t.patient, now=NOW) == []
        assert [d.kind for d in questionnaires.due(s, t.patient, now=NOW + timedelta(days=14))] == ["phq9"]


def test_a_rise_of_five_is_a_watch_alert_and_gad7_is_never_urgent(engine):
    with session_scope(engine) as s:
        t = team(s)
        questionnaires.set_schedule(s, t.doctor, t.patient.id, "gad7", 4, now=NOW)
        first = _fill(s, t.patient, "gad7", [1] * 7)
        assert first.total == 7 and first.band == "mild" and not first.alerted
        later = NOW + timedelta(weeks=4)
        second = _fill(s, t.patient, "gad7", [2] * 6 + [1], now=later)
        assert second.total == 13 and second.band == "moderate" and second.alerted and not second.urgent
        (alert,) = alerts.open_alerts(s, t.doctor)
        assert alert.level == "watch" and alert.reasons == ("GAD-7 rose from 7 to 13 (moderate)",)
        assert [(x.kind, x.total) for x in questionnaires.scores(s, t.patient, t.patient.id)] == [("gad7", 7), ("gad7", 13)]


def test_answers_are_kept_as_they_go(engine):
    with session_scope(engine) as s:
        t = team(s)
        questionnaires.set_schedule(s, t.doctor, t.patient.id, "phq9", 2, now=NOW)
        progress = questionnaires.start(s, t.patient, "phq9", now=NOW)
        questionnaires.answer(s, t.patient, progress.response_id, 0, 2, now=NOW)
        questionnaires.answer(s, t.patient, progress.response_id, 1, 3, now=NOW)
        (due,) = questionnaires.due(s, t.patient, now=NOW)
        assert due.answered == 2
        again = questionnaires.start(s, t.patient, "phq9", now=NOW)
        assert again.response_id == progress.response_id and again.position == 2 and again.answers[:2] == (2, 3)


def test_questionnaires_refuse_the_wrong_people_and_values(engine):
    with session_scope(engine) as s:
        t, other = team(s), team(s)
        with pytest.raises(PermissionDenied):
            questionnaires.set_schedule(s, other.doctor, t.patient.id, "phq9", 2, now=NOW)
        with pytest.raises(PermissionDenied):
            questionnaires.set_schedule(s, t.patient, t.patient.id, "phq9", 2, now=NOW)
        with pytest.raises(WellbeingError):
            questionnaires.set_schedule(s, t.doctor, t.patient.id, "phq9", 3, now=NOW)
        with pytest.raises(WellbeingError):
            questionnaires.set_schedule(s, t.doctor, t.patient.id, "beck", 2, now=NOW)
        with pytest.raises(WellbeingError):
            questionnaires.start(s, t.patient, "phq9", now=NOW)  # not switched on
        questionnaires.set_schedule(s, t.doctor, t.patient.id, "phq9", 2, now=NOW)
        progress = questionnaires.start(s, t.patient, "phq9", now=NOW)
        with pytest.raises(PermissionDenied):
            questionnaires.answer(s, other.patient, progress.response_id, 0, 1, now=NOW)
        for index, value in ((9, 1), (-1, 1), (0, 4), (0, True), ("0", 1)):
            with pytest.raises(WellbeingError):
                questionnaires.answer(s, t.patient, progress.response_id, index, value, now=NOW)
        with pytest.raises(PermissionDenied):
            questionnaires.scores(s, other.doctor, t.patient.id)
        with pytest.raises(PermissionDenied):
            questionnaires.scores(s, other.patient, t.patient.id)
        _fill(s, t.patient, "phq9", [0] * 9)
        with pytest.raises(WellbeingError):
            questionnaires.answer(s, t.patient, progress.response_id, 0, 1, now=NOW)
        assert s.exec(select(QuestionnaireResponse)).one().total == 0


# --- crisis lines -------------------------------------------------------------------------------


def _linked_world(s):
    """A clinic whose patient record and doctor record are linked to a psychiatrist and their patient."""
    org = make_org(s, "Harbour")
    t = team(s)
    record = s.get(ClinicPatient, org.patient_id)
    record.user_id, record.user_role = t.patient.id, "patient"
    doctor = s.get(Doctor, org.doctor_id)
    doctor.user_id, doctor.user_role = t.doctor.id, "psychiatrist"
    s.add_all([record, doctor])
    s.flush()
    return org, t


def test_patients_see_their_clinics_lines_or_the_defaults(engine):
    with session_scope(engine) as s:
        org, t = _linked_world(s)
        loner = team(s)
        assert support.crisis_lines_for_patient(s, loner.patient) == list(crisis.UK_DEFAULTS)
        assert support.crisis_lines_for_patient(s, t.patient) == list(crisis.UK_DEFAULTS)  # none set yet
        scheduling.set_crisis_lines(
            s, org.admin, org.id,
            [("Harbour crisis team", "0113 496 0999", "8am to 10pm"), ("", "", ""), ("Samaritans", "116 123", "Free, any time")],
        )  # fmt: skip
        lines = support.crisis_lines_for_patient(s, t.patient)
        assert [(l.name, l.dial) for l in lines] == [("Harbour crisis team", "01134960999"), ("Samaritans", "116123")]
        assert support.crisis_lines_for_patient(s, loner.patient) == list(crisis.UK_DEFAULTS)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("Line", "call me", "")], "digits"),
        ([("", "116 123", "")], "name"),
        ([("A", "116 123", ""), ("B", "116123", "")], "twice"),
        ([(f"L{i}", f"0113 496 {i:04d}", "") for i in range(9)], "8 lines"),
    ],
)
def test_crisis_lines_refuse_what_cannot_be_called(engine, rows, message):
    with session_scope(engine) as s:
        org = make_org(s, "Checks")
        with pytest.raises(scheduling.SchedulingError, match=message):
            scheduling.set_crisis_lines(s, org.admin, org.id, rows)


def test_only_admins_keep_crisis_lines(engine):
    with session_scope(engine) as s:
        org, t = _linked_world(s)
        for actor in (org.staff, t.doctor, t.patient):
            with pytest.raises(Exception, match="access"):
                scheduling.set_crisis_lines(s, actor, org.id, [("X", "999", "")])


# --- from an alert to an appointment ------------------------------------------------------------


def test_book_the_earliest_slot_from_an_alert(engine):
    with session_scope(engine) as s:
        org, t = _linked_world(s)
        _save(s, t.patient, 4, "I want to kill myself")
        (alert,) = alerts.open_alerts(s, t.doctor)
        version = s.get(Organisation, org.id).calendar_version
        options = alerts.urgent_options(s, t.doctor, t.patient.id, now=NOW)
        assert options.problem == "" and len(options.slots) == 3
        assert [o.start.hour * 60 + o.start.minute for o in options.slots] == [9 * 60, 9 * 60 + 30, 10 * 60]
        booked = alerts.book_urgent(s, t.doctor, t.patient.id, options.slots[0].doctor_id, options.slots[0].start.isoformat(), alert.id, now=NOW)
        assert booked.start == options.slots[0].start
        appointment = s.exec(select(Appointment)).one()
        assert appointment.patient_id == org.patient_id and appointment.status == "scheduled"
        stored = s.get(RiskAlert, alert.id)
        assert stored.appointment_id == appointment.id and stored.booked_by == t.doctor.id
        assert s.get(Organisation, org.id).calendar_version > version  # the desks' calendars reload
        assert [a.id for a in calendar_service.patient_upcoming(s, t.patient, now=NOW)] == [appointment.id]
        # The same slot again: the calendar's own race guard answers.
        with pytest.raises(scheduling.SchedulingError):
            alerts.book_urgent(s, t.doctor, t.patient.id, options.slots[0].doctor_id, options.slots[0].start.isoformat(), alert.id, now=NOW)
        assert alerts.urgent_options(s, t.doctor, t.patient.id, now=NOW).slots[0].start == options.slots[1].start


def test_no_booking_says_exactly_why_and_offers_the_desk(engine):
    with session_scope(engine) as s:
        unlinked = team(s)
        options = alerts.urgent_options(s, unlinked.doctor, unlinked.patient.id, now=NOW)
        assert options.slots == () and "not linked to a record at any clinic" in options.problem and options.desks == ()
        org, t = _linked_world(s)
        doctor = s.get(Doctor, org.doctor_id)
        doctor.user_id = doctor.user_role = None
        s.add(doctor)
        s.flush()
        options = alerts.urgent_options(s, t.doctor, t.patient.id, now=NOW)
        assert "no doctor record linked to your account at Harbour" in options.problem
        assert [d.organisation for d in options.desks] == ["Harbour"]
        request = alerts.ask_desk(s, t.doctor, t.patient.id, org.id, now=NOW)
        (row,) = scheduling.urgent_requests(s, org.staff)
        assert row.id == request.id and row.patient_name == "Patient of Harbour" and row.requested_by == t.doctor.full_name
        assert scheduling.handle_urgent_request(s, org.staff, row.id, now=NOW)
        assert scheduling.urgent_requests(s, org.staff) == []


def test_urgent_booking_refuses_other_psychiatrists_doctors_and_patients(engine):
    with session_scope(engine) as s:
        org, t = _linked_world(s)
        stranger = team(s)
        with pytest.raises(PermissionDenied):
            alerts.urgent_options(s, stranger.doctor, t.patient.id, now=NOW)
        with pytest.raises(PermissionDenied):
            alerts.urgent_options(s, t.patient, t.patient.id, now=NOW)
        start = alerts.urgent_options(s, t.doctor, t.patient.id, now=NOW).slots[0].start.isoformat()
        with pytest.raises(PermissionDenied):
            alerts.book_urgent(s, stranger.doctor, t.patient.id, org.doctor_id, start, now=NOW)
        other_org = make_org(s, "Elsewhere")
        with pytest.raises(PermissionDenied):  # a doctor record not linked to this psychiatrist
            alerts.book_urgent(s, t.doctor, t.patient.id, other_org.doctor_id, start, now=NOW)
        with pytest.raises(PermissionDenied):
            alerts.ask_desk(s, t.doctor, t.patient.id, other_org.id, now=NOW)
        with pytest.raises(AccountDenied):
            scheduling.urgent_requests(s, t.doctor)
        assert s.exec(select(Appointment)).all() == []


# --- reports and the patient's own data ---------------------------------------------------------


def test_report_pdf_and_csv_keep_notes_out_unless_asked(engine):
    with session_scope(engine) as s:
        t = team(s)
        for days_ago in range(10):
            service.save_today(s, t.patient, 3 + days_ago % 4, f"private note {days_ago}", 10, now=NOW - timedelta(days=days_ago))
        data = reports.report(s, t.patient, t.patient.id, now=NOW)
        assert len(data.entries) == 10 and not data.include_notes
        text = report_core.to_csv(data)
        assert "private note" not in text and text.startswith("date,mood_score")
        assert report_core.to_pdf(data).startswith(b"%PDF")
        with_notes = reports.report(s, t.doctor, t.patient.id, include_notes=True, now=NOW)
        assert "private note 3" in report_core.to_csv(with_notes)
        with pytest.raises(WellbeingError):
            reports.report(s, t.patient, t.patient.id, "2026-12-01", "2025-01-01", now=NOW)
        with pytest.raises(PermissionDenied):
            reports.report(s, team(s).doctor, t.patient.id, now=NOW)


def test_export_zip_holds_everything_of_the_patient_and_nothing_of_anyone_else(engine):
    with session_scope(engine) as s:
        t, other = team(s), team(s)
        saved = service.save_today(s, t.patient, 2, "my own words", 5, now=NOW)
        service.edit_entry(s, t.patient, saved.entry.id, 3, "my own words, changed", 5, now=NOW)
        service.save_reply(s, t.doctor, saved.entry.id, "Thank you for telling me.")
        service.save_today(s, other.patient, 5, "someone else's words", 0, now=NOW)
        archive = zipfile.ZipFile(io.BytesIO(reports.export_zip(s, t.patient, now=NOW)))
        names = set(archive.namelist())
        assert {"README.txt", "data.json", "entries.csv", "entry_versions.csv", "replies.csv", "questionnaires.csv", "appointments.csv"} <= names
        everything = "".join(archive.read(n).decode() for n in names)
        assert "my own words, changed" in everything and "Thank you for telling me." in everything
        assert "my own words" in archive.read("entry_versions.csv").decode()
        assert "someone else" not in everything
        with pytest.raises(PermissionDenied):
            reports.export_zip(s, t.doctor, now=NOW)
