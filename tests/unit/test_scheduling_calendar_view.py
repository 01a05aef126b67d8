"""Tests for miwell.scheduling.core.calendar_view: calendar event dicts and the visible range."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from miwell.scheduling.core.availability import Slot
from miwell.scheduling.core.calendar_view import (
    FALLBACK_COLOUR,
    MAX_VISIBLE_DAYS,
    VisibleRange,
    appointment_events,
    contrast_ratio,
    free_slot_events,
    initials,
    readable_text_colour,
    shade,
    tint,
    visible_range,
)
from miwell.scheduling.core.colours import PALETTE
from miwell.scheduling.core.reports import AppointmentRecord
from miwell.scheduling.core.status import STATUSES

hex_colours = st.tuples(*[st.integers(0, 255)] * 3).map(lambda rgb: "#%02x%02x%02x" % rgb)


def record(id: int = 1, status: str = "scheduled", doctor_id: int = 7, start: datetime | None = None, **kw) -> AppointmentRecord:
    start = start or datetime(2026, 11, 30, 9, 0)
    values = dict(
        id=id,
        start=start,
        end=start + timedelta(minutes=30),
        status=status,
        doctor_id=doctor_id,
        doctor_name="Dr Priya Shah",
        doctor_colour="#2563EB",
        patient_id=40 + id,
        patient_name="Jamie Rivers",
        client_name="Alex Rivers",
        clinic_id=3,
        clinic_name="Camden",
        clinic_address="1 High St",
        clinic_tz="Europe/London",
    )
    values.update(kw)
    return AppointmentRecord(**values)


class TestColours:
    def test_contrast_ratio_matches_wcag_extremes(self) -> None:
        assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
        assert contrast_ratio("#777777", "#777777") == pytest.approx(1)

    @given(hex_colours)
    def test_readable_text_colour_is_the_better_of_white_and_near_black(self, colour: str) -> None:
        chosen = contrast_ratio(colour, readable_text_colour(colour))
        assert chosen == max(contrast_ratio(colour, "#ffffff"), contrast_ratio(colour, "#111827"))
        # The worst background (where both tie) still gives about 4.1:1, above AA for large text.
        assert chosen >= 4.1

    @pytest.mark.parametrize("colour", PALETTE)
    def test_palette_colours_get_white_text(self, colour: str) -> None:
        assert readable_text_colour(colour) == "#ffffff"

    def test_light_colours_get_dark_text(self) -> None:
        assert readable_text_colour("#fde68a") == "#111827"

    def test_tint_ends(self) -> None:
        assert tint("#2563eb", 0) == "#ffffff"
        assert tint("#2563eb", 1) == "#2563eb"
        with pytest.raises(ValueError):
            tint("#2563eb", 1.5)

    def test_shade_ends(self) -> None:
        assert shade("#2563eb", 0) == "#2563eb"
        assert shade("#2563eb", 1) == "#000000"
        with pytest.raises(ValueError):
            shade("#2563eb", -0.1)

    @given(hex_colours, st.floats(0, 1))
    def test_tint_is_between_white_and_the_colour(self, colour: str, strength: float) -> None:
        mixed = tint(colour, strength)
        for i in (1, 3, 5):
            assert int(colour[i : i + 2], 16) <= int(mixed[i : i + 2], 16) <= 255


class TestAppointmentEvents:
    def test_event_shape(self) -> None:
        [event] = appointment_events([record(status="checked_in")])
        assert event == {
            "id": "appointment-1",
            "title": "Jamie Rivers · checked in",
            "start": "2026-11-30T09:00:00",
            "end": "2026-11-30T09:30:00",
            "color": "#2563eb",
            "contrastColor": "#ffffff",
            "className": "mw-appointment mw-status-checked_in",
            "extendedProps": {
                "kind": "appointment",
                "appointmentId": 1,
                "doctorId": 7,
                "patientId": 41,
                "clinicId": 3,
                "status": "checked_in",
                "seriesId": None,
            },
        }

    def test_an_occurrence_of_a_series_is_marked(self) -> None:
        import dataclasses

        [event] = appointment_events([dataclasses.replace(record(), series_id=5)])
        assert event["title"] == "↻ Jamie Rivers · scheduled"
        assert event["className"].endswith(" mw-series")
        assert event["extendedProps"]["seriesId"] == 5

    def test_cancelled_hidden_unless_asked_and_then_greyed(self) -> None:
        records = [record(1), record(2, status="cancelled")]
        assert [e["id"] for e in appointment_events(records)] == ["appointment-1"]
        shown = appointment_events(records, include_cancelled=True)
        assert [e["id"] for e in shown] == ["appointment-1", "appointment-2"]
        assert shown[1]["color"] == FALLBACK_COLOUR
        assert shown[1]["title"] == "Jamie Rivers · cancelled"

    def test_colours_mapping_overrides_and_bad_colours_fall_back(self) -> None:
        records = [record(1, doctor_id=7), record(2, doctor_id=8, doctor_colour="blue")]
        events = appointment_events(records, {7: "#047857"})
        assert [e["color"] for e in events] == ["#047857", FALLBACK_COLOUR]

    def test_light_doctor_colour_gets_dark_text(self) -> None:
        [event] = appointment_events([record(doctor_colour="#fef3c7")])
        assert event["contrastColor"] == "#111827"

    def test_ordered_by_start_and_input_untouched(self) -> None:
        late, early = record(1, start=datetime(2026, 12, 1, 15)), record(2, start=datetime(2026, 12, 1, 9))
        records = [late, early]
        assert [e["id"] for e in appointment_events(records)] == ["appointment-2", "appointment-1"]
        assert records == [late, early]

    def test_aware_times_are_refused(self) -> None:
        from datetime import timezone

        with pytest.raises(ValueError, match="naive"):
            appointment_events([record(start=datetime(2026, 11, 30, 9, tzinfo=timezone.utc))])

    @given(st.lists(st.sampled_from(STATUSES), max_size=20), st.booleans())
    def test_every_status_has_a_title_and_only_cancelled_can_be_dropped(self, statuses: list[str], include: bool) -> None:
        records = [record(i, status=s) for i, s in enumerate(statuses)]
        events = appointment_events(records, include_cancelled=include)
        expected = [r for r in records if include or r.status != "cancelled"]
        assert [e["extendedProps"]["appointmentId"] for e in events] == [r.id for r in expected]
        assert all(e["title"].startswith("Jamie Rivers · ") for e in events)


class TestFreeSlotEvents:
    def test_shape_and_order(self) -> None:
        nine = datetime(2026, 11, 30, 9)
        slots = {
            8: [Slot(nine, nine + timedelta(minutes=30))],
            7: [(nine + timedelta(minutes=30), nine + timedelta(hours=1)), Slot(nine, nine + timedelta(minutes=30))],
        }
        events = free_slot_events(slots, {7: "#2563eb", 8: "#047857"})
        assert [(e["start"], e["extendedProps"]["doctorId"]) for e in events] == [
            ("2026-11-30T09:00:00", 7),
            ("2026-11-30T09:00:00", 8),
            ("2026-11-30T09:30:00", 7),
        ]
        first = events[0]
        assert first["id"] == "free-7-20261130T0900"
        assert first["title"] == "Free"
        assert first["end"] == "2026-11-30T09:30:00"
        assert first["className"] == "mw-free-slot"
        assert first["extendedProps"] == {"kind": "free", "doctorId": 7}
        assert first["color"] == tint("#2563eb", 0.1)

    def test_ids_are_unique_per_doctor_and_start(self) -> None:
        nine = datetime(2026, 11, 30, 9)
        slots = {d: [Slot(nine + timedelta(minutes=30 * i), nine + timedelta(minutes=30 * (i + 1))) for i in range(8)] for d in (1, 2, 3)}
        events = free_slot_events(slots, {})
        assert len({e["id"] for e in events}) == len(events) == 24

    @given(st.one_of(st.sampled_from(PALETTE), hex_colours, st.just("nonsense")))
    def test_text_is_readable_on_the_tint(self, colour: str) -> None:
        nine = datetime(2026, 11, 30, 9)
        [event] = free_slot_events({1: [Slot(nine, nine + timedelta(hours=1))]}, {1: colour})
        assert contrast_ratio(event["color"], event["contrastColor"]) >= 4.5

    @pytest.mark.parametrize("colour", PALETTE)
    def test_palette_text_keeps_the_doctors_hue(self, colour: str) -> None:
        # Darkened at most a little: the slot still says whose it is.
        nine = datetime(2026, 11, 30, 9)
        [event] = free_slot_events({1: [Slot(nine, nine + timedelta(hours=1))]}, {1: colour})
        assert event["contrastColor"] in {shade(colour, 0), shade(colour, 0.1)}


class TestVisibleRange:
    def test_what_fullcalendar_sends_for_a_week(self) -> None:
        r = visible_range("2026-11-30T00:00:00Z", "2026-12-07T00:00:00Z", "timeGridWeek")
        assert r == VisibleRange(datetime(2026, 11, 30), datetime(2026, 12, 7), "timeGridWeek")
        assert (r.first_day, r.last_day, r.days, r.shows_free_slots) == (date(2026, 11, 30), date(2026, 12, 6), 7, True)

    def test_month_grid_of_six_weeks_and_plain_dates(self) -> None:
        r = visible_range("2026-10-26", "2026-12-07", "dayGridMonth")
        assert r.days == MAX_VISIBLE_DAYS
        assert not r.shows_free_slots

    def test_offsets_are_ignored_and_partial_days_widened(self) -> None:
        r = visible_range("2026-11-30T08:15:00+05:30", "2026-11-30T17:00:00", "timeGridDay")
        assert (r.start, r.end) == (datetime(2026, 11, 30), datetime(2026, 12, 1))

    @pytest.mark.parametrize(
        "start, end, view",
        [
            ("2026-11-30", "2026-11-30", "timeGridDay"),  # empty
            ("2026-12-07", "2026-11-30", "timeGridWeek"),  # backwards
            ("2026-01-01", "2027-01-01", "dayGridMonth"),  # a year
            ("2026-10-26", "2026-12-08", "dayGridMonth"),  # 43 days
            ("yesterday", "2026-12-07", "timeGridWeek"),
            ("2026-11-30", "2026-13-01", "timeGridWeek"),
            ("2026-11-30", None, "timeGridWeek"),
            (["2026-11-30"], "2026-12-07", "timeGridWeek"),
            ("2026-11-30" + "0" * 100, "2026-12-07", "timeGridWeek"),
            ("2026-11-30", "2026-12-07", "listYear"),
            ("2026-11-30", "2026-12-07", None),
            ("9999-12-31T12:00", "9999-12-31T13:00", "timeGridDay"),  # the next midnight does not exist
        ],
    )
    def test_refuses_what_no_view_would_send(self, start, end, view) -> None:
        with pytest.raises(ValueError):
            visible_range(start, end, view)

    @given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)), st.integers(1, 60 * 24 * 50))
    def test_accepted_ranges_cover_the_request_in_whole_days_and_never_exceed_six_weeks(self, start: datetime, minutes: int) -> None:
        end = start + timedelta(minutes=minutes)
        try:
            r = visible_range(start.isoformat(), end.isoformat(), "timeGridWeek")
        except ValueError:
            # Refused exactly when the widened range would be longer than six weeks.
            assert (end.date() - start.date()).days + (1 if end.time() != datetime.min.time() else 0) > MAX_VISIBLE_DAYS
            return
        assert r.start <= start and r.end >= end
        assert r.start.time() == r.end.time() == datetime.min.time()
        assert 1 <= r.days <= MAX_VISIBLE_DAYS


class TestDaySummaries:
    def test_one_all_day_count_per_doctor_and_day_in_order(self) -> None:
        from miwell.scheduling.core.calendar_view import DayCount, day_summary_events

        monday, tuesday = date(2026, 11, 30), date(2026, 12, 1)
        events = day_summary_events(
            [
                DayCount(tuesday, 7, "Dr Priya Shah", "#2563EB", 3),
                DayCount(monday, 9, "dr Omar Haddad", "not a colour", 12),
                DayCount(monday, 7, "Dr Priya Shah", "#2563EB", 1),
                DayCount(monday, 8, "Dr Lena Novak", "#b45309", 0),
            ]
        )
        assert [(e["start"], e["title"]) for e in events] == [
            ("2026-11-30", "dr Omar Haddad · 12"),
            ("2026-11-30", "Dr Priya Shah · 1"),
            ("2026-12-01", "Dr Priya Shah · 3"),
        ]
        first = events[0]
        assert first["allDay"] is True and first["color"] == FALLBACK_COLOUR
        assert first["extendedProps"] == {"kind": "summary", "doctorId": 9, "count": 12}
        assert first["id"] == "summary-9-20261130" and events[1]["color"] == "#2563eb"
        assert contrast_ratio(events[1]["color"], events[1]["contrastColor"]) >= 4.5


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Dr Priya Shah", "PS"), ("Prof. Omar Al-Haddad", "OH"), ("dr lena novak", "LN"), ("Cher", "C"), ("Dr", "?"), ("", "?")],
)
def test_initials_leave_out_titles(name, expected):
    assert initials(name) == expected


def test_free_slots_say_whose_they_are_in_words_not_only_colour():
    nine = datetime(2026, 12, 7, 9, 0)
    [event] = free_slot_events({3: [Slot(nine, nine + timedelta(minutes=30))]}, {3: "#2563eb"}, {3: "Dr Priya Shah"})
    assert event["title"] == "Free · PS" and event["extendedProps"]["doctorName"] == "Dr Priya Shah"
    [unnamed] = free_slot_events({3: [Slot(nine, nine + timedelta(minutes=30))]}, {3: "#2563eb"})
    assert unnamed["title"] == "Free"
