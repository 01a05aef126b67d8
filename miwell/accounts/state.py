"""Reflex states of accounts: who is signed in, and the login, register and account pages.

Every handler that touches data resolves the user from the session token on the server, in
the handler itself. The browser holds only its own token and what its pages show.
"""

from __future__ import annotations

import time
from typing import Any

import reflex as rx

from miwell.accounts import service, web
from miwell.accounts.rules import ROLES, Role, Standing, home_page
from miwell.accounts.service import AccountError, CurrentUser
from miwell.db import session_scope
from miwell.scheduling import services as scheduling_service
from miwell.settings import get_settings

ROLE_LABELS = {r.value: r.label for r in Role}


def form_data(form: Any) -> dict[str, Any]:
    """A submitted form as a dict. Reflex passes a crafted payload through as it came (an int,
    a list) when it cannot be read as the handler's type, so every form handler starts here."""
    return form if isinstance(form, dict) else {}


def text_arg(value: Any, limit: int = 200) -> str:
    """A string argument of an event as sent; anything that is not a string becomes ""."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]  # Radix controls send some values as a one-item list
    return value[:limit] if isinstance(value, str) else ""


class AuthState(rx.State):
    """Base of every page state: who is signed in, read on the server from the session cookie.

    The cookie is HttpOnly: no script of the page can read it. The browser sends it with the
    websocket's opening request, and Reflex hands those headers to every event of the socket
    (and never sends the cookie header back to the frontend). Signing in or out therefore ends
    with a full page load, which opens a new socket carrying the new cookie.
    """

    user_name: str = ""
    user_role: str = ""
    user_standing: str = ""
    _turned_away_at: float = 0.0
    _seen_user_id: int = 0

    def _session_token(self) -> str:
        return web.cookie_value(self.router.headers.cookie, web.SESSION_COOKIE)

    def _current_user(self) -> CurrentUser | None:
        """The signed-in user, read from the database so that a revoked session stops at once."""
        with session_scope() as s:
            user = service.resolve_session(s, self._session_token())
        self.user_name = user.full_name if user else ""
        self.user_role = user.role if user else ""
        self.user_standing = user.standing if user else ""
        return user

    def _require(self, *roles: str) -> CurrentUser | None:
        """The user, if their role is one of ``roles`` and (for psychiatrists) they are approved."""
        user = self._current_user()
        if user is None or user.role not in roles or not user.practising:
            return None
        return user

    def _turn_away(self, user: CurrentUser | None, message: str = "") -> list[Any]:
        # A page's guard and its own load both turn a visitor away; one message is enough.
        now = time.time()
        repeated = now - self._turned_away_at < 3
        self._turned_away_at = now
        target = "/" if user is None else home_page(user.role, user.standing)
        if repeated:
            return [rx.redirect(target)]
        if user is None:
            return [rx.redirect(target), rx.toast.warning(message or "Please sign in first.")]
        if not user.practising:
            return [rx.redirect(target)]  # the status page says why
        return [
            rx.redirect(target),
            rx.toast.warning(message or "That page is not for your role, so you were taken to your home page."),
        ]

    @rx.var
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.user_role, "")

    @rx.var
    def home_page(self) -> str:
        return home_page(self.user_role, self.user_standing) if self.user_role else "/"

    @rx.var
    def practising(self) -> bool:
        return self.user_role != Role.PSYCHIATRIST.value or self.user_standing == Standing.APPROVED.value

    async def _forget_everything(self) -> None:
        """Reset every state of this tab on the server, so the next person gets nothing of this one.

        Clinic desks share computers: a page's rows stay in the tab's server-side state until reset,
        and would otherwise reach whoever signs in next in the same tab.
        """
        root = await self.get_state(AuthState)
        todo = list(AuthState.get_substates())
        while todo:
            cls = todo.pop()
            todo.extend(cls.get_substates())
            await root.get_state(cls)  # loaded, so that the reset below reaches it
        # Reflex's reset covers backend-only (_) vars too, and recurses into loaded substates.
        root.reset()

    async def _sign_in(self, user: CurrentUser, next_path: str = "") -> list[Any]:
        """Forget the tab's earlier user, then hand the browser over to ``/session/start``."""
        await self._forget_everything()
        target = next_path or home_page(user.role, user.standing)
        with session_scope() as s:
            token, nonce = service.create_handoff(s, user.id, target)
        self._seen_user_id = user.id
        return [web.start_session_script(token, nonce)]

    @rx.event
    async def guard(self, role: str = ""):
        """on_load of every signed-in page. Only redirects: each data handler checks again itself."""
        role = role if isinstance(role, str) else ""
        user = self._current_user()
        if (user.id if user else 0) != self._seen_user_id:
            # Signed out elsewhere, expired, or someone else: nothing of the earlier user stays.
            await self._forget_everything()
            user = self._current_user()
            self._seen_user_id = user.id if user else 0
        if user is None:
            return self._turn_away(None)
        if not user.practising:
            if role != STATUS_PAGE_ROLE:
                return self._turn_away(user)
            return None
        if role == STATUS_PAGE_ROLE:
            return rx.redirect(home_page(user.role, user.standing))
        if role and user.role != role:
            labels = {"patient": "patients", "psychiatrist": "psychiatrists", "staff": "clinic staff", "admin": "admins"}
            return self._turn_away(user, f"That page is for {labels.get(role, role)} only. You are back on your home page.")
        return None

    @rx.event
    async def log_out(self):
        with session_scope() as s:
            service.end_session(s, self._session_token())
        await self._forget_everything()
        self._seen_user_id = 0
        return [web.end_session_script()]


# The pseudo-role of the one page a psychiatrist who is not approved may see.
STATUS_PAGE_ROLE = "status"


class LoginState(AuthState):
    error: str = ""
    notice: str = ""

    @rx.event
    def on_load(self):
        self.error = ""
        self.notice = LOGIN_NOTICES.get(self.router.url.query_parameters.get("signin", ""), "")
        user = self._current_user()
        if user is not None:
            return rx.redirect(home_page(user.role, user.standing))

    @rx.event
    async def submit(self, form: dict[str, Any]):
        form = form_data(form)
        email = str(form.get("email", ""))
        password = str(form.get("password", ""))
        with session_scope() as s:
            result = service.authenticate(s, email, password, source=self.router.session.client_ip)
        if result.user is None:
            # The pause comes after the transaction so a slowed-down attacker holds no locks.
            await service.pause(result.delay)
            self.error = result.error
            return
        self.error = self.notice = ""
        return await self._sign_in(result.user)


LOGIN_NOTICES = {
    "expired": "That sign-in took too long or was used already. Please sign in again.",
    "out": "You are signed out.",
}


class RegisterState(AuthState):
    role: str = Role.PATIENT.value
    error: str = ""

    @rx.event
    def on_load(self):
        self.error = ""
        user = self._current_user()
        if user is not None:
            return rx.redirect(home_page(user.role, user.standing))

    @rx.event
    def set_role(self, role: str | list[str]):
        if role in (Role.PATIENT.value, Role.PSYCHIATRIST.value):
            self.role = role
            self.error = ""

    @rx.event
    async def submit(self, form: dict[str, Any]):
        form = form_data(form)
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
                    registration_number=str(form.get("registration_number", "")),
                )
                s.flush()
                current = CurrentUser.of(user)
        except (AccountError, ValueError) as exc:
            self.error = str(exc)
            return
        self.error = ""
        return await self._sign_in(current)


class InvitationState(AuthState):
    """/invite?code=…: a psychiatrist an admin invited sets up their account, approved at once."""

    email: str = ""
    full_name: str = ""
    problem: str = ""
    error: str = ""
    loaded: bool = False
    _code: str = ""

    @rx.event
    def on_load(self):
        self.error = self.problem = ""
        self.loaded = False
        self._code = str(self.router.url.query_parameters.get("code", ""))[:100]
        try:
            with session_scope() as s:
                view = service.invitation_for(s, self._code)
        except AccountError as exc:
            self.email = self.full_name = ""
            self.problem = str(exc)
        else:
            self.email, self.full_name = view.email, view.full_name
        self.loaded = True

    @rx.event
    async def submit(self, form: dict[str, Any]):
        form = form_data(form)
        if form.get("password", "") != form.get("confirm", ""):
            self.error = "The two passwords do not match."
            return
        try:
            with session_scope() as s:
                user = service.register(
                    s,
                    role=Role.PSYCHIATRIST.value,
                    full_name=str(form.get("full_name", "")),
                    email=self.email,
                    phone=str(form.get("phone", "")),
                    password=str(form.get("password", "")),
                    registration_number=str(form.get("registration_number", "")),
                    invitation_token=self._code,
                )
                s.flush()
                current = CurrentUser.of(user)
        except (AccountError, ValueError) as exc:
            self.error = str(exc)
            return
        self.error = ""
        return await self._sign_in(current)


class StandingState(AuthState):
    """The only page of a psychiatrist who is not approved: where their account stands."""

    standing: str = ""
    reason: str = ""
    changed: str = ""
    registration_number: str = ""

    @rx.event
    def load(self):
        user = self._current_user()
        if user is None or user.role != Role.PSYCHIATRIST.value:
            return
        with session_scope() as s:
            view = service.own_standing(s, user)
        self.standing, self.reason, self.changed = view.standing, view.reason, view.changed
        self.registration_number = view.registration_number


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
    def load(self):
        self.loaded = False
        self.details_error = self.password_error = self.delete_error = self.intake_error = ""
        self.delete_open = False
        user = self._signed_in()
        if user is None:
            return  # the page guard has already sent them away
        with session_scope() as s:
            self._fill(service.account_view(s, user))
            if user.role == Role.PSYCHIATRIST.value:
                self._fill_intake(service.intake(s, user))
        self.loaded = True

    @rx.event
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
    def set_delete_open(self, value: bool):
        self.delete_open = value
        self.delete_error = ""

    @rx.event
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


ADMIN_CREATES = (Role.STAFF.value, Role.ADMIN.value, Role.PSYCHIATRIST.value)


class AdminAccountsState(AuthState):
    """Admins create and list staff and admin accounts (and create approved psychiatrists)."""

    rows: list[dict[str, str]] = []
    error: str = ""
    new_role: str = Role.STAFF.value
    organisations: list[dict[str, str]] = []
    locks: list[dict[str, str]] = []

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
    def load(self):
        user = self._require(Role.ADMIN.value)
        if user is None:
            self.rows = []
            return  # the page guard redirects with a message
        self.error = ""
        self._load(user)

    @rx.event
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
