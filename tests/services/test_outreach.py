"""Outreach against a real SMTP server (aiosmtpd): unseen urgent alerts are emailed and
escalated, acknowledging in time sends nothing, reminders reach exactly the patients without an
entry at their local time, appointment reminders follow a reschedule and stop on cancel, two
consumers send each message once, and faults are recorded, retried or shown."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import select

from miwell.accounts.models import PatientProfile, User
from miwell.db import session_scope
from miwell.notifications import services as alerts
from miwell.outreach.core.messages import Mail
from miwell.outreach.models import MessagePreference, OutboxMessage
from miwell.outreach.services import outbox, scans, settings as prefs
from miwell.scheduling import services as scheduling
from miwell.scheduling.models import ClinicPatient
from miwell.wellbeing import services as wellbeing
from miwell.wellbeing.models import RiskAlert
from miwell.accounts.services.base import PermissionDenied
from tests.factories import as_current, make_user
from tests.services.outreach_helpers import mailer_for, smtp_server
from tests.services.scheduling_helpers import at, make_org
from tests.services.wellbeing_helpers import team

UTC = timezone.utc
# A Friday evening in London (UTC in winter).
EVENING = datetime(2026, 12, 4, 21, 0, tzinfo=UTC)
URGENT_NOTE = "I want to end my life tonight"


@pytest.fixture
def smtp():
    with smtp_server() as (inbox, port):
        yield inbox, mailer_for(port)


def _statuses(engine) -> list[tuple[str, str, str]]:
    with session_scope(engine) as s:
        return [(m.kind, m.recipient, m.status) for m in s.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()]


def _urgent_alert(engine, at_time=EVENING):
    with session_scope(engine) as s:
        admin = as_current(make_user(s, "admin", email="admin.one@example.org"))
        t = team(s)
        saved = wellbeing.save_today(s, t.patient, 2, URGENT_NOTE, 0, now=at_time)
        assert saved.risk.level == "urgent"
        alert_id = s.exec(select(RiskAlert.id)).one()
        doctor_email = s.get(User, t.doctor.id).email
    return t, admin, alert_id, doctor_email


def _scan(engine, now):
    with session_scope(engine) as s:
        return scans.run_scans(s, now)


# --- unseen urgent alerts ----------------------------------------------------------------------


def test_an_unseen_urgent_alert_emails_the_psychiatrist_after_5_minutes_and_escalates_after_30(engine, smtp):
    inbox, mailer = smtp
    t, admin, alert_id, doctor_email = _urgent_alert(engine)
    assert _scan(engine, EVENING + timedelta(minutes=4)).alert_emails == 0
    assert _scan(engine, EVENING + timedelta(minutes=5)).alert_emails == 1
    assert _scan(engine, EVENING + timedelta(minutes=6)).alert_emails == 0  # once
    report = outbox.send_due(engine, mailer, "w1", now=EVENING + timedelta(minutes=6))
    assert report.sent == 1
    (mail,) = inbox.to(doctor_email)
    assert "urgent alert" in mail["Subject"] and "/psychiatrist" in mail.get_content()
    assert URGENT_NOTE.lower() not in mail.get_content().lower() and "end my life" not in mail.get_content()

    assert _scan(engine, EVENING + timedelta(minutes=29)).escalations == 0
    assert _scan(engine, EVENING + timedelta(minutes=30)).escalations == 1
    outbox.send_due(engine, mailer, "w1", now=EVENING + timedelta(minutes=31))
    (escalation,) = inbox.to("admin.one@example.org")  # no safety contacts: every admin
    assert f"#{alert_id}" in escalation["Subject"]
    # Every step is on the alert, and on its card.
    with session_scope(engine) as s:
        alert = s.get(RiskAlert, alert_id)
        assert alert.emailed_at == EVENING + timedelta(minutes=5) and alert.escalated_at == EVENING + timedelta(minutes=30)
        (card,) = alerts.open_alerts(s, t.doctor)
        assert card.emailed_at and card.escalated_at


def test_escalation_goes_to_the_organisations_safety_contacts(engine, smtp):
    inbox, mailer = smtp
    with session_scope(engine) as s:
        org = make_org(s, "Harbour")
        t = team(s)
        record = s.get(ClinicPatient, org.patient_id)
        record.user_id, record.user_role = t.patient.id, "patient"
        s.add(record)
        prefs.set_safety_contacts(s, org.admin, org.id, "duty.manager@harbour.org\nOn.Call@harbour.org, duty.manager@harbour.org")
        assert prefs.safety_contacts(s, org.admin, org.id) == ["duty.manager@harbour.org", "on.call@harbour.org"]
        with pytest.raises(PermissionDenied):
            prefs.set_safety_contacts(s, org.staff, org.id, "x@y.org")
        with pytest.raises(ValueError, match="Not an email"):
            prefs.set_safety_contacts(s, org.admin, org.id, "duty manager")
        wellbeing.save_today(s, t.patient, 2, URGENT_NOTE, 0, now=EVENING)
    _scan(engine, EVENING + timedelta(minutes=31))
    outbox.send_due(engine, mailer, "w1", now=EVENING + timedelta(minutes=31))
    assert {m["To"] for m in inbox.messages} >= {"duty.manager@harbour.org", "on.call@harbour.org"}
    assert not inbox.to(org.admin.email)
    body = inbox.to("on.call@harbour.org")[0].get_content()
    assert "Harbour" in body and URGENT_NOTE not in body


def test_acknowledging_in_time_sends_nothing_even_if_already_queued(engine, smtp):
    inbox, mailer = smtp
    t, _, alert_id, _ = _urgent_alert(engine)
    _scan(engine, EVENING + timedelta(minutes=5))  # queued, not sent yet
    with session_scope(engine) as s:
        alerts.acknowledge(s, t.doctor, alert_id, now=EVENING + timedelta(minutes=5, seconds=30))
    _scan(engine, EVENING + timedelta(minutes=45))
    outbox.send_due(engine, mailer, "w1", now=EVENING + timedelta(minutes=45))
    assert inbox.messages == []
    assert _statuses(engine) == [("alert", _statuses(engine)[0][1], "cancelled")]


# --- daily reminders ---------------------------------------------------------------------------


def test_the_daily_reminder_reaches_exactly_the_patients_without_an_entry_at_their_local_time(engine, smtp):
    inbox, mailer = smtp
    seven_pm = datetime(2026, 12, 4, 19, 0, tzinfo=UTC)
    with session_scope(engine) as s:
        t = team(s)
        logged = make_user(s, "patient", email="logged@example.org")
        quiet = make_user(s, "patient", email="auckland@example.org", timezone="Pacific/Auckland")  # 08:00 tomorrow there
        off = as_current(make_user(s, "patient", email="off@example.org"))
        later = as_current(make_user(s, "patient", email="later@example.org"))
        prefs.save_preferences(s, off, True, False, "19:00", False)
        prefs.save_preferences(s, later, True, True, "20:30", False)
        wellbeing.save_today(s, as_current(logged), 5, "", 0, now=seven_pm - timedelta(hours=2))
        patient_email = s.get(User, t.patient.id).email
        # Auckland's patient: 08:00 on the 5th there, reminders at 19:00 by default: not yet.
        assert s.get(PatientProfile, quiet.id).timezone == "Pacific/Auckland"
    found = _scan(engine, seven_pm)
    assert (found.reminders, found.nudges) == (1, 0)
    assert _scan(engine, seven_pm + timedelta(minutes=1)).reminders == 0  # at most one a day
    outbox.send_due(engine, mailer, "w1", now=seven_pm + timedelta(minutes=1))
    assert [m["To"] for m in inbox.messages] == [patient_email]
    assert "/patient" in inbox.messages[0].get_content()
    # 20:30 for the one who chose it; nothing during the quiet hours, for anyone.
    assert _scan(engine, datetime(2026, 12, 4, 20, 30, tzinfo=UTC)).reminders == 1
    assert _scan(engine, datetime(2026, 12, 4, 21, 45, tzinfo=UTC)).reminders == 0
    assert _scan(engine, datetime(2026, 12, 5, 7, 0, tzinfo=UTC)).reminders == 1  # 20:00 in Auckland


def test_a_reminder_is_cancelled_when_the_entry_arrives_before_it_is_sent(engine, smtp):
    inbox, mailer = smtp
    seven_pm = datetime(2026, 12, 4, 19, 0, tzinfo=UTC)
    with session_scope(engine) as s:
        t = team(s)
    assert _scan(engine, seven_pm).reminders == 1
    with session_scope(engine) as s:
        wellbeing.save_today(s, t.patient, 4, "", 0, now=seven_pm + timedelta(seconds=20))
    report = outbox.send_due(engine, mailer, "w1", now=seven_pm + timedelta(minutes=1))
    assert (report.sent, report.cancelled) == (0, 1) and inbox.messages == []


def test_two_missed_days_bring_a_gentle_nudge(engine, smtp):
    inbox, mailer = smtp
    seven_pm = datetime(2026, 12, 4, 19, 0, tzinfo=UTC)
    with session_scope(engine) as s:
        t = team(s)
        wellbeing.save_today(s, t.patient, 4, "", 0, now=seven_pm - timedelta(days=3))
    found = _scan(engine, seven_pm)
    assert (found.reminders, found.nudges) == (0, 1)
    outbox.send_due(engine, mailer, "w1", now=seven_pm)
    assert "couple of days" in inbox.messages[0].get_content()


def test_turning_emails_off_is_honoured_at_send_time(engine, smtp):
    inbox, mailer = smtp
    seven_pm = datetime(2026, 12, 4, 19, 0, tzinfo=UTC)
    with session_scope(engine) as s:
        t = team(s)
    _scan(engine, seven_pm)
    with session_scope(engine) as s:
        prefs.save_preferences(s, t.patient, False, True, "19:00", False)
        assert s.get(MessagePreference, t.patient.id).emails is False
    report = outbox.send_due(engine, mailer, "w1", now=seven_pm)
    assert report.cancelled == 1 and inbox.messages == []


def test_preferences_refuse_bad_values_and_other_roles(engine):
    with session_scope(engine) as s:
        t = team(s)
        staff = as_current(make_user(s, "staff"))
        with pytest.raises(ValueError, match="never sent between"):
            prefs.save_preferences(s, t.patient, True, True, "22:00", False)
        with pytest.raises(ValueError):
            prefs.save_preferences(s, t.patient, "yes", True, "19:00", False)
        with pytest.raises(PermissionDenied):
            prefs.get_preferences(s, staff)
        saved = prefs.save_preferences(s, t.doctor, True, False, "19:00", True)
        assert saved.digest and saved.daily_reminder  # a psychiatrist's reminders are not theirs to change


# --- the morning digest ------------------------------------------------------------------------


def test_the_morning_digest_counts_patients_missing_3_days_without_names(engine, smtp):
    inbox, mailer = smtp
    morning = datetime(2026, 12, 4, 8, 5, tzinfo=UTC)
    with session_scope(engine) as s:
        t = team(s)
        second = as_current(make_user(s, "patient", name="Second Patient"))
        assert s.get(PatientProfile, second.id).psychiatrist_id == t.doctor.id
        wellbeing.save_today(s, t.patient, 3, "", 0, now=morning - timedelta(days=4))
        wellbeing.save_today(s, second, 3, "", 0, now=morning - timedelta(days=3))
        doctor_email = s.get(User, t.doctor.id).email
    assert _scan(engine, morning).digests == 0  # not asked for
    with session_scope(engine) as s:
        prefs.save_preferences(s, t.doctor, True, True, "19:00", True)
    assert _scan(engine, morning).digests == 1
    assert _scan(engine, morning + timedelta(hours=1)).digests == 0
    outbox.send_due(engine, mailer, "w1", now=morning)
    (mail,) = inbox.to(doctor_email)
    assert mail["Subject"].startswith("MiWell: 1 patient has") and "Patient" not in mail.get_content().split("\n")[0].replace("patient", "")


# --- appointment reminders ---------------------------------------------------------------------


def test_appointment_reminders_follow_a_reschedule_and_stop_on_cancel(engine, smtp):
    inbox, mailer = smtp
    booked_at = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    with session_scope(engine) as s:
        org = make_org(s, "Harbour")
        record = s.get(ClinicPatient, org.patient_id)
        record.email = "patient.record@example.org"
        s.add(record)
        appointment = scheduling.book(s, org.staff, org.doctor_id, at(date(2026, 12, 3), 10), org.patient_id, now=booked_at)
        appointment_id = appointment.id
    # 48 hours before: the first reminder, with the .ics.
    assert _scan(engine, datetime(2026, 12, 1, 10, 0, tzinfo=UTC)).appointment_reminders == 1
    outbox.send_due(engine, mailer, "w1", now=datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    (first,) = inbox.messages
    assert "Thu 3 Dec at 10:00" in first["Subject"]
    (ics,) = [p for p in first.iter_attachments()]
    assert ics.get_content_type() == "text/calendar" and "BEGIN:VEVENT" in ics.get_content()
    # Moved to the next day: the next 2-hours reminder is for the new time only.
    with session_scope(engine) as s:
        scheduling.reschedule(s, org.staff, appointment_id, at(date(2026, 12, 4), 10), now=datetime(2026, 12, 1, 11, tzinfo=UTC))
    _scan(engine, datetime(2026, 12, 2, 10, 0, tzinfo=UTC))  # 48 h before the new time
    outbox.send_due(engine, mailer, "w1", now=datetime(2026, 12, 2, 10, 0, tzinfo=UTC))
    assert len(inbox.messages) == 2 and "Fri 4 Dec at 10:00" in inbox.messages[1]["Subject"]
    _scan(engine, datetime(2026, 12, 3, 8, 30, tzinfo=UTC))  # 2 h before the old time: nothing
    outbox.send_due(engine, mailer, "w1", now=datetime(2026, 12, 3, 8, 30, tzinfo=UTC))
    assert len(inbox.messages) == 2
    # Queued for 2 h before, then cancelled: it never goes.
    _scan(engine, datetime(2026, 12, 4, 8, 0, tzinfo=UTC))
    with session_scope(engine) as s:
        scheduling.cancel(s, org.staff, appointment_id, "Patient is unwell", now=datetime(2026, 12, 4, 8, 1, tzinfo=UTC))
    report = outbox.send_due(engine, mailer, "w1", now=datetime(2026, 12, 4, 8, 2, tzinfo=UTC))
    assert report.cancelled == 1 and len(inbox.messages) == 2
    assert _scan(engine, datetime(2026, 12, 4, 8, 3, tzinfo=UTC)).appointment_reminders == 0


# --- sending: two consumers, faults, no SMTP ---------------------------------------------------


def _queue(engine, n: int) -> None:
    """``n`` digests for a psychiatrist who asked for them, each to its own address."""
    with session_scope(engine) as s:
        doctor = as_current(make_user(s, "psychiatrist"))
        prefs.save_preferences(s, doctor, True, True, "19:00", True)
        for i in range(n):
            outbox.enqueue(s, key=f"test:{i}", kind="digest", recipient=f"person{i}@example.org", mail=Mail(f"Hello {i}", "Body"), now=EVENING, user_id=doctor.id)


def test_two_consumers_at_once_send_each_message_exactly_once(engine, smtp):
    inbox, mailer = smtp
    _queue(engine, 40)
    with session_scope(engine) as s:
        assert not outbox.enqueue(s, key="test:3", kind="digest", recipient="x@example.org", mail=Mail("again", "again"))
    reports = []
    threads = [threading.Thread(target=lambda w=w: reports.append(outbox.send_due(engine, mailer, w, now=EVENING))) for w in ("a", "b")]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    sent_to = sorted(m["To"] for m in inbox.messages)
    assert sent_to == sorted(f"person{i}@example.org" for i in range(40))
    assert sum(r.sent for r in reports) == 40
    assert {status for *_, status in _statuses(engine)} == {"sent"}


def test_an_unreachable_server_is_retried_with_backoff_and_a_refused_address_is_shown(engine, smtp):
    inbox, mailer = smtp
    from tests.services.outreach_helpers import free_port

    _queue(engine, 1)
    down = mailer_for(free_port())
    report = outbox.send_due(engine, down, "w1", now=EVENING)
    assert report.retrying == 1
    with session_scope(engine) as s:
        message = s.exec(select(OutboxMessage)).one()
        assert message.status == "queued" and message.attempts == 1 and "Connection" in message.last_error
        assert message.send_after == EVENING + timedelta(minutes=1)
    assert outbox.send_due(engine, mailer, "w1", now=EVENING).sent == 0  # not before its time
    assert outbox.send_due(engine, mailer, "w1", now=EVENING + timedelta(minutes=1)).sent == 1

    inbox.refuse.add("nobody@example.org")
    with session_scope(engine) as s:
        doctor_id = s.exec(select(OutboxMessage.user_id)).first()
        outbox.enqueue(s, key="refused", kind="digest", recipient="nobody@example.org", mail=Mail("Hi", "Body"), now=EVENING, user_id=doctor_id)
    assert outbox.send_due(engine, mailer, "w1", now=EVENING + timedelta(minutes=2)).failed == 1
    with session_scope(engine) as s:
        failed = s.exec(select(OutboxMessage).where(OutboxMessage.key == "refused")).one()
        assert failed.status == "failed" and "550" in failed.last_error


def test_without_smtp_messages_are_kept_for_admins_to_read(engine):
    _queue(engine, 2)
    assert outbox.send_due(engine, None, "w1", now=EVENING).held == 2
    with session_scope(engine) as s:
        admin = as_current(make_user(s, "admin"))
        rows, counts = prefs.outbox(s, admin)
        assert counts["held"] == 2 and rows[0].body == "Body" and "MIWELL_SMTP_URL" in rows[0].last_error
        assert prefs.outbox(s, admin, "sent")[0] == []
        with pytest.raises(PermissionDenied):
            prefs.outbox(s, as_current(make_user(s, "staff")))


def test_a_consumer_that_stopped_mid_send_never_repeats_a_reminder_but_repeats_a_safety_email(engine, smtp):
    inbox, mailer = smtp
    t, _, alert_id, doctor_email = _urgent_alert(engine)
    _scan(engine, EVENING + timedelta(minutes=5))
    _queue(engine, 1)
    with session_scope(engine) as s:
        for message in s.exec(select(OutboxMessage)).all():
            message.status, message.claimed_at, message.claimed_by = "sending", EVENING + timedelta(minutes=5), "gone"
            s.add(message)
    assert outbox.send_due(engine, mailer, "w2", now=EVENING + timedelta(minutes=10)).sent == 0  # not stale yet
    report = outbox.send_due(engine, mailer, "w2", now=EVENING + timedelta(minutes=16))
    assert report.recovered == 2 and report.sent == 1
    assert [m["To"] for m in inbox.messages] == [doctor_email]
    assert sorted(status for *_, status in _statuses(engine)) == ["failed", "sent"]


def test_finding_reminder_recipients_is_two_statements_whatever_the_number(engine):
    from tests.services.scheduling_helpers import count_statements
    from tests.services.wellbeing_helpers import cheap_patients

    seven_pm = datetime(2026, 12, 4, 19, 0, tzinfo=UTC)
    with session_scope(engine) as s:
        t = team(s)
        cheap_patients(s, t.doctor, 30)
    with session_scope(engine) as s:
        with count_statements(engine) as statements:
            reminders, _ = scans.queue_daily_reminders(s, seven_pm)
            s.flush()
    assert reminders == 31
    selects = [q for q in statements if q.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 2, selects


def test_the_alert_scan_costs_the_same_statements_for_one_alert_or_many(engine):
    from tests.services.scheduling_helpers import count_statements

    def scan_statements(n: int) -> int:
        with session_scope(engine) as s:
            make_user(s, "admin")
            for _ in range(n):
                t = team(s)
                wellbeing.save_today(s, t.patient, 2, URGENT_NOTE, 0, now=EVENING)
        with session_scope(engine) as s, count_statements(engine) as statements:
            emailed, escalated = scans.queue_alert_emails(s, EVENING + timedelta(minutes=31))
            s.flush()
        assert emailed == escalated and emailed >= n
        return len([q for q in statements if q.lstrip().upper().startswith("SELECT")])

    assert scan_statements(1) == scan_statements(6)
