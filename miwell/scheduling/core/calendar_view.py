"""What the clinic calendar shows: FullCalendar event dicts, and the range the browser may ask for.

Pure: no Reflex, no database. The calendar page asks the services for the appointments and free
slots of a :class:`VisibleRange`, turns them into event dicts here, and hands those to
:func:`miwell.ui.calendar.calendar`.

The event dicts use FullCalendar 7's names: ``color`` (background and border) and
``contrastColor`` (text on it), ``className`` and ``extendedProps``; v6's ``backgroundColor``,
``borderColor`` and ``textColor`` no longer exist in v7 and would be ignored. Times are naive
clinic wall-clock ISO strings, which the component shows as they are, whatever the browser's
time zone.

``extendedProps`` come back from the browser on a click, so they hold only ids and labels: a
handler must load the record again and check the user may see it before acting on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, datetime, time, timedelta
from typing import Any

from miwell.scheduling.core.availability import Slot
from miwell.scheduling.core.colours import is_valid_colour
from miwell.scheduling.core.reports import AppointmentRecord
from miwell.scheduling.core.status import status_label

__all__ = [
    "DayCount",
    "FALLBACK_COLOUR",
    "MAX_APPOINTMENT_EVENTS",
    "MAX_VISIBLE_DAYS",
    "VIEWS",
    "VisibleRange",
    "appointment_events",
    "day_summary_events",
    "contrast_ratio",
    "free_slot_events",
    "initials",
    "readable_text_colour",
    "shade",
    "tint",
    "visible_range",
]

# The month view shows six full weeks; nothing the calendar offers needs more.
MAX_VISIBLE_DAYS = 42
# Above this many bookings in one view, each doctor's day becomes one count instead: a few hundred
# bytes per event would push a busy month's state past a megabyte, and nobody reads 5,000 bars.
MAX_APPOINTMENT_EVENTS = 1500
VIEWS: tuple[str, ...] = ("dayGridMonth", "timeGridWeek", "timeGridDay")
FALLBACK_COLOUR = "#475569"  # slate, for a doctor whose stored colour is unusable
_DARK_TEXT = "#111827"
_WHITE = "#ffffff"


# --------------------------------------------------------------------------- #
# Colours
# --------------------------------------------------------------------------- #


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = _rgb(colour)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours, from 1 to 21."""
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@lru_cache(maxsize=512)  # a page has a handful of colours and thousands of events
def readable_text_colour(background: str) -> str:
    """White or near-black, whichever reads better on ``background``."""
    return _WHITE if contrast_ratio(background, _WHITE) >= contrast_ratio(background, _DARK_TEXT) else _DARK_TEXT


def tint(colour: str, strength: float = 0.12) -> str:
    """``colour`` mixed into white: ``strength`` 0 is white, 1 is the colour itself."""
    if not 0 <= strength <= 1:
        raise ValueError(f"Tint strength must be between 0 and 1, not {strength!r}.")
    return "#" + "".join(f"{round(255 + (value - 255) * strength):02x}" for value in _rgb(colour))


def shade(colour: str, strength: float) -> str:
    """``colour`` mixed into black: ``strength`` 0 is the colour itself, 1 is black."""
    if not 0 <= strength <= 1:
        raise ValueError(f"Shade strength must be between 0 and 1, not {strength!r}.")
    return "#" + "".join(f"{round(value * (1 - strength)):02x}" for value in _rgb(colour))


@lru_cache(maxsize=512)
def _readable_on(background: str, colour: str) -> str:
    """``colour``, darkened only as far as needed to read on ``background`` (WCAG AA, 4.5:1)."""
    for step in range(11):
        candidate = shade(colour, step / 10)
        if contrast_ratio(background, candidate) >= 4.5:
            return candidate
    return _DARK_TEXT  # a background so dark that even black fails; cannot happen with a tint


def _usable(colour: object) -> str:
    return colour.lower() if is_valid_colour(colour) else FALLBACK_COLOUR  # type: ignore[union-attr]


# --------------------------------------------------------------------------- #
# Events
# --------------------------------------------------------------------------- #


def _iso(value: datetime) -> str:
    if value.tzinfo is not None:
        raise ValueError("Calendar times must be naive clinic wall-clock times.")
    return value.isoformat(timespec="seconds")


def appointment_events(
    appointments: Iterable[AppointmentRecord],
    colours: Mapping[int, str] | None = None,
    *,
    include_cancelled: bool = False,
) -> list[dict[str, Any]]:
    """One event per appointment, titled ``Patient name · status label``, in its doctor's colour.

    ``colours`` (doctor id -> ``#rrggbb``) overrides the colour carried by each record, for a
    page that already holds the doctors it shows; an unusable colour falls back to slate.
    Cancelled appointments are left out unless ``include_cancelled``; shown, they are greyed.
    """
    colours = colours or {}
    events = []
    for record in sorted(appointments, key=lambda a: (a.start, a.doctor_id, a.id)):
        cancelled = record.status == "cancelled"
        if cancelled and not include_cancelled:
            continue
        colour = FALLBACK_COLOUR if cancelled else _usable(colours.get(record.doctor_id, record.doctor_colour))
        events.append(
            {
                "id": f"appointment-{record.id}",
                # The arrow marks an occurrence of a recurring series, in every view and on a phone.
                "title": f"{'↻ ' if record.series_id else ''}{record.patient_name} · {status_label(record.status)}",
                "start": _iso(record.start),
                "end": _iso(record.end),
                "color": colour,
                "contrastColor": readable_text_colour(colour),
                "className": f"mw-appointment mw-status-{record.status}" + (" mw-series" if record.series_id else ""),
                "extendedProps": {
                    "kind": "appointment",
                    "appointmentId": record.id,
                    "doctorId": record.doctor_id,
                    "patientId": record.patient_id,
                    "clinicId": record.clinic_id,
                    "status": record.status,
                    "seriesId": record.series_id,
                },
            }
        )
    return events


@dataclass(frozen=True)
class DayCount:
    """How many bookings one doctor has on one day."""

    day: date
    doctor_id: int
    doctor_name: str
    doctor_colour: str
    count: int


def day_summary_events(counts: Iterable[DayCount]) -> list[dict[str, Any]]:
    """One all-day event per doctor and day, ``Dr Name · 12``, in the doctor's colour.

    For a view too busy to show each booking (see :data:`MAX_APPOINTMENT_EVENTS`): the month still
    shows who works when and how full each day is. Days without bookings are left out. Ordered by
    day, then doctor name.
    """
    events = []
    for item in sorted(counts, key=lambda c: (c.day, c.doctor_name.casefold(), c.doctor_id)):
        if item.count <= 0:
            continue
        colour = _usable(item.doctor_colour)
        events.append(
            {
                "id": f"summary-{item.doctor_id}-{item.day:%Y%m%d}",
                "title": f"{item.doctor_name} · {item.count}",
                "start": item.day.isoformat(),
                "allDay": True,
                "color": colour,
                "contrastColor": readable_text_colour(colour),
                "className": "mw-summary",
                "extendedProps": {"kind": "summary", "doctorId": item.doctor_id, "count": item.count},
            }
        )
    return events


_HONORIFICS = {"dr", "dr.", "prof", "prof.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "mx", "mx."}


def initials(name: str) -> str:
    """Two letters for a doctor's name, titles left out: "Dr Priya Shah" -> "PS"."""
    words = [w for w in name.replace("-", " ").split() if w.lower() not in _HONORIFICS and w[:1].isalpha()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


def free_slot_events(
    slots_by_doctor: Mapping[int, Iterable[Slot | tuple[datetime, datetime]]],
    colours: Mapping[int, str],
    names: Mapping[int, str] | None = None,
) -> list[dict[str, Any]]:
    """One light, outlined free-slot event per free slot, tinted with its doctor's colour.

    Colour alone must not tell the doctors apart (WCAG 1.4.1): each slot reads "Free · PS",
    the doctor's initials, and carries the full name for its tooltip. The text is the doctor's
    colour, darkened just enough to read on the tint (WCAG AA, 4.5:1); the component's
    stylesheet draws the dashed outline in that text colour. Events are ordered by start, then
    doctor id.
    """
    events = []
    names = names or {}
    for doctor_id, slots in slots_by_doctor.items():
        colour = _usable(colours.get(doctor_id))
        background = tint(colour, 0.1)
        text = _readable_on(background, colour)
        name = names.get(doctor_id, "")
        title = f"Free · {initials(name)}" if name else "Free"
        for start, end in slots:
            events.append(
                {
                    "id": f"free-{doctor_id}-{start:%Y%m%dT%H%M}",
                    "title": title,
                    "start": _iso(start),
                    "end": _iso(end),
                    "color": background,
                    "contrastColor": text,
                    "className": "mw-free-slot",
                    "extendedProps": {"kind": "free", "doctorId": doctor_id, **({"doctorName": name} if name else {})},
                }
            )
    events.sort(key=lambda event: (event["start"], event["extendedProps"]["doctorId"]))
    return events


def held_slot_events(
    holds: Iterable[tuple[int, int, datetime, datetime]],
    names: Mapping[int, str] | None = None,
) -> list[dict[str, Any]]:
    """One grey event per slot held for the waiting list: ``(offer id, doctor id, start, end)``.
    It names the doctor, never the waiting patient (the calendar is on the desk's screen)."""
    names = names or {}
    events = []
    for offer_id, doctor_id, start, end in holds:
        name = names.get(doctor_id, "")
        events.append(
            {
                "id": f"held-{offer_id}",
                "title": f"Held · waiting list · {initials(name)}" if name else "Held · waiting list",
                "start": _iso(start),
                "end": _iso(end),
                "color": "#e5e7eb",
                "contrastColor": "#374151",
                "className": "mw-held-slot",
                "extendedProps": {"kind": "held", "doctorId": doctor_id, "offerId": offer_id},
            }
        )
    events.sort(key=lambda event: (event["start"], event["extendedProps"]["doctorId"]))
    return events


# --------------------------------------------------------------------------- #
# The range the browser asks for
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class VisibleRange:
    """Whole days ``[start, end)`` of one calendar view, as naive clinic-local datetimes."""

    start: datetime
    end: datetime
    view: str

    @property
    def first_day(self) -> date:
        return self.start.date()

    @property
    def last_day(self) -> date:
        """The last day shown (``end`` is the midnight after it)."""
        return (self.end - timedelta(days=1)).date()

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def shows_free_slots(self) -> bool:
        """Free slots belong to the time-grid views; a month grid would drown in them."""
        return self.view.startswith("timeGrid")


def _parse(value: object, label: str) -> datetime:
    if not isinstance(value, str) or not 10 <= len(value) <= 40:
        raise ValueError(f"The calendar sent an unusable {label}: {value!r}.")
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        raise ValueError(f"The calendar sent an unusable {label}: {value!r}.") from None
    # The component works in the clinic's wall-clock time and marks it UTC only because
    # FullCalendar insists on some zone: the digits are the clinic's, so the offset is dropped.
    return parsed.replace(tzinfo=None)


def visible_range(start_iso: object, end_iso: object, view: object) -> VisibleRange:
    """Check and normalise what the calendar's dates-set event sent.

    Accepts ISO dates or datetimes (an offset or ``Z`` is ignored: the digits are clinic time),
    widens them to whole days, and refuses anything a real view would not send: an unknown view,
    an end not after the start, or more than :data:`MAX_VISIBLE_DAYS` days. Raises
    :class:`ValueError`; since any browser can send anything, callers log it and show nothing.
    """
    if view not in VIEWS:
        raise ValueError(f"Unknown calendar view {view!r}.")
    start = _parse(start_iso, "range start")
    end = _parse(end_iso, "range end")
    if end <= start:
        raise ValueError("The calendar range must end after it starts.")
    first = datetime.combine(start.date(), time.min)
    try:
        last = datetime.combine(end.date(), time.min)
        if last < end:
            last += timedelta(days=1)
    except OverflowError:
        raise ValueError("The calendar range is out of bounds.") from None
    if (last - first).days > MAX_VISIBLE_DAYS:
        raise ValueError(f"The calendar asked for {(last - first).days} days; at most {MAX_VISIBLE_DAYS} are shown at once.")
    return VisibleRange(first, last, str(view))
