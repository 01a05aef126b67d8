"""The desk's list of urgent appointment requests from psychiatrists."""

from __future__ import annotations

import dataclasses

import reflex as rx

from miwell.accounts.services import AccountError
from miwell.accounts.states.auth import AuthState
from miwell.accounts.states.policy import allow, Owns
from miwell.db import session_scope
from miwell.scheduling import services as service
from miwell.scheduling.states.common import STAFF
from miwell.wellbeing.core import display


@dataclasses.dataclass
class RequestRow:
    id: int = 0
    patient: str = ""
    patient_id: int = 0
    by: str = ""
    reason: str = ""
    when: str = ""


class UrgentRequestsState(AuthState):
    requests: list[RequestRow] = []

    def _reload(self, user) -> None:
        with session_scope() as s:
            rows = service.urgent_requests(s, user)
        self.requests = [
            RequestRow(r.id, r.patient_name, r.clinic_patient_id or 0, r.requested_by, r.reason, display.time_label(r.created_at))
            for r in rows
        ]

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def load(self):
        user = self._require(STAFF)
        if user is None:
            return
        self._reload(user)

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def handled(self, request_id: int):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        try:
            with session_scope() as s:
                service.handle_urgent_request(s, user, request_id)
        except (AccountError, ValueError) as exc:
            return rx.toast.error(str(exc))
        self._reload(user)
        return rx.toast.success("Marked as dealt with.")
