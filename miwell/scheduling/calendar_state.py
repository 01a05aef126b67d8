"""Reflex states of the clinic calendar page: the view with its filters, and its two dialogs.

Live updates: each open calendar runs one background watcher (:meth:`CalendarState.watch`,
started by the page's on_load). Every ``POLL_SECONDS`` it reads the organisation's
``calendar_version``, one integer that every booking, status change, move, agenda and doctor
change increments in its own transaction (``service._touch_calendar``). Only when it differs from
what the page last loaded does the watcher reload the visible range, off the event loop, and push
the new events. The database is what all backend workers share, so this works the same with one
worker or several sharing state through Redis; the watcher runs in the worker that holds the
tab's websocket.

The watcher stops when the tab leaves the page or disconnects (Reflex cancels the page-load chain
it belongs to: a newer navigation supersedes it and a disconnect cancels it), and, as a second
line, when it sees the tab on another page, the session ended, the tab gone for a while, or a
newer watcher for the same tab.

The events of a busy month can be large, so they live in :class:`CalendarState` alone; the
dialogs' clicks and keystrokes go to :class:`CalendarDialogState` and never reserialise them.
"""

from __future__ import annotations

import asyncio
import time
import dataclasses
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import reflex as rx
from sqlmodel import Session

from miwell.accounts import service as accounts
from miwell.accounts.rules import Role
from miwell.accounts.service import AccountError, CurrentUser
from miwell.accounts.state import AuthState, form_data, text_arg
from miwell.db import get_engine, session_scope
from miwell.scheduling import calendar_service, service
from miwell.scheduling.calendar_service import Filters
from miwell.scheduling.calendar_view import VisibleRange, initials, visible_range
from miwell.ids import as_id
from miwell.scheduling.formatting import clock, day_text, short_date
from miwell.scheduling.models import ClinicPatient
from miwell.scheduling.service import SchedulingError
from miwell.scheduling.state import ACTION_LABELS, SELF_CLIENT, _form, _run, _today
from miwell.scheduling.status import status_label
from miwell.settings import get_settings

STAFF = Role.STAFF.value
CALENDAR_PATH = "/staff/calendar"
NEW = "new"
POLL_SECONDS = 1.0
# Session and connection checks cost more than the version read, so they run less often.
CHECK_EVERY_SECONDS = 5.0
# A dropped websocket usually comes back (same tab, same token) within seconds.
DISCONNECTED_GRACE_SECONDS = 60.0


@dataclass(frozen=True)
class _Request:
    """What one load of the calendar is for: compared to tell a stale result from a current one."""

    shown: VisibleRange
    filters: Filters


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def _load(user: CurrentUser, request: _Request) -> tuple[int, calendar_service.CalendarLoad]:
    """The version first, then the range: a change committed in between shows as a newer version
    on the next poll, so the page can lag by one poll but never miss a change."""
    with session_scope() as s:
        version = service.calendar_version(s, user)
        return version, calendar_service.calendar_events(s, user, request.shown, request.filters)


def _version(user: CurrentUser) -> int | None:
    try:
        with Session(get_engine()) as s:
            return service.calendar_version(s, user)
    except (AccountError, SchedulingError):
        return None


def _session_is(token: str, user_id: int) -> bool:
    with Session(get_engine()) as s:
        user = accounts.resolve_session(s, token)
    return user is not None and user.id == user_id


async def _client_connected(client_token: str) -> bool:
    """Whether the tab has a socket on any worker (through Redis when several workers serve)."""
    from miwell.miwell import app  # the running app; imported late because it imports every page

    namespace = app.event_namespace
    if namespace is None:
        return False
    manager = getattr(namespace, "_token_manager", None)
    if manager is not None and hasattr(manager, "is_token_connected"):
        return await manager.is_token_connected(client_token)
    return client_token in namespace.token_to_sid


def _local_stamp(at: datetime, timezone: str) -> str:
    """An audit time (aware UTC; SQLite hands it back naive) on the clinic's clock."""
    local = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(ZoneInfo(timezone))
    return f"{day_text(local.date())}, {clock(local)}"


def _int_or_none(raw: object) -> int | None:
    text = str(raw or "").strip()
    return int(text) if text.isdigit() else None


class CalendarState(AuthState):
    clinics: list[dict[str, str]] = []
    doctors: list[dict[str, str]] = []
    clinic_id: str = ""
    doctor_ids: list[str] = []
    patient: str = ""
    show_cancelled: bool = False
    time_zone: str = get_settings().default_timezone
    slot_min_time: str = "08:00:00"
    slot_max_time: str = "19:00:00"
    loaded: bool = False

    events: list[dict[str, Any]] = []
    summary: str = ""
    notice: str = ""
    error: str = ""
    # "<view> <first day> <last day>" of the events shown: lets a test or a screen reader know
    # which range they belong to.
    shown: str = ""

    _shown: VisibleRange | None = None
    _loaded_version: int = -1
    _watcher: str = ""

    # --- what to load ---

    def _filters(self) -> Filters:
        return Filters(
            clinic_id=_int_or_none(self.clinic_id),
            doctor_ids=tuple(d for d in (_int_or_none(x) for x in self.doctor_ids) if d is not None),
            patient=self.patient,
            include_cancelled=self.show_cancelled,
        )

    def _request(self) -> _Request | None:
        return None if self._shown is None else _Request(self._shown, self._filters())

    def _apply(self, request: _Request, version: int, load: calendar_service.CalendarLoad) -> None:
        self._loaded_version = version
        self.events = load.events
        self.shown = f"{request.shown.view} {request.shown.first_day.isoformat()} {request.shown.last_day.isoformat()}"
        parts = [_plural(load.appointments, "appointment")]
        if request.shown.shows_free_slots and not load.free_note:
            parts.append(_plural(load.free_slots, "free slot"))
        self.summary = " · ".join(parts)
        notices = []
        if load.summarised:
            notices.append(
                f"{load.appointments:,} appointments are too many to show one by one: each doctor's day shows "
                "their count. Choose doctors, or open a week or a day, to see each booking."
            )
        if load.free_note:
            notices.append(load.free_note)
        self.notice = " ".join(notices)

    def _reload(self, user: CurrentUser) -> None:
        request = self._request()
        if request is None:
            return
        try:
            version, load = _load(user, request)
        except (SchedulingError, AccountError) as exc:
            self.error = str(exc)
            return
        self.error = ""
        self._apply(request, version, load)

    # --- page events ---

    @rx.event
    def load(self):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        setup, error = _run(lambda s: calendar_service.calendar_setup(s, user))
        if setup is None:
            self.error = error
            return
        self.clinics = [{"id": str(c.id), "label": c.name, "timezone": c.timezone} for c in setup.clinics]
        self.doctors = [{"id": str(d.id), "name": d.name, "colour": d.colour, "initials": initials(d.name)} for d in setup.doctors]
        # Filters kept from an earlier visit may name records deleted since.
        known = {d["id"] for d in self.doctors}
        self.doctor_ids = [d for d in self.doctor_ids if d in known]
        if self.clinic_id not in {c["id"] for c in self.clinics}:
            self.clinic_id = ""
        self._set_time_zone()
        self.slot_min_time = f"{setup.first_hour:02d}:00:00"
        self.slot_max_time = f"{setup.last_hour:02d}:00:00" if setup.last_hour < 24 else "24:00:00"
        self.loaded = True
        self._reload(user)
        return CalendarState.watch

    def _set_time_zone(self) -> None:
        chosen = next((c for c in self.clinics if c["id"] == self.clinic_id), None) or (self.clinics or [None])[0]
        self.time_zone = chosen["timezone"] if chosen else get_settings().default_timezone

    @rx.event
    def load_range(self, start: str, end: str, view: str):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        try:
            self._shown = visible_range(start, end, view)
        except ValueError as exc:
            # Any browser can send anything: show nothing rather than guess.
            self._shown, self.events, self.shown = None, [], ""
            self.error = str(exc)
            return
        self._reload(user)

    @rx.event
    def set_clinic(self, value: str):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        value = text_arg(value)
        self.clinic_id = value if value in {c["id"] for c in self.clinics} else ""
        self._set_time_zone()
        self._reload(user)

    @rx.event
    def toggle_doctor(self, doctor_id: str):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        doctor_id = text_arg(doctor_id)
        if doctor_id not in {d["id"] for d in self.doctors}:
            return
        if doctor_id in self.doctor_ids:
            self.doctor_ids = [d for d in self.doctor_ids if d != doctor_id]
        else:
            self.doctor_ids = [*self.doctor_ids, doctor_id]
        self._reload(user)

    @rx.event
    def all_doctors(self):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        self.doctor_ids = []
        self._reload(user)

    @rx.event
    def set_patient(self, value: str):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        self.patient = str(value or "")[: service.SEARCH_MAX]
        self._reload(user)

    @rx.event
    def set_show_cancelled(self, value: bool):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        self.show_cancelled = bool(value)
        self._reload(user)

    @rx.event
    def refresh(self):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        self._reload(user)

    @rx.event(background=True, supersedes=True)
    async def watch(self):
        async with self:
            user = self._require(STAFF)
            if user is None:
                return
            generation = uuid.uuid4().hex
            self._watcher = generation
            token, client = self._session_token(), self.router.session.client_token
        seen = await asyncio.to_thread(_version, user)
        last_check = last_seen = time.monotonic()
        while True:
            await asyncio.sleep(POLL_SECONDS)
            now = time.monotonic()
            if now - last_check >= CHECK_EVERY_SECONDS:
                last_check = now
                if not await asyncio.to_thread(_session_is, token, user.id):
                    return
                if await _client_connected(client):
                    last_seen = now
                elif now - last_seen > DISCONNECTED_GRACE_SECONDS:
                    return
            current = await asyncio.to_thread(_version, user)
            if current is None:
                return
            if current == seen:
                continue
            async with self:
                if self._watcher != generation or not self.router.url.path.rstrip("/").endswith(CALENDAR_PATH):
                    return
                # The tab's own booking or move has already reloaded it.
                request = None if self._loaded_version == current else self._request()
            seen = current
            if request is None:
                continue
            try:
                version, load = await asyncio.to_thread(_load, user, request)
            except (SchedulingError, AccountError):
                continue
            async with self:
                if self._watcher != generation:
                    return
                if self._request() == request:  # the receptionist has not moved on meanwhile
                    self._apply(request, version, load)


# --- the dialogs -------------------------------------------------------------------------------------


def _choice_dicts(choices) -> list[dict[str, str]]:
    return [{"id": str(c.id), "label": c.label} for c in choices]


MOVE_WINDOW_DAYS = 7
MOVE_SLOTS_PER_DAY = 12


@dataclasses.dataclass
class MoveDay:
    """One day of free slots offered for moving an appointment."""

    label: str = ""
    slots: list[dict[str, str]] = dataclasses.field(default_factory=list)


class CalendarDialogState(AuthState):
    """Booking a free slot, and the details of an appointment (status, cancel, move)."""

    # booking
    booking_open: bool = False
    booking_doctor: str = ""
    booking_colour: str = ""
    booking_when: str = ""
    booking_clinic: str = ""
    booking_error: str = ""
    booking_key: int = 0
    patients: list[dict[str, str]] = []
    clients: list[dict[str, str]] = []
    patient_choice: str = ""
    client_choice: str = SELF_CLIENT
    _doctor_id: int = 0
    _start: str = ""

    # details
    details_open: bool = False
    details: dict[str, str] = {}
    history: list[dict[str, str]] = []
    actions: list[dict[str, str]] = []
    can_move: bool = False
    cancelling: bool = False
    details_error: str = ""
    move_day: str = ""  # the first day of the week of slots shown
    move_doctor: str = ""
    move_doctors: list[dict[str, str]] = []
    move_days: list[MoveDay] = []
    move_window: str = ""
    _appointment_id: int = 0

    async def _refresh_calendar(self, user: CurrentUser) -> None:
        calendar = await self.get_state(CalendarState)
        calendar._reload(user)  # type: ignore[attr-defined]

    @rx.event
    async def event_clicked(self, event_id: str, kind: str, start: str, end: str, props: dict[str, Any]):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        props = props if isinstance(props, dict) else {}
        if kind == "free":
            return await self._open_booking(user, props.get("doctorId"), start)
        if kind == "appointment":
            return self._open_details(user, props.get("appointmentId"))
        if kind == "summary":
            return rx.toast.info("Click the day's date to open it and see each booking.")

    @rx.event
    def date_clicked(self, date_iso: str, all_day: bool, view: str):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        if not all_day:
            return rx.toast.info("Click a free slot (the dashed boxes) to book it.")

    # --- booking ---

    async def _open_booking(self, user: CurrentUser, raw_doctor: object, raw_start: str):
        doctor_id = _int_or_none(raw_doctor)
        try:
            start = datetime.fromisoformat(str(raw_start or ""))
        except ValueError:
            start = None
        if doctor_id is None or start is None or start.tzinfo is not None:
            return rx.toast.error("That slot could not be read. Reload the page.")

        def read(s):
            doctor = service.get_doctor(s, user, doctor_id)
            slot = next((x for x in service.day_slots(s, user, doctor_id, start.date()) if x.start == start), None)
            return doctor, slot, service.booking_choices(s, user)

        result, error = _run(read)
        if result is None:
            return rx.toast.error(error)
        doctor, slot, (patients, clients) = result
        if slot is None:
            await self._refresh_calendar(user)
            return rx.toast.warning("That slot is no longer free: someone has just booked it. The calendar is up to date now.")
        self._doctor_id, self._start = doctor_id, slot.start.isoformat()
        self.booking_doctor, self.booking_colour = doctor.full_name, doctor.colour
        self.booking_when = f"{day_text(slot.start.date())}, {clock(slot.start)}–{clock(slot.end)}"
        self.booking_clinic = slot.clinic
        self.patients = _choice_dicts(patients)
        self.clients = _choice_dicts(clients)
        self.patient_choice, self.client_choice = "", SELF_CLIENT
        self.booking_error = ""
        self.booking_key += 1  # a fresh form: nothing typed for the last slot carries over
        self.details_open = False
        self.booking_open = True

    @rx.event
    def set_booking_open(self, value: bool):
        self.booking_open = bool(value)

    @rx.event
    def set_patient_choice(self, value: str):
        self.patient_choice = str(value or "")

    @rx.event
    def set_client_choice(self, value: str):
        self.client_choice = str(value or "")

    @rx.event
    async def book(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        if not self._doctor_id or not self._start:
            self.booking_open = False
            return
        doctor_id, start = self._doctor_id, datetime.fromisoformat(self._start)

        def write(s):
            patient_choice = _form(form, "patient_id")
            if patient_choice == NEW:
                patient = service.create_patient(
                    s,
                    user,
                    full_name=_form(form, "new_patient_name"),
                    phone=_form(form, "new_patient_phone"),
                    date_of_birth=_form(form, "new_patient_born"),
                )
                patient_id = patient.id
            elif patient_choice:
                patient_id = service.parse_id(patient_choice)
            else:
                raise SchedulingError("Choose the patient, or add a new one.")
            client_choice = _form(form, "client_id")
            if client_choice == NEW:
                client_id = service.create_client(
                    s, user, full_name=_form(form, "new_client_name"), phone=_form(form, "new_client_phone")
                ).id
            elif client_choice in ("", SELF_CLIENT):
                client_id = None
            else:
                client_id = service.parse_id(client_choice)
            # The service checks again that the doctor, patient and client are this organisation's
            # and that the slot is still free; the unique index settles a race it cannot see.
            appointment = service.book(s, user, doctor_id, start, patient_id, client_id, note=_form(form, "note"))
            return s.get(ClinicPatient, appointment.patient_id).full_name  # type: ignore[union-attr]

        patient_name, error = _run(write)
        await self._refresh_calendar(user)
        if error:
            self.booking_error = error
            return
        self.booking_open, self.booking_error = False, ""
        return rx.toast.success(f"Booked: {patient_name} with {self.booking_doctor}, {self.booking_when}.")

    # --- details ---

    def _fill_details(self, user: CurrentUser, appointment_id: int) -> str:
        details, error = _run(lambda s: calendar_service.appointment_details(s, user, appointment_id))
        if details is None:
            return error
        self._appointment_id = details.id
        self.details = {
            "id": str(details.id),
            "patient": details.patient,
            "client": details.client or "—",
            "doctor": details.doctor,
            "colour": details.colour,
            "clinic": details.clinic,
            "when": details.when,
            "status": details.status,
            "status_label": details.status_label,
            "note": details.note,
        }
        self.history = [
            {
                "change": (f"{status_label(h.from_status)} → " if h.from_status and h.from_status != h.to_status else "")
                + status_label(h.to_status),
                "by": h.by,
                "at": _local_stamp(h.at, details.timezone),
                "reason": h.reason,
            }
            for h in details.history
        ]
        self.actions = [
            {"target": t, "label": ACTION_LABELS[t].rstrip("…")} for t in details.actions if t != "cancelled"
        ]
        self.can_move = details.can_move
        self.details["can_cancel"] = "yes" if "cancelled" in details.actions else ""
        if not self.move_day:
            self.move_day = details.starts_at.date().isoformat()
        if not self.move_doctor:
            self.move_doctor = str(details.doctor_id)
        setup, _ = _run(lambda s: calendar_service.calendar_setup(s, user))
        self.move_doctors = [{"id": str(d.id), "label": d.name} for d in (setup.doctors if setup else [])]
        self._load_move_slots(user)
        return ""

    def _load_move_slots(self, user: CurrentUser) -> None:
        """A week of the chosen doctor's free slots from ``move_day``, by day, in the clinic's words."""
        if not self.can_move:
            self.move_days, self.move_window = [], ""
            return
        first = date.fromisoformat(self.move_day)
        last = first + timedelta(days=MOVE_WINDOW_DAYS - 1)
        doctor = as_id(self.move_doctor)
        if doctor is None or self.move_doctor not in {d["id"] for d in self.move_doctors}:
            self.move_doctor = self.move_doctors[0]["id"] if self.move_doctors else ""
            doctor = as_id(self.move_doctor)
        offered, error = _run(lambda s: service.free_slots_between(s, user, first, last, doctor_id=doctor))
        by_day: dict[date, list[dict[str, str]]] = {}
        for slot in (offered or {}).get(doctor, []):  # type: ignore[arg-type]
            by_day.setdefault(slot.start.date(), []).append(
                {"start": slot.start.isoformat(), "label": f"{clock(slot.start)}–{clock(slot.end)}", "clinic": slot.clinic}
            )
        self.move_days = [MoveDay(day_text(d), slots[:MOVE_SLOTS_PER_DAY]) for d, slots in sorted(by_day.items())]
        self.move_window = f"{short_date(first)} – {short_date(last)}"
        if error:
            self.details_error = error

    def _open_details(self, user: CurrentUser, raw_id: object):
        appointment_id = _int_or_none(raw_id)
        if appointment_id is None:
            return rx.toast.error("That appointment could not be read. Reload the page.")
        self.move_day, self.move_doctor = "", ""
        error = self._fill_details(user, appointment_id)
        if error:
            return rx.toast.error(error)
        self.details_error, self.cancelling = "", False
        self.booking_open = False
        self.details_open = True

    @rx.event
    def set_details_open(self, value: bool):
        self.details_open = bool(value)
        if not value:
            self.cancelling = False

    @rx.event
    async def set_status(self, target: str):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        appointment_id = self._appointment_id
        _, error = _run(lambda s: service.change_status(s, user, appointment_id, target))
        self._fill_details(user, appointment_id)
        await self._refresh_calendar(user)
        self.details_error = error
        if not error:
            return rx.toast.success(f"Appointment {status_label(target)}.")

    @rx.event
    def ask_cancel(self):
        self.cancelling, self.details_error = True, ""

    @rx.event
    def keep(self):
        self.cancelling, self.details_error = False, ""

    @rx.event
    async def confirm_cancel(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        appointment_id = self._appointment_id
        _, error = _run(lambda s: service.cancel(s, user, appointment_id, _form(form, "reason")))
        if error:
            self.details_error = error
            return
        self.cancelling, self.details_open, self.details_error = False, False, ""
        await self._refresh_calendar(user)
        return rx.toast.success("Appointment cancelled. The slot is free again.")

    @rx.event
    def pick_move_day(self, value: str):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        try:
            self.move_day = date.fromisoformat(text_arg(value)).isoformat()
        except ValueError:
            self.details_error = "Please pick a day."
            return
        self.details_error = ""
        self._load_move_slots(user)

    @rx.event
    def shift_move_window(self, weeks: int):
        """The week of slots before or after the one shown (never before today)."""
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        step = 1 if weeks == 1 else -1 if weeks == -1 else 0
        try:
            first = date.fromisoformat(self.move_day) + timedelta(days=MOVE_WINDOW_DAYS * step)
        except ValueError:
            first = _today()
        self.move_day = max(first, _today()).isoformat()
        self._load_move_slots(user)

    @rx.event
    def pick_move_doctor(self, value: str):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        value = text_arg(value)
        if value in {d["id"] for d in self.move_doctors}:
            self.move_doctor = value
        self._load_move_slots(user)

    @rx.event
    async def move_to(self, start: str):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        try:
            new_start = datetime.fromisoformat(text_arg(start))
        except ValueError:
            return
        appointment_id, doctor = self._appointment_id, as_id(self.move_doctor)
        _, error = _run(lambda s: service.reschedule(s, user, appointment_id, new_start, doctor_id=doctor))
        self._fill_details(user, appointment_id)
        await self._refresh_calendar(user)
        self.details_error = error
        if not error:
            return rx.toast.success(f"Moved to {day_text(new_start.date())} at {clock(new_start)}.")


__all__ = ["CALENDAR_PATH", "CalendarDialogState", "CalendarState", "MoveDay"]
