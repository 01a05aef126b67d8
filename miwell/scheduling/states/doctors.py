"""The doctors page and one doctor's page: details, agendas and booking."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import reflex as rx

from miwell.accounts.services import CurrentUser
from miwell.accounts.states.auth import AuthState, form_data, text_arg
from miwell.accounts.states.policy import STAFF, allow, Owns
from miwell.scheduling import services as service
from miwell.scheduling.core.colours import PALETTE
from miwell.scheduling.core.formatting import clock, day_text
from miwell.scheduling.services import SchedulingError
from miwell.scheduling.states.appointments import (
    AppointmentsState,
)
from miwell.scheduling.states.common import (
    SELF_CLIENT,
    STAFF,
    _asked_note,
    _form,
    _last_segment,
    _link_text,
    _run,
    _today,
)

# --- doctors ---------------------------------------------------------------------------------------


class DoctorsState(AuthState):
    rows: list[dict[str, str]] = []
    search: str = ""
    error: str = ""
    suggested: str = PALETTE[0]
    form_key: int = 0

    def _load(self, user: CurrentUser) -> None:
        def read(s):
            return service.list_doctors(s, user, self.search), service.suggested_colour(s, user)

        result, self.error = _run(read)
        doctors, self.suggested = result or ([], PALETTE[0])
        self.rows = [
            {
                "id": str(d.id),
                "name": d.full_name,
                "speciality": d.speciality or "—",
                "colour": d.colour,
                "account": _link_text(d.account_email, d.link_email, d.link_status),
                "href": f"/staff/doctors/{d.id}",
            }
            for d in doctors
        ]

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def load(self):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        self.search, self.error = "", ""
        self._load(user)

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def set_search(self, value: str):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        self.search = text_arg(value, service.SEARCH_MAX)
        self._load(user)

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def create(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        created, error = _run(
            lambda s: service.create_doctor(
                s,
                user,
                full_name=_form(form, "full_name"),
                speciality=_form(form, "speciality"),
                colour=_form(form, "colour"),
                psychiatrist_email=_form(form, "psychiatrist_email"),
            ).full_name
        )
        if error:
            self.error = error
            return
        self.error = ""
        self.form_key += 1  # a fresh, empty form with the next suggested colour
        self._load(user)
        return rx.toast.success(f"{created} added. {_asked_note(_form(form, 'psychiatrist_email'), None)}".strip())




def _agenda_dict(row: service.AgendaRow) -> dict[str, str]:
    return {
        "id": str(row.id),
        "clinic": row.clinic,
        "description": row.description,
        "clinic_id": str(row.clinic_id),
        "start_date": row.start_date,
        "end_date": row.end_date,
        "start_time": row.start_time,
        "end_time": row.end_time,
        "slot_minutes": str(row.slot_minutes),
        **{f"wd{d}": "on" if d in row.weekdays else "" for d in range(7)},
        "buffer_minutes": str(row.buffer_minutes or ""),
        # Notice is typed in hours; an agenda given minutes elsewhere shows them rounded up.
        "notice_hours": str(-(-row.min_notice_minutes // 60) or ""),
        "horizon_days": str(row.horizon_days or ""),
        "limits": row.limits,
    }


_EMPTY_AGENDA = {
    "id": "", "clinic_id": "", "start_date": "", "end_date": "", "start_time": "09:00", "end_time": "12:00",
    "slot_minutes": "30", **{f"wd{d}": "on" if d < 5 else "" for d in range(7)},
    "buffer_minutes": "", "notice_hours": "", "horizon_days": "", "limits": "",
}  # fmt: skip
# Whole hours of notice: a year at most, as core.availability allows.
_MOST_NOTICE_HOURS = 366 * 24


class DoctorPageState(AuthState):
    """One doctor: details, agendas and the booking flow."""

    loaded: bool = False
    found: bool = False
    doctor_ref: str = ""
    name: str = ""
    speciality: str = ""
    colour: str = ""
    account_email: str = ""
    account_text: str = ""
    details_error: str = ""
    details_key: int = 0

    clinics: list[dict[str, str]] = []
    agendas: list[dict[str, str]] = []
    agenda_error: str = ""
    agenda_form: dict[str, str] = dict(_EMPTY_AGENDA)
    agenda_key: int = 0

    day: str = ""
    day_label: str = ""
    slots: list[dict[str, str]] = []
    chosen_slot: str = ""
    chosen_label: str = ""
    patients: list[dict[str, str]] = []
    clients: list[dict[str, str]] = []
    booking_error: str = ""
    # Some agenda keeps a notice or horizon, so the desk may choose to book outside them.
    has_limits: bool = False
    outside_limits: bool = False

    delete_open: bool = False
    delete_error: str = ""

    def _fill(self, user: CurrentUser) -> str:
        def read(s):
            # Read here, so that a malformed id in the address is a message, not an exception.
            doctor_id = service.parse_id(self.doctor_ref)
            doctor = service.get_doctor(s, user, doctor_id)
            clinics = service.list_clinics(s, user)
            agendas = service.list_agendas(s, user, doctor_id)
            patients, clients = service.booking_choices(s, user)
            return doctor, clinics, agendas, patients, clients

        result, error = _run(read)
        self.found = result is not None
        if result is None:
            return error
        doctor, clinics, agendas, patients, clients = result
        self.name, self.speciality, self.colour = doctor.full_name, doctor.speciality, doctor.colour
        self.account_email = doctor.account_email or doctor.link_email
        self.account_text = _link_text(doctor.account_email, doctor.link_email, doctor.link_status)
        self.clinics = [{"id": str(c.id), "label": c.name} for c in clinics]
        self.agendas = [_agenda_dict(a) for a in agendas]
        self.has_limits = any(a.min_notice_minutes or a.horizon_days for a in agendas)
        self.outside_limits = self.outside_limits and self.has_limits
        if not self.agenda_form.get("clinic_id") and self.clinics:
            # A select showing no clinic reads as "nothing to choose"; the first one is the usual one.
            self.agenda_form = {**self.agenda_form, "clinic_id": self.clinics[0]["id"]}
        self.patients = [{"id": str(p.id), "label": p.label} for p in patients]
        self.clients = [{"id": SELF_CLIENT, "label": service.SELF_CLIENT_LABEL}] + [
            {"id": str(c.id), "label": c.label} for c in clients
        ]
        return ""

    def _load_slots(self, user: CurrentUser) -> None:
        try:
            day = date.fromisoformat(self.day)
        except ValueError:  # an event before the page's load (crafted, or a stale tab)
            self.day = _today().isoformat()
            day = _today()
        outside = self.outside_limits
        slots, error = _run(lambda s: service.day_slots(s, user, service.parse_id(self.doctor_ref), day, outside_limits=outside))
        self.booking_error = error
        self.day_label = day_text(day)
        self.slots = [
            {"start": s.start.isoformat(), "label": f"{clock(s.start)}–{clock(s.end)}", "clinic": s.clinic}
            for s in slots or []
        ]
        if self.chosen_slot not in {s["start"] for s in self.slots}:
            self.chosen_slot, self.chosen_label = "", ""

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    async def load(self):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        self.doctor_ref = _last_segment(self.router.url.path)
        self.details_error = self.agenda_error = self.booking_error = self.delete_error = ""
        self.delete_open = False
        self.agenda_form, self.chosen_slot, self.chosen_label = dict(_EMPTY_AGENDA), "", ""
        self.outside_limits = False
        self.day = _today().isoformat()
        try:
            error = self._fill(user)
        except SchedulingError as exc:  # a malformed id in the address
            self.found, error = False, str(exc)
        self.loaded = True
        if not self.found:
            return rx.toast.warning(error or service.NOT_FOUND)
        self.details_key += 1
        self.agenda_key += 1
        self._load_slots(user)
        appointments = await self.get_state(AppointmentsState)
        appointments._load_doctor(user, self.doctor_ref)

    async def _refresh_appointments(self, user: CurrentUser) -> None:
        appointments = await self.get_state(AppointmentsState)
        appointments._load_doctor(user, self.doctor_ref)

    # details

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def save_details(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        asked = _form(form, "psychiatrist_email")
        saved, error = _run(
            lambda s: service.update_doctor(
                s,
                user,
                service.parse_id(self.doctor_ref),
                full_name=_form(form, "full_name"),
                speciality=_form(form, "speciality"),
                colour=_form(form, "colour"),
                psychiatrist_email=asked,
            )
        )
        self.details_error = error
        if error:
            return
        self._fill(user)
        self.details_key += 1
        return rx.toast.success(f"Details saved. {_asked_note(asked, saved)}".strip())

    @rx.event
    @allow(STAFF, owns=Owns.THIS_PAGE)
    def set_delete_open(self, value: bool):
        self.delete_open, self.delete_error = value, ""

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def delete_doctor(self):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        past, error = _run(lambda s: service.delete_doctor(s, user, service.parse_id(self.doctor_ref)))
        if error:
            self.delete_error = error
            return
        self.delete_open = False
        note = f" with {past} past appointment{'s' if past != 1 else ''}" if past else ""
        return [rx.redirect("/staff/doctors"), rx.toast.success(f"{self.name} deleted{note}.")]

    # agendas

    @rx.event
    @allow(STAFF, owns=Owns.THIS_PAGE)
    def edit_agenda(self, agenda_id: str):
        row = next((a for a in self.agendas if a["id"] == agenda_id), None)
        if row is not None:
            self.agenda_form, self.agenda_error = dict(row), ""
            self.agenda_key += 1

    @rx.event
    @allow(STAFF, owns=Owns.THIS_PAGE)
    def new_agenda(self):
        first_clinic = self.clinics[0]["id"] if self.clinics else ""
        self.agenda_form, self.agenda_error = {**_EMPTY_AGENDA, "clinic_id": first_clinic}, ""
        self.agenda_key += 1

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    async def save_agenda(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        editing = self.agenda_form.get("id", "")

        def write(s):
            fields = dict(
                clinic_id=service.parse_id(form.get("clinic_id")),
                start_date=service.parse_day(_form(form, "start_date"), "first day"),
                end_date=service.parse_day(_form(form, "end_date"), "last day"),
                start_time=service.parse_clock(_form(form, "start_time"), "start time"),
                end_time=service.parse_clock(_form(form, "end_time"), "end time"),
                slot_minutes=service.parse_minutes(_form(form, "slot_minutes")),
                weekdays=[d for d in range(7) if form.get(f"wd{d}")],
                buffer_minutes=service.parse_count(form.get("buffer_minutes"), "time between sessions (minutes)", 1440),
                min_notice_minutes=60
                * service.parse_count(form.get("notice_hours"), "minimum notice (hours)", _MOST_NOTICE_HOURS),
                horizon_days=service.parse_count(form.get("horizon_days"), "booking horizon (days)", 3660),
            )
            if editing:
                return service.update_agenda(s, user, service.parse_id(editing), **fields)
            return service.create_agenda(s, user, service.parse_id(self.doctor_ref), **fields)

        _, error = _run(write)
        if error:
            self.agenda_error = error
            return
        self.agenda_form, self.agenda_error = dict(_EMPTY_AGENDA), ""
        self._fill(user)
        self.agenda_key += 1
        self._load_slots(user)
        return rx.toast.success("Agenda saved." if editing else "Agenda opened.")

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def delete_agenda(self, agenda_id: str):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        _, error = _run(lambda s: service.delete_agenda(s, user, service.parse_id(agenda_id)))
        self.agenda_error = error
        if error:
            return
        if self.agenda_form.get("id") == agenda_id:
            self.agenda_form = dict(_EMPTY_AGENDA)
            self.agenda_key += 1
        self._fill(user)
        self._load_slots(user)
        return rx.toast.success("Agenda deleted.")

    # booking

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def pick_day(self, value: str):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        try:
            self.day = date.fromisoformat(text_arg(value)).isoformat()
        except ValueError:
            self.booking_error = "Please pick a day."
            return
        self._load_slots(user)

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def set_outside_limits(self, value: bool):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        self.outside_limits = value is True
        self._load_slots(user)

    @rx.event
    @allow(STAFF, owns=Owns.THIS_PAGE)
    def choose_slot(self, start: str):
        slot = next((s for s in self.slots if s["start"] == start), None)
        if slot is not None:
            self.chosen_slot = start
            self.chosen_label = f"{self.day_label}, {slot['label']} at {slot['clinic']}"
            self.booking_error = ""

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    async def book(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        if not self.chosen_slot:
            self.booking_error = "Pick a free slot first."
            return
        client = _form(form, "client_id")
        outside = self.outside_limits

        def write(s):
            if not _form(form, "patient_id"):
                raise SchedulingError("Choose the patient.")
            return service.book(
                s,
                user,
                service.parse_id(self.doctor_ref),
                datetime.fromisoformat(self.chosen_slot),
                service.parse_id(form.get("patient_id")),
                None if client in ("", SELF_CLIENT) else service.parse_id(client),
                outside_limits=outside,
            )

        _, error = _run(write)
        booked_label = self.chosen_label
        self._load_slots(user)
        if error:
            self.booking_error = error
            return
        self.chosen_slot, self.chosen_label, self.booking_error = "", "", ""
        await self._refresh_appointments(user)
        return rx.toast.success(f"Booked: {booked_label}.")
