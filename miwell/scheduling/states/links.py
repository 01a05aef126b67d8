"""Reflex state of the link requests a patient or psychiatrist answers (account page, Today, dashboard)."""

from __future__ import annotations

import dataclasses

import reflex as rx

from miwell.accounts.core.rules import Role
from miwell.accounts.services import AccountError
from miwell.accounts.states.auth import AuthState
from miwell.accounts.states.policy import PATIENT, PSYCHIATRIST, allow, Owns
from miwell.db import session_scope
from miwell.ids import as_id
from miwell.scheduling.services import links
from miwell.scheduling.services.errors import SchedulingError

LINKABLE = (Role.PATIENT.value, Role.PSYCHIATRIST.value)


@dataclasses.dataclass
class LinkRequestCard:
    id: int = 0
    organisation: str = ""
    record_name: str = ""
    kind: str = ""
    requested: str = ""


class LinkRequestsState(AuthState):
    requests: list[LinkRequestCard] = []

    def _reload(self, user) -> None:
        with session_scope() as s:
            self.requests = [
                LinkRequestCard(r.id, r.organisation, r.record_name, r.kind, r.requested) for r in links.my_requests(s, user)
            ]

    @rx.event
    @allow(PATIENT, PSYCHIATRIST, owns=Owns.OWN_ACCOUNT, quietly=True)  # the account page of every role
    def load(self):
        user = self._require(*LINKABLE)
        if user is None:
            self.requests = []
            return
        self._reload(user)

    @rx.event
    @allow(PATIENT, PSYCHIATRIST, owns=Owns.OWN_ACCOUNT)
    def answer(self, request_id: int, accept: bool):
        user = self._require(*LINKABLE)
        if user is None:
            return self._turn_away(self._current_user())
        try:
            with session_scope() as s:
                organisation = links.answer(s, user, as_id(request_id), accept is True)
        except (AccountError, SchedulingError, ValueError) as exc:
            self._reload(user)
            return rx.toast.error(str(exc))
        self._reload(user)
        if accept is True:
            return rx.toast.success(f"Linked. {organisation} can now show you your appointments with them.")
        return rx.toast.info(f"Declined. {organisation}'s record stays apart from your account.")
