"""Reflex state of /admin/psychiatrists: approving, rejecting, suspending and inviting psychiatrists.

Every handler checks the admin on the server; the services check again and record each decision
with who, when and why. Ids and actions arriving from the browser only choose what to ask the
service for.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import quote

import reflex as rx

from miwell.accounts import services as service

from miwell.accounts.core import rules
from miwell.accounts.core.rules import Role, Standing
from miwell.accounts.services import AccountError, CurrentUser
from miwell.accounts.states.auth import AuthState, form_data
from miwell.accounts.states.policy import allow, Owns
from miwell.db import session_scope
from miwell.ids import as_id

ADMIN = Role.ADMIN.value

# action -> (new standing, button label, what the reason box asks)
ACTIONS: dict[str, tuple[str, str, str]] = {
    "approve": (Standing.APPROVED.value, "Approve", "How the registration was checked (e.g. GMC register checked on 4 Dec)"),
    "reject": (Standing.REJECTED.value, "Reject", "Why the application is not approved (the applicant sees this)"),
    "suspend": (Standing.SUSPENDED.value, "Suspend", "Why the account is suspended"),
    "reinstate": (Standing.APPROVED.value, "Reinstate", "Why the account may practise again"),
}
STANDING_LABELS = {"pending": "Awaiting approval", "approved": "Approved", "rejected": "Not approved", "suspended": "Suspended"}


@dataclasses.dataclass
class PsychiatristCard:
    id: int = 0
    name: str = ""
    email: str = ""
    phone: str = ""
    number: str = ""
    standing: str = ""
    standing_label: str = ""
    reason: str = ""
    changed: str = ""
    registered: str = ""
    patients: int = 0
    intake: str = ""


@dataclasses.dataclass
class InvitationRow:
    id: int = 0
    email: str = ""
    name: str = ""
    created: str = ""
    expires: str = ""
    status: str = ""


def _card(r: service.PsychiatristAdminRow) -> PsychiatristCard:
    if not r.accepting:
        intake = "Not taking new patients"
    elif r.cap is not None:
        intake = f"Taking new patients, up to {r.cap}"
    else:
        intake = "Taking new patients"
    return PsychiatristCard(
        r.id, r.full_name, r.email, r.phone, r.registration_number or "not given", r.standing,
        STANDING_LABELS.get(r.standing, r.standing), r.reason, r.changed, r.registered, r.patients, intake,
    )


def _invitation(v: service.InvitationView) -> InvitationRow:
    status = "Used" if v.used else "Expired" if v.expired else f"Open until {v.expires}"
    return InvitationRow(v.id, v.email, v.full_name, v.created, v.expires, status)


class VettingState(AuthState):
    pending: list[PsychiatristCard] = []
    others: list[PsychiatristCard] = []
    invitations: list[InvitationRow] = []
    handover_options: list[dict[str, str]] = []
    loaded: bool = False

    decide_id: int = 0
    decide_action: str = ""
    decide_name: str = ""
    decide_patients: int = 0
    decide_error: str = ""

    invite_error: str = ""
    new_link: str = ""
    new_link_email: str = ""

    def _reload(self, user: CurrentUser) -> None:
        with session_scope() as s:
            rows = service.list_psychiatrists(s, user)
            invitations = service.list_invitations(s, user)
        cards = [_card(r) for r in rows]
        self.pending = [c for c in cards if c.standing == Standing.PENDING.value]
        self.others = [c for c in cards if c.standing != Standing.PENDING.value]
        self.invitations = [_invitation(v) for v in invitations]
        self.handover_options = [
            {"id": str(c.id), "label": f"{c.name} ({c.patients} patients)"}
            for c in cards
            if c.standing == Standing.APPROVED.value
        ]
        self.loaded = True

    @rx.var
    def decide_label(self) -> str:
        return ACTIONS.get(self.decide_action, ("", "", ""))[1]

    @rx.var
    def decide_prompt(self) -> str:
        return ACTIONS.get(self.decide_action, ("", "", ""))[2]

    @rx.event
    @allow(ADMIN, owns=Owns.MIWELL_WIDE)
    def load(self):
        user = self._require(ADMIN)
        if user is None:
            return self._turn_away(self._current_user())
        self.decide_id, self.decide_error, self.invite_error = 0, "", ""
        self.new_link = self.new_link_email = ""
        self._reload(user)

    @rx.event
    @allow(ADMIN, owns=Owns.MIWELL_WIDE)
    def open_decision(self, psychiatrist_id: int, action: str):
        user = self._require(ADMIN)
        if user is None:
            return self._turn_away(self._current_user())
        wanted = as_id(psychiatrist_id)
        card = next((c for c in [*self.pending, *self.others] if c.id == wanted), None)
        if card is None or action not in ACTIONS:
            return rx.toast.error("That account is no longer listed. The page has been reloaded.")
        self.decide_id, self.decide_action, self.decide_name = card.id, action, card.name
        self.decide_patients, self.decide_error = card.patients, ""

    @rx.event
    @allow(ADMIN, owns=Owns.THIS_PAGE)
    def close_decision(self, open_: bool = False):
        if not open_:
            self.decide_id, self.decide_error = 0, ""

    @rx.event
    @allow(ADMIN, owns=Owns.MIWELL_WIDE)
    def decide(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._require(ADMIN)
        if user is None:
            return self._turn_away(self._current_user())
        action = ACTIONS.get(self.decide_action)
        if action is None:
            self.decide_error = "Choose what to do from the list again."
            return
        target = as_id(form.get("hand_over_to", ""))
        try:
            with session_scope() as s:
                result = service.change_standing(
                    s, user, self.decide_id, action[0], str(form.get("reason", "")), hand_over_to=target
                )
        except (AccountError, ValueError) as exc:
            self.decide_error = str(exc)
            self._reload(user)
            return
        self.decide_id, self.decide_error = 0, ""
        self._reload(user)
        message = f"{result.name}: {STANDING_LABELS[result.standing].lower()}."
        if result.patients_handed_over:
            message += f" {result.patients_handed_over} patient(s) and {result.alerts_handed_over} open alert(s) handed over; their sessions have ended."
        elif result.standing == Standing.SUSPENDED.value:
            message += " Their sessions have ended."
        return rx.toast.success(message)

    @rx.event
    @allow(ADMIN, owns=Owns.MIWELL_WIDE)
    def invite(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._require(ADMIN)
        if user is None:
            return self._turn_away(self._current_user())
        try:
            with session_scope() as s:
                token = service.invite_psychiatrist(s, user, str(form.get("email", "")), str(form.get("full_name", "")))
                email = rules.normalise_email(str(form.get("email", "")))
        except (AccountError, ValueError) as exc:
            self.invite_error = str(exc)
            return
        self.invite_error = ""
        self.new_link = f"{self.router.url.origin}/invite?code={quote(token)}"
        self.new_link_email = email
        self._reload(user)
        return rx.call_script("document.getElementById('invite-form').reset()")

    @rx.event
    @allow(ADMIN, owns=Owns.THIS_PAGE)
    def dismiss_link(self):
        self.new_link = self.new_link_email = ""

    @rx.event
    @allow(ADMIN, owns=Owns.MIWELL_WIDE)
    def withdraw(self, invitation_id: int):
        user = self._require(ADMIN)
        if user is None:
            return self._turn_away(self._current_user())
        try:
            with session_scope() as s:
                service.withdraw_invitation(s, user, as_id(invitation_id))
        except (AccountError, ValueError) as exc:
            self._reload(user)
            return rx.toast.error(str(exc))
        self._reload(user)
        return rx.toast.info("The invitation is withdrawn; its link no longer works.")
