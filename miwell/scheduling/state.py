"""Reflex states of the clinic pages (staff) and of organisations (admin).

Every handler that reads or writes data starts by resolving the user from the session on the
server and lets the services check role and organisation again. Ids coming back from the browser
are only hints: the services refuse any that are not the user's organisation's. Vars hold only
what the page shows, as dicts of strings.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import reflex as rx

from miwell.accounts.rules import Role
from miwell.accounts.service import AccountError, CurrentUser
from miwell.accounts.state import AuthState, form_data, text_arg
from miwell.db import session_scope
from miwell.scheduling import service
from miwell.scheduling.colours import PALETTE
from miwell.scheduling.formatting import clock, day_text
from miwell.scheduling import links
from miwell.scheduling.service import AppointmentRow, SchedulingError
from miwell.settings import get_settings

STAFF = Role.STAFF.value
ADMIN = Role.ADMIN.value
SELF_CLIENT = "self"
ACTION_LABELS = {
    "confirmed": "Confirm",
    "checked_in": "Check in",
    "completed": "Complete",
    "no_show": "No-show",
    "cancelled": "Cancel…",
}
_T = TypeVar("_T")


def _today() -> date:
    """Today at the desk; clinics of one organisation share a zone in practice, so the default zone is used."""
    return datetime.now(ZoneInfo(get_settings().default_timezone)).date()


def _last_segment(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def _form(form: dict[str, Any], key: str) -> str:
    return str(form.get(key, "") or "")


def _run(action: Callable[[Any], _T]) -> tuple[_T | None, str]:
    """Run ``action(session)`` in one transaction; a refusal becomes the message to show."""
    try:
        with session_scope() as s:
            return action(s), ""
    except (SchedulingError, AccountError, ValueError) as exc:
        return None, str(exc)


def appointment_dict(row: AppointmentRow) -> dict[str, str]:
    item = {
        "id": str(row.id),
        "when": row.when,
        "day": day_text(row.starts_at.date()),
        "hours": row.hours,
        "doctor": row.doctor,
        "doctor_href": f"/staff/doctors/{row.doctor_id}",
        "colour": row.colour,
        "clinic": row.clinic,
        "patient": row.patient,
        "client": row.client or "—",
        "status": row.status,
        "status_label": row.status_label,
    }
    for target in ACTION_LABELS:
        item[f"can_{target}"] = "yes" if target in row.actions else ""
    return item


# --- appointment lists: the desk's day and a doctor's upcoming ones -------------------------------


class AppointmentsState(AuthState):
    """One list of appointments with its status buttons and the cancel dialog.

    The desk shows a day, a doctor's page shows what is coming; ``_scope`` remembers which so that
    a status change reloads the same list.
    """

    rows: list[dict[str, str]] = []
    heading: str = ""
    error: str = ""
    cancel_open: bool = False
    cancel_id: str = ""
    cancel_label: str = ""
    cancel_error: str = ""
    _scope: str = ""

    def _reload(self, user: CurrentUser) -> None:
        kind, _, ref = self._scope.partition(":")
        if kind == "doctor":
            rows, error = _run(lambda s: service.upcoming_for_doctor(s, user, service.parse_id(ref)))
        else:
            rows, error = _run(lambda s: service.appointments_on(s, user, date.fromisoformat(ref)))
        self.rows = [appointment_dict(r) for r in rows or []]
        if error:
            self.error = error

    @rx.event
    def load_today(self):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        today = _today()
        self._scope, self.heading, self.error = f"day:{today.isoformat()}", f"Today, {day_text(today)}", ""
        self._reload(user)

    def _load_doctor(self, user: CurrentUser, doctor_ref: str) -> None:
        self._scope, self.heading, self.error = f"doctor:{doctor_ref}", "Upcoming appointments", ""
        self._reload(user)

    @rx.event
    def set_status(self, appointment_id: str, target: str):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        _, error = _run(lambda s: service.change_status(s, user, service.parse_id(appointment_id), target))
        self.error = error
        self._reload(user)
        if not error:
            return rx.toast.success(f"Appointment {service.status_label(target)}.")

    @rx.event
    def open_cancel(self, appointment_id: str):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        row = next((r for r in self.rows if r["id"] == appointment_id), None)
        if row is None:
            return
        self.cancel_id, self.cancel_error, self.cancel_open = appointment_id, "", True
        self.cancel_label = f"{row['patient']} with {row['doctor']}, {row['when']}"

    @rx.event
    def set_cancel_open(self, value: bool):
        self.cancel_open = value

    @rx.event
    def confirm_cancel(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        _, error = _run(lambda s: service.cancel(s, user, service.parse_id(self.cancel_id), _form(form, "reason")))
        if error:
            self.cancel_error = error
            return
        self.cancel_open, self.cancel_error = False, ""
        self._reload(user)
        return rx.toast.success("Appointment cancelled. The slot is free again.")


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
    def load(self):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        self.search, self.error = "", ""
        self._load(user)

    @rx.event
    def set_search(self, value: str):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        self.search = text_arg(value, service.SEARCH_MAX)
        self._load(user)

    @rx.event
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


def _link_text(linked: str, asked: str, status: str) -> str:
    """What a clinic list says about a record's MiWell account, the same whether or not one exists."""
    if linked:
        return linked
    if asked and status == "pending":
        return f"Asked {asked} to confirm"
    if asked and status == "declined":
        return f"{asked} did not confirm"
    return "—"


def _asked_note(typed: str, saved: object) -> str:
    """After a save: what happens to the account box's address (nothing said about its existence)."""
    email = (typed or "").strip().lower()
    if not email or getattr(saved, "user_id", None) is not None:
        return ""
    return links.waiting_note(email)


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
    }


_EMPTY_AGENDA = {
    "id": "", "clinic_id": "", "start_date": "", "end_date": "", "start_time": "09:00", "end_time": "12:00",
    "slot_minutes": "30", **{f"wd{d}": "on" if d < 5 else "" for d in range(7)},
}  # fmt: skip


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

    delete_open: bool = False
    delete_error: str = ""

    def _fill(self, user: CurrentUser) -> str:
        doctor_id = service.parse_id(self.doctor_ref)

        def read(s):
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
        if not self.agenda_form.get("clinic_id") and self.clinics:
            # A select showing no clinic reads as "nothing to choose"; the first one is the usual one.
            self.agenda_form = {**self.agenda_form, "clinic_id": self.clinics[0]["id"]}
        self.patients = [{"id": str(p.id), "label": p.label} for p in patients]
        self.clients = [{"id": SELF_CLIENT, "label": service.SELF_CLIENT_LABEL}] + [
            {"id": str(c.id), "label": c.label} for c in clients
        ]
        return ""

    def _load_slots(self, user: CurrentUser) -> None:
        day = date.fromisoformat(self.day)
        slots, error = _run(lambda s: service.day_slots(s, user, service.parse_id(self.doctor_ref), day))
        self.booking_error = error
        self.day_label = day_text(day)
        self.slots = [
            {"start": s.start.isoformat(), "label": f"{clock(s.start)}–{clock(s.end)}", "clinic": s.clinic}
            for s in slots or []
        ]
        if self.chosen_slot not in {s["start"] for s in self.slots}:
            self.chosen_slot, self.chosen_label = "", ""

    @rx.event
    async def load(self):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        self.doctor_ref = _last_segment(self.router.url.path)
        self.details_error = self.agenda_error = self.booking_error = self.delete_error = ""
        self.delete_open = False
        self.agenda_form, self.chosen_slot, self.chosen_label = dict(_EMPTY_AGENDA), "", ""
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
    def set_delete_open(self, value: bool):
        self.delete_open, self.delete_error = value, ""

    @rx.event
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
    def edit_agenda(self, agenda_id: str):
        row = next((a for a in self.agendas if a["id"] == agenda_id), None)
        if row is not None:
            self.agenda_form, self.agenda_error = dict(row), ""
            self.agenda_key += 1

    @rx.event
    def new_agenda(self):
        first_clinic = self.clinics[0]["id"] if self.clinics else ""
        self.agenda_form, self.agenda_error = {**_EMPTY_AGENDA, "clinic_id": first_clinic}, ""
        self.agenda_key += 1

    @rx.event
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
    def choose_slot(self, start: str):
        slot = next((s for s in self.slots if s["start"] == start), None)
        if slot is not None:
            self.chosen_slot = start
            self.chosen_label = f"{self.day_label}, {slot['label']} at {slot['clinic']}"
            self.booking_error = ""

    @rx.event
    async def book(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        if not self.chosen_slot:
            self.booking_error = "Pick a free slot first."
            return
        client = _form(form, "client_id")

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


# --- clinic patients and clients ---------------------------------------------------------------------


class SearchableRecordsMixin(rx.State, mixin=True):
    """A searchable list of an organisation's records with one create/edit form.

    The host state is an AuthState and defines ``_load(user)``, which fills ``rows``.
    """

    rows: list[dict[str, str]] = []
    search: str = ""
    error: str = ""
    editing: dict[str, str] = {}
    form_key: int = 0

    @rx.event
    def set_search(self, value: str):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        self.search = text_arg(value, service.SEARCH_MAX)
        self._load(user)

    @rx.event
    def edit(self, record_id: str):
        # Only rows this desk already loaded can be edited: the id is looked up, not trusted.
        self.editing = next((dict(r) for r in self.rows if r["id"] == record_id), {})
        self.error = ""
        self.form_key += 1

    @rx.event
    def new(self):
        self.editing, self.error = {}, ""
        self.form_key += 1


class PatientsState(SearchableRecordsMixin, AuthState):
    delete_open: bool = False
    delete_id: str = ""
    delete_name: str = ""
    delete_error: str = ""

    def _load(self, user: CurrentUser) -> None:
        rows, error = _run(lambda s: service.list_patients(s, user, self.search))
        if error:
            self.error = error
        self.rows = [
            {
                "id": str(p.id),
                "name": p.full_name,
                "born": p.date_of_birth,
                "phone": p.phone,
                "phone_text": p.phone or "—",
                "email": p.email,
                "account": p.account_email or p.link_email,
                "account_text": _link_text(p.account_email, p.link_email, p.link_status),
            }
            for p in rows or []
        ]

    @rx.event
    def load(self):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        self.search, self.error, self.editing, self.delete_open = "", "", {}, False
        self.form_key += 1
        self._load(user)

    @rx.event
    def save(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        fields = dict(
            full_name=_form(form, "full_name"),
            phone=_form(form, "phone"),
            email=_form(form, "email"),
            date_of_birth=_form(form, "date_of_birth"),
            account_email=_form(form, "account_email"),
        )
        editing = self.editing.get("id", "")
        saved, error = _run(
            lambda s: service.update_patient(s, user, service.parse_id(editing), **fields)
            if editing
            else service.create_patient(s, user, **fields)
        )
        if error:
            self.error = error
            return
        self.error, self.editing = "", {}
        self.form_key += 1
        self._load(user)
        done = "Patient saved." if editing else "Patient added."
        return rx.toast.success(f"{done} {_asked_note(fields['account_email'], saved)}".strip())

    @rx.event
    def ask_delete(self, patient_id: str):
        row = next((r for r in self.rows if r["id"] == patient_id), None)
        if row is not None:
            self.delete_id, self.delete_name, self.delete_error, self.delete_open = patient_id, row["name"], "", True

    @rx.event
    def set_delete_open(self, value: bool):
        self.delete_open = value

    @rx.event
    def confirm_delete(self):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        past, error = _run(lambda s: service.delete_patient(s, user, service.parse_id(self.delete_id)))
        if error:
            self.delete_error = error
            return
        self.delete_open = False
        if self.editing.get("id") == self.delete_id:
            self.editing = {}
            self.form_key += 1
        self._load(user)
        note = f" with {past} past appointment{'s' if past != 1 else ''}" if past else ""
        return rx.toast.success(f"{self.delete_name} deleted{note}.")


class ClientsState(SearchableRecordsMixin, AuthState):
    patients: list[dict[str, str]] = []
    delete_error: str = ""

    def _load(self, user: CurrentUser) -> None:
        def read(s):
            return service.list_clients(s, user, self.search), service.booking_choices(s, user)[0]

        result, error = _run(read)
        if error:
            self.error = error
        clients, patients = result or ([], [])
        self.rows = [
            {
                "id": str(c.id),
                "name": c.full_name,
                "phone": c.phone,
                "phone_text": c.phone or "—",
                "email": c.email,
                "self": "yes" if c.is_patient_themself else "",
            }
            for c in clients
        ]
        self.patients = [{"id": str(p.id), "label": p.label} for p in patients]

    @rx.event
    def load(self):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        self.search, self.error, self.delete_error, self.editing = "", "", "", {}
        self.form_key += 1
        self._load(user)

    @rx.event
    def save(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        editing = self.editing.get("id", "")
        patient = _form(form, "patient_id")

        def write(s):
            fields = dict(full_name=_form(form, "full_name"), phone=_form(form, "phone"), email=_form(form, "email"))
            if editing:
                return service.update_client(s, user, service.parse_id(editing), **fields)
            return service.create_client(s, user, **fields, patient_id=service.parse_id(patient) if patient else None)

        _, error = _run(write)
        if error:
            self.error = error
            return
        self.error, self.editing = "", {}
        self.form_key += 1
        self._load(user)
        return rx.toast.success("Client saved." if editing else "Client added.")

    @rx.event
    def delete(self, client_id: str):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        _, error = _run(lambda s: service.delete_client(s, user, service.parse_id(client_id)))
        self.delete_error = error
        if error:
            return
        if self.editing.get("id") == client_id:
            self.editing = {}
            self.form_key += 1
        self._load(user)
        return rx.toast.success("Client deleted. Their past appointments stay with the patients.")


# --- admin: organisations, clinics, staff -------------------------------------------------------------


class OrganisationsState(AuthState):
    rows: list[dict[str, str]] = []
    error: str = ""
    form_key: int = 0

    def _load(self, user: CurrentUser) -> None:
        rows, error = _run(lambda s: service.list_organisations(s, user))
        if error:
            self.error = error
        self.rows = [
            {
                "id": str(o.id),
                "name": o.name,
                "clinics": str(o.clinics),
                "staff": str(o.staff),
                "doctors": str(o.doctors),
                "href": f"/admin/organisations/{o.id}",
            }
            for o in rows or []
        ]

    @rx.event
    def load(self):
        user = self._require(ADMIN)
        if user is None:
            return self._turn_away(self._current_user())
        self.error = ""
        self._load(user)

    @rx.event
    def create(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._require(ADMIN)
        if user is None:
            return self._turn_away(self._current_user())
        name, error = _run(lambda s: service.create_organisation(s, user, _form(form, "name")).name)
        if error:
            self.error = error
            return
        self.error = ""
        self.form_key += 1
        self._load(user)
        return rx.toast.success(f"{name} added. Add its clinics and staff on its page.")


class OrganisationPageState(AuthState):
    loaded: bool = False
    found: bool = False
    org_ref: str = ""
    name: str = ""
    rename_error: str = ""
    rename_key: int = 0
    clinics: list[dict[str, str]] = []
    clinic_error: str = ""
    clinic_form: dict[str, str] = {}
    clinic_key: int = 0
    staff: list[dict[str, str]] = []
    staff_error: str = ""
    staff_key: int = 0
    delete_error: str = ""

    def _load(self, user: CurrentUser) -> str:
        organisation_id = service.parse_id(self.org_ref)

        def read(s):
            return (
                service.get_organisation(s, user, organisation_id),
                service.list_clinics(s, user, organisation_id),
                service.list_staff(s, user, organisation_id),
            )

        result, error = _run(read)
        self.found = result is not None
        if result is None:
            return error
        organisation, clinics, staff = result
        self.name = organisation.name
        self.clinics = [{"id": str(c.id), "name": c.name, "address": c.address, "timezone": c.timezone} for c in clinics]
        self.staff = [{"name": u.full_name, "email": u.email, "phone": u.phone, "since": u.since} for u in staff]
        return ""

    @rx.event
    def load(self):
        user = self._require(ADMIN)
        if user is None:
            return self._turn_away(self._current_user())
        self.org_ref = _last_segment(self.router.url.path)
        self.rename_error = self.clinic_error = self.staff_error = self.delete_error = ""
        self.clinic_form = {}
        try:
            error = self._load(user)
        except SchedulingError as exc:
            self.found, error = False, str(exc)
        self.loaded = True
        if not self.found:
            return rx.toast.warning(error or service.NOT_FOUND)
        self.rename_key += 1
        self.clinic_key += 1
        self.staff_key += 1

    @rx.event
    def rename(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._require(ADMIN)
        if user is None:
            return self._turn_away(self._current_user())
        _, error = _run(lambda s: service.rename_organisation(s, user, service.parse_id(self.org_ref), _form(form, "name")))
        self.rename_error = error
        if not error:
            self._load(user)
            return rx.toast.success("Name saved.")

    @rx.event
    def delete_organisation(self):
        user = self._require(ADMIN)
        if user is None:
            return self._turn_away(self._current_user())
        name, error = _run(lambda s: service.delete_organisation(s, user, service.parse_id(self.org_ref)))
        if error:
            self.delete_error = error
            return
        return [rx.redirect("/admin/organisations"), rx.toast.success(f"{name} deleted.")]

    @rx.event
    def edit_clinic(self, clinic_id: str):
        self.clinic_form = next((dict(c) for c in self.clinics if c["id"] == clinic_id), {})
        self.clinic_error = ""
        self.clinic_key += 1

    @rx.event
    def new_clinic(self):
        self.clinic_form, self.clinic_error = {}, ""
        self.clinic_key += 1

    @rx.event
    def save_clinic(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._require(ADMIN)
        if user is None:
            return self._turn_away(self._current_user())
        editing = self.clinic_form.get("id", "")
        fields = (_form(form, "name"), _form(form, "address"), _form(form, "timezone"))
        _, error = _run(
            lambda s: service.update_clinic(s, user, service.parse_id(editing), *fields)
            if editing
            else service.create_clinic(s, user, service.parse_id(self.org_ref), *fields)
        )
        if error:
            self.clinic_error = error
            return
        self.clinic_form, self.clinic_error = {}, ""
        self.clinic_key += 1
        self._load(user)
        return rx.toast.success("Clinic saved." if editing else "Clinic added.")

    @rx.event
    def delete_clinic(self, clinic_id: str):
        user = self._require(ADMIN)
        if user is None:
            return self._turn_away(self._current_user())
        name, error = _run(lambda s: service.delete_clinic(s, user, service.parse_id(clinic_id)))
        self.clinic_error = error
        if error:
            return
        self._load(user)
        return rx.toast.success(f"{name} deleted.")

    @rx.event
    def create_staff(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._require(ADMIN)
        if user is None:
            return self._turn_away(self._current_user())
        name, error = _run(
            lambda s: service.create_staff(
                s,
                user,
                service.parse_id(self.org_ref),
                full_name=_form(form, "full_name"),
                email=_form(form, "email"),
                phone=_form(form, "phone"),
                password=_form(form, "password"),
            ).full_name
        )
        if error:
            self.staff_error = error
            return
        self.staff_error = ""
        self.staff_key += 1
        self._load(user)
        return rx.toast.success(f"Account created for {name}.")
