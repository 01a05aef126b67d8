"""Outreach rules: SMTP URLs, quiet hours, who is due a reminder, alert steps, appointment
windows, and that no email carries health data."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given, strategies as st

from miwell.outreach.core import messages, schedule
from miwell.outreach.core.smtp import is_email, parse_smtp_url

UTC = timezone.utc


# --- SMTP URLs -----------------------------------------------------------------------------------


def test_smtp_urls_name_their_security_and_default_ports():
    cfg = parse_smtp_url("smtp://ann%40x.org:p%3Ass@mail.example.org")
    assert (cfg.host, cfg.port, cfg.security, cfg.username, cfg.password) == ("mail.example.org", 587, "starttls", "ann@x.org", "p:ss")
    assert "p:ss" not in cfg.describe()
    assert parse_smtp_url("smtps://u:p@mail.example.org").port == 465
    assert parse_smtp_url("smtp+insecure://127.0.0.1:2525").security == "none"


@pytest.mark.parametrize(
    "url, words",
    [
        ("", "must start with"),
        ("http://mail.example.org", "must start with smtp://"),
        ("smtp://", "names no host"),
        ("smtp://mail.example.org:99999", "not a valid URL"),
        ("smtp://mail.example.org:587/path", "no path"),
        ("smtp://user@mail.example.org", "without a password"),
    ],
)
def test_bad_smtp_urls_say_what_is_wrong(url, words):
    with pytest.raises(ValueError, match=words):
        parse_smtp_url(url)


def test_email_addresses_for_safety_contacts():
    assert is_email("duty@clinic.org") and not is_email("duty@clinic") and not is_email("no at sign.org") and not is_email("a b@c.org")


# --- reminders -----------------------------------------------------------------------------------


def _candidate(zone="Europe/London", at=time(19, 0), last: date | None = None, joined=date(2026, 11, 1)):
    return schedule.ReminderCandidate(1, zone, at, last, joined)


def test_a_reminder_is_due_from_the_chosen_time_until_the_quiet_hours():
    # 4 December 2026: London is on UTC.
    c = _candidate(last=date(2026, 12, 3))
    assert schedule.reminder_due(c, datetime(2026, 12, 4, 18, 59, tzinfo=UTC)) is None
    due = schedule.reminder_due(c, datetime(2026, 12, 4, 19, 0, tzinfo=UTC))
    assert due and due.kind == "reminder" and due.key == "reminder:1:2026-12-04"
    assert schedule.reminder_due(c, datetime(2026, 12, 4, 21, 29, tzinfo=UTC)) is not None
    assert schedule.reminder_due(c, datetime(2026, 12, 4, 21, 30, tzinfo=UTC)) is None


def test_no_reminder_once_today_has_an_entry_in_the_patients_own_zone():
    # 19:30 UTC is 08:30 the next day in Auckland: "today" there is the 5th.
    now = datetime(2026, 12, 4, 19, 30, tzinfo=UTC)
    assert schedule.reminder_due(_candidate(last=date(2026, 12, 4)), now) is None
    auckland = _candidate("Pacific/Auckland", time(8, 0), last=date(2026, 12, 4))
    due = schedule.reminder_due(auckland, now)
    assert due and due.day == date(2026, 12, 5)
    assert schedule.reminder_due(_candidate("Pacific/Auckland", time(8, 0), last=date(2026, 12, 5)), now) is None


def test_two_missed_days_bring_one_nudge_instead_of_the_reminder():
    now = datetime(2026, 12, 4, 19, 0, tzinfo=UTC)
    assert schedule.reminder_due(_candidate(last=date(2026, 12, 2)), now).kind == "reminder"  # missed one
    assert schedule.reminder_due(_candidate(last=date(2026, 12, 1)), now).kind == "nudge"  # missed two
    assert schedule.reminder_due(_candidate(last=date(2026, 11, 30)), now).kind == "reminder"  # the nudge was yesterday
    assert schedule.reminder_due(_candidate(last=None), now).kind == "reminder"


@given(
    st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)),
    st.sampled_from(["Europe/London", "Pacific/Auckland", "America/Los_Angeles", "Asia/Kolkata", "UTC"]),
    st.sampled_from(["08:00", "12:30", "19:00", "21:29"]),
    st.one_of(st.none(), st.dates(min_value=date(2025, 12, 1), max_value=date(2028, 1, 1))),
)
def test_never_in_quiet_hours_never_after_an_entry_and_one_key_a_day(now, zone, chosen, last):
    c = _candidate(zone, schedule.parse_reminder_time(chosen), last, date(2025, 12, 1))
    due = schedule.reminder_due(c, now)
    here = now.astimezone(schedule.ZoneInfo(zone))
    if due is not None:
        assert not schedule.in_quiet_hours(here.time())
        assert here.time() >= c.reminder_time
        assert last is None or last < here.date()
        assert due.key.endswith(here.date().isoformat())
        assert schedule.still_due_reminder(last, due.day, now, zone)


@pytest.mark.parametrize("text", ["7:00", "21:30", "23:00", "07:59", "ab:cd", "24:00", None, 19])
def test_reminder_times_outside_the_day_or_malformed_are_refused(text):
    with pytest.raises(ValueError):
        schedule.parse_reminder_time(text)


def test_missed_days_count_whole_days_before_today():
    today = date(2026, 12, 4)
    assert schedule.missed_days(date(2026, 12, 4), date(2026, 1, 1), today) == 0
    assert schedule.missed_days(date(2026, 12, 3), date(2026, 1, 1), today) == 0
    assert schedule.missed_days(date(2026, 11, 30), date(2026, 1, 1), today) == 3
    assert schedule.missed_days(None, date(2026, 12, 4), today) == 0
    assert schedule.missed_days(None, date(2026, 12, 1), today) == 3


# --- alerts and appointments ---------------------------------------------------------------------


def test_alert_steps_come_after_their_delays_and_once():
    t0 = datetime(2026, 12, 4, 21, 0, tzinfo=UTC)
    five, thirty = timedelta(minutes=5), timedelta(minutes=30)
    assert schedule.alert_steps_due(t0, None, None, t0 + timedelta(minutes=4), five, thirty) == (False, False)
    assert schedule.alert_steps_due(t0, None, None, t0 + five, five, thirty) == (True, False)
    assert schedule.alert_steps_due(t0, t0 + five, None, t0 + timedelta(minutes=29), five, thirty) == (False, False)
    assert schedule.alert_steps_due(t0, t0 + five, None, t0 + thirty, five, thirty) == (False, True)
    assert schedule.alert_steps_due(t0, t0 + five, t0 + thirty, t0 + timedelta(hours=3), five, thirty) == (False, False)


def test_appointment_reminders_48_and_2_hours_before_never_after_or_when_final():
    start = datetime(2026, 12, 10, 10, 0)
    assert schedule.appointment_reminders_due(start, "scheduled", start - timedelta(hours=49)) == ()
    assert schedule.appointment_reminders_due(start, "scheduled", start - timedelta(hours=48)) == (48,)
    assert schedule.appointment_reminders_due(start, "confirmed", start - timedelta(hours=2)) == (2,)
    assert schedule.appointment_reminders_due(start, "scheduled", start) == ()
    for final in ("cancelled", "completed", "no_show"):
        assert schedule.appointment_reminders_due(start, final, start - timedelta(hours=3)) == ()
    moved = start + timedelta(days=1)
    assert schedule.appointment_key(7, start, 2) != schedule.appointment_key(7, moved, 2)


def test_retries_back_off():
    assert [schedule.retry_delay(n).total_seconds() // 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]


# --- the words -----------------------------------------------------------------------------------

HEALTH_WORDS = ("suicid", "kill", "self-harm", "mood", "awful", "sad", "phq", "gad", "score", "depress", "anxi", "note")


def test_no_email_carries_health_data():
    base = "https://miwell.example"
    mails = [
        messages.alert_email(base, 5),
        messages.escalation_email(base, 12, "Dr Priya Shah", "Harbour Mind", 30),
        messages.reminder_email(base, "Pat"),
        messages.nudge_email(base, "Pat"),
        messages.digest_email(base, date(2026, 12, 4), 3),
        messages.appointment_email(base, "Pat", datetime(2026, 12, 7, 9, 0), "Harbour Street Clinic", 48),
    ]
    for mail in mails:
        text = (mail.subject + " " + mail.body).lower()
        assert base in text
        assert not [w for w in HEALTH_WORDS if w in text], text


def test_start_up_stops_with_the_reason_when_the_smtp_url_is_wrong(monkeypatch, capsys):
    from miwell.outreach import cli
    from miwell.settings import get_settings

    monkeypatch.setenv("MIWELL_SMTP_URL", "smtps://mail.example.org:99999")
    get_settings.cache_clear()
    try:
        assert cli.main([]) == 1
        assert "MiWell cannot start: MIWELL_SMTP_URL is not a valid URL" in capsys.readouterr().err
        monkeypatch.setenv("MIWELL_SMTP_URL", "smtp://ann:secret@mail.example.org")
        get_settings.cache_clear()
        assert cli.main([]) == 0
        out = capsys.readouterr().out
        assert "mail.example.org:587 (starttls)" in out and "secret" not in out
    finally:
        monkeypatch.delenv("MIWELL_SMTP_URL")
        get_settings.cache_clear()
