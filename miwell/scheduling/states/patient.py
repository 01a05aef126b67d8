"""A patient's own clinic appointments, for their home page (see ``miwell.ui.appointments``).

Only the signed-in patient's appointments are ever read: the services match the appointment's
clinic patient record to the account, and an id sent for anyone else's reads as missing.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import reflex as rx

from miwell import live, push
from miwell.accounts.core.rules import Role
from miwell.accounts.states.auth import AuthState, form_data, text_arg
from miwell.accounts.states.policy import allow, Owns
from miwell.ids import as_id
from miwell.scheduling.core.formatting import clock, day_text
from miwell.scheduling.core.reports import appointments_ics
from miwell.scheduling.core.status import status_label
from miwell.scheduling.services import calendar as calendar_service
from miwell.scheduling.services import self_booking, waitlist
from miwell.scheduling.states.common import _run

PATIENT = Role.PATIENT.value


@dataclasses.dataclass
class PatientAppointment:
    id: int = 0
    day: str = ""
    hours: str = ""
    doctor: str = ""
    clinic: str = ""
    address: str = ""
    status: str = ""
    status_label: str = ""
    cancel_until: str = ""  # "until Mon 7 Dec 2026, 09:00" while the patient may cancel online


class PatientAppointmentsState(AuthState):
    appointments: list[PatientAppointment] = []
    has_clinic: bool = False
    can_book: bool = False  # some organisation of theirs lets them book online
    loaded: bool = False
    error: str = ""
    offers: list[dict[str, str]] = []  # times held for the patient from the waiting list
    cancelling_id: int = 0
    cancelling_label: str = ""
    cancel_error: str = ""

    @rx.event
    @allow(PATIENT, owns=Owns.OWN_RECORDS)
    def load(self):
        user = self._require(PATIENT)
        if user is None:
            self.appointments, self.has_clinic = [], False
            return  # the page guard turns anyone else away
        self._load(user)
        # A time offered from the waiting list (or a booking the desk makes) shows without a reload.
        live.subscribe(self.router.session.client_token, {push.user_topic(user.id)}, refresh_patient_tab)

    def _load(self, user) -> None:
        def read(s):
            return (
                calendar_service.patient_has_clinic(s, user),
                calendar_service.patient_upcoming(s, user),
                self_booking.cancellable_ids(s, user),
                bool(self_booking.bookable_doctors(s, user)),
                waitlist.patient_offers(s, user),
            )

        result, self.error = _run(read)
        self.has_clinic, records, cancellable, self.can_book, offers = result or (False, [], {}, False, [])
        self.offers = [{"id": str(o.id), "when": o.when, "doctor": o.doctor, "clinic": o.clinic, "until": o.until} for o in offers]
        self.appointments = [
            PatientAppointment(
                id=r.id,
                day=day_text(r.start.date()),
                hours=f"{clock(r.start)}–{clock(r.end)}",
                doctor=r.doctor_name,
                clinic=r.clinic_name,
                address=r.clinic_address,
                status=r.status,
                status_label=status_label(r.status),
                cancel_until=cancellable.get(r.id, ""),
            )
            for r in records
        ]
        self.loaded = True

    @rx.event
    @allow(PATIENT, owns=Owns.OWN_RECORDS)
    def answer_offer(self, offer_id: str, take: bool):
        user = self._require(PATIENT)
        if user is None:
            return self._turn_away(self._current_user())
        # Only an offer shown to this patient can be answered from here; the service checks again.
        if text_arg(offer_id) not in {o["id"] for o in self.offers}:
            return
        wanted = int(offer_id)
        action = waitlist.accept_offer if take is True else waitlist.decline_offer
        _, error = _run(lambda s: action(s, user, wanted))
        self._load(user)
        if error:
            return rx.toast.error(error)
        if take is True:
            return rx.toast.success("Booked. It is in your appointments now.")
        return rx.toast.info("Let go. You stay on the waiting list.")

    @rx.event
    @allow(PATIENT, owns=Owns.THIS_PAGE)
    def ask_cancel(self, appointment_id: int):
        found = next((a for a in self.appointments if a.id == appointment_id and a.cancel_until), None)
        if found is not None:
            self.cancelling_id, self.cancel_error = found.id, ""
            self.cancelling_label = f"{found.day}, {found.hours} with {found.doctor}"

    @rx.event
    @allow(PATIENT, owns=Owns.THIS_PAGE)
    def keep(self):
        self.cancelling_id, self.cancel_error = 0, ""

    @rx.event
    @allow(PATIENT, owns=Owns.THIS_PAGE)
    def set_cancel_open(self, value: bool):
        if not value:
            self.cancelling_id, self.cancel_error = 0, ""

    @rx.event
    @allow(PATIENT, owns=Owns.OWN_RECORDS)
    def confirm_cancel(self, form: dict):
        form = form_data(form)
        user = self._require(PATIENT)
        if user is None:
            return self._turn_away(self._current_user())
        appointment_id, reason = self.cancelling_id, text_arg(form.get("reason"), 600)
        _, error = _run(lambda s: self_booking.patient_cancel(s, user, appointment_id, reason))
        if error:
            self.cancel_error = error
            return
        self.cancelling_id, self.cancel_error = 0, ""
        self._load(user)
        return rx.toast.success("Appointment cancelled. The clinic has been told.")

    @rx.event
    @allow(PATIENT, owns=Owns.OWN_RECORDS)
    def download(self, appointment_id: int):
        user = self._require(PATIENT)
        if user is None:
            return self._turn_away(self._current_user())
        wanted = as_id(appointment_id) or -1
        record, error = _run(lambda s: calendar_service.patient_appointment(s, user, wanted))
        if record is None:
            return rx.toast.error(error)
        data = appointments_ics([record], calendar_name="MiWell appointment", audience="patient")
        return rx.download(data=data, filename=f"appointment-{record.start:%Y-%m-%d-%H%M}.ics", mime_type="text/calendar")


async def refresh_patient_tab(app: Any, client_token: str) -> None:
    """Something of this patient's changed (an offer came, a booking was made): reload the card."""
    async with app.modify_state(rx.BaseStateToken(ident=client_token, cls=PatientAppointmentsState)) as root:
        state = await root.get_state(PatientAppointmentsState)
        user = state._require(PATIENT)
        if user is None or state.router.url.path.rstrip("/") != "/patient":
            live.unsubscribe(client_token)
            return
        state._load(user)


__all__ = ["PatientAppointment", "PatientAppointmentsState", "refresh_patient_tab"]
