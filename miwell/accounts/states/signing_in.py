"""Signing in and up: the login and register pages, an invitation's page, a psychiatrist's status page."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import reflex as rx

from miwell import live, push
from miwell.accounts import services as service
from miwell.accounts.core.rules import STATUS_PAGE, Role, home_page
from miwell.accounts.core import two_factor as two_factor_rules
from miwell.accounts.services import AccountError, CurrentUser
from miwell.accounts.services import two_factor
from miwell.accounts.states.auth import (
    AuthState,
    form_data,
)
from miwell.accounts.states.policy import ANYONE, PSYCHIATRIST, allow, Owns
from miwell.db import session_scope


# How long the second step may wait after a right password.
SECOND_STEP_SECONDS = 300


class LoginState(AuthState):
    error: str = ""
    notice: str = ""
    # "password", then for two-step sign-in "code" (or "enrol" and "codes" the first time).
    step: str = "password"
    code_error: str = ""
    qr: str = ""
    secret_text: str = ""
    recovery_codes: list[str] = []
    # Between the password and the second step: whose, until when, how many wrong codes.
    _pending_id: int = 0
    _pending_until: float = 0.0
    _enrol_secret: str = ""
    _tries: int = 0
    # Set by the invitation page, which hands a new psychiatrist straight to the second step.
    _handed_over: bool = False

    def _back_to_password(self, error: str = "") -> None:
        self.step, self.error, self.code_error = "password", error, ""
        self.qr = self.secret_text = self._enrol_secret = ""
        self.recovery_codes = []
        self._pending_id, self._pending_until, self._tries = 0, 0.0, 0

    def _pending(self) -> CurrentUser | None:
        if not self._pending_id or time.time() > self._pending_until:
            return None
        with session_scope() as s:
            return two_factor.pending_user(s, self._pending_id)

    @rx.event
    @allow(ANYONE, owns=Owns.NOTHING_YET)
    def on_load(self):
        if self._handed_over and self._pending() is not None:
            self._handed_over = False
            self.notice = LOGIN_NOTICES["invited"]
            return None
        self._handed_over = False
        self._back_to_password()
        self.notice = LOGIN_NOTICES.get(self.router.url.query_parameters.get("signin", ""), "")
        user = self._current_user()
        if user is not None:
            return rx.redirect(home_page(user.role, user.standing))

    @rx.event
    @allow(ANYONE, owns=Owns.NOTHING_YET)
    async def submit(self, form: dict[str, Any]):
        form = form_data(form)
        email = str(form.get("email", ""))
        password = str(form.get("password", ""))
        source = self.router.session.client_ip

        def check():
            with session_scope() as s:
                return service.authenticate(s, email, password, source=source)

        # Checking a password is slow on purpose (argon2): in a thread, so the worker keeps serving
        # everyone else's events meanwhile (100 people signing in at nine o'clock stalled it).
        result = await asyncio.to_thread(check)
        if result.user is None:
            # The pause comes after the transaction so a slowed-down attacker holds no locks.
            await service.pause(result.delay)
            self.error = result.error
            return
        self.error = self.notice = ""
        return await self._after_password(result.user)

    async def _after_password(self, user: CurrentUser) -> Any:
        """The password was right (or just chosen): signed in, or on to the second step."""
        with session_scope() as s:
            step = two_factor.second_step(s, user)
        if not step:
            return await self._sign_in(user)
        self._pending_id, self._pending_until, self._tries = user.id, time.time() + SECOND_STEP_SECONDS, 0
        if step == "enrol":
            enrolment = two_factor.start_enrolment(user)
            self._enrol_secret, self.qr, self.secret_text = enrolment.secret, enrolment.qr, enrolment.grouped
        self.step, self.code_error = step, ""
        return None

    @rx.event
    @allow(ANYONE, owns=Owns.NOTHING_YET)
    async def submit_code(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._pending()
        if user is None or self.step not in ("code", "enrol"):
            self._back_to_password("That took too long. Please sign in again." if self._pending_id else "")
            return None
        try:
            with session_scope() as s:
                if self.step == "enrol":
                    self.recovery_codes = two_factor.confirm_enrolment(s, user, self._enrol_secret, form.get("code"))
                    right = True
                else:
                    right = two_factor.check_second_factor(s, user, form.get("code"))
            problem = ""
        except AccountError as exc:
            right, problem = False, str(exc)
        if not right:
            self._tries += 1
            with session_scope() as s:
                counted = service.failed_second_step(s, user.email, source=self.router.session.client_ip)
            if counted.error:  # this device is locked out, as after wrong passwords
                self._back_to_password(counted.error)
                return None
            if self._tries >= two_factor_rules.MAX_CODE_ATTEMPTS:
                self._back_to_password("Too many wrong codes. Please sign in again.")
                return None
            await service.pause(max(counted.delay, 0.3 * self._tries))
            self.code_error = problem or two_factor.WRONG_CODE
            return None
        if self.step == "enrol":
            self.step, self.code_error, self.qr, self.secret_text, self._enrol_secret = "codes", "", "", "", ""
            return None
        return await self._sign_in(user)

    @rx.event
    @allow(ANYONE, owns=Owns.NOTHING_YET)
    async def finish(self):
        """After the recovery codes were shown: on into MiWell."""
        user = self._pending()
        if user is None or self.step != "codes":
            self._back_to_password("That took too long. Please sign in again." if self._pending_id else "")
            return None
        return await self._sign_in(user)

    @rx.event
    @allow(ANYONE, owns=Owns.NOTHING_YET)
    def cancel(self):
        self._back_to_password()


LOGIN_NOTICES = {
    "expired": "That sign-in took too long or was used already. Please sign in again.",
    "out": "You are signed out.",
    "invited": "Your account is ready. One more step: set up two-step sign-in, which MiWell asks of every clinician.",
    "idle": "You were signed out after a while without activity, so that nobody else at this screen sees your records.",
}


class RegisterState(AuthState):
    role: str = Role.PATIENT.value
    error: str = ""

    @rx.event
    @allow(ANYONE, owns=Owns.NOTHING_YET)
    def on_load(self):
        self.error = ""
        user = self._current_user()
        if user is not None:
            return rx.redirect(home_page(user.role, user.standing))

    @rx.event
    @allow(ANYONE, owns=Owns.THIS_PAGE)
    def set_role(self, role: str | list[str]):
        if role in (Role.PATIENT.value, Role.PSYCHIATRIST.value):
            self.role = role
            self.error = ""

    @rx.event
    @allow(ANYONE, owns=Owns.NOTHING_YET)
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
    @allow(ANYONE, owns=Owns.NOTHING_YET)
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
    @allow(ANYONE, owns=Owns.NOTHING_YET)
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
        # Approved at once, so like any clinician they set up two-step sign-in before their first
        # session: the sign-in page's second step, in this tab, without typing the password again.
        login = await self.get_state(LoginState)
        events = await login._after_password(current)
        if login._pending_id != current.id:
            return events  # no second step asked (cannot happen for a psychiatrist today)
        login._handed_over = True
        return rx.redirect("/")


class StandingState(AuthState):
    """The only page of a psychiatrist who is not approved: where their account stands. It hears
    an admin's decision while open: a rejection shows with its reason; an approval ends the session
    (two-step sign-in comes first), so the page asks them to sign in again."""

    # "pending", "rejected", "suspended", "approved", or "signed out" (the session ended meanwhile).
    standing: str = ""
    reason: str = ""
    changed: str = ""
    registration_number: str = ""

    @rx.event
    @allow(PSYCHIATRIST, owns=Owns.OWN_ACCOUNT, pending_psychiatrists=True)
    def load(self):
        user = self._current_user()
        if user is None or user.role != Role.PSYCHIATRIST.value:
            return
        self._show(user)
        live.subscribe(self.router.session.client_token, {push.user_topic(user.id)}, refresh_standing_tab)

    def _show(self, user: CurrentUser) -> None:
        with session_scope() as s:
            view = service.own_standing(s, user)
        self.standing, self.reason, self.changed = view.standing, view.reason, view.changed
        self.registration_number = view.registration_number


async def refresh_standing_tab(app: Any, client_token: str) -> None:
    """An admin decided (or the sessions ended): show where the account stands now."""
    async with app.modify_state(rx.BaseStateToken(ident=client_token, cls=StandingState)) as root:
        state = await root.get_state(StandingState)
        user = state._current_user()
        if user is None or user.role != Role.PSYCHIATRIST.value or state.router.url.path.rstrip("/") != STATUS_PAGE:
            live.unsubscribe(client_token)
            if user is None:  # nothing of the account stays on screen
                state.standing, state.reason, state.changed, state.registration_number = "signed out", "", "", ""
            return
        state._show(user)
