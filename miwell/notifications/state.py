"""Live alerts on every page a psychiatrist has open.

Design: each open psychiatrist page runs one background watcher (started by the page template's
on_load, ``supersedes`` so a navigation replaces it rather than adding one). Every
``POLL_SECONDS`` it asks the database for a two-number signature of the psychiatrist's open
alerts (one indexed aggregate) and, on a patient page, of that patient's entries; only when a
signature changes does it take the state lock and reload what the page shows.

Polling the database rather than pushing from the patient's request keeps the patient's save
independent of who is watching, and works unchanged with one worker or many sharing state
through Redis: the watcher runs in the worker that holds the page's websocket, and the database
is what all workers share. It stops when the page's client has been gone for a while or the
psychiatrist's session ends.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time

import reflex as rx
from sqlmodel import Session

from miwell.accounts import services as accounts
from miwell.accounts.core.rules import Role
from miwell.accounts.services import AccountError, CurrentUser
from miwell.accounts.states.auth import AuthState
from miwell.db import get_engine, session_scope
from miwell.notifications import service
from miwell.wellbeing.core import display
from miwell.wellbeing import services as wellbeing
from miwell.wellbeing.states import DashboardState, PatientPageState, patient_id_in

POLL_SECONDS = 0.5
# Session and connection checks cost more than the signature, so they run less often.
CHECK_EVERY_SECONDS = 5.0
# A dropped websocket usually comes back (same tab, same token) within seconds.
DISCONNECTED_GRACE_SECONDS = 60.0
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


def _card(a: service.AlertView) -> AlertCard:
    return AlertCard(
        id=a.id,
        patient_id=a.patient_id,
        patient=a.patient_name,
        level=a.level,
        emoji=display.emoji(a.score),
        mood=display.label(a.score),
        colour=display.colour(a.score),
        note=a.note,
        reasons=list(a.reasons),
        day=display.day_label(a.day),
        when=display.time_label(a.created_at),
        phone=a.phone,
        email=a.email,
        contact_name=a.emergency_contact_name,
        contact_phone=a.emergency_contact_phone,
    )


# --- what the watcher asks the database, off the event loop ------------------------------------------


def _alert_signature(psychiatrist_id: int) -> tuple[int, int]:
    with Session(get_engine()) as s:
        return service.alert_signature(s, psychiatrist_id)


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


def _session_is(token: str, user_id: int) -> bool:
    with Session(get_engine()) as s:
        user = accounts.resolve_session(s, token)
    return user is not None and user.id == user_id


async def _client_connected(client_token: str) -> bool:
    """Whether the tab is connected to any worker (Reflex's token manager knows, through Redis)."""
    from miwell.miwell import app  # the running app; imported late because it imports every page

    namespace = app.event_namespace
    if namespace is None:
        return False
    manager = getattr(namespace, "_token_manager", None)
    if manager is not None and hasattr(manager, "is_token_connected"):
        return await manager.is_token_connected(client_token)
    return client_token in namespace.token_to_sid


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
    def toggle_show_all(self):
        self.show_all = not self.show_all

    @rx.event
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

    @rx.event(background=True, supersedes=True)
    async def watch(self):
        async with self:
            user = self._require(Role.PSYCHIATRIST.value)
            if user is None:
                self.alerts = []
                return
            self._load_alerts(user)
            token, path = self._session_token(), self.router.url.path
            client = self.router.session.client_token
        alerts = await asyncio.to_thread(_alert_signature, user.id)
        entries = await asyncio.to_thread(_page_signature, user, path)
        last_check = last_seen = time.monotonic()
        while True:
            await asyncio.sleep(POLL_SECONDS)
            now = time.monotonic()
            if now - last_check >= CHECK_EVERY_SECONDS:
                last_check = now
                if not await asyncio.to_thread(_session_is, token, user.id):
                    async with self:
                        self.alerts = []
                    return
                if await _client_connected(client):
                    last_seen = now
                elif now - last_seen > DISCONNECTED_GRACE_SECONDS:
                    return
            new_alerts = await asyncio.to_thread(_alert_signature, user.id)
            new_entries = await asyncio.to_thread(_page_signature, user, path)
            if new_alerts == alerts and new_entries == entries:
                continue
            async with self:
                if new_alerts != alerts:
                    self._load_alerts(user)
                await self._refresh_page(user, path)
            alerts, entries = new_alerts, new_entries
