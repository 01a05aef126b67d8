"""A patient booking their own appointment (/patient/book).

The page holds only the doctors the patient may book with and the free times of the week shown;
the services decide both again on every event, from the signed-in account, so a crafted event can
name another doctor or time but never another patient or an organisation that has not opened
online booking.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

import reflex as rx

from miwell.accounts.core.rules import Role
from miwell.accounts.states.auth import AuthState, form_data, text_arg
from miwell.accounts.states.policy import allow, Owns
from miwell.ids import as_id
from miwell.scheduling.core.formatting import clock, day_text, short_date
from miwell.scheduling import services as service
from miwell.scheduling.services import self_booking, waitlist
from miwell.scheduling.states.common import _run, _today

PATIENT = Role.PATIENT.value
DAYS_SHOWN = 7


@dataclasses.dataclass
class BookDay:
    label: str = ""
    slots: list[dict[str, str]] = dataclasses.field(default_factory=list)


class PatientBookingState(AuthState):
    doctors: list[dict[str, str]] = []
    doctor: str = ""
    week_start: str = ""
    week_label: str = ""
    at_first_week: bool = True  # nothing earlier than today to go back to
    days: list[BookDay] = []
    chosen: str = ""
    chosen_label: str = ""
    error: str = ""
    loaded: bool = False
    join_error: str = ""
    join_key: int = 0
    today: str = ""

    def _load_slots(self, user) -> None:
        doctor = as_id(self.doctor)
        first = date.fromisoformat(self.week_start)
        slots, error = _run(
            lambda s: self_booking.patient_free_slots(s, user, doctor or -1, first, days=DAYS_SHOWN)  # type: ignore[arg-type]
        )
        self.error = error
        by_day: dict[date, list[dict[str, str]]] = {}
        for slot in slots or []:
            by_day.setdefault(slot.start.date(), []).append(
                {"start": slot.start.isoformat(), "label": clock(slot.start), "clinic": slot.clinic}
            )
        self.days = [BookDay(day_text(d), items) for d, items in sorted(by_day.items())]
        self.week_label = f"{short_date(first)} – {short_date(first + timedelta(days=DAYS_SHOWN - 1))}"
        self.at_first_week = first <= _today()
        if self.chosen not in {s["start"] for day in self.days for s in day.slots}:
            self.chosen, self.chosen_label = "", ""

    @rx.event
    @allow(PATIENT, owns=Owns.OWN_RECORDS)
    def load(self):
        user = self._require(PATIENT)
        if user is None:
            return  # the page guard turns anyone else away
        doctors, self.error = _run(lambda s: self_booking.bookable_doctors(s, user))
        self.doctors = [
            {"id": str(d.id), "label": f"{d.name} · {d.organisation}" + (" (your psychiatrist)" if d.yours else "")}
            for d in doctors or []
        ]
        if self.doctor not in {d["id"] for d in self.doctors}:
            self.doctor = self.doctors[0]["id"] if self.doctors else ""
        self.week_start = self.today = _today().isoformat()
        self.chosen, self.chosen_label, self.join_error = "", "", ""
        if self.doctor:
            self._load_slots(user)
        else:
            self.days = []
        self.loaded = True

    @rx.event
    @allow(PATIENT, owns=Owns.OWN_RECORDS)
    def pick_doctor(self, value: str):
        user = self._require(PATIENT)
        if user is None:
            return self._turn_away(self._current_user())
        value = text_arg(value)
        if value in {d["id"] for d in self.doctors}:
            self.doctor = value
            self._load_slots(user)

    @rx.event
    @allow(PATIENT, owns=Owns.OWN_RECORDS)
    def shift_week(self, step: int):
        user = self._require(PATIENT)
        if user is None:
            return self._turn_away(self._current_user())
        if step not in (-1, 1) or not self.doctor:
            return
        first = date.fromisoformat(self.week_start) + timedelta(days=DAYS_SHOWN * step)
        self.week_start = max(first, _today()).isoformat()
        self._load_slots(user)

    @rx.event
    @allow(PATIENT, owns=Owns.THIS_PAGE)
    def choose(self, start: str):
        start = text_arg(start)
        for day in self.days:
            for slot in day.slots:
                if slot["start"] == start:
                    when = datetime.fromisoformat(start)
                    self.chosen = start
                    self.chosen_label = f"{day_text(when.date())} at {slot['label']}, {slot['clinic']}"
                    self.error = ""

    @rx.event
    @allow(PATIENT, owns=Owns.OWN_RECORDS)
    def confirm(self):
        user = self._require(PATIENT)
        if user is None:
            return self._turn_away(self._current_user())
        doctor = as_id(self.doctor)
        if not self.chosen or doctor is None:
            self.error = "Pick a time first."
            return
        start, label = datetime.fromisoformat(self.chosen), self.chosen_label
        _, error = _run(lambda s: self_booking.patient_book(s, user, doctor, start))
        if error:
            self._load_slots(user)
            self.error = error
            return
        return [rx.redirect("/patient"), rx.toast.success(f"Booked: {label}. The clinic has it now.")]


    @rx.event
    @allow(PATIENT, owns=Owns.OWN_RECORDS)
    def join_waitlist(self, form: dict):
        form = form_data(form)
        user = self._require(PATIENT)
        if user is None:
            return self._turn_away(self._current_user())
        doctor = as_id(self.doctor)
        times = sum(bit for name, bit in (("morning", 1), ("afternoon", 2), ("evening", 4)) if form.get(f"time_{name}"))

        def write(s):
            first = service.parse_day(text_arg(form.get("first_day")), "first day")
            last = service.parse_day(text_arg(form.get("last_day")), "last day")
            return waitlist.join_waitlist(s, user, doctor if doctor is not None else -1, first, last, times).status

        status, error = _run(write)
        if error:
            self.join_error = error
            return
        self.join_error = ""
        self.join_key += 1
        if status == "offered":
            return [rx.redirect("/patient"), rx.toast.success("A time was free for you at once: take it on your Today page.")]
        return rx.toast.success("You are on the waiting list. We will tell you as soon as a time comes free.")


__all__ = ["BookDay", "PatientBookingState"]
