"""The clinic calendar: FullCalendar 7 (month, week and day views) as a Reflex component.

    calendar(
        events=CalendarPageState.events,                 # list of FullCalendar event dicts
        initial_view="timeGridWeek",
        clinic_time_zone="Europe/London",
        on_dates_set=CalendarPageState.load_range,        # (start, end, view)
        on_date_click=CalendarPageState.date_clicked,     # (date, all_day, view)
        on_event_click=CalendarPageState.event_clicked,   # (event_id, kind, start, end, props)
    )

Build the event dicts with :mod:`miwell.scheduling.core.calendar_view`. Every time string, in and
out, is a naive clinic wall-clock ISO string (``2026-11-30T09:00:00``; a plain date in the month
view), shown as written whatever the browser's time zone.

The JavaScript side is ``calendar.jsx`` next to this file, shipped as a shared asset: Reflex
links it (and ``calendar.css``) into ``assets/external/miwell/ui/`` and the page imports it
lazily on the client only, since FullCalendar needs the DOM.

Triggers carry only what the browser says; a handler must treat them as untrusted input
(:func:`miwell.scheduling.core.calendar_view.visible_range` for ``on_dates_set``, and a fresh database
lookup with an organisation check for ids in ``props``).
"""

from __future__ import annotations

from typing import Any, Literal

import reflex as rx
from reflex.components.component import field
from reflex.event import passthrough_event_spec

__all__ = ["CalendarView", "FullCalendar", "calendar"]

CalendarView = Literal["dayGridMonth", "timeGridWeek", "timeGridDay"]

_MODULE = rx.asset("calendar.jsx", shared=True)
# Imported by calendar.jsx as "./calendar.css", so it must land in the same folder.
rx.asset("calendar.css", shared=True)


class FullCalendar(rx.NoSSRComponent):
    """``MiwellCalendar`` from calendar.jsx: FullCalendar with the day-grid, time-grid and
    interaction plugins and the classic theme."""

    library = _MODULE.importable_path
    tag = "MiwellCalendar"
    # FullCalendar 7 ships its plugins inside @fullcalendar/react (``/daygrid``, ``/timegrid``,
    # ``/interaction``); the separate v6 plugin packages have no 7.x release. temporal-polyfill
    # is its peer dependency.
    lib_dependencies: list[str] = ["@fullcalendar/react@7.1.4", "temporal-polyfill@1.0.8"]

    events: rx.Var[list[dict[str, Any]]] = field(
        doc="FullCalendar 7 event dicts: id, title, start, end, color, contrastColor, className, extendedProps."
    )
    initial_view: rx.Var[CalendarView] = field(doc="The view shown first (default timeGridWeek).")
    initial_date: rx.Var[str] = field(doc="ISO date shown first (default today, on the clinic's clock).")
    header_toolbar: rx.Var[dict[str, str]] = field(
        doc="FullCalendar headerToolbar: {start, center, end}; default prev/next/today, title, month/week/day."
    )
    slot_min_time: rx.Var[str] = field(doc="First time shown in the time grid, HH:MM:SS (default 07:00:00).")
    slot_max_time: rx.Var[str] = field(doc="End of the time grid, HH:MM:SS (default 21:00:00).")
    slot_duration: rx.Var[str] = field(doc="Height of one time-grid row, HH:MM:SS (default 00:30:00).")
    first_day: rx.Var[int] = field(doc="First day of the week, 0 = Sunday (default 1, Monday).")
    locale: rx.Var[str] = field(doc="BCP 47 locale of dates and titles (default en-GB: Mon 30 Nov).")
    time_format: rx.Var[Literal["24h", "12h"]] = field(doc="Clock used for times (default 24h).")
    height: rx.Var[str | int] = field(doc="CSS height or 'auto' (default auto: the page scrolls).")
    now_indicator: rx.Var[bool] = field(doc="Draw the current time in the time grid (default true).")
    all_day_slot: rx.Var[bool] = field(doc="Show the all-day row of the time grid (default false).")
    day_max_events: rx.Var[bool | int] = field(doc="Month cells show at most this many events, then '+n more' (default: as fit).")
    clinic_time_zone: rx.Var[str] = field(
        doc="IANA zone whose wall clock gives 'today' and the now-line (default the browser's)."
    )
    follow_url: rx.Var[bool] = field(
        doc="Open at the page address's ?view=...&date=YYYY-MM-DD when given (default false)."
    )

    on_date_click: rx.EventHandler[passthrough_event_spec(str, bool, str)] = field(
        doc="A day (month view) or time slot was clicked: (date ISO, all_day, view type)."
    )
    on_event_click: rx.EventHandler[passthrough_event_spec(str, str, str, str, dict[str, Any])] = field(
        doc="An event was clicked: (event id, kind, start ISO, end ISO, extendedProps)."
    )
    on_dates_set: rx.EventHandler[passthrough_event_spec(str, str, str)] = field(
        doc="The visible range changed, also on first show: (start ISO, end ISO exclusive, view type)."
    )


def calendar(**props: Any) -> rx.Component:
    """A :class:`FullCalendar`; see the module docstring for the props and triggers."""
    return FullCalendar.create(**props)
