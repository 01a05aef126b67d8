"""No-show and late-cancellation counts (``miwell.scheduling.core.attendance``)."""

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from miwell.scheduling.core.attendance import (
    AttendanceCount,
    attendance_by,
    is_late_cancellation,
    rate_text,
)
from miwell.scheduling.core.reports import AppointmentRecord
from miwell.scheduling.core.status import STATUSES

START = datetime(2027, 3, 1, 10, 0)


def record(id: int, status: str, *, patient: int = 1, doctor: int = 1, start: datetime = START) -> AppointmentRecord:
    return AppointmentRecord(
        id=id, start=start, end=start + timedelta(minutes=30), status=status, doctor_id=doctor,
        doctor_name=f"Dr {'Bravo' if doctor == 1 else 'Alpha'}", doctor_colour="#2563eb", patient_id=patient,
        patient_name=f"Patient {patient}", clinic_id=1, clinic_name="Main", clinic_address="1 Road", clinic_tz="Europe/London",
    )  # fmt: skip


def test_a_cancellation_is_late_inside_a_day_or_after_the_start() -> None:
    assert not is_late_cancellation(START, None)
    assert not is_late_cancellation(START, START - timedelta(hours=24))
    assert is_late_cancellation(START, START - timedelta(hours=23, minutes=59))
    assert is_late_cancellation(START, START + timedelta(hours=1))
    assert not is_late_cancellation(START, START - timedelta(hours=3), late_within=timedelta(hours=2))


def test_counts_and_rates_per_patient() -> None:
    records = [
        record(1, "completed"), record(2, "no_show"), record(3, "cancelled"), record(4, "cancelled"), record(5, "scheduled"),
        record(6, "no_show", patient=2), record(7, "cancelled", patient=2),
    ]  # fmt: skip
    cancelled_at = {3: START - timedelta(hours=2), 4: START - timedelta(days=3), 7: START - timedelta(hours=1)}
    one, two = attendance_by(records, cancelled_at, "patient")
    assert one == AttendanceCount("1", "Patient 1", appointments=5, kept=3, no_shows=1, late_cancellations=1)
    assert (rate_text(one.no_show_rate), rate_text(one.late_cancellation_rate)) == ("33%", "20%")
    assert two == AttendanceCount("2", "Patient 2", appointments=2, kept=1, no_shows=1, late_cancellations=1)
    assert rate_text(two.no_show_rate) == "100%"


def test_only_cancellations_give_no_no_show_rate() -> None:
    (only,) = attendance_by([record(1, "cancelled")], {}, "doctor")
    assert only.kept == 0 and only.no_show_rate is None and rate_text(only.no_show_rate) == "—"
    assert only.late_cancellations == 0  # no time known: counted as in time, never guessed late


def test_groups_by_doctor_in_name_order_and_by_month_in_calendar_order() -> None:
    records = [
        record(1, "no_show", doctor=1, start=datetime(2027, 2, 3, 9)),
        record(2, "completed", doctor=2, start=datetime(2026, 12, 30, 9)),
        record(3, "no_show", doctor=2, start=datetime(2027, 1, 5, 9)),
    ]
    assert [(c.label, c.no_shows) for c in attendance_by(records, {}, "doctor")] == [("Dr Alpha", 1), ("Dr Bravo", 1)]
    assert [(c.key, c.label) for c in attendance_by(records, {}, "month")] == [
        ("2026-12", "Dec 2026"), ("2027-01", "Jan 2027"), ("2027-02", "Feb 2027"),
    ]  # fmt: skip
    with pytest.raises(ValueError, match="Group by one of patient, doctor, month"):
        attendance_by(records, {}, "clinic")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(STATUSES), st.integers(1, 4), st.integers(-72, 72)), max_size=40),
    st.sampled_from(["patient", "doctor", "month"]),
)
def test_every_appointment_is_counted_once_whatever_the_grouping(rows, grouping) -> None:
    records = [
        record(i, status, patient=p, doctor=1 + p % 2, start=START + timedelta(days=17 * p)) for i, (status, p, _) in enumerate(rows)
    ]
    cancelled_at = {i: START + timedelta(days=17 * p) - timedelta(hours=h) for i, (status, p, h) in enumerate(rows) if status == "cancelled"}
    counts = attendance_by(records, cancelled_at, grouping)
    assert sum(c.appointments for c in counts) == len(rows)
    assert sum(c.no_shows for c in counts) == sum(status == "no_show" for status, _, _ in rows)
    assert sum(c.kept for c in counts) == sum(status != "cancelled" for status, _, _ in rows)
    assert sum(c.late_cancellations for c in counts) == sum(status == "cancelled" and h < 24 for status, _, h in rows)
    for c in counts:
        assert c.no_shows <= c.kept <= c.appointments
        assert c.no_show_rate is None or 0 <= c.no_show_rate <= 1
