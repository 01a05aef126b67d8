"""Crisis support on every patient page: the lines to call, there before anything is asked for.

``lines`` starts as the deployment's defaults, so the page as first sent already holds numbers to
call, whatever happens to the connection afterwards; loading swaps in the patient's clinics' own.
"""

from __future__ import annotations

import dataclasses

import reflex as rx

from miwell.accounts.services import AccountError
from miwell.accounts.states.auth import AuthState
from miwell.accounts.states.policy import allow, Owns
from miwell.db import session_scope
from miwell.wellbeing.core import crisis
from miwell.wellbeing.services.support import crisis_lines_for_patient
from miwell.wellbeing.states.common import PATIENT


@dataclasses.dataclass
class LineRow:
    name: str = ""
    phone: str = ""
    dial: str = ""
    detail: str = ""


def _rows(lines: list[crisis.CrisisLine]) -> list[LineRow]:
    return [LineRow(line.name, line.phone, line.dial, line.detail) for line in lines]


class CrisisState(AuthState):
    lines: list[LineRow] = _rows(list(crisis.UK_DEFAULTS))

    @rx.event
    @allow(PATIENT, owns=Owns.OWN_RECORDS, quietly=True)
    def load(self):
        """on_load of every patient page. Anyone else keeps the defaults (and sees no link)."""
        user = self._current_user()
        if user is None or user.role != PATIENT:
            return
        try:
            with session_scope() as s:
                self.lines = _rows(crisis_lines_for_patient(s, user))
        except (AccountError, ValueError):
            self.lines = _rows(list(crisis.UK_DEFAULTS))
