"""Appointment lists: the desk's day and a doctor's upcoming ones."""

from __future__ import annotations

from datetime import date
from typing import Any

import reflex as rx

from miwell.accounts.services import CurrentUser
from miwell.accounts.states.auth import AuthState, form_data
from miwell.accounts.states.policy import STAFF, allow, Owns
from miwell.scheduling import services as service
from miwell.scheduling.core.formatting import day_text
from miwell.scheduling.states.common import (
    STAFF,
    _form,
    _run,
    _today,
    appointment_dict,
)

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
        elif kind == "today":
            found, error = _run(lambda s: service.appointments_today(s, user))
            rows, day = found or ([], None)
            # Each clinic's own today; one date when they all share it (a clinic abroad may not).
            self.heading = f"Today, {day_text(day)}" if day else "Today at each clinic (in its own time zone)"
        else:
            rows, error = _run(lambda s: service.appointments_on(s, user, date.fromisoformat(ref)))
        self.rows = [appointment_dict(r) for r in rows or []]
        if error:
            self.error = error

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def load_today(self):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        self._scope, self.heading, self.error = "today:", f"Today, {day_text(_today())}", ""
        self._reload(user)

    def _load_doctor(self, user: CurrentUser, doctor_ref: str) -> None:
        self._scope, self.heading, self.error = f"doctor:{doctor_ref}", "Upcoming appointments", ""
        self._reload(user)

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
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
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
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
    @allow(STAFF, owns=Owns.THIS_PAGE)
    def set_cancel_open(self, value: bool):
        self.cancel_open = value

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
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
