"""Admins' accounts page: staff, admins and approved psychiatrists, and sign-in locks."""

from __future__ import annotations

from typing import Any

import reflex as rx

from miwell.accounts import services as service
from miwell.accounts.core.rules import Role
from miwell.accounts.services import AccountError, CurrentUser
from miwell.accounts.services import two_factor
from miwell.accounts.states.auth import (
    ROLE_LABELS,
    AuthState,
    form_data,
)
from miwell.accounts.states.policy import ADMIN, allow, Owns
from miwell.db import session_scope
from miwell.scheduling import services as scheduling_service

ADMIN_CREATES = (Role.STAFF.value, Role.ADMIN.value, Role.PSYCHIATRIST.value)


class AdminAccountsState(AuthState):
    """Admins create and list staff and admin accounts (and create approved psychiatrists)."""

    rows: list[dict[str, str]] = []
    error: str = ""
    new_role: str = Role.STAFF.value
    organisations: list[dict[str, str]] = []
    locks: list[dict[str, str]] = []
    reset_error: str = ""

    def _load(self, user: CurrentUser) -> None:
        with session_scope() as s:
            self.rows = [
                {"name": r.full_name, "email": r.email, "phone": r.phone, "role": ROLE_LABELS[r.role], "created": r.created}
                for r in service.list_accounts(s, user)
            ]
            self.organisations = [
                {"id": str(o.id), "label": o.name} for o in scheduling_service.list_organisations(s, user)
            ]
            self.locks = [
                {
                    "email": r.email,
                    "source": r.source,
                    "failures": str(r.failures),
                    "state": f"Locked until {r.locked_until}" if r.locked else "Slowed down",
                }
                for r in service.sign_in_locks(s, user)
            ]

    @rx.event
    @allow(ADMIN, owns=Owns.MIWELL_WIDE)
    def lift_lock(self, email: str):
        user = self._require(Role.ADMIN.value)
        if user is None:
            return self._turn_away(self._current_user())
        with session_scope() as s:
            lifted = service.lift_sign_in_locks(s, user, str(email))
        self._load(user)
        if not lifted:
            return rx.toast.info("There was nothing to lift for that address any more.")
        return rx.toast.success(f"Sign-in for {email} is open again from every device.")

    @rx.event
    @allow(ADMIN, owns=Owns.MIWELL_WIDE)
    def reset_two_factor(self, form: dict[str, Any]):
        """A lost phone, after the admin has made sure who is asking (call them back)."""
        user = self._require(Role.ADMIN.value)
        if user is None:
            return self._turn_away(self._current_user())
        try:
            with session_scope() as s:
                name = two_factor.admin_reset(s, user, form_data(form).get("email"))
        except AccountError as exc:
            self.reset_error = str(exc)
            return None
        self.reset_error = ""
        return rx.toast.success(f"{name} sets up two-step sign-in again at their next sign-in; their sessions have ended.")

    @rx.event
    @allow(ADMIN, owns=Owns.MIWELL_WIDE)
    def load(self):
        user = self._require(Role.ADMIN.value)
        if user is None:
            self.rows = []
            return  # the page guard redirects with a message
        self.error = ""
        self._load(user)

    @rx.event
    @allow(ADMIN, owns=Owns.THIS_PAGE)
    def set_new_role(self, role: str | list[str]):
        if role in ADMIN_CREATES:
            self.new_role = role
            self.error = ""

    def _chosen_organisation(self, form: dict[str, Any]) -> int | None:
        """Staff need one; the service refuses a missing or unknown organisation with a clear message."""
        form = form_data(form)
        raw = str(form.get("organisation_id", "") or "")
        if self.new_role != Role.STAFF.value or not raw:
            return None
        return scheduling_service.parse_id(raw)

    @rx.event
    @allow(ADMIN, owns=Owns.MIWELL_WIDE)
    def create(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._require(Role.ADMIN.value)
        if user is None:
            return self._turn_away(self._current_user())
        if self.new_role not in ADMIN_CREATES:
            self.new_role = Role.STAFF.value  # a crafted setvar; the form is for these roles only
        try:
            with session_scope() as s:
                created = service.register(
                    s,
                    role=self.new_role,
                    full_name=str(form.get("full_name", "")),
                    email=str(form.get("email", "")),
                    phone=str(form.get("phone", "")),
                    password=str(form.get("password", "")),
                    organisation_id=self._chosen_organisation(form),
                    registration_number=str(form.get("registration_number", "")),
                    actor=user,
                )
                name = created.full_name
        except (AccountError, ValueError) as exc:
            self.error = str(exc)
            return
        self.error = ""
        self._load(user)
        return [rx.toast.success(f"Account created for {name}."), rx.call_script("document.getElementById('new-account-form').reset()")]
