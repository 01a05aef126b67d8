"""What the patient's and the clinic desk's home pages show of the care team."""

from __future__ import annotations

import reflex as rx

from miwell.accounts import services as service
from miwell.accounts.core.rules import Role
from miwell.accounts.states.auth import (
    AuthState,
)
from miwell.accounts.states.policy import ADMIN, PATIENT, STAFF, allow, Owns
from miwell.db import session_scope


class PatientHomeState(AuthState):
    """What a patient sees of their care team."""

    psychiatrist_name: str = ""
    psychiatrist_email: str = ""
    psychiatrist_phone: str = ""

    @rx.event
    @allow(PATIENT, owns=Owns.OWN_RECORDS)
    def load(self):
        user = self._require(Role.PATIENT.value)
        if user is None:
            return
        with session_scope() as s:
            view = service.account_view(s, user)
        self.psychiatrist_name = view.psychiatrist_name
        self.psychiatrist_email = view.psychiatrist_email
        self.psychiatrist_phone = view.psychiatrist_phone


class StaffHomeState(AuthState):
    psychiatrists: list[dict[str, str]] = []

    @rx.event
    @allow(STAFF, ADMIN, owns=Owns.OWN_ORGANISATION)
    def load(self):
        user = self._require(Role.STAFF.value, Role.ADMIN.value)
        if user is None:
            self.psychiatrists = []
            return
        with session_scope() as s:
            self.psychiatrists = [
                {"name": p.full_name, "email": p.email, "phone": p.phone, "patients": str(p.patient_count)}
                for p in service.psychiatrist_directory(s, user)
            ]
