"""The authorization policy: every event handler declares who may call it and whose records it
may touch, with ``@allow(...)`` right under ``@rx.event``.

Any handler, and ``setvar``, can be called by a crafted websocket message, so the declaration is
also enforced here, before the handler runs: a caller whose role the rule does not admit is
turned away (or, for a handler that only changes what the page shows, ignored). Ownership (this
patient's own entries, this psychiatrist's own patients, this desk's own organisation) depends
on the record, so the services check it against the actor; ``tests/services/test_policy.py``
proves both for every handler found at run time, with someone else's ids.

The user the rule admitted is also who the audit log names for whatever the handler then reads
or changes (``audit.acting``), with the request's address.
"""

from __future__ import annotations

import functools
import inspect
from contextvars import ContextVar
from dataclasses import dataclass
from enum import Enum
from typing import Any, Callable

from miwell.accounts.core.rules import ROLES, Role
from miwell.audit import services as audit

PATIENT = Role.PATIENT.value
PSYCHIATRIST = Role.PSYCHIATRIST.value
STAFF = Role.STAFF.value
ADMIN = Role.ADMIN.value
# Not roles: whoever opens the page, signed in or not; and any signed-in role.
ANYONE = "anyone"
SIGNED_IN = "signed in"

POLICY_ATTRIBUTE = "__miwell_policy__"

# The user the rule has just admitted, with the session cookie it was read for: the handler's own
# first look at its user (`_require`, a few microseconds later in the same event) takes it instead
# of reading the session again, one query per event instead of two. Taken once, so any later look,
# after the handler may have ended sessions, reads the database again.
_admitted: ContextVar[tuple[str, Any] | None] = ContextVar("miwell_admitted", default=None)


def take_admitted(session_token: str) -> Any | None:
    """The user this event's rule admitted for this session cookie, once; else None."""
    held = _admitted.get()
    if held is None or held[0] != session_token:
        return None
    _admitted.set(None)
    return held[1]


class Owns(str, Enum):
    """Whose records a handler may read or change, once the role is admitted."""

    NOTHING_YET = "signing in or up"  # signed-out forms: sign in, register, accept an invitation
    OWN_ACCOUNT = "own account"  # the signed-in user's own account, settings and sessions
    OWN_RECORDS = "own records"  # a patient's own entries, questionnaires, appointments, offers
    OWN_PATIENTS = "own patients"  # a psychiatrist's assigned patients, their alerts and replies
    OWN_RECORDS_OR_PATIENTS = "own records, or own patients"  # a patient's report, or their psychiatrist's
    OWN_ORGANISATION = "own organisation"  # clinic staff: their organisation's clinics, doctors, people, bookings
    MIWELL_WIDE = "MiWell-wide"  # admins keep every organisation and account; the shared task library
    THIS_PAGE = "this page"  # changes only what the tab shows: reads and writes no record


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]
    owns: Owns
    # A psychiatrist not (yet) approved may only see their status page and their account.
    pending_psychiatrists: bool = False

    def admits(self, role: str, practising: bool) -> bool:
        if ANYONE in self.roles:
            return True
        if not role:
            return False
        if not practising and not self.pending_psychiatrists:
            return False
        return SIGNED_IN in self.roles or role in self.roles

    @property
    def admitted_roles(self) -> frozenset[str]:
        if ANYONE in self.roles or SIGNED_IN in self.roles:
            return frozenset(ROLES)
        return self.roles


def allow(
    *roles: str, owns: Owns, pending_psychiatrists: bool = False, quietly: bool = False, activity: bool = False
) -> Callable[[Callable], Callable]:
    """Declare (and enforce) who may call the handler below. Put it under ``@rx.event``.

    ``quietly``: a refused caller gets nothing back instead of being sent home (for an on_load
    that runs beside a page's own guard, which already does that). ``activity``: the call is
    someone using the page, so their session's inactivity limit starts again."""
    unknown = set(roles) - {*ROLES, ANYONE, SIGNED_IN}
    if not roles or unknown:
        raise ValueError(f"allow() needs roles among {ROLES}, ANYONE or SIGNED_IN, not {sorted(unknown) or 'none'}")
    rule = Rule(frozenset(roles), owns, pending_psychiatrists)

    def refusal(state: Any) -> tuple[bool, Any, Any]:
        """(refused, what to send back, the user the rule admitted)."""
        if ANYONE in rule.roles:
            return False, None, None
        if owns is Owns.THIS_PAGE:
            # Reads nothing, so the role the page's last server check found is enough (no query per
            # tap); the page's data handlers check the database again.
            practising = state.user_role != PSYCHIATRIST or state.user_standing == "approved"
            return (not rule.admits(state.user_role, practising)), None, None
        user = state._current_user(touch=True) if activity else state._current_user()
        if user is not None and rule.admits(user.role, user.practising):
            return False, None, user
        return True, (None if quietly else state._turn_away(user)), None

    def begin(state: Any, user: Any):
        """Whoever the audit log should name for what the handler does (nobody: signed out), and
        the admitted user handed to the handler's own first look."""
        try:
            origin = state.router.session.client_ip or ""
        except AttributeError:
            origin = ""
        admitted = _admitted.set((state._session_token(), user) if user is not None else None)
        return audit.begin_acting(user.id if user else None, user.role if user else "", origin), admitted

    def end(tokens) -> None:
        acting, admitted = tokens
        audit.end_acting(acting)
        try:
            _admitted.reset(admitted)
        except ValueError:  # an async generator resumed in another context: clear it instead
            _admitted.set(None)

    def decorate(fn: Callable) -> Callable:
        if inspect.isasyncgenfunction(fn):

            @functools.wraps(fn)
            async def guarded_generator(self, *args, **kwargs):
                refused, answer, user = refusal(self)
                if refused:
                    if answer is not None:
                        yield answer
                    return
                token = begin(self, user)
                try:
                    async for update in fn(self, *args, **kwargs):
                        yield update
                finally:
                    end(token)

            wrapper: Callable = guarded_generator
        elif inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def guarded_coroutine(self, *args, **kwargs):
                refused, answer, user = refusal(self)
                if refused:
                    return answer
                token = begin(self, user)
                try:
                    return await fn(self, *args, **kwargs)
                finally:
                    end(token)

            wrapper = guarded_coroutine
        else:

            @functools.wraps(fn)
            def guarded(self, *args, **kwargs):
                refused, answer, user = refusal(self)
                if refused:
                    return answer
                token = begin(self, user)
                try:
                    return fn(self, *args, **kwargs)
                finally:
                    end(token)

            wrapper = guarded
        setattr(wrapper, POLICY_ATTRIBUTE, rule)
        return wrapper

    return decorate


def policy_of(handler: Any) -> Rule | None:
    """The declared rule of an event handler (or of its function), if any."""
    fn = getattr(handler, "fn", handler)
    return getattr(fn, POLICY_ATTRIBUTE, None)
