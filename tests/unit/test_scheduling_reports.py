"""Tests for miwell.scheduling.core.reports: day groups and counts, CSV and iCalendar exports."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from miwell.scheduling.core.reports import (
    CSV_HEADER,
    AppointmentRecord,
    DoctorCount,
    appointments_csv,
    appointments_ics,
    count_by_doctor,
    count_by_status,
    group_by_day,
    period_range,
)
from miwell.scheduling.core.status import STATUSES

NOW = datetime(2026, 11, 25, 8, 30, tzinfo=timezone.utc)


def record(id: int, start: datetime, status: str = "scheduled", doctor: int = 1, **kw) -> AppointmentRecord:
    names = {1: ("Dr Priya Shah", "#2563eb"), 2: ("Dr Tom Okafor", "#047857"), 3: ("Dr Ann Abbott", "#b45309")}
    values = dict(
        id=id,
        start=start,
        end=start + timedelta(minutes=45),
        status=status,
        doctor_id=doctor,
        doctor_name=names[doctor][0],
        doctor_colour=names[doctor][1],
        patient_id=100 + id,
        patient_name=f"Patient {id}",
        client_name=f"Client {id}",
        clinic_id=1,
        clinic_name="MiWell Camden",
        clinic_address="12 Parkway, London NW1 7AA",
        clinic_tz="Europe/London",
        note="",
    )
    values.update(kw)
    return AppointmentRecord(**values)


MON = datetime(2026, 11, 30, 9, 0)
SAMPLE = [
    record(1, MON, "confirmed", doctor=1),
    record(2, MON + timedelta(days=1, hours=2), "cancelled", doctor=2),
    record(3, MON, "scheduled", doctor=2),
    record(4, MON + timedelta(hours=1), "completed", doctor=1),
    record(5, MON + timedelta(days=1), "no_show", doctor=3),
]

names = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
statuses = st.sampled_from(STATUSES)


@st.composite
def records(draw, max_size: int = 15) -> list[AppointmentRecord]:
    count = draw(st.integers(0, max_size))
    result = []
    for i in range(count):
        start = draw(st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31)).map(lambda d: d.replace(second=0, microsecond=0)))
        result.append(
            record(
                i + 1,
                start,
                draw(statuses),
                doctor=draw(st.sampled_from([1, 2, 3])),
                patient_name=draw(names),
                client_name=draw(names),
                note=draw(names),
                clinic_tz=draw(st.sampled_from(["Europe/London", "America/New_York", "Asia/Kolkata", "UTC"])),
            )
        )
    return result


class TestCounts:
    def test_count_by_status_lists_every_status_in_lifecycle_order(self) -> None:
        counts = count_by_status(SAMPLE)
        assert list(counts) == list(STATUSES)
        assert counts == {"scheduled": 1, "confirmed": 1, "checked_in": 0, "completed": 1, "cancelled": 1, "no_show": 1}

    def test_unknown_status_is_counted_not_dropped(self) -> None:
        counts = count_by_status([record(1, MON, "archived")])
        assert counts["archived"] == 1 and sum(counts.values()) == 1

    def test_count_by_doctor_by_name_with_colour(self) -> None:
        assert count_by_doctor(SAMPLE) == (
            DoctorCount(3, "Dr Ann Abbott", "#b45309", 1),
            DoctorCount(1, "Dr Priya Shah", "#2563eb", 2),
            DoctorCount(2, "Dr Tom Okafor", "#047857", 2),
        )

    def test_group_by_day(self) -> None:
        groups = group_by_day(SAMPLE)
        assert [g.day for g in groups] == [date(2026, 11, 30), date(2026, 12, 1)]
        monday, tuesday = groups
        # Same start: ordered by doctor name, so Priya Shah (1) before Tom Okafor (3).
        assert [a.id for a in monday.appointments] == [1, 3, 4]
        assert monday.total == 3
        assert monday.by_status["completed"] == 1 and monday.by_status["cancelled"] == 0
        assert [(d.doctor_id, d.count) for d in monday.by_doctor] == [(1, 2), (2, 1)]
        assert [a.id for a in tuesday.appointments] == [5, 2]

    @given(records())
    def test_groups_partition_the_records_and_counts_add_up(self, rs: list[AppointmentRecord]) -> None:
        groups = group_by_day(rs)
        assert sorted(a.id for g in groups for a in g.appointments) == sorted(r.id for r in rs)
        assert [g.day for g in groups] == sorted({r.start.date() for r in rs})
        for g in groups:
            assert all(a.start.date() == g.day for a in g.appointments)
            assert [a.start for a in g.appointments] == sorted(a.start for a in g.appointments)
            assert sum(g.by_status.values()) == sum(d.count for d in g.by_doctor) == g.total


class TestPeriodRange:
    def test_day_week_month(self) -> None:
        wednesday = date(2026, 12, 2)
        assert period_range("day", wednesday) == (wednesday, date(2026, 12, 3))
        assert period_range("week", wednesday) == (date(2026, 11, 30), date(2026, 12, 7))
        assert period_range("week", wednesday, first_weekday=6) == (date(2026, 11, 29), date(2026, 12, 6))
        assert period_range("month", wednesday) == (date(2026, 12, 1), date(2027, 1, 1))
        assert period_range("month", date(2028, 2, 29)) == (date(2028, 2, 1), date(2028, 3, 1))

    @pytest.mark.parametrize("period, first", [("year", 0), ("week", 7), ("week", -1)])
    def test_refuses_unknown_periods_and_weekdays(self, period: str, first: int) -> None:
        with pytest.raises(ValueError):
            period_range(period, date(2026, 12, 2), first)

    @given(st.sampled_from(["day", "week", "month"]), st.dates(min_value=date(1900, 1, 1), max_value=date(9998, 12, 1)), st.integers(0, 6))
    def test_anchor_always_inside(self, period: str, anchor: date, first: int) -> None:
        start, end = period_range(period, anchor, first)
        assert start <= anchor < end
        assert {"day": {1}, "week": {7}, "month": {28, 29, 30, 31}}[period] >= {(end - start).days}


def parse_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


class TestCsv:
    def test_header_and_rows_in_start_order(self) -> None:
        rows = parse_csv(appointments_csv(SAMPLE))
        assert tuple(rows[0]) == CSV_HEADER
        assert [r[0] for r in rows[1:]] == ["1", "3", "4", "5", "2"]
        assert rows[1] == ["1", "2026-11-30", "09:00", "09:45", "confirmed", "Dr Priya Shah", "Patient 1", "Client 1", "MiWell Camden", ""]
        assert rows[-1][4] == "cancelled"

    def test_crlf_line_ends(self) -> None:
        assert appointments_csv([]) == ",".join(CSV_HEADER) + "\r\n"

    @pytest.mark.parametrize("name", ["=HYPERLINK(\"http://x\")", "+44 20", "-2+3", "@SUM(A1)", "\tcmd", "\rx"])
    def test_formula_starts_are_neutralised(self, name: str) -> None:
        rows = parse_csv(appointments_csv([record(1, MON, patient_name=name, note=name, client_name=name)]))
        assert rows[1][6] == rows[1][7] == rows[1][9] == "'" + name

    def test_names_with_commas_quotes_and_newlines_survive(self) -> None:
        name = 'O\'Brien, "Sam"\nsecond line'
        rows = parse_csv(appointments_csv([record(1, MON, patient_name=name)]))
        assert rows[1][6] == name

    @given(records())
    def test_round_trip(self, rs: list[AppointmentRecord]) -> None:
        rows = parse_csv(appointments_csv(rs))
        assert tuple(rows[0]) == CSV_HEADER
        by_id = {r.id: r for r in rs}
        assert sorted(int(row[0]) for row in rows[1:]) == sorted(by_id)
        for row in rows[1:]:
            r = by_id[int(row[0])]
            assert row[1:4] == [r.start.date().isoformat(), r.start.strftime("%H:%M"), r.end.strftime("%H:%M")]
            for cell, original in zip(row[6:], (r.patient_name, r.client_name, r.clinic_name, r.note)):
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
                assert cell == original or cell == "'" + original


def events_of(data: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(data)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


class TestIcs:
    def test_events_round_trip_through_the_parser(self) -> None:
        data = appointments_ics(SAMPLE, calendar_name="Dr Priya Shah", now=NOW)
        calendar = Calendar.from_ical(data)
        assert str(calendar["VERSION"]) == "2.0"
        assert str(calendar["PRODID"]).startswith("-//MiWell//")
        events = events_of(data)
        assert sorted(events) == sorted(f"appointment-{r.id}@miwell.app" for r in SAMPLE)
        first = events["appointment-1@miwell.app"]
        assert first.decoded("DTSTART") == datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Europe/London"))
        assert first["DTSTART"].params["TZID"] == "Europe/London"
        assert first.decoded("DTEND") == datetime(2026, 11, 30, 9, 45, tzinfo=ZoneInfo("Europe/London"))
        assert first.decoded("DTSTAMP") == NOW
        assert str(first["SUMMARY"]) == "Patient 1 · Dr Priya Shah"
        assert str(first["LOCATION"]) == "MiWell Camden, 12 Parkway, London NW1 7AA"
        assert {uid: str(e["STATUS"]) for uid, e in events.items()} == {
            "appointment-1@miwell.app": "CONFIRMED",
            "appointment-2@miwell.app": "CANCELLED",
            "appointment-3@miwell.app": "TENTATIVE",
            "appointment-4@miwell.app": "CONFIRMED",
            "appointment-5@miwell.app": "CONFIRMED",
        }

    def test_every_used_zone_has_a_vtimezone_and_summer_times_keep_their_offset(self) -> None:
        summer = record(9, datetime(2027, 7, 1, 14, 0), clinic_tz="America/New_York")
        data = appointments_ics([*SAMPLE, summer], now=NOW)
        calendar = Calendar.from_ical(data)
        assert {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")} == {"Europe/London", "America/New_York"}
        start = events_of(data)["appointment-9@miwell.app"].decoded("DTSTART")
        assert start.utcoffset() == timedelta(hours=-4)
        assert start.astimezone(timezone.utc) == datetime(2027, 7, 1, 18, 0, tzinfo=timezone.utc)

    def test_lines_are_crlf_and_folded(self) -> None:
        long_note = "word " * 60
        data = appointments_ics([record(1, MON, note=long_note)], now=NOW)
        assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
        assert max(len(line) for line in data.split(b"\r\n")) <= 75
        assert long_note.strip() in str(events_of(data)["appointment-1@miwell.app"]["DESCRIPTION"])

    def test_patient_audience_names_the_doctor_and_leaves_desk_notes_out(self) -> None:
        data = appointments_ics([record(1, MON, note="pays late")], audience="patient", now=NOW)
        event = events_of(data)["appointment-1@miwell.app"]
        assert str(event["SUMMARY"]) == "Appointment with Dr Priya Shah"
        assert "pays late" not in str(event["DESCRIPTION"]) and "Patient 1" not in str(event["DESCRIPTION"])
        staff = events_of(appointments_ics([record(1, MON, note="pays late")], now=NOW))["appointment-1@miwell.app"]
        assert "Note: pays late" in str(staff["DESCRIPTION"])

    def test_uid_is_stable_across_downloads(self) -> None:
        first = appointments_ics(SAMPLE, now=NOW)
        later = appointments_ics(list(reversed(SAMPLE)), now=NOW + timedelta(days=3))
        assert sorted(events_of(first)) == sorted(events_of(later))

    def test_empty_calendar_is_still_valid(self) -> None:
        calendar = Calendar.from_ical(appointments_ics([], now=NOW))
        assert calendar.walk("VEVENT") == [] and str(calendar["VERSION"]) == "2.0"

    @pytest.mark.parametrize(
        "records, kwargs",
        [
            ([record(1, MON, clinic_tz="Mars/Olympus")], {}),
            ([record(1, MON, status="archived")], {}),
            ([record(1, MON.replace(tzinfo=timezone.utc))], {}),
            (SAMPLE, {"audience": "press"}),
            (SAMPLE, {"now": datetime(2026, 11, 25, 8, 30)}),
        ],
    )
    def test_refuses_bad_input(self, records, kwargs) -> None:
        with pytest.raises(ValueError):
            appointments_ics(records, **{"now": NOW, **kwargs})

    def test_control_characters_are_dropped_from_text(self) -> None:
        data = appointments_ics([record(1, MON, patient_name="Sam\x07 Lee", note="line\r\nnext\x1b")], now=NOW)
        assert not any(byte < 0x20 and byte not in (0x09, 0x0A, 0x0D) for byte in data)
        event = events_of(data)["appointment-1@miwell.app"]
        assert str(event["SUMMARY"]) == "Sam Lee · Dr Priya Shah"
        assert "Note: line\nnext" in str(event["DESCRIPTION"])

    # Building VTIMEZONEs takes a while on a busy machine; that is not what is tested here.
    @settings(deadline=None, max_examples=50)
    @given(records(max_size=8))
    def test_any_records_round_trip(self, rs: list[AppointmentRecord]) -> None:
        data = appointments_ics(rs, now=NOW)
        events = events_of(data)
        assert len(events) == len(rs)
        for r in rs:
            event = events[f"appointment-{r.id}@miwell.app"]
            start = event.decoded("DTSTART")
            assert start.replace(tzinfo=None) == r.start
            if r.clinic_tz == "UTC":  # written in the 20250101T090000Z form, which needs no TZID
                assert start.utcoffset() == timedelta(0)
            else:
                assert event["DTSTART"].params["TZID"] == r.clinic_tz
            assert event.decoded("DTEND").replace(tzinfo=None) == r.end
            assert str(event["STATUS"]) == ("CANCELLED" if r.status == "cancelled" else "TENTATIVE" if r.status == "scheduled" else "CONFIRMED")
            printable = "".join(c if c not in "\r\n" else " " for c in r.patient_name if c in "\t\r\n" or not (c < " " or c == "\x7f"))
            assert str(event["SUMMARY"]) == f"{' '.join(printable.split())} · {r.doctor_name}"
        assert not any(byte < 0x20 and byte not in (0x09, 0x0A, 0x0D) for byte in data)
