"""The calendar's two dialogs: booking a free slot, and an appointment's details, status and move."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from typing import Any

import reflex as rx

from miwell.accounts.core.rules import Role
from miwell.accounts.services import CurrentUser
from miwell.accounts.states.auth import AuthState, form_data, text_arg
from miwell.accounts.states.policy import allow, Owns
from miwell.ids import as_id
from miwell.scheduling import services as service
from miwell.scheduling.core.formatting import clock, day_text, short_date
from miwell.scheduling.core.status import status_label
from miwell.scheduling.models import ClinicPatient
from miwell.scheduling.services import SchedulingError
from miwell.scheduling.services import calendar as calendar_service
from miwell.scheduling.services import series as series_service
from miwell.scheduling.states.common import (
    ACTION_LABELS,
    SELF_CLIENT,
    _form,
    _run,
    _today,
)

STAFF = Role.STAFF.value
CALENDAR_PATH = "/staff/calendar"
NEW = "new"
POLL_SECONDS = 1.0
# Session and connection checks cost more than the version read, so they run less often.
CHECK_EVERY_SECONDS = 5.0
# A dropped websocket usually comes back (same tab, same token) within seconds.
DISCONNECTED_GRACE_SECONDS = 60.0


from miwell.scheduling.states.calendar import (
    CalendarState,
    _int_or_none,
    _local_stamp,
)

# --- the dialogs -------------------------------------------------------------------------------------


def _choice_dicts(choices) -> list[dict[str, str]]:
    return [{"id": str(c.id), "label": c.label} for c in choices]


MOVE_WINDOW_DAYS = 7
MOVE_SLOTS_PER_DAY = 12


@dataclasses.dataclass
class SeriesRow:
    """One date of a previewed series in the booking dialog."""

    index: int = 0
    label: str = ""
    fits: bool = False
    alternative: str = ""  # the nearest free slot's label, when the date does not fit
    picked: bool = False


REPEATS = ("", "1", "2", "4")


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
    # a recurring series: how it repeats and ends, and the checked dates
    repeat: str = ""
    repeat_end: str = "count"
    repeat_count: str = "10"
    repeat_until: str = ""
    series_rows: list[SeriesRow] = []
    series_summary: str = ""
    # What each previewed row books when picked (its own start, or the alternative): never sent to
    # the browser, so a crafted event can only pick rows, not name times.
    _series_starts: list[str] = []

    # details
    details_open: bool = False
    details: dict[str, str] = {}
    history: list[dict[str, str]] = []
    actions: list[dict[str, str]] = []
    can_move: bool = False
    cancelling: bool = False
    series_text: str = ""
    series_following: int = 0  # later dates of the series that "cancel the following" would cancel
    move_following: bool = False
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
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
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
        if kind == "held":
            return rx.toast.info(
                "This time is held for a patient on the waiting list. Release it on the Waiting list page to book it by hand."
            )

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
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
        self.repeat, self.repeat_end, self.repeat_count, self.repeat_until = "", "count", "10", ""
        self._clear_series()
        self.booking_error = ""
        self.booking_key += 1  # a fresh form: nothing typed for the last slot carries over
        self.details_open = False
        self.booking_open = True

    # --- a recurring series ---

    def _clear_series(self) -> None:
        self.series_rows, self.series_summary, self._series_starts = [], "", []

    @rx.event
    @allow(STAFF, owns=Owns.THIS_PAGE)
    def set_repeat(self, value: str):
        self.repeat = value if value in REPEATS else ""
        self._clear_series()

    @rx.event
    @allow(STAFF, owns=Owns.THIS_PAGE)
    def set_repeat_end(self, value: str):
        self.repeat_end = "until" if value == "until" else "count"
        self._clear_series()

    @rx.event
    @allow(STAFF, owns=Owns.THIS_PAGE)
    def set_repeat_count(self, value: str):
        self.repeat_count = text_arg(value, 3)
        self._clear_series()

    @rx.event
    @allow(STAFF, owns=Owns.THIS_PAGE)
    def set_repeat_until(self, value: str):
        self.repeat_until = text_arg(value, 10)
        self._clear_series()

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def check_series(self):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        self._check_series(user)

    def _check_series(self, user: CurrentUser) -> None:
        if not self.repeat or not self._doctor_id or not self._start:
            return
        doctor_id, first, every = self._doctor_id, datetime.fromisoformat(self._start), int(self.repeat)

        def read(s):
            if self.repeat_end == "until":
                until = service.parse_day(self.repeat_until, "last day of the series")
                return series_service.preview_series(s, user, doctor_id, first, every, until=until)
            count = self.repeat_count.strip()
            if not count.isdigit():
                raise SchedulingError("Enter how many appointments the series has, for example 10.")
            return series_service.preview_series(s, user, doctor_id, first, every, count=int(count))

        plan, error = _run(read)
        self.booking_error = error
        if plan is None:
            self._clear_series()
            return
        self.series_rows = [
            SeriesRow(index=i, label=item.label, fits=item.fits, alternative=item.alternative_label, picked=item.fits)
            for i, item in enumerate(plan)
        ]
        self._series_starts = [
            (item.start if item.fits else item.alternative).isoformat() if (item.fits or item.alternative) else ""
            for item in plan
        ]
        fitting = sum(item.fits for item in plan)
        self.series_summary = (
            f"All {len(plan)} dates fit."
            if fitting == len(plan)
            else f"{fitting} of {len(plan)} dates fit. Tick a suggested time to book it instead, or leave the date out."
        )

    @rx.event
    @allow(STAFF, owns=Owns.THIS_PAGE)
    def toggle_series_row(self, index: int):
        if not isinstance(index, int) or not 0 <= index < len(self.series_rows):
            return
        row = self.series_rows[index]
        if not self._series_starts[index]:
            return  # nothing free near that date to book
        rows = list(self.series_rows)
        rows[index] = dataclasses.replace(row, picked=not row.picked)
        self.series_rows = rows

    @rx.event
    @allow(STAFF, owns=Owns.THIS_PAGE)
    def set_booking_open(self, value: bool):
        self.booking_open = bool(value)

    @rx.event
    @allow(STAFF, owns=Owns.THIS_PAGE)
    def set_patient_choice(self, value: str):
        self.patient_choice = str(value or "")

    @rx.event
    @allow(STAFF, owns=Owns.THIS_PAGE)
    def set_client_choice(self, value: str):
        self.client_choice = str(value or "")

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
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
            if repeating:
                if not chosen:
                    raise SchedulingError("Tick at least one date of the series to book.")
                booked = series_service.book_series(
                    s, user, doctor_id, patient_id, chosen, every, client_id=client_id, note=_form(form, "note")
                )
                return s.get(ClinicPatient, patient_id).full_name, len(booked)  # type: ignore[union-attr]
            # The service checks again that the doctor, patient and client are this organisation's
            # and that the slot is still free; the unique index settles a race it cannot see.
            appointment = service.book(s, user, doctor_id, start, patient_id, client_id, note=_form(form, "note"))
            return s.get(ClinicPatient, appointment.patient_id).full_name, 1  # type: ignore[union-attr]

        repeating = self.repeat != ""
        if repeating and not self.series_rows:
            self.booking_error = "Check the dates of the series first."
            return
        every = int(self.repeat) if repeating else 0
        chosen = [
            datetime.fromisoformat(start)
            for row, start in zip(self.series_rows, self._series_starts)
            if row.picked and start
        ]
        result, error = _run(write)
        await self._refresh_calendar(user)
        if error:
            self.booking_error = error
            if repeating:
                self._check_series(user)  # show what fits now, after a refusal
                self.booking_error = error
            return
        patient_name, count = result  # type: ignore[misc]
        self.booking_open, self.booking_error = False, ""
        if repeating:
            return rx.toast.success(f"Booked {count} appointments for {patient_name} with {self.booking_doctor}, from {self.booking_when}.")
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
            "doctor_id": str(details.doctor_id),
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
        place, _ = _run(lambda s: series_service.series_place(s, user, appointment_id))
        self.series_text = place.text if place else ""
        self.series_following = place.following if place else 0
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
        self.move_day, self.move_doctor, self.move_following = "", "", False
        error = self._fill_details(user, appointment_id)
        if error:
            return rx.toast.error(error)
        self.details_error, self.cancelling = "", False
        self.booking_open = False
        self.details_open = True

    @rx.event
    @allow(STAFF, owns=Owns.THIS_PAGE)
    def set_details_open(self, value: bool):
        self.details_open = bool(value)
        if not value:
            self.cancelling = False

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
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
    @allow(STAFF, owns=Owns.THIS_PAGE)
    def ask_cancel(self):
        self.cancelling, self.details_error = True, ""

    @rx.event
    @allow(STAFF, owns=Owns.THIS_PAGE)
    def keep(self):
        self.cancelling, self.details_error = False, ""

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    async def confirm_cancel(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        appointment_id = self._appointment_id
        following = bool(form.get("following")) and self.series_following > 0
        if following:
            count, error = _run(lambda s: series_service.cancel_following(s, user, appointment_id, _form(form, "reason")))
        else:
            count, error = _run(lambda s: service.cancel(s, user, appointment_id, _form(form, "reason")))
        if error:
            self.details_error = error
            return
        self.cancelling, self.details_open, self.details_error = False, False, ""
        await self._refresh_calendar(user)
        if following:
            return rx.toast.success(f"{count} appointments of the series cancelled. Their slots are free again.")
        return rx.toast.success("Appointment cancelled. The slot is free again.")

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
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
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
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
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def pick_move_doctor(self, value: str):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        value = text_arg(value)
        if value in {d["id"] for d in self.move_doctors}:
            self.move_doctor = value
        self._load_move_slots(user)

    @rx.event
    @allow(STAFF, owns=Owns.THIS_PAGE)
    def set_move_following(self, value: bool):
        self.move_following = value is True

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    async def move_to(self, start: str):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        try:
            new_start = datetime.fromisoformat(text_arg(start))
        except ValueError:
            return
        appointment_id, doctor = self._appointment_id, as_id(self.move_doctor)
        if self.move_following and self.series_following > 0:
            if doctor != as_id(self.details.get("doctor_id", "")):
                self.details_error = "A series moves with its own doctor: untick the later dates to move this one to another doctor."
                return
            count, error = _run(lambda s: series_service.move_following(s, user, appointment_id, new_start))
            self.move_following = False
            self._fill_details(user, appointment_id)
            await self._refresh_calendar(user)
            self.details_error = error
            if not error:
                return rx.toast.success(f"{count} dates of the series moved, from {day_text(new_start.date())} at {clock(new_start)}.")
            return
        _, error = _run(lambda s: service.reschedule(s, user, appointment_id, new_start, doctor_id=doctor))
        self._fill_details(user, appointment_id)
        await self._refresh_calendar(user)
        self.details_error = error
        if not error:
            return rx.toast.success(f"Moved to {day_text(new_start.date())} at {clock(new_start)}.")
