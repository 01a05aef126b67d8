// FullCalendar 7 for MiWell's Reflex pages (wrapped by miwell/ui/calendar.py).
//
// Why a local module and not a direct wrap of @fullcalendar/react: FullCalendar takes its
// plugins as JS objects and hands callbacks rich objects (Dates, EventApi with circular
// references) that Reflex cannot serialise. This module supplies the plugins and turns every
// callback into a few plain strings, booleans and the event's own JSON props.
//
// Times: the clinic's appointments are naive wall-clock times. The calendar runs in "UTC",
// a zone without daylight saving, so the browser's own clock changes can never shift a slot
// or stretch a day; the digits shown are the digits sent. Every string sent back to Python
// has its "Z" removed, so it is wall-clock again.

import React, { useCallback, useMemo } from "react";
import FullCalendar from "@fullcalendar/react";
import dayGridPlugin from "@fullcalendar/react/daygrid";
import timeGridPlugin from "@fullcalendar/react/timegrid";
import interactionPlugin from "@fullcalendar/react/interaction";
import classicThemePlugin from "@fullcalendar/react/themes/classic";
import "@fullcalendar/react/skeleton.css";
import "@fullcalendar/react/themes/classic/theme.css";
import "@fullcalendar/react/themes/classic/palette.css";
import "./calendar.css";

// Module-level so FullCalendar never sees a "new" plugin list and rebuilds itself.
const PLUGINS = [dayGridPlugin, timeGridPlugin, interactionPlugin, classicThemePlugin];

const DEFAULT_TOOLBAR = {
  start: "prev,next today",
  center: "title",
  end: "dayGridMonth,timeGridWeek,timeGridDay",
};

const TIME_FORMATS = {
  "24h": { hour: "2-digit", minute: "2-digit", hour12: false },
  "12h": { hour: "numeric", minute: "2-digit", hour12: true },
};

// Headers spelled out so they never read as the ambiguous "11/30" of the default English
// locale. The week's columns are too narrow for time and title; the grid already says the time.
// Past a few side by side, events of one time fold into a "+n" link: a busy clinic's week would
// otherwise be slivers nobody can read or click.
const VIEWS = {
  timeGridWeek: {
    dayHeaderFormat: { weekday: "short", day: "numeric", month: "short" },
    displayEventTime: false,
    eventMaxStack: 4,
  },
  timeGridDay: { dayHeaderFormat: { weekday: "long", day: "numeric", month: "long" }, eventMaxStack: 10 },
};

function wallClock(value) {
  return typeof value === "string" ? value.replace(/(Z|[+-]\d\d:\d\d)$/, "") : "";
}

// "Now" on the clinic's wall clock, marked UTC like the events, so the now-line and "today"
// are the clinic's even when the receptionist's laptop is set to another zone.
function clinicNow(timeZone) {
  const parts = { hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" };
  let format;
  try {
    format = new Intl.DateTimeFormat("en-GB", { ...parts, timeZone: timeZone || undefined });
  } catch (e) {
    format = new Intl.DateTimeFormat("en-GB", parts); // unknown zone: the browser's clock beats a broken page
  }
  return () => {
    const part = {};
    for (const p of format.formatToParts(new Date())) part[p.type] = p.value;
    return `${part.year}-${part.month}-${part.day}T${part.hour}:${part.minute}:${part.second}Z`;
  };
}

const URL_VIEWS = new Set(["dayGridMonth", "timeGridWeek", "timeGridDay"]);

function viewFromUrl() {
  const params = new URLSearchParams(window.location.search);
  const view = params.get("view");
  const date = params.get("date");
  return {
    view: URL_VIEWS.has(view) ? view : undefined,
    date: /^\d{4}-\d{2}-\d{2}$/.test(date || "") ? date : undefined,
  };
}

export function MiwellCalendar({
  id,
  className,
  events,
  initialView,
  locale,
  initialDate,
  headerToolbar,
  slotMinTime,
  slotMaxTime,
  slotDuration,
  firstDay,
  timeFormat,
  height,
  nowIndicator,
  allDaySlot,
  dayMaxEvents,
  clinicTimeZone,
  followUrl,
  onDateClick,
  onEventClick,
  onDatesSet,
}) {
  const format = TIME_FORMATS[timeFormat] || TIME_FORMATS["24h"];
  const now = useMemo(() => clinicNow(clinicTimeZone), [clinicTimeZone]);
  // Reflex hands a fresh object on every render; keyed by content, FullCalendar keeps its toolbar.
  const toolbarKey = JSON.stringify(headerToolbar ?? null);
  const toolbar = useMemo(
    () => (headerToolbar === undefined || headerToolbar === null ? DEFAULT_TOOLBAR : headerToolbar),
    [toolbarKey],
  );

  // A link such as ?view=timeGridDay&date=2026-12-03 opens the calendar there. Read once, in
  // the browser, because FullCalendar only looks at its initial view and date when it mounts.
  const fromUrl = useMemo(() => (followUrl ? viewFromUrl() : {}), [followUrl]);

  const handleDateClick = useCallback(
    (info) => onDateClick && onDateClick(wallClock(info.dateStr), !!info.allDay, info.view.type),
    [onDateClick],
  );
  const handleEventClick = useCallback(
    (info) => {
      if (!onEventClick) return;
      const ev = info.event;
      const props = { ...ev.extendedProps };
      onEventClick(ev.id, String(props.kind ?? ""), wallClock(ev.startStr), wallClock(ev.endStr), props);
    },
    [onEventClick],
  );
  const handleDatesSet = useCallback(
    (info) => onDatesSet && onDatesSet(wallClock(info.startStr), wallClock(info.endStr), info.view.type),
    [onDatesSet],
  );
  // Ids and kinds on the element let tests and assistive tooling find an event without its text.
  const handleEventDidMount = useCallback((info) => {
    info.el.dataset.eventId = info.event.id;
    info.el.dataset.kind = String(info.event.extendedProps.kind ?? "");
    info.el.dataset.doctorId = String(info.event.extendedProps.doctorId ?? "");
    if (!info.el.title) info.el.title = info.event.title;
  }, []);

  return (
    <div id={id} className={["mw-calendar", className].filter(Boolean).join(" ")}>
      <FullCalendar
        plugins={PLUGINS}
        timeZone="UTC"
        // Dates as a UK clinic writes them (Mon 30 Nov, 30 Nov – 6 Dec 2026), not the US default.
        locale={locale || "en-GB"}
        now={now}
        initialView={fromUrl.view || initialView || "timeGridWeek"}
        {...(fromUrl.date || initialDate ? { initialDate: fromUrl.date || initialDate } : {})}
        headerToolbar={toolbar}
        events={events || []}
        slotMinTime={slotMinTime || "07:00:00"}
        slotMaxTime={slotMaxTime || "21:00:00"}
        slotDuration={slotDuration || "00:30:00"}
        firstDay={firstDay ?? 1}
        eventTimeFormat={format}
        slotHeaderFormat={format}
        views={VIEWS}
        height={height ?? "auto"}
        nowIndicator={nowIndicator ?? true}
        allDaySlot={allDaySlot ?? false}
        dayMaxEvents={dayMaxEvents ?? true}
        eventInteractive={true}
        // Day numbers and headers open that day, so a busy month leads straight to its bookings.
        navLinks={true}
        // Bars rather than dots in the month grid, so the doctor's colour carries there too
        // (the time grids draw blocks anyway). Calendar-wide on purpose: FullCalendar 7.1.4
        // builds event looks from calendar-level options and ignores it under views.dayGridMonth.
        eventDisplay="block"
        dateClick={handleDateClick}
        eventClick={handleEventClick}
        datesSet={handleDatesSet}
        eventDidMount={handleEventDidMount}
      />
    </div>
  );
}
