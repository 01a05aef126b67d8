"""The clinic calendar page's view: the range shown, its filters, and keeping it live for every desk."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import reflex as rx
from sqlmodel import Session

from miwell import live, push
from miwell.accounts.core.rules import Role
from miwell.accounts.services import AccountError, CurrentUser
from miwell.accounts.states.auth import AuthState, text_arg
from miwell.accounts.states.policy import allow, Owns
from miwell.db import get_engine, session_scope
from miwell.scheduling import services as service
from miwell.scheduling.core.calendar_view import VisibleRange, initials, visible_range
from miwell.scheduling.core.formatting import clock, day_text
from miwell.scheduling.services import SchedulingError
from miwell.scheduling.services import calendar as calendar_service
from miwell.scheduling.services.calendar import Filters
from miwell.scheduling.states.common import (
    _run,
)
from miwell.settings import get_settings

STAFF = Role.STAFF.value
CALENDAR_PATH = "/staff/calendar"
NEW = "new"




@dataclass(frozen=True)
class _Request:
    """What one load of the calendar is for: compared to tell a stale result from a current one."""

    shown: VisibleRange
    filters: Filters


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def _load(user: CurrentUser, request: _Request) -> tuple[int, calendar_service.CalendarLoad]:
    """The version first, then the range: a change committed in between is pushed again after
    its commit, so the page can lag by one notice but never miss a change."""
    with session_scope() as s:
        version = service.calendar_version(s, user)
        return version, calendar_service.calendar_events(s, user, request.shown, request.filters)


def _version_check(user: CurrentUser) -> Callable[[], int | None]:
    """The calendar's safety check when push is off (the benchmarks' baseline): its version."""

    def check() -> int | None:
        try:
            with Session(get_engine()) as s:
                return service.calendar_version(s, user)
        except (AccountError, SchedulingError):
            return None

    return check


async def refresh_calendar_tab(app: Any, client_token: str) -> None:
    """Another desk changed the organisation's calendar: reload this tab's range (a ``live`` refresh)."""
    async with app.modify_state(rx.BaseStateToken(ident=client_token, cls=CalendarState)) as root:
        calendar = await root.get_state(CalendarState)
        user = calendar._require(STAFF)
        if user is None or not calendar.router.url.path.rstrip("/").endswith(CALENDAR_PATH):
            live.unsubscribe(client_token)
            return
        calendar._reload(user)


def _local_stamp(at: datetime, timezone: str) -> str:
    """An audit time (aware UTC; SQLite hands it back naive) on the clinic's clock."""
    local = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(ZoneInfo(timezone))
    return f"{day_text(local.date())}, {clock(local)}"


def _int_or_none(raw: object) -> int | None:
    text = str(raw or "").strip()
    return int(text) if text.isdigit() else None


class CalendarState(AuthState):
    clinics: list[dict[str, str]] = []
    doctors: list[dict[str, str]] = []
    clinic_id: str = ""
    doctor_ids: list[str] = []
    patient: str = ""
    show_cancelled: bool = False
    time_zone: str = get_settings().default_timezone
    slot_min_time: str = "08:00:00"
    slot_max_time: str = "19:00:00"
    loaded: bool = False

    events: list[dict[str, Any]] = []
    summary: str = ""
    notice: str = ""
    error: str = ""
    # "<view> <first day> <last day>" of the events shown: lets a test or a screen reader know
    # which range they belong to.
    shown: str = ""

    _shown: VisibleRange | None = None
    _loaded_version: int = -1

    # --- what to load ---

    def _filters(self) -> Filters:
        return Filters(
            clinic_id=_int_or_none(self.clinic_id),
            doctor_ids=tuple(d for d in (_int_or_none(x) for x in self.doctor_ids) if d is not None),
            patient=self.patient,
            include_cancelled=self.show_cancelled,
        )

    def _request(self) -> _Request | None:
        return None if self._shown is None else _Request(self._shown, self._filters())

    def _apply(self, request: _Request, version: int, load: calendar_service.CalendarLoad) -> None:
        self._loaded_version = version
        self.events = load.events
        self.shown = f"{request.shown.view} {request.shown.first_day.isoformat()} {request.shown.last_day.isoformat()}"
        parts = [_plural(load.appointments, "appointment")]
        if request.shown.shows_free_slots and not load.free_note:
            parts.append(_plural(load.free_slots, "free slot"))
        self.summary = " · ".join(parts)
        notices = []
        if load.summarised:
            notices.append(
                f"{load.appointments:,} appointments are too many to show one by one: each doctor's day shows "
                "their count. Choose doctors, or open a week or a day, to see each booking."
            )
        if load.free_note:
            notices.append(load.free_note)
        self.notice = " ".join(notices)

    def _reload(self, user: CurrentUser) -> None:
        request = self._request()
        if request is None:
            return
        try:
            version, load = _load(user, request)
        except (SchedulingError, AccountError) as exc:
            self.error = str(exc)
            return
        self.error = ""
        self._apply(request, version, load)

    # --- page events ---

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def load(self):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        setup, error = _run(lambda s: calendar_service.calendar_setup(s, user))
        if setup is None:
            self.error = error
            return
        self.clinics = [{"id": str(c.id), "label": c.name, "timezone": c.timezone} for c in setup.clinics]
        self.doctors = [{"id": str(d.id), "name": d.name, "colour": d.colour, "initials": initials(d.name)} for d in setup.doctors]
        # Filters kept from an earlier visit may name records deleted since.
        known = {d["id"] for d in self.doctors}
        self.doctor_ids = [d for d in self.doctor_ids if d in known]
        if self.clinic_id not in {c["id"] for c in self.clinics}:
            self.clinic_id = ""
        self._set_time_zone()
        self.slot_min_time = f"{setup.first_hour:02d}:00:00"
        self.slot_max_time = f"{setup.last_hour:02d}:00:00" if setup.last_hour < 24 else "24:00:00"
        self.loaded = True
        self._reload(user)
        self._subscribe(user)

    def _set_time_zone(self) -> None:
        chosen = next((c for c in self.clinics if c["id"] == self.clinic_id), None) or (self.clinics or [None])[0]
        self.time_zone = chosen["timezone"] if chosen else get_settings().default_timezone

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def load_range(self, start: str, end: str, view: str):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        try:
            self._shown = visible_range(start, end, view)
        except ValueError as exc:
            # Any browser can send anything: show nothing rather than guess.
            self._shown, self.events, self.shown = None, [], ""
            self.error = str(exc)
            return
        self._reload(user)

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def set_clinic(self, value: str):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        value = text_arg(value)
        self.clinic_id = value if value in {c["id"] for c in self.clinics} else ""
        self._set_time_zone()
        self._reload(user)

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def toggle_doctor(self, doctor_id: str):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        doctor_id = text_arg(doctor_id)
        if doctor_id not in {d["id"] for d in self.doctors}:
            return
        if doctor_id in self.doctor_ids:
            self.doctor_ids = [d for d in self.doctor_ids if d != doctor_id]
        else:
            self.doctor_ids = [*self.doctor_ids, doctor_id]
        self._reload(user)

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def all_doctors(self):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        self.doctor_ids = []
        self._reload(user)

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def set_patient(self, value: str):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        self.patient = str(value or "")[: service.SEARCH_MAX]
        self._reload(user)

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def set_show_cancelled(self, value: bool):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        self.show_cancelled = bool(value)
        self._reload(user)

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def refresh(self):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        self._reload(user)

    def _subscribe(self, user: CurrentUser) -> None:
        """Every change to the organisation's calendar reloads this tab, by push; no polling."""
        live.subscribe(
            self.router.session.client_token,
            {push.organisation_topic(user.organisation_id or 0), push.user_topic(user.id)},
            refresh_calendar_tab,
            check=None if live.push_enabled() else _version_check(user),
        )
