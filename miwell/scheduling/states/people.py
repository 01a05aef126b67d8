"""Clinic patients and clients: search, add, edit, delete."""

from __future__ import annotations

from typing import Any

import reflex as rx

from miwell.accounts.services import CurrentUser
from miwell.accounts.states.auth import AuthState, form_data, text_arg
from miwell.accounts.states.policy import STAFF, allow, Owns
from miwell.scheduling import services as service
from miwell.scheduling.states.common import (
    STAFF,
    _asked_note,
    _form,
    _link_text,
    _run,
)

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
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def set_search(self, value: str):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        self.search = text_arg(value, service.SEARCH_MAX)
        self._load(user)

    @rx.event
    @allow(STAFF, owns=Owns.THIS_PAGE)
    def edit(self, record_id: str):
        # Only rows this desk already loaded can be edited: the id is looked up, not trusted.
        self.editing = next((dict(r) for r in self.rows if r["id"] == record_id), {})
        self.error = ""
        self.form_key += 1

    @rx.event
    @allow(STAFF, owns=Owns.THIS_PAGE)
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
                "no_shows": f"{p.no_shows} no-show{'' if p.no_shows == 1 else 's'} in 12 months" if p.no_shows else "",
            }
            for p in rows or []
        ]

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def load(self):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        self.search, self.error, self.editing, self.delete_open = "", "", {}, False
        self.form_key += 1
        self._load(user)

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
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
    @allow(STAFF, owns=Owns.THIS_PAGE)
    def ask_delete(self, patient_id: str):
        row = next((r for r in self.rows if r["id"] == patient_id), None)
        if row is not None:
            self.delete_id, self.delete_name, self.delete_error, self.delete_open = patient_id, row["name"], "", True

    @rx.event
    @allow(STAFF, owns=Owns.THIS_PAGE)
    def set_delete_open(self, value: bool):
        self.delete_open = value

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
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
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def load(self):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        self.search, self.error, self.delete_error, self.editing = "", "", "", {}
        self.form_key += 1
        self._load(user)

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
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
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
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
