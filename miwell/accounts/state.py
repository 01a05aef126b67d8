"""Reflex states of accounts: who is signed in, and the login, register and account pages.

Every handler that touches data resolves the user from the session token on the server, in
the handler itself. The browser holds only its own token and what its pages show.
"""

from __future__ import annotations

import time
from typing import Any

import reflex as rx

from miwell.accounts import service
from miwell.accounts.rules import HOME_PAGES, Role
from miwell.accounts.service import AccountError, CurrentUser
from miwell.db import session_scope
from miwell.scheduling import service as scheduling_service
from miwell.settings import get_settings

ROLE_LABELS = {r.value: r.label for r in Role}


class AuthState(rx.State):
    """Base of every page state: the session cookie and the signed-in user's name and role."""

    session_token: str = rx.Cookie(
        "", name="miwell_session", max_age=get_settings().session_days * 86400, same_site="strict"
    )
    user_name: str = ""
    user_role: str = ""
    _turned_away_at: float = 0.0

    def _current_user(self) -> CurrentUser | None:
        """The signed-in user, read from the database so that a revoked session stops at once."""
        with session_scope() as s:
            user = service.resolve_session(s, self.session_token)
        self.user_name = user.full_name if user else ""
        self.user_role = user.role if user else ""
        return user

    def _require(self, *roles: str) -> CurrentUser | None:
        user = self._current_user()
        if user is None or user.role not in roles:
            return None
        return user

    def _turn_away(self, user: CurrentUser | None, message: str = "") -> list[Any]:
        # A page's guard and its own load both turn a visitor away; one message is enough.
        now = time.time()
        repeated = now - self._turned_away_at < 3
        self._turned_away_at = now
        target = "/" if user is None else HOME_PAGES[user.role]
        if repeated:
            return [rx.redirect(target)]
        if user is None:
            return [rx.redirect(target), rx.toast.warning(message or "Please sign in first.")]
        return [
            rx.redirect(target),
            rx.toast.warning(message or "That page is not for your role, so you were taken to your home page."),
        ]

    @rx.var
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.user_role, "")

    @rx.var
    def home_page(self) -> str:
        return HOME_PAGES.get(self.user_role, "/")

    @rx.event
    def guard(self, role: str = ""):
        """on_load of every signed-in page. Only redirects: each data handler checks again itself."""
        user = self._current_user()
        if user is None:
            return self._turn_away(None)
        if role and user.role != role:
            labels = {"patient": "patients", "psychiatrist": "psychiatrists", "staff": "clinic staff", "admin": "admins"}
            return self._turn_away(user, f"That page is for {labels.get(role, role)} only. You are back on your home page.")

    @rx.event
    def log_out(self):
        with session_scope() as s:
            service.end_session(s, self.session_token)
        self.session_token = ""
        self.user_name = ""
        self.user_role = ""
        return [rx.redirect("/"), rx.toast.info("You are signed out.")]


class LoginState(AuthState):
    error: str = ""
    busy: bool = False

    @rx.event
    def on_load(self):
        self.error = ""
        user = self._current_user()
        if user is not None:
            return rx.redirect(HOME_PAGES[user.role])

    @rx.event
    async def submit(self, form: dict[str, Any]):
        email = str(form.get("email", ""))
        password = str(form.get("password", ""))
        with session_scope() as s:
            result = service.authenticate(s, email, password)
            token = service.start_session(s, result.user.id) if result.user else ""
        if result.user is None:
            # The pause comes after the transaction so a slowed-down attacker holds no locks.
            await service.pause(result.delay)
            self.error = result.error
            return
        self.error = ""
        self.session_token = token
        self.user_name, self.user_role = result.user.full_name, result.user.role
        return rx.redirect(HOME_PAGES[result.user.role])


class RegisterState(AuthState):
    role: str = Role.PATIENT.value
    error: str = ""

    @rx.event
    def on_load(self):
        self.error = ""
        user = self._current_user()
        if user is not None:
            return rx.redirect(HOME_PAGES[user.role])

    @rx.event
    def set_role(self, role: str | list[str]):
        if role in (Role.PATIENT.value, Role.PSYCHIATRIST.value):
            self.role = role

    @rx.event
    def submit(self, form: dict[str, Any]):
        if form.get("password", "") != form.get("confirm", ""):
            self.error = "The two passwords do not match."
            return
        try:
            with session_scope() as s:
                user = service.register(
                    s,
                    role=self.role,
                    full_name=str(form.get("full_name", "")),
                    email=str(form.get("email", "")),
                    phone=str(form.get("phone", "")),
                    password=str(form.get("password", "")),
                    emergency_contact_name=str(form.get("emergency_contact_name", "")),
                    emergency_contact_phone=str(form.get("emergency_contact_phone", "")),
                )
                s.flush()
                assert user.id is not None
                token = service.start_session(s, user.id)
                current = CurrentUser.of(user)
        except (AccountError, ValueError) as exc:
            self.error = str(exc)
            return
        self.error = ""
        self.session_token = token
        self.user_name, self.user_role = current.full_name, current.role
        return [rx.redirect(HOME_PAGES[current.role]), rx.toast.success(f"Welcome to MiWell, {current.full_name}.")]


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

    def _fill(self, view: service.AccountView) -> None:
        self.full_name, self.email, self.phone = view.full_name, view.email, view.phone
        self.emergency_contact_name = view.emergency_contact_name
        self.emergency_contact_phone = view.emergency_contact_phone
        self.timezone = view.timezone
        self.psychiatrist_name = view.psychiatrist_name

    @rx.event
    def load(self):
        self.loaded = False
        self.details_error = self.password_error = self.delete_error = ""
        self.delete_open = False
        user = self._current_user()
        if user is None:
            return  # the page guard has already sent them to sign in
        with session_scope() as s:
            self._fill(service.account_view(s, user))
        self.loaded = True

    @rx.event
    def save_details(self, form: dict[str, Any]):
        user = self._current_user()
        if user is None:
            return self._turn_away(None)
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
    def change_password(self, form: dict[str, Any]):
        user = self._current_user()
        if user is None:
            return self._turn_away(None)
        try:
            with session_scope() as s:
                token = service.change_password(
                    s, user, str(form.get("current", "")), str(form.get("new", "")), str(form.get("confirm", ""))
                )
        except (AccountError, ValueError) as exc:
            self.password_error = str(exc)
            return
        self.password_error = ""
        self.session_token = token
        return [
            rx.toast.success("Password changed. Other devices have been signed out."),
            rx.set_value("current", ""),
            rx.set_value("new", ""),
            rx.set_value("confirm", ""),
        ]

    @rx.event
    def set_delete_open(self, value: bool):
        self.delete_open = value
        self.delete_error = ""

    @rx.event
    def delete_account(self, form: dict[str, Any]):
        user = self._current_user()
        if user is None:
            return self._turn_away(None)
        try:
            with session_scope() as s:
                service.delete_account(s, user, str(form.get("password", "")))
        except (AccountError, ValueError) as exc:
            self.delete_error = str(exc)
            return
        self.session_token = ""
        self.user_name = self.user_role = ""
        self.delete_open = False
        return [rx.redirect("/"), rx.toast.info("Your account and its data have been deleted.")]


class AdminAccountsState(AuthState):
    """Admins create and list staff and admin accounts."""

    rows: list[dict[str, str]] = []
    error: str = ""
    new_role: str = Role.STAFF.value
    organisations: list[dict[str, str]] = []

    def _load(self, user: CurrentUser) -> None:
        with session_scope() as s:
            self.rows = [
                {"name": r.full_name, "email": r.email, "phone": r.phone, "role": ROLE_LABELS[r.role], "created": r.created}
                for r in service.list_accounts(s, user)
            ]
            self.organisations = [
                {"id": str(o.id), "label": o.name} for o in scheduling_service.list_organisations(s, user)
            ]

    @rx.event
    def load(self):
        user = self._require(Role.ADMIN.value)
        if user is None:
            self.rows = []
            return  # the page guard redirects with a message
        self.error = ""
        self._load(user)

    @rx.event
    def set_new_role(self, role: str | list[str]):
        if role in (Role.STAFF.value, Role.ADMIN.value):
            self.new_role = role

    def _chosen_organisation(self, form: dict[str, Any]) -> int | None:
        """Staff need one; the service refuses a missing or unknown organisation with a clear message."""
        raw = str(form.get("organisation_id", "") or "")
        if self.new_role != Role.STAFF.value or not raw:
            return None
        return scheduling_service.parse_id(raw)

    @rx.event
    def create(self, form: dict[str, Any]):
        user = self._require(Role.ADMIN.value)
        if user is None:
            return self._turn_away(self._current_user())
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
                    actor=user,
                )
                name = created.full_name
        except (AccountError, ValueError) as exc:
            self.error = str(exc)
            return
        self.error = ""
        self._load(user)
        return [rx.toast.success(f"Account created for {name}."), rx.call_script("document.getElementById('new-account-form').reset()")]


class PatientHomeState(AuthState):
    """What a patient sees of their care team."""

    psychiatrist_name: str = ""
    psychiatrist_email: str = ""
    psychiatrist_phone: str = ""

    @rx.event
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
