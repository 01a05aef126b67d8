"""Email settings on the account page, safety contacts on an organisation's page, and the outbox
page for admins. Each handler checks the signed-in user; the services check again."""

from __future__ import annotations

import dataclasses
from typing import Any

import reflex as rx

from miwell.accounts.services import AccountError
from miwell.accounts.states.auth import AuthState, form_data
from miwell.accounts.states.policy import ADMIN, PATIENT, PSYCHIATRIST, allow, Owns
from miwell.db import session_scope
from miwell.outreach.models import OUTBOX_STATUSES
from miwell.outreach.services import settings as service
from miwell.wellbeing.core import display

STATUS_LABELS = {
    "queued": "Queued",
    "sending": "Sending",
    "sent": "Sent",
    "failed": "Failed",
    "cancelled": "Cancelled",
    "held": "Kept (no SMTP)",
}

KIND_LABELS = {
    "alert": "Unseen urgent alert",
    "escalation": "Escalation",
    "reminder": "Daily reminder",
    "nudge": "Missed-days nudge",
    "digest": "Morning digest",
    "appointment": "Appointment reminder",
}


def _run(action):
    try:
        with session_scope() as s:
            return action(s), ""
    except (AccountError, ValueError) as exc:
        return None, str(exc)


def _checked(form: dict[str, Any], name: str) -> bool:
    return str(form.get(name, "")).lower() in ("on", "true", "1", "yes")


class EmailSettingsState(AuthState):
    loaded: bool = False
    emails: bool = True
    daily_reminder: bool = True
    reminder_time: str = "19:00"
    digest: bool = False
    error: str = ""
    form_key: int = 0

    def _show(self, p: service.Preferences) -> None:
        self.emails, self.daily_reminder, self.reminder_time, self.digest = p.emails, p.daily_reminder, p.reminder_time, p.digest
        self.form_key += 1

    @rx.event
    @allow(PATIENT, PSYCHIATRIST, owns=Owns.OWN_ACCOUNT, quietly=True)  # the account page of every role
    def load(self):
        user = self._require("patient", "psychiatrist")
        self.loaded = False
        if user is None:
            return
        found, self.error = _run(lambda s: service.get_preferences(s, user))
        if found is not None:
            self._show(found)
            self.loaded = True

    @rx.event
    @allow(PATIENT, PSYCHIATRIST, owns=Owns.OWN_ACCOUNT)
    def save(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._require("patient", "psychiatrist")
        if user is None:
            return self._turn_away(self._current_user())
        saved, error = _run(
            lambda s: service.save_preferences(
                s,
                user,
                _checked(form, "emails"),
                _checked(form, "daily_reminder") if user.role == "patient" else self.daily_reminder,
                str(form.get("reminder_time", "") or "")[:8] if user.role == "patient" else self.reminder_time,
                _checked(form, "digest") if user.role == "psychiatrist" else self.digest,
            )
        )
        if error:
            # What was chosen stays on screen; only the message changes.
            self.error = error
            return
        self.error = ""
        self._show(saved)  # type: ignore[arg-type]
        return rx.toast.success("Email settings saved.")


class SafetyContactsState(AuthState):
    contacts: str = ""
    error: str = ""
    form_key: int = 0

    def _organisation_id(self) -> int:
        last = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        return int(last) if last.isdigit() and len(last) < 10 else 0

    @rx.event
    @allow(ADMIN, owns=Owns.MIWELL_WIDE)
    def load(self):
        user = self._require("admin")
        if user is None:
            return
        found, self.error = _run(lambda s: service.safety_contacts(s, user, self._organisation_id()))
        self.contacts = "\n".join(found or [])
        self.form_key += 1

    @rx.event
    @allow(ADMIN, owns=Owns.MIWELL_WIDE)
    def save(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._require("admin")
        if user is None:
            return self._turn_away(self._current_user())
        text = str(form.get("safety_contacts", "") or "")[:6000]
        saved, error = _run(lambda s: service.set_safety_contacts(s, user, self._organisation_id(), text))
        if error:
            self.error = error
            return
        self.error = ""
        self.contacts = "\n".join(saved or [])
        self.form_key += 1
        return rx.toast.success("Safety contacts saved." if saved else "Safety contacts cleared: escalations go to every admin.")


@dataclasses.dataclass
class OutboxLine:
    id: int = 0
    when: str = ""
    kind: str = ""
    recipient: str = ""
    subject: str = ""
    body: str = ""
    status: str = ""
    status_label: str = ""
    attempts: int = 0
    error: str = ""
    sent: str = ""


class OutboxState(AuthState):
    lines: list[OutboxLine] = []
    counts: dict[str, int] = {}
    status: str = ""
    error: str = ""

    def _read(self) -> None:
        user = self._require("admin")
        if user is None:
            self.lines, self.counts = [], {}
            return
        result, self.error = _run(lambda s: service.outbox(s, user, self.status))
        if result is None:
            return
        rows, self.counts = result
        self.lines = [
            OutboxLine(
                id=r.id,
                when=display.time_label(r.created_at),
                kind=KIND_LABELS.get(r.kind, r.kind),
                recipient=r.recipient,
                subject=r.subject,
                body=r.body,
                status=r.status,
                status_label=STATUS_LABELS.get(r.status, r.status),
                attempts=r.attempts,
                error=r.last_error,
                sent=display.time_label(r.sent_at) if r.sent_at else "",
            )
            for r in rows
        ]

    @rx.event
    @allow(ADMIN, owns=Owns.MIWELL_WIDE)
    def load(self):
        self.status = ""
        self._read()

    @rx.event
    @allow(ADMIN, owns=Owns.MIWELL_WIDE)
    def show(self, status: str):
        self.status = status if status in OUTBOX_STATUSES else ""
        self._read()
