"""Admins' organisations, with their clinics and staff."""

from __future__ import annotations

from typing import Any

import reflex as rx

from miwell.accounts.services import CurrentUser
from miwell.accounts.states.auth import AuthState, form_data
from miwell.accounts.states.policy import ADMIN, allow, Owns
from miwell.scheduling import services as service
from miwell.scheduling.services import SchedulingError, retention
from miwell.scheduling.states.common import (
    ADMIN,
    _form,
    _last_segment,
    _run,
)

# --- admin: organisations, clinics, staff -------------------------------------------------------------


from miwell.wellbeing.core.crisis import LINES_MAX, UK_DEFAULTS

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
    @allow(ADMIN, owns=Owns.MIWELL_WIDE)
    def load(self):
        user = self._require(ADMIN)
        if user is None:
            return self._turn_away(self._current_user())
        self.error = ""
        self._load(user)

    @rx.event
    @allow(ADMIN, owns=Owns.MIWELL_WIDE)
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
    # The crisis lines as the form shows them: the organisation's own, then blank rows to add.
    crisis_rows: list[dict[str, str]] = []
    crisis_error: str = ""
    crisis_key: int = 0
    crisis_defaults: bool = True
    online_booking: bool = False
    retention_years: str = ""
    retention_error: str = ""

    def _load(self, user: CurrentUser) -> str:
        organisation_id = service.parse_id(self.org_ref)

        def read(s):
            return (
                service.get_organisation(s, user, organisation_id),
                service.list_clinics(s, user, organisation_id),
                service.list_staff(s, user, organisation_id),
                service.crisis_lines(s, user, organisation_id),
            )

        result, error = _run(read)
        self.found = result is not None
        if result is None:
            return error
        organisation, clinics, staff, lines = result
        self._show_lines(lines)
        self.name = organisation.name
        self.online_booking = organisation.online_booking
        self.retention_years = str(organisation.retention_years or "")
        self.clinics = [
            {"id": str(c.id), "name": c.name, "address": c.address, "timezone": c.timezone, "cutoff": str(c.cancel_cutoff_hours)}
            for c in clinics
        ]
        self.staff = [{"name": u.full_name, "email": u.email, "phone": u.phone, "since": u.since} for u in staff]
        return ""

    @rx.event
    @allow(ADMIN, owns=Owns.MIWELL_WIDE)
    def load(self):
        user = self._require(ADMIN)
        if user is None:
            return self._turn_away(self._current_user())
        self.org_ref = _last_segment(self.router.url.path)
        self.rename_error = self.clinic_error = self.staff_error = self.delete_error = self.crisis_error = ""
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

    def _show_lines(self, lines) -> None:
        self.crisis_defaults = not lines
        shown = list(lines) or list(UK_DEFAULTS)
        rows = [{"name": l.name, "phone": l.phone, "detail": l.detail} for l in shown]
        self.crisis_rows = rows + [{"name": "", "phone": "", "detail": ""}] * max(0, min(2, LINES_MAX - len(rows)))
        self.crisis_key += 1

    @rx.event
    @allow(ADMIN, owns=Owns.MIWELL_WIDE)
    def save_crisis_lines(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._require(ADMIN)
        if user is None:
            return self._turn_away(self._current_user())
        rows = [
            (_form(form, f"line_name_{i}"), _form(form, f"line_phone_{i}"), _form(form, f"line_detail_{i}"))
            for i in range(LINES_MAX)
        ]
        lines, error = _run(lambda s: service.set_crisis_lines(s, user, service.parse_id(self.org_ref), rows))
        if error:
            # What was typed stays in the form: only the message changes.
            self.crisis_error = error
            return
        self.crisis_error = ""
        self._show_lines(lines)
        return rx.toast.success("Crisis lines saved. Patients linked to this organisation see them now.")

    @rx.event
    @allow(ADMIN, owns=Owns.MIWELL_WIDE)
    def set_online_booking(self, value: bool):
        user = self._require(ADMIN)
        if user is None:
            return self._turn_away(self._current_user())
        enabled = value is True
        _, error = _run(lambda s: service.set_online_booking(s, user, service.parse_id(self.org_ref), enabled))
        if error:
            return rx.toast.error(error)
        self.online_booking = enabled
        return rx.toast.success("Patients can now book and cancel online." if enabled else "Online booking is closed.")

    @rx.event
    @allow(ADMIN, owns=Owns.MIWELL_WIDE)
    def set_retention(self, form: dict[str, Any]):
        user = self._require(ADMIN)
        if user is None:
            return self._turn_away(self._current_user())
        typed = str(form_data(form).get("retention_years", ""))[:10]
        self.retention_years = typed  # kept as typed, right or wrong
        result, self.retention_error = _run(lambda s: retention.set_retention(s, user, service.parse_id(self.org_ref), typed))
        if result is None:
            return None
        years = result.retention_years
        self.retention_years = str(years or "")
        return rx.toast.success(f"Personal details older than {years} years are anonymised each night." if years else "Records are kept.")

    @rx.event
    @allow(ADMIN, owns=Owns.MIWELL_WIDE)
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
    @allow(ADMIN, owns=Owns.MIWELL_WIDE)
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
    @allow(ADMIN, owns=Owns.THIS_PAGE)
    def edit_clinic(self, clinic_id: str):
        self.clinic_form = next((dict(c) for c in self.clinics if c["id"] == clinic_id), {})
        self.clinic_error = ""
        self.clinic_key += 1

    @rx.event
    @allow(ADMIN, owns=Owns.THIS_PAGE)
    def new_clinic(self):
        self.clinic_form, self.clinic_error = {}, ""
        self.clinic_key += 1

    @rx.event
    @allow(ADMIN, owns=Owns.MIWELL_WIDE)
    def save_clinic(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._require(ADMIN)
        if user is None:
            return self._turn_away(self._current_user())
        editing = self.clinic_form.get("id", "")
        fields = (_form(form, "name"), _form(form, "address"), _form(form, "timezone"))

        def write(s):
            cutoff = service.parse_count(form.get("cancel_cutoff_hours") or "24", "hours before", 720)
            if editing:
                return service.update_clinic(s, user, service.parse_id(editing), *fields, cancel_cutoff_hours=cutoff)
            return service.create_clinic(s, user, service.parse_id(self.org_ref), *fields, cancel_cutoff_hours=cutoff)

        _, error = _run(write)
        if error:
            self.clinic_error = error
            return
        self.clinic_form, self.clinic_error = {}, ""
        self.clinic_key += 1
        self._load(user)
        return rx.toast.success("Clinic saved." if editing else "Clinic added.")

    @rx.event
    @allow(ADMIN, owns=Owns.MIWELL_WIDE)
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
    @allow(ADMIN, owns=Owns.MIWELL_WIDE)
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
