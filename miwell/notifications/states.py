"""Live alerts on every page a psychiatrist has open, and the page under them kept current.

Design: when a psychiatrist's page loads (and again whenever its websocket reconnects, which
re-runs the page's load events) its tab subscribes to the psychiatrist's topic in ``miwell.live``.
The services publish that topic after every change a psychiatrist's page shows: an entry saved or
edited, an alert raised or acknowledged, a reply, a hand-over (``miwell.push``). The worker holding
the tab then reloads the alerts and the page (the dashboard, or the patient's page) from the
database, and Reflex sends the browser the difference. Nothing polls for that.

Under it, a safety check per tab reads one indexed signature of the open alerts (and whether the
session still holds) every ``MIWELL_SAFETY_POLL_SECONDS``: a notice lost while a worker restarted
is caught within half a minute. Signing out ends the subscription (the ``user`` topic).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import reflex as rx
from sqlmodel import Session

from miwell import live, push
from miwell.accounts.core.rules import Role
from miwell.accounts.services import AccountError, CurrentUser
from miwell.accounts.states.auth import AuthState
from miwell.accounts.states.policy import PSYCHIATRIST, allow, Owns
from miwell.db import get_engine, session_scope
from miwell.notifications import services as service
from miwell.wellbeing.core import display
from miwell.wellbeing.core.questionnaires import TITLES
from miwell.wellbeing import services as wellbeing
from miwell.wellbeing.states import DashboardState, PatientPageState, patient_id_in

BANNER_LIMIT = 3


@dataclasses.dataclass
class AlertCard:
    id: int = 0
    patient_id: int = 0
    patient: str = ""
    level: str = ""
    emoji: str = ""
    mood: str = ""
    colour: str = ""
    note: str = ""
    reasons: list[str] = dataclasses.field(default_factory=list)
    day: str = ""
    when: str = ""
    phone: str = ""
    email: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    booked: str = ""
    steps: str = ""


def _steps(a: service.AlertView) -> str:
    """What happened outside the app while nobody acknowledged it: "Emailed you 21:04 · escalated 21:29"."""
    parts = []
    if a.emailed_at:
        parts.append("Emailed you " + display.time_label(a.emailed_at)[-5:])
    if a.escalated_at:
        parts.append("escalated " + display.time_label(a.escalated_at)[-5:])
    return " · ".join(parts)


def _card(a: service.AlertView) -> AlertCard:
    from_questionnaire = a.score is None
    return AlertCard(
        id=a.id,
        patient_id=a.patient_id,
        patient=a.patient_name,
        level=a.level,
        emoji="📋" if from_questionnaire else display.emoji(a.score),
        mood=TITLES.get(a.source, a.source) if from_questionnaire else display.label(a.score),
        colour=display.colour(a.score),
        note=a.note,
        reasons=list(a.reasons),
        day=display.day_label(a.day),
        when=display.time_label(a.created_at),
        phone=a.phone,
        email=a.email,
        contact_name=a.emergency_contact_name,
        contact_phone=a.emergency_contact_phone,
        booked=f"Appointment booked {display.time_label(a.booked_at)}" if a.booked_at else "",
        steps=_steps(a),
    )


# --- what the safety check and the push refresh ask the database ----------------------------------


def _page_signature(user: CurrentUser, path: str) -> tuple:
    """What the open page shows of entries, in a few numbers: every patient's on the dashboard
    (an ordinary entry updates its row too), one patient's on their page, nothing elsewhere."""
    try:
        with Session(get_engine()) as s:
            if path.rstrip("/") == "/psychiatrist":
                return wellbeing.entries_signature(s, user.id)
            if patient_id_in(path):
                return wellbeing.live_signature(s, user, patient_id_in(path))
    except (AccountError, ValueError):
        pass
    return ()


def _safety_check(user: CurrentUser, session_token: str, path: str) -> Callable[[], tuple]:
    """One query every safety interval: the open alerts and whether the session holds. Without
    push (the benchmarks' baseline) the page's own signature too, as every page used to poll."""

    def check() -> tuple:
        with Session(get_engine()) as s:
            alerts = service.watch_signature(s, user.id, session_token)
        return alerts if live.push_enabled() else (alerts, _page_signature(user, path))

    return check


async def refresh_psychiatrist_tab(app: Any, client_token: str) -> None:
    """Reload the tab's alerts and page from the database (a ``live`` refresh)."""
    async with app.modify_state(rx.BaseStateToken(ident=client_token, cls=AlertState)) as root:
        alerts = await root.get_state(AlertState)
        await alerts._reload_everything()


class AlertState(AuthState):
    alerts: list[AlertCard] = []
    show_all: bool = False

    @rx.var
    def visible_alerts(self) -> list[AlertCard]:
        return self.alerts if self.show_all else self.alerts[:BANNER_LIMIT]

    @rx.var
    def hidden_count(self) -> int:
        return 0 if self.show_all else max(0, len(self.alerts) - BANNER_LIMIT)

    @rx.var
    def newest_urgent(self) -> int:
        """For the browser's desktop notification (assets/miwell.js): it fires when this grows."""
        return max((a.id for a in self.alerts if a.level == "urgent"), default=0)

    @rx.var
    def urgent_count(self) -> int:
        return sum(1 for a in self.alerts if a.level == "urgent")

    def _load_alerts(self, user: CurrentUser) -> None:
        with session_scope() as s:
            self.alerts = [_card(a) for a in service.open_alerts(s, user)]

    async def _refresh_page(self, user: CurrentUser, path: str) -> None:
        """Reload what the open psychiatrist page shows of the alerts' patients."""
        if path.rstrip("/") == "/psychiatrist":
            dashboard = await self.get_state(DashboardState)
            dashboard._refresh(user)  # type: ignore[attr-defined]
        elif patient_id_in(path):
            page = await self.get_state(PatientPageState)
            if page.current_patient == patient_id_in(path):  # type: ignore[attr-defined]
                page._reload_or_refuse(user)  # type: ignore[attr-defined]

    @rx.event
    @allow(PSYCHIATRIST, owns=Owns.THIS_PAGE)
    def toggle_show_all(self):
        self.show_all = not self.show_all

    @rx.event
    @allow(PSYCHIATRIST, owns=Owns.OWN_PATIENTS)
    async def acknowledge(self, alert_id: int):
        user = self._require(Role.PSYCHIATRIST.value)
        if user is None:
            return self._turn_away(self._current_user())
        try:
            with session_scope() as s:
                service.acknowledge(s, user, int(alert_id) if str(alert_id).isdigit() else None)
        except (AccountError, ValueError) as exc:
            return rx.toast.error(str(exc))
        self._load_alerts(user)
        await self._refresh_page(user, self.router.url.path)
        return rx.toast.success("Acknowledged. It is recorded with your name and the time.")

    async def _reload_everything(self) -> None:
        user = self._require(Role.PSYCHIATRIST.value)
        if user is None:  # signed out, suspended: nothing of theirs stays on screen
            self.alerts = []
            live.unsubscribe(self.router.session.client_token)
            return
        self._load_alerts(user)
        await self._refresh_page(user, self.router.url.path)

    @rx.event
    @allow(PSYCHIATRIST, owns=Owns.OWN_PATIENTS, quietly=True)  # on_load of pages every role opens
    def watch(self):
        """on_load of every psychiatrist page: the alerts now, and the tab subscribed for the rest."""
        client = self.router.session.client_token
        user = self._require(Role.PSYCHIATRIST.value)
        if user is None:
            self.alerts = []
            live.unsubscribe(client)
            return
        self._load_alerts(user)
        path = self.router.url.path
        live.subscribe(
            client,
            {push.psychiatrist_topic(user.id), push.user_topic(user.id)},
            refresh_psychiatrist_tab,
            check=_safety_check(user, self._session_token(), path),
        )


# --- "Book an urgent appointment" --------------------------------------------------------------


@dataclasses.dataclass
class SlotChoice:
    key: str = ""  # "<doctor id>|<start>": what the Book button sends back
    when: str = ""
    doctor: str = ""
    clinic: str = ""


@dataclasses.dataclass
class DeskRow:
    organisation_id: int = 0
    organisation: str = ""


def _slot_label(start) -> str:
    return f"{display.day_label(start.date())}, {start:%H:%M}"


class UrgentBookingState(AuthState):
    """The dialog behind "Book an urgent appointment": earliest slots, or why there are none."""

    open: bool = False
    patient: str = ""
    slots: list[SlotChoice] = []
    problem: str = ""
    desks: list[DeskRow] = []
    booked: str = ""
    asked: str = ""
    error: str = ""
    _patient_id: int = 0
    _alert_id: int = 0

    @rx.event
    @allow(PSYCHIATRIST, owns=Owns.OWN_PATIENTS)
    def open_for(self, patient_id: int, alert_id: int = 0):
        user = self._require(Role.PSYCHIATRIST.value)
        if user is None:
            return self._turn_away(self._current_user())
        patient = int(patient_id) if str(patient_id).isdigit() else 0
        self._alert_id = int(alert_id) if str(alert_id).isdigit() else 0
        self.booked = self.asked = self.error = ""
        try:
            with session_scope() as s:
                options = service.urgent_options(s, user, patient)
        except (AccountError, ValueError) as exc:
            return rx.toast.error(str(exc))
        self._patient_id = options.patient_id
        self.patient, self.problem = options.patient_name, options.problem
        self.slots = [
            SlotChoice(f"{o.doctor_id}|{o.start.isoformat()}", _slot_label(o.start), o.doctor, o.clinic) for o in options.slots
        ]
        self.desks = [DeskRow(d.organisation_id, d.organisation) for d in options.desks]
        self.open = True

    @rx.event
    @allow(PSYCHIATRIST, owns=Owns.THIS_PAGE)
    def set_open(self, value: bool):
        self.open = value is True

    @rx.event
    @allow(PSYCHIATRIST, owns=Owns.OWN_PATIENTS)
    async def book(self, key: str):
        user = self._require(Role.PSYCHIATRIST.value)
        if user is None:
            return self._turn_away(self._current_user())
        doctor, _, start = str(key)[:80].partition("|")
        try:
            with session_scope() as s:
                slot = service.book_urgent(
                    s, user, self._patient_id, int(doctor) if doctor.isdigit() else None, start, self._alert_id or None
                )
        except (AccountError, ValueError) as exc:
            self.error = str(exc)
            return
        self.booked = f"{_slot_label(slot.start)} with {slot.doctor} at {slot.clinic}"
        self.slots, self.error = [], ""
        alerts = await self.get_state(AlertState)
        alerts._load_alerts(user)  # type: ignore[attr-defined]
        return rx.toast.success(f"Booked for {self.patient}: {self.booked}. The clinic's calendar shows it now.")

    @rx.event
    @allow(PSYCHIATRIST, owns=Owns.OWN_PATIENTS)
    def ask_desk(self, organisation_id: int):
        user = self._require(Role.PSYCHIATRIST.value)
        if user is None:
            return self._turn_away(self._current_user())
        try:
            with session_scope() as s:
                service.ask_desk(s, user, self._patient_id, organisation_id, self._alert_id or None)
        except (AccountError, ValueError) as exc:
            self.error = str(exc)
            return
        name = next((d.organisation for d in self.desks if str(d.organisation_id) == str(organisation_id)), "the clinic")
        self.asked = f"Asked the desk at {name} to book an urgent appointment for {self.patient}."
        self.error = ""
