"""The clinic's waiting list (/staff/waitlist): who waits for whom, their offers, and adding one.

Every handler resolves the desk from the session and lets ``services.waitlist`` check the
organisation again; ids from the browser are hints the services look up, never trusted.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from miwell.accounts.states.auth import AuthState, form_data, text_arg
from miwell.accounts.states.policy import allow, Owns
from miwell.ids import as_id
from miwell.scheduling import services as service
from miwell.scheduling.services import SchedulingError, waitlist
from miwell.scheduling.states.common import STAFF, _form, _run, _today
from miwell.settings import get_settings

TIMES = (("morning", 1), ("afternoon", 2), ("evening", 4))


class WaitlistState(AuthState):
    rows: list[dict[str, str]] = []
    patients: list[dict[str, str]] = []
    doctors: list[dict[str, str]] = []
    clinics: list[dict[str, str]] = []
    error: str = ""
    form_error: str = ""
    form_key: int = 0
    today: str = ""
    hold_minutes: int = 30

    def _load(self, user) -> None:
        def read(s):
            patients, _ = service.booking_choices(s, user)
            return waitlist.list_entries(s, user), patients, service.list_doctors(s, user), service.list_clinics(s, user)

        result, self.error = _run(read)
        if result is None:
            return
        entries, patients, doctors, clinics = result
        self.rows = [
            {
                "id": str(e.id),
                "patient": e.patient,
                "whom": e.whom,
                "days": e.days,
                "times": e.times,
                "urgent": "yes" if e.urgent else "",
                "status": e.status,
                "offer_id": str(e.offer_id or ""),
                "offer": e.offer_text,
            }
            for e in entries
        ]
        self.patients = [{"id": str(p.id), "label": p.label} for p in patients]
        self.doctors = [{"id": str(d.id), "label": d.full_name} for d in doctors]
        self.clinics = [{"id": str(c.id), "label": f"Any doctor at {c.name}"} for c in clinics]

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def load(self):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        self.today = _today().isoformat()
        self.hold_minutes = get_settings().waitlist_hold_minutes
        self.form_error = ""
        self._load(user)

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def add(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        whom = _form(form, "whom")
        times = sum(bit for name, bit in TIMES if form.get(f"time_{name}"))

        def write(s):
            if not _form(form, "patient_id"):
                raise SchedulingError("Choose the patient.")
            kind, _, ref = whom.partition(":")
            if kind not in ("doctor", "clinic") or not ref:
                raise SchedulingError("Choose a doctor, or a clinic whose doctors the patient will see.")
            return waitlist.add_entry(
                s,
                user,
                service.parse_id(form.get("patient_id")),
                doctor_id=service.parse_id(ref) if kind == "doctor" else None,
                clinic_id=service.parse_id(ref) if kind == "clinic" else None,
                first_day=service.parse_day(_form(form, "first_day"), "first day"),
                last_day=service.parse_day(_form(form, "last_day"), "last day"),
                times_of_day=times,
                urgent=bool(form.get("urgent")),
                note=_form(form, "note"),
            ).status

        status, error = _run(write)
        if error:
            self.form_error = error  # what was typed stays in the form
            return
        self.form_error = ""
        self.form_key += 1
        self._load(user)
        if status == "offered":
            return rx.toast.success("Added, and a free time was offered to the patient at once.")
        return rx.toast.success("Added to the waiting list. The patient is offered the first matching time that frees up.")

    def _act(self, action, raw_id: str, done: str):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        ref = as_id(text_arg(raw_id))
        _, error = _run(lambda s: action(s, user, ref if ref is not None else -1))
        self._load(user)
        return rx.toast.error(error) if error else rx.toast.success(done)

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def withdraw(self, entry_id: str):
        return self._act(waitlist.withdraw, entry_id, "Taken off the waiting list.")

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def release(self, offer_id: str):
        return self._act(waitlist.release_hold, offer_id, "Hold released: the time can be booked by hand now.")

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def accept(self, offer_id: str):
        return self._act(waitlist.accept_offer, offer_id, "Booked for the patient.")

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def decline(self, offer_id: str):
        return self._act(waitlist.decline_offer, offer_id, "Offer declined; the time passes to the next patient waiting.")


__all__ = ["WaitlistState"]
