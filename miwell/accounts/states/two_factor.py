"""The account page's two-step sign-in card: turn it on (any role; patients by choice), new
recovery codes, turn it off (patients only)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from miwell.accounts.core import two_factor as rules
from miwell.accounts.services import AccountError, CurrentUser, PermissionDenied
from miwell.accounts.services import two_factor as service
from miwell.accounts.states.auth import AuthState, form_data
from miwell.accounts.states.policy import SIGNED_IN, Owns, allow
from miwell.db import session_scope


class TwoFactorState(AuthState):
    loaded: bool = False
    on: bool = False
    required: bool = False
    codes_left: int = 0
    # "" (the card), "enrol" (QR and code), "codes" (new recovery codes, shown once)
    mode: str = ""
    qr: str = ""
    secret_text: str = ""
    codes: list[str] = []
    error: str = ""
    _secret: str = ""

    def _show(self, user: CurrentUser) -> None:
        with session_scope() as s:
            self.on = service.is_enabled(s, user.id)
            self.codes_left = service.recovery_codes_left(s, user.id) if self.on else 0
        self.required = rules.required_for(user.role, user.practising)
        self.loaded = True

    @rx.event
    @allow(SIGNED_IN, owns=Owns.OWN_ACCOUNT)
    def load(self):
        user = self._current_user()
        if user is None:
            return None
        self.mode, self.error, self.codes, self._secret = "", "", [], ""
        self._show(user)

    @rx.event
    @allow(SIGNED_IN, owns=Owns.OWN_ACCOUNT)
    def start(self):
        user = self._current_user()
        if user is None:
            return None
        enrolment = service.start_enrolment(user)
        self._secret, self.qr, self.secret_text = enrolment.secret, enrolment.qr, enrolment.grouped
        self.mode, self.error = "enrol", ""

    @rx.event
    @allow(SIGNED_IN, owns=Owns.OWN_ACCOUNT)
    def confirm(self, form: dict[str, Any]):
        user = self._current_user()
        if user is None or self.mode != "enrol":
            return None
        try:
            with session_scope() as s:
                self.codes = service.confirm_enrolment(s, user, self._secret, form_data(form).get("code"))
        except AccountError as exc:
            self.error = str(exc)
            return None
        self.mode, self.error, self._secret, self.qr, self.secret_text = "codes", "", "", "", ""
        self._show(user)
        return rx.toast.success("Two-step sign-in is on.")

    @rx.event
    @allow(SIGNED_IN, owns=Owns.OWN_ACCOUNT)
    def new_codes(self, form: dict[str, Any]):
        user = self._current_user()
        if user is None:
            return None
        try:
            with session_scope() as s:
                self.codes = service.new_recovery_codes(s, user, str(form_data(form).get("password", "")))
        except AccountError as exc:
            self.error = str(exc)
            return None
        self.mode, self.error = "codes", ""
        self._show(user)

    @rx.event
    @allow(SIGNED_IN, owns=Owns.OWN_ACCOUNT)
    def turn_off(self, form: dict[str, Any]):
        user = self._current_user()
        if user is None:
            return None
        try:
            with session_scope() as s:
                service.turn_off(s, user, str(form_data(form).get("password", "")))
        except (AccountError, PermissionDenied) as exc:
            self.error = str(exc)
            return None
        self.error = ""
        self._show(user)
        return rx.toast.success("Two-step sign-in is off.")

    @rx.event
    @allow(SIGNED_IN, owns=Owns.THIS_PAGE)
    def close(self):
        self.mode, self.codes, self.error, self._secret, self.qr, self.secret_text = "", [], "", "", "", ""
