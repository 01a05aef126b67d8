"""The base of every page state: who is signed in (read on the server from the HttpOnly cookie), the\npage guard, signing out, and forgetting a tab's earlier user."""

from __future__ import annotations

import time
from typing import Any

import reflex as rx

from miwell.accounts import services as service
from miwell.accounts import web
from miwell.accounts.core.rules import Role, Standing, home_page
from miwell.accounts.services import CurrentUser
from miwell.accounts.states.policy import ANYONE, SIGNED_IN, allow, Owns, take_admitted
from miwell.db import session_scope

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
    # Seconds without activity before the session ends (0: no limit); the page warns a minute before.
    idle_seconds: int = 0
    _turned_away_at: float = 0.0
    _seen_user_id: int = 0

    def _session_token(self) -> str:
        return web.cookie_value(self.router.headers.cookie, web.SESSION_COOKIE)

    def _current_user(self, touch: bool = False) -> CurrentUser | None:
        """The signed-in user, read from the database so that a revoked session stops at once.

        ``touch``: someone is using the page, so the inactivity limit starts again."""
        user = None if touch else take_admitted(self._session_token())
        if user is None:
            with session_scope() as s:
                user = service.resolve_session(s, self._session_token(), touch=touch)
        self.user_name = user.full_name if user else ""
        self.user_role = user.role if user else ""
        self.user_standing = user.standing if user else ""
        idle = service.idle_limit_of(user.role) if user else None
        self.idle_seconds = int(idle.total_seconds()) if idle else 0
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
    @allow(ANYONE, owns=Owns.OWN_ACCOUNT)
    async def guard(self, role: str = ""):
        """on_load of every signed-in page. Only redirects: each data handler checks again itself."""
        role = role if isinstance(role, str) else ""
        user = self._current_user(touch=True)  # a page load is activity
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
    @allow(SIGNED_IN, owns=Owns.OWN_ACCOUNT, pending_psychiatrists=True, quietly=True, activity=True)
    def keep_alive(self):
        """The page's ping while someone is using it (typing a long reply sends no other event):
        the policy's check of the user, with ``touch``, is all it does."""
        return None

    @rx.event
    @allow(ANYONE, owns=Owns.OWN_ACCOUNT)
    async def log_out(self):
        with session_scope() as s:
            service.end_session(s, self._session_token())
        await self._forget_everything()
        self._seen_user_id = 0
        return [web.end_session_script()]


# The pseudo-role of the one page a psychiatrist who is not approved may see.
STATUS_PAGE_ROLE = "status"
