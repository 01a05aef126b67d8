"""One's own account: details, intake (psychiatrists), password, deletion."""

from __future__ import annotations

from typing import Any

import reflex as rx

from miwell.accounts import services as service
from miwell.accounts import web
from miwell.accounts.core.rules import ROLES, Role
from miwell.accounts.services import AccountError, CurrentUser
from miwell.accounts.states.auth import (
    AuthState,
    form_data,
)
from miwell.accounts.states.policy import PSYCHIATRIST, SIGNED_IN, allow, Owns
from miwell.db import session_scope


class AccountState(AuthState):
    loaded: bool = False
    full_name: str = ""
    email: str = ""
    phone: str = ""
    emergency_contact_name: str = ""
    emergency_contact_phone: str = ""
    timezone: str = ""
    psychiatrist_name: str = ""
    details_error: str = ""
    password_error: str = ""
    delete_error: str = ""
    delete_open: bool = False
    other_sessions: int = 0  # other browsers this account is signed in on

    def _fill(self, view: service.AccountView) -> None:
        self.full_name, self.email, self.phone = view.full_name, view.email, view.phone
        self.emergency_contact_name = view.emergency_contact_name
        self.emergency_contact_phone = view.emergency_contact_phone
        self.timezone = view.timezone
        self.psychiatrist_name = view.psychiatrist_name

    accepting: bool = True
    cap: str = ""
    patient_count: int = 0
    intake_error: str = ""

    def _signed_in(self) -> CurrentUser | None:
        """Any role; a psychiatrist who is not approved has only their status page."""
        return self._require(*ROLES)

    def _fill_intake(self, view: service.IntakeView) -> None:
        self.accepting, self.patient_count = view.accepting, view.patients
        self.cap = "" if view.cap is None else str(view.cap)

    @rx.event
    @allow(SIGNED_IN, owns=Owns.OWN_ACCOUNT)
    def load(self):
        self.loaded = False
        self.details_error = self.password_error = self.delete_error = self.intake_error = ""
        self.delete_open = False
        user = self._signed_in()
        if user is None:
            return  # the page guard has already sent them away
        with session_scope() as s:
            self._fill(service.account_view(s, user))
            self.other_sessions = service.other_sessions(s, user, self._session_token())
            if user.role == Role.PSYCHIATRIST.value:
                self._fill_intake(service.intake(s, user))
        self.loaded = True

    @rx.event
    @allow(PSYCHIATRIST, owns=Owns.OWN_ACCOUNT)
    def save_intake(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._require(Role.PSYCHIATRIST.value)
        if user is None:
            return self._turn_away(self._current_user())
        try:
            with session_scope() as s:
                view = service.update_intake(s, user, form.get("accepting", "") or False, form.get("cap", ""))
        except (AccountError, ValueError) as exc:
            self.intake_error = str(exc)
            return
        self.intake_error = ""
        self._fill_intake(view)
        return rx.toast.success(
            "You are taking new patients." if view.accepting else "You will not be assigned new patients; your patients stay with you."
        )

    @rx.event
    @allow(SIGNED_IN, owns=Owns.OWN_ACCOUNT)
    def save_details(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._signed_in()
        if user is None:
            return self._turn_away(self._current_user())
        try:
            with session_scope() as s:
                service.update_details(
                    s,
                    user,
                    full_name=str(form.get("full_name", "")),
                    email=str(form.get("email", "")),
                    phone=str(form.get("phone", "")),
                    emergency_contact_name=str(form.get("emergency_contact_name", "")),
                    emergency_contact_phone=str(form.get("emergency_contact_phone", "")),
                    timezone=str(form.get("timezone", "")),
                )
                view = service.account_view(s, user)
        except (AccountError, ValueError) as exc:
            self.details_error = str(exc)
            return
        self.details_error = ""
        self._fill(view)
        self.user_name = view.full_name
        return rx.toast.success("Your details are saved.")

    @rx.event
    @allow(SIGNED_IN, owns=Owns.OWN_ACCOUNT)
    async def change_password(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._signed_in()
        if user is None:
            return self._turn_away(self._current_user())
        try:
            with session_scope() as s:
                service.change_password(
                    s, user, str(form.get("current", "")), str(form.get("new", "")), str(form.get("confirm", ""))
                )
        except (AccountError, ValueError) as exc:
            self.password_error = str(exc)
            return
        self.password_error = ""
        # Every session ended with the change; this browser signs in again through a handoff.
        return await self._sign_in(user, "/account?changed=password")

    @rx.event
    @allow(SIGNED_IN, owns=Owns.OWN_ACCOUNT)
    def end_other_sessions(self):
        user = self._signed_in()
        if user is None:
            return self._turn_away(self._current_user())
        with session_scope() as s:
            ended = service.end_other_sessions(s, user, self._session_token())
        self.other_sessions = 0
        if not ended:
            return rx.toast.info("You were not signed in anywhere else.")
        return rx.toast.success(f"Signed out of {ended} other browser{'' if ended == 1 else 's'}.")

    @rx.event
    @allow(SIGNED_IN, owns=Owns.THIS_PAGE)
    def set_delete_open(self, value: bool):
        self.delete_open = value
        self.delete_error = ""

    @rx.event
    @allow(SIGNED_IN, owns=Owns.OWN_ACCOUNT)
    async def delete_account(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._signed_in()
        if user is None:
            return self._turn_away(self._current_user())
        try:
            with session_scope() as s:
                service.delete_account(s, user, str(form.get("password", "")))
        except (AccountError, ValueError) as exc:
            self.delete_error = str(exc)
            return
        await self._forget_everything()
        self._seen_user_id = 0
        return [web.end_session_script("deleted")]
