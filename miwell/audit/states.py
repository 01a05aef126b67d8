"""The audit log's page state: admins read everyone's events, a patient the events of their own
record. Which events a reader may see is decided by the service from the signed-in user alone:
nothing the browser sends can widen it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import reflex as rx

from miwell.accounts.states.auth import AuthState, form_data, text_arg
from miwell.accounts.states.policy import ADMIN, PATIENT, Owns, allow
from miwell.audit import services as service
from miwell.db import session_scope
from miwell.settings import get_settings
from miwell.wellbeing.core.display import time_label

ACTION_LABELS = {"viewed": "saw", "created": "added", "changed": "changed", "deleted": "deleted",
                 "exported": "downloaded", "erased": "erased"}  # fmt: skip
ROLE_LABELS = {"patient": "patient", "psychiatrist": "psychiatrist", "staff": "clinic staff", "admin": "admin",
               "system": "automatic", "signed out": "signed out"}  # fmt: skip


def _run(action):
    try:
        with session_scope() as s:
            return action(s), ""
    except service.AuditError as exc:
        return None, str(exc)


def _line(e: service.EventView, reader_role: str) -> dict[str, str]:
    what = e.subject if not e.detail else f"{e.subject} ({e.detail})"
    return {
        "id": str(e.id),
        "when": time_label(e.at),
        "who": e.actor,
        "role": ROLE_LABELS.get(e.actor_role, e.actor_role),
        "action": ACTION_LABELS.get(e.action, e.action),
        "what": what,
        # A patient's own log is all about them; an admin needs to know whose record it was.
        "patient": e.patient if reader_role == ADMIN else "",
        "origin": e.origin,
    }


class AuditLogState(AuthState):
    lines: list[dict[str, str]] = []
    more: bool = False
    patient: str = ""
    person: str = ""
    first: str = ""
    last: str = ""
    error: str = ""
    loaded: bool = False
    # Changed on each load, so the filter form's uncontrolled inputs show the reset values.
    form_key: int = 0

    def _read(self, user) -> None:
        result, self.error = _run(lambda s: service.search(s, user, self.patient, self.person, self.first, self.last))
        if result is None:
            self.lines, self.more = [], False
            return
        events, self.more = result
        self.lines = [_line(e, user.role) for e in events]
        self.loaded = True

    @rx.event
    @allow(ADMIN, PATIENT, owns=Owns.OWN_RECORDS)
    def load(self):
        user = self._require(ADMIN, PATIENT)
        if user is None:
            return self._turn_away(self._current_user())
        today = date.today()
        self.patient = self.person = ""
        self.first, self.last = (today - timedelta(days=30)).isoformat(), today.isoformat()
        self.form_key += 1
        self._read(user)

    @rx.event
    @allow(ADMIN, PATIENT, owns=Owns.OWN_RECORDS)
    def apply(self, form: dict[str, Any]):
        user = self._require(ADMIN, PATIENT)
        if user is None:
            return self._turn_away(self._current_user())
        form = form_data(form)
        # What was typed stays in the form, right or wrong.
        self.first, self.last = text_arg(form.get("first"), 10), text_arg(form.get("last"), 10)
        self.person = text_arg(form.get("person"), 120)
        self.patient = text_arg(form.get("patient"), 120) if user.role == ADMIN else ""
        self._read(user)

    @rx.event
    @allow(ADMIN, PATIENT, owns=Owns.OWN_RECORDS)
    def download_csv(self):
        user = self._require(ADMIN, PATIENT)
        if user is None:
            return self._turn_away(self._current_user())
        data, self.error = _run(lambda s: service.export_csv(s, user, self.patient, self.person, self.first, self.last))
        if data is None:
            return None
        return rx.download(data=data, filename=f"miwell-audit-{date.today().isoformat()}.csv", mime_type="text/csv")

    @rx.var
    def zone_note(self) -> str:
        return f"Times are {get_settings().default_timezone.replace('_', ' ')} time; the download gives UTC."
