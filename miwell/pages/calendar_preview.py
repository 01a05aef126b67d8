"""Staff-only preview of the calendar component with sample data.

Temporary: it proves the FullCalendar wrapper end to end (range requests, clicks reaching the
backend) until the scheduling services land and the real clinic calendar page replaces it.
The sample appointments and agendas are generated for whatever range the browser shows, and
go through the same pure helpers the real page will use.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import reflex as rx

from miwell.accounts.state import AuthState
from miwell.scheduling.availability import AgendaRule, free_slots_range
from miwell.scheduling.calendar_view import VisibleRange, appointment_events, free_slot_events, visible_range
from miwell.scheduling.reports import AppointmentRecord
from miwell.ui.calendar import calendar
from miwell.ui.layout import signed_in_page

# (id, name, colour, agenda weekdays, daily window, slot minutes)
_DOCTORS = (
    (1, "Dr Priya Shah", "#2563eb", frozenset({0, 1, 2, 3, 4}), (time(9), time(13)), 30),
    (2, "Dr Tom Okafor", "#047857", frozenset({0, 2, 3}), (time(14), time(18)), 45),
)
_PATIENTS = ("Jamie Rivers", "Robin Hale", "Pat Patient", "Sam Lee", "Alex Morgan")
_STATUSES = ("confirmed", "scheduled", "checked_in", "completed", "cancelled", "no_show")


def _sample_appointments(first: date, last: date) -> list[AppointmentRecord]:
    """Two or three bookings per agenda day, the same for a given day on every request."""
    records = []
    day = first
    while day <= last:
        for doctor_id, name, colour, weekdays, (opens, _closes), minutes in _DOCTORS:
            if day.weekday() not in weekdays:
                continue
            seed = day.toordinal() + doctor_id
            for n, offset in enumerate((0, 3) if doctor_id == 1 else (1,)):
                start = datetime.combine(day, opens) + timedelta(minutes=minutes * (offset + seed % 2))
                records.append(
                    AppointmentRecord(
                        id=seed * 10 + n,
                        start=start,
                        end=start + timedelta(minutes=minutes),
                        status=_STATUSES[(seed + n) % len(_STATUSES)],
                        doctor_id=doctor_id,
                        doctor_name=name,
                        doctor_colour=colour,
                        patient_id=(seed + n) % len(_PATIENTS),
                        patient_name=_PATIENTS[(seed + n) % len(_PATIENTS)],
                        clinic_id=1,
                        clinic_name="MiWell Camden",
                        clinic_address="12 Parkway, London NW1 7AA",
                        clinic_tz="Europe/London",
                    )
                )
        day += timedelta(days=1)
    return records


def _sample_events(shown: VisibleRange, include_cancelled: bool) -> list[dict[str, Any]]:
    appointments = _sample_appointments(shown.first_day, shown.last_day)
    events = appointment_events(appointments, include_cancelled=include_cancelled)
    if shown.shows_free_slots:
        slots = {}
        for doctor_id, _name, _colour, weekdays, (opens, closes), minutes in _DOCTORS:
            rule = AgendaRule(shown.first_day, shown.last_day, opens, closes, minutes, weekdays)
            booked = [(a.start, a.end) for a in appointments if a.doctor_id == doctor_id and a.status != "cancelled"]
            by_day = free_slots_range([rule], booked, shown.first_day, shown.last_day)
            slots[doctor_id] = [slot for day_slots in by_day.values() for slot in day_slots]
        events += free_slot_events(slots, {d[0]: d[2] for d in _DOCTORS})
    return events


class CalendarPreviewState(AuthState):
    events: list[dict[str, Any]] = []
    range_text: str = ""
    last_click: str = ""
    include_cancelled: bool = False
    time_format: str = "24h"
    _shown: VisibleRange | None = None

    @rx.event
    def load_range(self, start: str, end: str, view: str):
        if self._require("staff") is None:
            return
        try:
            self._shown = visible_range(start, end, view)
        except ValueError as exc:
            self._shown = None
            self.events = []
            self.range_text = f"Range refused: {exc}"
            return
        self._refresh()

    @rx.event
    def show_cancelled(self, value: bool):
        if self._require("staff") is None:
            return
        self.include_cancelled = bool(value)
        self._refresh()

    @rx.event
    def set_clock(self, value: str | list[str]):
        if self._require("staff") is None:
            return
        self.time_format = "12h" if value == "12h" else "24h"

    def _refresh(self) -> None:
        if self._shown is None:
            return
        self.events = _sample_events(self._shown, self.include_cancelled)
        self.range_text = f"{self._shown.view}: {self._shown.first_day.isoformat()} to {self._shown.last_day.isoformat()}"

    @rx.event
    def date_clicked(self, date: str, all_day: bool, view: str):
        if self._require("staff") is None:
            return
        self.last_click = f"date {date} · {'all day' if all_day else 'time slot'} · {view}"

    @rx.event
    def event_clicked(self, event_id: str, kind: str, start: str, end: str, props: dict[str, Any]):
        if self._require("staff") is None:
            return
        doctor = props.get("doctorId") if isinstance(props, dict) else None
        self.last_click = f"{kind} {event_id} · {start} to {end} · doctor {doctor}"


@signed_in_page("/staff/calendar-preview", "Calendar preview", role="staff")
def calendar_preview() -> rx.Component:
    return rx.vstack(
        rx.heading("Calendar preview", size="7"),
        rx.text("Sample data only: nothing here is booked. Click a day, a time, a booking or a free slot.", color_scheme="gray"),
        rx.hstack(
            rx.switch(
                checked=CalendarPreviewState.include_cancelled,
                on_change=CalendarPreviewState.show_cancelled,
                id="show-cancelled",
            ),
            rx.el.label("Show cancelled", html_for="show-cancelled"),
            rx.segmented_control.root(
                rx.segmented_control.item("24-hour", value="24h"),
                rx.segmented_control.item("12-hour", value="12h"),
                value=CalendarPreviewState.time_format,
                on_change=CalendarPreviewState.set_clock,
                margin_left="1em",
            ),
            align="center",
            spacing="2",
        ),
        calendar(
            id="clinic-calendar",
            events=CalendarPreviewState.events,
            initial_view="timeGridWeek",
            time_format=CalendarPreviewState.time_format,
            clinic_time_zone="Europe/London",
            slot_min_time="08:00:00",
            slot_max_time="20:00:00",
            on_dates_set=CalendarPreviewState.load_range,
            on_date_click=CalendarPreviewState.date_clicked,
            on_event_click=CalendarPreviewState.event_clicked,
        ),
        rx.card(
            rx.vstack(
                rx.text("Showing: ", rx.text.span(CalendarPreviewState.range_text, id="calendar-range"), size="2"),
                rx.text("Last click: ", rx.text.span(CalendarPreviewState.last_click, id="calendar-last-click"), size="2"),
                spacing="1",
            ),
            width="100%",
        ),
        spacing="4",
        width="100%",
    )
